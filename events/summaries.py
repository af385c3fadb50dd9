"""Events in words: "Syrian government forces took control of Saraqib from HTS".

One home for how an event is told to a person: the pages, the API's ``headline`` and the
ACLED export's notes all call ``event_headline`` (or ``headline_of`` for a model event),
so an internal code ("control_change (taken)") is never shown.

Plain values in, plain text out: no queries here; callers pass what they already read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from events.choices import ActorRole, EventType

# The pipeline's own placeholder summaries ("control_change (taken)", "air_strike (hit)").
_MACHINE_SUMMARY = re.compile(r"^[a-z_]+ \([^)]*\)$")

# The order an actor's roles are told in, and the words for them.
ROLE_ORDER = [ActorRole.GAINS_CONTROL, ActorRole.INITIATOR, ActorRole.PARTY,
              ActorRole.LOSES_CONTROL, ActorRole.TARGET, ActorRole.SUPPORTER]
ROLE_WORDS = {ActorRole.GAINS_CONTROL: "took control", ActorRole.LOSES_CONTROL: "lost control",
              ActorRole.SUPPORTER: "backer", ActorRole.INITIATOR: "attacker",
              ActorRole.TARGET: "target", ActorRole.PARTY: "party"}


def join_names(names: Iterable[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def actors_with_roles(links: Iterable[tuple[object, str]]) -> list[tuple[object, list[str]]]:
    """Each actor once, with all its roles in ``ROLE_ORDER``: [(actor, [role, ...])]."""
    roles: dict[object, list[str]] = {}
    for actor, role in links:
        roles.setdefault(actor, [])
        if role not in roles[actor]:
            roles[actor].append(role)
    rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    ordered = [(actor, sorted(rs, key=lambda r: rank.get(r, 99))) for actor, rs in roles.items()]
    ordered.sort(key=lambda item: rank.get(item[1][0], 99))
    return ordered


def is_machine_summary(text: str) -> bool:
    return bool(_MACHINE_SUMMARY.match((text or "").strip()))


def _count(n: int | None, word: str) -> str:
    if not n:
        return f"{word[0].upper()}{word[1:]}"
    return f"{n:,} {word}" if n != 1 else f"1 {word.replace('people', 'person')}"


def event_headline(*, type: str, place: str | None, actors: Iterable[tuple[str, str]],
                   fatalities: int | None = None, displaced: int | None = None,
                   accords: Iterable[str] = ()) -> str:
    """One sentence telling what happened, where and by whom.

    ``actors`` are (name, role) pairs (an actor may come with several roles); ``place`` is
    the place's name or None.
    """
    by_role: dict[str, list[str]] = {}
    for name, role in actors:
        if name not in by_role.setdefault(role, []):
            by_role[role].append(name)

    def who(*roles: str) -> str:
        names: list[str] = []
        for role in roles:
            names += [n for n in by_role.get(role, []) if n not in names]
        return join_names(names)

    where = place or "an unnamed place"
    at = f" in {place}" if place else ""
    acting, other = who(ActorRole.INITIATOR, ActorRole.PARTY), who(ActorRole.TARGET)
    gainer, loser = who(ActorRole.GAINS_CONTROL), who(ActorRole.LOSES_CONTROL)
    if type == EventType.CONTROL_CHANGE:
        if gainer:
            text = f"{gainer} took control of {where}" + (f" from {loser}" if loser else "")
        elif loser:
            text = f"{loser} lost control of {where}"
        else:
            text = f"Control of {where} changed hands"
    elif type == EventType.BATTLE:
        sides = who(ActorRole.INITIATOR, ActorRole.PARTY, ActorRole.GAINS_CONTROL)
        if sides and other:
            text = f"{sides} fought {other}{at}"
        elif sides:
            text = f"{sides} fought{at}" if " and " in sides else f"{sides} fought a battle{at}"
        else:
            text = f"Fighting{at}" if place else "Fighting"
    elif type == EventType.AIR_STRIKE:
        text = (f"{acting} carried out air strikes on {where}" if acting
                else f"Air strikes hit {where}")
        text += f" against {other}" if other else ""
    elif type == EventType.SHELLING:
        text = f"{acting} shelled {where}" if acting else f"{where} was shelled"
        text += f", targeting {other}" if other else ""
    elif type == EventType.SIEGE:
        text = f"{acting} besieged {where}" if acting else f"{where} was besieged"
        text += f", encircling {other}" if other else ""
    elif type == EventType.DISPLACEMENT:
        text = f"{_count(displaced, 'people')} fled {where}"
    elif type == EventType.CASUALTIES:
        text = f"{_count(fatalities, 'people')} were killed{at or ''}"
        text += f" by {acting}" if acting else ""
    elif type == EventType.AGREEMENT:
        accord = join_names(accords) or "an agreement"
        parties = who(ActorRole.PARTY, ActorRole.INITIATOR)
        text = f"{parties} agreed to {accord}" if parties else f"{accord} was agreed"
        text += f" for {place}" if place else ""
    else:
        involved = who(*ROLE_ORDER)
        text = (f"An event{at}" if place else "An event") + (
            f" involving {involved}" if involved else "")
    others = {n for role, names in by_role.items() if role != ActorRole.SUPPORTER for n in names}
    backers = join_names(n for n in by_role.get(ActorRole.SUPPORTER, []) if n not in others)
    if backers and type != EventType.AGREEMENT:
        text += f", backed by {backers}"
    if fatalities and type != EventType.CASUALTIES:
        text += f"; {fatalities:,} killed"
    if displaced and type != EventType.DISPLACEMENT:
        text += f"; {displaced:,} displaced"
    text = text[0].upper() + text[1:]
    return text + "."


def event_notes(headline: str, summary: str) -> str:
    """The headline, then a person's or a source's own summary when there is one."""
    summary = (summary or "").strip()
    if not summary or is_machine_summary(summary) or summary == headline:
        return headline
    return f"{headline} {summary}"


def headline_of(event) -> str:
    """``event_headline`` of a model ``Event`` (its actors and accords prefetched)."""
    return event_headline(
        type=event.type,
        place=event.place.name if event.place_id else event.location_text or None,
        actors=[(ea.actor.name, ea.role) for ea in event.event_actors.all()],
        fatalities=event.fatalities, displaced=event.displaced,
        accords=[ea.accord.name for ea in event.event_accords.all()]
        if event.type == EventType.AGREEMENT else ())
