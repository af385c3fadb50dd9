"""The control map tells the truth (issue 16), in a real browser.

A dozen towns of Idlib from the gazetteer, held by the government (and a unit of it), the
opposition and HTS; one town captured from the opposition after a siege; one withdrawn
from. Events are written through events.services, as the pipeline and the pages do.
"""

import datetime as dt

import pytest

from events import services
from events.choices import ActorRole, EventType, PlaceKind
from events.models import Actor, Event, Place

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser
D = dt.date
TAFTANAZ_GEONAMES_ID = 163799


def _actor(slug):
    return Actor.objects.get(slug=slug)


def _change(place, day, gainer=None, loser=None, confidence=0.8):
    actors = [(a, r) for a, r in ((gainer, ActorRole.GAINS_CONTROL),
                                  (loser, ActorRole.LOSES_CONTROL)) if a]
    return services.event_create(values={"type": EventType.CONTROL_CHANGE, "date": day,
                                         "place": place, "confidence": confidence},
                                 actors=actors)


def _fight(place, day, attacker, type_=EventType.SIEGE):
    return services.event_create(values={"type": type_, "date": day, "place": place,
                                         "confidence": 0.7},
                                 actors=[(attacker, ActorRole.INITIATOR)])


def build_idlib() -> dict:
    sgf, nfl = _actor("syrian-government-forces"), _actor("national-front-for-liberation")
    hts = _actor("hayat-tahrir-al-sham")
    unit = Actor.objects.create(name="Test Tiger Division", slug="test-tiger-division",
                                parent=sgf)
    taftanaz = Place.objects.get(geonames_id=TAFTANAZ_GEONAMES_ID)
    towns = list(Place.objects.filter(country_code="SY", admin1_name__icontains="idlib",
                                      kind=PlaceKind.POPULATED_PLACE)
                 .exclude(pk=taftanaz.pk).order_by("-population")[:11])
    holders = [hts, nfl, sgf, hts, nfl, unit, hts, sgf, nfl, hts, sgf]
    for town, holder in zip(towns, holders, strict=False):
        _change(town, D(2019, 6, 1), holder)
    # Taftanaz: besieged by the government, then captured from the opposition.
    _fight(taftanaz, D(2020, 1, 20), sgf)
    capture = _change(taftanaz, D(2020, 2, 8), sgf, nfl)
    _fight(taftanaz, D(2020, 2, 10), nfl, EventType.BATTLE)  # a counter-attack, then quiet
    # The last town: its holder withdrew and nobody took it over.
    _change(towns[-1], D(2020, 2, 1), loser=sgf)
    return {"taftanaz": taftanaz, "capture": capture, "towns": towns, "sgf": sgf, "nfl": nfl,
            "hts": hts, "unit": unit}


def _open_map(page, site_url, date):
    page.goto(f"{site_url}/map/?date={date}")
    page.wait_for_function(f"document.body.dataset.mapDate === '{date}'")


def _marker(page, place):
    return page.locator(f"path.place-marker.place-{place.pk}")


def test_the_legend_matches_the_colours_drawn(site_url, browser_page, people):
    data = build_idlib()
    page = browser_page
    log_in(page, site_url, "ana")
    _open_map(page, site_url, "2020-03-20")
    drawn = set(page.eval_on_selector_all("path.place-marker",
                                          "els => els.map(e => e.getAttribute('fill'))"))
    legend = {e.get_attribute("data-color"): e.inner_text()
              for e in page.locator("#legend-sides li.legend-entry").all()}
    assert drawn == set(legend), (drawn, legend)
    # A unit is drawn in its force's colour, and the legend names it under that side.
    unit_town = data["towns"][5]
    sgf_town = data["towns"][2]
    assert _marker(page, unit_town).get_attribute("fill") == \
        _marker(page, sgf_town).get_attribute("fill")
    sgf_entry = legend[_marker(page, sgf_town).get_attribute("fill")]
    assert "Syrian government forces" in sgf_entry and "Test Tiger Division" in sgf_entry
    # The town nobody holds is drawn and listed as such.
    assert "Unheld" in legend[_marker(page, data["towns"][-1]).get_attribute("fill")]
    assert "unheld" in _marker(page, data["towns"][-1]).get_attribute("class")
    # Names of the larger places are written on the map.
    page.locator(".leaflet-tooltip.place-label").first.wait_for()
    # Admin-1 boundaries (Idlib's and its neighbours') drawn in the view.
    page.wait_for_function("[...document.querySelectorAll('path.admin1-boundary')]"
                           ".some(p => p.getAttribute('d') !== 'M0 0')")
    labels = page.locator(".leaflet-tooltip.place-label").all_inner_texts()
    assert data["towns"][0].name in labels
    page.mouse.move(5, 5)
    screenshot(page, "control-map-legend.png")

    page.check("#area-view")
    page.locator("path.area-cell").first.wait_for()
    assert page.locator("path.area-cell").count() >= 10  # a cell per town
    screenshot(page, "control-map-areas.png")


def test_a_town_captured_from_the_opposition(site_url, browser_page, people):
    data = build_idlib()
    taftanaz = data["taftanaz"]
    page = browser_page
    log_in(page, site_url, "ana")
    _open_map(page, site_url, "2020-01-08")  # a month before the capture
    marker = _marker(page, taftanaz)
    classes = marker.get_attribute("class")
    assert "inferred" in classes and "contested" not in classes
    row = page.locator(f"#place-list tr[data-place-id='{taftanaz.pk}']").inner_text()
    assert "National Front for Liberation (inferred)" in row and "before records" in row
    nfl_colour = marker.get_attribute("fill")
    assert "National Front for Liberation" in page.locator(
        f"#legend-sides li[data-color='{nfl_colour}']").inner_text()

    _open_map(page, site_url, "2020-02-01")  # besieged
    assert "contested" in _marker(page, taftanaz).get_attribute("class")

    _open_map(page, site_url, "2020-03-10")  # a quiet month after the capture
    marker = _marker(page, taftanaz)
    classes = marker.get_attribute("class")
    assert "contested" not in classes and "inferred" not in classes
    assert marker.get_attribute("fill") != nfl_colour
    row = page.locator(f"#place-list tr[data-place-id='{taftanaz.pk}']").inner_text()
    assert "Syrian government forces" in row and "2020-02-08" in row

    # The changes between two dates list and ring the towns that changed hands.
    page.fill("#changes-start", "2020-01-01")
    page.fill("#changes-end", "2020-03-10")
    page.click("#changes-show")
    page.locator(f"#changes-list tr[data-place-id='{taftanaz.pk}']").wait_for()
    changed = page.locator("#changes-list tbody").inner_text()
    assert taftanaz.name in changed and "National Front for Liberation" in changed
    assert data["towns"][-1].name in changed  # the withdrawal
    assert data["towns"][0].name not in changed
    page.mouse.move(5, 5)
    screenshot(page, "control-map-changes.png")

    page.goto(f"{site_url}/places/{taftanaz.pk}/")
    table = page.locator("table").first.inner_text()
    assert "before records" in table and "inferred" in table
    assert page.locator("svg.timeline rect.contested").count() == 2  # siege, counter-attack


def test_an_editor_verifies_a_place_from_its_card(site_url, browser_page, people):
    data = build_idlib()
    taftanaz = data["taftanaz"]
    page = browser_page
    log_in(page, site_url, "eddie")
    _open_map(page, site_url, "2020-03-10")
    marker = _marker(page, taftanaz)
    assert marker.get_attribute("data-evidence") == "single_source"
    assert marker.get_attribute("stroke-dasharray") == "2 2"
    marker.click()
    page.wait_for_selector("#place-card form.control-review")
    page.click("#place-card button[value=verify]")
    page.wait_for_selector("#place-card .notice")
    assert "Verified" in page.locator("#place-card").inner_text()
    page.wait_for_function(
        f"document.querySelector('path.place-marker.place-{taftanaz.pk}')"
        ".getAttribute('data-evidence') === 'verified'")
    marker = _marker(page, taftanaz)
    assert marker.get_attribute("stroke-width") == "3"
    assert marker.get_attribute("stroke-dasharray") is None
    assert Event.objects.get(pk=data["capture"].pk).review_status == "verified"
    page.mouse.move(5, 5)
    page.evaluate("window.scrollTo(0, 250)")
    screenshot(page, "control-map-verified.png")


def test_an_analyst_has_no_verify_button(site_url, browser_page, people):
    data = build_idlib()
    page = browser_page
    log_in(page, site_url, "ana")
    _open_map(page, site_url, "2020-03-10")
    _marker(page, data["taftanaz"]).click()
    page.wait_for_selector("#place-card .holder")
    assert page.locator("#place-card form.control-review").count() == 0
