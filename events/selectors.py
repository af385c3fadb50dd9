"""Read functions: every page, API view and command reads the knowledge base through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from events.choices import ControlState, EventType
from events.models import Accord, Actor, Article, ControlFlip, Event, Place


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


def place_control_at(*, date: dt.date, places: QuerySet[Place] | None = None,
                     actor: Actor | None = None) -> list[ControlStatus]:
    """Who controls each place on ``date``: holders (maybe contested) and contested-only places.

    Two queries whatever the number of places. ``places`` narrows the answer (a bounding
    box, a country); ``actor`` keeps the places that actor holds on ``date``.
    """
    flips = ControlFlip.objects.all()
    if places is not None:
        # Narrow before DISTINCT ON, so a country's answer reads only that country's rows.
        flips = flips.filter(place__in=places)
    held = flips.holders_at(date)
    open_contests = flips.contested_without_holder_at(date)
    if actor is not None:
        # After DISTINCT ON (holders_at filters its result), so it is the current holder.
        held = held.filter(actor=actor)
        open_contests = open_contests.none()  # no holder, so never that actor's
    statuses = [
        ControlStatus(place=f.place, actor=f.actor, since=f.date, contested=f.contested,
                      event_id=f.event_id, confidence=f.confidence)
        for f in held.select_related("place", "actor")
    ]
    statuses += [
        ControlStatus(place=f.place, actor=None, since=f.date, contested=True,
                      event_id=f.event_id, confidence=f.confidence)
        for f in open_contests.select_related("place")
    ]
    statuses.sort(key=lambda s: (s.place.name, s.place.pk))
    return statuses


def place_control_timeline(*, place: Place) -> list[ControlPeriod]:
    """A place's whole control history as consecutive periods, with contested spans."""
    flips = list(ControlFlip.objects.filter(place=place).select_related("actor")
                 .order_by("date", "-confidence", "id"))
    periods: list[ControlPeriod] = []
    pending_contests = []
    for flip in flips:
        if flip.state == ControlState.HELD:
            if periods and periods[-1].actor == flip.actor:
                continue  # the same holder reported again: one period
            if periods:
                periods[-1].end = flip.date
            periods.append(ControlPeriod(actor=flip.actor, start=flip.date, end=None,
                                         event_id=flip.event_id))
        else:
            pending_contests.append(flip)
    if pending_contests and (not periods or pending_contests[0].date < periods[0].start):
        # Contested before any known holder: an unknown holder's period opens the timeline.
        end = periods[0].start if periods else None
        periods.insert(0, ControlPeriod(actor=None, start=pending_contests[0].date, end=end,
                                        event_id=None))
    for contest in pending_contests:
        for period in periods:
            if period.start <= contest.date and (period.end is None or contest.date < period.end):
                end = contest.end_date
                if period.end is not None and (end is None or end >= period.end):
                    end = period.end  # a capture ends the contest
                period.contested.append((contest.date, end, contest.actor, contest.event_id))
                break
    return periods


def place_search(*, query: str, limit: int = 20) -> QuerySet[Place]:
    """Places known by ``query`` in any spelling or script, most populous first."""
    return Place.objects.named(query).order_by("-population", "pk")[:limit]


def actor_search(*, query: str, limit: int = 20) -> QuerySet[Actor]:
    return Actor.objects.named(query).order_by("name")[:limit]
