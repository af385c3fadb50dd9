"""Issue 16 and 20's rules of the control log, on hand-built timelines.

What enters the log (towns only, never a country nor an event known only around a town),
the holder before the first change (inferred from the side that lost it), the end of a
contest (quiet days, the next capture), the sources behind a flip (copies of one wire
story once) and withdrawals (a named taker, the opponent fighting there, nobody). Every
event is written through events.services, as the pipeline and the pages write them.
"""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from events import selectors, services
from events.choices import (
    ActorKind,
    ActorRole,
    DuplicateKind,
    EventType,
    LocationPrecision,
    PlaceKind,
)
from events.models import Actor, Article, ControlFlip, Evidence, Place, Source
from tests.control_timeline import D

CITY = (36.80, 35.86)


def make_place(name, kind=PlaceKind.POPULATED_PLACE, lon=CITY[0], lat=CITY[1], population=1000):
    return Place.objects.create(name=name, kind=kind, country_code="SY", admin1_name="Idlib",
                                population=population, point=Point(lon, lat, srid=4326))


def make_actor(name, kind=ActorKind.STATE_FORCES, parent=None):
    return Actor.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind=kind,
                                parent=parent)


def change(place, day, gainer=None, loser=None, precision=LocationPrecision.EXACT,
           confidence=0.9):
    actors = []
    if gainer:
        actors.append((gainer, ActorRole.GAINS_CONTROL))
    if loser:
        actors.append((loser, ActorRole.LOSES_CONTROL))
    return services.event_create(values={"type": EventType.CONTROL_CHANGE, "date": day,
                                         "place": place, "confidence": confidence,
                                         "location_precision": precision}, actors=actors)


def fight(place, day, attacker, type_=EventType.SIEGE, end=None):
    return services.event_create(values={"type": type_, "date": day, "end_date": end,
                                         "place": place, "confidence": 0.8},
                                 actors=[(attacker, ActorRole.INITIATOR)])


def status(place, day, **filters):
    found = [s for s in selectors.place_control_at(date=day, **filters) if s.place == place]
    return found[0] if found else None


@pytest.fixture
def sides(db):
    government = make_actor("Government Forces")
    opposition = make_actor("Opposition Front", ActorKind.REBEL_GROUP)
    return government, opposition


# --- 1. what enters the log ------------------------------------------------------------

def test_a_village_capture_leaves_its_city_unchanged(sides):
    government, opposition = sides
    city = make_place("Bigcity", population=500_000)
    village = make_place("Smallvillage", lon=36.85, lat=35.9, population=800)
    change(city, D(2016, 1, 1), government)
    change(village, D(2016, 10, 27), opposition, government)
    # A report placing the capture only "near" the city is not the city's capture either.
    change(city, D(2016, 10, 28), opposition, government, precision=LocationPrecision.NEAR)
    assert status(city, D(2016, 11, 1)).actor == government
    assert status(village, D(2016, 11, 1)).actor == opposition


@pytest.mark.parametrize("kind", [PlaceKind.COUNTRY, PlaceKind.ADMIN_AREA])
def test_a_country_or_admin_area_never_enters_the_log(sides, kind):
    government, opposition = sides
    area = make_place("Somewhere", kind=kind)
    event = change(area, D(2015, 3, 1), opposition, government)
    fight(area, D(2015, 3, 2), government)
    assert not ControlFlip.objects.filter(place=area).exists()
    assert status(area, D(2015, 4, 1)) is None
    assert event.review_status == "extracted"  # the event itself is kept


@pytest.mark.parametrize("precision", [LocationPrecision.REGION, LocationPrecision.COUNTRY,
                                       LocationPrecision.UNKNOWN])
def test_an_event_known_only_at_area_precision_never_changes_a_town(sides, precision):
    government, opposition = sides
    town = make_place("Quiettown")
    change(town, D(2013, 1, 1), government)
    change(town, D(2013, 5, 1), opposition, government, precision=precision)
    assert status(town, D(2014, 1, 1)).actor == government


def test_correcting_the_precision_brings_the_change_in(sides):
    government, opposition = sides
    town = make_place("Fixtown")
    event = change(town, D(2013, 5, 1), opposition, government,
                   precision=LocationPrecision.REGION)
    assert status(town, D(2013, 6, 1)) is None
    services.event_correct(event=event, changes={"location_precision": LocationPrecision.EXACT},
                           reason="the report names the town itself")
    assert status(town, D(2013, 6, 1)).actor == opposition


# --- 2. before the first change ----------------------------------------------------------

def test_a_town_captured_from_x_is_held_by_x_before_marked_inferred(sides):
    government, opposition = sides
    town = make_place("Saraqibtest")
    capture = change(town, D(2020, 2, 8), government, opposition)
    before = status(town, D(2020, 1, 8))
    assert before.actor == opposition
    assert before.inferred == "loser" and before.since is None
    assert before.event_id == capture.pk  # the event it is inferred from
    after = status(town, D(2020, 3, 8))
    assert after.actor == government and not after.inferred
    periods = selectors.place_control_timeline(place=town)
    assert [(p.actor, p.start, p.end, p.inferred) for p in periods] == [
        (opposition, None, D(2020, 2, 8), "loser"),
        (government, D(2020, 2, 8), None, ""),
    ]


def test_no_inferred_holder_when_an_earlier_holder_is_known(sides):
    government, opposition = sides
    town = make_place("Knowntown")
    change(town, D(2019, 1, 1), government)
    change(town, D(2020, 2, 8), opposition, government)
    assert status(town, D(2018, 6, 1)) is None
    assert not ControlFlip.objects.filter(place=town, inferred="loser").exists()


def test_rejecting_the_capture_removes_the_inferred_holder(sides):
    government, opposition = sides
    town = make_place("Gonetown")
    capture = change(town, D(2020, 2, 8), government, opposition)
    services.event_reject(event=capture, reason="the claim was false")
    assert status(town, D(2020, 1, 8)) is None
    assert not ControlFlip.objects.filter(place=town).exists()


# --- 3. contested ends -------------------------------------------------------------------

def test_a_siege_ends_after_the_quiet_days(sides):
    government, opposition = sides
    town = make_place("Siegetown")
    change(town, D(2015, 1, 1), government)
    fight(town, D(2015, 2, 1), opposition)  # no end reported
    during = status(town, D(2015, 2, 10))
    assert during.actor == government and during.contested
    assert during.contested_until == D(2015, 2, 15)  # 14 quiet days (the default)
    assert status(town, D(2015, 2, 15)).contested
    assert not status(town, D(2015, 2, 16)).contested
    assert not status(town, D(2019, 1, 1)).contested  # not "contested for years"
    # New fighting reported within the quiet days makes one longer contest.
    fight(town, D(2015, 2, 12), opposition, EventType.BATTLE)
    assert status(town, D(2015, 2, 20)).contested_until == D(2015, 2, 26)
    spans = selectors.place_control_timeline(place=town)[0].contested
    assert [(start, end) for start, end, *_ in spans] == [(D(2015, 2, 1), D(2015, 2, 26))]


def test_the_quiet_days_are_a_setting(sides, settings):
    settings.CONTROL_QUIET_DAYS = 3
    government, opposition = sides
    town = make_place("Shorttown")
    change(town, D(2015, 1, 1), government)
    fight(town, D(2015, 2, 1), opposition)
    assert status(town, D(2015, 2, 4)).contested
    assert not status(town, D(2015, 2, 5)).contested


def test_a_siege_ends_at_the_next_capture(sides):
    government, opposition = sides
    town = make_place("Fallentown")
    change(town, D(2015, 1, 1), government)
    fight(town, D(2015, 2, 1), opposition)
    change(town, D(2015, 2, 5), opposition, government)
    assert status(town, D(2015, 2, 3)).contested_until == D(2015, 2, 5)
    after = status(town, D(2015, 2, 6))
    assert after.actor == opposition and not after.contested
    first = selectors.place_control_timeline(place=town)[0]
    assert first.contested[0][:2] == (D(2015, 2, 1), D(2015, 2, 5))


# --- 4. confidence and sources -------------------------------------------------------------

def _article(outlet, title, duplicate_of=None):
    return Article.objects.create(
        url=f"https://{outlet.domain}/{title}", title=title, text=f"{title} text",
        source=outlet, published_at=dt.datetime(2020, 2, 9, tzinfo=dt.UTC),
        duplicate_of=duplicate_of, duplicate_kind=DuplicateKind.NEAR if duplicate_of else "")


def _evidence(event, article, start):
    Evidence.objects.create(event=event, article=article, sentence="Forces took the town.",
                            start=start, end=start + 20)


def test_two_copies_of_one_wire_story_are_one_source(sides):
    government, opposition = sides
    town = make_place("Wiretown")
    capture = change(town, D(2020, 2, 8), government, opposition, confidence=0.7)
    wire = Source.objects.create(name="Wire Agency", domain="wire.example")
    paper = Source.objects.create(name="Daily Paper", domain="paper.example")
    other = Source.objects.create(name="Other Outlet", domain="other.example")
    original = _article(wire, "story")
    copy = _article(paper, "story-copy", duplicate_of=original)
    _evidence(capture, original, 0)
    _evidence(capture, copy, 0)
    services.control_log_refresh_sources(event_ids=[capture.pk])
    answer = status(town, D(2020, 3, 1))
    assert answer.sources == 1 and answer.evidence_level == "single_source"
    assert answer.confidence == 0.7
    # An outlet's own report is a second, independent source.
    _evidence(capture, _article(other, "own-report"), 5)
    services.control_log_refresh_sources(event_ids=[capture.pk])
    answer = status(town, D(2020, 3, 1))
    assert answer.sources == 2 and answer.evidence_level == "corroborated"
    assert status(town, D(2020, 3, 1), min_sources=3) is None
    assert status(town, D(2020, 3, 1), min_sources=2) == answer
    assert status(town, D(2020, 3, 1), verified_only=True) is None
    services.event_verify(event=capture, reason="checked")
    assert status(town, D(2020, 3, 1), verified_only=True).evidence_level == "verified"


# --- issue 20: withdrawals -----------------------------------------------------------------

def test_a_withdrawal_with_a_named_taker_gives_it_to_the_taker(sides):
    government, opposition = sides
    town = make_place("Takentown")
    change(town, D(2019, 1, 1), opposition)
    change(town, D(2019, 8, 20), government, opposition)  # "withdrew as the army entered"
    answer = status(town, D(2019, 9, 1))
    assert answer.actor == government and not answer.inferred and not answer.unheld


def test_a_withdrawal_goes_to_the_opponent_fighting_there_last_week(sides):
    government, opposition = sides
    town = make_place("Khantown")
    change(town, D(2019, 1, 1), opposition)
    fight(town, D(2019, 8, 13), government, EventType.BATTLE)
    withdrawal = change(town, D(2019, 8, 20), loser=opposition)
    answer = status(town, D(2019, 8, 21))
    assert answer.actor == government
    assert answer.inferred == "opponent" and answer.event_id == withdrawal.pk


def test_a_unit_of_the_withdrawing_side_fighting_there_is_no_opponent(sides):
    government, opposition = sides
    unit = make_actor("Opposition Brigade", ActorKind.REBEL_GROUP, parent=opposition)
    town = make_place("Unittown")
    change(town, D(2019, 1, 1), opposition)
    fight(town, D(2019, 8, 13), unit, EventType.BATTLE)
    change(town, D(2019, 8, 20), loser=opposition)
    assert status(town, D(2019, 8, 21)).unheld


def test_a_withdrawal_nobody_took_leaves_the_town_unheld(sides):
    government, opposition = sides
    town = make_place("Emptytown")
    change(town, D(2019, 1, 1), government)
    fight(town, D(2019, 6, 1), opposition, EventType.BATTLE, end=D(2019, 6, 2))  # long ago
    change(town, D(2019, 8, 20), loser=government)
    answer = status(town, D(2019, 9, 1))
    assert answer.actor is None and answer.unheld and not answer.contested
    assert answer.since == D(2019, 8, 20)
    periods = selectors.place_control_timeline(place=town)
    assert [(p.actor, p.unheld, p.start) for p in periods] == [
        (government, False, D(2019, 1, 1)), (None, True, D(2019, 8, 20))]


def test_fighting_reported_after_the_withdrawal_was_saved_changes_its_answer(sides):
    government, opposition = sides
    town = make_place("Latetown")
    change(town, D(2019, 1, 1), opposition)
    change(town, D(2019, 8, 20), loser=opposition)
    assert status(town, D(2019, 8, 21)).unheld
    fight(town, D(2019, 8, 15), government)  # an older report read later
    assert status(town, D(2019, 8, 21)).actor == government


def test_the_withdrawal_lookback_is_a_setting(sides, settings):
    settings.CONTROL_WITHDRAWAL_LOOKBACK_DAYS = 3
    government, opposition = sides
    town = make_place("Lookbacktown")
    change(town, D(2019, 1, 1), opposition)
    fight(town, D(2019, 8, 13), government, EventType.BATTLE)
    change(town, D(2019, 8, 20), loser=opposition)
    assert status(town, D(2019, 8, 21)).unheld


def test_rebuilding_the_log_gives_the_same_answers(sides):
    government, opposition = sides
    town, other = make_place("Rebuildtown"), make_place("Othertown2", lon=37.0)
    change(town, D(2020, 2, 8), government, opposition)
    fight(other, D(2019, 8, 13), government, EventType.BATTLE)
    change(other, D(2019, 8, 20), loser=opposition)

    def answers():
        return [(s.place.name, s.actor, s.since, s.inferred, s.unheld, s.contested)
                for day in (D(2019, 1, 1), D(2019, 8, 21), D(2020, 3, 1))
                for s in selectors.place_control_at(date=day)]

    before = answers()
    services.control_log_rebuild(chunk_size=1)
    assert answers() == before


def test_fighting_near_a_town_contests_it_fighting_in_its_province_does_not(sides):
    government, opposition = sides
    town = make_place("Outskirtstown")
    change(town, D(2015, 1, 1), government)
    services.event_create(values={"type": EventType.BATTLE, "date": D(2015, 2, 1),
                                  "place": town, "confidence": 0.8,
                                  "location_precision": LocationPrecision.REGION},
                          actors=[(opposition, ActorRole.INITIATOR)])
    assert not status(town, D(2015, 2, 2)).contested
    services.event_create(values={"type": EventType.BATTLE, "date": D(2015, 3, 1),
                                  "place": town, "confidence": 0.8,
                                  "location_precision": LocationPrecision.NEAR},
                          actors=[(opposition, ActorRole.INITIATOR)])
    assert status(town, D(2015, 3, 2)).contested


def test_a_withdrawal_from_near_a_town_changes_nothing(sides):
    """"Withdrew from positions near X": the extractor places it near X, and a change of
    control near a town is not the town's."""
    government, opposition = sides
    town = make_place("Neartown")
    change(town, D(2019, 1, 1), government)
    change(town, D(2019, 8, 20), loser=government, precision=LocationPrecision.NEAR)
    answer = status(town, D(2019, 9, 1))
    assert answer.actor == government and not answer.unheld
