"""Work that always fails ends, failed with its reason; text PostgreSQL refuses is cleaned;
a huge feed is taken in committed batches, a capped number per poll."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from events.choices import ArticleStatus, JobStatus
from events.models import Article, Feed, IngestJob
from events.services.articles import (
    article_submit_file,
    article_submit_url,
    feed_submit,
    stale_work,
)
from events.services.feeds import feed_poll
from ingest.errors import TransientIngestError
from ingest.tasks import run_job

from .pages import ARTICLE_PARAGRAPHS
from .test_feeds import rss

pytestmark = pytest.mark.django_db

# More than the 8 KB the binary sniffer reads, then a NUL: the probe's document.
NUL_TEXT = ("\n\n".join(ARTICLE_PARAGRAPHS * 12) + "\n\nA NUL \x00 here.\n\n"
            + "\n\n".join(ARTICLE_PARAGRAPHS)).encode()


def test_a_plain_text_url_with_a_nul_byte_is_stored_clean(http_server, allow_local):
    assert NUL_TEXT.index(b"\x00") > 8192
    url = http_server.add("/nul.txt", NUL_TEXT, content_type="text/plain; charset=utf-8")
    job = article_submit_url(url=url, queue=False)
    article = run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert article.status == ArticleStatus.QUEUED
    assert "\x00" not in article.text and "A NUL  here." in article.text


def test_a_file_with_a_nul_byte_is_stored_clean(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(NUL_TEXT)
    job = article_submit_file(path=path, queue=False)
    assert job.status == JobStatus.QUEUED, job.message
    article = run_job(job.pk)
    assert article is not None and "\x00" not in article.text


def test_a_job_that_always_fails_ends_failed_with_its_reason(http_server, allow_local, settings,
                                                              client, editor):
    settings.INGEST_MAX_ATTEMPTS = 3
    url = http_server.add("/down", "down", status=503)
    job = article_submit_url(url=url, queue=False)
    for _ in range(2):
        with pytest.raises(TransientIngestError):
            run_job(job.pk, final_attempt=False)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and "503" in job.last_error
    run_job(job.pk, final_attempt=False)  # the last attempt, whatever the task thinks
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert "503" in job.message and job.last_error == job.message
    assert run_job(job.pk) is None and http_server.hits("/down") == 3
    settings.INGEST_REQUEUE_AFTER_SECONDS = 0
    assert str(job.pk) not in map(str, stale_work()[0])
    client.force_login(editor)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-attempts">3<' in page and "503" in page
    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["attempts"] == 3 and "503" in body["last_error"]


def test_work_whose_worker_keeps_dying_is_failed_not_requeued(settings, tmp_path):
    settings.INGEST_MAX_ATTEMPTS = 3
    path = tmp_path / "a.txt"
    path.write_text("\n\n".join(ARTICLE_PARAGRAPHS))
    job = article_submit_file(path=path, queue=False)
    article = run_job(job.pk)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PROCESSING, attempts=2,
                                                 claimed_at=long_ago)
    dying = IngestJob.objects.create(kind="url", url="https://example.org/x", attempts=3,
                                     status=JobStatus.RUNNING, claimed_at=long_ago)
    jobs, articles = stale_work()
    assert articles == [article.pk] and dying.pk not in jobs
    article.refresh_from_db()
    assert "worker stopped in the middle of attempt 2" in article.last_error
    dying.refresh_from_db()
    assert dying.status == JobStatus.FAILED
    assert dying.message.startswith("Gave up after 3 attempts: Its worker stopped")
    Article.objects.filter(pk=article.pk).update(attempts=3, claimed_at=long_ago)
    assert stale_work() == ([], [])
    article.refresh_from_db()
    assert article.status == ArticleStatus.FAILED and "Gave up" in article.status_message


def test_a_huge_feed_is_taken_a_capped_number_of_entries_per_poll(http_server, allow_local,
                                                                  settings):
    settings.FEED_MAX_NEW_ENTRIES, settings.FEED_BATCH_SIZE = 120, 50
    # bench/abuse.py polls 30,000 items; 3,000 show the same here in a few seconds.
    items = [(f"/item/{i}", f"Item {i}") for i in range(3000)]
    http_server.add("/big-feed", rss(http_server.base, items), content_type="application/rss+xml",
                    headers={"ETag": '"big"'})
    feed = Feed.objects.get(url=feed_submit(url=http_server.url("/big-feed"), queue=False).url)
    first = feed_poll(feed=feed, queue=False)
    assert (first.entries, len(first.jobs), first.capped) == (3000, 120, True)
    feed.refresh_from_db()
    # The rest are due at once, fetched in full (no conditional GET).
    assert feed.last_status == "more" and feed.etag == "" and feed.next_poll_at <= timezone.now()
    assert feed.entries_seen == 120
    second = feed_poll(feed=feed, queue=False)
    assert len(second.jobs) == 120
    urls = set(IngestJob.objects.filter(options__feed_id=feed.pk, kind="url")
               .values_list("url", flat=True))
    assert len(urls) == 240 and http_server.url("/item/239") in urls


def test_a_feed_entry_no_job_can_hold_is_skipped_not_fatal(http_server, allow_local):
    items = [("/ok/1", "Fine"), ("/long/" + "x" * 2100, "Too long a link"), ("/ok/2", "Fine")]
    http_server.add("/odd-feed", rss(http_server.base, items), content_type="application/rss+xml")
    feed = Feed.objects.get(url=feed_submit(url=http_server.url("/odd-feed"), queue=False).url)
    result = feed_poll(feed=feed, queue=False)
    assert result.error == "" and len(result.jobs) == 2
    feed.refresh_from_db()
    assert feed.last_status == "ok" and feed.last_error == ""


@pytest.mark.django_db(transaction=True)
def test_a_running_claim_is_kept_alive_and_never_taken_as_lost(settings, tmp_path):
    """The heartbeat renews the claim while the work runs; when it stops, the claim ages."""
    from ingest.tasks import heartbeat

    settings.INGEST_HEARTBEAT_SECONDS, settings.INGEST_ARTICLE_STALE_SECONDS = 0.2, 1
    path = tmp_path / "a.txt"
    path.write_text("\n\n".join(ARTICLE_PARAGRAPHS))
    article = run_job(article_submit_file(path=path, queue=False).pk)
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PROCESSING, attempts=1,
                                                 claimed_at=timezone.now())
    with heartbeat(Article, article.pk, ArticleStatus.PROCESSING):
        for _ in range(3):  # three times the stale age, working
            time.sleep(1)
            assert article.pk not in stale_work()[1]
    time.sleep(1.2)
    assert stale_work()[1] == [article.pk]  # silent: its worker is gone
