"""Revisions: the edit history every service writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import GEOSGeometry
from django.db import models
from django.dispatch import Signal

from events.choices import RevisionVia
from events.models import Event, Revision

from .rows import rows_insert

# Sent after a bulk write of revisions (objects changed without a post_save).
revisions_written = Signal()
_REVISION_COLUMNS = ("content_type_id", "object_id", "object_repr", "action", "user_id", "via",
                     "pipeline_version", "reason", "before", "after")


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, GEOSGeometry):
        return value.wkt
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def event_snapshot(event: Event, *, event_actors=None, event_accords=None) -> dict:
    """An event as editors see it, actors and accords included, for history and revert.

    ``event_actors`` and ``event_accords`` default to the event's rows in the database;
    a caller that has just written them passes them to save the queries.
    """
    if event_actors is None:
        event_actors = event.event_actors.all()
    if event_accords is None:
        event_accords = event.event_accords.all()
    data = _field_snapshot(event)
    data["actors"] = sorted([ea.actor_id, ea.role] for ea in event_actors)
    data["accords"] = sorted([ea.accord_id, ea.relation] for ea in event_accords)
    return data


_SKIPPED_FIELDS = {"id", "created_at", "updated_at", "search_names", "search_vector"}


def _field_snapshot(instance: models.Model) -> dict:
    data = {}
    opts = instance._meta
    for f in opts.concrete_fields:
        if f.name not in _SKIPPED_FIELDS:
            data[f.attname] = _jsonable(f.value_from_object(instance))
    for f in opts.many_to_many:
        if f.remote_field.through._meta.auto_created and instance.pk:
            data[f.name] = sorted(getattr(instance, f.name).values_list("pk", flat=True))
    return data


def snapshot(instance: models.Model) -> dict:
    """The JSON-ready state of any editable object, as stored in its revisions."""
    if isinstance(instance, Event):
        return event_snapshot(instance)
    return _field_snapshot(instance)


def revision_record(*, instance: models.Model, action: str, via: str = RevisionVia.EDITOR,
                    user=None, before: dict | None = None, after: dict | None = None,
                    reason: str = "", pipeline_version: str = "") -> Revision:
    """Write one revision for ``instance``; ``after`` defaults to its current state."""
    revision = revision_build(instance=instance, action=action, via=via, user=user,
                              before=before, after=after, reason=reason,
                              pipeline_version=pipeline_version)
    revision.save()
    return revision


def revision_build(*, instance: models.Model, action: str, via: str = RevisionVia.EDITOR,
                   user=None, before: dict | None = None, after: dict | None = None,
                   reason: str = "", pipeline_version: str = "") -> Revision:
    """The revision ``revision_record`` writes, unsaved (for ``bulk_create``)."""
    if after is None:
        after = snapshot(instance)
    if user is not None and not user.is_authenticated:
        user = None
    return Revision(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        action=action,
        user=user,
        via=via,
        pipeline_version=pipeline_version,
        reason=reason,
        before=before,
        after=after,
    )


def revisions_write(revisions: Sequence[Revision]) -> None:
    """Write unsaved revisions (``revision_build``'s) in one statement."""
    rows_insert(Revision, _REVISION_COLUMNS,
                [tuple(getattr(r, name) for name in _REVISION_COLUMNS) for r in revisions])
    # Bulk writes send no post_save: this tells listeners (watch) that objects changed.
    revisions_written.send(sender=Revision)


def revisions_for(instance: models.Model):
    return (Revision.objects.filter(content_type=ContentType.objects.get_for_model(instance),
                                    object_id=instance.pk)
            .select_related("user").order_by("-created_at", "-id"))
