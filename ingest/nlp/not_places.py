"""What is never a place mention, whatever the gazetteer holds (Django-free).

A capitalised word the model tags, or that follows "in" or "of", is looked up as a place;
many of them are not places at all, and a namesake somewhere in the world is always found:
"Syrian" (an adjective: the village Şūrān), "Lebanese", "Rami" of "Rami Abdel Rahman" (a
person: Rama), "Al-Manar" (a television channel: Mannar), "Levant" (a region: a town in
Kentucky), "Moscow denied ..." (a government speaking), "told reporters in Washington" (where
something was said), "the London-based monitor" (where an organisation sits).

``blocked_tokens`` returns the tokens of a parsed document that are none of a place's name;
``place_runs`` cuts its candidate runs there. The words are data (``lexicons/mentions.yaml``);
the model's labels are evidence, never the rule alone: this model calls "Aleppo" NORP and
many towns PERSON, so a NORP span is a people only when it is an adjective or a demonym, and
a PERSON span a person only with a title, a given name or a verb of speech.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from spacy.tokens import Doc, Span, Token

from .countries import COUNTRIES, country_of

LEXICON_PATH = Path(__file__).with_name("lexicons") / "mentions.yaml"


@cache
def lexicon() -> dict[str, frozenset[str]]:
    """The word lists of ``lexicons/mentions.yaml``, case-folded (names keep their case
    in ``organisations_exact`` for acronyms)."""
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    out = {key: frozenset(_words(str(w)) for w in words) for key, words in raw.items()}
    demonyms = set(out["demonyms"])
    for country in COUNTRIES.values():
        demonyms.update(d.casefold() for d in country.demonyms
                        if d.casefold() != country.name.casefold() and not d.isupper())
    out["demonyms"] = frozenset(demonyms)
    # Acronyms ("SANA", "AA") only as written: "Sana" is the capital of Yemen.
    out["organisations_exact"] = frozenset(str(w) for w in raw["organisations"]
                                           if str(w).replace(".", "").isupper())
    out["organisations"] = frozenset(_words(str(w)) for w in raw["organisations"]
                                     if not str(w).replace(".", "").isupper())
    return out


def _words(text: str) -> str:
    return re.sub(r"[\s\-–]+", " ", text.strip()).casefold()


def is_demonym(text: str) -> bool:
    """"Syrian", "Kurds", "Sunni", "Shiite": a people's or a faith's word (plurals too)."""
    word = _words(text)
    if not word:
        return False
    demonyms = lexicon()["demonyms"]
    return word in demonyms or (word.endswith("s") and word[:-1] in demonyms) or (
        word.endswith("es") and word[:-2] in demonyms)


def is_organisation(text: str) -> bool:
    """A name in the list of organisations that are neither places nor armed groups."""
    stripped = text.strip()
    if stripped in lexicon()["organisations_exact"]:
        return True
    return re.sub(r"^the\s+", "", _words(stripped)) in lexicon()["organisations"]


def organisation_spans(doc: Doc) -> list[Span]:
    """The mentions of listed organisations ("the UN Security Council", "SANA",
    "Al-Manar"), longest first where they overlap."""
    found: list[Span] = []
    taken: set[int] = set()
    for size in range(6, 0, -1):
        for start in range(0, len(doc) - size + 1):
            end = start + size
            if taken.intersection(range(start, end)):
                continue
            span = doc[start:end]
            if not span[0].text[:1].isupper() or span[-1].is_punct:
                continue
            if is_organisation(span.text):
                found.append(span)
                taken.update(range(start, end))
    return sorted(found, key=lambda s: s.start)


def _ents_by_token(doc: Doc) -> dict[int, Span]:
    return {t: ent for ent in doc.ents for t in range(ent.start, ent.end)}


def _is_country_name(text: str) -> bool:
    code = country_of(text)
    return code is not None and COUNTRIES[code].name.casefold() == _words(text)


def _speech_role(tok: Token) -> bool:
    """Whether ``tok`` speaks or is spoken to: the subject or object of a verb of saying
    ("Moscow denied", "accused Ankara of"), or a conjunct of one ("Luxembourg and France
    called for")."""
    verbs = lexicon()["speech_verbs"] | lexicon()["stance_verbs"]
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass", "dobj") and tok.head.pos_ in ("VERB", "AUX") \
        and tok.head.lemma_.lower() in verbs


def _said_where(tok: Token) -> bool:
    """"said in Brussels", "told reporters in Washington", "a news conference in Moscow":
    the place where something was said, not where it happened."""
    prep = tok.head
    if tok.dep_ not in ("pobj", "compound") or prep.lower_ not in ("in", "at", "from"):
        if tok.dep_ == "compound" and tok.head.dep_ == "pobj":
            return _said_where(tok.head)
        return False
    if prep.dep_ != "prep":
        return False
    head = prep.head
    if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in lexicon()["speech_nouns"]:
        return True
    if head.pos_ != "VERB" or head.lemma_.lower() not in lexicon()["speech_verbs"] or \
            prep.i < head.i or any(c.dep_ in ("auxpass", "nsubjpass") for c in head.children):
        # "In Idlib province, the Observatory said ...": a place put first is the news';
        # "fighting was reported in Tripoli": what was reported happened there.
        return False
    # "Activists said ten people were killed in Aleppo": a place after what was said
    # belongs to it, whatever the parse attached it to.
    said = [c for c in head.children if c.dep_ in ("ccomp", "xcomp", "advcl")]
    return not any(c.left_edge.i < prep.i for c in said if c.i > head.i)


def _based(doc: Doc, i: int) -> bool:
    """"London-based", "Britain-based": where an organisation sits."""
    return i + 2 < len(doc) and doc[i + 1].text in ("-", "–") and \
        doc[i + 2].lower_ in ("based", "headquartered")


def person_spans(doc: Doc) -> list[Span]:
    """PERSON entities that name a person: with a title before them ("Observatory director
    Rami Abdel Rahman"), a given name first, or speaking. (This model calls many towns
    PERSON, and a list of villages may hold a word that is also a given name.)"""
    lex = lexicon()
    titles, given = lex["person_titles"], lex["given_names"]
    out: list[Span] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        before2 = " ".join(t.lower_ for t in doc[max(0, ent.start - 2):ent.start])
        first = ent[0].text.casefold()
        appos = any(c.dep_ == "appos" and c.lemma_.lower() in titles for c in ent.root.children)
        if before in titles or before2 in titles or appos or (
                first in given and len(ent) >= 2) or _speech_role(ent.root):
            out.append(ent)
    return out


def blocked_tokens(doc: Doc) -> set[int]:
    """Tokens of ``doc`` that are not (part of) a place's name."""
    lex = lexicon()
    blocked: set[int] = set()
    ents = _ents_by_token(doc)
    # People and faiths: "Syrian", "Lebanese", "Kurds", "Sunni" (not "Saudi Arabia").
    for tok in doc:
        if not tok.text[:1].isupper() or not is_demonym(tok.text):
            continue
        ent = ents.get(tok.i)
        if ent is not None and ent.label_ in ("GPE", "LOC") and (
                _is_country_name(re.sub(r"^the\s+", "", ent.text, flags=re.I))
                # "United Arab Emirates", "Arab Republic": inside a name, after a word of it.
                or any(t.text[:1].isupper() and not is_demonym(t.text)
                       for t in doc[ent.start:tok.i])):
            continue
        blocked.add(tok.i)
    # Organisations: the listed ones, and names the model calls ORG that end like one
    # ("Union of Syrian Medical Relief Organisations", "White House", "Sweida Police Command").
    for span in organisation_spans(doc):
        blocked.update(range(span.start, span.end))
    heads = lex["organisation_heads"]
    for ent in doc.ents:
        if ent.label_ != "ORG":
            continue
        # "the University Housing in Aleppo", "Raqa the Syrian Observatory" (a text without
        # commas): the part before "in" or an inner "the" is not the organisation's name.
        start = ent.start
        for i in range(ent.start, ent.end + 1):
            if i == ent.end or i > ent.start and doc[i].lower_ in ("in", "at", "the", ","):
                if any(doc[t].lower_ in heads for t in range(start, i)):
                    blocked.update(range(start, i))
                start = i
    # Regions no gazetteer entry stands for.
    for size in (3, 2, 1):
        for start in range(0, len(doc) - size + 1):
            span = doc[start:start + size]
            if span[0].text[:1].isupper() and _words(span.text) in lex["macro_regions"]:
                blocked.update(range(span.start, span.end))
    # Persons, and their surnames said alone later ("Yildirim added").
    surnames: set[str] = set()
    for span in person_spans(doc):
        blocked.update(range(span.start, span.end))
        names = [t for t in span if t.is_alpha and t.text[:1].isupper()]
        if len(names) >= 2:
            surnames.add(names[-1].text)
    for tok in doc:
        if tok.text in surnames:
            ent = ents.get(tok.i)
            if ent is None or ent.label_ == "PERSON" or len(ent) == 1:
                blocked.add(tok.i)
    # Places that speak or are spoken to, where something was said, where a group sits.
    for tok in doc:
        if not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN"):
            continue
        if _speech_role(tok) or _said_where(tok) or _based(doc, tok.i):
            ent = ents.get(tok.i)
            span = ent if ent is not None and ent.label_ != "DATE" else doc[tok.i:tok.i + 1]
            # The compound words of the name go with it: "Rami Abdel Rahman said".
            left = min([span.start] + [c.i for c in tok.lefts if c.dep_ == "compound"
                                       and c.text[:1].isupper()])
            blocked.update(range(left, max(span.end, tok.i + 1)))
    return blocked
