"""Celery tasks of the ingestion pipeline: thin wrappers that claim a row and call a service.

Messages carry ids only. Each task claims its row with a conditional UPDATE, so a message
delivered twice (acks_late after a killed worker, or ``requeue_stale`` after a broker
outage) does nothing the second time. ``run_job`` and ``run_article`` are the task bodies;
the management commands' ``--sync`` runs them in-process for users without a worker.
"""

from __future__ import annotations

import gc
import logging
import threading
from contextlib import contextmanager

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections
from django.utils import timezone

from events.choices import ArticleStatus, JobStatus
from events.models import Article, IngestJob
from events.services.articles import (
    article_claim,
    article_mark_failed,
    article_release,
    job_claim,
    job_fail,
    job_process,
    stale_work,
)
from events.services.feeds import feed_poll, feeds_claim_due
from ingest.errors import TransientIngestError

logger = logging.getLogger(__name__)

# Worth a retry: the network, the database or the server may be back in a minute.
TRANSIENT = (TransientIngestError, OperationalError, InterfaceError)
# The longest back-off stays under the broker's visibility timeout (the longest task time).
_RETRY = {"retry_backoff": 10, "retry_backoff_max": 300, "retry_jitter": True, "max_retries": 4}


@worker_init.connect
def preload_extractor(**_kwargs) -> None:
    """Build the extractor in the worker's main process, before its pool forks.

    Every pool process then starts with it, its pages shared copy-on-write, instead of
    building its own on its first article (~5 s and ~700 MB each). What is built is frozen
    out of the cyclic collector (``gc.freeze``, as its documentation advises before a
    fork): full collections no longer walk the quarter of a million gazetteer entries
    (~0.25 s each) nor write to the shared pages. A database not reachable yet only puts
    the build off until the first article.
    """
    from ingest.extraction import get_extractor

    try:
        get_extractor()
    except DatabaseError:
        logger.warning("the extractor is built on the first article instead: the database "
                       "did not answer", exc_info=True)
    finally:
        connections.close_all()  # the pool's processes open their own
    gc.freeze()


@contextmanager
def heartbeat(model, pk, status: str):
    """While the block runs, a thread renews the row's claim every
    ``INGEST_HEARTBEAT_SECONDS``: a claim whose heartbeat stopped for
    ``INGEST_*_STALE_SECONDS`` lost its worker, and ``requeue_stale`` hands it on."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.INGEST_HEARTBEAT_SECONDS):
                model.objects.filter(pk=pk, status=status).update(claimed_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed beat only makes the claim look older
            logger.warning("the heartbeat of %s %s stopped", model.__name__, pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def run_job(job_id, *, final_attempt: bool = True, queue: bool = True):
    """Claim and run an ingest job; returns the article it stored or found (or None).

    An unexpected error (a bug, a value the database refuses) fails the job with it: it is
    never run again by itself. ``queue=False`` (the commands' --sync) leaves a feed's new
    URL jobs unqueued for the caller to run."""
    job = job_claim(job_id=job_id)
    if job is None:
        logger.info("Job %s is finished, out of attempts or taken by another worker", job_id)
        return None
    final_attempt = final_attempt or job.attempts >= settings.INGEST_MAX_ATTEMPTS
    try:
        with heartbeat(IngestJob, job.pk, JobStatus.RUNNING):
            return job_process(job=job, final_attempt=final_attempt, queue=queue)
    except TRANSIENT:
        raise
    except SoftTimeLimitExceeded:
        job_fail(job=job, message=f"The job took longer than {settings.INGEST_JOB_TIME_LIMIT} "
                                  "seconds and was stopped.")
    except Exception as exc:  # noqa: BLE001 - one bad job must not be retried forever
        logger.exception("Job %s failed", job_id)
        job_fail(job=job, message=f"The job failed: {exc}")
    return None


def run_article(article_id: int, *, final_attempt: bool = True):
    """Claim an article and extract it (events.services.extraction.article_extract).

    Bad or unexpected failures mark the article FAILED with the reason, so the worker
    carries on with the next one; transient ones put it back for a retry.
    """
    article = article_claim(article_id=article_id)
    if article is None:
        logger.info("Article %s is finished, out of attempts or taken by another worker",
                    article_id)
        return None
    final_attempt = final_attempt or article.attempts >= settings.INGEST_MAX_ATTEMPTS
    # Imported here: the extraction service loads the NLP stack, which only workers need.
    from events.services.extraction import article_extract

    try:
        with heartbeat(Article, article.pk, ArticleStatus.PROCESSING):
            article_extract(article=article)
    except SoftTimeLimitExceeded:
        article_mark_failed(article=article, message="Extraction took longer than "
                            f"{settings.INGEST_ARTICLE_TIME_LIMIT} seconds and was stopped.")
    except TRANSIENT as exc:
        if final_attempt:
            article_mark_failed(article=article, message=f"Extraction failed: {exc}")
        else:
            article_release(article=article, message=f"Will retry: {exc}")
            raise
    except Exception as exc:  # noqa: BLE001 - a bug on one article must not stop the worker
        logger.exception("Extraction of article %s failed", article_id)
        article_mark_failed(article=article, message=f"Extraction failed: {exc}")
    article.refresh_from_db()
    return article


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, **_RETRY,
             soft_time_limit=settings.INGEST_JOB_TIME_LIMIT - 10,
             time_limit=settings.INGEST_JOB_TIME_LIMIT)
def process_job(self, job_id: str) -> None:
    """Fetch/clean/store what a job asks for, then queue the article's extraction."""
    article = run_job(job_id, final_attempt=self.request.retries >= self.max_retries)
    if article is not None and article.status == ArticleStatus.QUEUED:
        process_article.delay(article.pk)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, **_RETRY,
             soft_time_limit=settings.INGEST_ARTICLE_TIME_LIMIT - 30,
             time_limit=settings.INGEST_ARTICLE_TIME_LIMIT)
def process_article(self, article_id: int) -> None:
    """Extract one article's events (NLP + save, one transaction)."""
    run_article(article_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, **_RETRY,
             soft_time_limit=settings.INGEST_FEED_TIME_LIMIT - 10,
             time_limit=settings.INGEST_FEED_TIME_LIMIT)
def poll_feed(feed_id: int) -> None:
    """Poll one feed; its entries become URL jobs."""
    from events.models import Feed

    feed = Feed.objects.filter(pk=feed_id, is_active=True).first()
    if feed is not None:
        feed_poll(feed=feed)


@shared_task(soft_time_limit=50, time_limit=60)
def poll_feeds() -> int:
    """Beat: queue a poll of every feed that is due (claimed, so never twice)."""
    due = feeds_claim_due()
    for feed_id in due:
        poll_feed.delay(feed_id)
    return len(due)


@shared_task(soft_time_limit=50, time_limit=60)
def requeue_stale() -> tuple[int, int]:
    """Beat: queue again the jobs and articles whose message was lost or whose worker died."""
    job_ids, article_ids = stale_work()
    for job_id in job_ids:
        process_job.delay(str(job_id))
    for article_id in article_ids:
        process_article.delay(article_id)
    if job_ids or article_ids:
        logger.warning("Requeued %d jobs and %d articles", len(job_ids), len(article_ids))
    return len(job_ids), len(article_ids)
