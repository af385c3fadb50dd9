"""The list pages cost the same number of queries for 1 event as for 30."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.choices import AccordRelation, ActorRole, EventType, PlaceKind
from events.models import Accord, Actor, Place

pytestmark = pytest.mark.django_db


def _events(count):
    places = list(Place.objects.filter(country_code="SY", kind=PlaceKind.POPULATED_PLACE)
                  .order_by("-population")[:count])
    sgf = Actor.objects.get(slug="syrian-government-forces")
    accord = Accord.objects.order_by("pk").first()
    for i, place in enumerate(places):
        services.event_create(
            values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 1, 1 + i % 28),
                    "place": place, "confidence": 0.5},
            actors=[(sgf, ActorRole.GAINS_CONTROL)])
        # An agreement's headline names its accord: read with the page, not per row.
        services.event_create(
            values={"type": EventType.AGREEMENT, "date": dt.date(2020, 1, 1 + i % 28),
                    "place": place, "confidence": 0.5},
            actors=[(sgf, ActorRole.PARTY)], accords=[(accord, AccordRelation.IMPLEMENTS)])


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["event_list", "review_queue", "home"])
def test_list_pages_query_count_does_not_grow(client, editor, name):
    client.force_login(editor)
    _events(1)
    one = _queries(client, reverse(name))
    _events(30)
    assert _queries(client, reverse(name)) == one


def test_control_data_query_count_does_not_grow(client, analyst):
    client.force_login(analyst)
    _events(1)
    url = reverse("control_data") + "?date=2020-02-01"
    one = _queries(client, url)
    _events(30)
    assert _queries(client, url) == one
