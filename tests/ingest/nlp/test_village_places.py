"""Villages as news spells them, on a small gazetteer of made-up villages (the way OCHA and
OpenStreetMap name them) and sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.nlp.gazetteer import Gazetteer, haversine_km
from ingest.nlp.merge import SourceMatcher, merge_sources
from ingest.nlp.pipeline import Extractor
from ingest.nlp.types import GazetteerEntry

PUB = dt.date(2021, 6, 3)


def _e(name, cc, lat, lon, kind="populated_place", admin1="", admin2="", population=0,
       code="PPL", geonames_id=None, **extra):
    return GazetteerEntry(geonames_id=geonames_id, name=name, kind=kind, country_code=cc, lat=lat,
                          lon=lon, admin1_name=admin1, admin2_name=admin2,
                          population=population, feature_code=code, **extra)


PLACES = [
    _e("Syria", "SY", 35.0, 38.0, kind="country", code="PCLI", population=20_000_000),
    _e("Iran", "IR", 32.0, 53.0, kind="country", code="PCLI", population=80_000_000),
    _e("South Sudan", "SS", 7.0, 30.0, kind="country", code="PCLI", population=11_000_000),
    _e("Idlib", "SY", 35.93, 36.63, kind="admin_area", admin1="Idlib", code="ADM1",
       population=1_500_000),
    _e("Al-Hasakah", "SY", 36.50, 40.75, kind="admin_area", admin1="Al-Hasakah", code="ADM1",
       population=1_000_000),
    _e("Upper Nile", "SS", 9.5, 32.5, kind="admin_area", admin1="Upper Nile", code="ADM1"),
    _e("Longochuk", "SS", 9.20, 33.60, kind="admin_area", admin1="Upper Nile", code="ADM2"),
    _e("Tal Qirmiz", "SY", 36.70, 40.10, admin1="Al-Hasakah", pcode="C0001"),
    _e("Deir Sunbul", "SY", 35.70, 36.50, admin1="Idlib", pcode="C0002"),
    _e("Lof", "SY", 35.60, 36.70, admin1="Idlib", pcode="C0003"),
    _e("Kafr Tajmil", "SY", 35.80, 36.60, admin1="Idlib", pcode="C0004"),
    _e("Leylun", "IR", 37.00, 46.00, admin1="East Azerbaijan"),
    _e("Ras Tajriba", "SY", 36.85, 40.07, admin1="Al-Hasakah", population=30_000),
    _e("Shamun", "SY", 36.86, 39.96, admin1="Al-Hasakah", pcode="C0005"),
    _e("Shamun", "SY", 36.20, 41.00, admin1="Al-Hasakah", population=8_000, pcode="C0006"),
    _e("Mathiang", "SS", 9.25, 33.55, admin1="Upper Nile", admin2="Longochuk", osm_id="node/1"),
    _e("Mathiang", "SS", 9.90, 33.90, admin1="Upper Nile", admin2="Maiwut", population=5_000,
       osm_id="node/2"),
    _e("Al Noor", "SY", 36.40, 40.60, admin1="Al-Hasakah", pcode="C0007"),
    _e("Tajmil", "SY", 36.50, 37.95, admin1="Aleppo", population=80_000),
    _e("Al-Zahraa", "SY", 36.52, 37.97, admin1="Aleppo", code="PPLX", pcode="N0001"),
    _e("Al-Zahraa", "SY", 34.70, 36.70, admin1="Homs", code="PPLX", pcode="N0002"),
    _e("Umm Tajrib", "SY", 35.60, 38.80, admin1="Aleppo", admin2="Maskana", pcode="C0008"),
    # Villages spelt like a group and a people.
    _e("Qadah", "SY", 37.08, 40.81, admin1="Al-Hasakah", pcode="C0009"),
    _e("Kardish", "SY", 36.58, 37.34, admin1="Aleppo", pcode="C0010"),
]
KAFR_TAJMIL = (35.80, 36.60)


@pytest.fixture(scope="module")
def villages():
    return Gazetteer(PLACES)


@pytest.fixture(scope="module")
def village_extractor(nlp, registry, villages):
    actors, accords = registry
    return Extractor(nlp=nlp, gazetteer=villages, actors=actors, accords=accords)


def _places(extractor, text):
    return extractor.extract(text, published=PUB).places


def _event_place(extractor, text):
    places = [e.place for e in extractor.extract(text, published=PUB).events if e.place]
    return places[0] if places else None


@pytest.mark.parametrize("text, name", [
    # tell / tal, with the story's country told only by foreign forces and a Syrian group.
    ("On 2 June 2021 Turkish forces captured the village of Tell Qirmiz from the SDF.",
     "Tal Qirmiz"),
    ("On 2 June 2021 regime forces shelled Dair Sunbul in the Idlib countryside.",
     "Deir Sunbul"),
    # A three-letter name in another spelling, beside the province it is in.
    ("On 2 June 2021 regime forces regained control of Luf in Idlib countryside.", "Lof"),
])
def test_a_village_in_another_spelling_is_found(village_extractor, text, name):
    assert name in {p.name for p in _places(village_extractor, text)}


def test_a_short_name_in_another_spelling_needs_a_place_beside_it(village_extractor):
    assert _places(village_extractor,
                   "On 2 June 2021 regime forces regained control of Luf.") == []


@pytest.mark.parametrize("text", [
    "On 2 June 2021 al-Qaeda-affiliated fighters seized the headquarters of a rival group in "
    "Tajmil.",
    "On 2 June 2021 fighting broke out in Tajmil between Kurdish and regime forces.",
])
def test_a_group_or_a_people_is_not_a_village_spelt_another_way(village_extractor, text):
    assert {p.name for p in _places(village_extractor, text)} == {"Tajmil"}


def test_foreign_aircraft_do_not_move_the_village_to_their_country(village_extractor):
    place = _event_place(village_extractor, "On 2 June 2021 Russian warplanes carried out "
                                            "airstrikes on Kafr Tajmil.")
    assert place is not None and place.name == "Kafr Tajmil" and place.country_code == "SY"


def test_a_namesake_abroad_is_not_a_village_of_a_syrian_story(village_extractor):
    text = ("On 2 June 2021 Syrian regime forces and Syrian allied militias captured the "
            "village of Leylun after clashes with the SDF.")
    assert "IR" not in {p.country_code for p in _places(village_extractor, text)}


def test_west_of_a_town_means_close_to_it_not_the_bigger_namesake(village_extractor):
    place = _event_place(village_extractor, "On 2 June 2021 Turkish forces captured the "
                                            "village of Shamun west of Ras Tajriba town.")
    assert place is not None and place.name == "Shamun"
    assert haversine_km(place.lat, place.lon, 36.85, 40.07) < 20


def test_the_county_named_chooses_among_same_named_villages(village_extractor):
    place = _event_place(village_extractor, "On 2 June 2021 SPLA-IO forces captured Mathiang "
                                            "in Longochuk County.")
    assert place is not None and place.name == "Mathiang"
    assert (round(place.lat, 2), round(place.lon, 2)) == (9.25, 33.55)


def test_a_village_of_another_district_is_not_the_one_in_the_town_district(village_extractor):
    place = _event_place(village_extractor, "On 2 June 2021 rebels captured the village of "
                                            "Umm Tajrib in Tajmil district.")
    assert place is not None and place.name == "Tajmil"


def test_a_facility_named_after_a_village_is_in_the_place_that_follows(village_extractor):
    place = _event_place(village_extractor, "On 2 June 2021 Russian warplanes struck Al Noor "
                                            "hospital in Kafr Tajmil.")
    assert place is not None and place.name == "Kafr Tajmil"


def test_a_compound_name_is_the_part_within_its_city(villages):
    found = villages.lookup("Tajmil - Al-Zahraa")
    assert [(e.name, e.pcode) for e in found] == [("Al-Zahraa", "N0001")]
    assert villages.lookup("Regiment 99 - Military Base") == []
    # The city alone when its part is unknown.
    assert [e.name for e in villages.lookup("Tajmil - Unknown Quarter")] == ["Tajmil"]


# -- one place, many sources -----------------------------------------------------------

def test_the_same_village_from_two_sources_is_matched_across_spellings():
    matcher = SourceMatcher([_e("Al Kufayr", "SY", 35.84, 36.50)])
    assert matcher.match(_e("Al Kfeer", "SY", 35.83, 36.51)) == 0
    # A neighbour of another name is another place, however close.
    assert matcher.match(_e("Al Maljaa", "SY", 35.841, 36.501)) is None
    # Too far for the same village.
    assert matcher.match(_e("Al Kfeer", "SY", 36.5, 36.5)) is None
    # A province is not its namesake town.
    assert matcher.match(_e("Al Kufayr", "SY", 35.84, 36.50, kind="admin_area",
                            code="ADM2")) is None


def test_merged_sources_carry_every_id_and_name_and_the_known_admin_names():
    known = [_e("Kafr Nabl", "SY", 35.61, 36.56, admin1="Idlib", geonames_id=170000)]
    new = [_e("Kafr Nobol", "SY", 35.615, 36.565, admin1="Idleb", admin2="Maarrat An Numan",
              pcode="C4000", alternate_names=("كفرنبل",)),
           _e("Hass", "SY", 35.58, 36.60, admin1="Idleb", pcode="C4001")]
    merged = merge_sources(known, new)
    assert len(merged) == 2
    town = merged[0]
    assert (town.geonames_id, town.pcode, town.admin2_name) == (170000, "C4000",
                                                                "Maarrat An Numan")
    assert {"Kafr Nobol", "كفرنبل"} <= set(town.alternate_names)
    # OCHA's "Idleb" is the admin area the known places call "Idlib".
    assert merged[1].admin1_name == "Idlib"
