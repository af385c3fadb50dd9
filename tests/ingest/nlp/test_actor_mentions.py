"""Who the actors of a text are (``ingest.nlp.actors`` with ``actor_rules``): a state's
jets are its forces, unnamed terrorists and gunmen an unidentified armed group, generic
words belong to the story's country, and candidates only look like armed groups. Sentences
are made up; each rule has a hard negative beside it."""

from __future__ import annotations

import datetime as dt

from ingest.nlp.actor_rules import is_generic_alias

PUB = dt.date(2016, 8, 15)


def _actors(extractor, text: str) -> dict[str, str]:
    """Mention text -> actor name."""
    return {a.text: a.name for a in extractor.extract(text, published=PUB).actors}


def _candidates(extractor, text: str) -> set[str]:
    return {a.name for a in extractor.extract(text, published=PUB).actors if a.is_candidate}


def test_a_states_jets_drones_and_artillery_are_its_forces(extractor):
    actors = _actors(extractor, "Israeli jets struck a depot near Damascus while Russian "
                                "airstrikes, US drones and Turkish artillery hit Idlib in Syria.")
    assert actors["Israeli jets"] == "Israeli armed forces"
    assert actors["Russian airstrikes"] == "Russian armed forces"
    assert actors["US drones"] == "United States armed forces"
    assert actors["Turkish artillery"] == "Turkish armed forces"


def test_government_air_strikes_are_the_story_countrys_forces(extractor):
    actors = _actors(extractor, "Government air strikes killed 15 people in Aleppo, Syria.")
    assert actors["Government air strikes"] == "Syrian government forces"


def test_unnamed_terrorists_in_state_media_are_an_unidentified_armed_group(extractor):
    actors = _actors(extractor, "Terrorists fired rocket shells on a neighbourhood of Aleppo "
                                "in Syria, killing three civilians, SANA said.")
    assert actors["Terrorists"] == "Unidentified Armed Group (Syria)"


def test_unnamed_gunmen_are_an_unidentified_armed_group(extractor):
    actors = _actors(extractor, "Gunmen shot dead a local official in Daraa, Syria.")
    assert actors["Gunmen"] == "Unidentified Armed Group (Syria)"


def test_terrorists_of_a_named_group_are_that_group(extractor):
    actors = _actors(extractor, "Army units killed ISIL terrorists near Palmyra and "
                                "terrorists of Jabhat al-Nusra in Hama, Syria.")
    assert "Unidentified Armed Group (Syria)" not in actors.values()
    assert actors["ISIL"] == "Islamic State (Syria)"


def test_a_terrorist_attack_names_no_actor(extractor):
    actors = _actors(extractor, "A terrorist attack on a bus killed five in Homs, Syria.")
    assert "Unidentified Armed Group (Syria)" not in actors.values()


def test_police_belongs_to_the_story_country(extractor):
    actors = _actors(extractor, "Police arrested two men after clashes in Homs, Syria.")
    assert actors["Police"] == "Police Forces of Syria"


def test_a_police_station_is_not_the_police(extractor):
    actors = _actors(extractor, "A bomb exploded at a police station in Homs, Syria.")
    assert "police" not in actors


def test_opposition_activists_are_not_the_armed_opposition(extractor):
    actors = _actors(extractor, "Opposition activists said regime jets bombed Douma in Syria.")
    assert not any(name == "Syrian opposition rebels" for name in actors.values())


def test_opposition_in_a_south_sudan_story_is_south_sudans(extractor):
    actors = _actors(extractor, "In South Sudan, opposition forces clashed with the army in "
                                "Malakal, and rebels looted the market.")
    assert actors["opposition forces"] == "SPLM-IO"
    assert actors["rebels"] == "SPLM-IO"
    assert "Syrian opposition rebels" not in actors.values()


def test_a_generic_word_is_not_evidence_of_the_country(extractor):
    # "opposition" is also Syria's rebels' name: it must not make this a Syrian story.
    result = extractor.extract("Opposition forces attacked government positions in Malakal "
                               "and Nasir in South Sudan.", published=PUB)
    assert {p.country_code for p in result.places} == {"SS"}


def test_coalition_airstrikes_are_the_coalition_fighting_in_the_story_country(extractor):
    actors = _actors(extractor, "Coalition airstrikes killed 20 civilians near Manbij, Syria.")
    assert actors["Coalition airstrikes"] == "US-led coalition"


def test_generic_aliases_are_role_words():
    assert is_generic_alias("police") and is_generic_alias("pro-government forces")
    assert is_generic_alias("the opposition") and is_generic_alias("coalition airstrikes")
    assert not is_generic_alias("regime forces") and not is_generic_alias("Somali police")


def test_datelines_and_lone_words_make_no_candidate(extractor):
    text = ("DAMASCUS, (SANA) - Army units killed terrorists in Hama countryside. The Army "
            "said the Council and the Coalition had been told.")
    assert _candidates(extractor, text) <= {"Unidentified Armed Group (Syria)"}


def test_international_bodies_and_media_are_never_armed_groups(extractor):
    text = ("The UN Security Council met after the strike on Khan Shaykhun in Syria; the "
            "Syrian Coalition, the OPCW and Al-Manar reported it.")
    actors = extractor.extract(text, published=PUB).actors
    assert not [a for a in actors if a.kind in ("rebel_group", "militia")]


def test_a_place_and_army_units_are_the_state_army_there(extractor):
    actors = _actors(extractor, "Daraa Army units destroyed a hideout in Daraa al-Balad, Syria.")
    assert "Syrian government forces" in actors.values()
    assert not _candidates(extractor, "Daraa Army units destroyed a hideout in Daraa al-Balad, "
                                      "Syria.")


def test_a_states_named_branch_is_that_state(extractor):
    actors = _actors(extractor, "Russian Aerospace Forces struck positions near Palmyra, Syria.")
    assert actors["Russian Aerospace Forces"] == "Russian armed forces"


def test_names_that_look_like_armed_groups_are_candidates(extractor):
    candidates = _candidates(extractor, "The Storm of the North Brigade and Jaish al-Mujahideen "
                                        "attacked the Army of Mujahideen near Azaz, Syria.")
    assert {"Jaish al-Mujahideen", "Army of Mujahideen"} <= candidates
