"""Control answers are cached until the control log (or a name they show) changes.

The map on a date and a place's timeline are served from the cache with one query (the
version, read from PostgreSQL), and every way the product writes the control log, a
place's or an actor's name, expires them, in the same transaction.
"""

import socket
import time

import pytest
from django.core.cache import cache
from django.db import transaction

from events import caching, services
from events.choices import ActorKind, EventType
from events.models import ControlFlip
from tests.control_timeline import D, build_timeline, capture

from .conftest import count_queries, make_actor, make_place

MAP = "/api/v1/control/?date=2020-02-20&bbox=36.5,35.6,37.1,36.1"


@pytest.fixture
def timeline(db):
    town = make_place("Cacheton", 36.80, 35.86)
    a = make_actor("Army A", "army-a")
    b = make_actor("Group B", "group-b", ActorKind.REBEL_GROUP)
    return town, a, b, build_timeline(town, a, b)


def holder(api, url=MAP):
    features = api.get(url).json()["features"]
    return features[0]["properties"]["actor"]["slug"] if features else None


def periods(api, town):
    body = api.get(f"/api/v1/places/{town.pk}/control/").json()
    return [(p["actor"]["slug"] if p["actor"] else None, p["start"]) for p in body["periods"]]


def test_a_second_asking_reads_only_the_version(api, timeline):
    town = timeline[0]
    timeline_url = f"/api/v1/places/{town.pk}/control/"
    first, first_timeline = api.get(MAP).content, api.get(timeline_url).content
    assert count_queries(api, MAP) == 1
    assert count_queries(api, timeline_url) == 1
    assert api.get(MAP).content == first
    assert api.get(timeline_url).content == first_timeline
    geojson = api.get(MAP, HTTP_ACCEPT="application/geo+json")
    assert geojson["Content-Type"] == "application/geo+json"
    assert geojson.content == first
    assert api.get(MAP + "&format=api").status_code == 200  # the browsable API, uncached


def test_the_key_is_the_whole_question(api, timeline):
    town, a, b, _ = timeline
    assert holder(api) == "group-b"
    assert holder(api, MAP.replace("2020-02-20", "2020-01-20")) == "army-a"
    assert holder(api, MAP + "&actor=army-a") is None
    assert holder(api, MAP + "&country=IQ") is None
    assert holder(api, MAP + "&country=sy") == "group-b"


@pytest.mark.parametrize(
    "change",
    [
        lambda ev: services.event_reject(event=ev["b_takes"], reason="denied"),
        lambda ev: services.event_correct(event=ev["b_takes"],
                                          changes={"date": D(2020, 3, 20)}, reason="later"),
        lambda ev: services.event_correct(event=ev["b_takes"],
                                          changes={"type": EventType.SHELLING}, reason="no"),
        lambda ev: ev["b_takes"].delete(),
        lambda ev: ControlFlip.objects.filter(event=ev["b_takes"]).delete(),
        lambda ev: ControlFlip.objects.filter(event=ev["b_takes"]).update(date=D(2020, 3, 20)),
    ],
    ids=["reject", "correct-date", "correct-type", "delete-event", "delete-flips",
         "update-flips"],
)
def test_every_change_of_the_log_expires_the_answers(api, timeline, change):
    town, _, _, events = timeline
    assert holder(api) == "group-b"
    assert ("group-b", "2020-02-10") in periods(api, town)
    change(events)
    assert holder(api) == "army-a"
    assert ("group-b", "2020-02-10") not in periods(api, town)


def test_a_new_capture_and_new_names_expire_the_answers(api, timeline):
    town, a, b, _ = timeline
    assert holder(api) == "group-b"
    capture(town, D(2020, 2, 15), a, b)
    assert holder(api) == "army-a"
    a.name = "Army A, renamed"
    a.save()
    assert api.get(MAP).json()["features"][0]["properties"]["actor"]["name"] == \
        "Army A, renamed"
    town.name = "Cacheton-on-Sea"
    town.save()
    assert api.get(MAP).json()["features"][0]["properties"]["name"] == "Cacheton-on-Sea"
    assert api.get(f"/api/v1/places/{town.pk}/control/").json()["place"]["name"] == \
        "Cacheton-on-Sea"


def test_bulk_writes_expire_the_answers(api, timeline):
    town, a, _, events = timeline
    assert holder(api) == "group-b"
    flip = ControlFlip.objects.get(event=events["b_takes"])
    flip.pk = None
    flip.event = capture(make_place("Elsewhere", 50, 50), D(2019, 1, 1), a)
    ControlFlip.objects.filter(event=flip.event).delete()
    flip.place, flip.date, flip.actor = town, D(2020, 2, 15), a
    ControlFlip.objects.bulk_create([flip])
    assert holder(api) == "army-a"


def test_the_version_moves_with_the_writing_transaction(timeline):
    """Inside the writer's transaction the version has moved; once it rolls back, the
    number is not given again (an answer cached under it is never read)."""
    town, a, b, _ = timeline
    before = caching.control_log_version()
    with transaction.atomic():
        sid = transaction.savepoint()
        capture(town, D(2020, 2, 15), a, b)
        inside = caching.control_log_version()
        assert inside > before
        transaction.savepoint_rollback(sid)
    assert caching.control_log_version() == before
    capture(town, D(2020, 2, 16), b, a)
    assert caching.control_log_version() > inside


@pytest.fixture(params=["down", "hung"])
def broken_redis(request, settings):
    """The cache pointed at a Redis that refuses connections, or at one that takes them and
    never answers (a listening socket nobody reads)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    if request.param == "hung":
        server.listen(1)
    else:
        server.close()
    # The product's cache settings (their timeouts included), but for the server.
    settings.CACHES = {"default": {**settings.CACHES["default"],
                                   "LOCATION": f"redis://127.0.0.1:{port}/1"}}
    yield request.param
    server.close()


def test_without_redis_answers_are_computed_and_writes_succeed(api, timeline, broken_redis):
    town, a, b, _ = timeline
    started = time.monotonic()
    assert holder(api) == "group-b"
    capture(town, D(2020, 2, 15), a, b)
    assert holder(api) == "army-a"
    assert periods(api, town)[-1] == ("army-a", "2020-02-15")
    # Each cache call gave up after its timeout (CACHE_TIMEOUT_MS; the throttle let the
    # requests through) instead of waiting on the operating system's TCP timeouts.
    assert time.monotonic() - started < 30


def test_a_cache_of_the_process_alone_is_not_used(api, timeline, settings):
    """With CACHE_URL=locmem the web processes would never hear of the workers' writes."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    api.get(MAP)
    assert count_queries(api, MAP) > 0


@pytest.fixture
def full_redis(settings, tmp_path):
    """A Redis configured as the product starts it (conflictkb.services), but small."""
    import subprocess

    import redis

    from conflictkb.services import redis_arguments

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*redis_arguments(port, "3mb"), "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    settings.CACHES = {"default": {**settings.CACHES["default"],
                                   "LOCATION": f"redis://127.0.0.1:{port}/1"}}
    yield client
    server.terminate()
    server.wait(timeout=10)


def test_a_full_redis_drops_cached_answers_never_queued_tasks(api, timeline, full_redis):
    town, a, b, _ = timeline
    # The broker's queue: a list without expiry (db 0, the cache is in db 1).
    full_redis.lpush("celery", *[b"task message %d" % i for i in range(100)])
    assert holder(api) == "group-b"
    # Far more cached answers than fit: each expires, so each may be evicted.
    for i in range(3000):
        cache.set(f"filler:{i}", "x" * 2000, timeout=caching.TIMEOUT)
    assert full_redis.llen("celery") == 100
    assert full_redis.info("memory")["used_memory"] <= 3 * 1024 * 1024 * 1.05
    # Answers are still right, and the cache still takes new ones.
    capture(town, D(2020, 2, 15), a, b)
    assert holder(api) == "army-a"
    assert periods(api, town)[-1] == ("army-a", "2020-02-15")
    assert count_queries(api, MAP) == 1


@pytest.fixture
def own_redis(settings, tmp_path):
    """A redis-server of this test's own on a free loopback port (never the shared one),
    which the test may pause; the cache points at it. Always resumed and stopped."""
    import os
    import signal
    import subprocess

    import redis

    from conflictkb.services import redis_arguments

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*redis_arguments(port, "16mb"), "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    settings.CACHES = {"default": {**settings.CACHES["default"],
                                   "LOCATION": f"redis://127.0.0.1:{port}/1"}}
    server.pause = lambda: os.kill(server.pid, signal.SIGSTOP)
    server.resume = lambda: os.kill(server.pid, signal.SIGCONT)
    try:
        yield server
    finally:
        server.resume()
        server.terminate()
        server.wait(timeout=10)


def test_a_change_made_while_redis_hangs_is_never_hidden_by_the_cache(
        api, timeline, own_redis, analyst, client):
    """The probe: an editor rejected an event while Redis hung; the API then served the
    rejected event from the cache for up to an hour, while the map showed the new holder."""
    town, a, b, events = timeline
    client.force_login(analyst)

    def map_holder():
        features = client.get("/map/control.json", {"date": "2020-02-20"}).json()["features"]
        [feature] = [f for f in features if f["properties"]["name"] == "Cacheton"]
        return feature["properties"]["actor"]

    assert holder(api) == "group-b" and map_holder() == "Group B"
    assert holder(api) == "group-b"  # now from the cache
    own_redis.pause()
    try:
        started = time.monotonic()
        services.event_reject(event=events["b_takes"], reason="denied")
        assert time.monotonic() - started < 1  # the write never waits for Redis
        assert holder(api) == "army-a"  # computed: the cache call timed out
        assert map_holder() == "Army A"
    finally:
        own_redis.resume()
    # Redis is back with the answer it cached before the change: it is never served.
    assert holder(api) == "army-a" and map_holder() == "Army A"
    assert holder(api) == "army-a"
