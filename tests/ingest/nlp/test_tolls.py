"""An article's death toll as an ACLED coder counts it (issue 14): each incident's dead
once, however often the title, the lead and the body tell them; the wounded are not dead;
a toll told as an incident is the act its sub-type names. Sentences written for these
tests."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from ingest.nlp.typology import SUB_EVENT_TYPE

PUBLISHED = dt.date(2020, 2, 8)  # a Saturday


def news(extractor, text):
    return [e for e in extractor.extract(text, published=PUBLISHED).events
            if not e.background]


@pytest.mark.parametrize(("text", "dead", "wounded"), [
    ("Eleven killed, 23 others injured in rocket attack on Jableh, Syria.", 11, 23),
    ("Six persons killed 40 others wounded in shelling on Homs, Syria.", 6, 40),
    ("15 killed 20 injured in air strike on Ariha in Idlib, Syria.", 15, 20),
])
def test_a_headline_of_dead_then_wounded_counts_the_dead_first(extractor, text, dead,
                                                               wounded):
    found = news(extractor, text)
    assert sum(e.fatalities or 0 for e in found) == dead, text
    assert max(e.injured or 0 for e in found) == wounded, text


def test_a_toll_told_in_the_title_and_at_the_town_counts_once(extractor):
    text = ("Rocket attack kills 12 in Idlib.\n\n"
            "Twelve civilians were killed on Friday when rockets hit a market in Saraqib in "
            "Idlib province, Syria, a monitor said.")
    found = news(extractor, text)
    assert sum(e.fatalities or 0 for e in found) == 12
    assert [e.place.name for e in found if e.fatalities] == ["Saraqib"]


@pytest.mark.parametrize("text", [
    "Shells killed five people in Saraqib in Idlib, Syria, on Friday. Air strikes killed "
    "nine people in Ariha on Friday.",
    "Shells killed five people in Saraqib in Idlib, Syria, on Friday. Air strikes killed "
    "five people in Ariha on Friday.",
])
def test_two_towns_with_their_tolls_are_two_incidents(extractor, text):
    found = news(extractor, text)
    assert len(found) == 2
    assert sum(e.fatalities or 0 for e in found) in (14, 10)


@pytest.mark.parametrize("text", [
    "28 militants killed in Idlib countryside.",
    "Nine civilians were killed in Ariha in Idlib, Syria, on Friday.",
    "Army kills 40 terrorists in Homs countryside.\n\nThe Syrian army killed 40 terrorists "
    "near Homs, Syria, on Friday.",
])
def test_a_toll_told_as_an_incident_is_the_act_of_its_sub_type(extractor, text):
    found = news(extractor, text)
    assert found
    assert all(e.type == SUB_EVENT_TYPE[e.sub_event_type].kind for e in found), [
        (e.type, e.sub_event_type) for e in found]
    assert all(e.type not in ("casualties", "injuries") for e in found)


def test_the_wounded_told_beside_the_dead_are_not_dead(extractor):
    found = news(extractor, "The bombing of a market in Ariha in Idlib, Syria, on Friday left "
                            "at least 30 people killed and over 200 wounded.")
    assert sum(e.fatalities or 0 for e in found) == 30


@pytest.mark.parametrize("text", [
    "In the past three weeks more than 300 civilians have been killed in Aleppo, Syria.",
    "A monitor reported 40 medics killed in Syria's 50-month war.",
])
def test_a_toll_over_a_period_is_no_incidents_toll(extractor, text):
    result = extractor.extract(text, published=PUBLISHED)
    assert sum(e.fatalities or 0 for e in result.events if not e.background) == 0, text
    assert [f.kind for f in result.figures] == ["killed"]


def test_a_toll_told_in_another_country_stays_there(extractor):
    text = ("Warplanes struck the town of Saraqib in Idlib, Syria, on Friday.\n\n"
            "Air strikes killed 40 militants in Iraq on Friday.")
    found = news(extractor, text)
    assert not [e for e in found if e.place and e.place.country_code == "SY" and e.fatalities]


def test_a_year_in_a_headline_is_no_toll(extractor):
    found = news(extractor, "Mon Jul 11 2016 Shelling on Aleppo goes on, 9 killed.")
    assert all((e.fatalities or 0) < 100 for e in found)


@pytest.mark.parametrize(("text", "dead"), [
    ("A car bomb exploded at a checkpoint in Jableh, Syria, on Friday, claiming 6 martyrs "
     "and 20 injured.", 6),
    ("Army units eliminated over 35 terrorists near Saraqib in Idlib, Syria, on Friday.", 35),
])
def test_martyrs_and_eliminated_fighters_are_dead(extractor, text, dead):
    found = news(extractor, text)
    assert sum(e.fatalities or 0 for e in found) == dead, text


def test_a_martyrs_brigade_is_no_toll(extractor):
    found = news(extractor, "The Martyrs Brigade clashed with regime forces near Saraqib in "
                            "Idlib, Syria, on Friday.")
    assert found and all(not e.fatalities for e in found)


@pytest.mark.parametrize("text", [
    "More than 30 civilians were killed on Friday in Saraqib and Ariha in Idlib, Syria.",
    "Air strikes on Saraqib and Ariha in Idlib, Syria, killed 30 civilians on Friday.",
])
def test_one_toll_told_for_two_towns_counts_once(extractor, text):
    found = news(extractor, text)
    assert sum(e.fatalities or 0 for e in found) == 30, text
    assert len({e.place.name for e in found if e.place}) == 2, text


def test_a_toll_updated_between_title_and_body_is_one_incident(extractor):
    text = ("Suicide bombing kills 20 in Idlib.\n\n"
            "A suicide bomber blew himself up at a wedding in Saraqib in Idlib province, "
            "Syria, on Friday, killing at least 22 people, a monitor said.")
    found = news(extractor, text)
    assert [e.fatalities for e in found if e.fatalities] == [22]


@pytest.mark.parametrize(("text", "target"), [
    ("Warplanes struck rebel positions northeast of Damascus including the city of Douma, "
     "Syria, on Friday.", "Duma"),
    ("Jets bombed militant positions south of Jableh, including the town of Baniyas, Syria, "
     "on Friday.", "Baniyas"),
])
def test_the_place_a_compass_point_is_told_from_is_not_the_target(extractor, text, target):
    found = news(extractor, text)
    assert found, text
    name = "".join(c for c in unicodedata.normalize("NFKD", found[0].place.name)
                   if c.isalpha()).lower()
    assert name[:3] == target.lower()[:3] and "damascus" not in name, found[0].place.name
