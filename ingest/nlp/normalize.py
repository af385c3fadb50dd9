"""Name normalisation shared by the gazetteer, the registry and database look-ups.

"Sarāqib", "SARAQIB" and "Saraqib" normalise to the same key; Arabic script keeps its
letters but loses its vowel marks, so "سراقب" and "سَراقِب" match.
"""

import re
import sys
import unicodedata
from functools import cache

_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bc\u02bb\u02be\u02bf\u0060\u00b4]")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_/.,;:()\[\]\"\u201c\u201d]+")


@cache
def _without_marks() -> dict[int, None]:
    """A ``str.translate`` table deleting every combining mark (made on first use)."""
    return dict.fromkeys(cp for cp in range(sys.maxunicode + 1)
                         if unicodedata.combining(chr(cp)))


def normalize_name(value: str) -> str:
    """Return the look-up key of a place, actor or accord name."""
    if not value:
        return ""
    if value.isascii():  # already decomposed, no marks: most names, and the fast path
        stripped = value
    else:
        stripped = unicodedata.normalize("NFKD", value).translate(_without_marks())
    stripped = _APOSTROPHES.sub("", stripped)
    stripped = _SEPARATORS.sub(" ", stripped.casefold())
    return stripped.strip()


# -- transliteration-tolerant forms ----------------------------------------------------
# News and GeoNames romanise Arabic (and Kurdish, Somali, Slavic) names differently:
# "Ein Issa" / "‘Ayn ‘Īsá", "Abul Thohur" / "Abū az̧ Z̧uhūr", "Kfar" / "Kafr". The spellings
# agree on the consonants far more than on the vowels, the article or doubled letters.

# Articles and their sun-letter forms: written, dropped or glued at will.
_TRANSLIT_ARTICLES = {"al", "el", "il", "ul", "as", "ash", "es", "esh", "az", "ez", "ad", "adh",
                      "ed", "ar", "er", "an", "en", "at", "ath", "et", "the"}
# "Abul" is "Abu al", "Abdul" is "Abd al": the glued article goes with the others.
_CONTRACTIONS = {"abul": "abu", "abol": "abu", "abdul": "abd", "abdel": "abd", "abdal": "abd"}
# One Arabic letter, several romanisations; ordered so digraphs go before their letters.
_DIGRAPHS = (("kh", "x"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "z"), ("dh", "z"),
             ("dz", "z"), ("ph", "f"), ("ck", "k"), ("dj", "j"), ("q", "k"), ("c", "k"))
# Semi-vowels count as vowels: "Ayn" / "Ein", "Sulayman" / "Sleiman", "Jowhar" / "Jawhar".
_VOWELS = re.compile(r"[aeiouyw]+")
_FINAL_H = re.compile(r"(?<=[aeiouyw])h\b")
_DOUBLE = re.compile(r"([a-z])\1+")
_LATIN = re.compile(r"[a-z ]+")


def translit_form(value: str) -> str:
    """A spelling-neutral form of a romanised name: no article, equivalent letters merged,
    every vowel run one "a", doubled letters single, no spaces ("ein issa" -> "anasa").

    Empty for names in other scripts, which have their own exact keys.
    """
    return form_of_key(normalize_name(value))


def form_of_key(key: str) -> str:
    """``translit_form`` of a name already normalised by ``normalize_name``."""
    if not key or not _LATIN.fullmatch(key):
        return ""
    words = [_CONTRACTIONS.get(w, w) for w in key.split()]
    kept = [w for w in words if w not in _TRANSLIT_ARTICLES]
    text = " ".join(kept or words)
    text = _FINAL_H.sub("", text)  # "-ah", "-eh": a written vowel, not a consonant
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    text = _VOWELS.sub("a", text).replace(" ", "")
    return _DOUBLE.sub(r"\1", text)


def translit_key(value: str) -> str:
    """The consonant skeleton of ``translit_form``: the key fuzzy look-ups are indexed by."""
    return translit_form(value).replace("a", "")
