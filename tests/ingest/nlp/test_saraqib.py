"""The reference article (../shared/corpus/saraqib-2020.txt, published 2020-02-06)."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import SHARED

CORPUS = SHARED / "corpus" / "saraqib-2020.txt"
SARAQIB = 164816


@pytest.fixture(scope="module")
def article():
    return CORPUS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(extractor, article):
    return extractor.extract(article, doc_id="saraqib", published=dt.date(2020, 2, 6))


def test_regime_backed_by_russia_takes_saraqib(result):
    changes = [e for e in result.events
               if e.type == "control_change" and e.place and e.place.geonames_id == SARAQIB]
    assert changes, "no control change at Saraqib"
    roles = {(a.name, a.role) for e in changes for a in e.actors}
    assert ("Syrian government forces", "gains_control") in roles
    assert ("Russian armed forces", "supporter") in roles
    assert all(a.acled for e in changes for a in e.actors)


def test_saraqib_is_encircled(result):
    sieges = [e for e in result.events if e.type == "siege"]
    assert any(e.place and e.place.geonames_id == SARAQIB for e in sieges)


def test_accords_recognised_with_their_dates(result):
    by_name = {a.name: a.date for a in result.accords if not a.is_candidate}
    astana = [d for n, d in by_name.items() if "Astana" in n]
    sochi = [d for n, d in by_name.items() if "Sochi" in n]
    assert astana == ["2017-05-04"]
    assert sochi == ["2018-09-17"]


def test_capture_is_linked_to_the_accords_it_violates(result):
    linked = {name for e in result.events if e.type == "control_change"
              for name, relation in e.accords if relation == "violates"}
    assert any("Astana" in n for n in linked) and any("Sochi" in n for n in linked)


def test_displacement_and_casualty_figures(result):
    # Totals over a period are figures with their period, not events.
    assert not [e for e in result.events if e.type in ("displacement", "casualties")]
    displaced = [f for f in result.figures if f.kind == "displaced" and f.count == 170_000]
    killed = [f for f in result.figures if f.kind == "killed" and f.count == 1_800]
    assert displaced and killed
    assert all(f.period_end == "2020-02-06" for f in displaced + killed)
    assert killed[0].period_start and killed[0].period_start < "2020-01-01"


def test_nothing_from_the_publishers_footer(result, article):
    footer = article.index("Read more: French aircraft carrier")
    assert all(p.start < footer for p in result.places)
    assert all(a.start < footer for a in result.actors)
    assert all(e.evidence.start < footer for e in result.events)
    assert "YouTube" not in {p.text for p in result.places}


def test_offsets_point_into_the_original_text(result, article):
    for mention in [*result.places, *result.actors, *result.accords]:
        assert article[mention.start:mention.end] == mention.text
    for event in result.events:
        assert article[event.evidence.start:event.evidence.end] == event.evidence.text


def test_json_contract(result):
    data = result.to_dict()
    assert data["id"] == "saraqib"
    saraqib = next(p for p in data["places"] if p["geonames_id"] == SARAQIB)
    assert saraqib["country_code"] == "SY"
    assert abs(saraqib["lat"] - 35.86) < 0.1 and abs(saraqib["lon"] - 36.80) < 0.1
