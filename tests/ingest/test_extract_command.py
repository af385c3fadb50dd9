"""The NLP end to end on a small text of our own: ``manage.py extract`` and ``article_extract``.

These run the real spaCy model and the extractor built from the test database's
gazetteer and registry.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from events.choices import ActorRole, ArticleOrigin, ArticleStatus, EventType
from events.models import Actor, Article, Event, Evidence, Mention
from events.services.extraction import article_extract
from ingest.extraction import pipeline_version, reset_extractor

SARAQIB = 164816
TEXT = ("Syrian government forces captured the town of Saraqib in Idlib province on Wednesday, "
        "a monitoring group said.\n\nResidents said the fighting had forced thousands of "
        "families to leave their homes.\n")
PLACE_KEYS = {"text", "start", "end", "geonames_id", "name", "country_code", "lat", "lon"}
ACTOR_KEYS = {"text", "start", "end", "name", "acled"}
ACCORD_KEYS = {"text", "start", "end", "name", "date"}
EVENT_KEYS = {"type", "date", "date_precision", "place", "actors", "fatalities", "displaced",
              "confidence", "evidence", "event_type", "sub_event_type", "background",
              "injured", "more_evidence"}


@pytest.fixture(scope="module", autouse=True)
def fresh_extractor():
    # Built from this test database's gazetteer and registry, once for the module.
    reset_extractor()
    yield
    reset_extractor()


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    failure = None
    try:
        call_command("extract", *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        failure = exc
    documents = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return documents, err.getvalue(), failure


def capture_at_saraqib(document):
    return [e for e in document["events"]
            if e["type"] == EventType.CONTROL_CHANGE and e["place"]
            and e["place"]["geonames_id"] == SARAQIB]


def test_extract_prints_the_json_contract_and_writes_nothing(db, tmp_path):
    path = tmp_path / "capture.txt"
    path.write_text(TEXT, encoding="utf-8")
    before = (Event.objects.count(), Mention.objects.count(), Article.objects.count(),
              Actor.objects.count())

    documents, err, failure = run(str(path), published="2020-02-06")

    assert failure is None and err == ""
    [doc] = documents
    assert set(doc) == {"id", "places", "actors", "accords", "events", "figures"}
    assert doc["id"] == str(path)
    for place in doc["places"]:
        assert set(place) == PLACE_KEYS and TEXT[place["start"]:place["end"]] == place["text"]
    for actor in doc["actors"]:
        assert set(actor) == ACTOR_KEYS and TEXT[actor["start"]:actor["end"]] == actor["text"]
    for accord in doc["accords"]:
        assert set(accord) == ACCORD_KEYS
    assert SARAQIB in {p["geonames_id"] for p in doc["places"]}
    assert {"name": "Syrian government forces", "acled": "Military Forces of Syria (2000-)"} \
        in [{"name": a["name"], "acled": a["acled"]} for a in doc["actors"]]

    [capture] = capture_at_saraqib(doc)
    assert set(capture) == EVENT_KEYS
    assert set(capture["place"]) == {"geonames_id", "name", "lat", "lon"}
    assert capture["date"] == "2020-02-05"  # the Wednesday before Thursday 6 February
    assert {"name": "Syrian government forces", "acled": "Military Forces of Syria (2000-)",
            "role": ActorRole.GAINS_CONTROL} in capture["actors"]
    assert set(capture["evidence"]) == {"text", "start", "end"}
    evidence = capture["evidence"]
    assert TEXT[evidence["start"]:evidence["end"]] == evidence["text"]
    assert 0 < capture["confidence"] <= 1
    # ACLED's coding: state forces taking a town back; news, not history.
    assert (capture["event_type"], capture["sub_event_type"]) == (
        "Battles", "Government regains territory")
    assert capture["background"] is False

    assert before == (Event.objects.count(), Mention.objects.count(), Article.objects.count(),
                      Actor.objects.count())


def test_jsonl_bad_lines_are_reported_with_their_numbers_and_the_rest_processed(db, tmp_path):
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "good", "text": TEXT, "published": "2020-02-06"}),
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "bad-date", "text": TEXT, "published": "06/02/2020"}),
        "",
        json.dumps({"id": "second", "text": "Nothing happened here.", "published": None}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    documents, err, failure = run("--jsonl", str(path))

    assert [d["id"] for d in documents] == ["good", "second"]
    assert capture_at_saraqib(documents[0])
    assert documents[1]["events"] == []
    messages = err.strip().splitlines()
    assert messages[0].startswith(f"{path}: line 2: not valid JSON")
    assert messages[1] == f'{path}: line 3: "text" is missing or not a string'
    assert messages[2].startswith(f"{path}: line 4: \"published\" '06/02/2020' is not a date")
    assert "3 document(s) could not be read" in str(failure)


def test_a_missing_file_is_reported_and_the_others_still_extracted(db, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    missing = tmp_path / "missing.txt"

    documents, err, failure = run(str(missing), str(good), published="2020-02-06")

    assert [d["id"] for d in documents] == [str(good)]
    assert err.strip() == f"{missing}: no such file"
    assert failure is not None


def test_article_extract_saves_the_capture_with_its_evidence(db):
    article = Article.objects.create(
        title="Saraqib", text=TEXT, origin=ArticleOrigin.TEXT, language="en",
        published_at=dt.datetime(2020, 2, 6, 8, tzinfo=dt.UTC), status=ArticleStatus.PROCESSING)

    summary = article_extract(article=article)

    event = Event.objects.get(type=EventType.CONTROL_CHANGE, place__geonames_id=SARAQIB)
    assert event.pk in summary.events_created
    assert event.date == dt.date(2020, 2, 5)
    assert event.event_actors.filter(role=ActorRole.GAINS_CONTROL,
                                     actor__name="Syrian government forces").exists()
    evidence = Evidence.objects.get(event=event)
    assert evidence.article == article and TEXT[evidence.start:evidence.end] == evidence.sentence
    assert event.control_flips.get().actor.name == "Syrian government forces"
    article.refresh_from_db()
    assert article.status == ArticleStatus.DONE
    assert article.pipeline_version == pipeline_version()
    assert Mention.objects.filter(article=article, place__geonames_id=SARAQIB).exists()

    # Extracting the same article again changes nothing.
    events = Event.objects.count()
    again = article_extract(article=article)
    assert not again.events_created and Event.objects.count() == events
    assert Evidence.objects.filter(event=event).count() == 1
