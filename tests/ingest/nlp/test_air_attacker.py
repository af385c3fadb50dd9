"""Who flew an air strike the sentence does not name: the attacker the article names for
its air strikes (sentences written for these tests)."""

from __future__ import annotations

import datetime as dt

PUBLISHED = dt.date(2020, 2, 8)


def strikes(extractor, text):
    result = extractor.extract(text, published=PUBLISHED)
    return {e.place.name: [a.name for a in e.actors if a.role == "initiator"]
            for e in result.events if e.sub_event_type == "air_drone_strike" and e.place}


def test_a_title_strike_takes_the_attacker_the_body_names(extractor):
    found = strikes(extractor, "Fresh air strikes hit the town of Saraqib on Monday. Russian "
                               "jets pounded the town of Binnish in Idlib province on Sunday, "
                               "activists said.")
    assert found.get("Saraqib") == ["Russian armed forces"]
    assert found.get("Binnish") == ["Russian armed forces"]


def test_the_attacker_named_nearest_before_is_the_one(extractor):
    found = strikes(extractor, "Turkish drones struck the town of Binnish in Idlib province on "
                               "Sunday. Russian jets pounded the town of Ariha on Monday. "
                               "Later air strikes hit the town of Saraqib, activists said.")
    assert found.get("Saraqib") == ["Russian armed forces"]


def test_no_attacker_is_guessed_when_the_article_names_none(extractor):
    found = strikes(extractor, "Air strikes hit the town of Saraqib in Idlib province on "
                               "Monday, killing four civilians, activists said.")
    assert found.get("Saraqib") == []


def test_arms_only_a_state_has_name_its_forces(extractor):
    result = extractor.extract("The town of Saraqib in Idlib province was pounded with barrel "
                               "bombs on Monday, activists said. The Air Force shelled jihadist "
                               "positions near the town of Ariha on Tuesday, state media said.",
                               published=PUBLISHED)
    doers = {e.place.name: [a.name for a in e.actors if a.role == "initiator"]
             for e in result.events if e.place}
    assert doers.get("Saraqib") == ["Syrian government forces"]
    assert doers.get("Arīḩā") == ["Syrian government forces"]


def initiators(extractor, text):
    result = extractor.extract(text, published=PUBLISHED)
    return [a.name for e in result.events for a in e.actors if a.role == "initiator"]


def test_a_group_named_after_a_generic_word_is_that_group(extractor):
    # "the terrorist group X": X, not an unidentified group; the claim's name is read even
    # when the parser cuts it from "claimed by".
    found = initiators(extractor, "On Sunday in Damascus a bomb claimed by the terrorist group "
                                  "Jabhat al-Nusra destroyed a bus carrying pilgrims.")
    assert found == ["Hayat Tahrir al-Sham"]


def test_terrorists_with_no_group_named_stay_unidentified(extractor):
    found = initiators(extractor, "Terrorists fired shells on the town of Saraqib in Idlib "
                                  "province on Monday, state media said.")
    assert found == ["Unidentified Armed Group (Syria)"]
