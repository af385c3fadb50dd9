"""Revisions in words: each changed field's before -> after with names, not ids.

"Place: Saraqib -> Taftanaz", "Actors: Syrian government forces (gains control) ->
Syrian government forces (gains control), Russian armed forces (supporter)". Revisions
store ids (``events.services.history``); the names are read here in one query per kind
for a whole page of revisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from events.choices import AccordRelation, ActorRole
from events.models import Accord, Actor, Event, Revision

# Bookkeeping a person does not need to read in the history.
HIDDEN_FIELDS = {"locked_fields", "search_names", "search_vector"}
ROLE_LABELS = {k: v.lower() for k, v in ActorRole.choices}
RELATION_LABELS = {k: v.lower() for k, v in AccordRelation.choices}
NOTHING = "—"


@dataclass(frozen=True)
class Change:
    field: str  # "Place"
    before: str  # "Saraqib"
    after: str  # "Taftanaz"

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"


def _field(model: type[models.Model], attname: str) -> models.Field | None:
    for f in model._meta.get_fields():
        if getattr(f, "attname", None) == attname or f.name == attname:
            return f
    return None


def _label(model, attname: str) -> str:
    f = _field(model, attname)
    name = str(getattr(f, "verbose_name", "") or attname.removesuffix("_id").replace("_", " "))
    return name[:1].upper() + name[1:]


class _Names:
    """Names of the rows the revisions point at, read once per model."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = {}
        self.names: dict[type[models.Model], dict] = {}

    def want(self, model, pk) -> None:
        if pk is not None:
            self.wanted.setdefault(model, set()).add(pk)

    def read(self) -> None:
        for model, pks in self.wanted.items():
            if model is Event:
                self.names[model] = {pk: f"event {pk}" for pk in pks}
                continue
            self.names[model] = dict(model.objects.filter(pk__in=pks)
                                     .values_list("pk", "name"))

    def of(self, model, pk) -> str:
        if pk is None:
            return NOTHING
        return self.names.get(model, {}).get(pk, f"#{pk} (deleted)")


def _related_model(model, attname):
    f = _field(model, attname)
    if f is not None and (f.many_to_one or f.one_to_one) and f.related_model is not None:
        return f.related_model
    if f is not None and f.many_to_many:
        return f.related_model
    return None


def _collect(model, key: str, value, names: _Names) -> None:
    if model is Event and key == "actors":
        for actor_id, _ in value or []:
            names.want(Actor, actor_id)
    elif model is Event and key == "accords":
        for accord_id, _ in value or []:
            names.want(Accord, accord_id)
    elif (related := _related_model(model, key)) is not None:
        for pk in value if isinstance(value, list) else [value]:
            if related is Event or any(f.name == "name" for f in related._meta.concrete_fields):
                names.want(related, pk)


def _words(model, key: str, value, names: _Names) -> str:
    if value in (None, "", []):
        return NOTHING
    if model is Event and key == "actors":
        return "; ".join(f"{names.of(Actor, pk)} ({ROLE_LABELS.get(role, role)})"
                         for pk, role in value)
    if model is Event and key == "accords":
        return "; ".join(f"{names.of(Accord, pk)} ({RELATION_LABELS.get(rel, rel)})"
                         for pk, rel in value)
    related = _related_model(model, key)
    if related is not None and related in names.names:
        if isinstance(value, list):
            return ", ".join(names.of(related, pk) for pk in value)
        return names.of(related, value)
    f = _field(model, key)
    if f is not None and getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def revision_changes(revisions: list[Revision]) -> list[tuple[Revision, list[Change]]]:
    """Each revision with its changed fields told in words, names read in a few queries."""
    names = _Names()
    todo = []
    for revision in revisions:
        model = ContentType.objects.get_for_id(revision.content_type_id).model_class()
        before, after = revision.before or {}, revision.after or {}
        keys = [k for k in revision.changed_fields() if k not in HIDDEN_FIELDS]
        if revision.before is None:
            keys = []  # a creation: the page shows the event itself
        if model is not None:
            for key in keys:
                _collect(model, key, before.get(key), names)
                _collect(model, key, after.get(key), names)
        todo.append((revision, model, keys, before, after))
    names.read()
    result = []
    for revision, model, keys, before, after in todo:
        changes = [Change(_label(model, key) if model else key,
                          _words(model, key, before.get(key), names),
                          _words(model, key, after.get(key), names))
                   for key in keys] if model is not None else []
        result.append((revision, changes))
    return result
