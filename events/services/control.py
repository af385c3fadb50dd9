"""Keeps the control log in step with the events it is derived from."""

from __future__ import annotations

from django.db import transaction

from events.choices import ActorRole, ControlState, EventType
from events.models import ControlFlip, Event

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
    and events without a place, imply nothing. ``event_actors`` (with their actors)
    defaults to the event's own.
    """
    if not (event.is_active and event.place_id):
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


def control_log_sync(*, event: Event, event_actors=None) -> ControlFlip | None:
    """Create, update or remove the control-log row that ``event`` implies."""
    values = control_flip_values(event, event_actors)
    if values is None:
        ControlFlip.objects.filter(event=event).delete()
        return None
    flip, _ = ControlFlip.objects.update_or_create(event=event, defaults=values)
    return flip


def control_log_rebuild() -> int:
    """Derive the whole control log again from the events; returns the number of rows."""
    with transaction.atomic():
        ControlFlip.objects.all().delete()
        count = 0
        events = (Event.objects.active().filter(place__isnull=False,
                                                type__in=[EventType.CONTROL_CHANGE, *CONTEST_TYPES])
                  .prefetch_related("event_actors__actor"))
        for event in events.iterator(chunk_size=2000):
            if control_log_sync(event=event) is not None:
                count += 1
    return count
