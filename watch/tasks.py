"""Celery tasks of the watches: thin wrappers around watch.services.

``dispatch_changes`` is queued after every commit that changed the knowledge base (and by
beat's ``sweep``); it matches new changes and queues one ``deliver`` per webhook delivery
and one ``send_digest`` per watch with e-mail. ``deliver`` claims its row, so a message
that arrives twice sends nothing twice; retries back off exponentially, and ``sweep``
queues again what a killed worker or a lost message left behind.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280,
             autoretry_for=(OperationalError,), retry_backoff=5, max_retries=5)
def dispatch_changes() -> int:
    """Match changes until none is left; returns the number of webhook deliveries queued."""
    queued = 0
    while True:
        result = services.changes_dispatch()
        for delivery_id in result.webhooks:
            deliver.delay(delivery_id)
        for watch_id in result.digests:
            send_digest.delay(watch_id)
        queued += len(result.webhooks)
        if not result.webhooks and not result.digests and not _more(result.last_change_id):
            return queued


def _more(last: int) -> bool:
    from .models import Change

    return Change.objects.filter(id__gt=last).exists()


@shared_task(bind=True, acks_late=True, time_limit=120, soft_time_limit=110)
def deliver(self, delivery_id: int) -> None:
    """Send one webhook delivery; a failure is retried after a growing delay."""
    delay = services.delivery_send(delivery_id=delivery_id)
    if delay is not None:
        raise self.retry(countdown=delay, max_retries=None)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=110)
def send_digest(watch_id: int) -> int:
    return services.digest_send(watch_id=watch_id)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=110)
def sweep() -> tuple[int, int]:
    """Beat's safety net: match what no nudge announced, queue deliveries a lost message
    or a killed worker left, and the e-mail digests that are due."""
    dispatch_changes.delay()
    due = services.deliveries_due()
    for delivery_id in due:
        deliver.delay(delivery_id)
    digests = services.digests_due()
    for watch_id in digests:
        send_digest.delay(watch_id)
    return len(due), len(digests)
