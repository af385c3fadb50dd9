"""``/api/v1/control/`` and the place timelines tell the log's new rules (issues 16 and 20).

Hand-built events (through events.services), and one story of a town read from articles
written here, through the whole pipeline (ingest_file --sync: cleaning, spaCy, saving).
"""

from io import StringIO

import pytest
from django.core.management import call_command

from events import services
from events.choices import ActorKind, ActorRole, EventType
from events.models import Place
from tests.control_timeline import D

from .conftest import make_actor, make_place

URL = "/api/v1/control/"
BBOX = "36.5,35.3,37.1,36.1"
KHAN_SHAYKHUN = 168325


def _change(place, day, gainer=None, loser=None):
    actors = [(a, r) for a, r in ((gainer, ActorRole.GAINS_CONTROL),
                                  (loser, ActorRole.LOSES_CONTROL)) if a]
    return services.event_create(values={"type": EventType.CONTROL_CHANGE, "date": day,
                                         "place": place, "confidence": 0.9}, actors=actors)


def _fight(place, day, *actors, type_=EventType.BATTLE):
    roles = [(actors[0], ActorRole.INITIATOR)] + [(a, ActorRole.PARTY) for a in actors[1:]]
    return services.event_create(values={"type": type_, "date": day, "place": place,
                                         "confidence": 0.8}, actors=roles)


def props(api, place, **params):
    response = api.get(URL, {"bbox": BBOX, **params})
    assert response.status_code == 200, response.content
    found = [f["properties"] for f in response.json()["features"] if f["id"] == place.pk]
    return found[0] if found else None


@pytest.fixture
def sides(db):
    return (make_actor("Army A", "army-a"),
            make_actor("Group B", "group-b", ActorKind.REBEL_GROUP))


def test_a_capture_from_x_is_x_held_before_inferred(api, sides):
    a, b = sides
    town = make_place("Fromtown", 36.8, 35.86)
    capture = _change(town, D(2020, 2, 8), a, b)
    before = props(api, town, date="2020-01-08")
    assert before["actor"]["slug"] == "group-b"
    assert before["inferred"] is True and before["inferred_from"] == "loser"
    assert before["since"] is None and before["event"] == capture.pk
    after = props(api, town, date="2020-03-08")
    assert after["actor"]["slug"] == "army-a" and after["inferred"] is False
    timeline = api.get(f"/api/v1/places/{town.pk}/control/").json()["periods"]
    assert [(p["actor"]["slug"], p["start"], p["inferred"]) for p in timeline] == [
        ("group-b", None, True), ("army-a", "2020-02-08", False)]


def test_a_siege_tells_until_when_it_is_contested(api, sides):
    a, b = sides
    town = make_place("Siegeville", 36.8, 35.86)
    _change(town, D(2015, 1, 1), a)
    _fight(town, D(2015, 2, 1), b, type_=EventType.SIEGE)
    during = props(api, town, date="2015-02-10")
    assert during["contested"] is True and during["contested_until"] == "2015-02-15"
    quiet = props(api, town, date="2015-03-01")
    assert quiet["contested"] is False and quiet["contested_until"] is None
    spans = api.get(f"/api/v1/places/{town.pk}/control/").json()["periods"][0]["contested"]
    assert [(s["start"], s["end"]) for s in spans] == [("2015-02-01", "2015-02-15")]


@pytest.mark.parametrize(
    ("fighting", "holder", "inferred", "unheld"),
    [
        ("taker", "army-a", False, False),       # the side entering is named
        ("last_week", "army-a", True, False),    # the opponent fought there last week
        ("long_ago", None, False, True),         # nobody: unheld from that date
    ],
)
def test_withdrawals(api, sides, fighting, holder, inferred, unheld):
    a, b = sides
    town = make_place("Withdrawtown", 36.8, 35.86)
    _change(town, D(2019, 1, 1), b)
    if fighting == "last_week":
        _fight(town, D(2019, 8, 13), b, a)  # B listed first: A is still the opponent
    if fighting == "long_ago":
        _fight(town, D(2019, 5, 1), a)
    _change(town, D(2019, 8, 20), a if fighting == "taker" else None, b)
    answer = props(api, town, date="2019-08-25")
    assert (answer["actor"] or {}).get("slug") == holder
    assert answer["inferred"] is inferred
    assert answer["unheld"] is unheld
    assert answer["since"] == "2019-08-20"


def test_filters_by_how_well_an_answer_is_backed(api, sides):
    a, b = sides
    town = make_place("Backedtown", 36.8, 35.86)
    other = make_place("Othertown", 36.9, 35.9)
    capture = _change(town, D(2020, 2, 8), a, b)
    _change(other, D(2020, 2, 8), b)
    services.event_verify(event=capture, reason="checked")
    both = {f["properties"]["name"]: f["properties"]["evidence"]
            for f in api.get(URL, {"bbox": BBOX, "date": "2020-03-01"}).json()["features"]}
    assert both == {"Backedtown": "verified", "Othertown": "single_source"}
    verified = api.get(URL, {"bbox": BBOX, "date": "2020-03-01", "verified_only": "true"})
    assert [f["properties"]["name"] for f in verified.json()["features"]] == ["Backedtown"]
    assert api.get(URL, {"bbox": BBOX, "date": "2020-03-01",
                         "min_sources": "2"}).json()["features"] == []


def test_verifying_expires_the_cached_answer(api, sides):
    a, b = sides
    town = make_place("Cachetown", 36.8, 35.86)
    capture = _change(town, D(2020, 2, 8), a, b)
    assert props(api, town, date="2020-03-01")["evidence"] == "single_source"  # now cached
    services.event_verify(event=capture, reason="checked")
    assert props(api, town, date="2020-03-01")["evidence"] == "verified"
    services.event_reject(event=capture, reason="denied after all")
    assert props(api, town, date="2020-03-01") is None
    assert props(api, town, date="2020-01-01") is None  # nor its inferred holder


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"verified_only": "banana"}, "verified_only"),
        ({"min_sources": "0"}, "min_sources"),
        ({"min_sources": "two"}, "min_sources"),
    ],
)
def test_bad_filters_answer_400_naming_the_parameter(api, db, params, field):
    response = api.get(URL, {"date": "2020-03-01", **params})
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_schema_documents_the_new_fields(api, db):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    fields = schema["components"]["schemas"]["ControlProperties"]["properties"]
    for name in ("inferred", "contested_until", "confidence", "sources", "verified", "unheld"):
        assert fields[name]["description"]
    names = {p["name"] for p in schema["paths"]["/api/v1/control/"]["get"]["parameters"]}
    assert {"verified_only", "min_sources"} <= names


def _ingest(tmp_path, name, text, published):
    path = tmp_path / name
    path.write_text(text)
    call_command("ingest_file", str(path), "--published", published, "--sync",
                 stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_a_withdrawal_read_from_the_news_goes_to_the_side_fighting_there(api, tmp_path):
    """Two reports written here: government forces attack HTS in Khan Shaykhun; days later
    HTS fighters withdraw from it. The town is the government's, inferred."""
    town = Place.objects.get(geonames_id=KHAN_SHAYKHUN)
    _ingest(tmp_path, "clashes.txt",
            "Syrian government forces attacked Hayat Tahrir al-Sham fighters in Khan "
            "Shaykhun on Monday, killing 12.", "2019-08-14")
    _ingest(tmp_path, "withdrawal.txt",
            "Hayat Tahrir al-Sham fighters withdrew from Khan Shaykhun on Tuesday, local "
            "sources said.", "2019-08-21")
    answer = props(api, town, date="2019-08-25")
    assert answer["actor"]["name"] == "Syrian government forces"
    assert answer["inferred_from"] == "opponent"
    assert answer["since"] == "2019-08-20" and answer["sources"] == 1
    # Before the withdrawal, HTS held it (the side that withdrew held it before).
    before = props(api, town, date="2019-08-01")
    assert before["actor"]["name"] == "Hayat Tahrir al-Sham" and before["inferred"]
