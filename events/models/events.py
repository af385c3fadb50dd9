"""Events, the actors that took part in them, and the evidence they came from."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from events.choices import (
    AccordRelation,
    AcledEventType,
    ActorRole,
    DatePrecision,
    EventOrigin,
    EventType,
    LocationPrecision,
    ReviewStatus,
    SubEventType,
    kind_for,
    sub_type_fits,
    sub_type_for,
)
from events.querysets import EventQuerySet
from ingest.nlp.typology import event_type_of

from .base import TimeStampedModel

# Fields an editor can correct; the pipeline never overwrites one listed in
# ``Event.locked_fields`` nor any field of a verified event.
EDITABLE_EVENT_FIELDS = (
    "type", "sub_event_type", "date", "date_precision", "end_date", "place", "location_precision",
    "fatalities", "injured", "displaced", "summary", "background", "actors", "accords",
)


class Event(TimeStampedModel):
    """Something that happened at a place on a date: a change of control, a battle, ...

    Events come from the pipeline (with evidence), from dataset imports (ACLED) or from
    editors. The review status says whether a person has checked it.
    """

    # type, place and review_status are searched through the composite indexes they
    # lead (Meta.indexes): an index of their own would only cost every write.
    type = models.CharField(max_length=20, choices=EventType.choices)
    # ACLED's coding (ingest/nlp/typology.py): the sub-type, and its event type, which
    # always follows from it (``typology_complete``). The kind (``type``) follows the
    # sub-type when an editor corrects it.
    # Empty until saved: ``save`` and the services (``event_validate``) fill both in.
    event_type = models.CharField(max_length=30, choices=AcledEventType.choices, db_index=True,
                                  default="")
    sub_event_type = models.CharField(max_length=40, choices=SubEventType.choices,
                                      db_index=True, default="", blank=True,
                                      help_text="Left empty, the kind's own is set.")
    date = models.DateField(db_index=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    end_date = models.DateField(null=True, blank=True)
    place = models.ForeignKey("events.Place", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="events", db_index=False)
    location_precision = models.CharField(max_length=10, choices=LocationPrecision.choices,
                                          default=LocationPrecision.EXACT)
    location_text = models.CharField(max_length=300, blank=True)
    fatalities = models.PositiveIntegerField(null=True, blank=True)
    injured = models.PositiveIntegerField(null=True, blank=True)
    displaced = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    # Told in passing, long before the article's date: kept and listed apart, out of the
    # control log and the default lists until an editor verifies it.
    background = models.BooleanField(default=False)
    confidence = models.FloatField(default=0.5)
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices,
                                     default=ReviewStatus.EXTRACTED)
    reject_reason = models.TextField(blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_events")
    locked_fields = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    origin = models.CharField(max_length=10, choices=EventOrigin.choices,
                              default=EventOrigin.PIPELINE)
    extractor_version = models.CharField(max_length=40, blank=True)
    acled_event_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    actors = models.ManyToManyField("events.Actor", through="EventActor", related_name="events")
    accords = models.ManyToManyField("events.Accord", through="EventAccord",
                                     related_name="events")

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["type", "date"], name="event_type_date"),
            models.Index(fields=["place", "date"], name="event_place_date"),
            # Lists of active events by place and date (a bbox, a country and dates): the
            # page's candidates come from the index alone, with no read of the table.
            models.Index(fields=["place", "date", "id"], name="event_active_place_date",
                         condition=Q(review_status__in=["extracted", "verified"])),
            models.Index(fields=["review_status", "type", "confidence"], name="event_review"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                                   name="event_confidence_range"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="event_end_after_start"),
        ]

    def __str__(self) -> str:
        where = self.place.name if self.place_id and self.place else "unknown place"
        return f"{self.get_type_display()} at {where} on {self.date}"

    def save(self, *args, **kwargs):
        typology_complete(self)  # rows written without the services stay consistent too
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.review_status in (ReviewStatus.EXTRACTED, ReviewStatus.VERIFIED)

    def is_locked(self, field: str) -> bool:
        return self.review_status == ReviewStatus.VERIFIED or field in self.locked_fields

    @property
    def counts_as_news(self) -> bool:
        """Whether the event enters the control log and the default lists: not background,
        or background an editor verified."""
        return not self.background or self.review_status == ReviewStatus.VERIFIED


def typology_complete(event: Event, *, gainer_kind: str | None = None,
                      kind_follows: bool = False) -> None:
    """Keep an event's kind, sub-type and event type consistent (in memory).

    ``kind_follows``: the sub-type was chosen (an editor's correction) and the kind moves
    with it; otherwise a sub-type that does not fit the kind is replaced by the kind's
    default (for a change of control, by the gaining actor's kind: ``gainer_kind``).
    """
    if kind_follows and event.sub_event_type in SubEventType.values:
        event.type = kind_for(event.sub_event_type, kind=event.type)
    elif not sub_type_fits(event.type, event.sub_event_type):
        event.sub_event_type = sub_type_for(event.type, gainer_kind=gainer_kind)
    event.event_type = event_type_of(event.sub_event_type)


class EventActor(models.Model):
    """An actor's part in an event: who gained or lost control, who backed whom."""

    # Both keys lead an index of the Meta (the unique constraint, event_actor_role).
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_actors",
                              db_index=False)
    actor = models.ForeignKey("events.Actor", on_delete=models.PROTECT,
                              related_name="event_roles", db_index=False)
    role = models.CharField(max_length=15, choices=ActorRole.choices)

    class Meta:
        ordering = ["event", "role", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "actor", "role"],
                                    name="event_actor_role_unique"),
        ]
        indexes = [models.Index(fields=["actor", "role"], name="event_actor_role")]

    def __str__(self) -> str:
        return f"{self.actor} ({self.role})"


class EventAccord(models.Model):
    """An event's link to an accord it violates, implements or concerns."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_accords",
                              db_index=False)  # leads event_accord_unique
    accord = models.ForeignKey("events.Accord", on_delete=models.PROTECT,
                               related_name="event_links")
    relation = models.CharField(max_length=12, choices=AccordRelation.choices,
                                default=AccordRelation.CONCERNS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "accord"], name="event_accord_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.relation} {self.accord}"


class Evidence(models.Model):
    """Where an event was read: the article, the sentence and its character offsets."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="evidence",
                              db_index=False)  # leads evidence_unique_span
    article = models.ForeignKey("events.Article", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="evidence")
    sentence = models.TextField()
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    source_label = models.CharField(max_length=300, blank=True,
                                    help_text="Where evidence without an article came from.")
    extractor_version = models.CharField(max_length=40, blank=True)
    confidence = models.FloatField(default=0.5)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            # One row per sentence of an article; evidence without an article (an ACLED
            # note) is told apart by its source, so merged imports keep each their own.
            models.UniqueConstraint(fields=["event", "article", "start", "end", "source_label"],
                                    name="evidence_unique_span", nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return self.sentence[:80]
