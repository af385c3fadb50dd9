"""A real Celery worker against Redis and the test database: end to end, a lost message,
and a worker killed in the middle of an article.

The worker is a subprocess in its own process group, started with the test database's
URL; rows are committed (transactional tests) so that it sees them.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db.models import Count
from django.utils import timezone

from events.choices import ArticleStatus, JobStatus
from events.models import Article, Evidence, IngestJob, Mention
from events.services.articles import article_submit_text, article_submit_url
from ingest.tasks import requeue_stale
from tests import workers
from tests.workers import CELERY, QUEUE_KEYS, ROOT, wait_for, worker_env

from .pages import ARTICLE_PARAGRAPHS, OTHER_PARAGRAPHS, article_html

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class Worker(workers.Worker):
    """A worker whose claims older than 2 s count as abandoned (so a test need not wait
    minutes), or with the product's timings."""

    def __init__(self, log_path: Path, *, product_timings: bool = False):
        super().__init__(log_path, env={} if product_timings else {
            "INGEST_ARTICLE_STALE_SECONDS": "2", "INGEST_JOB_STALE_SECONDS": "2",
            "INGEST_HEARTBEAT_SECONDS": "1"})


@pytest.fixture
def broker():
    """An empty queue on the tests' Redis database (leftovers of killed workers removed)."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(*QUEUE_KEYS)
    yield client
    client.delete(*QUEUE_KEYS)


@pytest.fixture
def start_worker(tmp_path, broker):
    workers = []

    def start(**options) -> Worker:
        workers.append(Worker(tmp_path / f"worker-{len(workers)}.log", **options))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def beat(tmp_path, broker):
    """`celery beat` with the product's schedule (requeue_stale every minute)."""
    log = (tmp_path / "beat.log").open("w")
    proc = subprocess.Popen(
        [str(CELERY), "-A", "conflictkb", "beat", "-l", "info",
         "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", ""],
        cwd=ROOT, env=worker_env(), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    yield proc
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    log.close()


def test_a_url_goes_through_the_worker_even_when_its_message_was_lost(
        http_server, allow_local, broker, start_worker, settings):
    url = http_server.add("/news/kafr-nabl", article_html())
    job = article_submit_url(url=url)
    # Redis loses the message (an outage, a flush): the job row is what counts.
    broker.delete("celery")
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    settings.INGEST_REQUEUE_AFTER_SECONDS = 0
    time.sleep(0.01)
    assert requeue_stale() == (1, 0)

    start_worker()
    wait_for(lambda: IngestJob.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(),
             timeout=60, what="the job")
    job.refresh_from_db()
    article = wait_for(lambda: Article.objects.filter(
        pk=job.article_id).exclude(status__in=[ArticleStatus.QUEUED, ArticleStatus.PROCESSING])
        .first(), timeout=240, what="the extraction")
    assert article.title == "Government forces capture Kafr Nabl"
    assert article.status == ArticleStatus.DONE, article.status_message
    assert article.attempts == 1 and article.pipeline_version


def test_a_worker_killed_mid_article_leaves_nothing_half_written_and_it_is_redone_once(
        start_worker, settings):
    settings.INGEST_ARTICLE_STALE_SECONDS = 2
    # A long article keeps the worker busy long enough to be killed in the middle.
    text = "\n\n".join((ARTICLE_PARAGRAPHS + OTHER_PARAGRAPHS) * 25)
    job = article_submit_text(text=text, title="A long day in Idlib", published="2020-02-25")
    first = start_worker()
    article = wait_for(lambda: Article.objects.filter(jobs=job, status=ArticleStatus.PROCESSING)
                       .first(), timeout=60, what="the worker to claim the article", interval=0.02)
    first.kill()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PROCESSING and article.attempts == 1
    assert not Mention.objects.filter(article=article).exists()  # no half-written results
    assert not Evidence.objects.filter(article=article).exists()

    time.sleep(2.2)  # the claim is now older than the stale threshold
    assert requeue_stale() == (0, 1)
    start_worker()
    wait_for(lambda: Article.objects.filter(pk=article.pk).exclude(
        status__in=[ArticleStatus.QUEUED, ArticleStatus.PROCESSING]).exists(),
        timeout=300, what="the second worker to finish the article", interval=0.2)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DONE, article.status_message
    assert article.attempts == 2
    # one set of results: no mention or evidence row was written twice
    mentions = Mention.objects.filter(article=article)
    assert mentions.exists()
    assert not mentions.values("kind", "start", "end", "event", "place", "actor", "accord") \
        .annotate(n=Count("id")).filter(n__gt=1)
    evidence = Evidence.objects.filter(article=article)
    assert not evidence.values("event", "start", "end").annotate(n=Count("id")).filter(n__gt=1)
    assert article.processed_at > timezone.now() - dt.timedelta(minutes=10)


def test_a_killed_worker_s_article_is_done_within_three_minutes_exactly_once(
        start_worker, beat):
    """With the product's timings (heartbeat 15 s, stale after 60 s, beat's requeue_stale
    every minute) and no help from the test: the next worker finishes it."""
    text = "\n\n".join((ARTICLE_PARAGRAPHS + OTHER_PARAGRAPHS) * 8)
    job = article_submit_text(text=text, title="Another long day", published="2020-02-26")
    first = start_worker(product_timings=True)
    article = wait_for(lambda: Article.objects.filter(jobs=job, status=ArticleStatus.PROCESSING)
                       .first(), timeout=120, what="the worker to claim the article",
                       interval=0.02)
    first.kill()
    killed_at = time.monotonic()
    start_worker(product_timings=True)
    wait_for(lambda: Article.objects.filter(pk=article.pk, status=ArticleStatus.DONE).exists(),
             timeout=180 - (time.monotonic() - killed_at), what="the article to be done",
             interval=0.5)
    article.refresh_from_db()
    assert article.attempts == 2
    assert "worker stopped in the middle of attempt 1" in article.last_error
    mentions = Mention.objects.filter(article=article)
    assert mentions.exists()
    assert not mentions.values("kind", "start", "end", "event", "place", "actor", "accord") \
        .annotate(n=Count("id")).filter(n__gt=1)
    evidence = Evidence.objects.filter(article=article)
    assert not evidence.values("event", "start", "end").annotate(n=Count("id")).filter(n__gt=1)
