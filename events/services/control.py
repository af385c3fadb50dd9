"""Keeps the control log in step with the events it is derived from.

What enters the log, and what each event means to it, is decided in one place:
``control_flip_values`` (per event) and ``_derive_places`` (what a place's events imply
together: the holder before the first change, who takes a place its holder withdrew from).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection, transaction

from events.choices import (
    ActorRole,
    ControlInference,
    ControlState,
    EventType,
    LocationPrecision,
    PlaceKind,
    ReviewStatus,
)
from events.models import Actor, Article, ControlFlip, Event, EventActor, Evidence, Place
from events.models.control import BEFORE_RECORDS

# What control_flip_values gives, as model fields.
_FLIP_FIELDS = ["place", "date", "end_date", "state", "actor", "lost_by", "confidence",
                "inferred", "sources", "verified"]
# Event types that make a place contested rather than change its holder.
CONTEST_TYPES = {EventType.SIEGE, EventType.BATTLE}
# Places of town precision: populated places, neighbourhoods and named facilities (a
# GeoNames spot, building or farm is loaded as "other"); never a country nor an admin area.
TOWN_KINDS = {PlaceKind.POPULATED_PLACE, PlaceKind.OTHER}
# The roles of those who fought at a place, in the order an opponent is preferred.
_FIGHTING_ROLES = [ActorRole.INITIATOR, ActorRole.PARTY, ActorRole.TARGET]


def _role(event_actors, role: str):
    for ea in event_actors:
        if ea.role == role:
            return ea.actor
    return None


def enters_control_log(event: Event, place_kind: str | None) -> bool:
    """Whether ``event`` may change who holds or contests its place.

    Active news events of a control type at a town. A change of control must be of the place
    itself: one known only at area precision ("in Idlib province") or near a town ("a
    village near Aleppo") never changes that town. Fighting near a town (on its
    outskirts, or "attacked fighters in X", which the extractor places near X) contests
    it; fighting known only at area precision does not. Background events (told in
    passing, long before the article) enter only once an editor verified them.
    """
    precisions = ({LocationPrecision.EXACT} if event.type == EventType.CONTROL_CHANGE
                  else {LocationPrecision.EXACT, LocationPrecision.NEAR})
    return (event.is_active and event.place_id is not None and event.counts_as_news
            and event.type in (EventType.CONTROL_CHANGE, *CONTEST_TYPES)
            and place_kind in TOWN_KINDS and event.location_precision in precisions)


def control_flip_values(event: Event, event_actors=None, *, place_kind: str | None = None,
                        sources: int = 0) -> dict | None:
    """The control-log row ``event`` implies on its own, as field values, or None.

    A control change with a gaining actor is a held flip; a withdrawal (only the side
    that lost it named) is a held flip with no holder, which ``_derive_places`` may give
    to the opponent fighting there. A siege or a battle at a place is a contested flip
    until its reported end, else ``CONTROL_QUIET_DAYS`` after it (a later siege or battle
    extends it, a change of control ends it). ``place_kind`` defaults to the event's
    place's (a query unless it is loaded); ``event_actors`` (with their actors) to the
    event's own.
    """
    if place_kind is None and event.place_id:
        place_kind = event.place.kind
    if not enters_control_log(event, place_kind):
        return None
    if event_actors is None:
        event_actors = list(event.event_actors.all())
    values = None
    if event.type == EventType.CONTROL_CHANGE:
        gainer = _role(event_actors, ActorRole.GAINS_CONTROL)
        loser = _role(event_actors, ActorRole.LOSES_CONTROL)
        if gainer is not None or loser is not None:
            values = {"state": ControlState.HELD, "actor": gainer, "lost_by": loser,
                      "end_date": None}
    else:
        attacker = (_role(event_actors, ActorRole.INITIATOR)
                    or _role(event_actors, ActorRole.PARTY))
        end = event.end_date or event.date + dt.timedelta(days=settings.CONTROL_QUIET_DAYS)
        values = {"state": ControlState.CONTESTED, "actor": attacker, "lost_by": None,
                  "end_date": end}
    if values is None:
        return None
    return {"place_id": event.place_id, "date": event.date, "confidence": event.confidence,
            "inferred": ControlInference.REPORTED, "sources": sources,
            "verified": event.review_status == ReviewStatus.VERIFIED, **values}


def _differs(flip: ControlFlip, values: dict) -> bool:
    # Actors compared by id: reading ``flip.actor`` would query it.
    return any(getattr(flip, f"{name}_id") != (value.pk if value is not None else None)
               if name in ("actor", "lost_by") else getattr(flip, name) != value
               for name, value in values.items())


def event_sources(event_ids: Iterable[int]) -> dict[int, int]:
    """Independent sources per event: distinct outlets of its evidence, where the copies
    of one story (near duplicates point at its first copy) count as the first copy's
    outlet, an article without an outlet as itself, a note without an article (an
    ACLED row) by its source label."""
    ids = list(event_ids)
    if not ids:
        return {}
    evidence, articles = Evidence._meta.db_table, Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT e.event_id, COUNT(DISTINCT COALESCE('s' || r.source_id, 'a' || r.id,
                                                       'l' || e.source_label))
            FROM {evidence} e
            LEFT JOIN {articles} a ON a.id = e.article_id
            LEFT JOIN {articles} r ON r.id = COALESCE(a.duplicate_of_id, a.id)
            WHERE e.event_id = ANY(%s) GROUP BY e.event_id""", [ids])
        return dict(cursor.fetchall())


def control_log_refresh_sources(*, event_ids: Iterable[int]) -> None:
    """Count the sources of these events' flips again (after evidence was written)."""
    ids = list(event_ids)
    if not ids:
        return
    counts = event_sources(ids)
    flips = list(ControlFlip.objects.filter(event_id__in=ids).only("id", "event_id", "sources"))
    changed = [f for f in flips if f.sources != counts.get(f.event_id, 0)]
    for flip in changed:
        flip.sources = counts.get(flip.event_id, 0)
    if changed:
        ControlFlip.objects.bulk_update(changed, ["sources"])


def control_log_sync(*, event: Event, event_actors=None) -> ControlFlip | None:
    """Create, update or remove the control-log row that ``event`` implies."""
    return control_log_sync_many([(event, event_actors)])[0]


def control_log_sync_many(pairs: Sequence[tuple[Event, list | None]]) -> list[ControlFlip | None]:
    """``control_log_sync`` of several events, each given with its actor rows (or None for
    its own; an event given twice takes its last), in a constant number of queries, then
    what their places' events imply together (``_derive_places``). A row that stays keeps
    its id (the tie-break of flips on one day)."""
    latest = {event.pk: (event, roles) for event, roles in pairs}
    existing = {flip.event_id: flip for flip in ControlFlip.objects.select_for_update()
                .filter(event__in=list(latest)).exclude(inferred=ControlInference.LOSER)}
    kinds = dict(Place.objects.filter(pk__in={e.place_id for e, _ in latest.values()} - {None})
                 .values_list("pk", "kind"))
    sources = event_sources(latest)
    flips: dict[int, ControlFlip | None] = {}
    stale, changed, new = [], [], []
    places = {flip.place_id for flip in existing.values()}
    for pk, (event, roles) in latest.items():
        values = control_flip_values(event, roles, place_kind=kinds.get(event.place_id),
                                     sources=sources.get(pk, 0))
        flip = existing.get(pk)
        if values is None:
            if flip is not None:
                stale.append(flip.pk)
            flip = None
        else:
            places.add(event.place_id)
            if flip is None:
                flip = ControlFlip(event=event, **values)
                new.append(flip)
            else:
                if flip.inferred == ControlInference.OPPONENT:
                    # The opponent was given by _derive_places, which decides again.
                    values = {**values, "actor": flip.actor, "inferred": flip.inferred}
                if _differs(flip, values):
                    for name, value in values.items():
                        setattr(flip, name, value)
                    changed.append(flip)
        flips[pk] = flip
    if stale:
        ControlFlip.objects.filter(pk__in=stale).delete()
    if changed:
        ControlFlip.objects.bulk_update(changed, _FLIP_FIELDS)
    if new:
        ControlFlip.objects.bulk_create(new)
    _derive_places(places)
    return [flips[event.pk] for event, _ in pairs]


def _sides(actor_ids: set[int]) -> dict[int, int]:
    """Each actor's side: the top of its chain of parents (a unit is its force's side)."""
    parents: dict[int, int | None] = {}
    todo = set(actor_ids)
    while todo:
        rows = dict(Actor.objects.filter(pk__in=todo).values_list("pk", "parent_id"))
        parents.update(rows)
        todo = {p for p in rows.values() if p is not None and p not in parents}
    sides = {}
    for actor_id in actor_ids:
        seen, current = set(), actor_id
        while parents.get(current) is not None and current not in seen:
            seen.add(current)
            current = parents[current]
        sides[actor_id] = current
    return sides


def _derive_places(place_ids: set[int]) -> None:
    """What a place's events imply together, written for each of ``place_ids``.

    - A withdrawal (a change with no holder named) gives the place to the withdrawing
      side's opponent when the log has that opponent fighting or besieging there within
      ``CONTROL_WITHDRAWAL_LOOKBACK_DAYS`` before (marked inferred); otherwise the place
      is unheld from that date.
    - The side that lost a place in its first reported change held it before: one row
      dated ``BEFORE_RECORDS``, inferred from that change's event.
    """
    place_ids = {p for p in place_ids if p is not None}
    if not place_ids:
        return
    rows = list(ControlFlip.objects.select_for_update().filter(place_id__in=place_ids)
                .order_by("place_id", "date", "-confidence", "id"))
    lookback = dt.timedelta(days=settings.CONTROL_WITHDRAWAL_LOOKBACK_DAYS)
    withdrawals = [f for f in rows if f.state == ControlState.HELD and f.lost_by_id
                   and (f.actor_id is None or f.inferred == ControlInference.OPPONENT)]
    # Everyone who fought there: a battle's parties are listed in no particular order.
    fighters: dict[int, list[int]] = defaultdict(list)
    if withdrawals:
        contest_events = {f.event_id for f in rows if f.state == ControlState.CONTESTED}
        for event_id, actor_id in (EventActor.objects.filter(
                event_id__in=contest_events, role__in=_FIGHTING_ROLES)
                .order_by("event_id", "role", "id").values_list("event_id", "actor_id")):
            fighters[event_id].append(actor_id)
    withdrawn = {f.pk for f in withdrawals}
    sides = _sides({a for f in rows for a in (f.actor_id, f.lost_by_id) if a is not None}
                   | {a for actors in fighters.values() for a in actors})
    by_place: dict[int, list[ControlFlip]] = defaultdict(list)
    for flip in rows:
        by_place[flip.place_id].append(flip)
    changed, stale, new = [], [], []
    for place_id in place_ids:
        flips = by_place.get(place_id, [])
        contests = [f for f in flips if f.state == ControlState.CONTESTED]
        for flip in flips:
            if flip.pk not in withdrawn:
                continue
            loser = sides[flip.lost_by_id]
            # The latest fighting first, its initiator before its other parties.
            opponents = [a for c in reversed(contests)
                         if flip.date - lookback <= c.date <= flip.date
                         for a in fighters.get(c.event_id, []) if sides[a] != loser]
            actor_id = opponents[0] if opponents else None
            inferred = ControlInference.OPPONENT if opponents else ControlInference.REPORTED
            if (flip.actor_id, flip.inferred) != (actor_id, inferred):
                flip.actor_id, flip.inferred = actor_id, inferred
                changed.append(flip)
        reported = [f for f in flips if f.state == ControlState.HELD
                    and f.inferred != ControlInference.LOSER]
        priors = [f for f in flips if f.inferred == ControlInference.LOSER]
        first = reported[0] if reported else None
        wanted = None
        if first is not None and first.lost_by_id and first.lost_by_id != first.actor_id:
            wanted = {"date": BEFORE_RECORDS, "end_date": None, "state": ControlState.HELD,
                      "actor_id": first.lost_by_id, "lost_by_id": None,
                      "event_id": first.event_id, "confidence": first.confidence,
                      "sources": first.sources, "verified": first.verified}
        prior = priors[0] if priors else None
        stale += [f.pk for f in priors[1:]]
        if wanted is None:
            if prior is not None:
                stale.append(prior.pk)
        elif prior is None:
            new.append(ControlFlip(place_id=place_id, inferred=ControlInference.LOSER, **wanted))
        elif any(getattr(prior, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(prior, k, v)
            changed.append(prior)
    if stale:
        ControlFlip.objects.filter(pk__in=stale).delete()
    if changed:
        ControlFlip.objects.bulk_update(changed, ["date", "end_date", "state", "actor",
                                                  "lost_by", "event", "confidence", "sources",
                                                  "verified", "inferred"])
    if new:
        ControlFlip.objects.bulk_create(new)


def control_log_rebuild(*, chunk_size: int = 2000) -> int:
    """Derive the whole control log again from the events; returns the number of rows."""
    with transaction.atomic():
        ControlFlip.objects.all().delete()
        events = (Event.objects.active().filter(place__isnull=False,
                                                type__in=[EventType.CONTROL_CHANGE, *CONTEST_TYPES])
                  .prefetch_related("event_actors__actor"))
        chunk: list[tuple[Event, None]] = []
        for event in events.iterator(chunk_size=chunk_size):
            chunk.append((event, None))
            if len(chunk) == chunk_size:
                control_log_sync_many(chunk)
                chunk = []
        if chunk:
            control_log_sync_many(chunk)
        return ControlFlip.objects.count()
