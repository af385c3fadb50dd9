"""Read functions: every page, API view and command reads the knowledge base through here."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

from django.contrib.gis.db.models.functions import Distance
from django.db.models import Count, Q, QuerySet, Value

from events.choices import ControlState, EventType
from events.expressions import coordinate
from events.filtersets import near_q
from events.models import Accord, Actor, Article, ControlFlip, Event, Place
from events.querysets import ANSWER_COLUMNS


@dataclass(frozen=True)
class ControlStatus:
    """Who controls a place on a date, since when, and on what evidence."""

    place: Place
    actor: Actor | None
    since: dt.date
    contested: bool
    event_id: int
    confidence: float


@dataclass
class ControlPeriod:
    """One holder's period in a place's control timeline; ``end`` is exclusive, None = ongoing."""

    actor: Actor | None
    start: dt.date
    end: dt.date | None
    event_id: int | None
    contested: list[tuple[dt.date, dt.date | None, Actor | None, int]] = field(default_factory=list)


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
            .select_related("place", "actor").order_by("-date", "-id")[:limit])


# What the control answers read of a place: not its alternate names nor its area.
_PLACE_UNREAD = ("place__aliases", "place__search_names", "place__area")


def _control_answers(date: dt.date, places: QuerySet[Place] | None,
                     actor: Actor | None) -> list[QuerySet[ControlFlip]]:
    """The flips that answer "who held it on ``date``": holders' (annotated ``contested``)
    and, for places without a holder, their open contests'."""
    if places is None:
        held = ControlFlip.objects.holders_at(date)
        open_contests = ControlFlip.objects.contested_without_holder_at(date)
        if actor is not None:
            # After DISTINCT ON (holders_at filters its result), so it is the current holder.
            held = held.filter(actor=actor)
            open_contests = open_contests.none()  # no holder, so never that actor's
        return [held, open_contests]
    # A country or a bounding box: each place's answer found by index probes, holders and
    # open contests in one query (answers_at).
    answers = ControlFlip.objects.answers_at(date, places)
    if actor is not None:
        answers = answers.filter(state=ControlState.HELD, actor=actor)
    return [answers]


def place_control_at(*, date: dt.date, places: QuerySet[Place] | None = None,
                     actor: Actor | None = None) -> list[ControlStatus]:
    """Who controls each place on ``date``: holders (maybe contested) and contested-only places.

    At most two queries whatever the number of places. ``places`` narrows the answer (a
    bounding box, a country); ``actor`` keeps the places that actor holds on ``date``.
    """
    statuses = []
    for flips in _control_answers(date, places, actor):
        for f in flips.select_related("place", "actor").defer(*_PLACE_UNREAD):
            held = f.state == ControlState.HELD
            statuses.append(ControlStatus(
                place=f.place, actor=f.actor if held else None, since=f.date,
                contested=f.contested if held else True, event_id=f.event_id,
                confidence=f.confidence))
    statuses.sort(key=lambda s: (s.place.name, s.place.pk))
    return statuses


def place_control_rows_at(*, date: dt.date, places: QuerySet[Place] | None = None,
                          actor: Actor | None = None) -> list[tuple]:
    """``place_control_at``'s answers as plain rows, for the API's GeoJSON.

    The same answers read as tuples of ``ANSWER_COLUMNS`` (``place_id``, ..., ``lon``,
    ``lat``), with the point's coordinates: no model instances, no geometry objects
    (Syria's 308 answers on 1M events: the request 36 -> 9 ms); a place without a holder
    has no actor and is contested. For a country or a bounding box, one hand-written query
    (``answer_rows_at``: the ORM's query for it cost more to build than to run).
    """
    if places is not None:
        rows = ControlFlip.objects.answer_rows_at(date, places, actor)
    else:
        fields = ANSWER_COLUMNS[:ANSWER_COLUMNS.index("contested")]
        coordinates = (coordinate("place__point", "x"), coordinate("place__point", "y"))
        rows = []
        for flips in _control_answers(date, places, actor):
            # All but the open contests alone are annotated; those are contested.
            contested = "contested" if "contested" in flips.query.annotations else Value(True)
            for row in flips.values_list(*fields, contested, *coordinates):
                if row[_STATE] != ControlState.HELD:
                    row = (*row[:_ACTOR], None, None, None, *row[_ACTOR + 3:_CONTESTED], True,
                           *row[_CONTESTED + 1:])
                rows.append(row)
    rows.sort(key=_by_place_name)
    return rows


_ACTOR = ANSWER_COLUMNS.index("actor_id")  # then actor__name, actor__slug
_STATE = ANSWER_COLUMNS.index("state")
_CONTESTED = ANSWER_COLUMNS.index("contested")
_by_place_name = itemgetter(ANSWER_COLUMNS.index("place__name"), ANSWER_COLUMNS.index("place_id"))


def place_control_timeline(*, place: Place) -> list[ControlPeriod]:
    """A place's whole control history as consecutive periods, with contested spans.

    Read as tuples, each actor once: the longest history (1,859 rows at 1M events) made
    3,700 model instances and compared every contest with every period (the API's
    request 72 -> 13 ms).
    """
    flips = list(ControlFlip.objects.filter(place=place).order_by("date", "-confidence", "id")
                 .values_list("state", "date", "end_date", "actor_id", "event_id"))
    actors = Actor.objects.in_bulk({actor_id for *_, actor_id, _ in flips} - {None})
    periods: list[ControlPeriod] = []
    pending_contests = []
    for state, date, end_date, actor_id, event_id in flips:
        actor = actors.get(actor_id)
        if state == ControlState.HELD:
            if periods and periods[-1].actor == actor:
                continue  # the same holder reported again: one period
            if periods:
                periods[-1].end = date
            periods.append(ControlPeriod(actor=actor, start=date, end=None, event_id=event_id))
        else:
            pending_contests.append((date, end_date, actor, event_id))
    if pending_contests and (not periods or pending_contests[0][0] < periods[0].start):
        # Contested before any known holder: an unknown holder's period opens the timeline.
        end = periods[0].start if periods else None
        periods.insert(0, ControlPeriod(actor=None, start=pending_contests[0][0], end=end,
                                        event_id=None))
    # Periods follow each other, so a contest belongs to the last one begun by its date.
    starts = [period.start for period in periods]
    for date, end, actor, event_id in pending_contests:
        period = periods[bisect_right(starts, date) - 1]
        if period.end is not None and (end is None or end >= period.end):
            end = period.end  # a capture ends the contest
        period.contested.append((date, end, actor, event_id))
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
