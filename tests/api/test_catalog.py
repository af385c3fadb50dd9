"""Places, actors, accords, articles and jobs: lists, details, searches and query counts."""

import pytest

from events.models import Accord, Actor, Article, IngestJob, Place, Source

from .conftest import count_queries, make_actor, make_place


def results(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


# --- places -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Saraqib", "Sarāqib", "سراقب", "saraqib"])
def test_place_search_by_any_spelling_finds_saraqib(api, db, name):
    rows = results(api.get("/api/v1/places/", {"q": name, "country": "SY"}))
    assert [r["geonames_id"] for r in rows] == [164816]
    assert rows[0]["admin1"] == "Idlib"


def test_place_filters(api, world):
    rows = results(api.get("/api/v1/places/", {"q": "Test Town"}))
    assert [r["name"] for r in rows] == ["Testtown"]
    rows = results(api.get("/api/v1/places/", {"bbox": "36.79,35.85,36.81,35.87"}))
    assert "Testtown" in [r["name"] for r in rows]
    rows = results(api.get("/api/v1/places/", {"bbox": "38.9,35.9,39.1,36.0", "country": "SY"}))
    assert "Farville" in [r["name"] for r in rows]
    assert "Testtown" not in [r["name"] for r in rows]


def test_place_detail_lists_alternate_names(api, world):
    body = api.get(f"/api/v1/places/{world['town'].pk}/").json()
    assert body["aliases"] == ["Test Town", "تستتاون"]
    assert (body["lat"], body["lon"]) == (35.86, 36.8)


def test_place_errors(api, db):
    response = api.get("/api/v1/places/", {"bbox": "1,2"})
    assert response.status_code == 400
    assert response.json() == {
        "bbox": ["Expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got 2."]}
    response = api.get("/api/v1/places/", {"kind": "castle"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_places_geojson_route_with_bbox(api, world):
    response = api.get("/api/v1/places/geojson/", {"bbox": "36.79,35.85,36.81,35.87",
                                                   "country": "SY"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    names = {f["properties"]["name"]: f for f in body["features"]}
    assert names["Testtown"]["geometry"] == {"type": "Point", "coordinates": [36.8, 35.86]}
    bad = api.get("/api/v1/places/geojson/", {"bbox": "x"})
    assert bad.status_code == 400
    assert "bbox" in bad.json()


# --- actors and accords -----------------------------------------------------------------

def test_actor_search_by_alias(api, db):
    rows = results(api.get("/api/v1/actors/", {"q": "Assad regime"}))
    assert [r["name"] for r in rows] == ["Syrian government forces"]
    assert "Military Forces of Syria (2000-)" in rows[0]["acled_names"]


def test_actor_backers_over_time(api, db):
    actor = Actor.objects.get(name="Syrian government forces")
    body = api.get(f"/api/v1/actors/{actor.pk}/").json()
    backers = {b["supporter"]["name"]: b["start_date"] for b in body["backers"]}
    assert backers["Russian armed forces"] == "2015-09-30"


def test_actor_filters(api, world):
    rows = results(api.get("/api/v1/actors/", {"q": "B fighters"}))
    assert [r["slug"] for r in rows] == ["group-b"]
    rows = results(api.get("/api/v1/actors/", {"kind": "foreign_state", "q": "Test Russia"}))
    assert [r["slug"] for r in rows] == ["test-russia"]
    assert api.get("/api/v1/actors/", {"kind": "alien"}).status_code == 400


def test_accord_parties_guarantors_places(api, world):
    body = api.get(f"/api/v1/accords/{world['accord'].pk}/").json()
    assert {p["slug"] for p in body["parties"]} == {"test-army", "group-b"}
    assert [g["slug"] for g in body["guarantors"]] == ["test-russia"]
    assert [p["name"] for p in body["places"]] == ["Testtown"]
    assert body["signed_date"] == "2018-09-17"
    rows = results(api.get("/api/v1/accords/", {"q": "the test memorandum"}))
    assert [r["slug"] for r in rows] == ["test-accord"]
    rows = results(api.get("/api/v1/accords/", {"party": "group-b"}))
    assert [r["slug"] for r in rows] == ["test-accord"]


def test_registry_accords_are_listed(api, db):
    names = {r["name"] for r in results(api.get("/api/v1/accords/", {"limit": 500}))}
    assert any("Sochi" in n for n in names)
    assert any("Astana" in n for n in names)


# --- articles and jobs ------------------------------------------------------------------

def test_article_list_and_detail_with_mentions(api, world):
    rows = results(api.get("/api/v1/articles/", {"source": "example.org"}))
    assert [(r["title"], r["status"]) for r in rows] == [("Army takes Testtown", "done")]
    assert "text" not in rows[0]
    body = api.get(f"/api/v1/articles/{world['article'].pk}/").json()
    assert body["text"].startswith("Government forces seized Testtown")
    mentions = [(m["kind"], m["text"]) for m in body["mentions"]]
    assert mentions == [("actor", "Government forces"), ("place", "Testtown")]
    assert body["mentions"][1]["place"]["name"] == "Testtown"
    assert body["events"] == [world["captured"].pk]


def test_submit_a_url_answers_202_with_a_job_to_poll(editor_client, editor, db):
    response = editor_client.post("/api/v1/articles/",
                                  {"url": "https://example.org/news/new"}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["kind"] == "url"
    assert body["poll_url"].endswith(f"/api/v1/jobs/{body['id']}/")
    assert response["Location"] == body["poll_url"]
    job = IngestJob.objects.get(pk=body["id"])
    assert job.created_by == editor
    polled = editor_client.get(body["poll_url"]).json()
    assert (polled["status"], polled["article"]) == ("queued", None)


def test_submit_a_text(editor_client, db):
    response = editor_client.post("/api/v1/articles/", {
        "text": "Government forces seized Saraqib.", "title": "Saraqib falls",
        "published": "2020-02-06"}, format="json")
    assert response.status_code == 202, response.content
    job = IngestJob.objects.get(pk=response.json()["id"])
    assert (job.kind, job.title, job.options["published"]) == ("text", "Saraqib falls",
                                                                "2020-02-06")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "non_field_errors"),
        ({"url": "https://example.org/a", "text": "Both."}, "non_field_errors"),
        ({"url": "not a url"}, "url"),
        ({"text": "x", "published": "06/02/2020"}, "published"),
    ],
)
def test_submit_errors(editor_client, db, payload, field):
    response = editor_client.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_job_detail_after_processing(api, world):
    job = IngestJob.objects.create(kind="url", url=world["article"].url, status="done",
                                   message="Stored with 1 event.", article=world["article"])
    body = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["message"], body["article"]) == (
        "done", "Stored with 1 event.", world["article"].pk)
    assert api.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api.get("/api/v1/jobs/not-a-uuid/").status_code == 404


# --- query-count guards -----------------------------------------------------------------

def _grow_places(start, count):
    for i in range(start, start + count):
        make_place(f"Qcplace{i}", 20 + i / 100, 20, country="ZZ")


def _grow_actors(start, count):
    backer = Actor.objects.filter(slug="qc-backer").first() or make_actor("Qc backer",
                                                                           "qc-backer")
    for i in range(start, start + count):
        actor = make_actor(f"Qc actor {i}", f"qc-actor-{i}", aliases=[f"qc alias {i}"])
        actor.backers.create(supporter=backer)
        actor.country_code = "ZZ"
        actor.save()


def _grow_accords(start, count):
    party = Actor.objects.filter(slug="qc-party").first() or make_actor("Qc party", "qc-party")
    place = Place.objects.filter(name="Qcaccordplace").first() or make_place("Qcaccordplace", 1, 1)
    for i in range(start, start + count):
        accord = Accord.objects.create(name=f"Qc accord {i}", slug=f"qc-accord-{i}",
                                       aliases=["qc accord"])
        accord.parties.add(party)
        accord.guarantors.add(party)
        accord.places.add(place)


def _grow_articles(start, count):
    outlet, _ = Source.objects.get_or_create(name="Qc outlet", domain="qc.example")
    for i in range(start, start + count):
        Article.objects.create(url=f"https://qc.example/{i}",
                               canonical_url=f"https://qc.example/{i}", title=f"Qc {i}",
                               source=outlet)


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/api/v1/places/?country=ZZ&limit=100", _grow_places),
        ("/api/v1/places/geojson/?country=ZZ&page_size=100", _grow_places),
        ("/api/v1/actors/?country=ZZ&limit=100", _grow_actors),
        ("/api/v1/accords/?q=qc%20accord&limit=100", _grow_accords),
        ("/api/v1/articles/?source=qc.example&limit=100", _grow_articles),
    ],
)
def test_query_count_is_the_same_for_1_and_50_rows(api, db, url, grow):
    grow(0, 1)
    api.get(url)  # names a filter resolves once per process (country codes) are known now
    one = count_queries(api, url)
    grow(1, 49)
    body = api.get(url).json()
    assert len(body.get("results", body.get("features", []))) == 50
    assert count_queries(api, url) == one


def test_article_text_search_and_bad_status(api, world):
    rows = results(api.get("/api/v1/articles/", {"q": "takes Testtown"}))
    assert [r["id"] for r in rows] == [world["article"].pk]
    response = api.get("/api/v1/articles/", {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_browsable_api_pages_render(api, world):
    for url in ["/api/v1/", "/api/v1/events/", f"/api/v1/events/{world['captured'].pk}/",
                "/api/v1/places/?q=Testtown", "/api/v1/control/?date=2020-02-10"]:
        response = api.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert b"<html" in response.content
