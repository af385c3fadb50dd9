"""The change log (the changes feed), watches and their deliveries.

``Change`` rows are written by PostgreSQL triggers (``watch/triggers.py``) at commit time
of every transaction that writes events, control-log rows, places or actors: bulk writes,
cascades and raw SQL included. Their ids are handed out under a transaction-level lock
taken at commit, so ids follow commit order and a reader's cursor never skips a row.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q


class ChangeKind(models.TextChoices):
    EVENT = "event", "event"
    CONTROL = "control", "control-log row"
    PLACE = "place", "place"
    ACTOR = "actor", "actor"


class ChangeAction(models.TextChoices):
    CREATED = "created", "created"
    UPDATED = "updated", "updated"
    VERIFIED = "verified", "verified"
    MERGED = "merged", "merged"
    REJECTED = "rejected", "rejected"
    DELETED = "deleted", "deleted"


class Change(models.Model):
    """One committed change of an event, a control-log row, a place or an actor.

    At most one row per object and transaction; ``action`` is what the transaction did
    to it (an event's status change names it: verified, merged, rejected).
    """

    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    merged_into = models.BigIntegerField(null=True, blank=True,
                                         help_text="The surviving event of a merge.")
    status = models.CharField(max_length=10, blank=True,
                              help_text="An event's review status at the commit.")
    txid = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["txid", "kind", "object_id"],
                                    name="watch_change_once_per_tx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.kind} {self.object_id} {self.action}"


def _token() -> str:
    return secrets.token_urlsafe(24)


class Watch(models.Model):
    """A user's standing question: tell me about control changes and/or verified events
    in an area, a country, at a place or by an actor, above a confidence."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="watches")
    name = models.CharField(max_length=200)
    area = models.MultiPolygonField(srid=4326, null=True, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    place = models.ForeignKey("events.Place", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    actor = models.ForeignKey("events.Actor", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    on_control = models.BooleanField(default=True, help_text="Changes of the control log.")
    on_verified = models.BooleanField(default=False, help_text="Events an editor verified.")
    min_confidence = models.FloatField(default=0.0)
    active = models.BooleanField(default=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    secret = models.CharField(max_length=64, default=_token, editable=False,
                              help_text="Key of the webhook's HMAC-SHA256 signature.")
    email = models.BooleanField(default=False, help_text="An hourly e-mail digest.")
    feed_token = models.CharField(max_length=64, default=_token, unique=True, editable=False)
    last_email_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Matching reads watches by each of their targets: GiST for areas, b-trees
            # for the others, each only over the active watches.
            models.Index(fields=["country_code"], name="watch_country",
                         condition=Q(active=True) & ~Q(country_code="")),
            models.Index(fields=["place"], name="watch_place", condition=Q(active=True)),
            models.Index(fields=["actor"], name="watch_actor", condition=Q(active=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(min_confidence__gte=0) & Q(min_confidence__lte=1),
                                   name="watch_confidence_range"),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "pending"
    SENDING = "sending", "sending"
    DELIVERED = "delivered", "delivered"
    FAILED = "failed", "failed"
    NONE = "none", "no webhook"


class Delivery(models.Model):
    """A change that matched a watch: one row per (watch, change), never two.

    The webhook's progress (status, attempts, last error) is on the row; a task claims it
    with a conditional UPDATE, so a message delivered twice sends nothing twice. The
    e-mail digest marks ``emailed_at``; the Atom feed lists the rows.
    """

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="deliveries")
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    payload = models.JSONField(default=dict, help_text="What the change was, as sent.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["watch", "change"], name="delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_at"], name="delivery_open",
                         condition=Q(status__in=["pending", "sending"])),
        ]

    def __str__(self) -> str:
        return f"{self.watch} <- {self.change}"


class DispatchCursor(models.Model):
    """The last change the matcher has read (one row): it reads on from there."""

    last_change_id = models.BigIntegerField(default=0)
