"""Control changes the text does not state: entering, a group described in passing, a town
the text does not name again, another country's war told in passing (sentences written
for these tests)."""

from __future__ import annotations

import datetime as dt

import pytest

PUBLISHED = dt.date(2020, 2, 8)


def control_changes(extractor, text):
    result = extractor.extract(text, published=PUBLISHED)
    return [e for e in result.events if e.type == "control_change" and not e.background]


@pytest.mark.parametrize("text", [
    # Moving in is not holding.
    "Regime troops entered the town of Saraqib on Monday from the east.",
    "Syrian troops pushed into the western part of Saraqib on Monday.",
    # A group described by what it holds, not a change.
    "Fighting raged near Saraqib on Monday against jihadists, who now control most of Idlib "
    "province.",
    # A place described by a capture long before the news.
    "Regime forces launched an assault to retake the town of Saraqib, captured by rebels "
    "earlier this year.",
    "The town of Saraqib, seized by rebels last year, was shelled on Monday.",
    # Falling "into" a time is no fall of a town.
    "Dozens of shells fell overnight into Monday morning on the town of Saraqib.",
    # The village taken is not the province.
    "Kurdish fighters took back the village on Tuesday, a day after it was captured by "
    "jihadists in Hasakeh province.",
    "The village was recaptured by the army on Monday in Idlib province.",
    "Rebels took the town on Monday, a day after the army had left it, in Idlib province.",
])
def test_not_a_change_of_control_at_a_named_place(extractor, text):
    assert control_changes(extractor, text) == [], text


@pytest.mark.parametrize("text", [
    "Regime troops entered Saraqib on Monday and seized the town after rebels withdrew.",
    "Rebels now control most of Idlib province after the army withdrew on Monday.",
    "The town of Saraqib fell into the hands of rebels on Monday.",
    "Rebels captured the town of Saraqib on Monday, their first gain this year.",
    # A town the text names, in a province: the town stays.
    "The army recaptured the village of Binnish in Idlib province on Monday.",
    # A town named once, then "the village": the town.
    "Rebels attacked the town of Saraqib on Sunday. The army recaptured the town on Monday.",
])
def test_changes_of_control_still_read(extractor, text):
    assert control_changes(extractor, text), text


def test_a_capture_in_a_neighbouring_country_told_in_passing_is_not_this_storys(extractor):
    text = ("Regime jets struck Saraqib and Binnish in Idlib province on Monday, killing four "
            "civilians. Meanwhile in neighbouring Iraq, government troops backed by coalition "
            "jets recaptured the city of Mosul.")
    assert control_changes(extractor, text) == []
    result = extractor.extract(text, published=PUBLISHED)
    assert any(e.place and e.place.name == "Saraqib" for e in result.events)


def test_a_place_in_a_neighbouring_country_inside_the_clause_is_still_read(extractor):
    # "in neighbouring Iraq" here tells where the town is, not a turn to another story.
    text = "Kurdish fighters captured the town of Sinjar in neighbouring Iraq on Monday."
    found = control_changes(extractor, text)
    assert found and found[0].place.country_code == "IQ"
