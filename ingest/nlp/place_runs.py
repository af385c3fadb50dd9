"""Where a text may name a place: token runs to look up in the gazetteer, Django-free.

The model's GPE/LOC/FAC entities (and ORG/PERSON ones, which the small model gives to
many towns), cut at the commas and brackets inside them, plus capitalised word runs after
a locative word ("in", "near", "village of", "captured", "southern", "(").
"""

from __future__ import annotations

from spacy.tokens import Doc

from .not_places import blocked_tokens

_NER_LABELS = {"GPE", "LOC", "FAC"}
_WEAK_LABELS = {"ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT"}
LOCATIVE = {"in", "near", "at", "from", "to", "into", "towards", "toward", "outside", "around",
            "of", "inside", "across", "on", "off", "between", "and", "captured", "seized",
            "recaptured", "retook", "took", "stormed", "entered", "liberated", "overran",
            "shelled", "besieged", "surrounded", "encircled", "targeted", "attacked", "struck",
            "bombed", "control", "reached", "via", "through", "over", "including", "west",
            "east", "north", "south", "northwest", "northeast", "southwest", "southeast",
            # "southern Aleppo countryside", "rural Deir ez-Zor": the province follows.
            "rural", "northern", "southern", "eastern", "western", "northwestern",
            "northeastern", "southwestern", "southeastern", "central",
            # "a village (Jowhar, Middle Shabelle)": the district or province in brackets.
            "("}
# Words between a locative word and the name: "in the western countryside of Aleppo" is
# read from "of", "into the key town of Saraqib" from "town".
_SKIP = {"the", "village", "town", "city", "of", "villages", "area", "areas", "key", "rural",
         "northern", "southern", "eastern", "western", "northwestern", "northeastern",
         "southwestern", "southeastern", "central", "strategic"}
# Tokens that end one place name and may start the next: "Zhuravno, Kharkiv",
# "Tall Rasho (Hama)". The model often tags such a chain as one entity.
_SEPARATORS = {",", "(", ")", ";", "[", "]"}
# Words after which a comma goes on to the place's district or province:
# "a village, Kani township, Sagaing region".
_CHAIN_AFTER = {"village", "town", "city", "township", "district", "subdistrict", "county",
                "municipality", "raion", "province", "governorate", "region", "state", "area"}
# Words that may sit inside a transliterated name: "Tal al Janab", "Khirbat Al-Naimah".
PARTICLES = {"al", "el", "ad", "ar", "as", "at", "an", "az", "ash", "ed", "es", "bin", "bani",
             "bou", "de", "du", "des", "la", "le", "-", "'", "’", "ul", "wa", "abu", "um", "umm",
             "del", "della", "di", "da", "do", "dos", "das", "los", "las", "y", "ez", "er",
             "et", "esh"}
GENERIC = {"city", "town", "village", "villages", "countryside", "district", "districts",
           "province", "governorate", "area", "areas", "region", "camp", "front", "frontline",
           "sub", "subdistrict", "neighborhood", "neighbourhood", "county", "state",
           "territory", "locality", "outskirts", "desert", "plain", "axis", "road", "highway"}
STOP = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "operation", "the", "a", "clashes", "regime",
        "army", "forces", "no", "neither", "both", "one", "two", "un", "eu", "islamist",
        "rebel", "rebels", "opposition", "government", "military", "police", "source",
        "president", "minister", "ministry", "general", "state", "islamic state", "god",
        "allah", "north", "south", "east", "west", "center", "centre", "news", "video",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "big", "small", "upper", "lower", "old", "new", "greater", "al", "el"}
# First words of Arabic and other place names that are places on their own elsewhere
# ("Tell" of "Tell Halaf", "Bir" of "Bir Asheq"): never looked up alone.
PREFIXES = {"tell", "tal", "tall", "bir", "ein", "ain", "ayn", "ras", "umm", "um", "abu",
            "kafr", "kfar", "deir", "dayr", "khirbat", "khirbet", "jabal", "jebel", "wadi",
            "tel", "beit", "bayt", "maarat", "maaret", "qasr", "sheikh", "shaykh", "hay",
            "mount", "lake", "port", "san", "santa", "saint", "st", "fort", "camp", "bab",
            "khan", "jisr", "qalaat", "marj", "hayy", "harat", "mazraat", "rasm", "jubb",
            "nahr", "qaryat", "tallat", "hawsh", "mazraa", "birket", "tallet"}
_MAX_RUN = 5


def is_acronym(text: str) -> bool:
    """"SANA", "QSD": an acronym is not a place even when a place has it as a name."""
    return text.isupper() and len(text) <= 5


def gaps(doc: Doc, start: int, end: int, parts: list[tuple[int, int, list]],
         taken: set[int]) -> list[tuple[int, int]]:
   """The stretches of a run its known parts (and other places) leave, without particles
   at their ends and without lone prefixes or generic words."""
   covered = {t for s, e, _ in parts for t in range(s, e)} | taken
   out: list[tuple[int, int]] = []
   t = start
   while t < end:
       if t in covered:
           t += 1
           continue
       s = t
       while t < end and t not in covered:
           t += 1
       a, b = s, t
       while a < b and doc[a].lower_ in PARTICLES:
           a += 1
       while b > a and doc[b - 1].lower_ in PARTICLES:
           b -= 1
       words = {doc[i].lower_ for i in range(a, b)}
       if b > a and len(doc[a:b].text) >= 4 and not words <= (PREFIXES | GENERIC | STOP):
           out.append((a, b))
   return out


def strip(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A run without its article, punctuation, generic words ("village") and "'s"."""
    while start < end and (doc[start].lower_ in ("the", "a") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in GENERIC or doc[end - 1].is_punct
                           or doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    return start, end


def _split(doc: Doc, start: int, end: int, strong: bool) -> list[tuple[int, int, bool]]:
    """A token range cut at the commas and brackets inside it."""
    out: list[tuple[int, int, bool]] = []
    s = start
    for t in range(start, end + 1):
        if t == end or doc[t].text in _SEPARATORS:
            if t > s:
                out.append((s, t, strong))
            s = t + 1
    return out


def _opens_name(doc: Doc, i: int) -> bool:
    """Whether token ``i`` may be followed by a place name."""
    tok = doc[i]
    if tok.lower_ in LOCATIVE or tok.lemma_.lower() in LOCATIVE:
        return True
    # "X, Y": a comma after a name (or after "village", "district") chains a second one.
    return tok.text == "," and i > 0 and (
        doc[i - 1].text[:1].isupper() and doc[i - 1].is_alpha
        or doc[i - 1].lower_ in _CHAIN_AFTER)


def _without(runs: list[tuple[int, int, bool]], blocked: set[int]
             ) -> list[tuple[int, int, bool]]:
    """The runs cut at the tokens that name no place (``not_places``): "Syrian Kurdish
    Kobane" -> "Kobane", "Aleppo the Syrian Observatory" -> "Aleppo", "the"."""
    out = []
    for start, end, strong in runs:
        s = start
        for t in range(start, end + 1):
            if t == end or t in blocked:
                if t > s:
                    out.append((s, t, strong))
                s = t + 1
    return out


def candidate_runs(doc: Doc) -> list[tuple[int, int, bool]]:
    """(start, end, strong) token ranges that may name a place (none of them a people,
    a person, an organisation or a speaker: ``not_places.blocked_tokens``)."""
    return _without(_runs(doc), blocked_tokens(doc))


def _runs(doc: Doc) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    for ent in doc.ents:
        if ent.label_ in _NER_LABELS:
            out += _split(doc, ent.start, ent.end, True)
        elif ent.label_ in _WEAK_LABELS:
            out += _split(doc, ent.start, ent.end, False)
    i = 0
    while i < len(doc):
        if _opens_name(doc, i):
            j = i + 1
            while j < len(doc) and doc[j].lower_ in _SKIP:
                j += 1
            k = j
            while k < len(doc) and k - j < _MAX_RUN and (
                    (doc[k].text[:1].isupper() and doc[k].is_alpha or doc[k].text[:1].isupper()
                     and "'" in doc[k].text) or (doc[k].lower_ in PARTICLES and k > j)):
                k += 1
            while k > j and doc[k - 1].lower_ in PARTICLES:
                k -= 1
            if k > j:
                out.append((j, k, False))
            i = max(i + 1, j)
        else:
            i += 1
    return out
