"""Name normalisation shared by the gazetteer, the registry and database look-ups.

"Sarāqib", "SARAQIB" and "Saraqib" normalise to the same key; Arabic script keeps its
letters but loses its vowel marks, so "سراقب" and "سَراقِب" match.
"""

import re
import unicodedata

_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bc\u02bb\u02be\u02bf\u0060\u00b4]")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_/.,;:()\[\]\"\u201c\u201d]+")


def normalize_name(value: str) -> str:
    """Return the look-up key of a place, actor or accord name."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _APOSTROPHES.sub("", stripped)
    stripped = _SEPARATORS.sub(" ", stripped.casefold())
    return stripped.strip()
