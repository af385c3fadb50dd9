"""Which changes reach which watches (areas, countries, places, actors, verified events,
confidence, paused), the delivery log a user reads, the e-mail digest and the Atom feed.
The matcher runs in-process here; test_deliveries_worker.py runs it in a real worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core import mail
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from events import services
from events.choices import ActorRole, EventType
from events.models import Place
from watch import services as watch_services
from watch.models import Change, Delivery, Watch

from .conftest import take

pytestmark = pytest.mark.django_db(transaction=True)


def idlib():
    return MultiPolygon(Polygon.from_bbox((36.2, 35.5, 37.0, 36.3)), srid=4326)


def matched(watch) -> list[tuple[str, str]]:
    watch_services.changes_dispatch()
    return sorted((d.change.kind, d.change.action) for d in watch.deliveries.all())


def test_each_kind_of_target_matches_its_changes_only(world, analyst):
    saraqib, mosul, army, rebels = (world[k] for k in ("saraqib", "mosul", "army", "rebels"))
    by_area = Watch.objects.create(owner=analyst, name="area", area=idlib())
    by_country = Watch.objects.create(owner=analyst, name="iraq", country_code="IQ")
    by_place = Watch.objects.create(owner=analyst, name="mosul", place=mosul)
    by_actor = Watch.objects.create(owner=analyst, name="rebels", actor=rebels)
    confident = Watch.objects.create(owner=analyst, name="sure", country_code="SY",
                                     min_confidence=0.9)
    paused = Watch.objects.create(owner=analyst, name="paused", area=idlib(), active=False)
    take(saraqib, army, rebels, confidence=0.8)
    take(mosul, army, confidence=0.8)
    assert matched(by_area) == [("control", "created")]
    assert matched(by_country) == [("control", "created")]
    assert matched(by_place) == [("control", "created")]
    assert matched(by_actor) == [("control", "created")]  # rebels lost Saraqib
    assert matched(confident) == [] and matched(paused) == []
    assert by_actor.deliveries.get().change.object_id == saraqib.control_flips.get(actor=army).pk
    # matching again makes no second row
    watch_services.changes_dispatch()
    assert Delivery.objects.count() == 4


def test_verified_events_reach_watches_that_ask_for_them(world, analyst, editor):
    saraqib, army = world["saraqib"], world["army"]
    both = Watch.objects.create(owner=analyst, name="both", area=idlib(), on_verified=True)
    control_only = Watch.objects.create(owner=analyst, name="control", area=idlib())
    verified_only = Watch.objects.create(owner=analyst, name="verified", area=idlib(),
                                         on_control=False, on_verified=True)
    strike = services.event_create(values={"type": EventType.AIR_STRIKE,
                                           "date": dt.date(2020, 2, 3), "place": saraqib},
                                   actors=[(army, ActorRole.INITIATOR)])
    services.event_verify(event=strike, user=editor)
    assert matched(both) == [("event", "verified")]
    assert matched(control_only) == []
    assert matched(verified_only) == [("event", "verified")]


def test_the_owner_reads_the_delivery_log(world, analyst, outsider):
    watch = Watch.objects.create(owner=analyst, name="log", area=idlib())
    take(world["saraqib"], world["army"])
    watch_services.changes_dispatch()
    api = APIClient()
    api.force_authenticate(analyst)
    rows = api.get(f"/api/v1/watches/{watch.pk}/deliveries/").json()
    assert [(r["kind"], r["action"], r["status"], r["attempts"]) for r in rows] == [
        ("control", "created", "none", 0)]
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/watches/{watch.pk}/deliveries/").status_code == 404


def test_the_email_digest_is_sent_at_most_once_an_hour(world, analyst, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    analyst.email = "ana@example.org"
    analyst.save()
    watch = Watch.objects.create(owner=analyst, name="Idlib digest", area=idlib(), email=True)
    take(world["saraqib"], world["army"], world["rebels"], day=1)
    take(world["saraqib"], world["rebels"], world["army"], day=2)
    watch_services.changes_dispatch()
    assert watch_services.digest_send(watch_id=watch.pk) == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"] and "Idlib digest" in message.subject
    assert "2020-02-01: Watchtown Saraqib taken by Watch Army from Watch Rebels" in message.body
    take(world["saraqib"], world["army"], day=3)
    watch_services.changes_dispatch()
    assert watch_services.digest_send(watch_id=watch.pk) == 0  # within the hour
    assert len(mail.outbox) == 1
    Watch.objects.filter(pk=watch.pk).update(
        last_email_at=timezone.now() - dt.timedelta(hours=1, minutes=1))
    assert watch_services.digests_due() == [watch.pk]
    assert watch_services.digest_send(watch_id=watch.pk) == 1
    assert "2020-02-03" in mail.outbox[1].body


def test_the_atom_feed_lists_the_watch_changes(world, analyst, client):
    watch = Watch.objects.create(owner=analyst, name="Idlib feed", area=idlib())
    take(world["saraqib"], world["army"])
    watch_services.changes_dispatch()
    response = client.get(f"/watches/{watch.pk}/feed/{watch.feed_token}/")
    assert response.status_code == 200
    assert b"Watchtown Saraqib taken by Watch Army" in response.content
    assert b"<entry>" in response.content


def test_the_watch_page_shows_its_owner_the_delivery_log(world, analyst, outsider, client):
    watch = Watch.objects.create(owner=analyst, name="Idlib log", area=idlib(),
                                 webhook_url="https://hooks.example.org/x")
    take(world["saraqib"], world["army"])
    watch_services.changes_dispatch()
    Delivery.objects.filter(watch=watch).update(attempts=2, last_error="The webhook answered "
                                                                       "HTTP 503.")
    client.force_login(analyst)
    page = client.get(f"/watches/{watch.pk}/").content.decode()
    assert "control" in page and "created" in page and "HTTP 503" in page
    assert watch.secret in page
    client.force_login(outsider)
    assert client.get(f"/watches/{watch.pk}/").status_code == 404
    assert client.post(f"/watches/{watch.pk}/delete/").status_code == 404
    assert Watch.objects.filter(pk=watch.pk).exists()


def test_a_backlog_of_place_changes_never_delays_an_alert(world, analyst):
    """A gazetteer load writes a change per place; the control change committed after it
    reaches its watch at the next dispatch, not thousands of batches later."""
    watch = Watch.objects.create(owner=analyst, name="area", area=idlib())
    watch_services.changes_dispatch()  # whatever the set-up left is behind the cursor
    ids = list(Place.objects.filter(country_code="SY").order_by("pk")
               .values_list("pk", flat=True)[:60])
    Place.objects.filter(pk__in=ids).update(population=F("population") + 1)
    take(world["saraqib"], world["army"], world["rebels"], confidence=0.8)
    dispatched = watch_services.changes_dispatch(batch_size=10)
    assert [d.change.kind for d in watch.deliveries.all()] == ["control"]
    assert dispatched.last_change_id == Change.objects.order_by("-id").first().id
