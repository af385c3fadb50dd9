"""What is never a place mention (``ingest.nlp.not_places``): peoples' words, persons,
organisations, regions, speakers and the places they speak from. Sentences are made up;
each rule has its hard negative beside it (the same words where they ARE a place)."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.nlp.not_places import blocked_tokens, is_demonym, is_organisation

PUB = dt.date(2016, 8, 15)


def _places(extractor, text: str) -> list[str]:
    return [p.text for p in extractor.extract(text, published=PUB).places]


def _countries(extractor, text: str) -> set[str]:
    return {p.country_code for p in extractor.extract(text, published=PUB).places}


@pytest.mark.parametrize("word", ["Syrian", "Lebanese", "Kurds", "Sunni", "Shiite",
                                  "Alawites", "Iraqis", "Turkish", "Arab"])
def test_peoples_and_faiths_are_demonyms(word):
    assert is_demonym(word)


@pytest.mark.parametrize("word", ["Syria", "Lebanon", "Aleppo", "Kobane", "Saudi Arabia"])
def test_places_are_not_demonyms(word):
    assert not is_demonym(word)


def test_adjectives_of_peoples_are_never_places(extractor):
    text = ("Syrian warplanes pounded Lebanese border villages on Sunday while Kurdish and "
            "Arab fighters held their lines, Sunni and Shiite clerics said.")
    assert not {"Syrian", "Lebanese", "Kurdish", "Arab", "Sunni", "Shiite"} & set(
        _places(extractor, text))


def test_the_place_after_a_peoples_word_is_still_found(extractor):
    places = _places(extractor, "A car bomb exploded in the Syrian Kurdish city of Qamishli "
                                "on Saturday.")
    assert "Qamishli" in places and "Syrian" not in places


def test_a_country_named_with_a_peoples_word_stays_a_country(extractor):
    assert {"JO", "AE"} <= _countries(extractor, "Thousands of refugees have reached Jordan "
                                                 "and the United Arab Emirates by sea.")


def test_a_person_with_a_title_is_not_a_place(extractor):
    text = ("Air strikes killed nine people in Douma on Friday, Observatory director Rami "
            "Abdel Rahman told reporters.")
    places = _places(extractor, text)
    assert "Douma" in places
    assert not any(word in p for p in places for word in ("Rami", "Abdel", "Rahman"))


def test_a_persons_surname_said_alone_later_is_not_a_place(extractor):
    text = ("Turkish Prime Minister Binali Yildirim spoke on Tuesday. Yildirim added that "
            "shelling on Kilis had to stop.")
    places = _places(extractor, text)
    assert "Yildirim" not in places and "Kilis" in places


def test_a_town_the_model_calls_a_person_is_still_a_place(extractor):
    # No title, no given name, no verb of speech: the word is read as a place.
    places = _places(extractor, "Government forces shelled Khan Shaykhun and Maarat al-Numan "
                                "in Syria on Monday.")
    assert "Khan Shaykhun" in places


def test_a_government_speaking_by_its_capital_is_not_a_place(extractor):
    text = ("Moscow denied that its jets had struck the market in Idlib, and Washington "
            "accused Damascus of the attack.")
    places = _places(extractor, text)
    assert "Idlib" in places
    assert not {"Moscow", "Washington", "Damascus"} & set(places)


def test_a_capital_where_something_happened_is_a_place(extractor):
    places = _places(extractor, "Two mortar rounds hit Damascus on Sunday, killing a child.")
    assert "Damascus" in places


def test_where_something_was_said_is_not_a_place(extractor):
    text = ("The EU foreign policy chief said in Brussels on Tuesday that the strike on "
            "Khan Shaykhun in Syria was a war crime.")
    places = _places(extractor, text)
    assert "Brussels" not in places and "Khan Shaykhun" in places


def test_a_place_put_before_the_speaker_is_the_news(extractor):
    text = "In Idlib province, activists said, barrel bombs fell on Saraqib overnight."
    assert "Idlib" in _places(extractor, text)


def test_where_something_was_reported_to_happen_is_a_place(extractor):
    assert "Homs" in _places(extractor, "Heavy shelling was reported in Homs on Sunday.")


def test_where_an_organisation_is_based_is_not_a_place(extractor):
    text = ("Fighting raged in Palmyra, the London-based Syrian Observatory for Human Rights "
            "reported.")
    places = _places(extractor, text)
    assert "London" not in places and "Palmyra" in places


def test_media_and_international_bodies_are_not_places(extractor):
    text = ("Al-Manar television said Hezbollah fighters entered Syria's Zabadani, and the "
            "Union of Medical Relief Organisations counted the wounded for the Security "
            "Council.")
    places = _places(extractor, text)
    assert "Zabadani" in places
    assert not {"Al-Manar", "Union", "Security Council"} & set(places)
    assert is_organisation("SANA") and is_organisation("the UN Security Council")
    assert not is_organisation("Sana")  # the capital of Yemen, written as a name


def test_regions_no_gazetteer_entry_stands_for_are_not_places(extractor):
    text = ("The Islamic State in Iraq and the Levant lost ground across the Middle East "
            "as Western powers struck Raqqa.")
    places = _places(extractor, text)
    assert "Raqqa" in places
    assert not {"Levant", "Middle East", "Western"} & set(places)


def test_blocked_tokens_leave_the_places_of_a_list_of_villages(nlp):
    # A word of the list that is also a given name does not make the list a person.
    doc = nlp("Clashes took place in Kafr Hamra Hadi Shuwayhanah Tall Shuwayhanah and "
              "Bishqatine.")
    blocked = {doc[i].text for i in blocked_tokens(doc)}
    assert not blocked & {"Kafr", "Hamra", "Hadi", "Shuwayhanah", "Tall", "Bishqatine"}
