"""Where an event is: a village the gazetteer lacks falls back on the place the text puts
it in, and a namesake far from the story is not taken for it. Sentences are made up."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.nlp.gazetteer import haversine_km
from ingest.nlp.normalize import normalize_name

PUB = dt.date(2021, 6, 3)
ALEPPO = (36.20, 37.16)
KHARKIV = (49.98, 36.25)
MARIB = (15.46, 45.33)


def _events(extractor, text: str):
    return extractor.extract(text, published=PUB).events


def _place(extractor, text: str):
    places = [e.place for e in _events(extractor, text) if e.place is not None]
    return places[0] if places else None


def _km(place, point: tuple[float, float]) -> float:
    return haversine_km(place.lat, place.lon, *point)


def test_an_unknown_village_with_its_province_in_brackets_is_put_in_the_province(extractor):
    # "Rasho" is also a name of Lashio in Myanmar: the part of an unknown name after its
    # "Tall" is not looked up alone.
    result = extractor.extract("On 1 June 2021 rebels shelled army positions in Tall Rasho "
                               "(Hama) with rockets.", published=PUB)
    assert all(p.country_code == "SY" for p in result.places)
    place = _place(extractor, "On 1 June 2021 rebels shelled army positions in Tall Rasho "
                              "(Hama) with rockets.")
    assert place is not None and place.country_code == "SY"
    assert normalize_name(place.name) in {"hamah", "hama"}


def test_a_namesake_village_in_another_province_is_not_the_one_meant(extractor):
    # GeoNames knows a Zhuravno only in Lviv oblast, 900 km from Kharkiv.
    place = _place(extractor, "On 2 June 2021 Russian artillery shelled Zhuravno, Kharkiv, "
                              "wounding two people.")
    assert place is not None
    assert place.country_code == "UA" and _km(place, KHARKIV) < 100


def test_a_country_half_a_world_away_is_a_namesake(extractor):
    result = extractor.extract("Government troops in South Sudan said on 1 June 2021 that "
                               "rebels had withdrawn from Tonga after heavy fighting.",
                               published=PUB)
    assert "TO" not in {p.country_code for p in result.places}
    assert all(e.place is None or e.place.country_code != "TO" for e in result.events)


def test_a_tribe_spelt_like_a_foreign_hamlet_is_not_a_place(extractor):
    result = extractor.extract("A Murle herder was wounded in a cattle raid on 1 June 2021.",
                               published=PUB)
    assert result.places == []


def test_a_village_south_of_a_town_is_placed_near_the_town_not_the_province(extractor):
    place = _place(extractor, "On 2 June 2021 regime forces seized the village of Tal Haddad "
                              "south of Maarat al-Numan city in the Idlib countryside after "
                              "clashes.")
    assert place is not None
    assert normalize_name(place.name) == "maarrat an numan"
    assert place.precision == "near"


def test_the_town_of_a_bracketed_district_and_province(extractor):
    # "(Sirwah Marib)": a district and its province, written without a comma.
    text = "On 2 June 2021 Houthi fighters took control of the Wadi Thumah area (Sirwah Marib)."
    assert "Marib" in {p.text for p in extractor.extract(text, published=PUB).places}
    place = _place(extractor, text)
    assert place is not None
    assert place.country_code == "YE" and _km(place, MARIB) < 60


@pytest.mark.parametrize("text", [
    "On 2 June 2021 warplanes struck a farm in rural Deir ez-Zor.",
    "On 2 June 2021 regime forces captured Tal Haddad southern Aleppo countryside.",
])
def test_a_province_after_a_direction_word_is_found(extractor, text):
    place = _place(extractor, text)
    assert place is not None and place.country_code == "SY"


def test_a_province_alone_is_placed_where_its_people_are(extractor):
    place = _place(extractor, "On 2 June 2021 regime forces captured Tal Haddad in Aleppo "
                              "countryside after clashes.")
    assert place is not None and place.precision == "region"
    assert _km(place, ALEPPO) < 15


def test_a_district_means_its_town(extractor):
    place = _place(extractor, "On 2 June 2021 Taliban fighters attacked a police post in "
                              "Farah district, killing three policemen.")
    assert place is not None
    assert place.precision != "region" and normalize_name(place.name) == "farah"


def test_admin_areas_lie_where_their_people_are(gazetteer):
    aleppo = [e for e in gazetteer.lookup("Aleppo") if e.kind == "admin_area"]
    assert aleppo and haversine_km(aleppo[0].lat, aleppo[0].lon, *ALEPPO) < 15


def test_a_detention_is_an_event_at_its_place(extractor):
    events = _events(extractor, "On 2 June 2021 gunmen of an armed faction detained two "
                                "men in Afrin.")
    assert [e.type for e in events] == ["other"]
    assert events[0].place is not None and normalize_name(events[0].place.name) == "afrin"
