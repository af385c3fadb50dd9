"""Who and where an act is, read from its own words: the attacker named with the weapon or
claiming it, the speaker's place that is not the event's, the towns coordinated with the
event's (one incident each). Used by ``pipeline`` to choose an event's place and actors."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .countries import country_of
from .places import PlaceHit
from .types import EventActorRef, ExtractedEvent

# Verbs of speaking: their subject's or their "in X" place is where someone spoke, not
# where an event happened ("Moscow denied ...", "said in Brussels").
SPEAKING = {"say", "deny", "tell", "announce", "state", "report", "claim", "confirm", "add",
            "accuse", "condemn", "warn", "urge", "call", "insist", "reject", "blame",
            "threaten", "respond", "comment", "declare", "stress", "note", "argue"}


def speakers_place(token: Token) -> bool:
    """Whether a place token names where a speaker is: the subject of a verb of speaking,
    its "in X" adjunct, a "London-based" monitor."""
    doc = token.doc
    if token.i + 2 < len(doc) and doc[token.i + 1].text in ("-", "–") and \
            doc[token.i + 2].lower_ in ("based", "headquartered"):
        return True
    if token.i + 1 < len(doc) and doc[token.i + 1].lower_ in ("-based", "based"):
        return True
    node = token
    while node.dep_ in ("compound", "amod", "conj", "appos") and node.head is not node:
        node = node.head
    head = node.head
    if node.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in SPEAKING:
        return True
    if node.dep_ == "pobj" and head.lower_ == "in" and head.head.lemma_.lower() in SPEAKING:
        return True
    # "the Syrian government in Damascus said": the speaker's seat.
    return node.dep_ == "pobj" and head.head.dep_ in ("nsubj",) and \
        head.head.head.lemma_.lower() in SPEAKING


def state_arm(tok: Token) -> bool:
    """Words that name the state's own forces by an arm only a state has: "the Air Force
    shelled", "barrel bombs" (dropped from the state's helicopters)."""
    low = tok.lower_
    nxt = tok.doc[tok.i + 1].lower_ if tok.i + 1 < len(tok.doc) else ""
    return low == "barrel" or low == "air" and nxt in ("force", "forces")


# Words that name a country's government forces by the regime they serve.
REGIME_WORDS = {"regime", "government", "pro-government", "pro-regime", "assad", "army",
                 "loyalist", "state"}


def attacker_words(tok: Token) -> list:
    """The words of an act's own phrase that may name who did it: its modifiers ("Russian
    airstrikes", "regime shelling", "coalition raids"), its possessor, its "by" agent
    ("bombs dropped by the regime"), a verb's subject ("warplanes struck"); never the
    target ("strikes on IS positions")."""
    words = []
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "nmod", "poss"):
            words += sorted(c.subtree, key=lambda t: t.i)
        elif c.dep_ == "agent" or c.dep_ == "prep" and c.lower_ in ("by", "from"):
            words += sorted(c.subtree, key=lambda t: t.i)
        elif c.dep_ == "nsubj" and tok.pos_ == "VERB":
            words += sorted(c.subtree, key=lambda t: t.i)
    if tok.dep_ in ("dobj", "nsubjpass") and tok.head.pos_ == "VERB":
        # "bombs dropped by helicopters", "the regime carried out air strikes"
        head = tok.head
        for c in head.children:
            if c.dep_ == "agent" or c.dep_ == "nsubj" and tok.dep_ == "dobj":
                words += sorted(c.subtree, key=lambda t: t.i)
    if tok.dep_ == "acl" or (tok.dep_ == "amod" and tok.head is not tok):
        words += [c for c in tok.head.children if c.dep_ in ("compound", "amod")]
    return [w for w in words if w.i != tok.i and w.lower_ not in ("on", "against")]


def claimant_words(sent: Span) -> list:
    """Who claimed the act: "a bomb claimed by X", "an attack claimed by X", "X claimed
    responsibility for the bombing"; not "X claimed that ..." (a statement)."""
    words = []
    for tok in sent:
        if tok.lemma_.lower() != "claim":
            continue
        for c in tok.children:
            if c.dep_ == "agent":
                words += sorted(c.subtree, key=lambda t: t.i)
                words += _name_after(c)
            elif c.dep_ == "nsubj" and any(
                    d.dep_ == "dobj" and d.lemma_.lower() in ("responsibility", "attack",
                                                             "bombing", "blast")
                    for d in tok.children):
                words += sorted(c.subtree, key=lambda t: t.i)
    return words


def _name_after(phrase: Token) -> list:
    """The name right after a phrase that the parser cut from it: "claimed by the group
    Jabhat al-Nusra" read with the name as the next clause's subject."""
    doc, sent = phrase.doc, phrase.sent
    j = max(t.i for t in phrase.subtree) + 1
    out = []
    while j < sent.end and (doc[j].pos_ == "PROPN" or doc[j].text == "-" and out):
        out.append(doc[j])
        j += 1
    return out


def conjoined_places(hit: PlaceHit | None, token_place: dict[int, PlaceHit], doc: Doc
                      ) -> list[PlaceHit]:
    """The towns coordinated with an event's town ("on Fuaa and Kafraya", "the villages of
    X, Y and Z"): each is a place of an incident of its own."""
    if hit is None or hit.chosen.kind != "populated_place":
        return []
    root = next((doc[i] for i in range(hit.start, hit.end)
                 if not hit.start <= doc[i].head.i < hit.end), None)
    if root is None:
        return []
    out: list[PlaceHit] = []
    for conj in root.conjuncts:
        other = token_place.get(conj.i)
        if other is not None and other is not hit and other not in out and \
                other.chosen.kind == "populated_place" and \
                other.chosen.geonames_id != hit.chosen.geonames_id:
            out.append(other)
    return out


def unnamed_territory(doc: Doc, target: list[Token], hit: PlaceHit | None) -> bool:
    """Whether a change of control at a province or a country is really at a town the text
    does not name again: "regained control of the village two days after it was seized"
    with only "Hasakeh province" or "Lebanon" at hand. The town taken
    is not the area; a named object the gazetteer does not know ("the village of Tal X",
    "in X village"), or "sites and hills in X district", stays."""
    if hit is None or not target:
        return False
    words = [t for head in target for t in _named_by(head)]
    if any(hit.start <= t.i < hit.end for t in words) or any(t.pos_ == "PROPN" for t in words):
        return False
    if not all(head.lemma_.lower() in _TOWN_WORDS and head.tag_ == "NN" and any(
            c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
            for head in target):
        return False
    if any(t.lower_ in _TOWN_WORDS and t.i > 0 and doc[t.i - 1].pos_ == "PROPN" and
           not hit.start <= t.i - 1 < hit.end for t in doc[hit.start].sent):
        return False  # "in Abebi village", a town the gazetteer does not know, is named
    area_word = hit.end < len(doc) and doc[hit.end].lower_ in _AREA_WORDS  # "X province"
    return hit.chosen.kind in ("admin_area", "country") or area_word


def _named_by(head: Token) -> list[Token]:
    """The words that name a place noun: itself, its modifiers and its "of X", not the
    place it lies in ("the village in Hama": village, the)."""
    out = [head]
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ != "of":
            continue
        out += _named_by(child)
    return out


_TOWN_WORDS = {"village", "town", "city", "locality", "hamlet", "neighbourhood",
               "neighborhood", "suburb"}
_AREA_WORDS = {"province", "governorate", "countryside", "region", "district"}
_NEIGHBOURING = {"neighbouring", "neighboring", "neighbour", "neighbor"}


def aside_country(sent: Span) -> str | None:
    """The country a sentence turns to in passing: "Meanwhile in neighbouring Iraq ..."."""
    for tok in sent:
        if tok.lower_ in _NEIGHBOURING and tok.i + 1 < sent.end:
            country = sent.doc[tok.i + 1]
            # The whole clause is set there ("in neighbouring Iraq, troops retook ..."),
            # not one thing in it ("a camp in neighbouring Mali").
            # (the parser may read "neighbouring" as a verb with the country its object).
            prep = country.head if country.dep_ == "pobj" else tok.head if (
                tok.dep_ == "pcomp" and country.head == tok) else None
            if prep is not None and prep.lower_ in ("in", "across") and \
                    prep.head.pos_ in ("VERB", "AUX"):
                return country_of(country.text)
    return None


def share_air_attacker(told: list[tuple[int, ExtractedEvent]]) -> None:
    """An air strike whose own words name no attacker ("fresh airstrikes hit Aleppo") was
    flown by the attacker the article names for its air strikes: the one named nearest
    before it, else the first named after ("... as Russian jets pounded the city")."""
    flown = [(i, a) for i, e in told if e.sub_event_type == "air_drone_strike"
             for a in e.actors[:1] if a.role == "initiator"]
    for i, event in told:
        if event.sub_event_type != "air_drone_strike" or any(
                a.role == "initiator" for a in event.actors):
            continue
        before = [a for j, a in flown if j <= i]
        after = [a for j, a in flown if j > i]
        pilot = before[-1] if before else after[0] if after else None
        if pilot is None:
            continue
        rest = [a for a in event.actors if a.name != pilot.name]
        event.actors = [EventActorRef(pilot.name, pilot.acled, "initiator",
                                      pilot.is_candidate), *rest]
