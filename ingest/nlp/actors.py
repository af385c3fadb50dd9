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

from .actor_rules import candidate_kind, clean_name, is_generic_alias, qualifies_another_noun
from .countries import COUNTRIES, DEMONYM_PATTERN, country_of
from .normalize import normalize_name
from .not_places import organisation_spans, person_spans
from .types import RegistryActor

FORCE_NOUNS = (r"(?:armed\s+forces|security\s+forces|military\s+forces|forces|army|troops|"
               r"soldiers|fighters|military|warplanes|war\s*planes|jets|fighter\s+jets|aircraft|"
               r"air\s*force|helicopters|drones?|artillery|navy|units?|battalions?|brigades?|"
               r"police|government|regime|authorities|tanks|convoy|gunboats|marines|"
               r"special\s+forces|paratroopers|servicemen|personnel|air\s*strikes?|air\s*raids?|"
               r"raids|strikes|(?:war)?planes|bombers|gunships|shelling|bombardment|missiles|"
               r"rockets|warships|frigates|(?:air|naval|ground)\s+forces)")
# "<Demonym> forces", also "<Demonym> and <anything short> forces" (the first conjunct).
_STATE_RX = re.compile(
    rf"(?<![\w-])(?<!pro-)(?<!anti-)(?P<dem>{DEMONYM_PATTERN})"
    rf"(?=(?:\s+and\s+[\w'\- ]{{1,40}}?)?\s+{FORCE_NOUNS}\b)", re.I)
# Phrases that name the state forces of whichever country the story is about.
_GENERIC_STATE = re.compile(
    r"\b(?:government|state|security|army|military)\s+(?:forces|troops|soldiers)\b|"
    r"\bgovernment security forces\b|\bthe\s+(?:army|military)\b(?!\s+of\s+(?-i:[A-Z]))|"
    r"\bgovernment\s+(?:air\s*strikes|air\s*raids|warplanes|war\s*planes|jets|planes|"
    r"helicopters|aircraft|artillery|shelling|bombardment|raids|barrel\s+bombs)\b|"
    r"\barmy\s+(?:units?|troops|soldiers|helicopters|artillery)\b", re.I)
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
# A unit word and the name after "of": "the Army of Conquest", "Brigade of the Martyrs".
_HEAD_OF = re.compile(
    r"\b((?:Army|Brigades?|Battalions?|Front|Movement|Legion)\s+of\s+(?:the\s+)?"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
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
# Gunmen and, in state media, "terrorists" with no group named beside them ("terrorists
# fired shells on ...", "armed terrorist groups", "gunmen opened fire"); a name before them
# or after "of"/"from" is that group ("ISIL terrorists", "terrorists of Jabhat al-Nusra").
_UNNAMED = re.compile(
    r"\b(?:(?:armed|takfiri|takfiris|foreign|radical)\s+)?(?:terrorists|terrorist\s+(?:groups?|"
    r"organi[sz]ations?|gangs?|elements|cells?|militants|mercenaries)|gunmen|armed\s+men|"
    r"masked\s+men|a\s+gunman|(?:a|one|the)\s+terrorist)\b", re.I)
_GROUP_AFTER = re.compile(r"^\s*(?:of|from|belonging\s+to|affiliated\s+(?:to|with)|"
                          r"linked\s+to|loyal\s+to)\s+(?:the\s+)?\S", re.I)
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
    # generic "government forces"), "communal" (a militia ACLED names with its country),
    # "generic" (a registry alias that names a role: "police", "rebels", "the opposition").
    pending: str = ""
    options: tuple[RegistryActor, ...] = ()  # the registry actors a generic alias may be

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


def _spellings(name: str) -> list[str]:
    """"Fateh al-Sham Front" is also written "Fateh Al Sham Front" and "Fateh al Sham
    Front": the article joined by a hyphen or a space (the tokens differ)."""
    spaced = re.sub(r"\b([Aa]l|[Ee]l|[Aa]d|[Aa]r|[Aa]sh|[Aa]t)-(?=\w)", r"\1 ", name)
    joined = re.sub(r"\b([Aa]l|[Ee]l|[Aa]d|[Aa]r|[Aa]sh|[Aa]t) (?=\w)", r"\1-", name)
    return [v for v in (spaced, joined) if v != name]


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
        # Aliases that name a role, not a group ("police", "the opposition").
        self._generic: set[str] = set()
        for actor in self.actors:
            names = {actor.name, *actor.aliases}
            for acled in actor.acled_names:
                names.update(_acled_short_names(acled))
            names.update([v for n in names for v in _spellings(n)])
            exact, lower = [], []
            for name in names:
                self.by_key.setdefault(normalize_name(name), actor)
                (exact if _ACRONYM.match(name) else lower).append(name)
                if is_generic_alias(name):
                    self._generic.add(normalize_name(name))
            if exact:
                self._exact.add(actor.name, list(nlp.tokenizer.pipe(exact)))
            if lower:
                self._lower.add(actor.name, list(nlp.tokenizer.pipe(lower)))
        # Where an actor fights: its country and those of the actors it backs (the US-led
        # coalition backs the SDF: Syria; the Saudi-led one Yemen's government: Yemen).
        self._theatre: dict[str, set[str]] = {a.name: {a.country_code} for a in self.actors}
        for actor in self.actors:
            for backer, _, _ in actor.backed_by:
                if backer in self._theatre:
                    self._theatre[backer].add(actor.country_code)
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
        ("IS") goes to the actor of the likelier country. Generic aliases ("police", "the
        opposition") and phrases ("government forces", "the army") wait for the story's
        country (``complete``).
        """
        countries = countries or {}
        main = max(countries, key=countries.get) if countries else None
        spans: list[Span] = []
        labels: dict[tuple[int, int], tuple] = {}
        pending: dict[tuple[int, int], str] = {}
        choices: dict[tuple[int, int], tuple[RegistryActor, ...]] = {}
        options: dict[tuple[int, int], list[RegistryActor]] = {}
        for matcher in (self._exact, self._lower):
            for match_id, start, end in matcher(doc):
                options.setdefault((start, end), []).append(
                    self.by_name[doc.vocab.strings[match_id]])
        for (start, end), actors in options.items():
            span = Span(doc, start, end)
            generic = normalize_name(span.text) in self._generic
            if generic and qualifies_another_noun(span):
                continue  # "police station", "opposition activists"
            actors = sorted(actors, key=lambda a: -countries.get(a.country_code, 0.0))
            actor = actors[0]
            spans.append(span)
            # A generic alias votes for no country until the story's is known.
            labels[(start, end)] = (actor.name, actor.acled_names[0] if actor.acled_names
                                    else None, actor.kind,
                                    "" if generic else actor.country_code, False)
            if generic:
                pending[(start, end)] = "generic"
                choices[(start, end)] = tuple(actors)
        known = {i for start, end in labels for i in range(start, end)}
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
        groups += [(m.start(), m.end(), "Unidentified Armed Group", "rebel_group")
                   for m in _UNNAMED.finditer(doc.text) if self._unnamed(doc, m, known)]
        for start, end, name, kind in groups:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and not named.intersection(range(span.start, span.end)) \
                    and (span.start, span.end) not in labels:
                spans.append(span)
                pending[(span.start, span.end)] = "communal"
                labels[(span.start, span.end)] = (name, None, kind, "", True)
        spans = filter_spans(spans)
        taken = {i for span in spans for i in range(span.start, span.end)}
        # Organisations and persons are never armed groups ("the UN Security Council",
        # "SANA", "Staffan de Mistura").
        others = {i for span in organisation_spans(doc) + person_spans(doc)
                  for i in range(span.start, span.end)}
        proposed = [ent for ent in doc.ents if ent.label_ in _CANDIDATE_LABELS]
        for m in (*_NAMED_GROUP.finditer(doc.text), *_HEAD_OF.finditer(doc.text)):
            span = doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
            if span is not None:
                proposed.append(span)
        for span in proposed:
            # Words of another mention, a person or an organisation are not the name's.
            while len(span) and (span[0].i in others or span[0].lower_ == "the"
                                 or span[0].is_punct):
                span = span[1:]
            while len(span) and (span[-1].i in others or span[-1].is_punct
                                 or span[-1].is_lower):  # "the Army of X near"
                span = span[:-1]
            if not len(span) or taken.intersection(range(span.start, span.end)) or \
                    others.intersection(range(span.start, span.end)):
                continue
            found = candidate_kind(span)
            if found is None:
                continue
            what, cc = found
            key = (span.start, span.end)
            if what == "state":
                cc = cc or main
                if cc:
                    name, acled, kind = self.state_forces(cc)
                    labels[key] = (name, acled, kind, cc, False)
                else:
                    labels[key] = (span.text, None, "state_forces", "", False)
                    pending[key] = "state"
            else:
                labels[key] = (clean_name(span.text), None, "rebel_group", "", True)
            spans.append(span)
            taken.update(range(span.start, span.end))
        hits = []
        for span in sorted(spans, key=lambda s: s.start):
            if any(span.start_char < e and span.end_char > s for s, e in exclude):
                continue
            key = (span.start, span.end)
            name, acled, kind, cc, candidate = labels[key]
            hits.append(ActorHit(span, name, acled, kind, cc, candidate,
                                 pending.get(key, ""), choices.get(key, ())))
        return hits

    @staticmethod
    def _unnamed(doc: Doc, m: re.Match, known: set[int]) -> bool:
        """Whether "terrorists"/"gunmen" at ``m`` name no group: no group's name just
        before them ("ISIL terrorists"), right after them ("the terrorist group Nusra
        Front") or after "of"/"from" ("gunmen from Jaish al-Islam"),
        and they are a noun, not a word qualifying another ("terrorist attacks")."""
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None or span.start > 0 and (
                span.start - 1 in known or doc[span.start - 1].text[:1].isupper()
                and not doc[span.start - 1].is_sent_start and doc[span.start - 1].is_alpha
                and doc[span.start - 1].pos_ == "PROPN"):
            return False
        if _GROUP_AFTER.match(doc.text[m.end():m.end() + 40]):
            return False
        if span.end in known:
            return False  # "the terrorist group Nusra Front": the name it is put before
        # "the terrorist attack", "terrorist groups' positions": a word qualifying a noun.
        head = span[-1]
        return head.pos_ in ("NOUN", "PROPN") and head.dep_ not in ("amod", "compound") \
            and not qualifies_another_noun(span)

    def complete(self, hits: list[ActorHit], country_code: str | None) -> list[ActorHit]:
        """``hits`` with what the story's country completes filled in: the generic state
        forces become that country's (dropped when the story has no country), a communal
        militia or an unidentified armed group gets the country in its name, as ACLED
        names it, and a generic alias goes to that country's actor (``_generic_actor``)."""
        if not country_code:
            # A note that says nothing else of where it is: its generic words' one country
            # ("police" in a Somali note) completes the rest, as it could not place it.
            said = {h.options[0].country_code for h in hits if h.pending == "generic"}
            country_code = next(iter(said)) if len(said) == 1 else country_code
        country = COUNTRIES.get(country_code) if country_code else None
        # Generic aliases the country's own actor has first: "rebels" may then go to the
        # group "opposition forces" named.
        for hit in hits:
            mine = [a for a in hit.options if a.country_code == country_code] or [
                a for a in hit.options if country_code in self._theatre.get(a.name, ())]
            if hit.pending == "generic" and country_code and mine:
                hit.name, hit.acled, hit.kind = mine[0].name, (
                    mine[0].acled_names[0] if mine[0].acled_names else None), mine[0].kind
                hit.country_code, hit.pending = country_code, ""
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
            elif hit.pending == "generic" and country_code:
                hit.name, hit.acled, hit.kind, hit.is_candidate, hit.country_code = \
                    self._generic_actor(hit, country_code, hits)
            hit.pending = ""
            out.append(hit)
        return out

    def _generic_actor(self, hit: ActorHit, country_code: str, hits: list[ActorHit]
                       ) -> tuple[str, str | None, str, bool, str]:
        """(name, ACLED name, kind, candidate, country) a generic alias names in a story
        about ``country_code`` when no registry actor of that country has it: the country's
        police or state forces for a state's word ("police", "pro-government forces"); an
        actor of the same kind the story names ("coalition airstrikes" after "the US-led
        coalition"); else, for rebels, ACLED's unidentified armed group of the country."""
        country = COUNTRIES.get(country_code)
        kinds = {a.kind for a in hit.options}
        if "police" in hit.span.text.lower() and country is not None:
            name = f"Police Forces of {country.acled_name}"
            return name, name, "state_forces", False, country_code
        if "state_forces" in kinds:
            return (*self.state_forces(country_code), False, country_code)
        for other in hits:
            if other is not hit and not other.pending and not other.is_candidate and \
                    other.kind in kinds and (other.country_code == country_code or
                                             normalize_name(other.span.text) not in self._generic):
                return other.name, other.acled, other.kind, False, other.country_code
        # The one registry actor of that kind fighting in the country: "coalition
        # airstrikes" in Syria are the US-led coalition's.
        here = [a for a in self.actors if a.kind in kinds and a.kind != "rebel_group"
                and country_code in self._theatre.get(a.name, ())]
        if len(here) == 1:
            return (here[0].name, here[0].acled_names[0] if here[0].acled_names else None,
                    here[0].kind, False, here[0].country_code)
        if kinds & {"rebel_group", "militia"} and country is not None:
            name = f"Unidentified Armed Group ({country.acled_name})"
            return name, name, "rebel_group", True, country_code
        actor = hit.options[0]
        return hit.name, hit.acled, hit.kind, hit.is_candidate, actor.country_code
