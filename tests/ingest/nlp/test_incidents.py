"""Articles read as an ACLED coder reads them (issue 14): one incident one event, its ACLED
sub-type from the means words, its tolls as counts, totals as figures, history as
background, statements and threats as nothing. Sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

PUBLISHED = dt.date(2020, 2, 8)  # a Saturday


def extract(extractor, text, published=PUBLISHED):
    return extractor.extract(text, published=published)


def news(extractor, text, published=PUBLISHED):
    """The events that are news (not background)."""
    return [e for e in extract(extractor, text, published).events if not e.background]


@pytest.mark.parametrize(("text", "sub_type"), [
    ("A car bomb exploded near a market in Azaz, Syria, on Friday.",
     "remote_explosive_landmine_ied"),
    ("A suicide bomber blew himself up at a checkpoint in Azaz, Syria, on Friday.",
     "suicide_bomb"),
    ("Israeli jets struck an arms depot near Masyaf, Syria, on Friday.", "air_drone_strike"),
    ("Helicopters dropped barrel bombs on Ariha in Idlib, Syria, on Friday.",
     "air_drone_strike"),
    ("Rebels fired rockets at Qardaha in Latakia, Syria, on Friday.",
     "shelling_artillery_missile_attack"),
    ("Mortar rounds hit a school in Jableh, Syria, on Friday.",
     "shelling_artillery_missile_attack"),
    ("Warplanes dropped bombs loaded with chlorine gas on Ariha in Idlib, Syria, on Friday.",
     "chemical_weapon"),
    ("Rebels clashed with regime forces near Ariha in Idlib, Syria, on Friday.",
     "armed_clash"),
    ("Gunmen shot dead a teacher in Daraa, Syria, on Friday.", "attack"),
    ("Gunmen abducted two aid workers in Daraa, Syria, on Friday.",
     "abduction_forced_disappearance"),
])
def test_the_means_words_decide_the_sub_type(extractor, text, sub_type):
    found = news(extractor, text)
    assert [e.sub_event_type for e in found] == [sub_type], text


def test_a_rocket_attack_is_shelling_not_a_battle(extractor):
    found = news(extractor, "A rocket attack on Qardaha in Latakia, Syria, killed four "
                            "people on Friday.")
    assert len(found) == 1
    assert found[0].sub_event_type == "shelling_artillery_missile_attack"
    assert found[0].event_type == "explosions_remote_violence"
    assert found[0].fatalities == 4


def test_state_forces_regain_non_state_actors_overtake(extractor):
    [regained] = [e for e in news(extractor, "Syrian government forces captured Ariha in "
                                             "Idlib, Syria, on Friday.")
                  if e.type == "control_change"]
    [overtaken] = [e for e in news(extractor, "Rebel fighters captured Ariha in Idlib, Syria, "
                                              "on Friday.")
                   if e.type == "control_change"]
    assert regained.sub_event_type == "government_regains_territory"
    assert overtaken.sub_event_type == "non_state_actor_overtakes_territory"


def test_the_toll_told_next_is_the_incidents(extractor):
    text = ("Warplanes struck the town of Ariha in Idlib, Syria, on Friday. Nine civilians "
            "were killed and fourteen were wounded.")
    found = news(extractor, text)
    assert len(found) == 1
    assert (found[0].sub_event_type, found[0].fatalities, found[0].injured) == (
        "air_drone_strike", 9, 14)


def test_title_lead_and_body_give_one_event(extractor):
    text = ("Air strikes kill nine in Ariha.\n\n"
            "Warplanes struck the town of Ariha in Idlib, Syria, on Friday, killing nine "
            "civilians, a monitor said.\n\n"
            "The strikes on Ariha hit a market, witnesses said.")
    found = news(extractor, text)
    assert len(found) == 1
    assert found[0].fatalities == 9
    assert found[0].place.name.startswith("Ar") and len(found[0].more_evidence) >= 1
    assert all(text[x.start:x.end] == x.text for x in found[0].more_evidence)


def test_one_event_per_town_named(extractor):
    found = news(extractor, "Shells fell on Saraqib and Ariha in Idlib, Syria, on Friday.")
    assert len(found) == 2
    assert {e.sub_event_type for e in found} == {"shelling_artillery_missile_attack"}
    assert found[0].place.name != found[1].place.name


def test_history_told_in_passing_is_background(extractor):
    text = ("Rebels captured Ariha in Idlib, Syria, in March 2015. On Friday warplanes "
            "struck the town of Ariha.")
    result = extract(extractor, text)
    old = [e for e in result.events if e.type == "control_change"]
    assert old and all(e.background for e in old)
    assert [e.sub_event_type for e in result.events if not e.background] == [
        "air_drone_strike"]


def test_a_total_over_a_period_is_a_figure(extractor):
    text = "The war has killed more than 380,000 people in Syria since March 2011."
    result = extract(extractor, text)
    assert not [e for e in result.events if not e.background]
    [figure] = result.figures
    assert (figure.kind, figure.count) == ("killed", 380_000)
    assert (figure.period_start, figure.period_end) == ("2011-03-01", "2020-02-08")


@pytest.mark.parametrize("text", [
    "Turkey threatened to shoot down Syrian warplanes over Idlib, Syria.",
    "Officials warned of air strikes on Ariha in Idlib, Syria.",
    "The opposition condemned the attack on Ariha in Idlib, Syria.",
    "Regime forces would threaten the siege of Ariha if they captured Saraqib.",
    "Regime forces did not shell Ariha in Idlib, Syria, on Friday.",
])
def test_threats_statements_and_conditionals_are_not_events(extractor, text):
    assert news(extractor, text) == [], text


def test_a_speakers_city_is_not_the_event_place(extractor):
    text = ("Russia's defence ministry said in Moscow that its jets struck Ariha in Idlib, "
            "Syria, on Friday.")
    found = news(extractor, text)
    assert found and all(e.place.country_code == "SY" for e in found)


@pytest.mark.parametrize(("text", "attacker"), [
    ("Israeli jets struck an arms depot near Masyaf, Syria, on Friday.",
     "Israeli armed forces"),
    ("Russian warplanes pounded Ariha in Idlib, Syria, on Friday.", "Russian armed forces"),
    ("Regime air raids on Ariha in Idlib, Syria, killed five people on Friday.",
     "Syrian government forces"),
])
def test_the_attacker_named_with_the_weapon_is_the_initiator(extractor, text, attacker):
    found = news(extractor, text)
    assert found
    assert [a.name for a in found[0].actors if a.role == "initiator"][:1] == [attacker]


@pytest.mark.parametrize("text", [
    "Gunmen stormed the municipal building in Azaz, Syria, on Friday.",
    "Rebels captured a cell of Islamic State fighters near Azaz, Syria, on Friday.",
    "Regime forces seized an aid shipment near Azaz, Syria, on Friday.",
    "Turkish forces withdrew from positions near Tal Abyad, Syria, on Friday.",
    "Kurdish fighters reportedly withdrew from Tal Abyad, Syria, on Friday.",
    "Rumours spread that Kurdish fighters had withdrawn from Tal Abyad, Syria, on Friday.",
    "The truce took hold in Idlib, Syria, on Friday.",
])
def test_not_changes_of_control(extractor, text):
    assert not [e for e in news(extractor, text) if e.type == "control_change"], text


@pytest.mark.parametrize("text", [
    "Kurdish fighters withdrew from Tal Abyad, Syria, on Friday, local sources said.",
    "Local sources said Kurdish fighters withdrew from Tal Abyad, Syria, on Friday.",
])
def test_a_withdrawal_told_by_its_sources_is_not_a_rumour(extractor, text):
    found = [e for e in news(extractor, text) if e.type == "control_change"]
    assert found, text
    assert ("loses_control" in {a.role for e in found for a in e.actors}), text


def test_a_completed_withdrawal_from_a_town_is_a_change_of_control(extractor):
    found = [e for e in news(extractor, "Kurdish fighters withdrew from Tal Abyad, Syria, on "
                                        "Friday as Turkish forces entered the town.")
             if e.type == "control_change"]
    assert found
    roles = {(a.name, a.role) for e in found for a in e.actors}
    assert ("Syrian Democratic Forces", "loses_control") in roles or \
        ("Turkish armed forces", "gains_control") in roles


def test_a_toll_told_apart_counts_for_the_incident_it_belongs_to(extractor):
    text = ("Warplanes struck the town of Ariha in Idlib, Syria, on Friday.\n\n"
            "Rescuers pulled people from the rubble of a market.\n\n"
            "Twelve people were killed in Ariha on Friday, a monitor said.")
    found = news(extractor, text)
    assert [(e.sub_event_type, e.fatalities) for e in found] == [("air_drone_strike", 12)]
    assert len(found[0].more_evidence) == 1


def test_an_act_told_as_a_hypothesis_is_not_an_event(extractor):
    text = "If confirmed, it would be the first air strike on Ariha in Idlib, Syria."
    assert news(extractor, text) == []


@pytest.mark.parametrize("text", [
    "A car bomb claimed by the Islamic State killed six people in Qamishli, Syria, on Friday.",
    "The Islamic State claimed responsibility for a car bomb that killed six people in "
    "Qamishli, Syria, on Friday.",
])
def test_who_claims_a_bombing_is_its_initiator(extractor, text):
    found = news(extractor, text)
    assert found and found[0].sub_event_type == "remote_explosive_landmine_ied"
    assert [a.name for a in found[0].actors if a.role == "initiator"][:1] == [
        "Islamic State (Syria)"]


def test_an_incident_told_once_with_the_is_kept_but_a_statement_about_it_is_not(extractor):
    told = news(extractor, "The barrel bombing hit the village of Ariha in Idlib, Syria, on "
                           "Friday.")
    assert [e.sub_event_type for e in told] == ["air_drone_strike"]
    assert news(extractor, "The United Nations condemned the bombing of Ariha in Idlib, "
                           "Syria.") == []


def test_the_attack_named_again_is_the_incident_told_before(extractor):
    text = ("A car bomb exploded near a market in Azaz, Syria, on Friday.\n\n"
            "Medics said the attack killed six people in Azaz.")
    found = news(extractor, text)
    assert [(e.sub_event_type, e.fatalities) for e in found] == [
        ("remote_explosive_landmine_ied", 6)]
