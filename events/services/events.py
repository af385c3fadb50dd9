"""Writing events: create, correct, verify, reject, merge, split and revert.

Every function here writes a revision and keeps the control log in step, in one
transaction. Pages, the API, commands and the pipeline all call these, so the rules
(history, verified values protected) are written once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from events.choices import (
    AccordRelation,
    ActorRole,
    EventOrigin,
    ReviewStatus,
    RevisionAction,
    RevisionVia,
)
from events.models import (
    Accord,
    Actor,
    Event,
    EventAccord,
    EventActor,
    Evidence,
    Revision,
    typology_complete,
)

from .control import control_log_sync, control_log_sync_many
from .history import event_snapshot, revision_build, revision_record, revisions_write
from .rows import rows_insert

SCALAR_FIELDS = ("type", "sub_event_type", "date", "date_precision", "end_date", "place",
                 "location_precision", "location_text", "fatalities", "injured", "displaced",
                 "summary", "background", "confidence")
# Kind and sub-type are one coding: correcting either locks both.
_TYPOLOGY = ("type", "sub_event_type")
ActorRoles = Sequence[tuple[Actor, str]]
AccordLinks = Sequence[tuple[Accord, str]]


def event_actors_set(event: Event, actors: ActorRoles) -> list[EventActor]:
    """Replace the event's actors (pairs of actor and role); returns the new rows."""
    EventActor.objects.filter(event=event).delete()
    return EventActor.objects.bulk_create(_actor_rows(event, actors))


def event_accords_set(event: Event, accords: AccordLinks) -> list[EventAccord]:
    """Replace the event's accords (pairs of accord and relation); returns the new rows."""
    EventAccord.objects.filter(event=event).delete()
    return EventAccord.objects.bulk_create(_accord_rows(event, accords))


def event_validate(event: Event, *, gainer_kind: str | None = None) -> None:
    """Check an event's values, and make its kind, sub-type and event type agree."""
    typology_complete(event, gainer_kind=gainer_kind)
    if event.end_date and event.end_date < event.date:
        raise ValidationError({"end_date": "The end date is before the start date."})
    if not 0 <= event.confidence <= 1:
        raise ValidationError({"confidence": "Confidence must be between 0 and 1."})


def _gainer_kind(actors: ActorRoles) -> str | None:
    """The kind of the first actor gaining control (a change of control's sub-type)."""
    return next((actor.kind for actor, role in actors if role == ActorRole.GAINS_CONTROL), None)


def _refresh(event: Event) -> Event:
    # Drop prefetched relations so snapshots and the control log see what was written.
    event._prefetched_objects_cache = {}
    return event


def _actor_rows(event: Event, actors: ActorRoles) -> list[EventActor]:
    seen = set()
    rows = []
    for actor, role in actors:
        if (actor.pk, role) not in seen:
            seen.add((actor.pk, role))
            rows.append(EventActor(event=event, actor=actor, role=role))
    return rows


def _accord_rows(event: Event, accords: AccordLinks) -> list[EventAccord]:
    rows = {}
    for accord, relation in accords:
        rows.setdefault(accord.pk, EventAccord(event=event, accord=accord,
                                               relation=relation or AccordRelation.CONCERNS))
    return list(rows.values())


@dataclass
class EventDraft:
    """A new event's values (SCALAR_FIELDS), actors with roles and accords with relations."""

    values: dict
    actors: ActorRoles = ()
    accords: AccordLinks = ()


@transaction.atomic(savepoint=False)
def events_create(*, drafts: Sequence[EventDraft], origin: str = EventOrigin.EDITOR, user=None,
                  via: str = RevisionVia.EDITOR, reason: str = "",
                  pipeline_version: str = "") -> list[Event]:
    """Create events with their actors, accords, control-log rows and revisions.

    A constant number of queries whatever the number of events: the pipeline saves all
    the new events of an article at once.
    """
    events = []
    for draft in drafts:
        unknown = set(draft.values) - set(SCALAR_FIELDS) - {"acled_event_id", "extractor_version",
                                                            "review_status"}
        if unknown:
            raise ValueError(f"unknown event fields: {sorted(unknown)}")
        event = Event(origin=origin, **draft.values)
        if origin == EventOrigin.EDITOR:
            event.locked_fields = list(SCALAR_FIELDS) + ["actors", "accords"]
        # An editor's sub-type decides the kind; the pipeline's values agree already.
        typology_complete(event, gainer_kind=_gainer_kind(draft.actors),
                          kind_follows="sub_event_type" in draft.values)
        event_validate(event)
        events.append(event)
    Event.objects.bulk_create(events)
    actor_rows = [_actor_rows(e, d.actors) for e, d in zip(events, drafts, strict=True)]
    accord_rows = [_accord_rows(e, d.accords) for e, d in zip(events, drafts, strict=True)]
    rows_insert(EventActor, ("event_id", "actor_id", "role"),
                [(row.event_id, row.actor_id, row.role) for rows in actor_rows for row in rows])
    EventAccord.objects.bulk_create(row for rows in accord_rows for row in rows)
    revisions = []
    for event, roles, links in zip(events, actor_rows, accord_rows, strict=True):
        revisions.append(revision_build(
            instance=event, action=RevisionAction.CREATE, via=via, user=user,
            after=event_snapshot(event, event_actors=roles, event_accords=links),
            reason=reason, pipeline_version=pipeline_version))
    control_log_sync_many(list(zip(events, actor_rows, strict=True)))
    revisions_write(revisions)
    return events


def event_create(*, values: dict, actors: ActorRoles = (), accords: AccordLinks = (),
                 origin: str = EventOrigin.EDITOR, user=None, via: str = RevisionVia.EDITOR,
                 reason: str = "", pipeline_version: str = "") -> Event:
    """Create an event with its actors and accords. ``values`` holds SCALAR_FIELDS."""
    return events_create(drafts=[EventDraft(values, actors, accords)], origin=origin, user=user,
                         via=via, reason=reason, pipeline_version=pipeline_version)[0]


@transaction.atomic
def event_correct(*, event: Event, changes: dict, user=None, via: str = RevisionVia.EDITOR,
                  reason: str = "") -> Event:
    """Apply an editor's corrections and lock the corrected fields against re-extraction.

    ``changes`` maps SCALAR_FIELDS names to values, plus ``actors`` (pairs of actor and
    role) and ``accords`` (pairs of accord and relation).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    unknown = set(changes) - set(SCALAR_FIELDS) - {"actors", "accords"}
    if unknown:
        raise ValueError(f"unknown event fields: {sorted(unknown)}")
    before = event_snapshot(event)
    for name in SCALAR_FIELDS:
        if name in changes:
            setattr(event, name, changes[name])
    roles = changes.get("actors")
    if roles is None and event.type == "control_change":
        roles = [(ea.actor, ea.role) for ea in event.event_actors.select_related("actor")]
    # A sub-type the editor chose moves the kind with it; a new kind alone takes its
    # default sub-type (for a change of control, by who gained it).
    typology_complete(event, gainer_kind=_gainer_kind(roles or ()),
                      kind_follows="sub_event_type" in changes)
    event_validate(event)
    locked = list(event.locked_fields)
    for name in [*changes, *(_TYPOLOGY if set(_TYPOLOGY) & set(changes) else ())]:
        if name not in locked:
            locked.append(name)
    event.locked_fields = locked
    event.save()
    if "actors" in changes:
        event_actors_set(event, changes["actors"])
    if "accords" in changes:
        event_accords_set(event, changes["accords"])
    _refresh(event)
    control_log_sync(event=event)
    revision_record(instance=event, action=RevisionAction.UPDATE, via=via, user=user,
                    before=before, after=event_snapshot(event), reason=reason)
    return event


def _set_status(event: Event, *, status: str, action: str, user, via: str, reason: str,
                **extra) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = event_snapshot(event)
    event.review_status = status
    for key, value in extra.items():
        setattr(event, key, value)
    event.save()
    _refresh(event)
    control_log_sync(event=event)
    revision_record(instance=event, action=action, via=via, user=user, before=before,
                    after=event_snapshot(event), reason=reason)
    return event


@transaction.atomic
def event_verify(*, event: Event, user=None, via: str = RevisionVia.EDITOR,
                 reason: str = "") -> Event:
    """Mark an event as checked by a person; re-extraction will no longer change it."""
    return _set_status(event, status=ReviewStatus.VERIFIED, action=RevisionAction.VERIFY,
                       user=user, via=via, reason=reason, reject_reason="")


@transaction.atomic
def event_reject(*, event: Event, reason: str, user=None, via: str = RevisionVia.EDITOR) -> Event:
    """Reject an extracted event; it leaves the control log but stays in the history."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the event is rejected."})
    return _set_status(event, status=ReviewStatus.REJECTED, action=RevisionAction.REJECT,
                       user=user, via=via, reason=reason, reject_reason=reason)


@transaction.atomic
def event_merge(*, target: Event, duplicates: Iterable[Event], user=None,
                via: str = RevisionVia.EDITOR, reason: str = "") -> Event:
    """Fold duplicate reports into ``target``: their evidence and actors move to it."""
    target = Event.objects.select_for_update().get(pk=target.pk)
    others = [e for e in duplicates if e.pk != target.pk]
    if not others:
        raise ValidationError({"duplicates": "Choose at least one other event to merge."})
    before = event_snapshot(target)
    roles = {(ea.actor_id, ea.role) for ea in target.event_actors.all()}
    accords = {ea.accord_id for ea in target.event_accords.all()}
    for other in others:
        other = Event.objects.select_for_update().get(pk=other.pk)
        if other.review_status == ReviewStatus.MERGED:
            raise ValidationError({"duplicates": f"Event {other.pk} is already merged."})
        for evidence in other.evidence.all():
            if not Evidence.objects.filter(event=target, article_id=evidence.article_id,
                                           start=evidence.start, end=evidence.end,
                                           source_label=evidence.source_label).exists():
                evidence.event = target
                evidence.save(update_fields=["event"])
        if "actors" not in target.locked_fields:
            for ea in other.event_actors.all():
                if (ea.actor_id, ea.role) not in roles:
                    roles.add((ea.actor_id, ea.role))
                    EventActor.objects.create(event=target, actor_id=ea.actor_id, role=ea.role)
        for link in other.event_accords.all():
            if link.accord_id not in accords:
                accords.add(link.accord_id)
                EventAccord.objects.create(event=target, accord_id=link.accord_id,
                                           relation=link.relation)
        target.confidence = max(target.confidence, other.confidence) \
            if "confidence" not in target.locked_fields else target.confidence
        _set_status(other, status=ReviewStatus.MERGED, action=RevisionAction.MERGE, user=user,
                    via=via, reason=reason or f"merged into event {target.pk}",
                    merged_into=target)
    target.save()
    _refresh(target)
    control_log_sync(event=target)
    revision_record(instance=target, action=RevisionAction.MERGE, via=via, user=user,
                    before=before, after=event_snapshot(target),
                    reason=reason or f"merged events {', '.join(str(o.pk) for o in others)}")
    return target


@transaction.atomic
def event_split(*, event: Event, evidence_ids: Sequence[int], changes: dict | None = None,
                user=None, via: str = RevisionVia.EDITOR, reason: str = "") -> Event:
    """Split one event in two: the given evidence moves to a new event, with ``changes``."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    moving = list(event.evidence.filter(pk__in=evidence_ids))
    if not moving and not changes:
        raise ValidationError({"evidence": "Choose the evidence or the values of the new event."})
    values = {name: getattr(event, name) for name in SCALAR_FIELDS}
    actors = [(ea.actor, ea.role) for ea in event.event_actors.select_related("actor")]
    accords = [(ea.accord, ea.relation) for ea in event.event_accords.select_related("accord")]
    changes = dict(changes or {})
    actors = changes.pop("actors", actors)
    accords = changes.pop("accords", accords)
    if "type" in changes and "sub_event_type" not in changes:
        del values["sub_event_type"]  # a new kind alone takes its own sub-type
    values.update(changes)
    new = event_create(values=values, actors=actors, accords=accords, origin=EventOrigin.EDITOR,
                       user=user, via=via, reason=reason or f"split from event {event.pk}")
    before = event_snapshot(event)
    for evidence in moving:
        evidence.event = new
        evidence.save(update_fields=["event"])
    revision_record(instance=event, action=RevisionAction.SPLIT, via=via, user=user,
                    before=before, after=event_snapshot(event),
                    reason=reason or f"split into event {new.pk}")
    return new


@transaction.atomic
def event_revert(*, event: Event, revision: Revision, user=None, via: str = RevisionVia.EDITOR,
                 reason: str = "") -> Event:
    """Bring an event back to the state it had after ``revision``."""
    if revision.object_id != event.pk or revision.after is None:
        raise ValidationError({"revision": "That revision does not belong to this event."})
    state = revision.after
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = event_snapshot(event)
    for f in Event._meta.concrete_fields:
        if f.attname in state and f.name not in ("id", "created_at", "updated_at"):
            value = state[f.attname]
            if value is not None and f.get_internal_type() == "DateField":
                value = dt.date.fromisoformat(value)
            setattr(event, f.attname, value)
    event_validate(event)
    event.save()
    EventActor.objects.filter(event=event).delete()
    EventActor.objects.bulk_create(EventActor(event=event, actor_id=a, role=r)
                                   for a, r in state.get("actors", []))
    EventAccord.objects.filter(event=event).delete()
    EventAccord.objects.bulk_create(EventAccord(event=event, accord_id=a, relation=r)
                                    for a, r in state.get("accords", []))
    _refresh(event)
    control_log_sync(event=event)
    default_reason = f"reverted to the version of {revision.created_at:%Y-%m-%d %H:%M}"
    revision_record(instance=event, action=RevisionAction.REVERT, via=via, user=user,
                    before=before, after=event_snapshot(event), reason=reason or default_reason)
    return event
