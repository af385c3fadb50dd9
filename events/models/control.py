"""The control log: one row per change of control or contest of a place.

Rows are derived from events by ``events.services.control_log_sync`` in the same
transaction that writes the event, and can be rebuilt from events at any time
(``manage.py rebuild_control_log``). "Who held P on date D" is never stored: it is read
from this log by ``ControlFlipQuerySet.answer_rows_at``.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from events.caching import control_log_changed
from events.choices import ControlEvidence, ControlInference, ControlState
from events.querysets import ControlFlipQuerySet


class LoggedControlFlipQuerySet(ControlFlipQuerySet):
    """Writes through the queryset expire the cached control answers (events.caching)."""

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        control_log_changed()
        return created

    def bulk_update(self, *args, **kwargs):
        changed = super().bulk_update(*args, **kwargs)
        control_log_changed()
        return changed

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        control_log_changed()
        return changed

    update.alters_data = update.queryset_only = True

    def delete(self):
        deleted = super().delete()
        control_log_changed()
        return deleted

    delete.alters_data = delete.queryset_only = True


# The date of a holder inferred from before the first reported change (the side that lost
# the place held it "before"): earlier than any date asked, shown as "before <capture>".
BEFORE_RECORDS = dt.date(1, 1, 1)


class ControlFlip(models.Model):
    """A place changing hands (``held``) or being contested (siege, battle) from a date.

    A held flip says ``actor`` controls the place from ``date`` until the next held
    flip; a held flip without an actor says nobody holds it (a withdrawal no one took
    over). A contested flip says the place is contested from ``date`` to ``end_date``
    (the reported end, else the last fighting plus ``CONTROL_QUIET_DAYS``), and a
    change of control ends it sooner. ``inferred`` rows were not reported as such:
    the side that lost a place held it before its first reported change (dated
    ``BEFORE_RECORDS``, the event being that change), or the opponent fighting there
    took a place its holder withdrew from. ``sources`` counts the independent outlets
    behind the event (copies of one wire story once); ``verified`` copies the event's
    review.
    """

    place = models.ForeignKey("events.Place", on_delete=models.CASCADE,
                              related_name="control_flips")
    date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ControlState.choices)
    actor = models.ForeignKey("events.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="control_flips",
                              help_text="Holder from this date (held) or the attacker (contested).")
    lost_by = models.ForeignKey("events.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE,
                              related_name="control_flips")
    confidence = models.FloatField(default=0.5)
    inferred = models.CharField(max_length=10, choices=ControlInference.choices, blank=True,
                                default="", db_default="")
    sources = models.PositiveIntegerField(default=0, db_default=0,
                                          help_text="Independent outlets behind the event.")
    verified = models.BooleanField(default=False, db_default=False)

    objects = LoggedControlFlipQuerySet.as_manager()

    class Meta:
        ordering = ["place", "date", "id"]
        indexes = [
            # DISTINCT ON (place_id) ... ORDER BY place_id, date DESC walks this index; the
            # holder and its event included: the API's control map finds each place's
            # holder from the index alone (an index-only scan), not a heap read per place
            # (Syria's map: 2.7 -> 2.3 ms in Postgres).
            # With what the answers tell of it (inferred, sources, verified) included too.
            models.Index(fields=["place", "-date", "-confidence", "-id"],
                         name="flip_held_place_holder", condition=Q(state="held"),
                         include=["actor", "event", "inferred", "sources", "verified"]),
            # end_date included: "is a contest open on D" is then answered from the index
            # alone (an index-only scan), not a heap read per past contest of the place
            # (the computed control map of Syria: 3.5 -> 2.2 ms in Postgres).
            models.Index(fields=["place", "date"], name="flip_contested_place_end",
                         condition=Q(state="contested"), include=["end_date"]),
            models.Index(fields=["actor", "date"], name="flip_actor_date"),
        ]
        constraints = [
            # One reported (or withdrawal) row per event, and one holder inferred from
            # before the first change per place.
            models.UniqueConstraint(fields=["event"], condition=~Q(inferred="loser"),
                                    name="flip_one_per_event"),
            models.UniqueConstraint(fields=["place"], condition=Q(inferred="loser"),
                                    name="flip_one_prior_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.state} by {self.actor} from {self.date}"

    @property
    def evidence_level(self) -> str:
        return evidence_level(self.verified, self.sources)


def evidence_level(verified: bool, sources: int) -> str:
    """Verified by an editor, corroborated (two or more outlets) or a single source."""
    if verified:
        return ControlEvidence.VERIFIED
    return ControlEvidence.CORROBORATED if sources >= 2 else ControlEvidence.SINGLE_SOURCE

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        control_log_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        control_log_changed()
        return deleted


def _names_or_log_changed(sender, **kwargs):
    control_log_changed()


# The cached answers show places' and actors' names; deleting an event deletes its flip
# by a cascade that goes around ControlFlip's queryset.
for _signal, _sender in ((post_save, "events.Place"), (post_delete, "events.Place"),
                         (post_save, "events.Actor"), (post_delete, "events.Actor"),
                         (post_delete, "events.Event")):
    _signal.connect(_names_or_log_changed, sender=_sender,
                    dispatch_uid=f"control-cache-{_signal is post_save}-{_sender}")
