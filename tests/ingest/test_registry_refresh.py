"""A running worker's extractor follows the registry editors keep: a new alias, a candidate
accepted, are read for the next article without restarting the worker."""

import datetime as dt

import pytest

from events.choices import ActorKind
from events.services.actors import actor_create, actor_update
from ingest.extraction import get_extractor, reset_extractor

PUBLISHED = dt.date(2020, 2, 6)
TEXT = ("Fighters of the Zawiya Lions captured the town of Saraqib in Idlib province on "
        "Monday, a monitoring group said.")


@pytest.fixture(autouse=True)
def fresh_extractor():
    reset_extractor()
    yield
    reset_extractor()


def gainers(result) -> set[str]:
    return {a.name for e in result.events if e.type == "control_change" for a in e.actors
            if a.role == "gains_control"}


def test_an_alias_an_editor_adds_is_read_for_the_next_article(db):
    actor = actor_create(values={"name": "Jabal al-Zawiya Lions Brigade",
                                 "kind": ActorKind.REBEL_GROUP, "country_code": "SY"})
    extractor = get_extractor()
    assert "Jabal al-Zawiya Lions Brigade" not in gainers(extractor.extract(TEXT,
                                                                            published=PUBLISHED))

    actor_update(actor=actor, changes={"aliases": ["Zawiya Lions"]})
    refreshed = get_extractor()
    result = refreshed.extract(TEXT, published=PUBLISHED)
    assert "Jabal al-Zawiya Lions Brigade" in gainers(result)
    assert "Jabal al-Zawiya Lions Brigade" in {a.name for a in result.actors if not a.is_candidate}
    # Only the registry was read again: the model and the gazetteer were kept.
    assert refreshed.gazetteer is extractor.gazetteer and refreshed.nlp is extractor.nlp


def test_an_accepted_candidate_is_known_to_the_next_article(db):
    candidate = actor_create(values={"name": "Zawiya Lions", "kind": ActorKind.REBEL_GROUP,
                                     "country_code": "SY", "is_candidate": True})
    assert "Zawiya Lions" not in {a.name for a in get_extractor().actors.actors}

    actor_update(actor=candidate, changes={"is_candidate": False})
    assert "Zawiya Lions" in {a.name for a in get_extractor().actors.actors}
