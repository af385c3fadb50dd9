"""Village-level gazetteers: OCHA populated places, OpenStreetMap places, GeoNames dumps
downloaded; one place carrying every source's id and names."""

import csv
import functools
import http.server
import json
import threading
import zipfile
from io import StringIO

import openpyxl
import osmium
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from events.models import GazetteerLoad, Place

SARAQIB = 164816  # GeoNames: Saraqib, Idlib, 35.86447 N 36.80591 E

OCHA_HEADER = ["featurename_en", "featurename_ar", "pcode", "featurealtname1_en",
               "popplaceclasstitle", "adm3_en", "adm2_en", "adm1_en", "adm1_pcode", "adm0_pcode",
               "point_x", "point_y"]
OCHA_ROWS = [
    # Saraqib as OCHA spells it: the same town, not a second one.
    ["Saraqeb", "سراقب", "C9901", "", "Community", "Saraqab", "Idleb", "Idleb", "SY07", "SY",
     "36.8060", "35.8650"],
    # A village 3 km away with a name of its own: a new place, never merged with Saraqib.
    ["Tall Tajriba", "تل تجربة", "C9902", "Tell Tajribeh", "Community", "Saraqab", "Idleb",
     "Idleb", "SY07", "SY", "36.8300", "35.8800"],
    ["Broken Point", "", "C9903", "", "Community", "Saraqab", "Idleb", "Idleb", "SY07", "SY",
     "east", "35.9"],
]


def _load(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("load_gazetteer", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ocha_csv(tmp_path):
    path = tmp_path / "syr_pplp_cod.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(OCHA_HEADER)
        writer.writerow(["#loc+name+i_en", "#loc+name+i_ar", "#loc+code", "", "", "", "", "",
                         "", "", "#geo+lon", "#geo+lat"])  # HDX's HXL tag row
        writer.writerows(OCHA_ROWS)
    return path


def test_ocha_places_load_with_pcodes_and_arabic_names_and_bad_rows_reported(db, ocha_csv):
    out, err = _load(ocha_csv)

    assert "row 5: point_x/point_y 'east'/'35.9' are not numbers" in err
    assert "1 loaded, 1 updated, 0 unchanged, 1 bad lines" in out
    saraqib = Place.objects.get(geonames_id=SARAQIB)
    assert saraqib.pcode == "C9901"
    assert saraqib.admin2_name == "Idleb" and saraqib.admin3_name == "Saraqab"
    village = Place.objects.named("تل تجربة").get()
    assert village.pcode == "C9902" and village.name == "Tall Tajriba"
    assert village.pk != saraqib.pk
    # OCHA's "Idleb" is the admin area the other places call "Idlib".
    assert village.admin1_name == "Idlib" and village.parent.name == "Idlib"
    assert Place.objects.named("Tell Tajribeh").get() == village
    assert ("OCHA", "C9902") in village.sources


def test_loading_the_same_ocha_file_again_changes_nothing(db, ocha_csv):
    _load(ocha_csv)
    count = Place.objects.count()
    out, _ = _load(ocha_csv)
    assert "0 loaded, 0 updated, 2 unchanged, 1 bad lines" in out
    assert Place.objects.count() == count
    # --if-outdated (make setup) does not even read a file it loaded before.
    out, _ = _load(ocha_csv, if_outdated=True)
    assert f"{ocha_csv.name} is up to date" in out
    assert GazetteerLoad.objects.filter(source=ocha_csv.name).count() == 2


def test_the_hdx_workbook_loads_from_its_populated_places_sheet(db, tmp_path):
    path = tmp_path / "syr_adminboundaries_tabulardata.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "syr_admin1"
    book.active.append(["adm1_name", "adm1_pcode"])
    sheet = book.create_sheet("syr_populatedplaces")
    sheet.append(OCHA_HEADER)
    for row in OCHA_ROWS[:2]:
        sheet.append([float(v) if k in ("point_x", "point_y") else v
                      for k, v in zip(OCHA_HEADER, row, strict=True)])
    book.save(path)

    out, _ = _load(path)

    assert "1 loaded, 1 updated" in out
    assert Place.objects.get(pcode="C9902").name == "Tall Tajriba"


def test_a_workbook_without_populated_places_is_a_clear_error(db, tmp_path):
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(CommandError, match="no populated-places sheet"):
        _load(path)


def _osm_geojson(tmp_path, features):
    path = tmp_path / "osm-places-test.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


def _node(osm_id, lon, lat, **tags):
    return {"type": "Feature", "id": f"node/{osm_id}",
            "properties": {"@id": f"node/{osm_id}", **tags},
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def test_osm_places_keep_their_osm_id_and_join_the_place_they_are(db, tmp_path):
    path = _osm_geojson(tmp_path, [
        _node(1001, 36.8070, 35.8660, place="town", name="سراقب", **{"name:en": "Saraqib"}),
        _node(1002, 36.7800, 35.8400, place="hamlet", name="Mazraat Tajriba",
              alt_name="Mazraa Tajriba;Tajriba Farm", population="about 300"),
        {"type": "Feature", "properties": {"@id": "way/7", "place": "village", "name": "X"},
         "geometry": {"type": "LineString", "coordinates": [[36.8, 35.8], [36.9, 35.9]]}},
        _node(1004, 36.75, 35.85, place="village"),  # unnamed: nothing a text could name
    ])

    out, err = _load(path)

    assert "row 3: feature 3: geometry 'LineString' is not a Point" in err
    assert "1 loaded, 1 updated" in out
    assert Place.objects.get(geonames_id=SARAQIB).osm_id == "node/1001"
    hamlet = Place.objects.named("Tajriba Farm").get()
    assert (hamlet.osm_id, hamlet.country_code, hamlet.population) == ("node/1002", "SY", 300)


def test_an_osm_pbf_extract_loads_its_place_nodes(db, tmp_path):
    path = tmp_path / "test-latest.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    writer.add_node(osmium.osm.mutable.Node(
        id=2001, location=(36.79, 35.83), tags={"place": "village", "name": "Khirbet Tajriba",
                                                "name:ar": "خربة تجربة"}))
    writer.add_node(osmium.osm.mutable.Node(id=2002, location=(36.7, 35.8),
                                            tags={"highway": "bus_stop", "name": "Stop"}))
    writer.close()

    out, _ = _load(path)

    assert "1 loaded" in out
    village = Place.objects.named("خربة تجربة").get()
    assert (village.osm_id, village.country_code) == ("node/2001", "SY")
    assert not Place.objects.named("Stop").filter(osm_id="node/2002").exists()


def _geonames_zip(tmp_path, *rows):
    def line(gid, name, alternates, lat, lon):
        return "\t".join([str(gid), name, name, alternates, str(lat), str(lon), "P", "PPL",
                          "SY", "", "12", "", "", "", "0", "", "300", "Asia/Damascus",
                          "2024-01-01"])

    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("SY.txt", "\n".join(line(*r) for r in rows) + "\n")
    return archive


def test_one_village_from_three_sources_is_one_place_with_every_id(db, tmp_path, ocha_csv, analyst):
    _load(ocha_csv)
    osm = _osm_geojson(tmp_path, [_node(3001, 36.8310, 35.8790, place="village",
                                        name="Tal Tajriba", **{"name:ar": "تل تجربة"})])
    _load(osm)
    _load(_geonames_zip(tmp_path, (99000020, "Tall Tajribah", "Tell Tajriba", 35.881, 36.829)))

    village = Place.objects.get(pcode="C9902")
    assert village.osm_id == "node/3001" and village.geonames_id == 99000020
    assert {"Tall Tajriba", "Tal Tajriba", "تل تجربة"} <= {village.name, *village.aliases}
    assert Place.objects.filter(search_names__contains=["tal tajriba"]).count() == 1
    assert [s for s, _ in village.sources] == ["GeoNames", "OCHA", "OpenStreetMap"]

    api = APIClient()
    api.force_authenticate(user=analyst)
    row = api.get(f"/api/v1/places/{village.pk}/").json()
    assert (row["geonames_id"], row["pcode"], row["osm_id"]) == (99000020, "C9902", "node/3001")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def dump_server(tmp_path):
    served = tmp_path / "export"
    served.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_download_fetches_geonames_country_dumps(db, tmp_path, dump_server, settings):
    served, url = dump_server
    settings.GEONAMES_EXPORT_URL = url
    _geonames_zip(tmp_path, (99000030, "Qaryat Tanzil", "قرية تنزيل", 35.5, 36.5)).rename(
        served / "SY.zip")

    out, _ = _load(download=["SY"])

    assert "1 loaded" in out
    assert Place.objects.named("قرية تنزيل").get().geonames_id == 99000030
    with pytest.raises(CommandError, match="Could not download .*IQ.zip"):
        _load(download=["IQ"])
    with pytest.raises(CommandError, match="two-letter country codes"):
        _load(download=["Syria"])


def test_a_file_of_another_kind_is_refused_by_name(db, tmp_path):
    path = tmp_path / "places.docx"
    path.write_text("x")
    with pytest.raises(CommandError, match="not a gazetteer file"):
        _load(path)
