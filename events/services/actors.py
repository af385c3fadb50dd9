"""Editors' writes to the actor and accord registry: create, update, backers, acceptance.

The registry loader (``registry.py``) only ever adds; these functions are how people
change and remove things. Each write validates first (errors name the field, so a form
can show them beside it), then saves and records a revision with the state before and
after, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction

from events.choices import AccordKind, ActorKind, RevisionAction, RevisionVia
from events.models import Accord, Actor, ActorSupport, Place
from ingest.nlp.normalize import normalize_name

from .history import revision_record, snapshot
from .registry import unique_slug

ACTOR_FIELDS = ("name", "kind", "country_code", "parent", "aliases", "acled_names",
                "description", "color", "is_candidate")
ACCORD_FIELDS = ("name", "kind", "signed_date", "start_date", "end_date", "aliases",
                 "description", "is_candidate")
ACCORD_RELATIONS = ("parties", "guarantors", "places")
# Path segments of the pages next to the detail pages: an actor slugged "new" would
# make its own page unreachable.
RESERVED_SLUGS = {"new", "candidates"}
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
Backers = Sequence[tuple[Actor, dt.date | None, dt.date | None]]


def _slug(model: type[models.Model], name: str, fallback: str) -> str:
    slug = unique_slug(model=model, name=name, fallback=fallback)
    if slug in RESERVED_SLUGS:
        slug = unique_slug(model=model, name=f"{name}-{fallback}", fallback=fallback)
    return slug


def _clean_names(names: Iterable[str], *, skip: Iterable[str] = (),
                 normalise: bool = True) -> list[str]:
    """Stripped names without blanks or repeats; aliases compare by look-up key."""
    key = normalize_name if normalise else (lambda s: s)
    seen = {key(n.strip()) for n in skip if n}
    cleaned = []
    for name in names:
        name = (name or "").strip()
        if name and key(name) not in seen:
            seen.add(key(name))
            cleaned.append(name)
    return cleaned


def _check_unknown(given: Iterable[str], allowed: Iterable[str], what: str) -> None:
    unknown = set(given) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {what} fields: {sorted(unknown)}")


def _check_name(model: type[Actor] | type[Accord], instance, errors: dict) -> None:
    instance.name = (instance.name or "").strip()
    if not instance.name:
        errors.setdefault("name", []).append("Give a name.")
        return
    # Case-insensitive: "HTS" and "hts" as two actors would split their events.
    clash = model.objects.filter(name__iexact=instance.name)
    if instance.pk:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        errors.setdefault("name", []).append(
            f"An {model._meta.verbose_name} with this name already exists.")


def _full_clean(instance: models.Model, errors: dict) -> None:
    """Field checks of the model (lengths, choices), merged with ours; raise if any failed."""
    try:
        instance.full_clean(exclude=["slug", "parent"], validate_unique=False,
                            validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                if message not in errors.get(name, []):
                    errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _validate_actor(actor: Actor) -> None:
    errors: dict[str, list[str]] = {}
    _check_name(Actor, actor, errors)
    actor.aliases = _clean_names(actor.aliases, skip=[actor.name])
    actor.acled_names = _clean_names(actor.acled_names, normalise=False)
    actor.country_code = (actor.country_code or "").strip().upper()
    if actor.country_code and not re.fullmatch(r"[A-Z]{2}", actor.country_code):
        errors.setdefault("country_code", []).append(
            "Use a two-letter ISO country code, such as SY.")
    actor.color = (actor.color or "").strip()
    if actor.color and not COLOR_RE.match(actor.color):
        errors.setdefault("color", []).append("Use a colour written as #rrggbb.")
    if actor.kind not in ActorKind.values:
        errors.setdefault("kind", []).append("Choose a kind from the list.")
    parent = actor.parent
    seen = {actor.pk} if actor.pk else set()
    while parent is not None:
        # A unit of itself, directly or through its units, has no top and loops the pages.
        if parent.pk in seen:
            errors.setdefault("parent", []).append("An actor cannot be a unit of itself "
                                                   "or of one of its own units.")
            break
        seen.add(parent.pk)
        parent = parent.parent
    _full_clean(actor, errors)


@transaction.atomic
def actor_create(*, values: dict, user=None, via: str = RevisionVia.EDITOR,
                 reason: str = "") -> Actor:
    """Create an actor from ``values`` (ACTOR_FIELDS); its slug is derived from the name.

    Raises ``ValidationError`` naming the field for a duplicate name, a bad country
    code or colour, or a parent loop.
    """
    _check_unknown(values, ACTOR_FIELDS, "actor")
    actor = Actor(**values)
    _validate_actor(actor)
    actor.slug = _slug(Actor, actor.name, "actor")
    actor.save()
    revision_record(instance=actor, action=RevisionAction.CREATE, via=via, user=user,
                    reason=reason)
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, changes: dict, user=None, via: str = RevisionVia.EDITOR,
                 reason: str = "") -> Actor:
    """Apply ``changes`` (ACTOR_FIELDS) to an actor; one revision if anything changed.

    The slug stays as it is when the actor is renamed, so links to its page keep
    working. Accepting a pipeline candidate is ``changes={"is_candidate": False}``.
    """
    _check_unknown(changes, ACTOR_FIELDS, "actor")
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    before = snapshot(actor)
    for name, value in changes.items():
        setattr(actor, name, value)
    _validate_actor(actor)
    after = snapshot(actor)
    if after != before:
        actor.save()
        revision_record(instance=actor, action=RevisionAction.UPDATE, via=via, user=user,
                        before=before, after=after, reason=reason)
    return actor


def _validate_backers(actor: Actor, backers: Backers) -> None:
    errors = []
    seen = set()
    for supporter, start, end in backers:
        if supporter.pk == actor.pk:
            errors.append("An actor cannot back itself.")
        if start and end and end < start:
            errors.append(f"{supporter.name}: the end date is before the start date.")
        if (supporter.pk, start) in seen:
            errors.append(f"{supporter.name} is listed twice from the same date.")
        seen.add((supporter.pk, start))
    if errors:
        raise ValidationError({"backers": errors})


@transaction.atomic
def actor_support_set(*, actor: Actor, backers: Backers, user=None,
                      via: str = RevisionVia.EDITOR, reason: str = "") -> list[ActorSupport]:
    """Make ``backers`` (supporter, start, end) the actor's complete list of backers.

    Links are matched on (supporter, start date): a matching link keeps its note and
    only has its end date changed; links not listed are deleted. Each link created,
    changed or deleted leaves its own revision. Raises ``ValidationError`` (field
    ``backers``) for an actor backing itself, an end before its start, or a repeat.
    """
    _validate_backers(actor, backers)
    current = {(link.supporter_id, link.start_date): link
               for link in ActorSupport.objects.select_for_update().filter(supported=actor)}
    wanted = {(supporter.pk, start): (supporter, start, end)
              for supporter, start, end in backers}
    for key, link in current.items():
        if key not in wanted:
            before = snapshot(link)
            revision_record(instance=link, action=RevisionAction.DELETE, via=via, user=user,
                            before=before, after={}, reason=reason)
            link.delete()
    links = []
    for key, (supporter, start, end) in wanted.items():
        link = current.get(key)
        if link is None:
            link = ActorSupport.objects.create(supporter=supporter, supported=actor,
                                               start_date=start, end_date=end)
            revision_record(instance=link, action=RevisionAction.CREATE, via=via, user=user,
                            reason=reason)
        elif link.end_date != end:
            before = snapshot(link)
            link.end_date = end
            link.save(update_fields=["end_date", "updated_at"])
            revision_record(instance=link, action=RevisionAction.UPDATE, via=via, user=user,
                            before=before, reason=reason)
        links.append(link)
    return links


def _validate_accord(accord: Accord) -> None:
    errors: dict[str, list[str]] = {}
    _check_name(Accord, accord, errors)
    accord.aliases = _clean_names(accord.aliases, skip=[accord.name])
    if accord.kind not in AccordKind.values:
        errors.setdefault("kind", []).append("Choose a kind from the list.")
    if accord.start_date and accord.end_date and accord.end_date < accord.start_date:
        errors.setdefault("end_date", []).append("The end date is before the start date.")
    _full_clean(accord, errors)


def _set_relations(accord: Accord, relations: dict) -> None:
    for name in ACCORD_RELATIONS:
        if name in relations:
            getattr(accord, name).set(list(relations[name]))


@transaction.atomic
def accord_create(*, values: dict, parties: Iterable[Actor] = (),
                  guarantors: Iterable[Actor] = (), places: Iterable[Place] = (), user=None,
                  via: str = RevisionVia.EDITOR, reason: str = "") -> Accord:
    """Create an accord from ``values`` (ACCORD_FIELDS) with its parties, guarantors, places.

    Raises ``ValidationError`` naming the field for a duplicate name or an end date
    before the start date.
    """
    _check_unknown(values, ACCORD_FIELDS, "accord")
    accord = Accord(**values)
    _validate_accord(accord)
    accord.slug = _slug(Accord, accord.name, "accord")
    accord.save()
    _set_relations(accord, {"parties": parties, "guarantors": guarantors, "places": places})
    revision_record(instance=accord, action=RevisionAction.CREATE, via=via, user=user,
                    reason=reason)
    return accord


@transaction.atomic
def accord_update(*, accord: Accord, changes: dict, user=None, via: str = RevisionVia.EDITOR,
                  reason: str = "") -> Accord:
    """Apply ``changes`` to an accord: ACCORD_FIELDS, and ``parties``, ``guarantors`` and
    ``places`` as complete lists replacing the current ones. One revision if anything
    changed; the slug is kept on renaming.
    """
    _check_unknown(changes, (*ACCORD_FIELDS, *ACCORD_RELATIONS), "accord")
    accord = Accord.objects.select_for_update().get(pk=accord.pk)
    before = snapshot(accord)
    for name, value in changes.items():
        if name not in ACCORD_RELATIONS:
            setattr(accord, name, value)
    _validate_accord(accord)
    accord.save()
    _set_relations(accord, changes)
    after = snapshot(accord)
    if after != before:
        revision_record(instance=accord, action=RevisionAction.UPDATE, via=via, user=user,
                        before=before, after=after, reason=reason)
    return accord
