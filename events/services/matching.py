"""Telling whether an extracted event is one the knowledge base already holds.

The same event reported by several articles has the same type and place, dates a day or
two apart and actors that do not contradict each other (a unit and its parent force
agree). Merged events hand their reports on to the event they were merged into.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q

from events.choices import ActorRole, DatePrecision
from events.models import Actor, Event, EventActor, Evidence

if TYPE_CHECKING:
    from .extraction import PlannedEvent

# Namespace of the advisory locks that serialise matching per (type, place).
_LOCK_NAMESPACE = 7301


def event_survivor(*, event: Event) -> Event:
    seen = set()
    while event.merged_into_id and event.pk not in seen:
        seen.add(event.pk)
        event = Event.objects.get(pk=event.merged_into_id)
    return event


def _related(actor: Actor, others: set[int], parents: dict[int, int | None]) -> bool:
    """Whether ``actor`` is one of ``others`` or a unit/parent of one of them."""
    if actor.pk in others:
        return True
    return parents.get(actor.pk) in others or any(parents.get(o) == actor.pk for o in others)


def _compatible(roles: set[tuple[int, str]], plan: PlannedEvent,
                parents: dict[int, int | None]) -> bool:
    """No contradiction on who gained control (a unit and its parent force agree)."""
    gainers = {pk for pk, role in roles if role == ActorRole.GAINS_CONTROL}
    losers = {pk for pk, role in roles if role == ActorRole.LOSES_CONTROL}
    new_gainers = [a for a, r in plan.actors if r == ActorRole.GAINS_CONTROL]
    new_losers = [a for a, r in plan.actors if r == ActorRole.LOSES_CONTROL]
    if gainers and new_gainers and not any(_related(a, gainers, parents) for a in new_gainers):
        return False
    if any(_related(a, losers, parents) for a in new_gainers):
        return False
    return not any(_related(a, gainers, parents) for a in new_losers)


@dataclass
class NewEvent:
    """An event an article reports for the first time, not written yet.

    The save creates all of an article's new events at once; until then a later report
    in the same article can still match one of these and complete it.
    """

    event: Event
    plan: PlannedEvent
    actors: dict[tuple[int, str], Actor] = field(default_factory=dict)
    accords: dict[int, tuple] = field(default_factory=dict)


def lock_match_keys(*, keys: Iterable[tuple[str, int]]) -> None:
    """Serialise matching per (event type, place id) until the transaction ends.

    Two workers saving two reports of one event must not both create it. The locks are
    taken in one statement and one global order, so two workers saving articles about
    the same places never each hold a lock the other waits for.
    """
    numbers = sorted({zlib.crc32(f"{event_type}:{place_id}".encode()) - 2**31
                      for event_type, place_id in keys})
    if not numbers:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_advisory_xact_lock(%s, k)) "
                       "FROM (SELECT unnest(%s::int[]) AS k ORDER BY 1) AS keys",
                       [_LOCK_NAMESPACE, numbers])


def _window(plan: PlannedEvent, days: int) -> tuple[dt.date, dt.date]:
    date = plan.values["date"]
    if plan.values["date_precision"] in (DatePrecision.MONTH, DatePrecision.YEAR):
        days = 0  # "in 2015" matches another "in 2015", not a day near 1 January
    return date - dt.timedelta(days=days), date + dt.timedelta(days=days)


def _matchable(plan: PlannedEvent) -> bool:
    # No place and nobody named: "the same event" cannot be told apart.
    return plan.values["place"] is not None or bool(plan.actors or plan.accords)


class EventMatcher:
    """Finds, for planned events, the stored event each one reports, if any.

    The candidates of all the plans are read at once (same type, place and date
    precision, dates within ``days``), with their actors and accords and the actors'
    parents, so matching an article's events costs a fixed number of queries.
    """

    def __init__(self, plans: Sequence[PlannedEvent], days: int, *,
                 article_id: int | None = None):
        self.days = days
        plans = [p for p in plans if _matchable(p)]
        self.pool: dict[int, Event] = {}
        self.new: list[NewEvent] = []
        self.locked: set[int] = set()
        self.parties: dict[int, tuple[set, set]] = {}
        # (type, place id, date precision, date, report's id, the event it stands for)
        self.reports: list[tuple] = []
        self.parents: dict[int, int | None] = {}
        # Candidate id -> whether an article other than ``article_id`` reports it.
        self.reported_elsewhere: dict[int, bool] = {}
        for plan in plans:
            self.parents.update((a.pk, a.parent_id) for a, _ in plan.actors)
        if plans:
            # One condition per (type, place, precision), over the span of its windows:
            # ``find`` keeps each plan's own window.
            spans: dict[tuple, tuple[dt.date, dt.date]] = {}
            for plan in plans:
                kind = (plan.values["type"], plan.values["place"], plan.values["date_precision"])
                low, high = _window(plan, days)
                if kind in spans:
                    low, high = min(low, spans[kind][0]), max(high, spans[kind][1])
                spans[kind] = (low, high)
            wanted = Q()
            for (type_, place, precision), window in spans.items():
                wanted |= Q(type=type_, place=place, date_precision=precision,
                            date__range=window)
            # Read FOR UPDATE: the save may change a candidate it matches, and an editor's
            # correction must not land in between.
            # The actors' parent forces come with them: ``find`` compares units.
            # An event's actors in their usual order (the first gainer holds the place),
            # without sorting by their events' dates, which joined the events for nothing.
            roles = (EventActor.objects.annotate(actor_parent_id=F("actor__parent_id"))
                     .order_by("role", "actor__name"))
            candidates = (Event.objects.filter(wanted).order_by().select_for_update()
                          .prefetch_related(Prefetch("event_actors", queryset=roles),
                                            "event_accords"))
            if article_id is not None:
                candidates = candidates.annotate(elsewhere=Exists(
                    Evidence.objects.filter(event=OuterRef("pk")).exclude(article=article_id)))
            for event in candidates:
                if article_id is not None:
                    self.reported_elsewhere[event.pk] = event.elsewhere
                self.parents.update((ea.actor_id, ea.actor_parent_id)
                                    for ea in event.event_actors.all())
                if not event.merged_into_id:
                    self.locked.add(event.pk)
                # A merged report is found by its own type, place and date and stands
                # for the event it was merged into.
                survivor = event_survivor(event=event)
                self.pool.setdefault(survivor.pk, survivor)
                self.reports.append((event.type, event.place_id, event.date_precision,
                                     event.date, event.pk, survivor.pk))

    def add(self, event: Event, roles: list, links: list) -> None:
        """Take the new state of a candidate this save changed (still locked): its
        values, and its actor and accord rows ``roles`` and ``links``."""
        pk = event.pk
        self.reports = [r for r in self.reports if r[4] != pk]
        self.pool[pk] = event
        self.parties[pk] = ({(ea.actor_id, ea.role) for ea in roles},
                            {ea.accord_id for ea in links})
        self.locked.add(pk)
        self.reports.append((event.type, event.place_id, event.date_precision, event.date, pk,
                             pk))

    def _parties(self, target: Event | NewEvent) -> tuple[set[tuple[int, str]], set[int]]:
        """(actor id, role) pairs and accord ids of a candidate."""
        if isinstance(target, NewEvent):
            return set(target.actors), set(target.accords)
        if target.pk not in self.parties:
            self.parties[target.pk] = (
                {(ea.actor_id, ea.role) for ea in target.event_actors.all()},
                {ea.accord_id for ea in target.event_accords.all()})
        return self.parties[target.pk]

    def is_locked(self, event: Event) -> bool:
        """Whether ``event`` is a candidate as read FOR UPDATE, with its actors and accords."""
        return event.pk in self.locked and self.pool.get(event.pk) is event

    def add_new(self, new: NewEvent) -> None:
        """Make an event not written yet a candidate for the plans still to match."""
        event = new.event
        self.new.append(new)
        self.reports.append((event.type, event.place_id, event.date_precision, event.date,
                             None, new))

    def _load_parents(self, targets: list, plan: PlannedEvent) -> None:
        """The parent force of every actor the comparison needs (units agree with it)."""
        needed = {pk for t in targets for pk, _ in self._parties(t)[0]}
        if not needed:
            return
        needed |= {a.pk for a, _ in plan.actors}
        # Candidates' and plans' actors are known from their reads; only an actor this
        # save gave a stored event is read here.
        missing = needed - set(self.parents)
        if missing:
            self.parents.update(Actor.objects.filter(pk__in=missing)
                                .values_list("pk", "parent_id"))

    def find(self, plan: PlannedEvent) -> Event | NewEvent | None:
        """The stored event, or this article's new one, that ``plan`` reports, if any."""
        if not _matchable(plan):
            return None
        place = plan.values["place"]
        place_id = place.pk if place else None
        low, high = _window(plan, self.days)
        kind = (plan.values["type"], place_id, plan.values["date_precision"])
        found: dict = {}
        for type_, place_, precision, date, _, target in self.reports:
            if (type_, place_, precision) == kind and low <= date <= high:
                target = self.pool.get(target) if isinstance(target, int) else target
                if target is not None:
                    found[id(target)] = target
        found = [t for t in found.values()
                 if _event(t).type == plan.values["type"] and _event(t).place_id == place_id]
        if place is None:
            # Without a place: the very same actors in the same roles, and the same accords.
            parties = ({(a.pk, r) for a, r in plan.actors}, {a.pk for a, _ in plan.accords})
            matches = [t for t in found if self._parties(t) == parties]
        else:
            self._load_parents(found, plan)
            matches = [t for t in found
                       if _compatible(self._parties(t)[0], plan, self.parents)]
        if not matches:
            return None
        date = plan.values["date"]
        matches.sort(key=lambda t: (not _event(t).is_active, abs((_event(t).date - date).days),
                                    -_event(t).confidence, _event(t).pk or float("inf")))
        return matches[0]


def _event(target: Event | NewEvent) -> Event:
    return target.event if isinstance(target, NewEvent) else target
