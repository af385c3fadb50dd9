"""Editor pages: the review queue, corrections through the services, history and revert."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from events import services
from events.choices import ActorRole, EventOrigin, EventType, ReviewStatus, RevisionVia
from events.models import Event, IngestJob, Place
from events.services import revisions_for

pytestmark = pytest.mark.django_db

EDITOR_URLS = ["review_queue", "article_submit", "feed_list"]


@pytest.mark.parametrize("name", EDITOR_URLS)
def test_outsiders_and_analysts_cannot_reach_editor_pages(client, outsider, analyst, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(analyst)
    assert client.get(reverse(name)).status_code == 403


def test_analyst_cannot_post_a_correction(client, analyst, saraqib):
    client.force_login(analyst)
    event = saraqib["capture"]
    response = client.post(reverse("event_review", args=[event.pk]), {"action": "verify"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.review_status == ReviewStatus.EXTRACTED


def test_queue_puts_control_changes_first_then_least_confident(client, editor, saraqib):
    client.force_login(editor)
    page = client.get(reverse("review_queue")).content.decode()
    capture = page.index(f'/review/{saraqib["capture"].pk}/')
    retake = page.index(f'/review/{saraqib["retake"].pk}/')
    siege = page.index(f'/review/{saraqib["siege"].pk}/')
    assert capture < retake < siege  # 0.55 before 0.80, control changes before the siege
    assert f'/review/{saraqib["hts_takes"].pk}/' not in page  # verified already


def test_review_page_shows_evidence_beside_the_form(client, editor, saraqib):
    client.force_login(editor)
    page = client.get(reverse("event_review", args=[saraqib["capture"].pk])).content.decode()
    assert '<mark class="evidence-sentence">' in page and 'id="correct-form"' in page
    assert "csrfmiddlewaretoken" in page and "Verify (v)" in page


def test_editor_verifies_and_moves_on(client, editor, saraqib):
    client.force_login(editor)
    response = client.post(reverse("event_review", args=[saraqib["capture"].pk]),
                           {"action": "verify"})
    assert response.status_code == 302
    assert response["Location"] == reverse("event_review", args=[saraqib["retake"].pk])
    saraqib["capture"].refresh_from_db()
    assert saraqib["capture"].review_status == ReviewStatus.VERIFIED


def _correct_form(event, **changes):
    data = {"action": "correct", "type": event.type, "date": event.date.isoformat(),
            "date_precision": event.date_precision, "end_date": "",
            "place": event.place_id or "", "location_precision": event.location_precision,
            "fatalities": "", "displaced": "", "summary": event.summary, "reason": ""}
    for i, ea in enumerate(event.event_actors.all()):
        data[f"actor_{i}"], data[f"role_{i}"] = ea.actor_id, ea.role
    for i, link in enumerate(event.event_accords.all()):
        data[f"accord_{i}"], data[f"relation_{i}"] = link.accord_id, link.relation
    data.update(changes)
    return data


def test_editor_corrects_the_place_and_history_shows_it(client, editor, saraqib):
    client.force_login(editor)
    event = saraqib["capture"]
    taftanaz = Place.objects.get(geonames_id=163799)  # Taftanāz, 15 km north
    response = client.post(reverse("event_review", args=[event.pk]),
                           _correct_form(event, place=taftanaz.pk, reason="wrong town"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.place == taftanaz and "place" in event.locked_fields
    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "eddie" in page and "wrong town" in page
    # Before -> after in words, names not ids.
    assert re.search(r"Place:</span> <del>Saraqib</del> → <ins>Taftanāz</ins>", page)
    assert "place_id" not in page and f"{taftanaz.pk}" not in re.sub(r'href="[^"]*"', "", page)


def test_wrong_correction_shows_messages_next_to_fields(client, editor, saraqib):
    client.force_login(editor)
    event = saraqib["capture"]
    response = client.post(reverse("event_review", args=[event.pk]),
                           _correct_form(event, date="next week", fatalities="-3"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="date-error"' in page and 'id="fatalities-error"' in page
    event.refresh_from_db()
    assert event.date == dt.date(2020, 2, 6)


def test_reject_needs_a_reason(client, editor, saraqib):
    client.force_login(editor)
    url = reverse("event_review", args=[saraqib["retake"].pk])
    assert client.post(url, {"action": "reject", "reject-reason": ""}).status_code == 400
    response = client.post(url, {"action": "reject", "reject-reason": "only an attempt"})
    assert response.status_code == 302
    saraqib["retake"].refresh_from_db()
    assert saraqib["retake"].review_status == ReviewStatus.REJECTED
    assert saraqib["retake"].reject_reason == "only an attempt"


def test_merge_and_split(client, editor, saraqib):
    client.force_login(editor)
    capture = saraqib["capture"]
    response = client.post(reverse("event_review", args=[capture.pk]),
                           {"action": "merge", "duplicates": f"{saraqib['retake'].pk}"})
    assert response.status_code == 302
    saraqib["retake"].refresh_from_db()
    assert saraqib["retake"].merged_into == capture
    bad = client.post(reverse("event_review", args=[capture.pk]),
                      {"action": "merge", "duplicates": "abc"})
    assert bad.status_code == 400 and "is not an event id" in bad.content.decode()
    evidence = capture.evidence.get()
    response = client.post(reverse("event_review", args=[capture.pk]),
                           {"action": "split", "evidence": [evidence.pk]})
    new = Event.objects.exclude(pk=capture.pk).get(evidence=evidence)
    assert response["Location"] == reverse("event_review", args=[new.pk])


def test_revert_from_the_event_history(client, editor, saraqib):
    client.force_login(editor)
    event = saraqib["capture"]
    client.post(reverse("event_review", args=[event.pk]),
                _correct_form(event, date="2020-02-07", reason="one day off"))
    event.refresh_from_db()
    assert event.date == dt.date(2020, 2, 7)
    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "Revert to this version" in page
    created = list(revisions_for(event))[-1]  # the pipeline's first version
    response = client.post(reverse("event_revert", args=[event.pk, created.pk]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.date == dt.date(2020, 2, 6)


def test_forms_are_csrf_protected(editor, saraqib):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("event_review", args=[saraqib["capture"].pk]),
                           {"action": "verify"})
    assert response.status_code == 403


def test_editor_submits_pasted_text_and_watches_the_job(client, editor):
    client.force_login(editor)
    bad = client.post(reverse("article_submit"), {"url": "", "text": ""})
    assert bad.status_code == 400 and "Give the article" in bad.content.decode()
    response = client.post(reverse("article_submit"), {
        "text": "Syrian government forces captured Saraqib on Thursday.",
        "title": "<b>Saraqib</b>", "published": "2020-02-06", "source_name": "Wire"})
    job = IngestJob.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Queued" in page and 'http-equiv="refresh"' in page
    assert "&lt;b&gt;Saraqib&lt;/b&gt;" in page


def test_editor_adds_a_feed_and_sees_its_errors(client, editor):
    from events.models import Feed

    client.force_login(editor)
    bad = client.post(reverse("feed_list"), {"url": "not a url", "interval_minutes": "1"})
    assert bad.status_code == 400
    assert 'id="url-error"' in bad.content.decode()
    assert 'id="interval_minutes-error"' in bad.content.decode()
    response = client.post(reverse("feed_list"), {"url": "https://example-news.org/rss",
                                                  "interval_minutes": "30"})
    assert response.status_code == 302
    feed = Feed.objects.get(url="https://example-news.org/rss")
    assert feed.interval_minutes == 30
    Feed.objects.filter(pk=feed.pk).update(last_error="HTTP 500 <b>boom</b>",
                                           consecutive_errors=2)
    page = client.get(reverse("feed_list")).content.decode()
    assert "HTTP 500 &lt;b&gt;boom&lt;/b&gt; (2 in a row)" in page


def test_editor_links_an_accord_the_event_violates(client, editor, saraqib):
    client.force_login(editor)
    event = saraqib["capture"]
    accord = saraqib["accord"]
    response = client.post(reverse("event_review", args=[event.pk]),
                           _correct_form(event, accord_0=accord.pk, relation_0="violates"))
    assert response.status_code == 302
    link = event.event_accords.get()
    assert (link.accord, link.relation) == (accord, "violates")
    page = client.get(reverse("accord_detail", args=[accord.slug])).content.decode()
    assert "Violates" in page and f"/events/{event.pk}/" in page


def _duplicate_of_capture(saraqib):
    """A second report of the government's capture, a day later, from another article."""
    return services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 2, 7),
                "place": saraqib["place"], "confidence": 0.5},
        actors=[(saraqib["sgf"], ActorRole.GAINS_CONTROL)], origin=EventOrigin.PIPELINE,
        via=RevisionVia.PIPELINE, pipeline_version="test-1")


def test_review_page_suggests_duplicates_and_merges_one(client, editor, saraqib):
    client.force_login(editor)
    capture = saraqib["capture"]
    again = _duplicate_of_capture(saraqib)
    html = client.get(reverse("event_review", args=[capture.pk])).content.decode()
    suggestions = html[html.index('id="duplicates"'):html.index("Merge other events by id")]
    # The retake (19 days later) and the siege (another type) are not suggested.
    assert f'/events/{again.pk}/' in suggestions
    assert f'/events/{saraqib["retake"].pk}/' not in suggestions
    assert "1 day apart · same place · 1 shared actor" in suggestions
    response = client.post(reverse("event_review", args=[capture.pk]),
                           {"action": "merge", "duplicates": str(again.pk)})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.merged_into_id == capture.pk and again.review_status == ReviewStatus.MERGED


def test_bulk_verify_and_reject_from_the_queue(client, editor, saraqib):
    client.force_login(editor)
    siege, retake, capture = saraqib["siege"], saraqib["retake"], saraqib["capture"]
    html = client.get(reverse("review_queue")).content.decode()
    assert f'name="event" value="{siege.pk}"' in html
    response = client.post(reverse("review_bulk"), {"action": "reject",
                                                    "event": [siege.pk, retake.pk]})
    assert response.status_code == 302
    siege.refresh_from_db()
    assert siege.review_status == ReviewStatus.EXTRACTED  # no reason: nothing rejected
    client.post(reverse("review_bulk"), {"action": "reject", "reason": "duplicated wire",
                                         "event": [siege.pk, retake.pk]})
    client.post(reverse("review_bulk"), {"action": "verify", "event": [capture.pk]})
    for event in (siege, retake, capture):
        event.refresh_from_db()
    assert (siege.review_status, retake.review_status, capture.review_status) == (
        ReviewStatus.REJECTED, ReviewStatus.REJECTED, ReviewStatus.VERIFIED)
    assert siege.reject_reason == "duplicated wire"
    html = client.get(reverse("review_queue"), follow=True).content.decode()
    assert "Nothing to review." in html
