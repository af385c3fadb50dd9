"""One place, many sources: matching a new gazetteer's entries to the places already known.

The same village comes from GeoNames, OCHA and OpenStreetMap under slightly different
names and points. An entry is the same place as a known one when they share a normalised
name or alias, or are the same name in another romanisation ("Al Kfeer" / "Al Kufayr"),
lie within a few kilometres, and are of a compatible kind; a neighbour of another name is
never the same place. Free of Django: the loader and the benchmarks use it alike.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from .gazetteer import MIN_FORM_RATIO, form_ratio, haversine_km, name_keys
from .geonames import DumpError
from .normalize import normalize_name, translit_form
from .types import GazetteerEntry

# How far apart two sources put the same place: a village, a city (whose point may be its
# centre or its town hall), an admin area (a centroid or a capital).
MERGE_KM = {"populated_place": 5.0, "city": 15.0, "admin_area": 120.0, "country": 2000.0,
            "other": 5.0}
_CELL = 0.5  # degrees: the grid the candidates are found in
_MAX_ALIAS = 60


def _radius(entry: GazetteerEntry) -> float:
    if entry.kind == "populated_place" and (entry.population >= 100_000
                                            or entry.feature_code in ("PPLA", "PPLC")):
        return MERGE_KM["city"]
    return MERGE_KM.get(entry.kind, 5.0)


def _compatible(a: GazetteerEntry, b: GazetteerEntry) -> bool:
    if a.country_code and b.country_code and a.country_code != b.country_code:
        return False
    if a.kind == b.kind:
        # Admin areas of different levels (a district and its namesake province) differ.
        return a.kind != "admin_area" or not (a.feature_code and b.feature_code) or \
            a.feature_code == b.feature_code
    return {a.kind, b.kind} == {"populated_place", "other"}


def _same_source_other_id(a: GazetteerEntry, b: GazetteerEntry) -> bool:
    """Two places of one source are two places: a source lists a village once."""
    return bool(a.pcode and b.pcode and a.pcode != b.pcode
                or a.osm_id and b.osm_id and a.osm_id != b.osm_id
                or a.geonames_id and b.geonames_id and a.geonames_id != b.geonames_id)


def _names(entry: GazetteerEntry) -> list[str]:
    return [entry.name, entry.ascii_name,
            *(n for n in entry.alternate_names if len(n) <= _MAX_ALIAS)]


def _keys(entry: GazetteerEntry) -> set[str]:
    return {k for n in _names(entry) if n for k in name_keys(n)}


def _forms(entry: GazetteerEntry) -> set[str]:
    return {f for f in (translit_form(entry.name), translit_form(entry.ascii_name)) if f}


def merged(base: GazetteerEntry, other: GazetteerEntry) -> GazetteerEntry:
    """``base`` with ``other``'s names, ids and admin names added (base's point and name)."""
    names = list(base.alternate_names)
    seen = {base.name, base.ascii_name, *names}
    for name in (other.name, *other.alternate_names):
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return replace(
        base, alternate_names=tuple(names),
        geonames_id=base.geonames_id if base.geonames_id is not None else other.geonames_id,
        pcode=base.pcode or other.pcode, osm_id=base.osm_id or other.osm_id,
        admin1_name=base.admin1_name or other.admin1_name,
        admin1_code=base.admin1_code or other.admin1_code,
        admin2_name=base.admin2_name or other.admin2_name,
        admin3_name=base.admin3_name or other.admin3_name,
        population=max(base.population, other.population))


class SourceMatcher:
    """Known entries on a grid; ``match`` finds the one a new entry is the same place as."""

    def __init__(self, entries: Iterable[GazetteerEntry] = ()):
        self.entries: list[GazetteerEntry] = []
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        # Names and forms of the entries near a new one, made when first compared.
        self._keys: dict[int, set[str]] = {}
        self._forms: dict[int, set[str]] = {}
        self._ids: dict[tuple[str, object], int] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: GazetteerEntry) -> int:
        pos = len(self.entries)
        self.entries.append(entry)
        self._grid[(int(entry.lat // _CELL), int(entry.lon // _CELL))].append(pos)
        self._index_ids(entry, pos)
        return pos

    def _index_ids(self, entry: GazetteerEntry, pos: int) -> None:
        for source, value in (("geonames", entry.geonames_id), ("pcode", entry.pcode),
                              ("osm", entry.osm_id)):
            if value:
                self._ids[(source, value)] = pos

    def replace(self, pos: int, entry: GazetteerEntry) -> None:
        """Put a merged entry in place of the one at ``pos`` (same point)."""
        self.entries[pos] = entry
        self._keys.pop(pos, None)
        self._index_ids(entry, pos)

    def _keys_of(self, pos: int) -> set[str]:
        keys = self._keys.get(pos)
        if keys is None:
            keys = self._keys[pos] = _keys(self.entries[pos])
        return keys

    def _forms_of(self, pos: int) -> set[str]:
        forms = self._forms.get(pos)
        if forms is None:
            forms = self._forms[pos] = _forms(self.entries[pos])
        return forms

    def by_id(self, entry: GazetteerEntry) -> int | None:
        """The known entry carrying one of ``entry``'s own ids (a re-load)."""
        for source, value in (("geonames", entry.geonames_id), ("pcode", entry.pcode),
                              ("osm", entry.osm_id)):
            if value and (source, value) in self._ids:
                return self._ids[(source, value)]
        return None

    def match(self, entry: GazetteerEntry) -> int | None:
        """The position of the known entry ``entry`` is the same place as, or None."""
        radius = _radius(entry)
        keys, forms = _keys(entry), _forms(entry)
        span = int(radius / 55.0 / _CELL) + 1
        row, col = int(entry.lat // _CELL), int(entry.lon // _CELL)
        best, best_rank = None, None
        for r in range(row - span, row + span + 1):
            for c in range(col - span, col + span + 1):
                for pos in self._grid.get((r, c), ()):
                    other = self.entries[pos]
                    if not _compatible(entry, other) or _same_source_other_id(entry, other):
                        continue
                    d = haversine_km(entry.lat, entry.lon, other.lat, other.lon)
                    if d > max(radius, _radius(other)):
                        continue
                    if keys & self._keys_of(pos):
                        rank = (0, d)
                    elif forms & self._forms_of(pos):
                        rank = (1, d)
                    elif any(form_ratio(f, g) >= MIN_FORM_RATIO and f.replace("a", "") ==
                             g.replace("a", "") for f in forms for g in self._forms_of(pos)):
                        rank = (2, d)
                    else:
                        continue
                    if best_rank is None or rank < best_rank:
                        best, best_rank = pos, rank
        return best


def _admin_votes(pairs: list[tuple[GazetteerEntry, GazetteerEntry]]) -> dict[tuple, tuple]:
    """(country, a source's admin-1 name) -> the admin-1 name the known places use, by
    the majority of the places both sources have: OCHA's "Idleb" is GeoNames' "Idlib"."""
    votes: dict[tuple, Counter] = defaultdict(Counter)
    for new, old in pairs:
        if new.admin1_name and old.admin1_name:
            votes[(new.country_code, normalize_name(new.admin1_name))][
                (old.admin1_name, old.admin1_code)] += 1
    return {k: c.most_common(1)[0][0] for k, c in votes.items()}


def merge_sources(known: Sequence[GazetteerEntry] | SourceMatcher,
                  new: Iterable[GazetteerEntry | DumpError]) -> list[GazetteerEntry]:
    """``known`` with the entries of another source merged in or added (the benchmarks'
    in-memory gazetteer; the database loader does the same through ``SourceMatcher``).
    Given a ``SourceMatcher``, it is updated in place (several files, one index)."""
    matcher = known if isinstance(known, SourceMatcher) else SourceMatcher(known)
    fresh = [e for e in new if isinstance(e, GazetteerEntry)]
    targets = [matcher.by_id(e) for e in fresh]
    targets = [t if t is not None else matcher.match(e) for e, t in zip(fresh, targets,
                                                                       strict=True)]
    admin_names = _admin_votes([(e, matcher.entries[t]) for e, t in zip(fresh, targets,
                                                                      strict=True)
                                if t is not None])
    for entry, target in zip(fresh, targets, strict=True):
        entry = canonical_admin(entry, admin_names)
        if target is not None and _same_source_other_id(entry, matcher.entries[target]):
            target = None  # another entry of this source took the place first: two places
        if target is None:
            matcher.add(entry)
        else:
            matcher.replace(target, merged(matcher.entries[target], entry))
    return matcher.entries


def canonical_admin(entry: GazetteerEntry, admin_names: dict[tuple, tuple]) -> GazetteerEntry:
    """``entry`` with the known places' name for its admin-1 area."""
    known = admin_names.get((entry.country_code, normalize_name(entry.admin1_name)))
    if not known or known[0] == entry.admin1_name:
        return entry
    return replace(entry, admin1_name=known[0], admin1_code=known[1] or entry.admin1_code)
