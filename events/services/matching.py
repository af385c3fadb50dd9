"""Telling whether an extracted event is one the knowledge base already holds.

The same event reported by several articles has the same type and place, dates a day or
two apart and actors that do not contradict each other (a unit and its parent force
agree). Merged events hand their reports on to the event they were merged into.
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import TYPE_CHECKING

from django.db import connection

from events.choices import ActorRole, DatePrecision
from events.models import Actor, Event

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


def _compatible(event: Event, plan: PlannedEvent) -> bool:
    """No contradiction on who gained control (a unit and its parent force agree)."""
    roles = list(event.event_actors.all())
    gainers = {ea.actor_id for ea in roles if ea.role == ActorRole.GAINS_CONTROL}
    losers = {ea.actor_id for ea in roles if ea.role == ActorRole.LOSES_CONTROL}
    parents = dict(Actor.objects.filter(pk__in=gainers | losers | {a.pk for a, _ in plan.actors})
                   .values_list("pk", "parent_id"))
    new_gainers = [a for a, r in plan.actors if r == ActorRole.GAINS_CONTROL]
    new_losers = [a for a, r in plan.actors if r == ActorRole.LOSES_CONTROL]
    if gainers and new_gainers and not any(_related(a, gainers, parents) for a in new_gainers):
        return False
    if any(_related(a, losers, parents) for a in new_gainers):
        return False
    return not any(_related(a, gainers, parents) for a in new_losers)


def lock_match_key(*, event_type: str, place_id: int) -> None:
    # Two workers saving two reports of one event must not both create it.
    key = zlib.crc32(f"{event_type}:{place_id}".encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])


def _same_parties(event: Event, plan: PlannedEvent) -> bool:
    """For events without a place: the very same actors in the same roles and accords."""
    actors = {(ea.actor_id, ea.role) for ea in event.event_actors.all()}
    accords = {ea.accord_id for ea in event.event_accords.all()}
    return (actors == {(a.pk, r) for a, r in plan.actors}
            and accords == {a.pk for a, _ in plan.accords})


def event_find_match(*, plan: PlannedEvent, days: int) -> Event | None:
    place = plan.values["place"]
    if place is None and not (plan.actors or plan.accords):
        return None  # no place and nobody named: "the same event" cannot be told apart
    date, precision = plan.values["date"], plan.values["date_precision"]
    if precision != DatePrecision.DAY:
        days = 0  # "in 2015" matches another "in 2015", not a day near 1 January
    candidates = (Event.objects.filter(type=plan.values["type"], place=place,
                                       date_precision=precision,
                                       date__range=(date - dt.timedelta(days=days),
                                                    date + dt.timedelta(days=days)))
                  .prefetch_related("event_actors", "event_accords"))
    found: dict[int, Event] = {}
    for event in candidates:
        event = event_survivor(event=event)
        if event.type == plan.values["type"] and event.place_id == (place.pk if place else None):
            found.setdefault(event.pk, event)
    if place is None:
        matches = [e for e in found.values() if _same_parties(e, plan)]
    else:
        matches = [e for e in found.values() if _compatible(e, plan)]
    if not matches:
        return None
    matches.sort(key=lambda e: (not e.is_active, abs((e.date - date).days), -e.confidence, e.pk))
    return matches[0]
