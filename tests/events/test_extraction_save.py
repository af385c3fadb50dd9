"""Saving an article's extraction: what lands in the knowledge base, and what never changes.

The saving service's input is the NLP's plain ``DocumentResult``, so these tests build it
by hand and look at the database afterwards.
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
    ControlState,
    EventOrigin,
    EventType,
    MentionKind,
    PlaceKind,
    RevisionVia,
)
from events.models import (
    Accord,
    Actor,
    Article,
    ControlFlip,
    Event,
    Evidence,
    Mention,
    Place,
)
from events.services.extraction import article_extraction_save
from ingest.nlp.types import (
    AccordMention,
    ActorMention,
    DocumentResult,
    EventActorRef,
    EventPlace,
    ExtractedEvent,
    PlaceMention,
)
from ingest.nlp.types import Evidence as Span

TOWN_ID, VILLAGE_ID = 990_000_101, 990_000_102
SENTENCE = "Army units took the town of Kafr Testa from the Free Hills Front on Wednesday."
SENTENCE_END = len(SENTENCE)


@pytest.fixture
def kb(db):
    """A small world of our own: two towns, an admin area, three actors and an accord."""
    town = Place.objects.create(geonames_id=TOWN_ID, name="Kafr Testa", country_code="SY",
                                admin1_name="Idlib", population=12000,
                                point=Point(36.70, 35.80, srid=4326))
    village = Place.objects.create(geonames_id=VILLAGE_ID, name="Tell Sample", country_code="SY",
                                   point=Point(36.90, 35.95, srid=4326))
    area = Place.objects.create(name="Sample Governorate", kind=PlaceKind.ADMIN_AREA,
                                country_code="SY", point=Point(36.80, 35.90, srid=4326))
    army = Actor.objects.create(name="Testland army", slug="testland-army",
                                kind=ActorKind.STATE_FORCES,
                                acled_names=["Military Forces of Testland (2000-)"])
    rebels = Actor.objects.create(name="Free Hills Front", slug="free-hills-front",
                                  kind=ActorKind.REBEL_GROUP)
    ally = Actor.objects.create(name="Northland air force", slug="northland-air-force",
                                kind=ActorKind.FOREIGN_STATE)
    accord = Accord.objects.create(name="Kafr Testa truce", slug="kafr-testa-truce",
                                   signed_date=dt.date(2019, 5, 4))
    return {"town": town, "village": village, "area": area, "army": army, "rebels": rebels,
            "ally": ally, "accord": accord}


def make_article(n: int = 1, day: dt.date = dt.date(2020, 2, 6)) -> Article:
    return Article.objects.create(
        title=f"Report {n}", text=SENTENCE, origin=ArticleOrigin.TEXT,
        published_at=dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC),
        status=ArticleStatus.PROCESSING)


def capture(*, date="2020-02-05", place_id=TOWN_ID, place_name="Kafr Testa",
            gainer="Testland army", loser="Free Hills Front", start=0, end=SENTENCE_END,
            fatalities=None, displaced=None, confidence=0.8, accords=(), extra_actors=()):
    actors = [EventActorRef(name=gainer, acled=None, role=ActorRole.GAINS_CONTROL)]
    if loser:
        actors.append(EventActorRef(name=loser, acled=None, role=ActorRole.LOSES_CONTROL))
    actors += list(extra_actors)
    place = (EventPlace(geonames_id=place_id, name=place_name, lat=35.8, lon=36.7,
                        country_code="SY") if place_name else None)
    return ExtractedEvent(type=EventType.CONTROL_CHANGE, date=date, date_precision="day",
                          place=place, actors=actors,
                          evidence=Span(text=SENTENCE, start=start, end=end),
                          confidence=confidence, fatalities=fatalities, displaced=displaced,
                          accords=list(accords))


def document(article: Article, *events, places=(), actors=(), accords=()) -> DocumentResult:
    return DocumentResult(id=str(article.pk), language="en", places=list(places),
                          actors=list(actors), accords=list(accords), events=list(events))


def test_saving_writes_event_actors_accords_evidence_mentions_and_the_control_log(kb):
    article = make_article()
    result = document(
        article,
        capture(fatalities=4, accords=[("Kafr Testa truce", "violates")],
                extra_actors=[EventActorRef(name="Northland air force", acled=None,
                                            role=ActorRole.SUPPORTER)]),
        places=[PlaceMention(text="Kafr Testa", start=28, end=38, geonames_id=TOWN_ID,
                             name="Kafr Testa", country_code="SY", lat=35.8, lon=36.7),
                PlaceMention(text="Sample Governorate", start=0, end=4, geonames_id=None,
                             name="Sample Governorate", country_code="SY", lat=35.9, lon=36.8,
                             kind=PlaceKind.ADMIN_AREA)],
        actors=[ActorMention(text="Army units", start=0, end=10, name="Testland army",
                             acled="Military Forces of Testland (2000-)")],
        accords=[AccordMention(text="truce", start=60, end=65, name="Kafr Testa truce",
                               date="2019-05-04")],
    )

    summary = article_extraction_save(article=article, result=result, pipeline_version="0.9.1")

    event = Event.objects.get()
    assert summary.events_created == [event.pk]
    assert (event.type, event.date, event.place) == (EventType.CONTROL_CHANGE,
                                                     dt.date(2020, 2, 5), kb["town"])
    assert event.origin == EventOrigin.PIPELINE and event.extractor_version == "0.9.1"
    assert event.confidence == 0.8 and event.fatalities == 4
    roles = {(ea.actor.name, ea.role) for ea in event.event_actors.all()}
    assert roles == {("Testland army", ActorRole.GAINS_CONTROL),
                     ("Free Hills Front", ActorRole.LOSES_CONTROL),
                     ("Northland air force", ActorRole.SUPPORTER)}
    assert [(link.accord, link.relation) for link in event.event_accords.all()] == \
        [(kb["accord"], "violates")]
    evidence = Evidence.objects.get()
    assert (evidence.event, evidence.article, evidence.sentence, evidence.start, evidence.end,
            evidence.extractor_version) == (event, article, SENTENCE, 0, len(SENTENCE), "0.9.1")

    mentions = {(m.kind, m.text): m for m in Mention.objects.filter(article=article)}
    assert mentions[(MentionKind.PLACE, "Kafr Testa")].place == kb["town"]
    assert mentions[(MentionKind.PLACE, "Sample Governorate")].place == kb["area"]
    assert mentions[(MentionKind.ACTOR, "Army units")].actor == kb["army"]
    assert mentions[(MentionKind.ACCORD, "truce")].accord == kb["accord"]
    assert mentions[(MentionKind.EVENT, SENTENCE)].event == event

    flip = ControlFlip.objects.exclude(inferred="loser").get()
    assert (flip.place, flip.actor, flip.lost_by, flip.date, flip.state) == \
        (kb["town"], kb["army"], kb["rebels"], dt.date(2020, 2, 5), ControlState.HELD)

    revision = services.revisions_for(event).get()
    assert revision.via == RevisionVia.PIPELINE and revision.user is None
    assert revision.author == "pipeline 0.9.1"

    article.refresh_from_db()
    assert article.status == ArticleStatus.DONE and article.pipeline_version == "0.9.1"
    assert article.processed_at is not None


def test_unknown_actors_and_accords_become_candidates_once(kb):
    newcomer = EventActorRef(name="Brigade of the Seven Tests", acled=None,
                             role=ActorRole.GAINS_CONTROL, is_candidate=True)
    first, second = make_article(1), make_article(2)
    for article in (first, second):
        event = capture(gainer="Brigade of the Seven Tests", loser=None,
                        accords=[("Hill 12 understanding", "concerns")])
        event.actors = [newcomer]
        article_extraction_save(
            article=article, pipeline_version="0.9.1",
            result=document(article, event, actors=[ActorMention(
                text="the Seven Tests brigade", start=0, end=10,
                name="Brigade of the Seven Tests", acled=None, kind=ActorKind.REBEL_GROUP,
                is_candidate=True)]))

    candidate = Actor.objects.get(name="Brigade of the Seven Tests")
    assert candidate.is_candidate and candidate.slug == "brigade-of-the-seven-tests"
    assert candidate.kind == ActorKind.REBEL_GROUP
    accord = Accord.objects.get(name="Hill 12 understanding")
    assert accord.is_candidate
    assert services.revisions_for(candidate).get().via == RevisionVia.PIPELINE
    # The second article reported the same capture: one event, two pieces of evidence.
    event = Event.objects.get()
    assert event.evidence.count() == 2
    assert ControlFlip.objects.exclude(inferred="loser").get().actor == candidate


def test_one_event_reported_by_two_articles_gets_two_evidence_rows(kb):
    first, second = make_article(1), make_article(2, dt.date(2020, 2, 7))
    article_extraction_save(article=first, result=document(first, capture(date="2020-02-05")),
                            pipeline_version="0.9.1")
    summary = article_extraction_save(
        article=second, result=document(second, capture(date="2020-02-06", fatalities=7)),
        pipeline_version="0.9.1")

    event = Event.objects.get()
    assert summary.event_ids == [event.pk] and not summary.events_created
    assert sorted(e.article_id for e in event.evidence.all()) == [first.pk, second.pk]
    assert event.date == dt.date(2020, 2, 5)  # the second report only fills in what is missing
    assert event.fatalities == 7
    assert ControlFlip.objects.exclude(inferred="loser").count() == 1


def test_contradicting_gainers_or_distant_dates_are_different_events(kb):
    first, second, third = make_article(1), make_article(2), make_article(3)
    article_extraction_save(article=first, result=document(first, capture()),
                            pipeline_version="0.9.1")
    # The rebels retaking the town the same week is another change of control.
    article_extraction_save(
        article=second, pipeline_version="0.9.1",
        result=document(second, capture(date="2020-02-06", gainer="Free Hills Front",
                                        loser="Testland army")))
    article_extraction_save(article=third, result=document(third, capture(date="2020-02-20")),
                            pipeline_version="0.9.1")
    assert Event.objects.count() == 3
    assert all(e.evidence.count() == 1 for e in Event.objects.all())


def test_reextraction_updates_machine_values_but_not_an_editors_correction(kb, editor):
    article = make_article()
    article_extraction_save(article=article, result=document(article, capture(fatalities=3)),
                            pipeline_version="0.9.1")
    event = Event.objects.get()
    services.event_correct(event=event, changes={"fatalities": 12}, user=editor,
                           reason="hospital figures")

    summary = article_extraction_save(
        article=article, pipeline_version="0.9.2",
        result=document(article, capture(date="2020-02-04", fatalities=5, displaced=300,
                                         confidence=0.9)))

    event.refresh_from_db()
    assert summary.events_updated == [event.pk]
    assert event.fatalities == 12  # the editor's value
    assert event.date == dt.date(2020, 2, 4) and event.displaced == 300
    assert event.confidence == 0.9 and event.extractor_version == "0.9.2"
    assert ControlFlip.objects.exclude(inferred="loser").get().date == dt.date(2020, 2, 4)
    latest = services.revisions_for(event).first()
    assert latest.via == RevisionVia.PIPELINE and latest.pipeline_version == "0.9.2"
    assert Evidence.objects.get().extractor_version == "0.9.2"
    assert Event.objects.count() == 1


def test_reextraction_never_changes_a_verified_event(kb, editor):
    article = make_article()
    article_extraction_save(article=article, result=document(article, capture(fatalities=3)),
                            pipeline_version="0.9.1")
    event = services.event_verify(event=Event.objects.get(), user=editor)
    revisions = services.revisions_for(event).count()

    article_extraction_save(
        article=article, pipeline_version="0.9.2",
        result=document(article, capture(date="2020-02-03", fatalities=40, loser=None)))

    event.refresh_from_db()
    assert (event.date, event.fatalities, event.extractor_version) == \
        (dt.date(2020, 2, 5), 3, "0.9.1")
    assert event.event_actors.filter(role=ActorRole.LOSES_CONTROL).exists()
    assert services.revisions_for(event).count() == revisions
    assert event.evidence.get().extractor_version == "0.9.2"


def test_saving_the_same_result_twice_changes_nothing(kb):
    article = make_article()
    result = document(article, capture(), places=[PlaceMention(
        text="Kafr Testa", start=28, end=38, geonames_id=TOWN_ID, name="Kafr Testa",
        country_code="SY", lat=35.8, lon=36.7)])
    article_extraction_save(article=article, result=result, pipeline_version="0.9.1")
    summary = article_extraction_save(article=article, result=result, pipeline_version="0.9.1")
    assert not summary.events_created and not summary.events_updated
    assert Event.objects.count() == 1 and Evidence.objects.count() == 1
    assert Mention.objects.filter(article=article).count() == 2
    assert services.revisions_for(Event.objects.get()).count() == 1


def test_events_no_longer_extracted_go_unless_a_person_touched_them(kb, editor):
    article = make_article()
    other_sentence = dict(start=100, end=150)
    both = document(article, capture(),
                    capture(place_id=VILLAGE_ID, place_name="Tell Sample", **other_sentence))
    article_extraction_save(article=article, result=both, pipeline_version="0.9.1")
    town_event = Event.objects.get(place=kb["town"])
    village_event = Event.objects.get(place=kb["village"])

    summary = article_extraction_save(article=article, result=document(article, capture()),
                                      pipeline_version="0.9.2")
    assert summary.events_deleted == [village_event.pk]
    assert list(Event.objects.all()) == [town_event]
    assert not ControlFlip.objects.filter(place=kb["village"]).exists()

    # Once an editor has corrected an event, a later version's silence does not delete it.
    article_extraction_save(article=article, result=both, pipeline_version="0.9.3")
    village_event = Event.objects.get(place=kb["village"])
    services.event_correct(event=village_event, changes={"summary": "checked by phone"},
                           user=editor)
    article_extraction_save(article=article, result=document(article, capture()),
                            pipeline_version="0.9.4")
    village_event.refresh_from_db()
    assert village_event.summary == "checked by phone"
    assert not village_event.evidence.exists()


def test_evidence_for_a_merged_event_goes_to_the_surviving_event(kb, editor):
    first, second, third = make_article(1), make_article(2), make_article(3)
    article_extraction_save(article=first, result=document(first, capture(date="2020-02-05")),
                            pipeline_version="0.9.1")
    article_extraction_save(article=second,
                            result=document(second, capture(date="2020-02-10")),
                            pipeline_version="0.9.1")
    early, late = Event.objects.order_by("date")
    services.event_merge(target=early, duplicates=[late], user=editor, reason="one capture")

    article_extraction_save(article=third, result=document(third, capture(date="2020-02-11")),
                            pipeline_version="0.9.1")

    assert Event.objects.count() == 2
    assert sorted(e.article_id for e in early.evidence.all()) == [first.pk, second.pk, third.pk]
    assert not late.evidence.exists()


def test_an_event_without_a_known_place_keeps_the_name_and_stays_out_of_the_log(kb):
    article = make_article()
    event = capture(place_id=None, place_name="Nowhere Junction")
    article_extraction_save(article=article, result=document(article, event),
                            pipeline_version="0.9.1")
    saved = Event.objects.get()
    assert saved.place is None and saved.location_text == "Nowhere Junction"
    assert not ControlFlip.objects.exists()


def test_reports_without_a_place_match_on_the_same_parties_only(kb):
    def agreement(gainer):
        event = capture(place_id=None, place_name=None, gainer=gainer, loser=None,
                        accords=[("Kafr Testa truce", "concerns")])
        event.type = EventType.AGREEMENT
        return event

    first, second, third = make_article(1), make_article(2), make_article(3)
    article_extraction_save(article=first, result=document(first, agreement("Testland army")),
                            pipeline_version="0.9.1")
    article_extraction_save(article=second, result=document(second, agreement("Testland army")),
                            pipeline_version="0.9.1")
    article_extraction_save(article=third,
                            result=document(third, agreement("Free Hills Front")),
                            pipeline_version="0.9.1")
    counts = sorted(e.evidence.count() for e in Event.objects.filter(type=EventType.AGREEMENT))
    assert counts == [1, 2]


def test_two_sentences_of_one_article_about_one_event_complete_each_other(kb):
    article = make_article()
    result = document(article, capture(fatalities=6),
                      capture(start=100, end=150, fatalities=None, displaced=2000))
    article_extraction_save(article=article, result=result, pipeline_version="0.9.1")
    event = Event.objects.get()
    assert (event.fatalities, event.displaced) == (6, 2000)
    assert event.evidence.count() == 2
    assert Mention.objects.filter(article=article, kind=MentionKind.EVENT, event=event).count() == 2


def test_a_unit_and_its_parent_force_gaining_the_town_are_one_event(kb):
    unit = Actor.objects.create(name="Testland 4th Division", slug="testland-4th-division",
                                kind=ActorKind.STATE_FORCES, parent=kb["army"])
    first, second = make_article(1), make_article(2)
    article_extraction_save(article=first, result=document(first, capture()),
                            pipeline_version="0.9.1")
    article_extraction_save(
        article=second, pipeline_version="0.9.1",
        result=document(second, capture(gainer="Testland 4th Division", start=5)))
    event = Event.objects.get()
    assert event.evidence.count() == 2
    assert {(ea.actor_id, ea.role) for ea in event.event_actors.all()} >= {
        (kb["army"].pk, ActorRole.GAINS_CONTROL), (unit.pk, ActorRole.GAINS_CONTROL)}

    # Within one article too: the unit's report completes the army's.
    Event.objects.all().delete()
    third = make_article(3)
    article_extraction_save(
        article=third, pipeline_version="0.9.1",
        result=document(third, capture(date="2020-03-01"),
                        capture(date="2020-03-01", gainer="Testland 4th Division", start=40,
                                end=60, fatalities=3)))
    event = Event.objects.get()
    assert event.fatalities == 3 and event.evidence.count() == 2
    assert ControlFlip.objects.exclude(inferred="loser").filter(event=event).count() == 1


def test_saving_an_article_costs_the_same_queries_for_one_or_six_new_events(kb):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    towns = [Place.objects.create(geonames_id=990_000_200 + i, name=f"Testville {i}",
                                  country_code="SY", point=Point(36.0 + i / 10, 35.0, srid=4326))
             for i in range(6)]

    def save(article, n, date):
        events = [capture(place_id=t.geonames_id, place_name=t.name, start=i * 10,
                          end=i * 10 + 9, date=date) for i, t in enumerate(towns[:n])]
        with CaptureQueriesContext(connection) as queries:
            article_extraction_save(article=article, result=document(article, *events),
                                    pipeline_version="0.9.1")
        return len(queries)

    one, six = save(make_article(1), 1, "2020-02-05"), save(make_article(2), 6, "2020-05-01")
    assert Event.objects.count() == 7
    assert ControlFlip.objects.exclude(inferred="loser").count() == 7
    assert one == six
