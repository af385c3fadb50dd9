"""Issue 17's pages: filters by name with messages beside the fields, index pages, the
dashboard's links and range, events told in words, styled error pages."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_event_filters_take_names(client, analyst, saraqib):
    client.force_login(analyst)
    page = client.get(reverse("event_list"), {"actor": "Hayat Tahrir al-Sham",
                                              "country": "Syria", "place": "Saraqib"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 events" in html  # HTS took Saraqib, then lost it in the capture
    assert "Syrian government forces took control of Saraqib from Hayat Tahrir al-Sham" in html


def test_unknown_names_and_crossed_dates_get_a_message_next_to_the_field(client, analyst,
                                                                        saraqib):
    client.force_login(analyst)
    html = client.get(reverse("event_list"), {
        "actor": "Martian Legion", "country": "Narnia", "accord": "nope",
        "date_from": "2021-01-01", "date_to": "2020-01-01"}).content.decode()
    assert re.search(r'id="actor-error">No actor is known as (&#x27;|\')Martian Legion', html)
    assert re.search(r'id="country-error">No country is known as (&#x27;|\')Narnia', html)
    assert re.search(r'id="accord-error">No accord is known as (&#x27;|\')nope', html)
    assert 'id="date_to-error">date_to (2020-01-01) is before date_from (2021-01-01).' in html
    assert "No event matches." in html


def test_autocomplete_suggests_actors_places_countries(client, analyst, saraqib):
    client.force_login(analyst)
    actors = client.get(reverse("lookup", args=["actors"]), {"q": "Syrian gov"}).json()
    assert {"value": "Syrian government forces", "label": "Syrian government forces"} in \
        actors["results"]
    places = client.get(reverse("lookup", args=["places"]), {"q": "Saraq"}).json()["results"]
    assert places[0]["value"] == "Saraqib"
    countries = client.get(reverse("lookup", args=["countries"]), {"q": "sy"}).json()
    assert "Syria (SY)" in [r["label"] for r in countries["results"]]
    assert client.get(reverse("lookup", args=["planets"]), {"q": "x"}).status_code == 404


def test_index_pages_list_count_and_sort(client, analyst, saraqib):
    client.force_login(analyst)
    html = client.get(reverse("actor_list"), {"sort": "-events"}).content.decode()
    rows = re.findall(r'<td data-label="Actor"><a href="/actors/([^/]+)/">', html)
    assert rows[0] == "syrian-government-forces"  # in all four Saraqib events but one
    assert "Russian armed forces" in html  # a backer of the government forces
    html = client.get(reverse("place_list")).content.decode()
    assert "Saraqib" in html and "National Front for Liberation" in html  # the holder now
    html = client.get(reverse("accord_list")).content.decode()
    assert "accords" in html
    html = client.get(reverse("article_list"), {"source": "Example News"}).content.decode()
    assert "Saraqib falls" in html and "<script>alert" not in html
    html = client.get(reverse("article_list"), {"source": "Nowhere Times"}).content.decode()
    assert "No outlet is known as" in html


def test_dashboard_figures_are_links_and_the_chart_spans_the_data(client, analyst, saraqib):
    client.force_login(analyst)
    html = client.get(reverse("home")).content.decode()
    for url in ("/events/", "/events/?type=control_change", "/places/", "/actors/",
                "/accords/", "/articles/", "/articles/?status=failed"):
        assert f'href="{url}"' in html, url
    # 2019-05 to 2020-02: one bar a week would hide 2019; weeks fit (under two years).
    assert "Data from 2019-05-01 to 2020-02-25" in html
    assert "/events/?date_from=2019-04-29" in html  # the week of HTS's capture is a link
    html = client.get(reverse("home"), {"start": "2020-02", "end": "2020-01"}).content.decode()
    assert 'id="end-error">The end month is before the start month.' in html
    html = client.get(reverse("home"), {"start": "2020-02", "end": "2020-02"}).content.decode()
    assert "date_from=2019" not in html and "date_from=2020-02-03" in html


def test_api_docs_in_the_navigation_and_styled_errors(client, analyst, outsider, saraqib):
    client.force_login(analyst)
    html = client.get(reverse("home")).content.decode()
    assert 'href="/api/docs/">API docs</a>' in html
    missing = client.get("/actors/no-such-actor/")
    assert missing.status_code == 404 and 'class="error-page"' in missing.content.decode()
    client.force_login(outsider)
    denied = client.get(reverse("event_list"))
    assert denied.status_code == 403 and "Not allowed" in denied.content.decode()
