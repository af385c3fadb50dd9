"""Bad input and leaks a probe found: NUL in query parameters, formulas in CSV cells,
editors' names in the history, reading without a role."""

import csv
import io

import pytest
from django.urls import reverse

from events import services
from events.models import Actor

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/events/?q=%00", "/api/v1/events/?country=S%00Y", "/api/v1/places/?q=Alep%00po",
    "/api/v1/actors/?q=%00", "/api/v1/control/?date=2020-01-01&actor=%00",
    "/api/v1/events/?format=csv&summary=%00",
])
def test_nul_in_an_api_parameter_answers_400_naming_it(api, world, url):
    response = api.get(url)
    assert response.status_code == 400
    [(name, [message])] = response.json().items()
    assert name in url and "cannot be stored" in message


@pytest.mark.parametrize("url", ["/search/?q=%00", "/places/lookup.json?q=%00",
                                 "/events/?q=x%00y", "/map/control.json?date=%00"])
def test_nul_in_a_page_parameter_answers_400(client, analyst, url):
    client.force_login(analyst)
    response = client.get(url)
    assert response.status_code == 400
    assert b"cannot be stored" in response.content


def test_csv_cells_never_start_a_formula(api, world):
    army = Actor.objects.get(slug="test-army")
    army.name = "=HYPERLINK(\"http://evil.example\",\"click\")"
    army.save()
    services.event_correct(event=world["captured"], changes={"summary": "+1 then -2 @SUM(A1)"},
                           reason="formula test")
    text = b"".join(api.get("/api/v1/events/", {"format": "csv"}).streaming_content).decode()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    captured = rows[str(world["captured"].pk)]
    assert captured["summary"] == "'+1 then -2 @SUM(A1)"
    assert captured["actors"].startswith("'=HYPERLINK")
    for row in rows.values():  # numbers stay numbers
        assert not row["confidence"].startswith("'")
    actors = b"".join(api.get("/api/v1/actors/", {"format": "csv"}).streaming_content).decode()
    assert "'=HYPERLINK" in actors and "\n=HYPERLINK" not in actors and ",=" not in actors
    acled = b"".join(api.get("/api/v1/events/export/", {"layout": "acled"})
                     .streaming_content).decode()
    notes = {r["event_id_cnty"]: r["notes"] for r in csv.DictReader(io.StringIO(acled))}
    # The notes begin with the event told in words, here with the formula-like actor's name.
    assert any(n.startswith("'=HYPERLINK") and "+1 then -2 @SUM(A1)" in n
               for n in notes.values())
    for row in csv.reader(io.StringIO(acled)):
        assert not any(cell[:1] in ("=", "+", "@") for cell in row)


def test_history_names_editors_to_editors_only(world, editor, analyst, client):
    event = world["captured"]
    services.event_correct(event=event, changes={"summary": "Corrected."}, reason="typo",
                           user=editor)
    url = f"/api/v1/events/{event.pk}/history/"
    users = [r["user"] for r in client_for(editor).get(url).json()]
    assert editor.username in users
    users = [r["user"] for r in client_for(analyst).get(url).json()]
    assert editor.username not in users and None in users
    client.force_login(analyst)
    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert editor.username not in page and "an editor" in page
    client.force_login(editor)
    assert editor.username in client.get(reverse("event_detail", args=[event.pk])).content.decode()


def test_one_role_model_for_pages_and_api(world, outsider, analyst, settings, client):
    settings.ANONYMOUS_READ = False
    page = reverse("event_list")
    for user, expected in ((outsider, 403), (analyst, 200)):
        client.force_login(user)
        assert client.get(page).status_code == expected
        assert client_for(user).get("/api/v1/events/").status_code == expected
    settings.ANONYMOUS_READ = True  # reading open to everyone: the pages too
    client.logout()
    assert client.get(page).status_code == 200
    client.force_login(outsider)
    assert client.get(page).status_code == 200
