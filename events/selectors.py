"""Read functions: every page, API view and command reads the knowledge base through here."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

from django.contrib.gis.db.models.functions import Distance
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from events.choices import ControlInference, ControlState, EventType
from events.filtersets import near_q
from events.models import Accord, Actor, Article, ControlFlip, Event, Place
from events.models.control import BEFORE_RECORDS, evidence_level
from events.querysets import ANSWER_COLUMNS


@dataclass(frozen=True)
class ControlStatus:
    """Who controls a place on a date, since when, and on what evidence.

    ``actor`` None: unheld (``unheld``, a withdrawal no one took over) or unknown (a
    place only known contested). ``since`` None: held from before the records (inferred
    from the first change). ``inferred``: "" (reported), "loser" or "opponent".
    """

    place: Place
    actor: Actor | None
    since: dt.date | None
    contested: bool
    event_id: int
    confidence: float
    inferred: str = ""
    sources: int = 0
    verified: bool = False
    contested_until: dt.date | None = None
    unheld: bool = False

    @property
    def evidence_level(self) -> str:
        return evidence_level(self.verified, self.sources)

    @property
    def evidence_text(self) -> str:
        return self.evidence_level.replace("_", " ")


@dataclass
class ControlPeriod:
    """One holder's period in a place's control timeline; ``end`` is exclusive, None = ongoing.

    ``start`` None: from before the records (the holder inferred from the first change).
    ``actor`` None with ``unheld``: nobody held it (a withdrawal); without: unknown.
    """

    actor: Actor | None
    start: dt.date | None
    end: dt.date | None
    event_id: int | None
    contested: list[tuple[dt.date, dt.date | None, Actor | None, int]] = field(default_factory=list)
    inferred: str = ""
    sources: int = 0
    verified: bool = False
    unheld: bool = False

    @property
    def evidence_level(self) -> str:
        return evidence_level(self.verified, self.sources)

    @property
    def evidence_text(self) -> str:
        return self.evidence_level.replace("_", " ")


def kb_counts() -> dict[str, int]:
    return {
        "events": Event.objects.active().count(),
        "control_changes": Event.objects.active().filter(type=EventType.CONTROL_CHANGE).count(),
        "places": Place.objects.count(),
        "actors": Actor.objects.count(),
        "accords": Accord.objects.count(),
        "articles": Article.objects.count(),
    }


def latest_control_changes(*, limit: int = 10) -> QuerySet[ControlFlip]:
    return (ControlFlip.objects.filter(state=ControlState.HELD)
            .exclude(inferred=ControlInference.LOSER)
            .select_related("place", "actor").order_by("-date", "-id")[:limit])


# What the control answers read of a place: not its alternate names nor its area.
_PLACE_UNREAD = ("aliases", "search_names", "area")


def _places_in_log() -> QuerySet[Place]:
    return Place.objects.filter(Exists(ControlFlip.objects.filter(place=OuterRef("pk"))))


def place_control_rows_at(*, date: dt.date, places: QuerySet[Place] | None = None,
                          actor: Actor | None = None, verified_only: bool = False,
                          min_sources: int = 0) -> list[tuple]:
    """Who held each place on ``date``, as plain rows of ``ANSWER_COLUMNS`` sorted by name.

    The one rule behind the map, the API and the place cards
    (``ControlFlipQuerySet.answer_rows_at``): rows, not model instances (Syria's 308
    answers on 1M events: the request 36 -> 9 ms). ``places`` narrows the answer (a
    bounding box, a country; default every place in the log); ``actor`` keeps the places
    that actor holds; ``verified_only`` and ``min_sources`` the answers so backed.
    """
    rows = ControlFlip.objects.answer_rows_at(
        date, places if places is not None else _places_in_log(), actor,
        verified_only=verified_only, min_sources=min_sources)
    rows.sort(key=_by_place_name)
    return rows


_COL = {name: i for i, name in enumerate(ANSWER_COLUMNS)}
_by_place_name = itemgetter(_COL["place__name"], _COL["place_id"])


def control_since(day: dt.date) -> dt.date | None:
    """A flip's date as told: None for a holder inferred from before the records."""
    return None if day == BEFORE_RECORDS else day


def place_control_at(*, date: dt.date, places: QuerySet[Place] | None = None,
                     actor: Actor | None = None, verified_only: bool = False,
                     min_sources: int = 0) -> list[ControlStatus]:
    """``place_control_rows_at``'s answers with their places and actors: three queries
    whatever the number of places."""
    rows = place_control_rows_at(date=date, places=places, actor=actor,
                                 verified_only=verified_only, min_sources=min_sources)
    place_map = Place.objects.defer(*_PLACE_UNREAD).in_bulk([r[_COL["place_id"]] for r in rows])
    actors = (Actor.objects.select_related("parent__parent__parent")
              .in_bulk({r[_COL["actor_id"]] for r in rows} - {None}))
    statuses = []
    for r in rows:
        held = r[_COL["state"]] == ControlState.HELD
        actor_id = r[_COL["actor_id"]]
        statuses.append(ControlStatus(
            place=place_map[r[_COL["place_id"]]], actor=actors.get(actor_id),
            since=control_since(r[_COL["date"]]), contested=r[_COL["contested"]] or not held,
            event_id=r[_COL["event_id"]], confidence=r[_COL["confidence"]],
            inferred=r[_COL["inferred"]], sources=r[_COL["sources"]],
            verified=r[_COL["verified"]], contested_until=r[_COL["contested_until"]],
            unheld=held and actor_id is None))
    return statuses


def control_areas_at(*, date: dt.date, places: QuerySet[Place] | None = None,
                     statuses: list[ControlStatus] | None = None
                     ) -> list[tuple[ControlStatus, str]]:
    """Each answered place's share of the territory on ``date``, as GeoJSON text.

    The Voronoi cell of each place among the places answered (PostGIS), clipped to their
    convex hull widened by 20 km: a sketch of who holds which area, not a front line.
    """
    if statuses is None:
        statuses = place_control_at(date=date, places=places)
    if len(statuses) < 2:
        return []
    ids = [s.place.pk for s in statuses]
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH pts AS (SELECT id, point FROM events_place WHERE id = ANY(%s)),
            g AS (SELECT ST_Collect(point) AS mp FROM pts),
            hull AS (SELECT ST_Buffer(ST_ConvexHull(mp)::geography, 20000)::geometry AS h FROM g),
            cells AS (SELECT (ST_Dump(ST_VoronoiPolygons(mp))).geom AS cell FROM g)
            SELECT DISTINCT ON (pts.id) pts.id,
                   ST_AsGeoJSON(ST_Intersection(ST_SetSRID(cells.cell, 4326), hull.h), 4)
            FROM cells, hull, pts
            WHERE ST_Intersects(ST_SetSRID(cells.cell, 4326), pts.point)
            ORDER BY pts.id""", [ids])
        shapes = dict(cursor.fetchall())
    return [(s, shapes[s.place.pk]) for s in statuses if s.place.pk in shapes]


def admin1_areas(*, country: str) -> list[tuple[str, str, str]]:
    """A country's admin-1 boundaries, approximated from the gazetteer's towns: (code,
    name, GeoJSON lines) per area.

    The gazetteer has no admin-1 polygons: each area is the union of the Voronoi cells of
    its towns (PostGIS), clipped to the towns' hull widened by 5 km, and its boundary less
    that hull's edge is drawn, so the lines run halfway between towns of two areas (about
    140 ms for Syria's towns).
    """
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH pts AS (SELECT admin1_code, admin1_name, point FROM events_place
                         WHERE country_code = %s AND kind = 'populated_place'
                           AND admin1_code <> ''),
            g AS (SELECT ST_Collect(point) AS mp FROM pts),
            hull AS (SELECT ST_Buffer(ST_ConvexHull(mp)::geography, 5000)::geometry AS h
                     FROM g),
            cells AS (SELECT ST_SetSRID((ST_Dump(ST_VoronoiPolygons(mp))).geom, 4326) AS cell
                      FROM g),
            labelled AS (SELECT DISTINCT ON (c.cell) p.admin1_code, p.admin1_name, c.cell
                         FROM cells c JOIN pts p ON ST_Intersects(c.cell, p.point))
            SELECT admin1_code, max(admin1_name),
                   -- The edges between areas only: the hull's own edge is no boundary.
                   ST_AsGeoJSON(ST_Difference(
                       ST_Boundary(ST_Intersection(ST_Union(cell), (SELECT h FROM hull))),
                       ST_Buffer(ST_Boundary((SELECT h FROM hull)), 0.001)), 4)
            FROM labelled GROUP BY admin1_code ORDER BY admin1_code""", [country.upper()])
        return cursor.fetchall()


@dataclass(frozen=True)
class ControlChange:
    """A place whose holder on ``end`` is not its holder on ``start``."""

    place: Place
    before: ControlStatus | None
    after: ControlStatus


def control_changes_between(*, start: dt.date, end: dt.date,
                            places: QuerySet[Place] | None = None) -> list[ControlChange]:
    """The places that changed hands between two dates: held by someone else (or by
    nobody) on ``end`` than on ``start``, by the same rules as ``place_control_at``."""
    before = {s.place.pk: s for s in place_control_at(date=start, places=places)}
    changes = []
    for after in place_control_at(date=end, places=places):
        was = before.get(after.place.pk)
        held_after = (after.actor is not None) or after.unheld
        if not held_after:
            continue  # only contested, no holder: not a change of hands
        if was is None or (was.actor, was.unheld) != (after.actor, after.unheld):
            changes.append(ControlChange(place=after.place, before=was, after=after))
    return changes


def place_control_timeline(*, place: Place) -> list[ControlPeriod]:
    """A place's whole control history as consecutive periods, with contested spans.

    The same log and rules as ``place_control_at``: a change of control ends a contest,
    overlapping reports of fighting make one span. Read as tuples, each actor once (the
    longest history, 1,859 rows at 1M events, made 3,700 model instances: 72 -> 13 ms).
    """
    flips = list(ControlFlip.objects.filter(place=place).order_by("date", "-confidence", "id")
                 .values_list("state", "date", "end_date", "actor_id", "event_id", "inferred",
                              "sources", "verified"))
    actors = (Actor.objects.select_related("parent__parent__parent")
              .in_bulk({row[3] for row in flips} - {None}))
    periods: list[ControlPeriod] = []
    pending_contests = []
    for state, date, end_date, actor_id, event_id, inferred, sources, verified in flips:
        actor = actors.get(actor_id)
        if state == ControlState.HELD:
            if periods and periods[-1].actor == actor and periods[-1].unheld == (actor is None):
                continue  # the same holder reported again: one period
            if periods:
                periods[-1].end = date
            periods.append(ControlPeriod(
                actor=actor, start=control_since(date), end=None, event_id=event_id,
                inferred=inferred, sources=sources, verified=verified, unheld=actor is None))
        else:
            pending_contests.append((date, end_date, actor, event_id))
    if pending_contests and (not periods or (periods[0].start is not None
                                             and pending_contests[0][0] < periods[0].start)):
        # Contested before any known holder: an unknown holder's period opens the timeline.
        end = periods[0].start if periods else None
        periods.insert(0, ControlPeriod(actor=None, start=pending_contests[0][0], end=end,
                                        event_id=None))
    # Periods follow each other, so a contest belongs to the last one begun by its date.
    starts = [period.start or BEFORE_RECORDS for period in periods]
    for date, end, actor, event_id in pending_contests:
        period = periods[bisect_right(starts, date) - 1]
        if period.end is not None and (end is None or end >= period.end):
            end = period.end  # a capture ends the contest
        spans = period.contested
        if spans and (spans[-1][1] is None or date <= spans[-1][1]):
            # Fighting reported again before the contest ended: the span goes on.
            first, last, who, first_event = spans[-1]
            longer = None if last is None or end is None else max(last, end)
            spans[-1] = (first, longer, who, first_event)
        else:
            spans.append((date, end, actor, event_id))
    return periods


def place_search(*, query: str, limit: int = 20) -> QuerySet[Place]:
    """Places known by ``query`` in any spelling or script, most populous first."""
    return Place.objects.named(query).order_by("-population", "pk")[:limit]


def actor_search(*, query: str, limit: int = 20) -> QuerySet[Actor]:
    return Actor.objects.named(query).order_by("name")[:limit]


DUPLICATE_DAYS = 7
DUPLICATE_KM = 25


@dataclass(frozen=True)
class DuplicateCandidate:
    """An event that may report the same thing as another, and why it looks so."""

    event: Event
    days_apart: int
    km_apart: float | None
    shared_actors: int


def event_duplicate_candidates(*, event: Event, limit: int = 5) -> list[DuplicateCandidate]:
    """Active events likely to be ``event`` again: the same type, within
    ``DUPLICATE_DAYS`` days and ``DUPLICATE_KM`` km (or both without a place), most shared
    actors first, then the closest in time and space."""
    candidates = (Event.objects.active().filter(type=event.type)
                  .filter(date__gte=event.date - dt.timedelta(days=DUPLICATE_DAYS),
                          date__lte=event.date + dt.timedelta(days=DUPLICATE_DAYS))
                  .exclude(pk=event.pk))
    if event.place_id is not None:
        point = event.place.point
        candidates = (candidates.filter(near_q("place__point", point, DUPLICATE_KM))
                      .annotate(distance=Distance("place__point", point)))
    else:
        candidates = candidates.filter(place__isnull=True)
    actor_ids = [ea.actor_id for ea in event.event_actors.all()]
    candidates = candidates.annotate(shared=Count(
        "event_actors__actor", filter=Q(event_actors__actor_id__in=actor_ids), distinct=True))
    found = []
    candidates = candidates.select_related("place").prefetch_related(
        "event_actors__actor", "event_accords__accord")
    for other in candidates[:50]:
        distance = getattr(other, "distance", None)
        found.append(DuplicateCandidate(
            event=other, days_apart=abs((other.date - event.date).days),
            km_apart=round(distance.km, 1) if distance is not None else None,
            shared_actors=other.shared))
    found.sort(key=lambda c: (-c.shared_actors, c.days_apart, c.km_apart or 0, c.event.pk))
    return found[:limit]
