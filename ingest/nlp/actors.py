"""Actor mentions: registry names and aliases, "<Country> forces" patterns, candidates.

Registry names are matched by spaCy PhraseMatchers (acronyms such as "SAA" or "IS" case
sensitively, everything else case-insensitively). A generic rule maps "<demonym or
country> forces/army/troops/warplanes..." to that country's state forces, taken from the
registry when it has them, otherwise made up in ACLED's naming ("Military Forces of X").
Communal militias and unnamed gunmen are named the way ACLED names them ("Hawadle Clan
Militia (Somalia)", "Murle Ethnic Militia (South Sudan)", "Unidentified Armed Group
(Syria)"), with the country the story is about. Armed groups
the registry does not know are kept as candidates for editors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .countries import COUNTRIES, DEMONYM_PATTERN, country_of
from .normalize import normalize_name
from .types import RegistryActor

FORCE_NOUNS = (r"(?:armed\s+forces|security\s+forces|military\s+forces|forces|army|troops|"
               r"soldiers|fighters|military|warplanes|war\s*planes|jets|fighter\s+jets|aircraft|"
               r"air\s*force|helicopters|drones?|artillery|navy|units?|battalions?|brigades?|"
               r"police|government|regime|authorities|tanks|convoy|gunboats|marines|"
               r"special\s+forces|paratroopers|servicemen|personnel)")
# "<Demonym> forces", also "<Demonym> and <anything short> forces" (the first conjunct).
_STATE_RX = re.compile(
    rf"(?<![\w-])(?<!pro-)(?<!anti-)(?P<dem>{DEMONYM_PATTERN})"
    rf"(?=(?:\s+and\s+[\w'\- ]{{1,40}}?)?\s+{FORCE_NOUNS}\b)", re.I)
_ARMED_WORDS = re.compile(
    r"\b(forces|militias?|brigades?|front|army|movement|group|battalions?|factions?|council|"
    r"liberation|jihad|rebels|fighters|militants|guards?|corps|jaish|liwa|ahrar|harakat|"
    r"insurgents|mujahideen|coalition|division|regiment|units?)\b", re.I)
# Phrases that name the state forces of whichever country the story is about.
_GENERIC_STATE = re.compile(
    r"\b(?:government|state|security|army|military)\s+(?:forces|troops|soldiers)\b|"
    r"\bgovernment security forces\b|\bthe\s+(?:army|military)\b", re.I)
# A numbered unit with no owner said ("the 62nd mechanized infantry brigade", "the 4th
# Division"; not "the 5th Brigade of the PMF"): the state forces of the story's country.
_NUMBERED_UNIT = re.compile(
    r"\b\d+(?:st|nd|rd|th)\s+(?:[a-z]+\s+){0,3}?(?:brigade|division|battalion|regiment|"
    r"corps|military\s+region|military\s+district)\b(?!\s+(?:of|from)\b)", re.I)
# A capitalised name ending in a unit word: "the Free Men of the Mountain Brigade".
_NAMED_GROUP = re.compile(
    r"((?:[A-Z][\w'’-]+\s+(?:(?:of|the|for|al|el|and)\s+){0,2}){1,6}"
    r"(?:Brigades?|Battalions?|Front|Army|Movement|Forces|Militias?|Group|Council|Corps|"
    r"Division|Regiment|Legion|Guards?|Units?))\b")
# A clan or ethnic group's name: one or two capitalised words ("Hawadle", "Habar Gidir");
# a hyphen joins a part unless it says "sub" ("Xarun-Sub clan" is the Xarun sub-clan).
_GROUP_NAME = r"[A-Z][\w'’]*(?:-(?!(?i:sub)\b)[A-Z][\w'’]*)?(?:\s+[A-Z][\w'’]*)?"
_ARMED_MEN = r"(?i:militias?|militiamen|militia\s+men|gunmen|fighters)"
# "militia hailing from the Xarun sub-clan of Hawadle", "clan militia from Abgaal clan".
_CLAN_OF = re.compile(
    rf"\b(?:(?i:clan|armed)\s+)?{_ARMED_MEN}\s+(?:hailing\s+)?(?:from|of|belonging\s+to)\s+"
    rf"(?:the\s+)?(?P<name>{_GROUP_NAME})(?P<sub>[-\s]+(?i:sub))?[-\s]+(?i:clan)\b"
    rf"(?:\s+of\s+(?:the\s+)?(?P<parent>{_GROUP_NAME}))?")
# "Hawadle clan militia", "Abgaal and Habar Gidir clan militias", "Murle ethnic militia".
_GROUP_MILITIA = re.compile(
    rf"(?P<names>{_GROUP_NAME}(?:\s*(?:,|and)\s*{_GROUP_NAME})*)\s+"
    rf"(?P<sub>(?i:sub)[-\s]?)?(?P<kind>(?i:clan|ethnic|tribal|communal))\s+{_ARMED_MEN}\b")
# Armed men nobody names: ACLED's "Unidentified Armed Group (Country)".
_UNIDENTIFIED = re.compile(
    r"\b(?:unidentified|unknown|unnamed|anonymous)\s+(?:armed\s+)?(?:gunmen|gunman|"
    r"assailants?|attackers?|armed\s+(?:men|group|groups|individuals)|militants?|"
    r"fighters|perpetrators)\b", re.I)
_GROUP_SPLIT = re.compile(r"\s*(?:,|\band\b)\s*")
# Words before a group's name that are not part of it.
_NOT_A_NAME = STOP_WORDS | {"yesterday", "today", "monday", "tuesday", "wednesday",
                            "thursday", "friday", "saturday", "sunday", "armed", "rival"}
_CANDIDATE_LABELS = {"ORG", "NORP", "PERSON", "GPE"}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9/\-]{1,9}$")


@dataclass(slots=True, eq=False)
class ActorHit:
    """An actor mention in a parsed document (token and character offsets)."""

    span: Span
    name: str
    acled: str | None
    kind: str
    country_code: str = ""
    is_candidate: bool = False
    # What the story's country, known once its places are, completes: "state" (the
    # generic "government forces"), "communal" (a militia ACLED names with its country).
    pending: str = ""

    @property
    def start(self) -> int:
        return self.span.start_char

    @property
    def end(self) -> int:
        return self.span.end_char


def _acled_short_names(acled: str) -> list[str]:
    """"QSD: Syrian Democratic Forces" also names "QSD" and "Syrian Democratic Forces"."""
    names = [acled]
    if ":" in acled:
        head, tail = acled.split(":", 1)
        names += [head.strip(), re.sub(r"\s*\(.*?\)\s*$", "", tail).strip()]
    return [n for n in names if n]


def communal_militias(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ACLED-style name without the country) of each clan, ethnic, tribal or
    communal militia the text names: "Hawadle-Xarun Sub Clan Militia"."""
    found = []

    def name(group: str, kind: str, sub: bool = False, parent: str | None = None
             ) -> str | None:
        # "The Hawadle clan militia", "On Monday Abgaal clan fighters": not the name.
        label = " ".join(w for w in group.split() if w.lower() not in _NOT_A_NAME)
        if not label:
            return None
        if parent:
            label = f"{parent}-{label}"
        kind = kind.capitalize()
        return f"{label} {'Sub ' if sub else ''}{kind} Militia"

    for m in _CLAN_OF.finditer(text):
        found.append((m.start(), m.end(), name(m.group("name"), "clan", bool(m.group("sub")),
                                               m.group("parent"))))
    for m in _GROUP_MILITIA.finditer(text):
        names, at = m.group("names"), m.start("names")
        pieces = [p for p in _GROUP_SPLIT.split(names) if p]
        for i, piece in enumerate(pieces):
            at = text.index(piece, at)
            # The last group's mention runs to the end: "Habar Gidir clan militias".
            end = m.end() if i == len(pieces) - 1 else at + len(piece)
            found.append((at, end, name(piece, m.group("kind").lower(), bool(m.group("sub")))))
            at += len(piece)
    return [(start, end, label) for start, end, label in found if label]


class ActorIndex:
    """The registry's actors made searchable in spaCy documents."""

    def __init__(self, nlp, actors: Iterable[RegistryActor]):
        self.actors = list(actors)
        self.by_name = {a.name: a for a in self.actors}
        self.by_key: dict[str, RegistryActor] = {}
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for actor in self.actors:
            names = {actor.name, *actor.aliases}
            for acled in actor.acled_names:
                names.update(_acled_short_names(acled))
            exact, lower = [], []
            for name in names:
                self.by_key.setdefault(normalize_name(name), actor)
                (exact if _ACRONYM.match(name) else lower).append(name)
            if exact:
                self._exact.add(actor.name, list(nlp.tokenizer.pipe(exact)))
            if lower:
                self._lower.add(actor.name, list(nlp.tokenizer.pipe(lower)))
        self._state_by_country: dict[str, RegistryActor] = {}
        for actor in self.actors:
            if actor.kind in ("state_forces", "foreign_state") and actor.country_code \
                    and actor.parent is None:
                self._state_by_country.setdefault(actor.country_code, actor)

    def state_forces(self, country_code: str) -> tuple[str, str | None, str]:
        """(name, ACLED name, kind) of a country's state forces."""
        actor = self._state_by_country.get(country_code)
        if actor is not None:
            return actor.name, (actor.acled_names[0] if actor.acled_names else None), actor.kind
        country = COUNTRIES.get(country_code)
        if country is None:
            return f"{country_code} armed forces", None, "state_forces"
        return (f"{country.name} armed forces", f"Military Forces of {country.acled_name}",
                "state_forces")

    def find(self, doc: Doc, *, countries: dict[str, float] | None = None,
             exclude: list[tuple[int, int]] = ()) -> list[ActorHit]:
        """Actor mentions of ``doc``, longest first on overlap; none inside ``exclude``.

        ``countries`` weighs the document's countries: an alias two registry actors share
        ("IS", "opposition forces") goes to the actor of the likelier country, and generic
        phrases ("government forces", "the army") to the state forces of the main country.
        """
        countries = countries or {}
        main = max(countries, key=countries.get) if countries else None
        spans: list[Span] = []
        labels: dict[tuple[int, int], tuple] = {}
        options: dict[tuple[int, int], list[RegistryActor]] = {}
        for matcher in (self._exact, self._lower):
            for match_id, start, end in matcher(doc):
                options.setdefault((start, end), []).append(
                    self.by_name[doc.vocab.strings[match_id]])
        for (start, end), actors in options.items():
            actor = max(actors, key=lambda a: countries.get(a.country_code, 0.0))
            spans.append(Span(doc, start, end))
            labels[(start, end)] = (actor.name, actor.acled_names[0] if actor.acled_names
                                    else None, actor.kind, actor.country_code, False)
        pending: dict[tuple[int, int], str] = {}
        known = {i for start, end in options for i in range(start, end)}
        for m in (*_GENERIC_STATE.finditer(doc.text), *_NUMBERED_UNIT.finditer(doc.text)):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and not known.intersection(range(span.start, span.end)):
                spans.append(span)
                if main in COUNTRIES or main in self._state_by_country:
                    name, acled, kind = self.state_forces(main)
                    labels[(span.start, span.end)] = (name, acled, kind, main, False)
                else:  # a story that names no country: its places will tell
                    labels[(span.start, span.end)] = (span.text, None, "state_forces", "",
                                                      False)
                    pending[(span.start, span.end)] = "state"
        for m in _STATE_RX.finditer(doc.text):
            span = doc.char_span(m.start("dem"), m.end("dem"), alignment_mode="expand")
            cc = country_of(m.group("dem"))
            if span is None or cc is None or not m.group("dem")[0].isupper():
                continue
            name, acled, kind = self.state_forces(cc)
            # The force noun belongs to the mention: "Turkish forces", not "Turkish".
            end = span.end
            if end < len(doc) and re.match(FORCE_NOUNS, doc[end].text, re.I):
                end += 1
            span = Span(doc, span.start, end)
            spans.append(span)
            labels.setdefault((span.start, span.end), (name, acled, kind, cc, False))
        # Communal militias and unnamed gunmen, unless the registry knows the group by its
        # name: named with the story's country once it is known.
        named = {i for i in known if doc[i].text[:1].isupper()}
        groups = [(start, end, name, "militia") for start, end, name
                  in communal_militias(doc.text)]
        groups += [(m.start(), m.end(), "Unidentified Armed Group", "rebel_group")
                   for m in _UNIDENTIFIED.finditer(doc.text)]
        for start, end, name, kind in groups:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and not named.intersection(range(span.start, span.end)) \
                    and (span.start, span.end) not in labels:
                spans.append(span)
                pending[(span.start, span.end)] = "communal"
                labels[(span.start, span.end)] = (name, None, kind, "", True)
        spans = filter_spans(spans)
        taken = {i for span in spans for i in range(span.start, span.end)}
        for ent in doc.ents:
            if ent.label_ in _CANDIDATE_LABELS and \
                    not taken.intersection(range(ent.start, ent.end)):
                key = (ent.start, ent.end)
                text = ent.text.strip()
                if _ARMED_WORDS.search(text) or (ent.label_ == "ORG" and _ACRONYM.match(text)
                                                  and ent.end < len(doc)
                                                  and _ARMED_WORDS.match(doc[ent.end].text)):
                    name = re.sub(r"^(the)\s+", "", text, flags=re.I)
                    spans.append(ent)
                    labels[key] = (name, None, "rebel_group", "", True)
                    taken.update(range(ent.start, ent.end))
        for m in _NAMED_GROUP.finditer(doc.text):
            span = doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
            if span is None or taken.intersection(range(span.start, span.end)):
                continue
            if any(t.is_sent_start and t.lower_ == "the" for t in span[:1]):
                span = span[1:]
            if len(span) >= 2:
                spans.append(span)
                labels[(span.start, span.end)] = (span.text, None, "rebel_group", "", True)
                taken.update(range(span.start, span.end))
        hits = []
        for span in sorted(spans, key=lambda s: s.start):
            if any(span.start_char < e and span.end_char > s for s, e in exclude):
                continue
            name, acled, kind, cc, candidate = labels[(span.start, span.end)]
            hits.append(ActorHit(span, name, acled, kind, cc, candidate,
                                 pending.get((span.start, span.end), "")))
        return hits

    def complete(self, hits: list[ActorHit], country_code: str | None) -> list[ActorHit]:
        """``hits`` with what the story's country completes filled in: the generic state
        forces become that country's (dropped when the story has no country), a communal
        militia or an unidentified armed group gets the country in its name, as ACLED
        names it."""
        country = COUNTRIES.get(country_code) if country_code else None
        out = []
        for hit in hits:
            if hit.pending == "state":
                if country is None and country_code not in self._state_by_country:
                    continue
                hit.name, hit.acled, hit.kind = self.state_forces(country_code)
                hit.country_code = country_code
            elif hit.pending == "communal" and country is not None:
                hit.name = hit.acled = f"{hit.name} ({country.acled_name})"
                hit.country_code = country_code
            hit.pending = ""
            out.append(hit)
        return out
