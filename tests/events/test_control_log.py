"""The control log: who holds a town on each date, its timeline, and what it costs to ask."""


import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import selectors, services
from events.choices import ActorKind, PlaceKind
from events.models import Actor, ControlFlip, Place
from tests.control_timeline import D, build_timeline, capture, contest


def make_place(name, lon=36.8, lat=35.86):
    return Place.objects.create(name=name, kind=PlaceKind.POPULATED_PLACE, country_code="SY",
                                point=Point(lon, lat, srid=4326))


def make_actor(name):
    return Actor.objects.create(name=name, slug=name.lower().replace(" ", "-"),
                                kind=ActorKind.STATE_FORCES)


@pytest.fixture
def timeline(db):
    """A town held by A, besieged and taken by B, fought over, and retaken by A."""
    town = make_place("Testtown")
    a, b = make_actor("Army A"), make_actor("Group B")
    events = build_timeline(town, a, b)
    return town, a, b, events


def holder(town, day):
    statuses = [s for s in selectors.place_control_at(date=day) if s.place == town]
    return statuses[0] if statuses else None


@pytest.mark.parametrize(
    ("day", "who", "contested", "since"),
    [
        (D(2020, 1, 15), "Army A", False, D(2020, 1, 1)),
        (D(2020, 2, 5), "Army A", True, D(2020, 1, 1)),     # besieged by B
        (D(2020, 2, 10), "Group B", False, D(2020, 2, 10)),  # the siege ended with the capture
        (D(2020, 3, 2), "Group B", True, D(2020, 2, 10)),    # battle 1-3 March
        (D(2020, 3, 5), "Group B", False, D(2020, 2, 10)),
        (D(2020, 4, 1), "Army A", False, D(2020, 4, 1)),
        (D(2024, 1, 1), "Army A", False, D(2020, 4, 1)),
    ],
)
def test_holder_on_each_date(timeline, day, who, contested, since):
    town = timeline[0]
    status = holder(town, day)
    assert status.actor.name == who
    assert status.contested is contested
    assert status.since == since


def test_nobody_known_before_the_first_change(timeline):
    assert holder(timeline[0], D(2019, 12, 31)) is None


def test_the_answer_names_the_event_that_established_control(timeline):
    town, _, _, events = timeline
    assert holder(town, D(2020, 2, 20)).event_id == events["b_takes"].pk


def test_timeline_has_three_holders_and_the_contested_spans(timeline):
    town, a, b, events = timeline
    periods = selectors.place_control_timeline(place=town)
    assert [(p.actor, p.start, p.end) for p in periods] == [
        (a, D(2020, 1, 1), D(2020, 2, 10)),
        (b, D(2020, 2, 10), D(2020, 4, 1)),
        (a, D(2020, 4, 1), None),
    ]
    assert periods[0].contested == [(D(2020, 2, 1), D(2020, 2, 10), b, events["b_siege"].pk)]
    assert periods[1].contested == [(D(2020, 3, 1), D(2020, 3, 3), a, events["battle"].pk)]
    assert periods[2].contested == []


def test_a_place_only_besieged_is_contested_with_unknown_holder(db):
    town = make_place("Besieged")
    contest(town, D(2021, 5, 1), make_actor("Besieger"))
    status = holder(town, D(2021, 5, 3))
    assert status.actor is None and status.contested is True


def test_rejecting_a_capture_removes_it_from_the_log(timeline):
    town, a, _, events = timeline
    services.event_reject(event=events["b_takes"], reason="the report was denied")
    status = holder(town, D(2020, 2, 12))
    assert status.actor == a
    assert status.contested is True  # B's siege of 1 February, not yet 14 quiet days
    assert holder(town, D(2020, 2, 16)).contested is False
    assert not ControlFlip.objects.filter(event=events["b_takes"]).exists()


def test_correcting_the_place_moves_the_change_of_control(timeline):
    town, _, b, events = timeline
    other = make_place("Othertown", lon=37.0)
    services.event_correct(event=events["b_takes"], changes={"place": other},
                           reason="it was the next town")
    assert holder(other, D(2020, 2, 20)).actor == b
    assert holder(town, D(2020, 2, 20)).actor.name == "Army A"


def test_rebuild_gives_the_same_answers(timeline):
    town = timeline[0]
    def answers():
        return [(s.actor, s.contested, s.since)
                for s in selectors.place_control_at(date=D(2020, 3, 2))]

    before = answers()
    assert services.control_log_rebuild() == 5
    after = answers()
    assert before == after and holder(town, D(2020, 3, 2)).contested
    # Written in chunks (here of two events), the log answers the same.
    assert services.control_log_rebuild(chunk_size=2) == 5
    assert answers() == before


def _count_queries(day):
    with CaptureQueriesContext(connection) as ctx:
        statuses = selectors.place_control_at(date=day)
        for s in statuses:  # what a page or the API reads of each answer
            str(s.place), s.actor and s.actor.name
    return len(ctx.captured_queries), len(statuses)


def test_query_count_does_not_grow_with_the_number_of_places(db):
    a, b = make_actor("Army A"), make_actor("Group B")
    for i in range(2):
        town = make_place(f"Town {i}", lon=36 + i / 100)
        capture(town, D(2020, 1, 1), a)
        contest(town, D(2020, 1, 5), b)
    small, n_small = _count_queries(D(2020, 1, 6))
    for i in range(2, 40):
        town = make_place(f"Town {i}", lon=36 + i / 100)
        capture(town, D(2020, 1, 1), a)
        if i % 3 == 0:
            contest(town, D(2020, 1, 5), b)
        if i % 5 == 0:
            contest(make_place(f"Village {i}"), D(2020, 1, 4), b)
    large, n_large = _count_queries(D(2020, 1, 6))
    assert n_large > 10 * n_small
    assert large == small
