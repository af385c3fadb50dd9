"""Filters that take a name: any spelling, slug or id finds the rows; an unknown or a
contradictory value is a 400 naming the parameter, never an empty list."""

import pytest
import yaml

EVENTS = "/api/v1/events/"


def ids(response):
    assert response.status_code == 200, response.content[:500]
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("value", ["Test Army", "the regime's troops", "test-army",
                                   "Military Forces of Syria (2000-)"])
def test_events_by_actor_name_alias_slug_or_acled_name(api, world, value):
    assert ids(api.get(EVENTS, {"actor": value})) == {world["captured"].pk}


def test_events_by_actor_id_place_name_accord_name_outlet_name(api, world):
    assert ids(api.get(EVENTS, {"actor": world["army"].pk})) == {world["captured"].pk}
    assert ids(api.get(EVENTS, {"place": "Test Town"})) == {world["captured"].pk}
    assert ids(api.get(EVENTS, {"place": "تستتاون"})) == {world["captured"].pk}
    assert ids(api.get(EVENTS, {"accord": "the test memorandum"})) == {world["strike"].pk}
    assert ids(api.get(EVENTS, {"source": "Example News"})) == {world["captured"].pk}
    assert ids(api.get(EVENTS, {"source": "example.org"})) == {world["captured"].pk}


def test_events_by_country_name_or_iso_code(api, world):
    syria = {world["captured"].pk, world["strike"].pk}
    assert ids(api.get(EVENTS, {"country": "Syria"})) == syria
    assert ids(api.get(EVENTS, {"country": "sy"})) == syria
    assert ids(api.get(EVENTS, {"country": "Iraq"})) == {world["battle"].pk}


@pytest.mark.parametrize(("url", "param", "value", "message"), [
    (EVENTS, "actor", "Martian Legion", "No actor is known as "
     "'Martian Legion'."),
    (EVENTS, "actor", "999999", "No actor is known as '999999'."),
    (EVENTS, "country", "Narnia", "No country is known as 'Narnia' (a name or a two-letter "
     "ISO code)."),
    (EVENTS, "country", "QQ", "No country is known as 'QQ' (a name or a two-letter ISO code)."),
    (EVENTS, "accord", "nope", "No accord is known as 'nope'."),
    (EVENTS, "place", "Qqxville", "No place is known as 'Qqxville'."),
    (EVENTS, "place", "999999999", "No place is known as '999999999'."),
    (EVENTS, "source", "nowhere.example", "No outlet is known as 'nowhere.example'."),
    (EVENTS, "geonames_id", "999999999", "No place has GeoNames id 999999999."),
    ("/api/v1/places/", "country", "Narnia", "No country is known as 'Narnia' (a name or a "
     "two-letter ISO code)."),
    ("/api/v1/places/", "geonames_id", "999999999", "No place has GeoNames id 999999999."),
    ("/api/v1/actors/", "country", "Narnia", "No country is known as 'Narnia' (a name or a "
     "two-letter ISO code)."),
    ("/api/v1/accords/", "party", "Nobody", "No actor is known as 'Nobody'."),
    ("/api/v1/accords/", "place", "Qqxville", "No place is known as 'Qqxville'."),
    ("/api/v1/articles/", "source", "Nobody's Gazette", "No outlet is known as "
     "\"Nobody's Gazette\"."),
])
def test_an_unknown_name_or_id_is_a_400_naming_the_parameter(api, world, url, param, value,
                                                             message):
    response = api.get(url, {param: value})
    assert response.status_code == 400
    assert response.json() == {param: [message]}


def test_dates_the_wrong_way_round_are_a_400(api, world):
    response = api.get(EVENTS, {"date_from": "2021-01-01", "date_to": "2020-01-01"})
    assert response.status_code == 400
    assert response.json() == {"date_to": ["date_to (2020-01-01) is before date_from "
                                           "(2021-01-01)."]}
    response = api.get("/api/v1/articles/", {"published_from": "2021-01-01",
                                             "published_to": "2020-01-01"})
    assert response.status_code == 400
    assert list(response.json()) == ["published_to"]


def test_accords_by_party_name_and_covered_place_name(api, world):
    rows = api.get("/api/v1/accords/", {"party": "B fighters"}).json()["results"]
    assert [r["slug"] for r in rows] == ["test-accord"]
    rows = api.get("/api/v1/accords/", {"place": "Testtown"}).json()["results"]
    assert [r["slug"] for r in rows] == ["test-accord"]
    rows = api.get("/api/v1/accords/", {"place": "Farville"}).json()["results"]
    assert rows == []  # a known place no accord covers: truly nothing


def test_the_schema_says_which_filters_take_names_and_answer_400(api, db):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    params = {p["name"]: p for p in schema["paths"][EVENTS]["get"]["parameters"]}
    for name in ("actor", "place", "country", "accord", "source", "geonames_id"):
        assert "400" in params[name]["description"], name
    assert "name" in params["actor"]["description"]
    assert "ISO code" in params["country"]["description"]
    accords = {p["name"]: p for p in schema["paths"]["/api/v1/accords/"]["get"]["parameters"]}
    assert "400" in accords["party"]["description"]


def test_a_percent_sign_in_a_name_is_text(api, world):
    response = api.get(EVENTS, {"source": "100% News %s"})
    assert response.status_code == 400
    assert response.json() == {"source": ["No outlet is known as '100% News %s'."]}
