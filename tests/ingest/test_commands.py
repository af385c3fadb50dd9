"""The ingest commands: --sync runs everything here; without a worker the job waits queued."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.choices import ArticleStatus, JobStatus
from events.models import Article, Feed, IngestJob

from .pages import ARTICLE_TEXT, article_html

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


def test_ingest_file_sync_stores_and_extracts_with_the_given_date(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("Town falls after three days\n\n" + ARTICLE_TEXT, encoding="utf-8")
    out = run("ingest_file", str(path), "--published", "2020-02-25", "--source", "Idlib Monitor",
              "--sync")
    article = Article.objects.get()
    assert article.status == ArticleStatus.DONE and article.published_at.year == 2020
    assert article.source.name == "Idlib Monitor"
    assert f"Article {article.pk} \"Town falls after three days\": Done" in out


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "This is a PNG image"),
    (b"", "empty"),
], ids=["binary", "empty"])
def test_ingest_file_refuses_bad_files_clearly(tmp_path, content, message):
    path = tmp_path / "upload.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=f"upload.txt was not ingested: .*{message}"):
        run("ingest_file", str(path), "--sync")
    assert Article.objects.count() == 0


def test_ingest_file_refuses_a_50_mb_file(tmp_path):
    path = tmp_path / "dump.txt"
    with path.open("wb") as handle:
        handle.write(ARTICLE_TEXT.encode() * (50 * 1024 * 1024 // len(ARTICLE_TEXT)))
    with pytest.raises(CommandError, match="larger than the limit"):
        run("ingest_file", str(path), "--sync")
    assert Article.objects.count() == 0


def test_ingest_file_rejects_a_bad_date(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE_TEXT)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("ingest_file", str(path), "--published", "25/02/2020")


def test_ingest_url_sync_and_a_failing_url(http_server, allow_local):
    url = http_server.add("/news/1", article_html())
    out = run("ingest_url", url, "--sync")
    assert "Done" in out and Article.objects.get().canonical_url == url
    with pytest.raises(CommandError, match="HTTP 404"):
        run("ingest_url", http_server.url("/nothing"), "--sync")


def test_without_a_worker_the_job_waits_in_the_queue(http_server, allow_local):
    out = run("ingest_url", http_server.add("/news/2", article_html()))
    assert "No Celery worker answered" in out and "--sync" in out
    assert IngestJob.objects.get().status == JobStatus.QUEUED


def test_ingest_feed_sync_polls_and_ingests_the_entries(http_server, allow_local):
    story = http_server.add("/s/1", article_html())
    http_server.add("/rss", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Monitor'
                    f"</title><item><title>Kafr Nabl</title><link>{story}</link></item>"
                    f"</channel></rss>", content_type="application/rss+xml")
    out = run("ingest_feed", http_server.url("/rss"), "--interval", "30", "--sync")
    feed = Feed.objects.get()
    assert feed.interval_minutes == 30 and feed.title == "Monitor"
    assert "1 entries, 1 new articles queued" in out and f"{story}: done" in out
    assert Article.objects.get(feed=feed).status == ArticleStatus.DONE


def test_load_demo_is_idempotent(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "saraqib-2020.txt").write_text("Headline\n\n" + ARTICLE_TEXT, encoding="utf-8")
    first = run("load_demo", "--corpus", str(corpus), "--sync")
    stored = Article.objects.count()
    assert stored == 4 and "4 new articles submitted" in first
    # the date comes from the sidecar mapping, non-English demo text is kept but skipped
    assert str(Article.objects.get(title="Headline").published_at.date()) == "2020-02-06"
    assert Article.objects.filter(status=ArticleStatus.SKIPPED, language="fr").count() == 1
    second = run("load_demo", "--corpus", str(corpus), "--sync")
    assert Article.objects.count() == stored and "0 new articles submitted" in second
    assert "already loaded" in second
