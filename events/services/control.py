"""Keeps the control log in step with the events it is derived from."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from events.choices import ActorRole, ControlState, EventType
from events.models import ControlFlip, Event

# What control_flip_values gives, as model fields.
_FLIP_FIELDS = ["place", "date", "end_date", "state", "actor", "lost_by", "confidence"]
# Event types that make a place contested rather than change its holder.
CONTEST_TYPES = {EventType.SIEGE, EventType.BATTLE}


def _role(event_actors, role: str):
    for ea in event_actors:
        if ea.role == role:
            return ea.actor
    return None


def control_flip_values(event: Event, event_actors=None) -> dict | None:
    """The control-log row ``event`` implies, as field values, or None; no queries.

    A control change with a place and a gaining actor is a held flip; a siege or a
    battle at a place is a contested flip (a siege stays open until its end date or the
    next change of control, a battle lasts its own dates). Rejected or merged events,
    events without a place, and background events no editor verified, imply nothing.
    ``event_actors`` (with their actors) defaults to the event's own.
    """
    if not (event.is_active and event.place_id and event.counts_as_news):
        return None
    if event_actors is None:
        event_actors = list(event.event_actors.all())
    values = None
    if event.type == EventType.CONTROL_CHANGE:
        gainer = _role(event_actors, ActorRole.GAINS_CONTROL)
        if gainer is not None:
            values = {"state": ControlState.HELD, "actor": gainer,
                      "lost_by": _role(event_actors, ActorRole.LOSES_CONTROL), "end_date": None}
    elif event.type in CONTEST_TYPES:
        attacker = (_role(event_actors, ActorRole.INITIATOR)
                    or _role(event_actors, ActorRole.PARTY))
        end = event.end_date
        if event.type == EventType.BATTLE and end is None:
            end = event.date
        values = {"state": ControlState.CONTESTED, "actor": attacker, "lost_by": None,
                  "end_date": end}
    if values is None:
        return None
    return {"place_id": event.place_id, "date": event.date, "confidence": event.confidence,
            **values}


def _differs(flip: ControlFlip, values: dict) -> bool:
    # Actors compared by id: reading ``flip.actor`` would query it.
    return any(getattr(flip, f"{name}_id") != (value.pk if value is not None else None)
               if name in ("actor", "lost_by") else getattr(flip, name) != value
               for name, value in values.items())


def control_log_sync(*, event: Event, event_actors=None) -> ControlFlip | None:
    """Create, update or remove the control-log row that ``event`` implies."""
    return control_log_sync_many([(event, event_actors)])[0]


def control_log_sync_many(pairs: Sequence[tuple[Event, list | None]]) -> list[ControlFlip | None]:
    """``control_log_sync`` of several events, each given with its actor rows (or None for
    its own; an event given twice takes its last), in at most four queries. A row that
    stays keeps its id (the tie-break of flips on one day)."""
    latest = {event.pk: (event, roles) for event, roles in pairs}
    existing = {flip.event_id: flip for flip in ControlFlip.objects.select_for_update()
                .filter(event__in=list(latest))}
    flips: dict[int, ControlFlip | None] = {}
    stale, changed, new = [], [], []
    for pk, (event, roles) in latest.items():
        values = control_flip_values(event, roles)
        flip = existing.get(pk)
        if values is None:
            if flip is not None:
                stale.append(flip.pk)
            flip = None
        elif flip is None:
            flip = ControlFlip(event=event, **values)
            new.append(flip)
        elif _differs(flip, values):
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
    return [flips[event.pk] for event, _ in pairs]


def control_log_rebuild(*, chunk_size: int = 2000) -> int:
    """Derive the whole control log again from the events; returns the number of rows."""
    with transaction.atomic():
        ControlFlip.objects.all().delete()
        count = 0
        events = (Event.objects.active().filter(place__isnull=False,
                                                type__in=[EventType.CONTROL_CHANGE, *CONTEST_TYPES])
                  .prefetch_related("event_actors__actor"))
        chunk: list[tuple[Event, None]] = []
        for event in events.iterator(chunk_size=chunk_size):
            chunk.append((event, None))
            if len(chunk) == chunk_size:
                count += sum(flip is not None for flip in control_log_sync_many(chunk))
                chunk = []
        if chunk:
            count += sum(flip is not None for flip in control_log_sync_many(chunk))
    return count
