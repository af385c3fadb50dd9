"""Importing ACLED CSV exports: events, actors through the registry, places from the gazetteer.

Idempotent on ACLED's event id: importing a file again updates the events it created and
never duplicates them; values an editor corrected (``locked_fields``) and verified events
are kept. A bad row is reported with its line number and skipped, the others are saved in
batches, one transaction each.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.text import slugify

from events.choices import (
    ActorKind,
    ActorRole,
    DatePrecision,
    EventOrigin,
    EventType,
    LocationPrecision,
    PlaceKind,
    ReviewStatus,
    RevisionAction,
    RevisionVia,
)
from events.models import Actor, Event, EventActor, Evidence, Place, Revision
from ingest.nlp.normalize import normalize_name
from ingest.nlp.typology import SUB_EVENT_TYPE, SUB_EVENT_TYPE_BY_LABEL

from .control import CONTEST_TYPES, control_log_sync
from .events import event_actors_set, event_validate
from .history import _field_snapshot, event_snapshot, revision_record, revisions_write
from .matching import event_survivor
from .rows import rows_insert

REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "event_type", "actor1")
# An ACLED event type whose sub-type is missing or unknown: the sub-type it gets.
FALLBACK_SUB_TYPES = {
    "battles": "armed_clash",
    "explosions/remote violence": "remote_explosive_landmine_ied",
    "violence against civilians": "attack",
    "protests": "peaceful_protest",
    "riots": "mob_violence",
}
GEO_PRECISION = {"1": LocationPrecision.EXACT, "2": LocationPrecision.NEAR,
                 "3": LocationPrecision.REGION}
TIME_PRECISION = {"1": DatePrecision.DAY, "2": DatePrecision.WEEK, "3": DatePrecision.MONTH}
# ACLED's interaction codes, as numbers (older exports) or words (newer ones).
INTER_KINDS = {
    "1": ActorKind.STATE_FORCES, "state forces": ActorKind.STATE_FORCES,
    "2": ActorKind.REBEL_GROUP, "rebel group": ActorKind.REBEL_GROUP,
    "3": ActorKind.MILITIA, "political militia": ActorKind.MILITIA,
    "4": ActorKind.MILITIA, "identity militia": ActorKind.MILITIA,
    "7": ActorKind.CIVILIANS, "civilians": ActorKind.CIVILIANS,
    "8": ActorKind.FOREIGN_STATE, "external/other forces": ActorKind.FOREIGN_STATE,
}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%m/%d/%Y")
NAME_MATCH_KM = 5.0
REGION_NAME_MATCH_KM = 75.0
NEAREST_KM = 10.0
IMPORT_CONFIDENCE = 0.9
IMPORT_VERSION = "acled-import"


@dataclass(frozen=True)
class AcledRecord:
    """One ACLED row, checked and converted; still free of database rows."""

    line_no: int
    event_id: str
    date: dt.date
    date_precision: str
    type: str
    actor1: str
    actor2: str
    assoc1: tuple[str, ...]
    assoc2: tuple[str, ...]
    inter1: str
    inter2: str
    location: str
    lat: float | None
    lon: float | None
    location_precision: str
    fatalities: int | None
    notes: str
    source: str
    sub_event_type: str  # ACLED's label, as the file gives it
    sub_type: str = "other"  # ours (ingest.nlp.typology's slug)


@dataclass
class AcledImportSummary:
    """Counts and the bad rows of one import."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    candidate_actors: list[str] = field(default_factory=list)
    unplaced: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _date(value: str) -> dt.date:
    value = (value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"event_date {value!r} is not a date (YYYY-MM-DD or '06 February 2020')")


def _coord(value: str, name: str, limit: float) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise ValueError(f"{name} {number} is out of range")
    return number


def _names(value: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in (value or "").split(";") if n.strip())


def sub_event_type_for(event_type: str, sub_event_type: str) -> str:
    """Our sub-type slug for ACLED's event type and sub-event type labels (any case)."""
    sub = SUB_EVENT_TYPE_BY_LABEL.get((sub_event_type or "").strip().lower())
    if sub is not None:
        return sub.slug
    return FALLBACK_SUB_TYPES.get((event_type or "").strip().lower(), "other")


def event_type_for(event_type: str, sub_event_type: str) -> str:
    """Our kind for an ACLED event type and sub-event type."""
    return SUB_EVENT_TYPE[sub_event_type_for(event_type, sub_event_type)].kind


def acled_row_parse(row: dict, line_no: int) -> AcledRecord:
    """Check and convert one CSV row; raises ValueError saying what is wrong."""
    event_id = (row.get("event_id_cnty") or "").strip()
    if not event_id:
        raise ValueError("event_id_cnty is empty")
    if len(event_id) > 40:
        raise ValueError(f"event_id_cnty {event_id[:50]!r} is too long")
    acled_type = (row.get("event_type") or "").strip()
    if not acled_type:
        raise ValueError("event_type is empty")
    actor1 = (row.get("actor1") or "").strip()
    if not actor1:
        raise ValueError("actor1 is empty")
    lat = _coord(row.get("latitude"), "latitude", 90)
    lon = _coord(row.get("longitude"), "longitude", 180)
    if (lat is None) != (lon is None):
        raise ValueError("latitude and longitude must be given together")
    fatalities_text = (row.get("fatalities") or "").strip()
    fatalities = None
    if fatalities_text:
        try:
            fatalities = int(float(fatalities_text))
        except ValueError:
            raise ValueError(f"fatalities {fatalities_text!r} is not a number") from None
        if fatalities < 0:
            raise ValueError(f"fatalities {fatalities} is negative")
    return AcledRecord(
        line_no=line_no, event_id=event_id, date=_date(row.get("event_date")),
        date_precision=TIME_PRECISION.get((row.get("time_precision") or "1").strip(),
                                          DatePrecision.DAY),
        type=event_type_for(acled_type, row.get("sub_event_type")),
        sub_type=sub_event_type_for(acled_type, row.get("sub_event_type")),
        actor1=actor1, actor2=(row.get("actor2") or "").strip(),
        assoc1=_names(row.get("assoc_actor_1")), assoc2=_names(row.get("assoc_actor_2")),
        inter1=(row.get("inter1") or "").strip().lower(),
        inter2=(row.get("inter2") or "").strip().lower(),
        location=(row.get("location") or "").strip()[:300], lat=lat, lon=lon,
        location_precision=GEO_PRECISION.get((row.get("geo_precision") or "").strip(),
                                             LocationPrecision.UNKNOWN),
        fatalities=fatalities, notes=(row.get("notes") or "").strip(),
        source=(row.get("source") or "").strip(),
        sub_event_type=(row.get("sub_event_type") or "").strip(),
    )


def acled_csv_read(lines: Iterable[str]) -> Iterator[AcledRecord | tuple[int, str]]:
    """Records of an ACLED CSV, with ``(line number, reason)`` in place of bad rows."""
    reader = csv.DictReader(lines)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"not an ACLED export: missing column(s) {', '.join(missing)}")
    line_no = reader.line_num + 1
    for row in reader:
        try:
            if None in row:
                raise ValueError("more values than columns")
            yield acled_row_parse(row, line_no)
        except ValueError as exc:
            yield (line_no, str(exc))
        line_no = reader.line_num + 1


class _Lookups:
    """Actor and place look-ups cached over one import."""

    def __init__(self, summary: AcledImportSummary):
        self.summary = summary
        self.actors: dict[str, Actor] = {}
        self.places: dict[tuple, Place | None] = {}

    def actor(self, name: str, inter: str = "") -> Actor:
        if name not in self.actors:
            actor = (Actor.objects.filter(acled_names__contains=[name])
                     .order_by("is_candidate", "pk").first()
                     or Actor.objects.filter(name=name).first())
            if actor is None:
                base = (slugify(name) or "acled-actor")[:100]
                slug, n = base, 1
                while Actor.objects.filter(slug=slug).exists():
                    n += 1
                    slug = f"{base}-{n}"
                actor = Actor.objects.create(
                    name=name[:300], slug=slug, is_candidate=True, acled_names=[name],
                    kind=INTER_KINDS.get(inter, ActorKind.OTHER),
                    description="Created by an ACLED import; map it to a registry actor.")
                revision_record(instance=actor, action=RevisionAction.CREATE,
                                via=RevisionVia.IMPORT, reason="unknown ACLED actor")
                self.summary.candidate_actors.append(name)
            self.actors[name] = actor
        return self.actors[name]

    def place(self, record: AcledRecord) -> Place | None:
        """The gazetteer place of a row: a namesake within a few km, else the nearest town."""
        if record.lat is None:
            return None
        key = (round(record.lat, 4), round(record.lon, 4), record.location,
               record.location_precision)
        if key not in self.places:
            point = Point(record.lon, record.lat, srid=4326)
            near = Place.objects.annotate(distance=Distance("point", point))
            found = None
            name = normalize_name(record.location)
            if name:
                found = (near.filter(search_names__contains=[name]).order_by("distance").first())
                # An admin area's point is the middle of its towns, far from ACLED's.
                limit = (REGION_NAME_MATCH_KM
                         if record.location_precision == LocationPrecision.REGION
                         else NAME_MATCH_KM)
                if found is not None and found.distance.km > limit:
                    found = None
            if found is None and record.location_precision != LocationPrecision.REGION:
                # Degrees of longitude shrink towards the poles: widen the index box.
                degrees = NEAREST_KM / (111.32 * max(math.cos(math.radians(record.lat)), 0.05))
                found = (near.filter(kind=PlaceKind.POPULATED_PLACE,
                                     point__dwithin=(point, degrees))
                         .order_by("distance").first())
                if found is not None and found.distance.km > NEAREST_KM:
                    found = None
            self.places[key] = found
        return self.places[key]


def _roles(record: AcledRecord, lookups: _Lookups) -> list[tuple[Actor, str]]:
    if record.type == EventType.CONTROL_CHANGE:
        first, second = ActorRole.GAINS_CONTROL, ActorRole.LOSES_CONTROL
    else:
        first, second = ActorRole.INITIATOR, ActorRole.TARGET
    roles = [(lookups.actor(record.actor1, record.inter1), first)]
    if record.actor2:
        roles.append((lookups.actor(record.actor2, record.inter2), second))
    roles += [(lookups.actor(n), ActorRole.SUPPORTER) for n in record.assoc1]
    roles += [(lookups.actor(n), ActorRole.PARTY) for n in record.assoc2]
    return roles


def _values(record: AcledRecord, place: Place | None) -> dict:
    summary = record.notes or f"{record.sub_event_type} at {record.location}".strip()
    return {
        "type": record.type, "sub_event_type": record.sub_type, "date": record.date,
        "date_precision": record.date_precision,
        "place": place, "location_precision": record.location_precision,
        "location_text": record.location, "fatalities": record.fatalities,
        "summary": summary, "confidence": IMPORT_CONFIDENCE,
    }


def _update(event: Event, values: dict, roles: list[tuple[Actor, str]]) -> bool:
    """Re-import of an event: unlocked fields follow ACLED; returns whether it changed."""
    if event.review_status == ReviewStatus.VERIFIED:
        return False
    before = event_snapshot(event)
    for name, value in values.items():
        if not event.is_locked("place" if name == "location_text" else name):
            setattr(event, name, value)
    event_validate(event)
    if not event.is_locked("actors"):
        wanted = sorted({(a.pk, r) for a, r in roles})
        if wanted != sorted((ea.actor_id, ea.role) for ea in event.event_actors.all()):
            event_actors_set(event, roles)
    event.save()
    event._prefetched_objects_cache = {}
    after = event_snapshot(event)
    if after == before:
        return False
    revision_record(instance=event, action=RevisionAction.UPDATE, via=RevisionVia.IMPORT,
                    before=before, after=after, reason="ACLED re-import")
    control_log_sync(event=event)
    return True


def _evidence_values(record: AcledRecord) -> dict:
    label = f"ACLED {record.event_id}: {record.source}".strip().rstrip(":")
    return {"sentence": record.notes or summary_line(record), "source_label": label[:300],
            "extractor_version": IMPORT_VERSION, "confidence": IMPORT_CONFIDENCE}


def _create_many(new: list[tuple[AcledRecord, dict, list[tuple[Actor, str]]]]) -> None:
    """Insert a batch's new events in bulk: events, roles, evidence, revisions, control log.

    The same rows ``event_create`` would write, a handful of queries per batch instead of
    about fifteen per event.
    """
    events = []
    for record, values, _ in new:
        event = Event(origin=EventOrigin.IMPORT, acled_event_id=record.event_id,
                      extractor_version=IMPORT_VERSION, **values)
        event_validate(event)
        events.append(event)
    Event.objects.bulk_create(events)
    role_rows, evidence_rows, revisions = [], [], []
    content_type = ContentType.objects.get_for_model(Event)
    for event, (record, _, roles) in zip(events, new, strict=True):
        pairs = sorted({(actor.pk, role) for actor, role in roles})
        role_rows += [(event.pk, a, r) for a, r in pairs]
        evidence_rows.append(Evidence(event=event, article=None, **_evidence_values(record)))
        after = {**_field_snapshot(event), "actors": [list(p) for p in pairs], "accords": []}
        revisions.append(Revision(content_type=content_type, object_id=event.pk,
                                  object_repr=str(event)[:300], action=RevisionAction.CREATE,
                                  via=RevisionVia.IMPORT, after=after,
                                  reason=f"ACLED event {record.event_id}"))
    rows_insert(EventActor, ("event_id", "actor_id", "role"), role_rows)
    Evidence.objects.bulk_create(evidence_rows)
    revisions_write(revisions)
    implied = (Event.objects.filter(pk__in=[e.pk for e in events], place__isnull=False,
                                    type__in=[EventType.CONTROL_CHANGE, *CONTEST_TYPES])
               .prefetch_related("event_actors__actor"))
    for event in implied:
        control_log_sync(event=event)


def _save_batch(records: list[AcledRecord], lookups: _Lookups,
                summary: AcledImportSummary) -> None:
    with transaction.atomic():
        existing = {e.acled_event_id: e for e in
                    Event.objects.select_for_update()
                    .filter(acled_event_id__in=[r.event_id for r in records])
                    .prefetch_related("event_actors")}
        new = []
        for record in records:
            place = lookups.place(record)
            if place is None:
                summary.unplaced += 1
            values = _values(record, place)
            roles = _roles(record, lookups)
            event = existing.get(record.event_id)
            if event is None:
                new.append((record, values, roles))
                continue
            if _update(event, values, roles):
                summary.updated += 1
            else:
                summary.unchanged += 1
            # The note is found where it is: on the event a merge folded this one into.
            Evidence.objects.update_or_create(
                event=event_survivor(event=event), article=None, start=None, end=None,
                source_label__regex=rf"^ACLED {re.escape(record.event_id)}(:|$)",
                defaults=_evidence_values(record))
        if new:
            _create_many(new)
            summary.created += len(new)


def summary_line(record: AcledRecord) -> str:
    return f"{record.sub_event_type or record.type} at {record.location or 'unknown place'}"


def acled_import(*, lines: Iterable[str], dry_run: bool = False,
                 batch_size: int = 500) -> AcledImportSummary:
    """Import an ACLED CSV export read from ``lines``; ``dry_run`` saves nothing.

    A dry run does all the work in a transaction that is rolled back, so its counts are
    those a real import would give.
    """
    summary = AcledImportSummary()
    lookups = _Lookups(summary)
    # A real import commits batch by batch; a dry run wraps them all and rolls back.
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        batch: list[AcledRecord] = []
        seen: set[str] = set()
        for item in acled_csv_read(lines):
            if isinstance(item, tuple):
                summary.errors.append(item)
                continue
            if item.event_id in seen:
                summary.errors.append((item.line_no,
                                       f"event {item.event_id} appears twice in the file"))
                continue
            seen.add(item.event_id)
            summary.rows += 1
            batch.append(item)
            if len(batch) >= batch_size:
                _save_batch(batch, lookups, summary)
                batch = []
        if batch:
            _save_batch(batch, lookups, summary)
        if dry_run:
            transaction.set_rollback(True)
    return summary
