"""Who may read and write: anonymous (setting on and off), outsider, analyst, editor, token."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .conftest import client_for

EVENTS = "/api/v1/events/"
READ_URLS = ["/api/v1/events/", "/api/v1/places/?q=Testtown", "/api/v1/actors/",
             "/api/v1/accords/", "/api/v1/articles/", "/api/v1/control/?date=2020-02-10"]


def new_event(world):
    return {"type": "battle", "date": "2020-05-01", "place": world["town"].pk,
            "actors": [{"actor": "group-b", "role": "initiator"}], "summary": "Added by hand."}


@pytest.mark.parametrize("url", READ_URLS)
def test_anonymous_reads_when_the_setting_allows(api, world, url):
    assert api.get(url).status_code == 200


@pytest.mark.parametrize("url", READ_URLS)
def test_anonymous_is_asked_to_sign_in_when_the_setting_forbids(api, world, settings, url):
    settings.ANONYMOUS_READ = False
    response = api.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_reading_needs_a_role_when_anonymous_reads_are_off(world, settings, outsider, analyst):
    """One role model with the pages: a signed-in user without a role reads nothing."""
    settings.ANONYMOUS_READ = False
    response = client_for(analyst).get(EVENTS)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    response = client_for(outsider).get(EVENTS)
    assert response.status_code == 403
    assert response.json()["detail"] == "Reading needs the analysts' or editors' role."


def test_token_client_reads_and_writes(token_client, world, settings):
    settings.ANONYMOUS_READ = False
    assert token_client.get(EVENTS).status_code == 200
    response = token_client.post(EVENTS, new_event(world), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["summary"] == "Added by hand."


def test_a_wrong_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(EVENTS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_anonymous_cannot_write(api, world):
    response = api.post(EVENTS, new_event(world), format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("who", ["outsider", "analyst"])
def test_only_editors_write(world, request, who):
    client = client_for(request.getfixturevalue(who))
    event = world["captured"].pk
    assert client.post(EVENTS, new_event(world), format="json").status_code == 403
    assert client.patch(f"{EVENTS}{event}/", {"summary": "x"}, format="json").status_code == 403
    assert client.post(f"{EVENTS}{event}/verify/", {}, format="json").status_code == 403
    assert client.post(f"{EVENTS}{event}/reject/", {"reason": "no"},
                       format="json").status_code == 403
    response = client.post("/api/v1/articles/", {"url": "https://example.org/x"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only editors can change the knowledge base."}


def test_editor_session_writes(editor_client, world):
    response = editor_client.post(EVENTS, new_event(world), format="json")
    assert response.status_code == 201, response.content


def test_token_users_are_throttled_per_user(editor, world, settings):
    settings.API_THROTTLE_RATES = {"user": "3/minute", "anon": "100000/hour"}
    token = Token.objects.create(user=editor)
    cache.delete(f"throttle_log_user_{editor.pk}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    codes = [client.get(EVENTS).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "throttled" in client.get(EVENTS).json()["detail"].lower()
    cache.delete(f"throttle_log_user_{editor.pk}")


def test_anonymous_clients_are_throttled_at_the_anonymous_rate(world, settings):
    settings.API_THROTTLE_RATES = {"user": "1/minute", "anon": "3/minute"}
    cache.delete("throttle_log_anon_127.0.0.1")
    cache.delete("throttle_log_user_127.0.0.1")
    client = APIClient()
    codes = [client.get(EVENTS).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.delete("throttle_log_anon_127.0.0.1")


def test_cors_headers_for_an_allowed_origin(api, world, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.org"]
    response = api.get(EVENTS, HTTP_ORIGIN="https://dashboard.example.org")
    assert response["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    response = api.get(EVENTS, HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in response


def test_a_forged_session_cookie_is_just_anonymous(api, world, settings):
    api.cookies[settings.SESSION_COOKIE_NAME] = "abc\x00def"
    assert api.get(EVENTS).status_code == 200
    settings.ANONYMOUS_READ = False
    assert api.get(EVENTS).status_code == 401


def test_a_malformed_token_is_refused_without_touching_the_database(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token abc\x00def")
    response = client.get(EVENTS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
