"""Control over time: the map's FeatureCollection on a date, and a place's whole timeline.

The timeline is hand-built through events.services: a town held by Army A, besieged and
taken by Group B, fought over (a battle, contested), then retaken by Army A.
"""


import pytest

from events.caching import control_log_changed
from events.choices import ActorKind
from tests.control_timeline import D, build_timeline, capture, contest

from .conftest import count_queries, make_actor, make_place

URL = "/api/v1/control/"


@pytest.fixture
def timeline(db):
    town = make_place("Flipton", 36.80, 35.86, country="SY", admin1="Idlib")
    a = make_actor("Army A", "army-a")
    b = make_actor("Group B", "group-b", ActorKind.REBEL_GROUP)
    events = build_timeline(town, a, b)
    return town, a, b, events


def feature_for(api, town, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "FeatureCollection"
    found = [f for f in body["features"] if f["id"] == town.pk]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("day", "holder", "contested", "since", "event"),
    [
        ("2019-12-31", None, None, None, None),
        ("2020-01-15", "army-a", False, "2020-01-01", "a_takes"),
        ("2020-02-05", "army-a", True, "2020-01-01", "a_takes"),
        ("2020-02-10", "group-b", False, "2020-02-10", "b_takes"),
        ("2020-03-02", "group-b", True, "2020-02-10", "b_takes"),
        ("2020-03-05", "group-b", False, "2020-02-10", "b_takes"),
        ("2020-04-01", "army-a", False, "2020-04-01", "a_retakes"),
        ("2024-01-01", "army-a", False, "2020-04-01", "a_retakes"),
    ],
)
def test_holder_on_each_date(api, timeline, day, holder, contested, since, event):
    town, _, _, events = timeline
    feature = feature_for(api, town, date=day, bbox="36.5,35.6,37.1,36.1")
    if holder is None:
        assert feature is None
        return
    props = feature["properties"]
    assert props["actor"]["slug"] == holder
    assert props["contested"] is contested
    assert props["since"] == since
    assert props["event"] == events[event].pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.8, 35.86]}
    assert (props["name"], props["country"], props["admin1"]) == ("Flipton", "SY", "Idlib")


def test_contested_before_any_known_holder(api, db):
    town = make_place("Unknownville", 36.7, 35.7)
    attacker = make_actor("Attackers", "attackers", ActorKind.REBEL_GROUP)
    siege = contest(town, D(2020, 5, 1), attacker)
    props = feature_for(api, town, date="2020-05-03")["properties"]
    assert props["actor"] is None
    assert props["contested"] is True
    assert props["event"] == siege.pk


@pytest.mark.parametrize("day", ["2020-01-15", "2020-02-05", "2020-03-02", "2020-05-03"])
def test_a_country_or_a_bbox_gets_the_answers_of_the_whole_map(api, timeline, day):
    """Narrowed answers come from their own query (answer_rows_at): the same features."""
    town, a, b, _ = timeline
    besieged = make_place("Besiegedville", 36.9, 35.9, country="SY", admin1="Idlib")
    contest(besieged, D(2020, 1, 10), b)
    whole = {f["id"]: f for f in api.get(URL, {"date": day}).json()["features"]}
    for params in ({"country": "SY"}, {"bbox": "36.5,35.6,37.1,36.1"}, {"admin1": "idlib"}):
        narrowed = api.get(URL, {"date": day, **params}).json()["features"]
        assert narrowed == [whole[f["id"]] for f in narrowed]
        assert {f["id"] for f in narrowed} == {town.pk, besieged.pk} & set(whole)
    held_by_b = api.get(URL, {"date": day, "country": "SY", "actor": b.pk}).json()["features"]
    holders = {i: (f["properties"]["actor"] or {}).get("id") for i, f in whole.items()}
    assert held_by_b == [f for i, f in whole.items() if holders[i] == b.pk]


def test_narrowed_by_bbox_country_and_actor(api, timeline):
    town, a, b, _ = timeline
    assert feature_for(api, town, date="2020-02-15", bbox="30,30,31,31") is None
    assert feature_for(api, town, date="2020-02-15", country="IQ") is None
    assert feature_for(api, town, date="2020-02-15", country="sy") is not None
    assert feature_for(api, town, date="2020-02-15", country="Syria") is not None
    assert feature_for(api, town, date="2020-02-15", actor="Group B") is not None
    assert feature_for(api, town, date="2020-02-15", actor="army-a") is None
    assert feature_for(api, town, date="2020-02-15", actor=b.pk) is not None


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"date": ["This field is required."]}),
        ({"date": "2020-02-31"}, {"date": ["Enter a valid date."]}),
        ({"date": "2020-02-10", "bbox": "1,2,3"},
         {"bbox": ["Expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got 3."]}),
        ({"date": "2020-02-10", "bbox": "190,0,191,1"},
         {"bbox": ["Longitude 190 is outside -180..180."]}),
        ({"date": "2020-02-10", "actor": "nobody-at-all"},
         {"actor": ["No actor is known as 'nobody-at-all'."]}),
        ({"date": "2020-02-10", "country": "Narnia"},
         {"country": ["No country is known as 'Narnia' (a name or a two-letter ISO code)."]}),
    ],
)
def test_wrong_parameters_answer_400(api, db, params, errors):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert response.json() == errors


def cold_queries(api, url) -> int:
    """The queries of an answer computed afresh, not read from the cache."""
    control_log_changed()
    return count_queries(api, url)


def test_query_count_does_not_grow_with_places(api, db):
    army = make_actor("Counting Army", "counting-army")
    capture(make_place("Count0", 10.0, 10.0, country="ZZ"), D(2020, 1, 1), army)
    api.get(URL + "?date=2020-06-01&country=ZZ")  # the code is known from now on
    one = cold_queries(api, URL + "?date=2020-06-01&country=ZZ")
    for i in range(1, 20):
        capture(make_place(f"Count{i}", 10.0 + i / 10, 10.0, country="ZZ"), D(2020, 1, 1), army)
    assert len(api.get(URL + "?date=2020-06-01&country=ZZ").json()["features"]) == 20
    assert cold_queries(api, URL + "?date=2020-06-01&country=ZZ") == one
    assert cold_queries(api, URL + "?date=2020-06-01&country=ZZ&actor=counting-army") == one + 1
    api.get(URL + "?date=2020-06-01&country=ZZ")
    assert count_queries(api, URL + "?date=2020-06-01&country=ZZ") == 1  # cached: the version


def test_place_timeline(api, timeline):
    town, _, _, events = timeline
    response = api.get(f"/api/v1/places/{town.pk}/control/")
    assert response.status_code == 200
    body = response.json()
    assert body["place"]["name"] == "Flipton"
    periods = [(p["actor"]["slug"], p["start"], p["end"], p["event"]) for p in body["periods"]]
    assert periods == [
        ("army-a", "2020-01-01", "2020-02-10", events["a_takes"].pk),
        ("group-b", "2020-02-10", "2020-04-01", events["b_takes"].pk),
        ("army-a", "2020-04-01", None, events["a_retakes"].pk),
    ]
    contested = [[(c["start"], c["end"], c["actor"]["slug"], c["event"]) for c in p["contested"]]
                 for p in body["periods"]]
    assert contested == [
        [("2020-02-01", "2020-02-10", "group-b", events["b_siege"].pk)],
        [("2020-03-01", "2020-03-03", "army-a", events["battle"].pk)],
        [],
    ]


def test_timeline_of_an_unknown_place_is_a_404(api, db):
    assert api.get("/api/v1/places/999999999/control/").status_code == 404


def test_saraqib_on_10_february_2020_is_held_by_the_government(api, db):
    """The issue's acceptance question, on the real gazetteer and registry."""
    from events.models import Actor, Place

    saraqib = Place.objects.get(geonames_id=164816)
    government = Actor.objects.get(name="Syrian government forces")
    rebels = Actor.objects.filter(kind=ActorKind.REBEL_GROUP).first()
    capture(saraqib, D(2020, 2, 6), government, rebels)
    response = api.get(URL, {"date": "2020-02-10", "bbox": "36.5,35.6,37.1,36.1"})
    features = {f["properties"]["name"]: f["properties"] for f in response.json()["features"]}
    assert features["Saraqib"]["geonames_id"] == 164816
    assert features["Saraqib"]["actor"]["name"] == "Syrian government forces"
    assert features["Saraqib"]["since"] == "2020-02-06"
