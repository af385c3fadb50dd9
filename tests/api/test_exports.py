"""Exports: streamed CSV (ours and ACLED's layout) and GeoJSON of the filtered events."""

import csv
import io
import json

import pytest

from events.choices import DatePrecision
from events.exports import ACLED_COLUMNS_ORDER
from events.models import Event

from .conftest import count_queries

URL = "/api/v1/events/"


def body_of(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response.streaming, "exports are streamed, not built in memory"
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body_of(response))))


def test_events_csv_holds_the_filtered_rows(api, world):
    response = api.get(URL, {"format": "csv", "country": "SY"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="events.csv"' in response["Content-Disposition"]
    rows = {int(r["id"]): r for r in csv_rows(response)}
    assert set(rows) == {world["captured"].pk, world["strike"].pk}
    captured = rows[world["captured"].pk]
    assert (captured["type"], captured["date"], captured["place"]) == (
        "control_change", "2020-02-06", "Testtown")
    assert (captured["latitude"], captured["longitude"]) == ("35.86", "36.8")
    assert "Test Army (gains_control)" in captured["actors"]
    assert captured["sources"] == "Example News"
    assert captured["article_urls"] == "https://example.org/news/testtown"
    assert rows[world["strike"].pk]["fatalities"] == "5"


def test_events_acled_layout(api, world):
    rows = csv_rows(api.get(URL, {"format": "acled-csv"}))
    assert list(rows[0]) == ACLED_COLUMNS_ORDER
    by_id = {r["event_id_cnty"]: r for r in rows}
    captured = by_id[f"CKB{world['captured'].pk}"]
    assert captured["event_date"] == "2020-02-06"
    assert captured["year"] == "2020"
    assert captured["time_precision"] == "1"
    assert (captured["event_type"], captured["sub_event_type"]) == (
        "Battles", "Government regains territory")
    assert captured["actor1"] == "Military Forces of Syria (2000-)"
    assert captured["assoc_actor_1"] == "Military Forces of Russia (2000-)"
    assert captured["actor2"] == "Group B"  # no ACLED name: our name
    assert (captured["country"], captured["admin1"], captured["location"]) == (
        "Syria", "Idlib", "Testtown")
    assert (captured["latitude"], captured["longitude"], captured["geo_precision"]) == (
        "35.86", "36.8", "1")
    assert captured["source"] == "Example News"
    # The event in words, as the pages tell it, then the event's own summary.
    assert captured["notes"] == ("Test Army took control of Testtown from Group B, backed by "
                                 "Test Russia. The army took Testtown.")
    assert captured["fatalities"] == "0"
    strike = by_id[f"CKB{world['strike'].pk}"]
    assert (strike["event_type"], strike["sub_event_type"]) == (
        "Explosions/Remote violence", "Air/drone strike")
    assert (strike["actor1"], strike["fatalities"]) == ("Military Forces of Russia (2000-)", "5")
    battle = by_id[f"CKB{world['battle'].pk}"]
    assert (battle["event_type"], battle["country"]) == ("Battles", "Iraq")


def test_export_action_takes_the_same_filters(api, world):
    rows = csv_rows(api.get(URL + "export/", {"layout": "acled", "type": "battle"}))
    assert [r["event_id_cnty"] for r in rows] == [f"CKB{world['battle'].pk}"]
    rows = csv_rows(api.get(URL + "export/", {"date_to": "2020-12-31"}))
    assert {int(r["id"]) for r in rows} == {world["captured"].pk, world["strike"].pk}


def test_acled_layout_gives_back_an_imported_rows_week_precision(api, world):
    """ACLED's time_precision 2 (within a week) is stored as week precision and exported as 2."""
    strike = world["strike"]
    Event.objects.filter(pk=strike.pk).update(date_precision=DatePrecision.WEEK)
    by_id = {r["event_id_cnty"]: r for r in csv_rows(api.get(URL, {"format": "acled-csv"}))}
    assert by_id[f"CKB{strike.pk}"]["time_precision"] == "2"
    assert by_id[f"CKB{world['captured'].pk}"]["time_precision"] == "1"
    assert api.get(f"{URL}{strike.pk}/").json()["date_precision"] == "week"


def test_events_geojson(api, world):
    response = api.get(URL, {"format": "geojson", "bbox": "36.5,35.6,37.1,36.1"})
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(body_of(response))
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["id"] == world["captured"].pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.8, 35.86]}
    assert feature["properties"]["type"] == "control_change"
    geo = json.loads(body_of(api.get(URL + "export/", {"layout": "geojson"})))
    assert len(geo["features"]) == 3


def test_export_errors_are_json_400s(api, world):
    response = api.get(URL, {"format": "csv", "bbox": "1,2,3"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "bbox": ["Expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got 3."]}
    response = api.get(URL + "export/", {"layout": "excel"})
    assert response.status_code == 400
    assert response.json() == {"layout": ["Expected one of csv, acled, geojson, got 'excel'."]}


def test_an_empty_export_still_has_its_header(api, db):
    rows = body_of(api.get(URL, {"format": "acled-csv", "type": "agreement"}))
    assert rows.strip() == ",".join(ACLED_COLUMNS_ORDER)


@pytest.mark.parametrize(
    ("url", "header"),
    [
        ("/api/v1/places/?format=csv&country=SY&q=Testtown", "id,geonames_id,name,kind"),
        ("/api/v1/actors/?format=csv&q=B%20fighters", "id,name,slug,kind"),
        ("/api/v1/accords/?format=csv&q=Test%20Accord", "id,name,slug,kind"),
        ("/api/v1/articles/?format=csv&source=example.org", "id,url,title,source"),
    ],
)
def test_every_list_exports_csv(api, world, url, header):
    text = body_of(api.get(url))
    lines = text.strip().splitlines()
    assert lines[0].startswith(header)
    assert len(lines) == 2


def test_places_geojson_format(api, world):
    body = json.loads(body_of(api.get("/api/v1/places/", {"format": "geojson",
                                                          "q": "Testtown"})))
    assert [f["properties"]["name"] for f in body["features"]] == ["Testtown"]


def test_export_queries_do_not_grow_per_row(api, world):
    from .test_events import _many_events

    town, army = world["town"], world["army"]
    few = count_queries(api, URL + "?format=acled-csv")
    _many_events(40, army, town, world["article"])
    assert count_queries(api, URL + "?format=acled-csv") == few


def test_exports_read_the_database_chunk_by_chunk(api, world, monkeypatch):
    """Memory stays flat: one query read through a server-side cursor, chunk by chunk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events import exports

    from .test_events import _many_events

    _many_events(32, world["army"], world["town"], world["article"])  # 35 active events
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    reads = []
    chunked_cursor = connection.chunked_cursor

    def counting_cursor():
        cursor = chunked_cursor()
        fetchmany = cursor.fetchmany

        def counted(size):
            rows = fetchmany(size)
            reads.append((size, len(rows)))
            return rows

        cursor.fetchmany = counted
        return cursor

    monkeypatch.setattr(connection, "chunked_cursor", counting_cursor)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(URL, {"format": "acled-csv"})
        lines = body_of(response).strip().splitlines()
    assert len(lines) == 1 + 35
    declared = [q for q in ctx.captured_queries if q["sql"].startswith("DECLARE")]
    assert len(declared) == 1
    assert [n for size, n in reads if n] == [10, 10, 10, 5]
    assert {size for size, _ in reads} == {10}


def test_export_rows_are_exactly_as_written(api, db):
    """Every column, with what is missing: no place, evidence without an article or outlet,
    the same outlet twice, several actors (by role, then name) and accords."""
    from events import services
    from events.choices import AccordRelation, ActorKind, ActorRole, EventType
    from events.models import Accord, Article, Evidence, Source

    from .conftest import D, make_actor, make_place

    town = make_place("Commaville, North", 36.5, 35.25, admin1='Say "Idlib"')
    army = make_actor("Zeta Army", "zeta-army", acled=["Military Forces of Zeta (2000-)"])
    alpha = make_actor("Alpha Brigade", "alpha-brigade", ActorKind.REBEL_GROUP)
    beta = make_actor("Beta Front", "beta-front", ActorKind.REBEL_GROUP,
                      acled=["Beta Front (ACLED)", "Other name"])
    truce = Accord.objects.create(name="Truce; One", slug="truce-one")
    pact = Accord.objects.create(name="Pact", slug="pact")
    outlet = Source.objects.create(name="Daily, News", domain="daily.example")
    with_outlet = Article.objects.create(url="https://daily.example/a", title="A",
                                         canonical_url="https://daily.example/a",
                                         source=outlet)
    same_outlet = Article.objects.create(url="https://daily.example/b", title="B",
                                         canonical_url="https://daily.example/b",
                                         source=outlet)
    no_outlet = Article.objects.create(url="", title="Untitled wire", canonical_url="x:1")
    taken = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": D(2020, 2, 6), "place": town,
                "end_date": D(2020, 2, 8), "confidence": 0.87654, "fatalities": 3,
                "displaced": 1200, "summary": 'Line one\nline "two", three'},
        actors=[(beta, ActorRole.LOSES_CONTROL), (army, ActorRole.GAINS_CONTROL),
                (alpha, ActorRole.LOSES_CONTROL), (beta, ActorRole.SUPPORTER)],
        accords=[(truce, AccordRelation.VIOLATES), (pact, AccordRelation.CONCERNS)])
    for article, start in ((with_outlet, 0), (no_outlet, 1), (same_outlet, 2), (None, 3)):
        Evidence.objects.create(event=taken, article=article, start=start, end=start + 1,
                                sentence=f"Sentence {start}.", source_label="Radio Label")
    nowhere = services.event_create(
        values={"type": EventType.AIR_STRIKE, "date": D(2019, 5, 1), "confidence": 0.5,
                "location_text": "somewhere in the north"},
        actors=[(alpha, ActorRole.PARTY), (beta, ActorRole.PARTY)])
    Evidence.objects.create(event=nowhere, article=None, sentence="Jets, again.", start=0,
                            end=3)

    text = body_of(api.get(URL, {"format": "csv"}))
    assert text.split("\r\n") == [
        "id,type,event_type,sub_event_type,date,date_precision,end_date,review_status,"
        "confidence,place_id,geonames_id,"
        "place,admin1,country,latitude,longitude,location_precision,fatalities,displaced,"
        "actors,accords,summary,sources,article_urls",
        f'{taken.pk},control_change,Battles,Government regains territory,2020-02-06,day,'
        f'2020-02-08,extracted,0.877,{town.pk},,'
        '"Commaville, North","Say ""Idlib""",SY,35.25,36.5,exact,3,1200,'
        "Zeta Army (gains_control); Alpha Brigade (loses_control); Beta Front "
        "(loses_control); Beta Front (supporter),Truce; One (violates); Pact (concerns),"
        '"Line one\nline ""two"", three","Daily, News; Untitled wire; Radio Label",'
        "https://daily.example/a https://daily.example/b",
        f"{nowhere.pk},air_strike,Explosions/Remote violence,Air/drone strike,2019-05-01,"
        "day,,extracted,0.5,,,,,,,,exact,,,"
        "Alpha Brigade (party); Beta Front (party),,,,",
        "",
    ]
    rows = csv_rows(api.get(URL, {"format": "acled-csv"}))
    assert [list(r.values()) for r in rows] == [
        [f"CKB{taken.pk}", "2020-02-06", "2020", "1", "Battles",
         "Government regains territory", "Military Forces of Zeta (2000-)",
         "Beta Front (ACLED)", "Alpha Brigade", "Syria", 'Say "Idlib"', "Commaville, North",
         "35.25", "36.5", "1", "Daily, News; Untitled wire; Radio Label",
             "Zeta Army took control of Commaville, North from Alpha Brigade and Beta Front; "
             '3 killed; 1,200 displaced. Line one\nline "two", three', "3"],
        [f"CKB{nowhere.pk}", "2019-05-01", "2019", "1", "Explosions/Remote violence",
         "Air/drone strike", "Alpha Brigade", "", "Beta Front (ACLED)", "", "",
         "somewhere in the north", "", "", "1", "",
             "Alpha Brigade and Beta Front carried out air strikes on somewhere in the north.",
             "0"],
    ]
    geo = json.loads(body_of(api.get(URL, {"format": "geojson", "type": "air_strike"})))
    assert geo["features"] == [{
        "type": "Feature", "id": nowhere.pk, "geometry": None,
        "properties": {
            "id": nowhere.pk, "type": "air_strike",
            "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
            "date": "2019-05-01",
            "date_precision": "day", "end_date": None, "review_status": "extracted",
            "confidence": 0.5, "place_id": None, "geonames_id": None, "place": None,
            "admin1": None, "country": None, "location_precision": "exact",
            "fatalities": None, "displaced": None,
            "actors": "Alpha Brigade (party); Beta Front (party)", "accords": "",
            "summary": "", "sources": "", "article_urls": ""},
    }]


def test_acled_notes_never_show_the_pipelines_codes(api, world):
    from events import services

    services.event_correct(event=world["strike"], changes={"summary": "air_strike (hit)"},
                           reason="as the pipeline writes it")
    response = api.get("/api/v1/events/", {"format": "acled-csv", "type": "air_strike"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["notes"] for r in rows] == [
        "Test Russia carried out air strikes on Farville; 5 killed."]
    listed = api.get("/api/v1/events/", {"type": "air_strike"}).json()["results"]
    assert listed[0]["headline"] == rows[0]["notes"]
    detail = api.get(f"/api/v1/events/{world['strike'].pk}/").json()
    assert detail["headline"] == rows[0]["notes"]
