"""Keeps the control log in step with the events it is derived from."""

from __future__ import annotations

from django.db import transaction

from events.choices import ActorRole, ControlState, EventType
from events.models import ControlFlip, Event

# Event types that make a place contested rather than change its holder.
CONTEST_TYPES = {EventType.SIEGE, EventType.BATTLE}


def _role(event: Event, role: str):
    for ea in event.event_actors.all():
        if ea.role == role:
            return ea.actor
    return None


def control_log_sync(*, event: Event) -> ControlFlip | None:
    """Create, update or remove the control-log row that ``event`` implies.

    A control change with a place and a gaining actor is a held flip; a siege or a
    battle at a place is a contested flip (a siege stays open until its end date or the
    next change of control, a battle lasts its own dates). Rejected or merged events,
    and events without a place, imply nothing.
    """
    flip_values = None
    if event.is_active and event.place_id:
        if event.type == EventType.CONTROL_CHANGE:
            gainer = _role(event, ActorRole.GAINS_CONTROL)
            if gainer is not None:
                flip_values = {"state": ControlState.HELD, "actor": gainer,
                               "lost_by": _role(event, ActorRole.LOSES_CONTROL),
                               "end_date": None}
        elif event.type in CONTEST_TYPES:
            attacker = _role(event, ActorRole.INITIATOR) or _role(event, ActorRole.PARTY)
            end = event.end_date
            if event.type == EventType.BATTLE and end is None:
                end = event.date
            flip_values = {"state": ControlState.CONTESTED, "actor": attacker, "lost_by": None,
                           "end_date": end}
    if flip_values is None:
        ControlFlip.objects.filter(event=event).delete()
        return None
    flip, _ = ControlFlip.objects.update_or_create(
        event=event,
        defaults={"place_id": event.place_id, "date": event.date,
                  "confidence": event.confidence, **flip_values},
    )
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
