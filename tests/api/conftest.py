"""A small world for the API tests: places, actors, an accord, an article and events.

Events are written through events.services, as the pipeline and the pages write them, so
the control log and the history are filled the real way.
"""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import services
from events.choices import (
    AccordKind,
    AccordRelation,
    ActorKind,
    ActorRole,
    EventType,
    MentionKind,
    PlaceKind,
)
from events.models import (
    Accord,
    Actor,
    ActorSupport,
    Article,
    Evidence,
    Mention,
    Place,
    Source,
)

D = dt.date


@pytest.fixture(autouse=True)
def api_settings(settings):
    settings.ANONYMOUS_READ = True
    # Throttle counters live in the shared cache; tests other than the throttle test
    # must never meet them.
    settings.API_THROTTLE_RATES = {"user": "100000/hour", "anon": "100000/hour"}
    # Likewise the exports' slots: a test that reads only part of an export holds one.
    settings.API_EXPORT_CONCURRENCY = 1000
    return settings


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def analyst_client(analyst):
    return client_for(analyst)


@pytest.fixture
def token_client(editor):
    """A service calling with the editor's API token, no session."""
    token = Token.objects.create(user=editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def make_place(name, lon, lat, country="SY", admin1="Idlib", aliases=()):
    return Place.objects.create(name=name, kind=PlaceKind.POPULATED_PLACE, country_code=country,
                                admin1_name=admin1, aliases=list(aliases), population=1000,
                                point=Point(lon, lat, srid=4326))


def make_actor(name, slug, kind=ActorKind.STATE_FORCES, acled=(), aliases=()):
    return Actor.objects.create(name=name, slug=slug, kind=kind, acled_names=list(acled),
                                aliases=list(aliases))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.fixture
def world(db):
    """Three places, three actors, an accord, an outlet's article and four events."""
    town = make_place("Testtown", 36.80, 35.86, aliases=["Test Town", "تستتاون"])
    farville = make_place("Farville", 39.00, 35.95, admin1="Ar-Raqqah")
    baghtown = make_place("Baghtown", 44.40, 33.30, country="IQ", admin1="Baghdad")
    army = make_actor("Test Army", "test-army", acled=["Military Forces of Syria (2000-)"],
                      aliases=["the regime's troops"])
    rebels = make_actor("Group B", "group-b", ActorKind.REBEL_GROUP, aliases=["B fighters"])
    russia = make_actor("Test Russia", "test-russia", ActorKind.FOREIGN_STATE,
                        acled=["Military Forces of Russia (2000-)"])
    ActorSupport.objects.create(supporter=russia, supported=army, start_date=D(2015, 9, 30))
    accord = Accord.objects.create(name="Test Accord", slug="test-accord",
                                   kind=AccordKind.DE_ESCALATION, signed_date=D(2018, 9, 17),
                                   aliases=["the test memorandum"])
    accord.parties.add(army, rebels)
    accord.guarantors.add(russia)
    accord.places.add(town)
    outlet = Source.objects.create(name="Example News", domain="example.org")
    article = Article.objects.create(
        url="https://example.org/news/testtown", canonical_url="https://example.org/news/testtown",
        title="Army takes Testtown", source=outlet, status="done",
        text="Government forces seized Testtown on Thursday, backed by Russian jets.",
    )
    Mention.objects.create(article=article, kind=MentionKind.PLACE, start=28, end=36,
                           text="Testtown", place=town)
    Mention.objects.create(article=article, kind=MentionKind.ACTOR, start=0, end=18,
                           text="Government forces", actor=army)

    captured = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": D(2020, 2, 6), "place": town,
                "confidence": 0.9, "summary": "The army took Testtown."},
        actors=[(army, ActorRole.GAINS_CONTROL), (rebels, ActorRole.LOSES_CONTROL),
                (russia, ActorRole.SUPPORTER)])
    Evidence.objects.create(event=captured, article=article, start=0, end=70,
                            sentence="Government forces seized Testtown on Thursday, "
                                     "backed by Russian jets.")
    strike = services.event_create(
        values={"type": EventType.AIR_STRIKE, "date": D(2020, 3, 1), "place": farville,
                "confidence": 0.6, "fatalities": 5, "summary": "Jets struck a market."},
        actors=[(russia, ActorRole.INITIATOR)], accords=[(accord, AccordRelation.VIOLATES)])
    battle = services.event_create(
        values={"type": EventType.BATTLE, "date": D(2021, 1, 10), "place": baghtown,
                "confidence": 0.3, "summary": "Clashes in Baghtown."},
        actors=[(rebels, ActorRole.PARTY)])
    rejected = services.event_create(
        values={"type": EventType.SHELLING, "date": D(2020, 2, 7), "place": town,
                "confidence": 0.5, "summary": "Not shelling after all."})
    services.event_reject(event=rejected, reason="Misread the article.")
    return {
        "town": town, "farville": farville, "baghtown": baghtown,
        "army": army, "rebels": rebels, "russia": russia, "accord": accord,
        "outlet": outlet, "article": article,
        "captured": captured, "strike": strike, "battle": battle, "rejected": rejected,
    }
