"""The changes feed: a mirror that replays /api/v1/changes/ into an empty store ends equal
to the knowledge base, through creates, corrections, verifications, merges, rejections and
deletions. Transactional: change rows are written at commit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from events import services
from events.choices import ActorRole, EventType
from events.models import ControlFlip, Event
from watch.models import Change
from watch.selectors import control_flip_data

from .conftest import take

pytestmark = pytest.mark.django_db(transaction=True)
ALL_STATUSES = "&".join(f"review_status={s}" for s in
                        ("extracted", "verified", "rejected", "merged"))


def replay(api, store: dict, since: int, kinds: str = "event,control") -> int:
    """The client loop of docs/api.md, with small pages."""
    while True:
        page = api.get(f"/api/v1/changes/?since={since}&limit=7&kind={kinds}")
        assert page.status_code == 200, page.content
        page = page.json()
        for change in page["results"]:
            key = (change["kind"], change["object_id"])
            if change["action"] == "deleted":
                store.pop(key, None)
            else:
                store[key] = change["data"]
        since = page["next_since"]
        if not page["has_more"]:
            return since


def events_from_api(api) -> dict:
    out, url = {}, f"/api/v1/events/?{ALL_STATUSES}&limit=500"
    while url:
        page = api.get(url).json()
        out.update({row["id"]: row for row in page["results"]})
        url = page["next"]
    return out


def assert_mirror_equal(api, store: dict) -> None:
    events = {pk: data for (kind, pk), data in store.items() if kind == "event"}
    assert events == events_from_api(api)
    flips = {pk: data for (kind, pk), data in store.items() if kind == "control"}
    expected = control_flip_data(ControlFlip.objects.select_related("place", "actor", "lost_by"))
    assert flips == expected


def test_a_mirror_replaying_the_feed_ends_equal_to_the_source(world, analyst, editor):
    api = APIClient()
    api.force_authenticate(analyst)
    saraqib, mosul, army, rebels = (world[k] for k in ("saraqib", "mosul", "army", "rebels"))
    first = take(saraqib, army, rebels, day=1)
    dup = take(saraqib, army, rebels, day=2, confidence=0.6)
    other = take(mosul, rebels, day=3)
    battle = services.event_create(values={"type": EventType.BATTLE, "date": dt.date(2020, 2, 4),
                                           "place": mosul},
                                   actors=[(army, ActorRole.INITIATOR)])
    store: dict = {}
    cursor = replay(api, store, 0)
    assert_mirror_equal(api, store)
    assert len([k for k in store if k[0] == "event"]) == 4

    services.event_correct(event=first, changes={"date": dt.date(2020, 1, 30),
                                                 "actors": [(rebels, ActorRole.GAINS_CONTROL)]},
                           user=editor, reason="the rebels took it, a day earlier")
    services.event_verify(event=other, user=editor)
    services.event_merge(target=first, duplicates=[dup], user=editor)
    services.event_reject(event=battle, reason="no battle", user=editor)
    gone = take(mosul, army, day=9)
    cursor = replay(api, store, cursor)
    Event.objects.filter(pk=gone.pk).delete()  # a re-extraction removes a machine-made event
    cursor = replay(api, store, cursor)

    assert_mirror_equal(api, store)
    assert ("event", gone.pk) not in store
    assert store[("event", dup.pk)]["review_status"] == "merged"
    assert store[("event", battle.pk)]["review_status"] == "rejected"
    assert store[("control", first.control_flips.get().pk)]["actor"]["name"] == "Watch Rebels"
    # what each change was, as a mirror reads it
    actions = {(c.kind, c.object_id): c for c in Change.objects.filter(kind="event")}
    merged = Change.objects.get(kind="event", object_id=dup.pk, action="merged")
    assert merged.merged_into == first.pk
    assert Change.objects.filter(kind="event", object_id=other.pk, action="verified").exists()
    assert Change.objects.filter(kind="event", object_id=battle.pk, action="rejected").exists()
    assert actions[("event", gone.pk)].action == "deleted"
    # a full replay from the start gives the same store
    again: dict = {}
    replay(api, again, 0)
    assert again == store


def test_places_and_actors_are_in_the_feed_as_their_api_shows_them(analyst, editor):
    api = APIClient()
    api.force_authenticate(analyst)
    since = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
    actor = services.actor_create(values={"name": "Feed Brigade", "kind": "rebel_group",
                                          "country_code": "SY"}, user=editor)
    services.actor_update(actor=actor, changes={"description": "A brigade in the feed."},
                          user=editor)
    store: dict = {}
    replay(api, store, since, kinds="actor,place")
    listed = {row["id"]: row for row in api.get("/api/v1/actors/?q=Feed Brigade").json()["results"]}
    assert store[("actor", actor.pk)] == listed[actor.pk]
    assert store[("actor", actor.pk)]["description"] == "A brigade in the feed."


def test_change_ids_follow_commit_order(world):
    """A transaction that wrote first but commits last gets the larger change id: a
    reader's cursor never skips it. (Events that write the control log commit one after
    another, behind the control answers' version row, so the two here are reports that do
    not: an open one could not be overtaken.)"""
    saraqib, mosul = world["saraqib"], world["mosul"]
    started, release = threading.Event(), threading.Event()
    slow_event = {}

    def report(place, day):
        return services.event_create(values={
            "type": EventType.OTHER, "date": dt.date(2020, 2, day), "place": place,
            "confidence": 0.8, "summary": f"A report from {place.name}"})

    def slow():
        with transaction.atomic():
            slow_event["e"] = report(saraqib, 5)
            started.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=slow)
    thread.start()
    assert started.wait(10)
    fast = report(mosul, 6)  # commits while the slow one is still open
    release.set()
    thread.join(10)
    fast_id = Change.objects.get(kind="event", object_id=fast.pk).id
    slow_id = Change.objects.get(kind="event", object_id=slow_event["e"].pk).id
    assert slow_id > fast_id
