"""Analyst pages through the Django test client: what a reader sees, and who may see it."""

import re

import pytest
from django.urls import reverse

from events.models import Mention

pytestmark = pytest.mark.django_db


def test_home_shows_latest_change_chart_and_ingestion(client, analyst, saraqib):
    client.force_login(analyst)
    page = client.get(reverse("home")).content.decode()
    assert "Latest changes of control" in page
    assert "National Front for Liberation" in page  # the latest change, 2020-02-25
    assert '<svg class="chart" id="events-chart"' in page
    assert "Change of territorial control" in page
    assert "Ingestion" in page and "jobs queued" in page


def test_read_pages_need_the_analyst_role(client, outsider, saraqib):
    url = reverse("place_detail", args=[saraqib["place"].pk])
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_control_data_colours_saraqib_by_holder_on_each_date(client, analyst, saraqib):
    client.force_login(analyst)
    url = reverse("control_data")

    def holder(date):
        features = client.get(url, {"date": date}).json()["features"]
        [feature] = [f for f in features if f["properties"]["geonames_id"] == 164816]
        return feature["properties"]

    assert holder("2019-06-01")["actor"] == "Hayat Tahrir al-Sham"
    besieged = holder("2020-02-01")
    assert besieged["actor"] == "Hayat Tahrir al-Sham" and besieged["contested"] is True
    taken = holder("2020-02-10")
    assert taken["actor"] == "Syrian government forces" and taken["contested"] is False
    assert taken["since"] == "2020-02-06"
    assert holder("2020-03-01")["actor"] == "National Front for Liberation"
    assert holder("2019-06-01")["color"] != taken["color"]


def test_control_data_filters_and_bad_values(client, analyst, saraqib):
    client.force_login(analyst)
    url = reverse("control_data")
    by_rebels = client.get(url, {"date": "2020-02-10", "actor": saraqib["rebels"].pk}).json()
    assert by_rebels["features"] == []
    elsewhere = client.get(url, {"date": "2020-02-10", "country": "TR"}).json()
    assert elsewhere["features"] == []
    bad = client.get(url, {"date": "10/02/2020", "country": "Syria"})
    assert bad.status_code == 400
    assert "date" in bad.json()["errors"] and "country" in bad.json()["errors"]


def test_control_map_page_offers_dates_and_assets_without_cdn(client, analyst, saraqib):
    client.force_login(analyst)
    page = client.get(reverse("control_map")).content.decode()
    assert '"2020-02-06"' in page and 'id="slider"' in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    # Every script, style sheet and image comes from this server, none from a CDN (a
    # search for "cdn" in the page also met the random CSRF token now and then).
    assets = re.findall(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    bad = client.get(reverse("control_map"), {"country": "Syria"})
    assert bad.status_code == 200 and "two-letter ISO country code" in bad.content.decode()


def test_place_card_says_who_holds_it_since_when_and_why(client, analyst, saraqib):
    client.force_login(analyst)
    card = client.get(reverse("place_card", args=[saraqib["place"].pk]),
                      {"date": "2020-02-10"}).content.decode()
    assert "Syrian government forces" in card and "since 2020-02-06" in card
    assert "captured the town of Saraqib" in card and "Example News" in card


def test_place_page_timeline_events_nearby_accords(client, analyst, saraqib):
    client.force_login(analyst)
    page = client.get(reverse("place_detail", args=[saraqib["place"].pk])).content.decode()
    assert "Control timeline" in page and '<svg class="timeline"' in page
    assert page.count("class=\"contested\"") == 1  # the siege, drawn under HTS's period
    assert "2020-02-06" in page and "2020-02-25" in page
    assert "Nearby places" in page and "km</small>" in page
    if saraqib["accord"] is not None:
        assert saraqib["accord"].name in page


def test_actor_page_lists_places_gained_and_lost(client, analyst, saraqib):
    client.force_login(analyst)
    page = client.get(reverse("actor_detail", args=["syrian-government-forces"])).content.decode()
    assert "Places gained" in page and "Places lost" in page
    assert page.count("Saraqib</a>") >= 2  # gained on 02-06, lost on 02-25
    assert "Assad regime" in page or "SAA" in page  # aliases


def test_accord_page(client, analyst, saraqib):
    if saraqib["accord"] is None:
        pytest.fail("the registry should ship the Sochi memorandum")
    client.force_login(analyst)
    page = client.get(reverse("accord_detail", args=[saraqib["accord"].slug])).content.decode()
    assert saraqib["accord"].name in page and "Saraqib" in page


def test_events_list_filters_sorts_and_links_downloads(client, analyst, saraqib):
    client.force_login(analyst)
    url = reverse("event_list")
    page = client.get(url, {"type": "control_change", "sort": "date"}).content.decode()
    assert page.index("2019-05-01") < page.index("2020-02-06") < page.index("2020-02-25")
    assert "/api/v1/events/?type=control_change&amp;format=csv" in page
    assert "format=geojson" in page
    siege_only = client.get(url, {"type": "siege"}).content.decode()
    assert "Siege or encirclement" in siege_only and "2020-02-25" not in siege_only


def test_events_list_wrong_filter_shows_message_next_to_field(client, analyst, saraqib):
    client.force_login(analyst)
    response = client.get(reverse("event_list"), {"date_from": "yesterday", "bbox": "1,2,3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="date_from-error"' in page and 'id="bbox-error"' in page
    assert "Expected 4 comma-separated numbers" in page


def test_event_page_highlights_evidence_and_shows_history(client, analyst, saraqib):
    client.force_login(analyst)
    page = client.get(reverse("event_detail", args=[saraqib["capture"].pk])).content.decode()
    assert ('<mark class="evidence-sentence">Syrian government forces captured the town of '
            'Saraqib') in page
    assert "Russian armed forces</a> (supporter)" in page
    assert "confidence 0.55" in page
    assert "pipeline test-1" in page  # the history says who wrote it
    assert "Revert to this version" not in page  # analysts cannot revert


def test_article_title_markup_stays_text(client, analyst, saraqib):
    client.force_login(analyst)
    article = saraqib["article"]
    Mention.objects.create(article=article, kind="place", start=article.text.index("Saraqib"),
                           end=article.text.index("Saraqib") + 7, text="Saraqib",
                           place=saraqib["place"])
    page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Saraqib falls" in page
    assert f'href="/places/{saraqib["place"].pk}/"' in page and 'class="mark m-place"' in page
    # The evidence sentence is marked and holds the place's link; its event link follows it.
    capture = saraqib["capture"].pk
    assert re.search(r'<mark class="m-event">Syrian government forces captured the town of '
                     r'<a class="mark m-place" href="/places/\d+/"[^>]*>Saraqib</a> on '
                     r'Thursday, backed by Russian air strikes.</mark><a class="event-ref" '
                     rf'href="/events/{capture}/"', page)
    Mention.objects.filter(article=article).delete()
    page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert ('<mark class="m-event">Syrian government forces captured the town of Saraqib on '
            f'Thursday, backed by Russian air strikes.</mark><a class="event-ref" '
            f'href="/events/{capture}/"') in page
    assert "Done" in page


def test_search_finds_places_actors_accords_and_articles(client, analyst, saraqib):
    client.force_login(analyst)
    page = client.get(reverse("search"), {"q": "Saraqib"}).content.decode()
    assert f'href="/places/{saraqib["place"].pk}/"' in page
    assert "Saraqib falls" in page
    actors = client.get(reverse("search"), {"q": "Assad regime"}).content.decode()
    assert "Syrian government forces" in actors
    accords = client.get(reverse("search"), {"q": "Sochi"}).content.decode()
    assert "Sochi" in accords and "No accord." not in accords
