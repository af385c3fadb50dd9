"""Actor mentions: registry names and aliases, "<Country> forces" patterns, candidates.

Registry names are matched by spaCy PhraseMatchers (acronyms such as "SAA" or "IS" case
sensitively, everything else case-insensitively). A generic rule maps "<demonym or
country> forces/army/troops/warplanes..." to that country's state forces, taken from the
registry when it has them, otherwise made up in ACLED's naming ("Military Forces of X").
Armed groups the registry does not know are kept as candidates for editors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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
# A capitalised name ending in a unit word: "the Free Men of the Mountain Brigade".
_NAMED_GROUP = re.compile(
    r"((?:[A-Z][\w'’-]+\s+(?:(?:of|the|for|al|el|and)\s+){0,2}){1,6}"
    r"(?:Brigades?|Battalions?|Front|Army|Movement|Forces|Militias?|Group|Council|Corps|"
    r"Division|Regiment|Legion|Guards?|Units?))\b")
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
        if main in COUNTRIES or main in self._state_by_country:
            for m in _GENERIC_STATE.finditer(doc.text):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None and (span.start, span.end) not in labels:
                    name, acled, kind = self.state_forces(main)
                    spans.append(span)
                    labels[(span.start, span.end)] = (name, acled, kind, main, False)
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
            hits.append(ActorHit(span, name, acled, kind, cc, candidate))
        return hits
