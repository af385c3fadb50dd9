"""Test data for the pages: Saraqib changing hands, written through events.services."""

import datetime as dt

from events import services
from events.choices import ActorRole, EventOrigin, EventType, RevisionVia
from events.models import Accord, Actor, Article, Evidence, Place, Source

SARAQIB_GEONAMES_ID = 164816
ARTICLE_TEXT = (
    "Intro paragraph. Syrian government forces captured the town of Saraqib on Thursday, "
    "backed by Russian air strikes. About 170 thousand civilians fled the area."
)
EVIDENCE_SENTENCE = ("Syrian government forces captured the town of Saraqib on Thursday, "
                     "backed by Russian air strikes.")


def actor(slug: str) -> Actor:
    return Actor.objects.get(slug=slug)


def build_saraqib() -> dict:
    """Saraqib: HTS holds it, it is besieged, the government takes it, rebels retake it.

    Dates of change: 2019-05-01 (HTS), 2020-01-28 (siege), 2020-02-06 (government),
    2020-02-25 (rebels). The 2020-02-06 change is a pipeline extraction awaiting review,
    with evidence in an article whose title contains markup.
    """
    saraqib = Place.objects.get(geonames_id=SARAQIB_GEONAMES_ID)
    sgf, hts = actor("syrian-government-forces"), actor("hayat-tahrir-al-sham")
    rebels, russia = actor("national-front-for-liberation"), actor("russian-armed-forces")
    source, _ = Source.objects.get_or_create(domain="example-news.org",
                                             defaults={"name": "Example News"})
    article = Article.objects.create(
        url="https://example-news.org/saraqib", canonical_url="https://example-news.org/saraqib",
        title="<script>alert('x')</script> Saraqib falls", source=source, text=ARTICLE_TEXT,
        published_at=dt.datetime(2020, 2, 6, tzinfo=dt.UTC), status="done", language="en",
    )
    hts_takes = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2019, 5, 1), "place": saraqib,
                "confidence": 0.9, "review_status": "verified"},
        actors=[(hts, ActorRole.GAINS_CONTROL)], origin=EventOrigin.IMPORT, via=RevisionVia.IMPORT)
    siege = services.event_create(
        values={"type": EventType.SIEGE, "date": dt.date(2020, 1, 28), "place": saraqib,
                "confidence": 0.7},
        actors=[(sgf, ActorRole.INITIATOR)], origin=EventOrigin.PIPELINE,
        via=RevisionVia.PIPELINE, pipeline_version="test-1")
    capture = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 2, 6), "place": saraqib,
                "confidence": 0.55, "summary": "Government forces capture Saraqib."},
        actors=[(sgf, ActorRole.GAINS_CONTROL), (hts, ActorRole.LOSES_CONTROL),
                (russia, ActorRole.SUPPORTER)],
        origin=EventOrigin.PIPELINE, via=RevisionVia.PIPELINE, pipeline_version="test-1")
    start = ARTICLE_TEXT.index(EVIDENCE_SENTENCE)
    Evidence.objects.create(event=capture, article=article, sentence=EVIDENCE_SENTENCE,
                            start=start, end=start + len(EVIDENCE_SENTENCE),
                            extractor_version="test-1", confidence=0.55)
    services.control_log_refresh_sources(event_ids=[capture.pk])  # as the pipeline does
    retake = services.event_create(
        values={"type": EventType.CONTROL_CHANGE, "date": dt.date(2020, 2, 25), "place": saraqib,
                "confidence": 0.8},
        actors=[(rebels, ActorRole.GAINS_CONTROL), (sgf, ActorRole.LOSES_CONTROL)],
        origin=EventOrigin.PIPELINE, via=RevisionVia.PIPELINE, pipeline_version="test-1")
    accord = Accord.objects.filter(slug__icontains="sochi").order_by("signed_date").first()
    if accord is not None:
        accord.places.add(saraqib)
    return {"place": saraqib, "article": article, "hts_takes": hts_takes, "siege": siege,
            "capture": capture, "retake": retake, "sgf": sgf, "hts": hts, "rebels": rebels,
            "accord": accord}
