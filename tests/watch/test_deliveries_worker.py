"""Webhook deliveries through a real Celery worker to a receiver on 127.0.0.1: signed,
only for matching changes, retried after errors, once after a killed worker, and a slow
webhook does not hold up the others."""

from __future__ import annotations

import time

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from tests.workers import wait_for
from watch.models import Delivery, DeliveryStatus, Watch
from watch.tasks import sweep

from .conftest import body_json, take, verify_signature

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def bbox(west, south, east, north):
    return MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326)


def watch_to(owner, receiver, path, area, **extra):
    return Watch.objects.create(owner=owner, name=path.strip("/"), area=area,
                                webhook_url=receiver.url(path), **extra)


def test_a_control_change_in_a_watched_bbox_posts_one_signed_webhook_and_none_outside(
        world, analyst, receiver, webhook_settings, start_worker):
    inside = watch_to(analyst, receiver, "/idlib", bbox(36.2, 35.5, 37.0, 36.3))
    outside = watch_to(analyst, receiver, "/iraq", bbox(42.0, 35.0, 45.0, 37.0))
    start_worker()
    event = take(world["saraqib"], world["army"], world["rebels"])

    post = wait_for(lambda: receiver.to("/idlib"), timeout=60, what="the webhook")[0]
    assert verify_signature(inside.secret, post["body"], post["headers"]["X-ConflictKB-Signature"])
    assert not verify_signature(outside.secret, post["body"],
                                post["headers"]["X-ConflictKB-Signature"])
    body = body_json(post)
    assert body["change"]["kind"] == "control" and body["change"]["action"] == "created"
    assert body["data"]["place"]["name"] == "Watchtown Saraqib"
    assert body["data"]["actor"]["name"] == "Watch Army"
    assert body["data"]["lost_by"]["name"] == "Watch Rebels"
    assert body["data"]["event"] == event.pk
    assert abs(int(post["headers"]["X-ConflictKB-Timestamp"]) - time.time()) < 120
    wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists(),
             timeout=20, what="the delivery to be recorded")
    time.sleep(1.5)  # anything else would have been sent by now
    assert len(receiver.to("/idlib")) == 1 and receiver.to("/iraq") == []
    delivery = Delivery.objects.get()
    assert delivery.watch == inside and delivery.attempts == 1
    assert str(delivery.pk) == post["headers"]["X-ConflictKB-Delivery"]


def test_a_receiver_failing_twice_gets_the_change_once_after_retries(
        world, analyst, receiver, webhook_settings, start_worker):
    receiver.script["/flaky"] = [500, 500, 200]
    watch_to(analyst, receiver, "/flaky", bbox(36.2, 35.5, 37.0, 36.3))
    start_worker()
    take(world["saraqib"], world["army"])
    delivery = wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).first(),
                        timeout=60, what="the delivery after retries")
    posts = receiver.to("/flaky")
    assert [p["answered"] for p in posts] == [500, 500, 200]
    assert len({p["headers"]["X-ConflictKB-Delivery"] for p in posts}) == 1
    assert len({p["body"] for p in posts}) == 1  # the same change, signed the same
    assert delivery.attempts == 3 and delivery.last_error == ""
    time.sleep(2)
    assert len(receiver.to("/flaky")) == 3


def test_a_worker_killed_mid_delivery_delivers_it_once_after_restart(
        world, analyst, receiver, webhook_settings, start_worker):
    # The first POST hangs until the worker is dead; later ones are answered at once.
    receiver.script["/slowpoke"] = [("sleep", 6, 200), 200]
    watch_to(analyst, receiver, "/slowpoke", bbox(36.2, 35.5, 37.0, 36.3))
    first = start_worker()
    take(world["saraqib"], world["army"])
    wait_for(lambda: receiver.to("/slowpoke"), timeout=60, what="the first POST")
    first.kill()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENDING and delivery.attempts == 1

    time.sleep(2.2)  # the claim is now stale (WATCH_STALE_SECONDS=2)
    assert sweep()[0] == 1
    start_worker()
    wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists(),
             timeout=60, what="the delivery after the restart")
    time.sleep(5)  # the hung request ends; nothing more is sent
    answered = [p for p in receiver.to("/slowpoke") if p["answered"] == 200
                and p is not receiver.to("/slowpoke")[0]]
    assert len(answered) == 1
    assert len(receiver.to("/slowpoke")) == 2
    assert len({p["headers"]["X-ConflictKB-Delivery"] for p in receiver.to("/slowpoke")}) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_slow_webhook_times_out_without_holding_up_the_others(
        world, analyst, receiver, webhook_settings, start_worker):
    receiver.script["/slow"] = [("sleep", 30, 200)]
    slow = watch_to(analyst, receiver, "/slow", bbox(36.2, 35.5, 37.0, 36.3))
    watch_to(analyst, receiver, "/fast", bbox(36.2, 35.5, 37.0, 36.3))
    start_worker()  # one process: the slow webhook would block it without a time-out
    started = time.monotonic()
    take(world["saraqib"], world["army"])
    wait_for(lambda: receiver.to("/fast"), timeout=30, what="the fast webhook")
    assert time.monotonic() - started < 20
    failed = wait_for(lambda: Delivery.objects.filter(watch=slow).exclude(last_error="").first(),
                      timeout=30, what="the slow webhook's time-out to be recorded")
    assert "did not answer within 2 s" in failed.last_error
    assert failed.status == DeliveryStatus.PENDING  # to be retried later, not lost
