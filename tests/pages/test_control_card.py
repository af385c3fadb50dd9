"""The map card's verify and reject buttons: editors only, on the answer's own event."""

import datetime as dt

import pytest
from django.urls import reverse

from events import services
from events.choices import ActorRole, EventType, PlaceKind
from events.models import Actor, Event, Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def capture():
    town = Place.objects.filter(country_code="SY", kind=PlaceKind.POPULATED_PLACE).first()
    sgf = Actor.objects.get(slug="syrian-government-forces")
    return services.event_create(values={"type": EventType.CONTROL_CHANGE,
                                         "date": dt.date(2020, 2, 8), "place": town,
                                         "confidence": 0.6},
                                 actors=[(sgf, ActorRole.GAINS_CONTROL)])


def _post(client, event, **extra):
    return client.post(reverse("place_control_review", args=[event.place_id]),
                       {"event": event.pk, "date": "2020-03-01", **extra})


def test_an_editor_verifies_the_answer_from_the_card(client, editor, capture):
    client.force_login(editor)
    response = _post(client, capture, action="verify")
    assert response.status_code == 200, response.content
    assert "Verified." in response.content.decode()
    assert Event.objects.get(pk=capture.pk).review_status == "verified"
    features = client.get(reverse("control_data"), {"date": "2020-03-01",
                                                    "verified_only": "on"}).json()["features"]
    assert [f["properties"]["place_id"] for f in features] == [capture.place_id]
    assert features[0]["properties"]["evidence"] == "verified"


def test_rejecting_needs_a_reason_and_removes_the_answer(client, editor, capture):
    client.force_login(editor)
    response = _post(client, capture, action="reject")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    response = _post(client, capture, action="reject", reason="the claim was denied")
    assert response.status_code == 200
    assert "No known holder" in response.content.decode()
    assert Event.objects.get(pk=capture.pk).review_status == "rejected"


def test_an_answer_that_changed_meanwhile_is_not_reviewed(client, editor, capture):
    client.force_login(editor)
    response = client.post(reverse("place_control_review", args=[capture.place_id]),
                           {"event": capture.pk + 999, "date": "2020-03-01",
                            "action": "verify"})
    assert response.status_code == 409
    assert Event.objects.get(pk=capture.pk).review_status == "extracted"


def test_an_analyst_cannot_review(client, analyst, capture):
    client.force_login(analyst)
    assert _post(client, capture, action="verify").status_code == 403
    assert Event.objects.get(pk=capture.pk).review_status == "extracted"


def test_admin1_boundaries_of_a_country_from_its_towns(client, analyst):
    client.force_login(analyst)
    body = client.get(reverse("admin1_boundaries"), {"country": "sy"}).json()
    names = {f["properties"]["name"] for f in body["features"]}
    assert {"Idlib", "Aleppo", "Dimashq", "Latakia"} <= names and len(names) == 14
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString")
               for f in body["features"])
    bad = client.get(reverse("admin1_boundaries"), {"country": "Syria"})
    assert bad.status_code == 400 and "country" in bad.json()["errors"]
