"""Events from sentence structure: who did what to where, read off the dependency parse.

A trigger is a verb (or noun) whose lemma says what happened; its subject, object, agent
and prepositional children say who and where. A control change needs a completed act on
a place: negated, attempted, planned, hypothetical, brief ("held for hours then
withdrew") or repelled acts are not control changes, nor is "captured 20 soldiers".
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Span, Token

from .dates import MONTHS
from .numbers import parse_number

# Verbs whose direct object is the place taken.
CAPTURE = {"capture", "seize", "recapture", "retake", "regain", "storm", "overrun", "liberate",
           "occupy", "overtake", "conquer", "reconquer", "reclaim", "secure", "re-capture",
           "retook", "clear", "free", "take"}
# Verbs that take control as their object: "took control of", "gained control over".
CONTROL_OBJECT = {"take", "gain", "establish", "assume", "seize", "regain", "claim", "wrest",
                  "restore", "extend", "impose", "retake", "reassert", "consolidate"}
# Moving in: entering a town, pushing into it, is not yet holding it ("troops entered X",
# "pushed into the western part of X"); only words of control say so.
ENTER = {"enter", "advance", "push", "move", "sweep", "roll", "march"}
FALL = {"fall"}
WITHDRAW = {"withdraw", "retreat", "pull", "flee", "evacuate", "abandon"}
HAND = {"hand", "cede", "surrender", "transfer"}
# Verbs that put the other side out of a place: "drove X out of P", "expelled X from P".
EXPEL = {"expel", "drive", "push", "oust", "dislodge", "evict", "kick", "chase", "force",
         "rout", "flush", "eject"}
# Whom driving out of a place makes it change hands: armed men or a named group, not
# "protesters" or "hundreds of families".
ARMED_NOUNS = {"force", "fighter", "militant", "rebel", "troop", "soldier", "militia",
               "militiaman", "insurgent", "jihadist", "army", "gunman", "unit", "group",
               "faction", "combatant", "element", "member"}
# Heads under which an act did not (yet) happen.
BLOCKERS = {"attempt", "try", "aim", "plan", "seek", "intend", "threaten", "vow", "prepare",
            "hope", "want", "fail", "prevent", "stop", "block", "repel", "repulse", "thwart",
            "foil", "deny", "bid", "effort", "push", "attack", "offensive", "advance",
            "mobilize", "mobilise", "reinforce", "resist", "warn", "order", "expect", "need",
            "propose", "demand", "call", "urge", "struggle", "strive", "able"}
DENIAL = {"deny", "refute", "dismiss", "reject", "rebut", "disprove"}
ALLOWING = {"manage", "succeed", "claim", "report", "say", "appear", "seem", "announce"}
MODALS = {"will", "would", "could", "might", "may", "should", "must", "can", "shall", "'ll"}
BRIEF = {"briefly", "temporarily", "momentarily", "almost", "nearly", "partially"}
PEOPLE = {"soldier", "troop", "fighter", "prisoner", "member", "commander", "civilian",
          "people", "man", "woman", "child", "militant", "rebel", "officer", "weapon",
          "vehicle", "tank", "ammunition", "hostage", "person", "policeman", "leader",
          "drone", "truck", "car", "cattle", "gun", "arm", "boat", "journalist", "worker",
          "individual", "suspect", "resident", "family", "mercenary", "guard", "militiaman",
          "he", "she", "him", "her", "they", "them"}
PLACE_NOUNS = {"village", "town", "city", "area", "base", "position", "hill", "mount",
               "mountain", "checkpoint", "neighborhood", "neighbourhood", "district", "site",
               "post", "airport", "airbase", "countryside", "part", "front", "camp", "crossing",
               "station", "road", "highway", "bridge", "region", "territory", "locality", "point",
               "outpost", "headquarters", "compound", "garrison", "building", "center", "centre",
               "zone", "axis", "valley", "plain", "island", "port", "hilltop", "ridge", "location",
               "sector", "settlement", "suburb", "province", "governorate", "county", "farm",
               "school", "hospital", "factory", "plant", "facility", "field", "oilfield",
               "administration", "quarter", "market", "capital", "stronghold", "enclave"}
PEOPLE_NOUNS = {"civilian", "people", "resident", "person", "family", "refugee", "inhabitant",
                "villager", "child", "woman", "man", "individual", "household", "fighter",
                "soldier", "militant", "member", "troop", "policeman", "rebel", "combatant"}
SIEGE = {"surround", "encircle", "besiege", "siege", "encirclement", "blockade", "cordon",
         "blockaded", "encircled", "besieged"}
AIR = {"airstrike", "airstrikes", "air-strike", "raid", "bomb", "bombard", "bombardment",
       "bombing", "warplane", "strike", "drone"}
SHELL = {"shell", "shelling", "artillery", "mortar", "rocket", "missile", "bombard"}
BATTLE = {"clash", "fight", "fighting", "battle", "attack", "ambush", "engage", "confrontation",
          "skirmish", "offensive", "assault", "gunfire", "firefight", "infiltration", "storm",
          "raid", "shoot", "combat"}
# What flies, and what it does to a place when it is the subject: an air strike.
AIRCRAFT = {"warplane", "jet", "aircraft", "helicopter", "drone", "plane", "bomber",
            "gunship", "fighter-bomber"}
AIRCRAFT_VERBS = {"pound", "hit", "strike", "target", "attack", "raid", "shell", "bomb",
                  "bombard", "fire", "blast"}
KILL = {"kill", "die", "dead", "wound", "injure", "death", "fatality", "casualty", "slay",
        "massacre", "killing", "execute", "assassinate", "murder", "behead", "eliminate",
        "martyr"}
# Of the casualty words, those that count the dead: the wounded are not fatalities.
DEATH = (KILL - {"wound", "injure", "casualty"}) | {"killed"}
DISPLACE = {"flee", "displace", "leave", "evacuate", "displacement", "exodus", "uproot",
            "escape"}
# Explosions: a remote explosive, a suicide or a chemical attack, as the means words say.
EXPLODE = {"explosion", "blast", "explode", "detonate", "exploded", "detonated"}
# Heads under which an act is only threatened, feared, planned or spoken about.
UNREAL = {"threaten", "warn", "plan", "vow", "prepare", "fear", "prevent", "deny", "threat",
          "risk", "avoid", "possibility", "would", "could", "allege", "hypothetical"}
# Detentions and abductions by armed groups ("gunmen detained two men in Afrin").
DETAIN = {"arrest", "detain", "abduct", "kidnap"}
VIOLATION = {"ignore", "violate", "violation", "breach", "despite", "defy", "ignoring",
             "contravene", "disregard", "undermine"}


@dataclass(slots=True)
class Trigger:
    """A recognised act: its type, head token and the tokens it points at."""

    type: str
    token: Token
    target: list[Token] = field(default_factory=list)  # heads whose subtrees hold the place
    gainer: list[Token] = field(default_factory=list)  # heads whose subtrees hold the actor
    loser: list[Token] = field(default_factory=list)
    gainer_is_opponent: bool = False  # "X withdrew from P": the other side gains
    confidence: float = 0.8
    count: int | None = None


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _pobj(tok: Token, *preps: str) -> list[Token]:
    out = []
    for prep in tok.children:
        if prep.dep_ in ("prep", "agent", "dative") and prep.lower_ in preps:
            out += [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    return out


def _with_conj(tokens: list[Token]) -> list[Token]:
    out = []
    for tok in tokens:
        out.append(tok)
        out += [c for c in tok.conjuncts if c.i > tok.i]
    return out


_PRONOUNS = {"it", "they", "he", "she", "we"}


def subject_of(tok: Token) -> list[Token]:
    """The subject of a verb, inherited from the verb it is coordinated with or
    controlled by ("forces advanced and took", "claimed to have taken")."""
    seen = 0
    while tok is not None and seen < 6:
        subj = _children(tok, "nsubj", "csubj")
        if subj and all(s.lower_ in _PRONOUNS for s in subj) and tok.dep_ == "ccomp" and \
                tok.head is not tok and subject_of(tok.head):
            # "Al Shabaab claimed that it had captured X": "it" is the one who claims.
            return subject_of(tok.head)
        if subj:
            return _with_conj(subj)
        if tok.dep_ in ("conj", "xcomp", "advcl") and tok.head is not tok:
            tok = tok.head
            seen += 1
            continue
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head is not tok.head:
            tok = tok.head.head  # "forces advanced after having taken X": the forces
            seen += 1
            continue
        if tok.dep_ in ("acl", "relcl") and tok.head is not tok:
            return [tok.head]
        return []
    return []


def is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or (
        tok.dep_ == "acl" and tok.tag_ == "VBN")


# "after (having) taken X": the act is over before the main clause.
_BEFORE_MAIN = {"after", "following", "upon"}
_GIVING_UP = {"withdraw", "retreat", "pull", "abandon", "lose", "flee"}


def _past_and_done(able: Token) -> bool:
    """"were able to", "had been able to": past and not negated (an ability, not a plan)."""
    copula = able.head if able.dep_ == "acomp" else None
    if copula is None or copula.lemma_ != "be" or copula.tag_ not in ("VBD", "VBN"):
        return False
    return not any(c.dep_ == "neg" for t in (able, copula) for c in t.children)


def blocked(tok: Token) -> str | None:
    """Why the act of ``tok`` did not happen as stated, or None."""
    for c in tok.children:
        if c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no"):
            return "negated"
        if c.dep_ == "aux" and c.lower_ in MODALS:
            return "modal"
        if c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"):
            return "hypothetical"
        if c.dep_ == "advmod" and c.lower_ in BRIEF:
            return "brief"
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children)
    node = tok
    for _ in range(6):
        if node.dep_ in ("ROOT", "conj") or node.head is node:
            break
        head = node.head
        lemma = head.lemma_.lower()
        if lemma == "able" and _past_and_done(head):
            return _undone(tok)  # "QSD were able to recapture the area": they did
        if node.dep_ == "pcomp" and head.lower_ in _BEFORE_MAIN:
            # "advanced on Sevare after having taken Douentza": done before whatever the
            # main clause tells, unless that gives it up ("withdrew after seizing it").
            if head.head.lemma_.lower() in _GIVING_UP and head.head.pos_ == "VERB":
                return "undone"
            return _undone(tok)
        if lemma in ALLOWING or (perfect and lemma in ("claim",)):
            # "denied reports that it had captured X": what is reported is denied.
            if any(a.lemma_.lower() in DENIAL for a in (head, *head.ancestors)):
                return "denied"
            return None
        if lemma in BLOCKERS and node.dep_ in ("xcomp", "ccomp", "acl", "advcl", "pcomp", "pobj",
                                               "prep", "relcl", "dobj", "nsubj"):
            return f"under '{head.text}'"
        if head.lemma_.lower() in MODALS:
            return "modal"
        node = head
    if infinitive and not perfect and tok.dep_ in ("advcl", "acl", "xcomp", "relcl"):
        return "purpose"
    return _undone(tok)


def _undone(tok: Token) -> str | None:
    """"held it for hours", "then withdrew": a capture that was given up again."""
    sent = tok.sent
    later = [t for t in sent if t.i > tok.i]
    for t in later:
        lemma = t.lemma_.lower()
        earlier = any(c.dep_ == "aux" and c.lower_ in ("having", "had") for c in t.children)
        if lemma in ("withdraw", "retreat", "pull", "expel", "push", "drive", "lose", "recapture",
                     "retake", "abandon") and t.pos_ == "VERB" and not earlier:
            related = t.head == tok or t in tok.subtree or t.head == tok.head and t.dep_ == "conj"
            own_subject = [s for s in _children(t, "nsubj", "nsubjpass")
                           if s.lower_ not in ("they", "it", "he", "she")]
            if related and (not own_subject or lemma in ("expel", "push", "drive")):
                return "undone"
        if lemma == "hour" and any(w.lower_ in ("for", "within", "after") for w in t.ancestors
                                   if w.i > tok.i):
            return "held for hours"
    return None


def _background(tok: Token) -> bool:
    """"He was arrested when regime forces regained control of X": a control change told
    as the time of something else is background, not news."""
    if _long_ago(tok):
        return True
    if tok.dep_ != "advcl" or tok.head is tok:
        return False
    marks = {c.lower_ for c in tok.children if c.dep_ in ("mark", "advmod")}
    head = tok.head.lemma_.lower()
    event_words = CAPTURE | CONTROL_OBJECT | ENTER | WITHDRAW | SIEGE | BATTLE | KILL | DISPLACE
    return bool(marks & {"when", "since", "until", "once"}) and head not in event_words


def _long_ago(tok: Token) -> bool:
    """"the village, captured by rebels earlier this year", "seized last year", "taken
    months ago": an act its own words date long before the news is background."""
    for c in tok.children:
        if c.dep_ not in ("npadvmod", "advmod", "prep") or c.lower_ not in (
                "year", "years", "month", "months", "ago", "in", "earlier", "last"):
            if c.dep_ != "npadvmod":
                continue
        words = {t.lower_ for t in c.subtree}
        if words & {"year", "years"} and words & {"this", "last", "ago", "earlier"} or \
                words & {"months"} and words & {"ago", "last", "past"}:
            return True
    return False


# Buildings and things: storming or seizing them is a raid or a clash, not a change of
# who holds a place ("stormed the embassy", "seized the warehouse", "captured a cell").
BUILDINGS = {"building", "compound", "embassy", "warehouse", "house", "home", "office",
             "headquarters", "hq", "prison", "jail", "depot", "store", "shop", "shipment",
             "convoy", "cell", "stronghold", "position", "hideout", "den", "hotbed", "bank",
             "mosque", "church", "consulate", "ministry", "palace", "residence",
             "apartment", "flat", "room", "cache", "weapon", "arm", "ammunition", "aid",
             "truck", "lorry", "vehicle", "tank", "car", "boat", "ship", "plane", "goods",
             "property", "land", "farmland", "crop", "oil", "money"}


def _territory(trig: Trigger, lemma: str, is_place) -> bool:
    """Whether what a capture verb takes is territory: a place the gazetteer knows or a
    place word, not a building, a thing or a group of people."""
    if lemma not in CAPTURE and lemma not in CONTROL_OBJECT:
        return True
    heads = [t for t in trig.target]
    if any(h.lemma_.lower() in BUILDINGS and not is_place(h) for h in heads):
        return False
    if any(is_place(t) for h in heads for t in h.subtree):
        return True
    if any(h.pos_ == "PROPN" for h in heads):
        return True  # a place the gazetteer does not know: "captured Barna"
    return any(t.lemma_.lower() in PLACE_NOUNS and t.lemma_.lower() not in BUILDINGS
               for h in heads for t in h.subtree)


_HOLDING = {"hand", "control", "grip", "possession", "rule", "sway", "occupation"}


# Withdrawals that leave a place held as before: from positions or the outskirts, tactical
# pullbacks, withdrawals only reported or rumoured (ACLED: movements of forces).
_PARTIAL_PLACES = {"position", "area", "vicinity", "outskirt", "outskirts", "part", "point",
                   "post", "checkpoint", "front", "line", "frontline", "base", "site",
                   "edge", "surroundings", "environs"}
_HEARSAY = {"rumour", "rumor", "speculation", "unconfirmed", "unverified", "allegation"}
_HEDGES = {"reportedly", "tactically", "allegedly", "partially", "partly", "temporarily",
           "briefly", "apparently", "rumoured", "rumored"}


def _partial_withdrawal(tok: Token) -> bool:
    """"withdrew from positions near X", "tactically withdrew", "reportedly withdrew"."""
    if any(c.dep_ == "advmod" and c.lower_ in _HEDGES for c in tok.children):
        return True
    # Hearsay and claims hedge a withdrawal; attribution does not: news is told by someone
    # ("X withdrew from P, local sources said" is a withdrawal).
    if tok.head is not tok and tok.dep_ in ("xcomp", "ccomp") and tok.head.lemma_.lower() in (
            "rumour", "rumor", "claim", "appear", "seem"):
        return True
    # "rumours (spread) that X had withdrawn", "unconfirmed reports that X withdrew"
    if any(a.lemma_.lower() in _HEARSAY or
           any(c.lemma_.lower() in _HEARSAY for c in a.children if c.dep_ in ("nsubj", "amod"))
           for a in tok.ancestors):
        return True
    for place in _pobj(tok, "from"):
        if place.lemma_.lower() in _PARTIAL_PLACES or any(
                t.lower_ in ("near", "around", "outside") for t in place.subtree):
            return True
    return False


def _is_people(tok: Token) -> bool:
    return tok.lemma_.lower() in PEOPLE and tok.ent_type_ not in ("GPE", "LOC", "FAC")


def _in_date(t: Token) -> bool:
    """Whether ``t`` is part of a written date: a month, or a number beside one."""
    def month(i: int) -> bool:
        return 0 <= i < len(t.doc) and t.doc[i].lower_.rstrip(".") in MONTHS

    return month(t.i) or (t.like_num and (month(t.i - 1) or month(t.i + 1)))


def _number_of(noun: Token) -> int | None:
    """The count written before a noun: "about 170 thousand civilians", "8 policemen",
    "12,000 displaced people"."""
    words = []
    for t in noun.doc[max(noun.sent.start, noun.i - 6):noun.i]:
        if _in_date(t) or re.fullmatch(r"(?:19|20)\d\d", t.text):
            words = []  # "On 21 February 2020 6 shepherds": 6, not 2020; "in 2016": a year
        elif t.like_num or t.lower_ in ("thousand", "million", "hundred", "dozens", "hundreds",
                                      "thousands", "and") or t.lower_ in ("-",) or (
                words and t.lower_ in ("to", "–")):  # "two to three civilians"
            words.append(t.text)
        elif words and t.dep_ in ("amod", "compound") and not t.like_num and \
                noun in t.ancestors:
            continue  # words of the noun between it and its count ("3 Islamist faction")
        elif words:
            words = []
    if not words:
        return None
    return parse_number(" ".join(words).replace(" - ", "-"))


_IRREGULAR = {"take": ("took", "taken"), "retake": ("retook", "retaken"),
              "overtake": ("overtook", "overtaken"), "overrun": ("overran",),
              "withdraw": ("withdrew", "withdrawn"), "flee": ("fled",),
              "expel": ("expelled", "expelling"), "drive": ("drove", "driven")}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _forms(lemma: str) -> set[str]:
    """A verb's written forms: "seize" -> seize, seizes, seized, seizing."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    past = lemma[:-1] + "ied" if lemma.endswith("y") and lemma[-2] not in "aeiou" else (
        lemma + "d" if lemma.endswith("e") else lemma + "ed")
    third = lemma[:-1] + "ies" if past.endswith("ied") else lemma + "s"
    return {lemma, third, past, stem + "ing", *_IRREGULAR.get(lemma, ())}


def _one_edit(word: str) -> set[str]:
    """Every string one typing slip from ``word``: a letter dropped, added, changed or two
    swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS}) - {word}


@cache
def control_verb_forms() -> dict[str, str]:
    """Written forms of the control verbs -> the verb ("expelled" -> "expel")."""
    return {form: lemma for lemma in CAPTURE | CONTROL_OBJECT | WITHDRAW | EXPEL
            if "-" not in lemma for form in _forms(lemma)}


@cache
def misspelt_control_verbs() -> dict[str, str]:
    """Misspelt forms of the control verbs ("siezed", "regianed", "captued") -> the verb.

    Only forms of six letters or more, and a slip two verbs could come from is left out."""
    forms = control_verb_forms()
    found: dict[str, str | None] = {}
    for form, lemma in forms.items():
        if len(form) < 6:
            continue
        for slip in _one_edit(form) - forms.keys():
            found[slip] = lemma if found.get(slip, lemma) == lemma else None
    return {slip: lemma for slip, lemma in found.items() if lemma}


def verb_lemma(tok: Token, known: Collection[str] = ()) -> str:
    """``tok``'s lemma; a verb whose lemma is no known word (``known``: the lemmatizer's
    word list) is read as the control verb it is a form of ("expelled", which the
    lemmatizer leaves as it is) or one slip from ("siezed")."""
    lemma = tok.lemma_.lower()
    forms = control_verb_forms()
    if tok.pos_ == "VERB" and lemma == tok.lower_ and lemma in forms:
        return forms[lemma]
    if known and tok.pos_ == "VERB" and lemma not in known:
        return misspelt_control_verbs().get(tok.lower_, lemma)
    return lemma


def _expelled_from(tok: Token, expelled: list[Token]) -> list[Token]:
    """The place a verb of EXPEL puts ``expelled`` out of: "drove X out of P", "expelled X
    from P" (the "from" may hang off X), "pushed them out of P" parsed flat."""
    out = _pobj(tok, "from") + [p for x in expelled for p in _pobj(x, "from")]
    for part in tok.children:
        if part.lower_ == "out" and part.dep_ in ("prep", "prt", "advmod"):
            out += _pobj(part, "of") or _pobj(tok, "of")
    return out


def control_triggers(sent: Span, is_place, known: Collection[str] = ()) -> list[Trigger]:
    """Control changes stated by ``sent``; ``is_place(token)`` says if a token is in a place
    mention; ``known``: the words the lemmatizer knows (see ``verb_lemma``)."""
    out: list[Trigger] = []
    for tok in sent:
        lemma = verb_lemma(tok, known)
        # "P was overrun by X", the participle tagged a noun: passive all the same.
        mistagged = tok.pos_ in ("NOUN", "ADJ") and tok.dep_ in ("attr", "acomp") and any(
            c.dep_ == "agent" for c in tok.children)
        if tok.pos_ not in ("VERB", "AUX") and not mistagged and not (
                tok.pos_ == "NOUN" and lemma == "control"):
            continue
        trig = None
        prt = {c.lower_ for c in tok.children if c.dep_ == "prt"}
        dobj = _with_conj(_children(tok, "dobj"))
        passive = is_passive(tok) or mistagged
        ctrl = [d for d in dobj if d.lemma_.lower() in ("control", "hold", "grip")]
        if ctrl and ctrl[0].lemma_.lower() in ("hold", "grip") and not _pobj(ctrl[0], "of",
                                                                              "over", "on"):
            ctrl = []  # "the truce took hold in X": an idiom, not control
        if lemma in CONTROL_OBJECT and ctrl:
            target = _pobj(ctrl[0], "of", "over", "on", "in") or _pobj(tok, "of", "over", "in")
            trig = Trigger("control_change", tok, target, subject_of(tok), confidence=0.9)
        elif lemma in ("take", "hand") and "over" in prt or lemma == "take" and \
                any(_pobj(tok, "over")):
            target = dobj or _children(tok, "nsubjpass") or _pobj(tok, "over")
            if lemma == "hand":
                trig = Trigger("control_change", tok, target, _pobj(tok, "to"),
                               loser=subject_of(tok), confidence=0.8)
            else:
                trig = Trigger("control_change", tok, target, subject_of(tok), confidence=0.85)
        elif lemma in CAPTURE and lemma != "take" or (lemma == "take" and dobj and any(
                is_place(d) or d.lemma_.lower() in PLACE_NOUNS for d in dobj)):
            if passive:
                target = _children(tok, "nsubjpass") or ([tok.head] if tok.dep_ == "acl" else
                                                         _children(tok.head, "nsubj")
                                                         if mistagged else [])
                gainer = _pobj(tok, "by")
                loser = _pobj(tok, "from")
                trig = Trigger("control_change", tok, target, gainer, loser,
                               gainer_is_opponent=not gainer, confidence=0.8)
            else:
                target = dobj or _pobj(tok, "of")
                trig = Trigger("control_change", tok, target, subject_of(tok),
                               loser=_pobj(tok, "from"), confidence=0.9)
            if lemma in ("clear", "free", "secure") and not any(is_place(t) for d in target
                                                                for t in d.subtree):
                trig = None
        elif lemma in EXPEL and tok.pos_ == "VERB":
            expelled = _children(tok, "nsubjpass") if passive else dobj
            out_of = _expelled_from(tok, expelled)
            if any(t.pos_ == "PROPN" or t.lemma_.lower() in ARMED_NOUNS for t in expelled) \
                    and any(is_place(p) or p.lemma_.lower() in PLACE_NOUNS for p in out_of):
                gainer = _pobj(tok, "by") if passive else subject_of(tok)
                trig = Trigger("control_change", tok, out_of, gainer, loser=expelled,
                               gainer_is_opponent=not gainer, confidence=0.75)
        elif lemma in ("be", "control") and tok.dep_ != "relcl" and any(
                c.dep_ == "advmod" and c.lower_ == "now" for c in tok.children):
            # "now" tells a change: "X is now in control of P", "P is now under the control
            # of X" / "under X control", "X now controls P"; not "remained in control", nor
            # a group described in passing ("IS, which now controls much of the east").
            in_ctrl = [p for p in _pobj(tok, "in") if p.lemma_.lower() == "control"]
            under = [p for p in _pobj(tok, "under") if p.lemma_.lower() == "control"]
            if lemma == "control" and dobj:
                trig = Trigger("control_change", tok, dobj, subject_of(tok), confidence=0.6)
            elif in_ctrl and _pobj(in_ctrl[0], "of"):
                trig = Trigger("control_change", tok, _pobj(in_ctrl[0], "of"), subject_of(tok),
                               confidence=0.6)
            elif under and subject_of(tok):
                trig = Trigger("control_change", tok, subject_of(tok),
                               _pobj(under[0], "of") or under, confidence=0.6)
        elif lemma in FALL and (_pobj(tok, "to") or any(
                p.lemma_.lower() in _HOLDING for p in _pobj(tok, "into", "under"))):
            # "fell to X", "fell into the hands of X", "under X's control"; not "shells
            # fell into the morning on P".
            gainer = _pobj(tok, "to")
            for p in _pobj(tok, "into", "under"):
                gainer += _pobj(p, "of")
            trig = Trigger("control_change", tok, subject_of(tok), gainer,
                           gainer_is_opponent=not gainer, confidence=0.85)
        elif lemma == "come" and any(p.lemma_.lower() == "control" for p in _pobj(tok, "under")):
            ctrl_tok = next(p for p in _pobj(tok, "under") if p.lemma_.lower() == "control")
            trig = Trigger("control_change", tok, subject_of(tok), _pobj(ctrl_tok, "of"),
                           confidence=0.75)
        elif lemma in WITHDRAW and tok.pos_ == "VERB" and not dobj and (
                _pobj(tok, "from") or "out" in prt) and not _partial_withdrawal(tok):
            target = _pobj(tok, "from") or _pobj(tok, "of")
            trig = Trigger("control_change", tok, target, [], loser=subject_of(tok),
                           gainer_is_opponent=True, confidence=0.6)
        if trig is None:
            continue
        if _background(tok):
            continue
        if trig.target and not _territory(trig, lemma, is_place):
            continue  # "seized shipments", "stormed the embassy", "captured a cell"
        if trig.target and all(_is_people(t) for t in trig.target):
            continue  # "captured 20 soldiers" is not territory
        if not trig.target and not ctrl and not any(is_place(t) for t in sent if t.i > tok.i):
            continue
        if blocked(tok):
            continue
        out.append(trig)
    return out


# Verbs whose subject is who they happen to, not who does them.
_UNDERGONE = {"die", "flee", "perish", "escape", "leave", "evacuate"}
# People named by what they do: "commander", "servant", "journalist", "guardsman".
_AGENT_SUFFIX = re.compile(r"(?:er|or|ist|ant|ent|man|ian|ee|ive|ier)$")
# People named otherwise: "a teenager", "a shepherd".
_PERSON_WORDS = {"girl", "boy", "youth", "teenager", "baby", "infant", "mother", "father",
                 "son", "daughter", "brother", "sister", "wife", "husband", "body", "elder",
                 "chief", "official", "guard", "journalist", "doctor", "nurse", "student",
                 "pupil", "shepherd", "merchant", "individual", "person", "militant",
                 "sheikh", "imam", "priest", "judge", "activist", "cleric"}
_NOT_PEOPLE = {"number", "unknown", "other", "center", "centre", "quarter", "border",
               "corner", "water", "shelter", "tower", "river", "order", "sector", "event",
               "incident", "element", "department", "government", "settlement", "tent"}


def _victims(tok: Token) -> list[Token]:
    """The nouns a casualty or displacement word counts: "170 thousand civilians fled",
    "killing 8 policemen", "a civilian was shot and killed", "left 20 people dead",
    "12,000 displaced people", "20 deaths"."""
    if tok.dep_ == "amod" or (tok.dep_ == "acl" and is_passive(tok)):
        return [tok.head]  # "wounded civilians", "civilians killed in the strike"
    if tok.pos_ == "NOUN":
        return [tok, *_pobj(tok, "of")]
    if tok.pos_ == "ADJ":  # "left 20 people dead", "was shot dead"
        head = tok.head if tok.dep_ in ("oprd", "acomp", "xcomp", "ccomp") else None
        return (_children(head, "dobj") or _children(head, "nsubjpass")) if head else []
    # "170 thousand civilians fled Maarat": what they flee or leave is a place; not in
    # "left 5,000 people homeless".
    place_object = tok.lemma_.lower() in ("flee", "leave", "escape") and not any(
        t.lemma_.lower() in PEOPLE_NOUNS for t in _children(tok, "dobj"))
    objects = [] if place_object else (_children(tok, "dobj") or _pobj(tok, "between"))
    if _counts_deaths(tok):
        # "8 persons killed 58 others injured": the object is counted by the injury word.
        objects = [o for o in objects if not _injury_counted(o)]
    if objects:
        return objects
    subjects = _children(tok, "nsubjpass", "nsubj")
    if len(subjects) > 1:
        # "Four troops wounded, fifteen members killed", parsed as two subjects of
        # "killed": the count is the nearest one's.
        return [max((t for t in subjects if t.i < tok.i), default=subjects[0],
                    key=lambda t: t.i)]
    if subjects:
        return subjects
    # Inherited through coordination: a passive subject ("a civilian was shot and
    # killed"), or the subject of a verb that happens to it ("fled and died").
    cur, hops = tok, 0
    while cur.dep_ in ("conj", "xcomp") and cur.head is not cur and hops < 4:
        cur, hops = cur.head, hops + 1
        passive = _children(cur, "nsubjpass")
        if passive:
            return passive
        if tok.lemma_.lower() in _UNDERGONE and _children(cur, "nsubj"):
            return _children(cur, "nsubj")
    if cur.dep_ in ("acl", "relcl") and cur.head is not cur and is_passive(cur):
        return [cur.head]
    return []


def _one_person(noun: Token) -> bool:
    """A single person named without a number: "a former commander", "an individual"."""
    if noun.tag_ not in ("NN", "NNP") or not any(
            c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "another", "one")
            for c in noun.children):
        return False
    lemma = noun.lemma_.lower()
    return lemma in PEOPLE_NOUNS or lemma in _PERSON_WORDS or (
        lemma not in _NOT_PEOPLE and bool(_AGENT_SUFFIX.search(lemma)))


def _injury_counted(noun: Token) -> bool:
    """Whether an injury word counts ``noun``: "over 400 wounded", "58 others injured"."""
    return noun.lemma_.lower() in ("wound", "injure") or noun.lower_ in ("wounded", "injured") \
        or any(c.dep_ in ("acl", "amod") and c.lemma_.lower() in ("wound", "injure")
               for c in noun.children)


def _counts_deaths(tok: Token) -> bool:
    return tok.lemma_.lower() in DEATH or tok.lower_ in DEATH


def other_triggers(sent: Span) -> list[Trigger]:
    """Battles, strikes, shelling, sieges, displacement and casualties in ``sent``."""
    out: list[Trigger] = []
    seen: set[str] = set()
    for tok in sent:
        lemma = tok.lemma_.lower()
        low = tok.lower_
        kind = None
        if lemma in SIEGE or low in SIEGE:
            kind = "siege"
        elif low in ("airstrike", "airstrikes") or (lemma in ("strike", "raid") and any(
                c.lower_ in ("air", "drone", "aerial") for c in tok.children)) or \
                lemma in ("bomb", "bombard", "bombing") or low == "warplanes" or (
                    tok.pos_ == "VERB" and lemma in AIRCRAFT_VERBS and any(
                        s.lemma_.lower() in AIRCRAFT for s in subject_of(tok))):
            kind = "air_strike"  # ... or "Russian jets pounded X", "drones struck Y"
        elif lemma in SHELL or low.startswith("shell"):
            kind = "shelling"
        elif lemma in EXPLODE or low in EXPLODE or lemma == "blow" and any(
                c.dep_ == "prt" and c.lower_ == "up" for c in tok.children):
            kind = "explosion"  # ... "a suicide bomber blew himself up"
        elif lemma in KILL or low in ("killed", "killing", "wounded", "injured", "dead"):
            kind = "casualties" if _counts_deaths(tok) else "injuries"
        elif lemma in DISPLACE and tok.pos_ in ("VERB", "NOUN"):
            # "displaced civilians from Rural Damascus" says who the people are, not that
            # they were displaced then; "12,000 displaced people" counts a displacement.
            if tok.dep_ == "amod" and _number_of(tok.head) is None and \
                    _number_of(tok) is None:
                continue
            # "left 7 people dead": a toll, not people leaving.
            if lemma == "leave" and any(
                    t.lemma_.lower() in KILL or t.lower_ in KILL
                    for c in _children(tok, "dobj", "oprd", "xcomp", "ccomp", "acomp")
                    for t in (c, *c.children)):
                continue
            subj = subject_of(tok) + _children(tok, "nsubjpass", "dobj")
            # People leave, not convoys; "thousands of families" are people too.
            people = subj + [p for s in subj if s.like_num or s.lemma_.lower() in (
                "thousand", "hundred", "dozen", "million") for p in _pobj(s, "of")]
            if lemma in ("leave", "escape", "evacuate") and not any(
                    s.lemma_.lower() in PEOPLE_NOUNS for s in people):
                continue
            kind = "displacement"
        elif lemma in BATTLE and tok.pos_ in ("VERB", "NOUN"):
            kind = "battle"
        elif lemma in DETAIN and tok.pos_ in ("VERB", "NOUN"):
            kind = "other"
        if kind is None:
            continue
        if kind in seen:
            # "Five were wounded and two killed": the death word, which gives the count.
            if kind != "casualties" or not _counts_deaths(tok) or any(
                    t.type == kind and _counts_deaths(t.token) for t in out):
                continue
            out = [t for t in out if t.type != kind]
        if kind not in ("casualties", "injuries") and (
                blocked(tok) in ("negated", "modal", "hypothetical") or _unreal(tok)):
            continue
        # Who did it: the subject, or the agent of a passive ("was killed by gunmen").
        doer = ([] if is_passive(tok) else subject_of(tok)) or _pobj(tok, "by") or [
            a for c in tok.conjuncts for a in _pobj(c, "by")]  # "was shot and killed by X"
        trig = Trigger(kind, tok, [tok], doer, confidence=0.7)
        if kind in ("casualties", "injuries", "displacement"):
            nouns = _victims(tok)
            for noun in _with_conj(nouns):
                if noun not in nouns and (tok in nouns or nouns[0].i < tok.i < noun.i or (
                        kind == "casualties" and _injury_counted(noun))):
                    # "100 people killed and over 400 wounded", "6 martyrs and 20 injured"
                    continue
                number = _number_of(noun)
                if number is None and noun.like_num and not _in_date(noun) and \
                        not re.fullmatch(r"(?:19|20)\d\d", noun.text):
                    number = parse_number(noun.text)  # "15 killed 20 injured"
                if number is None and kind in ("casualties", "injuries") and _one_person(noun):
                    number = 1  # "killed a former commander", "a man was shot dead"
                if number is not None:
                    trig.count = (trig.count or 0) + number
            if kind in ("casualties", "injuries") and trig.count is None:
                # "five were wounded and two killed": the count is the verb's own.
                numbers = [parse_number(t.text) for t in tok.children
                           if t.like_num and t.i < tok.i and not _in_date(t)
                           and not re.fullmatch(r"(?:19|20)\d\d", t.text)]
                trig.count = next((n for n in numbers if n is not None), None)
        if kind == "siege":
            trig.target = _children(tok, "dobj", "nsubjpass") or _pobj(tok, "of", "on") or [tok]
        out.append(trig)
        seen.add(kind)
    return out


def _unreal(tok: Token) -> bool:
    """An act under a threat, a warning, a plan or a fear ("threatened to shoot down",
    "warned of strikes on X"): not an act that happened."""
    node = tok
    for _ in range(5):
        if node.head is node:
            return False
        node = node.head
        if node.lemma_.lower() in UNREAL:
            return True
        if any(c.dep_ == "aux" and c.lower_ in ("would", "could", "might", "may")
               or c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
            return True  # "if confirmed it would be the first attack on X"
        if node.dep_ == "ROOT":
            return False
    return False


# Verbs and nouns that only speak of an incident told elsewhere: "condemned the attack",
# "blamed X for the bombing", "after the attack", "responsible for the massacre".
REFERRING = {"condemn", "accuse", "blame", "discuss", "investigate", "probe", "denounce",
             "responsible", "responsibility", "claim", "criticise", "criticize", "mark",
             "after", "following", "since", "aftermath", "response", "retaliation",
             "meeting", "investigation", "deny", "like", "than", "anniversary", "report",
             "evidence", "victim", "use", "allegation", "about", "over", "regarding",
             }


def referring(tok: Token) -> bool:
    """Whether the noun ``tok`` (an "attack", a "bombing") only refers to an incident
    told elsewhere in the article, as the object of a statement or a time adverbial."""
    return anaphoric(tok) or spoken_of(tok)


def anaphoric(tok: Token) -> bool:
    """"the attack", "these strikes": named again after being told (or told once so)."""
    return tok.pos_ == "NOUN" and any(
        c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "these", "that", "those",
                                                   "its", "their", "such")
        for c in tok.children) and tok.tag_ in ("NN", "NNS") and not any(
        c.dep_ in ("compound", "amod", "nummod") for c in tok.children)


def spoken_of(tok: Token) -> bool:
    """"condemned the attack", "after the bombing", "responsible for the massacre"."""
    if tok.pos_ != "NOUN":
        return False
    node = tok
    for _ in range(3):
        if node.head is node:
            return False
        head = node.head
        if head.lemma_.lower() in REFERRING or head.lower_ in REFERRING:
            return True
        if head.pos_ == "VERB" and head.lemma_.lower() not in REFERRING:
            return False
        node = head
    return False


def violated_accords(sent: Span) -> bool:
    """Whether ``sent`` says an act went against an accord ("ignoring the Astana accords")."""
    return any(t.lemma_.lower() in VIOLATION or t.lower_ in VIOLATION for t in sent)
