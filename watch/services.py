"""Writes of the watch app: watches, matching changes to them, and the deliveries.

Tasks (``watch.tasks``), pages and the API call these; each delivery is claimed with a
conditional UPDATE, so a task that runs twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .matching import match_changes
from .models import Change, ChangeKind, Delivery, DeliveryStatus, DispatchCursor, Watch
from .validation import check_webhook_url
from .webhooks import payload_for, post_signed

__all__ = ["payload_for"]  # the feed page builds payloads too

WATCH_FIELDS = ("name", "area", "country_code", "place", "actor", "on_control", "on_verified",
                "min_confidence", "active", "webhook_url", "email")


def watch_validate(watch: Watch) -> None:
    if not (watch.area or watch.country_code or watch.place_id or watch.actor_id):
        raise ValidationError({"area": "Choose what to watch: an area, a country, a place "
                                       "or an actor."})
    if not (watch.on_control or watch.on_verified):
        raise ValidationError({"on_control": "Choose control changes, verified events or both."})
    if not 0 <= watch.min_confidence <= 1:
        raise ValidationError({"min_confidence": "Confidence must be between 0 and 1."})
    if watch.country_code and (len(watch.country_code) != 2 or not watch.country_code.isalpha()):
        raise ValidationError({"country_code": "Give a two-letter ISO country code."})
    watch.country_code = watch.country_code.upper()


def watch_create(*, owner, values: dict) -> Watch:
    """Create a watch for ``owner``; a webhook URL is checked (https, public, reachable)."""
    watch = Watch(owner=owner, **{k: v for k, v in values.items() if k in WATCH_FIELDS})
    watch_validate(watch)
    if watch.webhook_url:
        check_webhook_url(watch.webhook_url)
    watch.save()
    return watch


def watch_update(*, watch: Watch, changes: dict) -> Watch:
    """Change a watch (pause it with ``active=False``)."""
    old_url = watch.webhook_url
    for name, value in changes.items():
        if name in WATCH_FIELDS:
            setattr(watch, name, value)
    watch_validate(watch)
    if watch.webhook_url and watch.webhook_url != old_url:
        check_webhook_url(watch.webhook_url)
    watch.save()
    return watch


def watch_delete(*, watch: Watch) -> None:
    watch.delete()


@dataclass
class Dispatched:
    last_change_id: int
    webhooks: list[int]  # deliveries to send
    digests: list[int]  # watches with new changes for their e-mail


WATCHED_KINDS = (ChangeKind.CONTROL, ChangeKind.EVENT)


def changes_dispatch(*, batch_size: int = 2000) -> Dispatched:
    """Match the changes committed since the cursor to the watches, in one transaction
    with the cursor's move: a change is matched once, even by two matchers at once."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO watch_dispatchcursor (id, last_change_id) VALUES (1, 0) "
                           "ON CONFLICT (id) DO NOTHING")
        cursor_row = DispatchCursor.objects.select_for_update().get(pk=1)
        lo = cursor_row.last_change_id
        # Only control and event changes can reach a watch: a backlog of place or actor
        # changes (a gazetteer load writes one per place) is stepped over, not batched,
        # so it never delays an alert.
        ids = list(Change.objects.filter(id__gt=lo, kind__in=WATCHED_KINDS).order_by("id")
                   .values_list("id", flat=True)[:batch_size])
        if len(ids) == batch_size:
            hi = ids[-1]
        else:  # nothing a watch can match lies past the last of them
            hi = max(Change.objects.order_by("-id").values_list("id", flat=True).first() or lo,
                     ids[-1] if ids else lo)
        if hi == lo:
            return Dispatched(lo, [], [])
        rows = match_changes(lo=lo, hi=hi) if ids else []
        cursor_row.last_change_id = hi
        cursor_row.save(update_fields=["last_change_id"])
        webhooks = [pk for pk, _watch, status in rows if status == DeliveryStatus.PENDING]
        mailing = set(Watch.objects.filter(pk__in={w for _pk, w, _s in rows}, email=True)
                      .values_list("pk", flat=True))
        return Dispatched(hi, webhooks, sorted(mailing))


def delivery_claim(*, delivery_id: int) -> Delivery | None:
    """Take a delivery to send: pending and due, or abandoned by a killed worker."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.WATCH_STALE_SECONDS)
    claimed = (Delivery.objects.filter(pk=delivery_id)
               .filter(Q(status=DeliveryStatus.PENDING, claimed_at__isnull=True)
                       | Q(status=DeliveryStatus.PENDING, claimed_at__lte=now)
                       | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale))
               .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1,
                       claimed_at=now))
    if not claimed:
        return None
    return Delivery.objects.select_related("watch", "change").get(pk=delivery_id)


def retry_delay(attempts: int) -> float:
    """Exponential backoff: base, 2 x base, 4 x base, ... at most an hour."""
    return min(settings.WATCH_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), 3600)


def delivery_send(*, delivery_id: int) -> float | None:
    """Claim and POST one delivery; returns the seconds until a retry, or None when it is
    delivered, failed for good, or not ours to send."""
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return None
    if not delivery.payload:
        delivery.payload = payload_for(delivery)
        Delivery.objects.filter(pk=delivery.pk).update(payload=delivery.payload)
    error = post_signed(delivery)
    now = timezone.now()
    if error is None:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, last_error="")
        return None
    if delivery.attempts >= settings.WATCH_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED,
                                                        last_error=error)
        return None
    delay = retry_delay(delivery.attempts)
    # claimed_at is then the time it is due again (delivery_claim's second case)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, last_error=error,
        claimed_at=now + dt.timedelta(seconds=delay))
    return delay


def deliveries_due() -> list[int]:
    """Deliveries whose task may be lost: pending and due, or claimed by a dead worker."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.WATCH_STALE_SECONDS)
    return list(Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, claimed_at__lte=now)
        | Q(status=DeliveryStatus.PENDING, claimed_at__isnull=True, created_at__lt=stale)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)).values_list("pk", flat=True))


def digest_send(*, watch_id: int) -> int:
    """E-mail the owner the watch's changes not mailed yet, at most once an hour; returns
    the number of changes sent."""
    every = dt.timedelta(seconds=settings.WATCH_EMAIL_EVERY_SECONDS)
    now = timezone.now()
    with transaction.atomic():
        watch = (Watch.objects.select_for_update().select_related("owner")
                 .filter(pk=watch_id, email=True).first())
        if watch is None or not watch.owner.email:
            return 0
        if watch.last_email_at and watch.last_email_at > now - every:
            return 0
        deliveries = list(watch.deliveries.filter(emailed_at__isnull=True)
                          .select_related("change").order_by("change_id")[:200])
        if not deliveries:
            return 0
        lines = []
        for delivery in deliveries:
            if not delivery.payload:
                delivery.payload = payload_for(delivery)
            lines.append(describe(delivery.payload))
        send_mail(subject=f"[ConflictKB] {len(deliveries)} change(s) for {watch.name}",
                  message="\n".join(lines) + "\n", from_email=None,
                  recipient_list=[watch.owner.email])
        watch.last_email_at = now
        watch.save(update_fields=["last_email_at"])
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(emailed_at=now)
        return len(deliveries)


def digests_due() -> list[int]:
    every = dt.timedelta(seconds=settings.WATCH_EMAIL_EVERY_SECONDS)
    return list(Watch.objects.filter(email=True, deliveries__emailed_at__isnull=True)
                .filter(Q(last_email_at__isnull=True)
                        | Q(last_email_at__lte=timezone.now() - every))
                .values_list("pk", flat=True).distinct())


def describe(payload: dict) -> str:
    """One line a person reads: what changed, where, when."""
    data = payload.get("data") or {}
    change = payload.get("change", {})
    if change.get("kind") == "control" and data:
        who = (data.get("actor") or {}).get("name", "an unknown actor")
        if data.get("state") == "held":
            what = f"{data['place']['name']} taken by {who}"
            if data.get("lost_by"):
                what += f" from {data['lost_by']['name']}"
        else:
            what = f"{data['place']['name']} contested by {who}"
        return f"{data['date']}: {what} (confidence {data['confidence']:.2f})"
    if data:
        place = (data.get("place") or {}).get("name", "an unknown place")
        return f"{data.get('date')}: verified {data.get('type')} at {place}"
    return f"{change.get('kind')} {change.get('object_id')} {change.get('action')}"
