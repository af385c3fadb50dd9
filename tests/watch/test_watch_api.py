"""Watches through the API and the pages: what a user sends, what they get back, and the
clear errors for a bad area or webhook."""

from __future__ import annotations

import json
import math

import pytest
from rest_framework.test import APIClient

from watch.models import Watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of():
    def make(user):
        api = APIClient()
        api.force_authenticate(user)
        return api
    return make


def test_a_user_creates_lists_pauses_and_deletes_a_bbox_watch(analyst, outsider, client_of):
    api = client_of(analyst)
    response = api.post("/api/v1/watches/", {"name": "Idlib front", "bbox": "36.2,35.5,37.0,36.3",
                                             "min_confidence": 0.6}, format="json")
    assert response.status_code == 201, response.json()
    watch = response.json()
    assert watch["area"]["type"] == "MultiPolygon"
    assert watch["area"]["coordinates"][0][0][0] == [36.2, 35.5]
    assert len(watch["secret"]) > 20 and watch["feed_url"].startswith("http")
    assert [w["name"] for w in api.get("/api/v1/watches/").json()] == ["Idlib front"]
    # someone else neither sees nor changes it
    assert client_of(outsider).get("/api/v1/watches/").json() == []
    assert client_of(outsider).patch(f"/api/v1/watches/{watch['id']}/", {"active": False},
                                     format="json").status_code == 404
    paused = api.patch(f"/api/v1/watches/{watch['id']}/", {"active": False}, format="json")
    assert paused.status_code == 200 and paused.json()["active"] is False
    assert api.get(f"/api/v1/watches/{watch['id']}/deliveries/").json() == []
    assert api.delete(f"/api/v1/watches/{watch['id']}/").status_code == 204
    assert not Watch.objects.exists()


def test_anonymous_users_cannot_watch(api_client=None):
    response = APIClient().post("/api/v1/watches/", {"name": "x", "country_code": "SY"},
                                format="json")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("bbox", ["36,35,37", "a,b,c,d", "37,35,36,36", "36,35,200,36"])
def test_an_invalid_bbox_is_a_400_naming_the_field(analyst, client_of, bbox):
    response = client_of(analyst).post("/api/v1/watches/", {"name": "x", "bbox": bbox},
                                       format="json")
    assert response.status_code == 400
    assert "bbox" in response.json()
    assert not Watch.objects.exists()


def test_a_huge_polygon_is_refused_naming_the_field(analyst, client_of):
    ring = [[36 + math.cos(i / 800 * 2 * math.pi), 35 + math.sin(i / 800 * 2 * math.pi)]
            for i in range(5000)]
    ring.append(ring[0])
    response = client_of(analyst).post(
        "/api/v1/watches/", {"name": "x", "polygon": {"type": "Polygon", "coordinates": [ring]}},
        format="json")
    assert response.status_code == 400
    assert "5001 points" in response.json()["polygon"][0]
    world = {"type": "Polygon", "coordinates": [[[-170, -80], [170, -80], [170, 80], [-170, 80],
                                                 [-170, -80]]]}
    response = client_of(analyst).post("/api/v1/watches/", {"name": "x", "polygon": world},
                                       format="json")
    assert response.status_code == 400 and "square degrees" in response.json()["polygon"][0]


def test_a_drawn_polygon_is_stored(analyst, client_of):
    polygon = {"type": "Polygon", "coordinates": [[[36, 35], [37, 35], [36.5, 36], [36, 35]]]}
    response = client_of(analyst).post("/api/v1/watches/", {"name": "triangle",
                                                            "polygon": json.dumps(polygon)},
                                       format="json")
    assert response.status_code == 201, response.json()
    assert Watch.objects.get().area.num_coords == 4


def test_a_watch_must_watch_something(analyst, client_of):
    response = client_of(analyst).post("/api/v1/watches/", {"name": "nothing"}, format="json")
    assert response.status_code == 400 and "area" in response.json()


def test_private_loopback_plain_http_and_unreachable_webhooks_are_refused(
        analyst, client_of, settings):
    api = client_of(analyst)

    def post(url):
        return api.post("/api/v1/watches/", {"name": "x", "country_code": "SY",
                                             "webhook_url": url}, format="json")

    response = post("http://example.org/hook")
    assert response.status_code == 400 and "https" in response.json()["webhook_url"][0]
    for url in ("https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://[::1]/hook"):
        response = post(url)
        assert response.status_code == 400, url
        assert "private, loopback" in response.json()["webhook_url"][0]
    # tests allow loopback; a port nobody listens on is then unreachable
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.WATCH_WEBHOOK_HTTPS_ONLY = False
    response = post("http://127.0.0.1:9/hook")
    assert response.status_code == 400 and "cannot be reached" in response.json()["webhook_url"][0]
    assert not Watch.objects.exists()


@pytest.mark.parametrize("query", ["since=-1", "since=abc", "limit=0", "kind=nonsense"])
def test_bad_changes_feed_parameters_are_400s_naming_them(analyst, client_of, query):
    response = client_of(analyst).get(f"/api/v1/changes/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_the_schema_documents_watches_and_changes(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200, response.content[:300]
    schema = response.json()
    assert "/api/v1/changes/" in schema["paths"] and "/api/v1/watches/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/changes/"]["get"]["parameters"]}
    assert {"since", "limit", "kind"} <= params


def test_the_pages_create_pause_and_delete_a_watch(analyst, client):
    client.force_login(analyst)
    bad = client.post("/watches/", {"name": "Idlib", "bbox": "36,35,36,35",
                                    "min_confidence": "0.5", "on_control": "on"})
    assert bad.status_code == 400 and b"minimum below its maximum" in bad.content
    response = client.post("/watches/", {"name": "Idlib", "bbox": "36.2,35.5,37.0,36.3",
                                         "min_confidence": "0.5", "on_control": "on"})
    watch = Watch.objects.get()
    assert response.status_code == 302 and response.url == f"/watches/{watch.pk}/"
    page = client.get(response.url)
    assert b"Idlib" in page.content and watch.feed_token.encode() in page.content
    assert b"Watches" in client.get("/").content  # in the navigation
    client.post(f"/watches/{watch.pk}/toggle/")
    watch.refresh_from_db()
    assert not watch.active
    assert b"paused" in client.get("/watches/").content
    client.post(f"/watches/{watch.pk}/delete/")
    assert not Watch.objects.exists()


def test_the_atom_feed_needs_its_token(analyst, client):
    watch = Watch.objects.create(owner=analyst, name="Syria", country_code="SY")
    assert client.get(f"/watches/{watch.pk}/feed/wrong/").status_code == 404
    response = client.get(f"/watches/{watch.pk}/feed/{watch.feed_token}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"<title>ConflictKB: Syria</title>" in response.content
