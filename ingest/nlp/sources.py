"""Reading village-level gazetteers other than GeoNames, free of Django.

- OCHA Common Operational Datasets: the populated places of HDX's tabular workbook
  (``.xlsx``, sheet ``*_populatedplaces``) or its CSV export; P-codes, English and Arabic
  names, admin 1-3 names.
- OpenStreetMap ``place=*`` nodes: GeoJSON point exports (Overpass/osmtogeojson, properties
  are the tags) and ``.osm.pbf`` extracts (read with pyosmium); the OSM id is kept.

Every reader yields ``GazetteerEntry`` items and, in line, ``DumpError`` items for rows it
cannot read (row number, reason, text), like ``geonames.iter_dump``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .geonames import ADMIN_AREA, COUNTRY, OTHER, POPULATED, DumpError
from .types import GazetteerEntry

# Name columns of an OCHA populated-places table (HDX's names, lower-cased).
_OCHA_NAME = ("featurename_en", "pplname_en", "name_en", "featurename", "name")
_OCHA_OTHER_NAMES = ("featurename_ar", "featurename_fr", "featurerefname", "featurealtname1_en",
                     "featurealtname2_en", "featurealtname1_ar", "featurealtname2_ar",
                     "pplname_ar", "pplname_fr", "name_ar", "name_fr")
_OCHA_PCODE = ("pcode", "ppl_pcode", "pplpcode", "featurepcode", "loc_pcode")
_OCHA_LON = ("point_x", "longitude", "lon", "x", "x_coord")
_OCHA_LAT = ("point_y", "latitude", "lat", "y", "y_coord")
# OCHA marks neighbourhoods "(ne)" and qualifies namesakes "Fardos - Damascus",
# "Al Aziziyah (Al-Hasakeh)"; the Arabic names add their sub-district after " - ".
_OCHA_SUFFIX = re.compile(r"\s*\((?:ne|nh)\)\s*$", re.I)
_QUALIFIER = re.compile(r"^(?P<name>.+?)\s*(?:\((?P<paren>[^)]+)\)|\s-\s(?P<dash>.+))$")


def _first(row: dict, columns: Iterable[str]) -> str:
    for col in columns:
        value = row.get(col)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _float(value) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    return float(str(value).strip().replace(",", "."))


def _bad_point(lat: float, lon: float) -> str | None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"latitude/longitude {lat}/{lon} out of range"
    if lat == 0 and lon == 0:
        return "the point is 0/0 (no coordinates)"
    return None


def split_qualified(name: str) -> tuple[str, str]:
    """("Fardos", "Damascus") of "Fardos - Damascus (ne)"; (name, "") when unqualified."""
    name = _OCHA_SUFFIX.sub("", name).strip()
    m = _QUALIFIER.match(name)
    if not m:
        return name, ""
    return m["name"].strip(), (m["paren"] or m["dash"] or "").strip()


def ocha_entry(row: dict, *, country_code: str = "") -> GazetteerEntry:
    """One row of an OCHA populated-places table (keys lower-cased); raises ValueError."""
    raw = _first(row, _OCHA_NAME)
    if not raw:
        raise ValueError("the name is empty")
    name, qualifier = split_qualified(raw)
    pcode = _first(row, _OCHA_PCODE)
    if not pcode:
        raise ValueError("the P-code is empty")
    try:
        lon, lat = _float(_first(row, _OCHA_LON)), _float(_first(row, _OCHA_LAT))
    except ValueError:
        raise ValueError(f"point_x/point_y {_first(row, _OCHA_LON)!r}/"
                         f"{_first(row, _OCHA_LAT)!r} are not numbers") from None
    problem = _bad_point(lat, lon)
    if problem:
        raise ValueError(problem)
    others: list[str] = []
    if qualifier or name != raw:
        others.append(_OCHA_SUFFIX.sub("", raw).strip())
    for col in _OCHA_OTHER_NAMES:
        value = str(row.get(col) or "").strip()
        if value:
            value = split_qualified(value)[0]
            if value and value != name and value not in others:
                others.append(value)
    klass = _first(row, ("popplaceclasstitle", "pplclass", "class")).casefold()
    cc = (_first(row, ("adm0_pcode", "iso2")) or country_code)[:2].upper()
    return GazetteerEntry(
        geonames_id=None, name=name, kind=POPULATED, feature_class="P",
        feature_code="PPLX" if klass.startswith("neighbo") else "PPL",
        country_code=cc, lat=lat, lon=lon,
        admin1_code=_first(row, ("adm1_pcode",)), admin1_name=_first(row, ("adm1_en", "adm1_name")),
        admin2_name=_first(row, ("adm2_en", "adm2_name")),
        admin3_name=_first(row, ("adm3_en", "adm3_name")),
        alternate_names=tuple(others), pcode=pcode,
    )


def _ocha_rows(path: Path) -> Iterator[tuple[int, dict]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = [s for s in book.sheetnames if "populatedplace" in s.casefold()
                      or s.casefold().endswith("_ppl")]
            if not sheets:
                raise ValueError(f"{path.name} has no populated-places sheet "
                                 f"(sheets: {', '.join(book.sheetnames)})")
            rows = book[sheets[0]].iter_rows(values_only=True)
            header = [str(h or "").strip().casefold() for h in next(rows, ())]
            for row_no, values in enumerate(rows, start=2):
                if any(v not in (None, "") for v in values):
                    yield row_no, dict(zip(header, values, strict=False))
        finally:
            book.close()
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        reader.fieldnames = [f.strip().casefold() for f in reader.fieldnames or ()]
        for row_no, row in enumerate(reader, start=2):
            # HDX CSVs carry a second header of HXL tags ("#loc+name").
            if row_no == 2 and any(str(v or "").startswith("#") for v in row.values()):
                continue
            yield row_no, row


def iter_ocha(path: Path) -> Iterator[GazetteerEntry | DumpError]:
    """Entries of an OCHA COD populated-places table: the HDX ``.xlsx`` or a ``.csv``."""
    for row_no, row in _ocha_rows(Path(path)):
        try:
            yield ocha_entry(row)
        except ValueError as exc:
            text = ", ".join(f"{v}" for v in row.values() if v not in (None, ""))
            yield DumpError(line_no=row_no, reason=str(exc), text=text[:200])


# OSM ``place=*`` values: (kind, GeoNames-like feature code).
_OSM_PLACES = {
    "country": (COUNTRY, "PCLI"),
    "state": (ADMIN_AREA, "ADM1"), "province": (ADMIN_AREA, "ADM1"),
    "region": (ADMIN_AREA, "ADM1"),
    "county": (ADMIN_AREA, "ADM2"), "district": (ADMIN_AREA, "ADM2"),
    "municipality": (ADMIN_AREA, "ADM3"),
    "city": (POPULATED, "PPLA"), "town": (POPULATED, "PPL"), "village": (POPULATED, "PPL"),
    "hamlet": (POPULATED, "PPL"), "isolated_dwelling": (POPULATED, "PPL"),
    "farm": (POPULATED, "PPL"), "locality": (POPULATED, "PPLL"),
    "suburb": (POPULATED, "PPLX"), "quarter": (POPULATED, "PPLX"),
    "neighbourhood": (POPULATED, "PPLX"), "borough": (POPULATED, "PPLX"),
}
_OSM_NAME_TAGS = ("name:en", "int_name", "name")
_OSM_OTHER = re.compile(r"^(?:name(?::[a-z_-]+)?|alt_name(?::[a-z_-]+)?|old_name(?::[a-z_-]+)?|"
                        r"official_name(?::[a-z_-]+)?|short_name(?::[a-z_-]+)?|int_name|"
                        r"loc_name|nat_name)$")
_DIGITS = re.compile(r"\d[\d,. ]*")


def _population(value: str | None) -> int:
    m = _DIGITS.search(str(value or ""))
    if not m:
        return 0
    try:
        return int(re.sub(r"[,. ]", "", m.group()))
    except ValueError:
        return 0


def osm_entry(osm_id: str, tags: dict, lon: float, lat: float,
              country_code: str = "") -> GazetteerEntry | None:
    """A place node's entry; None for nodes that are no named place. Raises ValueError."""
    place = str(tags.get("place") or "").split(";")[0].strip()
    if not place:
        return None
    name = next((str(tags[t]).strip() for t in _OSM_NAME_TAGS if tags.get(t)), "")
    if not name:
        return None  # an unnamed place node: nothing a text could name
    if not any(c.isalnum() for c in name):
        raise ValueError(f"the name {name!r} has no letters")
    problem = _bad_point(lat, lon)
    if problem:
        raise ValueError(problem)
    kind, code = _OSM_PLACES.get(place, (OTHER, ""))
    others: list[str] = []
    for tag, value in tags.items():
        if _OSM_OTHER.match(tag) and value:
            for part in str(value).split(";"):
                part = part.strip()
                if part and part != name and part not in others:
                    others.append(part)
    cc = str(tags.get("is_in:country_code") or tags.get("addr:country") or country_code)
    return GazetteerEntry(
        geonames_id=None, name=name, kind=kind, feature_class="P" if kind == POPULATED else "A"
        if kind in (ADMIN_AREA, COUNTRY) else "", feature_code=code,
        country_code=cc[:2].upper(), lat=lat, lon=lon,
        population=_population(tags.get("population")),
        admin1_name=str(tags.get("is_in:state") or tags.get("addr:state") or "")[:200],
        alternate_names=tuple(others), osm_id=osm_id,
    )


def iter_osm_geojson(path: Path) -> Iterator[GazetteerEntry | DumpError]:
    """Entries of an OSM GeoJSON export (one Point feature per place node)."""
    with Path(path).open(encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{Path(path).name} is not JSON: {exc}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ValueError(f"{Path(path).name} is not a GeoJSON FeatureCollection")
    for no, feature in enumerate(features, start=1):
        try:
            props = feature.get("properties") or {}
            geometry = feature.get("geometry") or {}
            osm_id = str(props.get("@id") or feature.get("id") or "")
            if geometry.get("type") != "Point":
                raise ValueError(f"geometry {geometry.get('type')!r} is not a Point")
            lon, lat = (_float(c) for c in geometry["coordinates"][:2])
            if not osm_id:
                raise ValueError("no OSM id (@id)")
            entry = osm_entry(osm_id, props, lon, lat)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            yield DumpError(line_no=no, reason=f"feature {no}: {exc}",
                            text=json.dumps(feature, ensure_ascii=False)[:200])
            continue
        if entry is not None:
            yield entry


def iter_osm_pbf(path: Path) -> Iterator[GazetteerEntry | DumpError]:
    """Place nodes of an ``.osm.pbf`` (or ``.osm``) extract, read with pyosmium."""
    import osmium

    no = 0
    for obj in osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(
            osmium.filter.KeyFilter("place")):
        no += 1
        tags = {t.k: t.v for t in obj.tags}
        try:
            if not obj.location.valid():
                raise ValueError("the node has no valid location")
            entry = osm_entry(f"node/{obj.id}", tags, obj.location.lon, obj.location.lat)
        except ValueError as exc:
            yield DumpError(line_no=no, reason=f"node {obj.id}: {exc}", text=str(tags)[:200])
            continue
        if entry is not None:
            yield entry


def fill_countries(entries: Iterable[GazetteerEntry | DumpError]
                   ) -> Iterator[GazetteerEntry | DumpError]:
    """Entries without a country code get the country of the nearest known town
    (``reverse_geocoder``'s cities1000); OSM exports rarely tag it."""
    from dataclasses import replace

    items = list(entries)
    missing = [i for i, e in enumerate(items) if isinstance(e, GazetteerEntry)
               and not e.country_code]
    if missing:
        import reverse_geocoder

        found = reverse_geocoder.search([(items[i].lat, items[i].lon) for i in missing],
                                        mode=1, verbose=False)
        for i, hit in zip(missing, found, strict=True):
            items[i] = replace(items[i], country_code=hit.get("cc", ""))
    yield from items


def reader_for(path: Path):
    """The reader of a gazetteer file by its name: ``(source kind, reader)``."""
    from .geonames import iter_dump

    name = Path(path).name.casefold()
    if name.endswith((".geojson", ".json")):
        return "osm", lambda p: fill_countries(iter_osm_geojson(p))
    if name.endswith((".osm.pbf", ".pbf", ".osm")):
        return "osm", lambda p: fill_countries(iter_osm_pbf(p))
    if name.endswith((".xlsx", ".xlsm", ".csv")):
        return "ocha", iter_ocha
    if name.endswith((".zip", ".txt", ".tsv")):
        return "geonames", iter_dump
    raise ValueError(f"{Path(path).name}: not a gazetteer file this product reads (GeoNames "
                     ".zip/.txt, OCHA .xlsx/.csv, OpenStreetMap .geojson/.osm.pbf)")
