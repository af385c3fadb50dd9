"""Analysts and editors in a real browser (Debian's Chromium through Playwright)."""

import datetime as dt

import pytest

from events import services
from events.models import Actor, Event, Place
from events.views.colors import actor_color
from tests.pages.data import build_saraqib

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser

TAFTANAZ_GEONAMES_ID = 163799


def _marker_colour(page, place_id, date):
    page.wait_for_function(f"document.body.dataset.mapDate === '{date}'")
    marker = page.locator(f"path.place-{place_id}")
    return marker.get_attribute("fill"), "contested" in (marker.get_attribute("class") or "")


def test_analyst_moves_the_slider_and_saraqib_changes_colour(site_url, browser_page, people):
    data = build_saraqib()
    saraqib = data["place"]
    page = browser_page
    log_in(page, site_url, "ana")
    page.goto(f"{site_url}/map/")
    hts, sgf, rebels = (actor_color(data[k]) for k in ("hts", "sgf", "rebels"))

    # The map opens on the latest change; Home takes the slider back to the first date.
    assert _marker_colour(page, saraqib.pk, "2020-02-25") == (rebels, False)
    page.focus("#slider")
    page.keyboard.press("Home")
    assert _marker_colour(page, saraqib.pk, "2019-05-01") == (hts, False)
    page.keyboard.press("ArrowRight")
    assert _marker_colour(page, saraqib.pk, "2020-01-28") == (hts, True)  # besieged
    page.keyboard.press("ArrowRight")
    assert _marker_colour(page, saraqib.pk, "2020-02-06") == (sgf, False)
    assert page.locator("#slider-date").inner_text() == "2020-02-06"
    assert "Syrian government forces" in page.locator("#place-list").inner_text()

    page.locator(f"path.place-{saraqib.pk}").click()
    page.wait_for_selector("#place-card .holder")
    card = page.locator("#place-card").inner_text()
    assert "Syrian government forces since 2020-02-06" in card
    assert "captured the town of Saraqib" in card
    page.mouse.move(5, 5)  # no tooltip over the marker in the picture
    screenshot(page, "control-map.png")

    page.keyboard.press("Escape")
    page.focus("#slider")
    page.keyboard.press("ArrowRight")
    assert _marker_colour(page, saraqib.pk, "2020-02-25") == (rebels, False)

    page.goto(f"{site_url}/places/{saraqib.pk}/")
    assert page.locator("svg.timeline rect").count() == 4  # three holders and one siege
    assert "National Front for Liberation" in page.locator("table").first.inner_text()
    screenshot(page, "place-page.png")

    page.goto(f"{site_url}/actors/syrian-government-forces/")
    markers = page.locator(".points-map path.leaflet-interactive")
    markers.first.wait_for()
    assert markers.count() == 2  # Saraqib gained on 02-06 and lost on 02-25


def test_editor_corrects_the_place_from_the_review_queue(site_url, browser_page, people):
    data = build_saraqib()
    event = data["capture"]
    taftanaz = Place.objects.get(geonames_id=TAFTANAZ_GEONAMES_ID)
    page = browser_page
    log_in(page, site_url, "eddie")
    page.goto(f"{site_url}/review/")
    page.keyboard.press("j")  # the first row: the least confident change of control
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site_url}/review/{event.pk}/")
    assert "Syrian government forces captured the town of Saraqib" in \
        page.locator("mark.evidence-sentence").inner_text()

    page.fill("#place-search", "Taftanaz")
    page.locator(".place-choice", has_text=f"GeoNames {TAFTANAZ_GEONAMES_ID}").click()
    assert "Taftan" in page.locator("#place-label").inner_text()
    page.fill("#correct-form input[name=reason]", "the article means Taftanaz")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "review-queue.png")
    page.click("#save-button")
    page.wait_for_selector(".messages li")
    assert "corrected (place)" in page.locator(".messages").inner_text()

    event.refresh_from_db()
    assert event.place_id == taftanaz.pk
    page.goto(f"{site_url}/events/{event.pk}/")
    history = page.locator("#history").inner_text()
    assert "eddie" in history and "Place: Saraqib → Taftanāz" in history
    assert "the article means Taftanaz" in history
    assert Event.objects.get(pk=event.pk).review_status == "extracted"


def test_outsider_cannot_reach_editor_pages(site_url, browser_page, people):
    page = browser_page
    response = page.goto(f"{site_url}/review/")
    assert "/accounts/login/" in page.url and response.status == 200
    log_in(page, site_url, "otto")
    for path in ("/review/", "/articles/submit/", "/map/"):
        response = page.goto(f"{site_url}{path}")
        assert response.status == 403, path
    assert page.locator("a", has_text="Review").count() == 0


def test_pages_fit_a_360_pixel_wide_phone(site_url, chromium, people):
    data = build_saraqib()
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        log_in(page, site_url, "eddie")
        for path in ("/", "/map/", f"/places/{data['place'].pk}/", "/events/",
                     f"/events/{data['capture'].pk}/", "/review/",
                     "/actors/syrian-government-forces/", f"/review/{data['capture'].pk}/"):
            page.goto(f"{site_url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width}px wide"
    finally:
        context.close()


def test_editor_keyboard_shortcuts_verify_and_reject(site_url, browser_page, people):
    data = build_saraqib()
    page = browser_page
    log_in(page, site_url, "eddie")
    page.goto(f"{site_url}/review/{data['capture'].pk}/")
    page.keyboard.press("v")
    page.wait_for_url(f"{site_url}/review/{data['retake'].pk}/")  # on to the next one
    assert "verified" in page.locator(".messages").inner_text()
    assert Event.objects.get(pk=data["capture"].pk).review_status == "verified"

    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "reject-reason"
    page.keyboard.type("only an attempt to storm it")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages li")
    retake = Event.objects.get(pk=data["retake"].pk)
    assert (retake.review_status, retake.reject_reason) == ("rejected",
                                                            "only an attempt to storm it")


def test_names_from_the_news_stay_text_on_the_map(site_url, browser_page, people):
    saraqib = Place.objects.get(geonames_id=164816)
    odd = Actor.objects.create(name="Free <b>Army</b><img src=x onerror=alert(1)>",
                               slug="free-army-test")
    services.event_create(values={"type": "control_change", "date": dt.date(2021, 1, 1),
                                  "place": saraqib, "confidence": 0.5},
                          actors=[(odd, "gains_control")])
    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, site_url, "ana")
    page.goto(f"{site_url}/map/?date=2021-01-01")
    page.wait_for_function("document.body.dataset.mapDate === '2021-01-01'")
    page.locator(f"path.place-{saraqib.pk}").hover()
    tooltip = page.locator(".leaflet-tooltip.place-tip")
    assert "Free <b>Army</b><img src=x onerror=alert(1)>" in tooltip.inner_text()
    assert "<b>Army</b>" in page.locator("#place-list").inner_text()
    page.locator(f"path.place-{saraqib.pk}").click()
    page.wait_for_selector("#place-card .holder")
    assert "<b>Army</b>" in page.locator("#place-card .holder").inner_text()
    assert dialogs == []
