"""Loading OCHA and OpenStreetMap places, and any gazetteer file, into ``Place``.

One place, many sources: each entry is matched to the place it already is (by its own id
on a re-load, else by name and distance through ``ingest.nlp.merge.SourceMatcher``) and
adds its id and names to it; entries no place matches become new places. The matching
is done in Python over the places of the file's countries, the writes are set-based
(COPY into a temporary table, one UPDATE, one INSERT) in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.db import connection, transaction

from events.caching import control_log_changed
from events.models import GazetteerLoad, Place
from events.services.gazetteer import (
    DUMP_READER_VERSION,
    GazetteerLoadResult,
    Log,
    Progress,
    _link_parents,
    _names,
    _problem,
    gazetteer_load,
)
from ingest.nlp.geonames import DumpError
from ingest.nlp.merge import (
    SourceMatcher,
    _admin_votes,
    _same_source_other_id,
    canonical_admin,
    merged,
)
from ingest.nlp.sources import reader_for
from ingest.nlp.types import GazetteerEntry

# Goes up whenever the OCHA/OSM readers or the matching read a file differently.
SOURCES_READER_VERSION = 1
_STAGING = "gazetteer_sources_staging"
_COLUMNS = ("target_id", "geonames_id", "pcode", "osm_id", "name", "ascii_name", "kind",
            "feature_class", "feature_code", "country_code", "admin1_code", "admin1_name",
            "admin2_name", "admin3_name", "population", "lon", "lat", "aliases", "search_names")
_TYPES = ("int8", "int8", "text", "text", "text", "text", "text", "text", "text", "text", "text",
          "text", "text", "text", "int8", "float8", "float8", "text[]", "text[]")
_ID_MAX = 40


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _known_places(countries: set[str]) -> tuple[list[int], list[GazetteerEntry]]:
    """The places of ``countries`` as entries (and their row ids), for matching."""
    rows = (Place.objects.filter(country_code__in=sorted(countries)).order_by("pk")
            .values_list("pk", "geonames_id", "pcode", "osm_id", "name", "ascii_name", "kind",
                         "feature_code", "country_code", "admin1_code", "admin1_name",
                         "admin2_name", "admin3_name", "population", "point", "aliases"))
    ids, entries = [], []
    for (pk, gid, pcode, osm_id, name, ascii_name, kind, code, cc, a1code, a1, a2, a3, pop,
         point, aliases) in rows.iterator(chunk_size=5000):
        ids.append(pk)
        entries.append(GazetteerEntry(
            geonames_id=gid, pcode=pcode, osm_id=osm_id, name=name, ascii_name=ascii_name,
            kind=kind, feature_code=code, country_code=cc, admin1_code=a1code, admin1_name=a1,
            admin2_name=a2, admin3_name=a3, population=pop, lat=point.y, lon=point.x,
            alternate_names=tuple(aliases)))
    return ids, entries


def _source_problem(entry: GazetteerEntry) -> str | None:
    if len(entry.pcode) > _ID_MAX or len(entry.osm_id) > _ID_MAX:
        return f"the P-code or OSM id is longer than {_ID_MAX} characters"
    for name in ("admin2_name", "admin3_name"):
        if len(getattr(entry, name)) > 200:
            return f"{name} is longer than 200 characters"
    return _problem(entry)


def _row(target: int | None, entry: GazetteerEntry) -> tuple:
    aliases, keys = _names(entry)
    return (target, entry.geonames_id, entry.pcode, entry.osm_id, entry.name, entry.ascii_name,
            entry.kind, entry.feature_class, entry.feature_code, entry.country_code,
            entry.admin1_code, entry.admin1_name, entry.admin2_name, entry.admin3_name,
            entry.population, entry.lon, entry.lat, aliases, keys)


def _plan(entries: list[GazetteerEntry]) -> list[tuple[int | None, GazetteerEntry]]:
    """(row id to update, merged entry) or (None, new entry) for each entry that changes
    something; entries that add nothing to their place are left out."""
    ids, known = _known_places({e.country_code for e in entries})
    matcher = SourceMatcher(known)
    targets: list[int | None] = []
    for entry in entries:
        pos = matcher.by_id(entry)
        targets.append(pos if pos is not None else matcher.match(entry))
    admin_names = _admin_votes([(e, matcher.entries[t]) for e, t in zip(entries, targets,
                                                                      strict=True)
                                if t is not None])
    plan: dict[int, GazetteerEntry] = {}
    fresh: list[GazetteerEntry] = []
    for entry, pos in zip(entries, targets, strict=True):
        entry = canonical_admin(entry, admin_names)
        if pos is not None and _same_source_other_id(entry, matcher.entries[pos]):
            pos = None  # another entry of this source took the place first: two places
        if pos is None:
            # A later entry of the same file may be this one's duplicate: it is known now.
            matcher.add(entry)
            fresh.append(entry)
            continue
        before = matcher.entries[pos]
        after = merged(before, entry)
        if after != before:
            matcher.replace(pos, after)
            if pos < len(ids):
                plan[pos] = after
            else:  # merged into a place this file creates
                fresh[fresh.index(before)] = after
    return [(ids[pos], e) for pos, e in plan.items()] + [(None, e) for e in fresh]


def _write(cursor, plan: list[tuple[int | None, GazetteerEntry]]) -> tuple[int, int]:
    cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
    cursor.execute(f"CREATE TEMP TABLE {_STAGING} ("
                   + ", ".join(f"{c} {t}" for c, t in zip(_COLUMNS, _TYPES, strict=True))
                   + ") ON COMMIT DROP")
    with cursor.copy(f"COPY {_STAGING} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
        copy.set_types(list(_TYPES))
        for target, entry in plan:
            copy.write_row(_row(target, entry))
    # Names and ids are added, never taken away: what an editor set stays.
    cursor.execute(f"""
        UPDATE events_place p SET updated_at = now(),
            geonames_id = COALESCE(p.geonames_id, s.geonames_id),
            pcode = COALESCE(NULLIF(p.pcode, ''), s.pcode),
            osm_id = COALESCE(NULLIF(p.osm_id, ''), s.osm_id),
            admin1_name = COALESCE(NULLIF(p.admin1_name, ''), s.admin1_name),
            admin2_name = COALESCE(NULLIF(p.admin2_name, ''), s.admin2_name),
            admin3_name = COALESCE(NULLIF(p.admin3_name, ''), s.admin3_name),
            population = GREATEST(p.population, s.population),
            aliases = p.aliases || ARRAY(SELECT x FROM unnest(s.aliases::varchar(300)[]) x
                                         WHERE NOT x = ANY(p.aliases) AND x <> p.name),
            search_names = p.search_names || ARRAY(
                SELECT x FROM unnest(s.search_names::varchar(300)[]) x
                WHERE NOT x = ANY(p.search_names))
        FROM {_STAGING} s WHERE s.target_id = p.id
    """)
    updated = cursor.rowcount
    cursor.execute(f"""
        INSERT INTO events_place (created_at, updated_at, geonames_id, pcode, osm_id, name,
            ascii_name, kind, feature_class, feature_code, country_code, admin1_code,
            admin1_name, admin2_name, admin3_name, population, aliases, search_names, point)
        SELECT now(), now(), geonames_id, pcode, osm_id, name, ascii_name, kind, feature_class,
            feature_code, country_code, admin1_code, admin1_name, admin2_name, admin3_name,
            population, aliases::varchar(300)[], search_names::varchar(300)[],
            ST_SetSRID(ST_MakePoint(lon, lat), 4326)
        FROM {_STAGING} WHERE target_id IS NULL
    """)
    created = cursor.rowcount
    cursor.execute(f"DROP TABLE {_STAGING}")
    return created, updated


@transaction.atomic
def gazetteer_load_sources(*, entries: Iterable[GazetteerEntry | DumpError],
                           progress: Progress | None = None,
                           log: Log | None = None) -> GazetteerLoadResult:
    """Merge OCHA or OpenStreetMap entries into the places (one transaction).

    Each entry joins the place it is (same id on a re-load; else same name or alias, or
    the same name in another romanisation, within a few km, of a compatible kind) or
    becomes a new place; a second load of the same file changes nothing.
    """
    result = GazetteerLoadResult()
    say = log or (lambda message: None)
    good: list[GazetteerEntry] = []
    for item in progress(entries) if progress else entries:
        if isinstance(item, DumpError):
            result.bad.append(item)
            continue
        problem = _source_problem(item)
        if problem:
            result.bad.append(DumpError(line_no=0, reason=problem,
                                        text=f"{item.pcode or item.osm_id} {item.name}"[:200]))
            continue
        good.append(item)
    plan = _plan(good)
    say(f"Merging {len(good)} places: {sum(t is not None for t, _ in plan)} known places "
        f"gain names or ids, {sum(t is None for t, _ in plan)} are new")
    with connection.cursor() as cursor:
        result.created, result.updated = _write(cursor, plan)
        result.unchanged = len(good) - result.created - result.updated
        linked = _link_parents(cursor)
        say(f"Linked {linked} places to their admin area or country")
    if result.created or result.updated:
        control_log_changed()
    return result


def gazetteer_file_loaded(path: Path, checksum: str) -> bool:
    """Whether this very file was loaded by this version of its reader."""
    kind, _ = reader_for(path)
    version = DUMP_READER_VERSION if kind == "geonames" else SOURCES_READER_VERSION
    return GazetteerLoad.objects.filter(source=Path(path).name[:300], checksum=checksum,
                                        reader_version=version).exists()


@transaction.atomic
def gazetteer_load_file(*, path: Path, feature_classes: str = "PA",
                        progress: Progress | None = None,
                        log: Log | None = None) -> GazetteerLoadResult:
    """Load any gazetteer file: a GeoNames dump, an OCHA table, an OSM export or extract.

    Raises ValueError for a file this product does not read or whose layout is wrong.
    """
    path = Path(path)
    kind, read = reader_for(path)
    checksum = file_checksum(path)
    if kind == "geonames":
        from ingest.nlp.geonames import iter_dump

        items = list(iter_dump(path, feature_classes=feature_classes))
        adopted = _adopt_geonames([e for e in items if isinstance(e, GazetteerEntry)])
        if adopted and log:
            log(f"{adopted} places from other sources gain their GeoNames id")
        result = gazetteer_load(entries=items, progress=progress, log=log)
        version = DUMP_READER_VERSION
    else:
        result = gazetteer_load_sources(entries=read(path), progress=progress, log=log)
        version = SOURCES_READER_VERSION
    GazetteerLoad.objects.create(source=path.name[:300], reader_version=version,
                                 checksum=checksum, created=result.created,
                                 updated=result.updated, unchanged=result.unchanged,
                                 bad=len(result.bad))
    return result


def _adopt_geonames(entries: list[GazetteerEntry]) -> int:
    """GeoNames entries new to the knowledge base that are a place OCHA or OSM brought:
    the place takes the GeoNames id (and keeps its name as an alias), so that the dump's
    upsert then merges into it rather than adding a second village."""
    known_ids = set(Place.objects.filter(geonames_id__in=[e.geonames_id for e in entries])
                    .values_list("geonames_id", flat=True))
    new = [e for e in entries if e.geonames_id not in known_ids and e.kind != "country"]
    if not new:
        return 0
    ids, known = _known_places({e.country_code for e in new})
    matcher = SourceMatcher(known)
    taken: dict[int, int] = {}
    for entry in new:
        pos = matcher.match(entry)
        if pos is not None and known[pos].geonames_id is None and pos not in taken:
            taken[pos] = entry.geonames_id
    for pos, geonames_id in taken.items():
        place = known[pos]
        Place.objects.filter(pk=ids[pos]).update(geonames_id=geonames_id)
        # The dump's upsert replaces the name: the source's own name stays an alias.
        if place.name not in place.alternate_names:
            Place.objects.filter(pk=ids[pos]).update(
                aliases=[*place.alternate_names, place.name])
    return len(taken)


@transaction.atomic
def place_create(*, name: str, lat: float, lon: float, admin_area: Place | None = None,
                 kind: str = "populated_place", aliases: list[str] | None = None,
                 population: int = 0, user=None, reason: str = "") -> Place:
    """A place an editor adds (a village no gazetteer has), in an admin area.

    It takes its country and admin names from the admin area, is searchable by every
    name at once, and the workers' gazetteers add it before their next article.
    Raises ``ValidationError`` naming the field for a bad name or point.
    """
    from django.contrib.gis.geos import Point
    from django.core.exceptions import ValidationError

    from events.choices import PlaceKind, RevisionAction
    from events.services.history import revision_record
    from ingest.nlp.normalize import normalize_name

    errors = {}
    if not normalize_name(name or ""):
        errors["name"] = "A place needs a name with letters."
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["lat"] = f"latitude/longitude {lat}/{lon} out of range"
    if kind not in PlaceKind.values:
        errors["kind"] = f"unknown kind {kind!r}"
    if errors:
        raise ValidationError(errors)
    place = Place(name=name.strip(), kind=kind, point=Point(lon, lat, srid=4326),
                  aliases=[a.strip() for a in aliases or () if a.strip()],
                  population=population, parent=admin_area)
    if admin_area is not None:
        place.country_code = admin_area.country_code
        place.admin1_code = admin_area.admin1_code
        place.admin1_name = admin_area.admin1_name or admin_area.name
        if admin_area.kind == PlaceKind.ADMIN_AREA and admin_area.feature_code in ("ADM2",
                                                                                   "ADM3"):
            place.admin2_name = admin_area.admin2_name or admin_area.name
    place.save()
    revision_record(instance=place, action=RevisionAction.CREATE, user=user,
                    reason=reason or "place added by an editor")
    control_log_changed()
    return place
