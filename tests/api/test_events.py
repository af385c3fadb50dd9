"""Events: the list's filters, ordering and pages, the nested detail, and the 400s."""

import datetime as dt
import urllib.parse

import pytest

from events import services
from events.choices import ActorRole, EventType

from .conftest import count_queries, make_actor, make_place

URL = "/api/v1/events/"


def ids(response):
    assert response.status_code == 200, response.content[:500]
    return {row["id"] for row in response.json()["results"]}


def test_list_nests_place_actors_accords_and_evidence(api, world):
    rows = {row["id"]: row for row in api.get(URL).json()["results"]}
    captured = rows[world["captured"].pk]
    assert captured["type"] == "control_change"
    assert captured["date"] == "2020-02-06"
    assert captured["place"] == {"id": world["town"].pk, "geonames_id": None, "name": "Testtown",
                                 "lat": 35.86, "lon": 36.8, "admin1": "Idlib", "country": "SY"}
    roles = {(a["actor"]["slug"], a["role"]) for a in captured["actors"]}
    assert roles == {("test-army", "gains_control"), ("group-b", "loses_control"),
                     ("test-russia", "supporter")}
    evidence = captured["evidence"][0]
    assert evidence["article"]["url"] == "https://example.org/news/testtown"
    assert evidence["article"]["source"] == "Example News"
    assert evidence["sentence"].startswith("Government forces seized Testtown")
    assert (evidence["start"], evidence["end"]) == (0, 70)
    strike = rows[world["strike"].pk]
    assert strike["accords"] == [{"accord": {"id": world["accord"].pk, "name": "Test Accord",
                                             "slug": "test-accord", "kind": "de_escalation"},
                                  "relation": "violates"}]


def test_list_hides_rejected_events_unless_asked(api, world):
    assert world["rejected"].pk not in ids(api.get(URL))
    assert ids(api.get(URL, {"review_status": "rejected"})) == {world["rejected"].pk}


def test_newest_first_by_default(api, world):
    dates = [row["date"] for row in api.get(URL).json()["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2020-03-01"}, {"strike", "battle"}),
        ({"date_to": "2020-02-29"}, {"captured"}),
        ({"date_from": "2020-01-01", "date_to": "2020-12-31"}, {"captured", "strike"}),
        ({"type": ["air_strike", "battle"]}, {"strike", "battle"}),
        ({"event_type": "battles"}, {"captured", "battle"}),
        ({"event_type": ["explosions_remote_violence", "protests"]}, {"strike"}),
        ({"sub_event_type": "air_drone_strike"}, {"strike"}),
        ({"sub_event_type": ["government_regains_territory", "armed_clash"]},
         {"captured", "battle"}),
        ({"sub_event_type": "non_state_actor_overtakes_territory"}, set()),
        ({"actor": "group-b"}, {"captured", "battle"}),
        ({"actor_role": "gains_control"}, {"captured"}),
        ({"actor": "group-b", "actor_role": "party"}, {"battle"}),
        ({"actor": "test-russia", "actor_role": "supporter"}, {"captured"}),
        ({"country": "iq"}, {"battle"}),
        ({"admin1": "idlib"}, {"captured"}),
        ({"bbox": "36.5,35.6,37.1,36.1"}, {"captured"}),
        ({"bbox": "36,33,45,36"}, {"captured", "strike", "battle"}),
        ({"near": "36.9,35.9", "radius_km": "15"}, {"captured"}),
        ({"near": "36.9,35.9", "radius_km": "250"}, {"captured", "strike"}),
        ({"accord": "test-accord"}, {"strike"}),
        ({"min_confidence": "0.6"}, {"captured", "strike"}),
        ({"source": "example.org"}, {"captured"}),
        ({"q": "market"}, {"strike"}),
        ({"q": "seized testtown"}, {"captured"}),
        ({"review_status": ["extracted", "rejected"], "type": "shelling"}, {"rejected"}),
    ],
)
def test_filters(api, world, params, expected):
    assert ids(api.get(URL, params)) == {world[key].pk for key in expected}


def test_filters_by_ids(api, world):
    assert ids(api.get(URL, {"actor": world["rebels"].pk})) == {world["captured"].pk,
                                                                world["battle"].pk}
    assert ids(api.get(URL, {"place": world["town"].pk})) == {world["captured"].pk}
    assert ids(api.get(URL, {"source": world["outlet"].pk})) == {world["captured"].pk}
    assert ids(api.get(URL, {"accord": world["accord"].pk})) == {world["strike"].pk}


def test_filter_by_geonames_id(api, world):
    saraqib = make_place("Saraqib-test", 36.8, 35.86)
    saraqib.geonames_id = 999_164_816
    saraqib.save()
    army = world["army"]
    event = services.event_create(values={"type": EventType.CONTROL_CHANGE,
                                          "date": dt.date(2020, 2, 8), "place": saraqib},
                                  actors=[(army, ActorRole.GAINS_CONTROL)])
    assert ids(api.get(URL, {"geonames_id": 999_164_816})) == {event.pk}


def test_ordering_by_confidence(api, world):
    rows = api.get(URL, {"ordering": "confidence"}).json()["results"]
    assert [r["confidence"] for r in rows] == [0.3, 0.6, 0.9]
    rows = api.get(URL, {"ordering": "-confidence"}).json()["results"]
    assert [r["confidence"] for r in rows] == [0.9, 0.6, 0.3]


def test_cursor_pages_walk_through_every_event(api, world):
    seen, url, pages = [], URL + "?limit=1&ordering=date", 0
    while url:
        body = api.get(url).json()
        seen += [row["date"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == ["2020-02-06", "2020-03-01", "2021-01-10"]
    assert pages == 3


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2020-13-45"}, "date_from", "Enter a valid date."),
        ({"date_to": "yesterday"}, "date_to", "Enter a valid date."),
        ({"bbox": "36.5,35.6,37.1"}, "bbox",
         "Expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got 3."),
        ({"bbox": "36.5,35.6,37.1,96"}, "bbox", "Latitude 96 is outside -90..90."),
        ({"bbox": "a,b,c,d"}, "bbox",
         "'a' is not a number (expected minLon,minLat,maxLon,maxLat)."),
        ({"bbox": "37,35,36,36"}, "bbox",
         "The minimum must not exceed the maximum (minLon,minLat,maxLon,maxLat)."),
        ({"type": "picnic"}, "type",
         "Select a valid choice. picnic is not one of the available choices."),
        ({"event_type": "Battles"}, "event_type",
         "Select a valid choice. Battles is not one of the available choices."),
        ({"sub_event_type": "car_bomb"}, "sub_event_type",
         "Select a valid choice. car_bomb is not one of the available choices."),
        ({"background": "maybe"}, "background",
         "Select a valid choice. maybe is not one of the available choices."),
        ({"min_confidence": "high"}, "min_confidence", "Enter a number."),
        ({"min_confidence": "2"}, "min_confidence",
         "Ensure this value is less than or equal to 1."),
        ({"near": "36.9"}, "near", "Expected 2 comma-separated numbers lon,lat, got 1."),
        ({"radius_km": "10"}, "radius_km", "radius_km needs near=lon,lat."),
        ({"place": "Nowhereville"}, "place", "No place is known as 'Nowhereville'."),
        ({"geonames_id": "1.5"}, "geonames_id", "Enter a whole number."),
        ({"ordering": "fatalities"}, "ordering",
         "Expected one of confidence, created_at, date (prefix - for descending), "
         "got 'fatalities'."),
        ({"limit": "0"}, "limit", "Expected a whole number from 1 to 500, got '0'."),
        ({"cursor": "***"}, "cursor",
         "Invalid cursor: use the next or previous link of an earlier page."),
    ],
)
def test_wrong_parameters_answer_400_naming_them(api, world, params, field, message):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_a_cursor_tampered_with_is_a_400(api, world):
    next_url = api.get(URL, {"limit": 1}).json()["next"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(next_url).query)
    tampered = query["cursor"][0][:-3] + "%%%"
    response = api.get(URL, {"limit": 1, "cursor": tampered})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_detail_shows_any_status(api, world):
    response = api.get(f"{URL}{world['rejected'].pk}/")
    assert response.status_code == 200
    assert response.json()["review_status"] == "rejected"
    assert response.json()["reject_reason"] == "Misread the article."
    assert api.get(f"{URL}999999999/").status_code == 404


def _many_events(count, army, town, article=None):
    for i in range(count):
        event = services.event_create(
            values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2019, 1, 1 + i % 28),
                    "place": town, "confidence": 0.5},
            actors=[(army, ActorRole.GAINS_CONTROL)])
        event.evidence.create(article=article, sentence=f"Sentence {i}.", start=i, end=i + 3)


def test_query_count_is_the_same_for_1_and_50_events(api, db):
    town = make_place("Guardtown", 36.0, 35.0)
    army = make_actor("Guard Army", "guard-army")
    _many_events(1, army, town)
    one = count_queries(api, URL + "?limit=100")
    _many_events(49, army, town)
    assert len(api.get(URL + "?limit=100").json()["results"]) == 50
    assert count_queries(api, URL + "?limit=100") == one


@pytest.mark.parametrize("position", ["not-a-date", "2020-99-99"])
def test_a_cursor_with_a_forged_position_is_a_400(api, world, position):
    import base64

    forged = base64.b64encode(f"o=0&p={position}".encode()).decode()
    response = api.get(URL, {"cursor": forged})
    assert response.status_code == 400
    assert response.json() == {"cursor": [
        "Invalid cursor: use the next or previous link of an earlier page."]}


def test_list_rows_are_the_serializers(api, world):
    """The list builds its rows from values() (events.api.event_serializers.event_list_data):
    they are the detail serializer's, field for field, whatever is missing or nested."""
    from events.api.event_serializers import EventSerializer
    from events.models import Article, Event, Evidence

    town, army = world["town"], world["army"]
    bare = services.event_create(values={"type": EventType.OTHER, "date": dt.date(2021, 5, 1),
                                         "location_text": "no place"})
    untitled = Article.objects.create(url="", title="", canonical_url="x:untitled",
                                      published_at="2021-05-02T10:11:12.345678Z")
    Evidence.objects.create(event=bare, article=untitled, sentence="No outlet.", start=1,
                            end=2, confidence=0.25)
    Evidence.objects.create(event=bare, sentence="Label only.", source_label="Radio")
    merged = services.event_create(values={"type": EventType.BATTLE,
                                           "date": dt.date(2020, 2, 6), "place": town},
                                   actors=[(army, ActorRole.PARTY)])
    services.event_merge(target=world["captured"], duplicates=[merged], reason="same")
    listed = api.get(URL, {"review_status": ["extracted", "verified", "rejected", "merged"],
                           "limit": 500}).json()["results"]
    events = (Event.objects.filter(pk__in=[row["id"] for row in listed])
              .select_related("place").prefetch_related("event_actors__actor",
                                                        "event_accords__accord",
                                                        "evidence__article__source"))
    expected = {e.pk: e for e in events}
    assert len(listed) == 6
    for row in listed:
        assert row == EventSerializer(expected[row["id"]]).data
