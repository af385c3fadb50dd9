"""Loading the actor and accord registry (``events/registry/*.yaml``) into the database.

The files seed the registry; editors then grow and correct it in the database. Loading
again must never undo their work, so the rule is additive: blank fields are filled,
missing aliases, ACLED names, parties, places and backing links are added, and nothing
an editor set is changed or removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from events.choices import AccordKind, ActorKind, RevisionAction, RevisionVia
from events.models import Accord, Actor, ActorSupport, Place
from ingest.nlp.normalize import normalize_name
from ingest.nlp.registry import RegistryError
from ingest.nlp.types import RegistryAccord, RegistryActor

from .history import revision_record, snapshot


class RegistryEntryError(RegistryError):
    """An entry the database rejects; ``kind`` and ``name`` say which one."""

    def __init__(self, kind: str, name: str, message: str):
        super().__init__(f"{kind} {name!r}: {message}")
        self.kind = kind
        self.name = name


@dataclass
class RegistryLoadResult:
    """Counts of what a load created and changed, and the warnings to show the user."""

    created: dict[str, int] = field(default_factory=lambda: {"actor": 0, "accord": 0,
                                                             "backing": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"actor": 0, "accord": 0,
                                                             "backing": 0})
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "; ".join(f"{kind}s: {self.created[kind]} created, {self.updated[kind]} updated"
                         for kind in self.created)


def unique_slug(*, model: type[models.Model], name: str, fallback: str,
                exclude_pk: int | None = None) -> str:
    """A slug for ``name`` not used by another row of ``model`` ("ssf", "ssf-2", ...)."""
    max_length = model._meta.get_field("slug").max_length
    base = (slugify(name) or slugify(fallback) or fallback)[:max_length - 4].strip("-")
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    slug, n = base, 1
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _find(model: type[Actor] | type[Accord], name: str):
    """The row for a registry name: by name, else the one row knowing it as an alias.

    The alias match keeps an actor an editor renamed (keeping the old name as an alias)
    from coming back as a duplicate.
    """
    row = model.objects.filter(name=name).first()
    if row is None:
        matches = list(model.objects.named(name)[:2])
        row = matches[0] if len(matches) == 1 else None
    return row


def _merge_names(current: Sequence[str], extra: Iterable[str], *, skip: Iterable[str] = (),
                 normalise: bool = True) -> list[str]:
    """``current`` plus the names of ``extra`` it lacks (compared by look-up key)."""
    key = normalize_name if normalise else (lambda s: s)
    seen = {key(n) for n in (*current, *skip)}
    merged = list(current)
    for name in extra:
        if name and key(name) not in seen:
            seen.add(key(name))
            merged.append(name)
    return merged


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _validate(instance: models.Model, kind: str) -> None:
    try:
        instance.full_clean(exclude=["slug", "parent"], validate_unique=False,
                            validate_constraints=False)
    except ValidationError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise RegistryEntryError(kind, instance.name, details) from None


def _fill(instance: models.Model, values: dict, blank: dict) -> None:
    """Set each value whose field still holds its blank value (an editor's value stays)."""
    for name, value in values.items():
        if value not in (None, "") and getattr(instance, name) == blank.get(name, ""):
            setattr(instance, name, value)


def _upsert_actor(entry: RegistryActor) -> tuple[Actor, dict | None]:
    actor = _find(Actor, entry.name)
    before = snapshot(actor) if actor else None
    if actor is None:
        actor = Actor(name=entry.name)
    _fill(actor, {"kind": entry.kind, "country_code": entry.country_code},
          {"kind": ActorKind.OTHER})
    actor.aliases = _merge_names(actor.aliases, entry.aliases, skip=[actor.name])
    actor.acled_names = _merge_names(actor.acled_names, entry.acled_names, normalise=False)
    # The registry is edited by people: an actor the pipeline proposed is accepted by it.
    actor.is_candidate = False
    _validate(actor, "actor")
    if not actor.slug:
        actor.slug = unique_slug(model=Actor, name=actor.name, fallback="actor")
    actor.save()
    return actor, before


def _upsert_accord(entry: RegistryAccord, actors: dict[str, Actor],
                   result: RegistryLoadResult) -> tuple[Accord, dict | None]:
    accord = _find(Accord, entry.name)
    before = snapshot(accord) if accord else None
    if accord is None:
        accord = Accord(name=entry.name)
    _fill(accord, {"kind": entry.kind, "signed_date": _date(entry.signed_date),
                   "start_date": _date(entry.start_date), "end_date": _date(entry.end_date),
                   "description": entry.description},
          {"kind": AccordKind.OTHER, "signed_date": None, "start_date": None, "end_date": None})
    accord.aliases = _merge_names(accord.aliases, entry.aliases, skip=[accord.name])
    accord.is_candidate = False
    _validate(accord, "accord")
    if not accord.slug:
        accord.slug = unique_slug(model=Accord, name=accord.name, fallback="accord")
    accord.save()
    accord.parties.add(*(actors[name] for name in entry.parties))
    accord.guarantors.add(*(actors[name] for name in entry.guarantors))
    places = list(Place.objects.filter(geonames_id__in=entry.places))
    missing = set(entry.places) - {p.geonames_id for p in places}
    if missing:
        result.warnings.append(f"accord {entry.name!r}: GeoNames ids not in the gazetteer "
                               f"(load it first): {sorted(missing)}")
    accord.places.add(*places)
    return accord, before


def _link_backers(entry: RegistryActor, actors: dict[str, Actor],
                  result: RegistryLoadResult) -> None:
    supported = actors[entry.name]
    for backer_name, start, end in entry.backed_by:
        supporter = actors[backer_name]
        if supporter.pk == supported.pk:
            raise RegistryEntryError("actor", entry.name, "an actor cannot back itself")
        link = ActorSupport.objects.filter(supporter=supporter, supported=supported,
                                           start_date=_date(start)).first()
        if link is None:
            link = ActorSupport.objects.create(supporter=supporter, supported=supported,
                                               start_date=_date(start), end_date=_date(end))
            revision_record(instance=link, action=RevisionAction.CREATE,
                            via=RevisionVia.COMMAND, reason="actor registry")
            result.created["backing"] += 1
        elif link.end_date is None and end:
            before = snapshot(link)
            link.end_date = _date(end)
            link.save(update_fields=["end_date", "updated_at"])
            revision_record(instance=link, action=RevisionAction.UPDATE,
                            via=RevisionVia.COMMAND, before=before, reason="actor registry")
            result.updated["backing"] += 1


def _record(instance: models.Model, before: dict | None, kind: str,
            result: RegistryLoadResult) -> None:
    after = snapshot(instance)
    if before is None:
        revision_record(instance=instance, action=RevisionAction.CREATE,
                        via=RevisionVia.COMMAND, after=after, reason="actor registry")
        result.created[kind] += 1
    elif before != after:
        revision_record(instance=instance, action=RevisionAction.UPDATE,
                        via=RevisionVia.COMMAND, before=before, after=after,
                        reason="actor registry")
        result.updated[kind] += 1


@transaction.atomic
def registry_load(*, actors: Sequence[RegistryActor],
                  accords: Sequence[RegistryAccord]) -> RegistryLoadResult:
    """Create or complete registry actors and accords; one revision per created or changed row.

    Additive and idempotent: blank fields are filled, missing aliases, ACLED names,
    parent links, backing links, parties, guarantors and places are added; values set in
    the database are kept. Raises ``RegistryEntryError`` (and rolls back) for an entry
    the database rejects.
    """
    result = RegistryLoadResult()
    rows: dict[str, Actor] = {}
    befores: dict[str, dict | None] = {}
    for entry in actors:
        rows[entry.name], befores[entry.name] = _upsert_actor(entry)
    for entry in actors:
        actor = rows[entry.name]
        if entry.parent and actor.parent_id is None and rows[entry.parent].pk != actor.pk:
            actor.parent = rows[entry.parent]
            actor.save(update_fields=["parent", "updated_at"])
        _link_backers(entry, rows, result)
    for entry in actors:
        _record(rows[entry.name], befores[entry.name], "actor", result)
    for entry in accords:
        accord, before = _upsert_accord(entry, rows, result)
        _record(accord, before, "accord", result)
    return result
