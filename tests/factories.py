"""factory_boy factories for the knowledge base's main models.

Places made here have no GeoNames id (the test database already holds the real
gazetteer, keyed on GeoNames ids); names and slugs are unique per sequence number.
"""

import datetime as dt

import factory
from django.contrib.gis.geos import Point
from factory.django import DjangoModelFactory

from events.choices import (
    AccordKind,
    ActorKind,
    ActorRole,
    ArticleOrigin,
    ArticleStatus,
    EventType,
    PlaceKind,
)
from events.models import Accord, Actor, Article, Event, EventActor, Feed, Place, Source


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Testville {n}")
    kind = PlaceKind.POPULATED_PLACE
    country_code = "SY"
    admin1_name = "Idlib"
    population = 1000
    point = factory.Sequence(lambda n: Point(36.0 + (n % 100) / 100, 35.0 + (n // 100) / 100,
                                             srid=4326))


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Test Brigade {n}")
    slug = factory.Sequence(lambda n: f"test-brigade-{n}")
    kind = ActorKind.REBEL_GROUP
    country_code = "SY"


class AccordFactory(DjangoModelFactory):
    class Meta:
        model = Accord

    name = factory.Sequence(lambda n: f"Test ceasefire {n}")
    slug = factory.Sequence(lambda n: f"test-ceasefire-{n}")
    kind = AccordKind.CEASEFIRE
    signed_date = dt.date(2020, 3, 5)
    start_date = dt.date(2020, 3, 6)


class EventFactory(DjangoModelFactory):
    """A battle at a new place; pass ``type``, ``place`` etc. to change it.

    Saved directly, not through ``event_create``: no revision and no control-log row.
    """

    class Meta:
        model = Event

    type = EventType.BATTLE
    date = dt.date(2020, 2, 1)
    place = factory.SubFactory(PlaceFactory)
    confidence = 0.6
    summary = factory.Sequence(lambda n: f"Test event {n}")


class EventActorFactory(DjangoModelFactory):
    class Meta:
        model = EventActor

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = ActorRole.INITIATOR


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Test News {n}")
    domain = factory.Sequence(lambda n: f"news{n}.example.org")
    homepage = factory.LazyAttribute(lambda o: f"https://{o.domain}/")


class FeedFactory(DjangoModelFactory):
    class Meta:
        model = Feed

    url = factory.Sequence(lambda n: f"https://news{n}.example.org/feed.xml")
    title = factory.Sequence(lambda n: f"Test feed {n}")
    source = factory.SubFactory(SourceFactory)


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    canonical_url = factory.LazyAttribute(lambda o: o.url)
    title = factory.Sequence(lambda n: f"Test article {n}")
    source = factory.SubFactory(SourceFactory)
    origin = ArticleOrigin.URL
    published_at = factory.LazyFunction(
        lambda: dt.datetime(2020, 2, 6, 12, 0, tzinfo=dt.UTC))
    language = "en"
    text = "Government forces took control of the town on Thursday."
    status = ArticleStatus.DONE
