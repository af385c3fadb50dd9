"""``manage.py reextract``: articles an older pipeline extracted are read again, and what
editors did to their events stays."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events import services
from events.choices import ArticleStatus, EventType, ReviewStatus
from events.models import Article, Event, Place
from events.services.extraction import article_extraction_save
from ingest.extraction import pipeline_version
from ingest.nlp.types import DocumentResult, EventPlace, ExtractedEvent
from ingest.nlp.types import Evidence as Span

from .pages import ARTICLE_PARAGRAPHS, ARTICLE_TEXT

pytestmark = pytest.mark.django_db
OLD = "0.0.1-old"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def events_of(article):
    return {(e.type, e.place.name if e.place else None)
            for e in Event.objects.filter(evidence__article=article).select_related("place")}


def old_event(article, type_, place, paragraph):
    start = article.text.index(ARTICLE_PARAGRAPHS[paragraph])
    sentence = ARTICLE_PARAGRAPHS[paragraph].split(". ")[0]
    return ExtractedEvent(
        type=type_, date="2020-02-25", date_precision="day",
        place=EventPlace(geonames_id=place.geonames_id, name=place.name,
                         lat=place.point.y, lon=place.point.x),
        actors=[], evidence=Span(text=sentence, start=start, end=start + len(sentence)),
        confidence=0.8)


@pytest.fixture
def outdated(tmp_path):
    """The test article as the current pipeline reads it, then as an older one had saved
    it: a capture put in the wrong town, and shelling that an editor has verified."""
    path = tmp_path / "report.txt"
    path.write_text("Town falls after three days\n\n" + ARTICLE_TEXT, encoding="utf-8")
    run("ingest_file", str(path), "--published", "2020-02-27", "--sync")
    article = Article.objects.get()
    current = events_of(article)
    wrong_town = Place.objects.filter(name="Aleppo", kind="populated_place").first()
    market = Place.objects.filter(name="Latakia", kind="populated_place").first()
    article_extraction_save(article=article, pipeline_version=OLD, result=DocumentResult(
        id=str(article.pk), language="en", version=OLD, events=[
            old_event(article, EventType.CONTROL_CHANGE, wrong_town, 0),
            old_event(article, EventType.SHELLING, market, 3)]))
    shelling = Event.objects.get(type=EventType.SHELLING, place=market)
    services.event_verify(event=shelling, reason="checked with the local council")
    article.refresh_from_db()
    assert article.pipeline_version == OLD and (EventType.CONTROL_CHANGE, "Aleppo") in \
        events_of(article)
    return article, current, shelling


def test_outdated_articles_are_read_again_and_editors_work_is_kept(outdated):
    article, current, shelling = outdated
    out = run("reextract", "--outdated", "--sync")
    assert f"1 articles queued for extraction by pipeline {pipeline_version()}" in out
    assert "Extracted again: 1 done, 0 failed" in out
    article.refresh_from_db()
    assert article.status == ArticleStatus.DONE
    assert article.pipeline_version == pipeline_version() and article.attempts == 1
    # The machine's wrong capture is gone; the current reading is back.
    assert not Event.objects.filter(type=EventType.CONTROL_CHANGE, place__name="Aleppo").exists()
    assert current <= events_of(article)
    assert (EventType.CONTROL_CHANGE, "Kafranbel") in current  # GeoNames' spelling
    # The verified event is untouched, verified and with its values.
    kept = Event.objects.get(pk=shelling.pk)
    assert kept.review_status == ReviewStatus.VERIFIED
    assert (kept.type, kept.place_id, kept.date) == (shelling.type, shelling.place_id,
                                                      shelling.date)
    # Now nothing is outdated.
    assert "No article to extract again: every finished article is from pipeline" in \
        run("reextract", "--outdated", "--sync")


def test_without_a_worker_the_articles_wait_in_the_queue(outdated):
    article = outdated[0]
    out = run("reextract", str(article.pk))
    assert "No Celery worker answered" in out and "--sync" in out
    article.refresh_from_db()
    assert article.status == ArticleStatus.QUEUED and article.attempts == 0
    assert article.status_message == f"Queued for extraction by pipeline {pipeline_version()}."
    # Queued already: asking again queues nothing twice.
    assert "No article to extract again." in run("reextract", str(article.pk))


def test_a_wrong_selection_is_refused_clearly(outdated):
    article = outdated[0]
    with pytest.raises(CommandError, match="Say which articles"):
        run("reextract")
    with pytest.raises(CommandError, match="Say which articles"):
        run("reextract", str(article.pk), "--all")
    with pytest.raises(CommandError, match="No article with id 999999"):
        run("reextract", str(article.pk), "999999")


# Written for the typology test: a capture, shelling with its toll, a clash, and a total
# over a period (a figure, not an event).
TYPOLOGY_PARAGRAPHS = [
    "Government forces captured the town of Kafr Nabl in southern Idlib on Tuesday after "
    "three days of fighting with opposition groups, a monitoring group said.",
    "Residents said artillery fire had hit the market in Maarat al-Numan on Monday, killing "
    "four civilians.",
    "Rebels clashed with government troops near Saraqib on Monday night.",
    "The United Nations said more than 95,000 people have fled their homes in Idlib province "
    "since the start of December.",
]


def test_reextraction_to_the_typology_keeps_editors_work_and_adds_figures(tmp_path):
    """Articles an older pipeline read (no sub-types, no figures) are converted by
    ``reextract --outdated``: what an editor corrected or verified stays as they left it,
    the machine's events are read again with their ACLED sub-types, figures appear."""
    path = tmp_path / "typology.txt"
    path.write_text("Kafr Nabl falls\n\n" + "\n\n".join(TYPOLOGY_PARAGRAPHS), encoding="utf-8")
    run("ingest_file", str(path), "--published", "2020-02-27", "--sync")
    article = Article.objects.get()

    def old(type_, place, paragraph):
        start = article.text.index(TYPOLOGY_PARAGRAPHS[paragraph])
        sentence = TYPOLOGY_PARAGRAPHS[paragraph]
        return ExtractedEvent(
            type=type_, date="2020-02-24", date_precision="day",
            place=EventPlace(geonames_id=place.geonames_id, name=place.name,
                             lat=place.point.y, lon=place.point.x),
            actors=[], evidence=Span(text=sentence, start=start, end=start + len(sentence)),
            confidence=0.7)

    def town(name):
        return Place.objects.filter(name=name, kind="populated_place").order_by(
            "-population").first()

    saraqib, taftanaz = town("Saraqib"), Place.objects.get(geonames_id=163799)
    article_extraction_save(article=article, pipeline_version=OLD, result=DocumentResult(
        id=str(article.pk), language="en", version=OLD, events=[
            old(EventType.CONTROL_CHANGE, town("Aleppo"), 0),
            old(EventType.SHELLING, town("Latakia"), 1),
            old(EventType.BATTLE, saraqib, 2)]))
    assert not article.figures.exists()
    shelling = Event.objects.get(type=EventType.SHELLING)
    clash = Event.objects.get(type=EventType.BATTLE, place=saraqib)
    services.event_verify(event=shelling, reason="checked with the local council")
    services.event_correct(event=clash, changes={"place": taftanaz}, reason="the next town")
    machine = Event.objects.get(type=EventType.CONTROL_CHANGE)
    assert machine.place.name == "Aleppo"

    out = run("reextract", "--outdated", "--sync")
    assert "Extracted again: 1 done, 0 failed" in out
    article.refresh_from_db()
    assert article.pipeline_version == pipeline_version()
    # The editor's correction and verification stay as they were left.
    clash.refresh_from_db()
    assert clash.place == taftanaz and "place" in clash.locked_fields
    kept = Event.objects.get(pk=shelling.pk)
    assert (kept.review_status, kept.place.name) == (ReviewStatus.VERIFIED, "Latakia")
    # The machine's capture was read again: the right town and ACLED's sub-type.
    machine.refresh_from_db()
    assert machine.place.name == "Kafranbel"
    assert (machine.event_type, machine.sub_event_type) == ("battles",
                                                            "government_regains_territory")
    assert not Event.objects.filter(type__in=["casualties", "displacement"]).exists()
    # The total over a period is a figure of the article, not an event.
    figures = list(article.figures.values_list("kind", "count", "place__name"))
    assert figures == [("displaced", 95_000, "Idlib")]
