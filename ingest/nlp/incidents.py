"""From the acts told sentence by sentence to an article's incidents, as an ACLED coder
codes them.

- An event is an incident: the deaths and injuries told beside an act (or in the sentence
  after it) are its counts, not events of their own; totals over a period ("have died since
  2011", "170,000 have fled") are figures.
- One incident, one event: the title, the lead and the body telling the same kind of act at
  a compatible place within two days give one event with several evidence spans, its place,
  date, actors and counts the best its mentions give.
- News, not history: an incident dated more than 30 days before publication is background.
- An act that only refers to an incident ("condemned the attack") or that has no place
  finer than a country joins an incident told elsewhere, or is dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .dates import find_dates
from .normalize import normalize_name
from .types import EventActorRef, ExtractedEvent, Figure
from .typology import SUB_EVENT_TYPE

# Older than this before publication: history told in passing.
BACKGROUND_DAYS = 30
# How far apart two mentions of one incident may be dated.
SAME_INCIDENT_DAYS = 2

# Classes of incidents: two mentions of one incident share one.
_CLASS = {"control_change": "territory", "battle": "clash", "siege": "siege",
          "air_strike": "remote", "shelling": "remote", "explosion": "remote",
          "attack": "civilians", "agreement": "strategic", "other": "strategic",
          "protest": "protest"}
# Of two mentions of one incident, the sub-type told by the more specific means wins.
_SPECIFICITY = ["chemical_weapon", "suicide_bomb", "grenade", "remote_explosive_landmine_ied",
                "air_drone_strike", "shelling_artillery_missile_attack",
                "abduction_forced_disappearance", "attack", "arrests",
                "government_regains_territory", "non_state_actor_overtakes_territory",
                "non_violent_transfer_of_territory", "armed_clash"]
# A toll over a period, not an incident's: "since 2011", "so far", "in total", "this year".
_CUMULATIVE = re.compile(
    r"\bsince\b|\bso far\b|\bin total\b|\btotal of\b|\bthis year\b|\blast year\b|"
    r"\bsince the (?:start|beginning|outbreak)|\bover the (?:past|last) (?:\w+ )?"
    r"(?:weeks|months|years)\b|\b(?:war|conflict|uprising|crisis) (?:that|which) (?:has|began)|"
    r"\b(?:\w+-(?:year|month)|\w+ (?:years?|months?) of) (?:war|conflict|civil war)\b|"
    r"\b(?:past|last) (?:\w+ ){1,2}(?:weeks|months|years)\b|\bdeath toll (?:in|of) the "
    r"(?:war|conflict)\b|\bin (?:the )?(?:\w+ )?(?:weeks|months|years)\b|\bthroughout\b",
    re.I)
_SINCE = re.compile(r"\bsince\b", re.I)


@dataclass(slots=True)
class Mention:
    """One act told in one sentence, with what incident-building needs to know of it."""

    event: ExtractedEvent
    sentence: int  # the sentence's index in the document
    token: int  # the trigger's token index
    kind: str  # the trigger's type: control_change, battle, ..., casualties, injuries
    weak: bool = False  # only refers to an incident told elsewhere
    admin1: str = ""  # the place's first-level region
    area: bool = False  # the place is a region or country, not a town
    country_only: bool = False  # the place is a country
    count: int | None = None  # for tolls: how many
    dated: bool = True  # the sentence gives the date (not inherited or assumed)
    specific: bool = False  # the sub-type was read from means words, not a default
    unplaced: bool = False  # a named place the gazetteer does not know: kept without one
    anaphor: bool = False  # "the attack" at a town: an act of its own if none matches
    twin: bool = False  # a place named beside another in one act: its toll told once
    mentions: list[Mention] = field(default_factory=list)  # merged into this one


def _cls(m: Mention) -> str:
    if m.event.sub_event_type:
        kind = SUB_EVENT_TYPE[m.event.sub_event_type].kind
        if m.kind == "siege":
            return "siege"
        return _CLASS.get(kind, "strategic")
    return _CLASS.get(m.event.type, "strategic")


def _day(event: ExtractedEvent) -> dt.date | None:
    try:
        return dt.date.fromisoformat(event.date[:10]) if event.date else None
    except ValueError:
        return None


def _same_place(a: Mention, b: Mention) -> bool:
    pa, pb = a.event.place, b.event.place
    if pa is None or pb is None:
        return True
    if pa.geonames_id == pb.geonames_id and pa.name == pb.name:
        return True
    # A town and the region it is in: "Aleppo province" and a village of it.
    for town, area in ((a, b), (b, a)):
        if area.area and not town.area and town.admin1 and \
                normalize_name(town.admin1) == normalize_name(area.event.place.name):
            return True
        if area.area and not town.area and area.country_only and \
                area.event.place.country_code == town.event.place.country_code:
            return True
    return False


def _namesake(name: str, admin1: str) -> bool:
    return normalize_name(name).removeprefix("al ") in normalize_name(admin1).removeprefix(
        "al ")


def _same_time(a: Mention, b: Mention) -> bool:
    da, db = _day(a.event), _day(b.event)
    if da is None or db is None or not a.dated or not b.dated:
        return True
    return abs((da - db).days) <= SAME_INCIDENT_DAYS


def _compatible(a: Mention, b: Mention) -> bool:
    return _cls(a) == _cls(b) and _same_place(a, b) and _same_time(a, b)


def _same_toll(a: Mention, b: Mention) -> bool:
    """The title's "18 killed in Aleppo" and the body's "killed 18 civilians in
    the Sha'ar district": one incident told twice with one toll, whatever place each
    mention resolved in the region."""
    fa, fb = a.event.fatalities, b.event.fatalities
    # ... or a toll updated between the title and the body: "at least 20", "22".
    if fa is None or fb is None or min(fa, fb) < 3 or abs(fa - fb) > 0.15 * max(fa, fb) \
            or not _same_time(a, b):
        return False
    if _cls(a) != _cls(b) and "casualties" not in (a.kind, b.kind):
        return False
    # One of them told vaguely (a region, or the city its province is named after): two
    # towns of one province with one toll are two incidents.
    return any(m.area or m.event.place is None or _namesake(m.event.place.name, m.admin1 or "-")
               for m in (a, b)) and _same_region(a, b)


def _same_region(a: Mention, b: Mention) -> bool:
    if a.event.place is None or b.event.place is None:
        return True
    if a.event.place.country_code != b.event.place.country_code:
        return False
    return _same_place(a, b) or not a.admin1 or not b.admin1 or normalize_name(
        a.admin1) == normalize_name(b.admin1)


def _summarises(m: Mention, k: Mention) -> bool:
    """A toll told without its act ("45 people were killed in Aleppo on Saturday") is the
    incident the article tells in the same region at that time, whatever words name its
    means."""
    if k.kind in ("agreement", "control_change", "siege"):
        return False
    if m.kind == "control_change":
        return _compatible(k, m)
    # ... and so is "the attack" said with no means word after a car bomb.
    same_kind = _cls(m) == _cls(k) or m.kind == "casualties" or m.weak and not m.specific
    return same_kind and _same_region(m, k) and _same_time(m, k)


def _better_place(kept: Mention, other: Mention) -> bool:
    """Whether ``other`` places the incident more precisely than ``kept``."""
    if other.event.place is None:
        return False
    if kept.event.place is None:
        return True
    if kept.area and not other.area:
        return True
    return not other.area and kept.admin1 and _namesake(kept.event.place.name, kept.admin1) \
        and not _namesake(other.event.place.name, other.admin1 or "-")


def _absorb(kept: Mention, other: Mention) -> None:
    """Fold ``other``, a mention of the same incident, into ``kept``."""
    k, o = kept.event, other.event
    kept.mentions.append(other)
    if o.evidence != k.evidence and o.evidence not in k.more_evidence:
        k.more_evidence.append(o.evidence)
    if _better_place(kept, other):
        k.place, kept.area, kept.admin1 = o.place, other.area, other.admin1
        kept.country_only = other.country_only
    if other.dated and not kept.dated:
        k.date, k.date_precision, kept.dated = o.date, o.date_precision, True
    if o.sub_event_type and other.kind != "casualties" and (
            not k.sub_event_type or other.specific and (
            not kept.specific or _rank(o.sub_event_type) < _rank(k.sub_event_type))):
        k.sub_event_type, kept.specific = o.sub_event_type, other.specific or kept.specific
        if kept.kind != "siege" and k.type not in ("control_change",):
            k.type = SUB_EVENT_TYPE[o.sub_event_type].kind
    for count in ("fatalities", "injured"):
        theirs = getattr(o, count)
        if theirs is not None and (getattr(k, count) or 0) < theirs:
            setattr(k, count, theirs)
    k.actors = _merge_actors(k.actors, o.actors)
    for acc in o.accords:
        if acc not in k.accords:
            k.accords.append(acc)
    k.confidence = max(k.confidence, o.confidence)


def _rank(sub: str) -> int:
    return _SPECIFICITY.index(sub) if sub in _SPECIFICITY else len(_SPECIFICITY)


def _merge_actors(mine: list[EventActorRef], theirs: list[EventActorRef]
                  ) -> list[EventActorRef]:
    out = list(mine)
    names = {a.name for a in out}
    leads = {a.role for a in out} & {"initiator", "gains_control"}
    for a in theirs:
        if a.name in names:
            # A name known only as a party is the initiator another mention tells.
            if a.role in ("initiator", "gains_control") and not leads:
                out = [a if b.name == a.name else b for b in out]
                leads.add(a.role)
            continue
        role = a.role
        if role in ("initiator", "gains_control") and leads:
            role = "supporter" if role == "gains_control" else "party"
        out.append(EventActorRef(a.name, a.acled, role, a.is_candidate))
        names.add(a.name)
        leads |= {role} & {"initiator", "gains_control"}
    return out


def _figure(m: Mention, kind: str, published: dt.date | None) -> Figure | None:
    if m.count is None or m.count <= 0:
        return None
    text = m.event.evidence.text
    start = end = None
    since = _SINCE.search(text)
    if since:
        dates = [d for d in find_dates(text[since.start():], published)]
        if dates:
            start = dates[0].date.isoformat()
    if published is not None and (since or start is None):
        end = published.isoformat()
    return Figure(kind=kind, count=m.count, evidence=m.event.evidence, period_start=start,
                  period_end=end, place=m.event.place)


def build(mentions: list[Mention], published: dt.date | None
          ) -> tuple[list[ExtractedEvent], list[Figure]]:
    """The article's incidents and figures from its mentions, in the order told."""
    acts = [m for m in mentions if m.kind not in ("casualties", "injuries", "displacement")]
    tolls = [m for m in mentions if m.kind in ("casualties", "injuries")]
    figures: list[Figure] = []
    for m in mentions:
        if m.kind == "displacement":
            figure = _figure(m, "displaced", published)
            if figure is not None:
                figures.append(figure)
    by_sentence: dict[int, list[Mention]] = {}
    for m in acts:
        by_sentence.setdefault(m.sentence, []).append(m)
    for toll in tolls:
        dead = toll.kind == "casualties"
        if _CUMULATIVE.search(toll.event.evidence.text):
            figure = _figure(toll, "killed" if dead else "injured", published)
            if figure is not None:
                figures.append(figure)
            continue
        owners = [m for m in by_sentence.get(toll.sentence, ()) if m.kind != "agreement"]
        if not owners and toll.count is not None:
            # "A car bomb exploded in X. Twelve people were killed": the act before it.
            owners = [m for m in by_sentence.get(toll.sentence - 1, ())
                      if m.kind not in ("agreement", "control_change") and _same_place(m, toll)]
        if owners:
            owner = min(owners, key=lambda m: abs(m.token - toll.token))
            field_name = "fatalities" if dead else "injured"
            if toll.count is not None and (getattr(owner.event, field_name) or 0) < toll.count:
                setattr(owner.event, field_name, toll.count)
            continue
        if not dead:
            continue
        # A toll with no act beside it is an incident of its own ("five civilians were
        # killed in X"), or another mention of one told elsewhere.
        toll.event.fatalities = toll.count
        toll.weak = toll.weak or toll.count is None and not toll.twin
        acts.append(toll)
    acts.sort(key=lambda m: (m.sentence, m.token))
    for m in acts:
        day = _day(m.event)
        m.event.background = published is not None and day is not None and \
            (published - day).days > BACKGROUND_DAYS
    incidents: list[Mention] = []
    followers: list[Mention] = []
    for m in acts:
        if m.kind == "agreement":
            incidents.append(m)
            continue
        if m.weak or m.event.place is None or m.country_only or m.kind == "casualties":
            followers.append(m)
            continue
        kept = next((k for k in incidents if k.kind != "agreement" and _compatible(k, m)), None)
        kept = kept or next((k for k in incidents if _same_toll(k, m)), None)
        if kept is None:
            incidents.append(m)
        else:
            _absorb(kept, m)
    for m in followers:
        kept = next((k for k in incidents if k.kind != "agreement" and _compatible(k, m)), None)
        kept = kept or next((k for k in incidents if _same_toll(k, m)), None)
        if kept is None and not m.twin and (m.kind == "casualties" or m.weak and not m.specific):
            kept = next((k for k in incidents if _summarises(m, k)), None)
        if kept is not None:
            _absorb(kept, m)
        elif m.unplaced and not m.weak and not m.event.background or (
                m.weak or m.kind == "casualties") and m.event.place is not None \
                and not m.country_only and (m.event.fatalities or not m.weak or m.anaphor):
            # "Four soldiers were wounded in the raid, fifteen insurgents killed near X":
            # told once, with its toll and place, a referring word is the incident itself.
            incidents.append(m)
    for m in incidents:  # the date the merged mentions agree on
        if m.event.sub_event_type and m.event.type in ("casualties", "injuries"):
            # A toll told as an incident is the act its sub-type names: "28 fighters killed
            # in X" an armed clash, a battle; a toll is never an event's kind.
            m.event.type = SUB_EVENT_TYPE[m.event.sub_event_type].kind
        day = _day(m.event)
        m.event.background = published is not None and day is not None and \
            (published - day).days > BACKGROUND_DAYS
    return [m.event for m in incidents], figures
