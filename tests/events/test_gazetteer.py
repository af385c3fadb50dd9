"""The gazetteer: GeoNames cities500 loaded by the session fixture, and GeoNames dumps."""

import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.choices import PlaceKind
from events.models import GazetteerLoad, Place
from events.selectors import place_search
from events.services.gazetteer import gazetteer_outdated
from ingest.nlp.geonames import CITIES500_READER_VERSION

SARAQIB = 164816


def _found(query):
    return {p.geonames_id: p for p in place_search(query=query)}


@pytest.mark.parametrize("query", ["Saraqib", "Sarāqib", "سراقب", "SARAQIB", "Saraqeb"])
def test_saraqib_is_found_by_any_spelling_in_idlib(db, query):
    found = _found(query)
    assert SARAQIB in found
    saraqib = found[SARAQIB]
    assert saraqib.admin1_name == "Idlib"
    assert saraqib.country_code == "SY"
    assert saraqib.kind == PlaceKind.POPULATED_PLACE
    assert (round(saraqib.lat, 2), round(saraqib.lon, 2)) == (35.86, 36.81)


def test_towns_link_to_their_admin_area_and_country(db):
    saraqib = Place.objects.select_related("parent__parent").get(geonames_id=SARAQIB)
    assert saraqib.parent.kind == PlaceKind.ADMIN_AREA
    assert saraqib.parent.name == "Idlib"
    assert saraqib.parent.parent.kind == PlaceKind.COUNTRY
    assert saraqib.parent.parent.name == "Syria"


def test_the_whole_world_is_loaded(db):
    assert Place.objects.filter(kind=PlaceKind.POPULATED_PLACE).count() > 200_000
    assert Place.objects.filter(kind=PlaceKind.COUNTRY).count() > 200
    assert Place.objects.filter(kind=PlaceKind.ADMIN_AREA, country_code="SY").count() >= 13


def test_if_empty_leaves_a_loaded_gazetteer_alone(db):
    out = StringIO()
    call_command("load_gazetteer", if_empty=True, stdout=out)
    assert "nothing to do" in out.getvalue()


def test_reloading_cities500_updates_rows_in_place_and_keeps_editors_aliases(db):
    saraqib = Place.objects.get(geonames_id=SARAQIB)
    count = Place.objects.count()
    Place.objects.filter(pk=saraqib.pk).update(population=1)
    saraqib.refresh_from_db()
    saraqib.aliases = [*saraqib.aliases, "Saraqib town"]
    saraqib.save()

    # Loaded by an older reader: an upgrade's `make setup` (--if-outdated) loads it again.
    GazetteerLoad.objects.all().delete()
    GazetteerLoad.objects.create(source="cities500", reader_version=CITIES500_READER_VERSION - 1)
    out = StringIO()
    call_command("load_gazetteer", if_outdated=True, stdout=out, stderr=StringIO())

    assert Place.objects.count() == count
    saraqib.refresh_from_db()
    assert saraqib.population == 34231
    assert "Saraqib town" in saraqib.aliases
    assert SARAQIB in _found("Saraqib town")
    assert "0 loaded, 1 updated" in out.getvalue()
    load = GazetteerLoad.objects.latest()
    assert (load.source, load.reader_version, load.created, load.updated) == (
        "cities500", CITIES500_READER_VERSION, 0, 1)

    out = StringIO()
    call_command("load_gazetteer", if_outdated=True, stdout=out)
    assert "up to date" in out.getvalue() and GazetteerLoad.objects.count() == 2


def test_a_gazetteer_loaded_before_loads_were_recorded_is_outdated(db):
    GazetteerLoad.objects.all().delete()
    assert Place.objects.exists() and gazetteer_outdated()
    GazetteerLoad.objects.create(source="SY.zip", reader_version=CITIES500_READER_VERSION)
    assert gazetteer_outdated()  # a dump is not cities500
    GazetteerLoad.objects.create(source="cities500", reader_version=CITIES500_READER_VERSION)
    assert not gazetteer_outdated()


# A GeoNames dump: 19 tab-separated columns per line (the geoname table).
def _row(gid, name, alternates, lat, lon, fclass, fcode, cc, admin1, population):
    cols = [str(gid), name, name, alternates, str(lat), str(lon), fclass, fcode, cc, "",
            admin1, "", "", "", str(population), "", "300", "Asia/Damascus", "2024-01-01"]
    return "\t".join(cols)


DUMP_LINES = [
    _row(170062, "Idlib", "Muhafazat Idlib,Idleb Governorate", 35.75, 36.67, "A", "ADM1", "SY",
         "12", 1500000),
    _row(99000001, "Tall Qaryat", "Tell Qarya,تل قرية", 35.81, 36.70, "P", "PPLX", "SY", "12",
         800),
    "99000002\tBroken line with too few columns",
    _row(99000003, "Nowhere", "", 123.0, 36.0, "P", "PPL", "SY", "12", 10),
    _row(SARAQIB, "Saraqib", "Sarāqib,سراقب,Saraqeb", 35.86447, 36.80591, "P", "PPLA2", "SY",
         "12", 40000),
    _row(99000005, "Nahr Test", "", 35.9, 36.9, "H", "STM", "SY", "12", 0),
]


@pytest.fixture
def dump(tmp_path):
    path = tmp_path / "SY.txt"
    path.write_text("\n".join(DUMP_LINES) + "\n", encoding="utf-8")
    return path


def _load_dump(*paths, **options):
    out, err = StringIO(), StringIO()
    call_command("load_gazetteer", geonames_dump=list(paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_a_dump_loads_valid_lines_and_reports_corrupt_ones_with_their_line_number(db, dump):
    out, err = _load_dump(dump)

    assert "line 3: expected 19 tab-separated columns, found 2" in err
    assert "line 4: latitude/longitude 123.0/36.0 out of range" in err
    # Loaded: the village; updated: Saraqib and the Idlib area (which gains its GeoNames id).
    assert "1 loaded, 2 updated, 0 unchanged, 2 bad lines" in out
    village = _found("تل قرية")[99000001]
    assert village.name == "Tall Qaryat"
    assert village.admin1_name == "Idlib"  # from the dump's own ADM1 line
    assert village.parent.geonames_id == 170062
    assert Place.objects.get(geonames_id=SARAQIB).population == 40000
    assert not Place.objects.filter(geonames_id__in=[99000002, 99000003]).exists()
    # Streams (feature class H) are not places of the knowledge base unless asked for.
    assert not Place.objects.filter(geonames_id=99000005).exists()


def test_a_dump_adm1_line_takes_over_the_admin_area_cities500_made(db, dump):
    _load_dump(dump)
    idlib_areas = Place.objects.filter(kind=PlaceKind.ADMIN_AREA, country_code="SY",
                                       admin1_code="12")
    assert [a.geonames_id for a in idlib_areas] == [170062]
    assert SARAQIB in {p.geonames_id for p in idlib_areas[0].children.all()}


def test_loading_a_dump_twice_changes_nothing(db, dump):
    _load_dump(dump)
    count = Place.objects.count()
    out, _ = _load_dump(dump)
    assert "0 loaded, 0 updated, 3 unchanged, 2 bad lines" in out
    assert Place.objects.count() == count
    assert list(GazetteerLoad.objects.filter(source=dump.name).values_list(
        "created", "unchanged", "bad")) == [(0, 3, 2), (1, 0, 2)]


def test_feature_classes_choose_what_a_dump_adds(db, dump):
    _load_dump(dump, feature_classes="H")
    assert Place.objects.get(geonames_id=99000005).kind == PlaceKind.OTHER
    assert not Place.objects.filter(geonames_id=99000001).exists()


def test_a_zipped_dump_loads_like_the_text_file(db, dump, tmp_path):
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(dump, "SY.txt")
        zf.writestr("readme.txt", "GeoNames readme")
    out, _ = _load_dump(archive)
    assert "1 loaded, 2 updated" in out
    assert 99000001 in _found("Tell Qarya")


def test_an_unreadable_file_leaves_nothing_half_loaded(db, dump, tmp_path):
    broken = tmp_path / "allCountries.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    count = Place.objects.count()

    with pytest.raises(CommandError, match="nothing was changed"):
        _load_dump(dump, broken)

    assert Place.objects.count() == count
    assert not Place.objects.filter(geonames_id=99000001).exists()
    assert Place.objects.get(geonames_id=SARAQIB).population == 34231


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="missing.txt"):
        _load_dump(tmp_path / "missing.txt")
