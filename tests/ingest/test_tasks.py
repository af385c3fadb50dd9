"""Jobs and articles through the task bodies (in-process): storing, duplicates, bad input,
claims, stale work. The real worker is in test_worker.py."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.postgres.search import SearchQuery
from django.utils import timezone

from events.choices import ArticleOrigin, ArticleStatus, DuplicateKind, JobStatus
from events.models import Article, Evidence, IngestJob
from events.services.articles import (
    article_claim,
    article_submit_file,
    article_submit_text,
    article_submit_url,
    stale_work,
)
from ingest.errors import TransientIngestError
from ingest.tasks import run_article, run_job

from .pages import ARTICLE_PARAGRAPHS, ARTICLE_TEXT, EMPTY_HTML, FRENCH_TEXT, article_html

pytestmark = pytest.mark.django_db
# ../shared beside the checkout (a worktree may sit one directory deeper).
CORPUS = next((p / "shared" / "corpus" / "saraqib-2020.txt"
               for p in Path(__file__).resolve().parents[2:]
               if (p / "shared" / "corpus").is_dir()),
              Path(__file__).resolve().parents[3] / "shared" / "corpus" / "saraqib-2020.txt")


def _ingest_url(url):
    job = article_submit_url(url=url, queue=False)
    article = run_job(job.pk)
    job.refresh_from_db()
    return job, article


def test_a_url_becomes_a_searchable_queued_article(http_server, allow_local):
    url = http_server.add("/news/kafr-nabl", article_html()) + "?utm_source=rss"
    job, article = _ingest_url(url)
    assert job.status == JobStatus.DONE and job.article == article
    assert "extraction queued" in job.message
    article.refresh_from_db()
    assert article.status == ArticleStatus.QUEUED and article.origin == ArticleOrigin.URL
    assert article.title == "Government forces capture Kafr Nabl"
    assert article.published_at.date() == dt.date(2020, 2, 25)
    assert article.canonical_url == http_server.url("/news/kafr-nabl")
    assert article.source.domain == "127.0.0.1" and article.language == "en"
    assert Article.objects.filter(search_vector=SearchQuery("encircled", config="english")) \
        .get() == article


def test_the_same_url_twice_gives_the_same_article(http_server, allow_local):
    url = http_server.add("/news/a", article_html())
    _, first = _ingest_url(url)
    job, second = _ingest_url(url + "#comments")
    assert second.pk == first.pk and Article.objects.count() == 1
    assert job.status == JobStatus.DONE and "Already ingested" in job.message
    assert http_server.hits("/news/a") == 1  # not even fetched again


def test_a_syndicated_copy_is_linked_and_not_extracted(http_server, allow_local):
    _, original = _ingest_url(http_server.add("/wire/1", article_html()))
    copy_html = article_html(title="Syrian troops seize Kafr Nabl",
                             paragraphs=["KAFR NABL (Wire) -"] + ARTICLE_PARAGRAPHS)
    job, copy = _ingest_url(http_server.add("/other-outlet/2", copy_html))
    assert copy.pk != original.pk
    assert copy.status == ArticleStatus.DUPLICATE and copy.duplicate_of == original
    assert copy.duplicate_kind == DuplicateKind.NEAR
    assert f"syndicated copy of article {original.pk}" in job.message
    assert run_article(copy.pk) is None  # the claim refuses it: nothing is extracted twice


def test_the_same_text_pasted_again_is_an_exact_duplicate():
    first = run_job(article_submit_text(text=ARTICLE_TEXT, queue=False).pk)
    second = run_job(article_submit_text(text=ARTICLE_TEXT.upper(), queue=False).pk)
    assert second.status == ArticleStatus.DUPLICATE and second.duplicate_of == first
    assert second.duplicate_kind == DuplicateKind.EXACT


def test_a_non_english_article_is_stored_and_skipped():
    job = article_submit_text(text=FRENCH_TEXT, title="Kafr Nabl", queue=False)
    article = run_job(job.pk)
    job.refresh_from_db()
    assert article.status == ArticleStatus.SKIPPED and article.language == "fr"
    assert "not English" in article.status_message and job.status == JobStatus.DONE
    assert run_article(article.pk) is None
    assert Evidence.objects.filter(article=article).count() == 0


@pytest.mark.parametrize("route, body, content_type, message", [
    ("/video", EMPTY_HTML, "text/html", "no article text"),
    ("/doc.pdf", b"%PDF-1.5\n" + b"\x00\x01" * 500, "application/octet-stream", "PDF document"),
    ("/missing", "nope", "text/plain", "HTTP 404"),
], ids=["no-text", "binary", "not-found"])
def test_bad_pages_fail_the_job_with_a_reason_and_store_nothing(
        http_server, allow_local, route, body, content_type, message):
    status = 404 if route == "/missing" else 200
    job, article = _ingest_url(http_server.add(route, body, content_type, status=status))
    assert article is None and job.status == JobStatus.FAILED
    assert message in job.message
    assert Article.objects.count() == 0


def test_a_private_address_fails_the_job(settings):
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = []
    job, article = _ingest_url("http://127.0.0.1:9/admin")
    assert job.status == JobStatus.FAILED and "private, loopback" in job.message


def test_a_timeout_is_retried_then_fails_with_a_message(http_server, allow_local, settings):
    import threading

    settings.FETCH_TIMEOUT_SECONDS = 1
    release = threading.Event()
    http_server.routes["/slow"] = lambda h: (release.wait(4), (200, {}, b""))[1]
    job = article_submit_url(url=http_server.url("/slow"), queue=False)
    with pytest.raises(TransientIngestError):
        run_job(job.pk, final_attempt=False)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.message.startswith("Will retry:")
    assert run_job(job.pk, final_attempt=True) is None
    release.set()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "did not answer within 1 seconds" in job.message
    assert job.attempts == 2 and Article.objects.count() == 0


def test_a_binary_or_huge_file_is_refused_at_submission(tmp_path, settings):
    settings.FETCH_MAX_BYTES = 1024 * 1024
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 100)
    big = tmp_path / "dump.txt"
    with big.open("wb") as handle:  # 50 MB of text, sparse on disk
        handle.truncate(50 * 1024 * 1024)
    for path, message in ((pdf, "PDF document"), (big, "larger than the limit")):
        job = article_submit_file(path=path, queue=False)
        assert job.status == JobStatus.FAILED and message in job.message
    assert Article.objects.count() == 0


def test_an_html_file_keeps_its_metadata_and_a_given_date(tmp_path):
    page = tmp_path / "story.html"
    page.write_text(article_html(date="2020-02-20"), encoding="utf-8")
    job = article_submit_file(path=page, published="2020-02-26", source_name="Idlib Monitor",
                              queue=False)
    article = run_job(job.pk)
    assert article.origin == ArticleOrigin.FILE and article.title.startswith("Government forces")
    assert article.published_at.date() == dt.date(2020, 2, 26)  # the option wins
    assert article.source.name == "Idlib Monitor" and "<p>" not in article.text


def test_an_article_is_claimed_once_and_again_only_when_its_claim_is_stale():
    article = run_job(article_submit_text(text=ARTICLE_TEXT, queue=False).pk)
    first = article_claim(article_id=article.pk)
    assert first.status == ArticleStatus.PROCESSING and first.attempts == 1
    assert article_claim(article_id=article.pk) is None  # a second delivery does nothing
    Article.objects.filter(pk=article.pk).update(
        claimed_at=timezone.now() - dt.timedelta(hours=2))
    again = article_claim(article_id=article.pk)
    assert again is not None and again.attempts == 2


def test_stale_work_finds_lost_jobs_and_abandoned_articles(settings):
    settings.INGEST_MAX_ATTEMPTS = 3
    old = timezone.now() - dt.timedelta(hours=3)
    lost = article_submit_text(text=ARTICLE_TEXT, queue=False)
    IngestJob.objects.filter(pk=lost.pk).update(updated_at=old)
    fresh = article_submit_text(text=FRENCH_TEXT, queue=False)
    abandoned = run_job(article_submit_text(text=ARTICLE_TEXT + " More.", queue=False).pk)
    Article.objects.filter(pk=abandoned.pk).update(status=ArticleStatus.PROCESSING,
                                                    claimed_at=old, attempts=1)
    hopeless = run_job(article_submit_text(text="Another story. " + ARTICLE_TEXT[::-1],
                                           queue=False).pk)
    Article.objects.filter(pk=hopeless.pk).update(status=ArticleStatus.PROCESSING,
                                                   claimed_at=old, attempts=3)
    job_ids, article_ids = stale_work()
    assert lost.pk in job_ids and fresh.pk not in job_ids
    assert article_ids == [abandoned.pk]
    hopeless.refresh_from_db()
    assert hopeless.status == ArticleStatus.FAILED and "Gave up after 3" in hopeless.status_message


def test_end_to_end_in_process_the_article_is_extracted():
    job = article_submit_file(path=CORPUS, published="2020-02-06", queue=False)
    article = run_job(job.pk)
    assert article.title.startswith("Syrian and Russian forces")
    done = run_article(article.pk)
    assert done.status == ArticleStatus.DONE, done.status_message
    assert done.attempts == 1 and done.processed_at is not None
    assert Evidence.objects.filter(article=done).exists()
