"""ACLED's typology, incidents told several times, background events and figures, as the
extraction save stores them (issue 14).

Built ``DocumentResult``s show each rule of the save; the last test runs the real extractor
on sentences written for it.
"""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from events import services
from events.choices import (
    ActorKind,
    ActorRole,
    ArticleOrigin,
    ArticleStatus,
    ControlInference,
    EventType,
)
from events.models import Actor, Article, ControlFlip, Event, Evidence, Figure, Place
from events.services.extraction import article_extract, article_extraction_save
from ingest.nlp.types import (
    DocumentResult,
    EventActorRef,
    EventPlace,
    ExtractedEvent,
)
from ingest.nlp.types import Evidence as Span
from ingest.nlp.types import Figure as ExtractedFigure

TITLE = "Army takes Kafr Testa."
LEAD = "The army seized Kafr Testa from the Free Hills Front on Wednesday, killing nine."
BODY = "Troops entered Kafr Testa at dawn; nine fighters were killed and three wounded."
TOTAL = "Some 40,000 people have fled the Sample district since 1 November."
OLD = "In 2012 the Free Hills Front had taken Kafr Testa from the army."
TEXT = " ".join([TITLE, LEAD, BODY, TOTAL, OLD])


def span(sentence: str) -> Span:
    start = TEXT.index(sentence)
    return Span(text=sentence, start=start, end=start + len(sentence))


@pytest.fixture
def kb(db):
    town = Place.objects.create(geonames_id=990_000_201, name="Kafr Testa", country_code="SY",
                                point=Point(36.70, 35.80, srid=4326))
    district = Place.objects.create(geonames_id=990_000_202, name="Sample district",
                                    kind="admin_area", country_code="SY",
                                    point=Point(36.80, 35.90, srid=4326))
    army = Actor.objects.create(name="Testland army", slug="testland-army",
                                kind=ActorKind.STATE_FORCES)
    rebels = Actor.objects.create(name="Free Hills Front", slug="free-hills-front",
                                  kind=ActorKind.REBEL_GROUP)
    article = Article.objects.create(
        title="Report", text=TEXT, origin=ArticleOrigin.TEXT,
        published_at=dt.datetime(2020, 2, 7, 9, tzinfo=dt.UTC), status=ArticleStatus.PROCESSING)
    return {"town": town, "district": district, "army": army, "rebels": rebels,
            "article": article}


def where(place: Place) -> EventPlace:
    return EventPlace(geonames_id=place.geonames_id, name=place.name, lat=place.point.y,
                      lon=place.point.x, country_code="SY")


def capture(kb, *, gainer="army", loser="rebels", date="2020-02-05", evidence=LEAD,
            more=(TITLE, BODY), **extra) -> ExtractedEvent:
    return ExtractedEvent(
        type=EventType.CONTROL_CHANGE, date=date, date_precision="day",
        place=where(kb["town"]),
        actors=[EventActorRef(kb[gainer].name, None, ActorRole.GAINS_CONTROL),
                EventActorRef(kb[loser].name, None, ActorRole.LOSES_CONTROL)],
        evidence=span(evidence), confidence=0.9, more_evidence=[span(s) for s in more],
        **extra)


def total(kb, count=40_000) -> ExtractedFigure:
    return ExtractedFigure(kind="displaced", count=count, evidence=span(TOTAL),
                           period_start="2019-11-01", period_end=None,
                           place=where(kb["district"]),
                           actors=[EventActorRef("Free Hills Front", None, ActorRole.PARTY)])


def save(kb, events, figures=(), version="1.0"):
    return article_extraction_save(
        article=kb["article"], pipeline_version=version,
        result=DocumentResult(id="1", language="en", events=list(events),
                              figures=list(figures), version=version))


def test_one_incident_told_three_times_is_one_event_with_three_sentences(kb):
    summary = save(kb, [capture(kb, fatalities=9, injured=3)])
    event = Event.objects.get()
    assert summary.events_created == [event.pk]
    assert sorted(Evidence.objects.filter(event=event).values_list("sentence", flat=True)) \
        == sorted([TITLE, LEAD, BODY])
    assert (event.fatalities, event.injured) == (9, 3)
    # The gaining actor is the government's: ACLED's "Government regains territory".
    assert (event.event_type, event.sub_event_type) == ("battles",
                                                        "government_regains_territory")
    # Read again (same sentences): still one event, still three sentences.
    save(kb, [capture(kb, fatalities=9, injured=3)], version="1.1")
    assert Event.objects.count() == 1 and Evidence.objects.count() == 3


def test_sub_type_comes_from_the_extractor_or_from_the_gaining_actor(kb):
    save(kb, [capture(kb, gainer="rebels", loser="army", evidence=OLD, more=()),
              ExtractedEvent(type=EventType.BATTLE, date="2020-02-05", date_precision="day",
                             place=where(kb["town"]), actors=[], evidence=span(BODY),
                             confidence=0.6, sub_event_type="suicide_bomb")])
    by_sentence = {e.evidence.get().sentence: e for e in Event.objects.all()}
    assert by_sentence[OLD].sub_event_type == "non_state_actor_overtakes_territory"
    # The extractor's sub-type decides and the kind follows it.
    bomb = by_sentence[BODY]
    assert (bomb.type, bomb.event_type, bomb.sub_event_type) == \
        (EventType.EXPLOSION, "explosions_remote_violence", "suicide_bomb")


def test_background_events_are_kept_but_stay_off_the_control_log_until_verified(kb):
    save(kb, [capture(kb, gainer="rebels", loser="army", date="2012-07-01", evidence=OLD,
                      more=(), background=True)])
    old = Event.objects.get()
    assert old.background and not ControlFlip.objects.exists()
    assert not Event.objects.news().exists()
    services.event_verify(event=old, reason="checked: the 2012 capture")
    # The capture's row, and the loser's holding before it (inferred from the same event).
    assert ControlFlip.objects.exclude(inferred=ControlInference.LOSER).get().event_id == old.pk
    assert list(Event.objects.news()) == [old]


def test_figures_are_saved_with_place_and_actors_and_replaced_on_reextraction(kb):
    summary = save(kb, [capture(kb)], figures=[total(kb)])
    figure = Figure.objects.get()
    assert summary.figures == 1
    assert (figure.kind, figure.count, figure.place, figure.article) == \
        ("displaced", 40_000, kb["district"], kb["article"])
    # "since 1 November" up to the article's date.
    assert (figure.period_start, figure.period_end) == (dt.date(2019, 11, 1),
                                                        dt.date(2020, 2, 7))
    assert list(figure.actors.all()) == [kb["rebels"]]
    assert figure.sentence == TOTAL and TEXT[figure.start:figure.end] == TOTAL
    # Figures are not events: nothing on the control log but the capture's row (and the
    # loser's holding before it, inferred from the capture).
    assert ControlFlip.objects.exclude(inferred=ControlInference.LOSER).count() == 1
    assert set(ControlFlip.objects.values_list("event_id", flat=True)) == \
        set(Event.objects.values_list("pk", flat=True))
    assert Event.objects.count() == 1
    save(kb, [capture(kb)], figures=[total(kb, count=41_000)], version="1.1")
    assert list(Figure.objects.values_list("count", flat=True)) == [41_000]


def test_counts_an_older_extractor_gave_as_events_become_counts_or_figures(kb):
    lead_toll = ExtractedEvent(type="casualties", date="2020-02-05", date_precision="day",
                               place=where(kb["town"]), actors=[], evidence=span(LEAD),
                               confidence=0.5, fatalities=9)
    fled = ExtractedEvent(type="displacement", date="2020-02-07", date_precision="day",
                          place=where(kb["district"]), actors=[], evidence=span(TOTAL),
                          confidence=0.5, displaced=40_000)
    save(kb, [capture(kb, more=()), lead_toll, fled])
    # No event of either old kind: the toll is the capture's, the exodus a figure.
    assert list(Event.objects.values_list("type", "fatalities")) == \
        [(EventType.CONTROL_CHANGE, 9)]
    assert list(Figure.objects.values_list("kind", "count", "place__name")) == \
        [("displaced", 40_000, "Sample district")]


def test_real_extraction_of_written_sentences(db):
    """The extractor as it runs in the workers: counts go to incidents, totals to figures,
    and every event has its ACLED sub-type."""
    text = ("Government forces captured the town of Saraqib in Idlib on Tuesday after two "
            "days of fighting with rebel groups.\n\n"
            "Artillery fire hit the market in Ariha on Monday, killing six civilians.\n\n"
            "Aid agencies said more than 80,000 people have fled their homes in Idlib "
            "province since the start of December.")
    article = Article.objects.create(
        title="Saraqib falls", text=text, origin=ArticleOrigin.TEXT,
        published_at=dt.datetime(2020, 2, 7, 9, tzinfo=dt.UTC), status=ArticleStatus.PROCESSING)
    article_extract(article=article)
    events = list(Event.objects.filter(evidence__article=article).distinct())
    assert events and not [e for e in events if e.type in ("casualties", "displacement")]
    assert all(e.sub_event_type and e.event_type for e in events)
    taken = [e for e in events if e.type == EventType.CONTROL_CHANGE]
    assert [(e.place.name, e.sub_event_type) for e in taken] == \
        [("Saraqib", "government_regains_territory")]
    shelled = [e for e in events if e.place and e.place.name == "Arīḩā"]
    assert shelled and shelled[0].fatalities == 6
    figures = list(Figure.objects.filter(article=article))
    assert [(f.kind, f.count) for f in figures] == [("displaced", 80_000)]


def test_the_migration_codes_rows_older_than_the_typology(kb):
    """0010's conversion: the kind's sub-type, the government's regaining by the gaining
    actor's kind, and old casualty rows kept with the sub-type "Other"."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("events.migrations.0010_event_typology")
    town = kb["town"]
    rows = {
        "regained": services.event_create(
            values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 2, 5),
                    "place": town}, actors=[(kb["army"], ActorRole.GAINS_CONTROL)]),
        "overtaken": services.event_create(
            values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 2, 9),
                    "place": town}, actors=[(kb["rebels"], ActorRole.GAINS_CONTROL)]),
        "siege": services.event_create(values={"type": EventType.SIEGE,
                                               "date": dt.date(2020, 1, 5), "place": town}),
        "toll": services.event_create(values={"type": "casualties", "fatalities": 30,
                                              "date": dt.date(2020, 1, 6), "place": town}),
    }
    # As the rows were before the migration: no coding at all.
    Event.objects.update(sub_event_type="", event_type="")
    with connection.schema_editor() as editor:
        migration.code_rows(apps, editor)
    coded = {name: Event.objects.values_list("type", "event_type", "sub_event_type")
             .get(pk=event.pk) for name, event in rows.items()}
    assert coded == {
        "regained": ("control_change", "battles", "government_regains_territory"),
        "overtaken": ("control_change", "battles", "non_state_actor_overtakes_territory"),
        "siege": ("siege", "battles", "armed_clash"),
        "toll": ("casualties", "strategic_developments", "other"),
    }
