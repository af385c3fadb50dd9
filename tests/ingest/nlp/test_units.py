"""Dates, numbers, boilerplate, language and the gazetteer, one piece at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.nlp import boilerplate
from ingest.nlp.dates import find_dates, sentence_date
from ingest.nlp.language import detect_language
from ingest.nlp.numbers import parse_number

PUB = dt.date(2020, 2, 6)  # a Thursday


@pytest.mark.parametrize("text,value", [
    ("about 170 thousand", 170_000), ("1.8 thousand", 1_800), ("1,800", 1_800),
    ("1.7 million", 1_700_000), ("two hundred", 200), ("twenty-one", 21), ("16", 16),
    ("more than 300", 300), ("soldiers", None),
    # A range counts its lower bound, as ACLED codes it; a compound number is one number.
    ("2-3", 2), ("10 - 15", 10), ("two to three", 2), ("twenty-five", 25),
    ("one hundred and twenty-five", 125),
])
def test_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,iso,precision", [
    ("On 6 February, regime forces entered the town.", "2020-02-06", "day"),
    ("As reported on 6 February 2020 one civilian was killed.", "2020-02-06", "day"),
    ("The memorandum of September 17, 2018 created a zone.", "2018-09-17", "day"),
    ("They met in Astana on May 4-5, 2017.", "2017-05-04", "day"),
    ("Rebels took the village on Monday.", "2020-02-03", "day"),
    ("The town fell yesterday.", "2020-02-05", "day"),
    ("Fighting went on through March 2019.", "2019-03-01", "month"),
    ("Reported on 16 January 2020 over the past 24 hours 3 militants were killed.",
     "2020-01-15", "day"),
    ("On 28 December rebels shelled the base.", "2019-12-28", "day"),
    # The calendar week before (27 January - 2 February): its middle day, week precision.
    ("Rebels seized the town last week.", "2020-01-30", "week"),
    ("Over the past week regime forces advanced on the town.", "2020-02-02", "week"),
    ("The base was shelled last weekend.", "2020-02-01", "day"),
    ("Rebels took the village two days ago.", "2020-02-04", "day"),
    ("The base was shelled over the weekend.", "2020-02-01", "day"),
    # Monday to Thursday so far: the middle of them, week precision.
    ("Rebels seized the town earlier this week.", "2020-02-04", "week"),
    ("Rebels seized the town late last month.", "2020-01-01", "month"),
    ("Rebels seized the town earlier this month.", "2020-02-01", "month"),
])
def test_sentence_dates(text, iso, precision):
    found = sentence_date(text, PUB)
    assert found is not None
    assert (found.date.isoformat(), found.precision) == (iso, precision)


def test_the_following_day_counts_from_the_previous_date():
    first = sentence_date("On 23 November the rebels withdrew.", PUB)
    second = sentence_date("They recaptured the area the following day.", PUB, first)
    assert second.date == dt.date(2019, 11, 24)


def test_last_weekend_said_on_a_weekend_is_the_one_before():
    sunday = dt.date(2020, 2, 9)
    assert sentence_date("The base was shelled last weekend.", sunday).date == \
        dt.date(2020, 2, 1)


def test_no_date():
    assert find_dates("Regime forces entered the town.", PUB) == []


def test_language():
    assert detect_language("Regime forces seized the town of Saraqib on Thursday.")[0] == "en"
    code, confidence = detect_language("Las fuerzas del régimen tomaron la ciudad el jueves.")
    assert code == "es" and 0 < confidence <= 1
    assert detect_language("   ") == ("", 0.0)


def test_boilerplate_mask_keeps_offsets():
    text = ("Rebels took the town of Saraqib on Monday.\n\n"
            "Read more: Another story about Aleppo\n\n"
            "The army shelled the area.\n\n"
            "Follow us on Twitter and Facebook. Subscribe to our newsletter.\n"
            "Editorial team\n")
    masked = boilerplate.mask(text)
    assert len(masked) == len(text)
    assert "Aleppo" not in masked and "Twitter" not in masked and "Editorial" not in masked
    assert masked.index("The army shelled") == text.index("The army shelled")
    assert "Rebels took the town" in boilerplate.clean(text)


def test_a_story_run_into_one_line_keeps_all_but_its_boilerplate_sentences():
    story = ("Warplanes struck a market in the town of Saraqib on Monday, killing nine "
             "people, a monitor said. Rescuers searched the rubble for hours. ") * 4
    text = ("Air strikes kill nine in Saraqib.\n\n" + story +
            "Follow us on Twitter for more news. The army said it hit a rebel depot in Ariha.")
    masked = boilerplate.mask(text)
    assert len(masked) == len(text)
    assert "Twitter" not in masked and "Twitter" not in boilerplate.clean(text)
    assert "Warplanes struck a market" in masked and "rebel depot in Ariha" in masked
    assert "rebel depot in Ariha" in boilerplate.clean(text)


def test_gazetteer_lookup_variants(gazetteer):
    assert 164816 in {e.geonames_id for e in gazetteer.lookup("Saraqib")}
    assert 164816 in {e.geonames_id for e in gazetteer.lookup("SARĀQIB")}
    assert any(e.country_code == "SY" for e in gazetteer.lookup("Tell Abiad"))
    assert gazetteer.lookup("YouTube") == []


def test_place_disambiguated_by_admin_area(extractor):
    # Two real towns share a name; the admin area said beside it picks one.
    result = extractor.extract("Fighting was reported in Tripoli, in the north of Lebanon.",
                               published=PUB)
    tripoli = [p for p in result.places if p.text == "Tripoli"]
    assert tripoli and tripoli[0].country_code == "LB"
    result = extractor.extract("Clashes erupted in Tripoli, the capital of Libya.",
                               published=PUB)
    tripoli = [p for p in result.places if p.text == "Tripoli"]
    assert tripoli and tripoli[0].country_code == "LY"


def test_place_disambiguated_by_province(extractor):
    # GeoNames has a Suran in Hama (the larger) and one in Aleppo.
    aleppo = extractor.extract("Regime forces shelled Suran in Aleppo.", published=PUB)
    hama = extractor.extract("Regime forces shelled Suran in Hama.", published=PUB)
    assert [p.geonames_id for p in aleppo.places if p.text == "Suran"] == [163913]
    assert [p.geonames_id for p in hama.places if p.text == "Suran"] == [163915]
