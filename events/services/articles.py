"""Ingestion services: submitting URLs, texts, files and feeds, running jobs, storing articles.

A submission first writes an ``IngestJob`` row and only then, once the transaction has
committed, queues the Celery task: if Redis is down the job waits in the database and
``requeue_stale`` queues it again. Jobs and articles are claimed by conditional UPDATEs
(healthchecks' sendalerts), so a message delivered twice never processes a row twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone

from events.choices import ArticleOrigin, ArticleStatus, DuplicateKind, JobKind, JobStatus
from events.models import Article, Feed, IngestJob, Source
from ingest import dedup
from ingest.clean import CleanArticle, clean_document, clean_text, storable
from ingest.errors import IngestError, TransientIngestError
from ingest.fetch import TooLarge, fetch_url

logger = logging.getLogger(__name__)

# Serialises the few milliseconds of duplicate look-up + insert, so two copies of one
# story arriving at once cannot both miss each other.
_DEDUP_LOCK_KEY = 0x434B4201


def _queue(task_name: str, *args) -> None:
    """Queue a task after commit; a broker failure is logged, the row waits for requeue."""
    from ingest import tasks

    task = getattr(tasks, task_name)

    def send():
        try:
            task.apply_async(args=args, retry=True,
                             retry_policy={"max_retries": 2, "interval_start": 0,
                                           "interval_step": 0.5, "interval_max": 1})
        except Exception:  # noqa: BLE001 - any broker error; the row is safe in the database
            logger.warning("Could not queue %s%r; requeue_stale will retry", task_name, args,
                           exc_info=True)

    transaction.on_commit(send)


def _published(value: str | dt.date | dt.datetime | None) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, str):
        value = (dt.datetime.fromisoformat(value) if "T" in value
                 else dt.date.fromisoformat(value))
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


# --- Submissions --------------------------------------------------------------------------

def _job_create(*, kind: str, user=None, queue: bool = True, **fields) -> IngestJob:
    with transaction.atomic():
        job = IngestJob.objects.create(kind=kind, created_by=user, **fields)
        if queue and job.status == JobStatus.QUEUED:
            _queue("process_job", str(job.pk))
    return job


def article_submit_url(*, url: str, user=None, options: dict | None = None,
                       queue: bool = True) -> IngestJob:
    """Ask for the article at ``url`` to be fetched and ingested; returns the pollable job.

    ``options`` may hold ``published`` (ISO date), ``source_name``, ``feed_id``, ``title``.
    ``queue=False`` leaves the job for the caller to run in-process (``--sync``).
    """
    return _job_create(kind=JobKind.URL, url=url.strip(), options=options or {}, user=user,
                       queue=queue)


def article_submit_text(*, text: str, title: str = "", published: dt.date | str | None = None,
                        source_name: str = "", user=None, queue: bool = True) -> IngestJob:
    """Ask for a pasted text to be ingested as an article."""
    options = {"published": str(published) if published else "",
               "source_name": storable(source_name)}
    return _job_create(kind=JobKind.TEXT, text=storable(text), title=storable(title),
                       options=options, user=user, queue=queue)


def article_submit_file(*, path: str | Path | None = None, content: bytes | None = None,
                        filename: str = "", published: dt.date | str | None = None,
                        source_name: str = "", user=None, queue: bool = True) -> IngestJob:
    """Ask for an HTML or plain-text file to be ingested.

    The file is decoded here (the worker may run on another machine), so a binary,
    oversized or undecodable file gives a FAILED job with the reason at once.
    """
    options = {"published": str(published) if published else "", "source_name": source_name}
    limit = settings.FETCH_MAX_BYTES
    if path is not None:
        path = Path(path)
        filename = filename or path.name
        with path.open("rb") as handle:
            content = handle.read(limit + 1)  # never read a huge file whole
    content = content or b""
    options["filename"] = filename
    try:
        if len(content) > limit:
            raise TooLarge(f"The file {filename} is larger than the limit of {limit:,} bytes.")
        article = clean_document(content, filename=filename)
    except IngestError as exc:
        return _job_create(kind=JobKind.FILE, options=options, user=user, status=JobStatus.FAILED,
                           message=str(exc), finished_at=timezone.now())
    options["content_type"] = article.content_type
    text = article.text
    if article.content_type == "text/html":
        # Keep the cleaned text and its metadata, not the page: the job row stays small.
        options.update(title=article.title, author=article.author, sitename=article.sitename,
                       page_date=str(article.published or ""))
    return _job_create(kind=JobKind.FILE, text=text, title=article.title, options=options,
                       user=user, queue=queue)


def feed_submit(*, url: str, user=None, interval_minutes: int | None = None,
                queue: bool = True) -> IngestJob:
    """Create or update the Feed for ``url`` and ask for it to be polled now."""
    feed, _ = Feed.objects.get_or_create(url=url.strip())
    updates = {"is_active": True, "next_poll_at": timezone.now()}
    if interval_minutes:
        updates["interval_minutes"] = interval_minutes
    Feed.objects.filter(pk=feed.pk).update(**updates)
    return _job_create(kind=JobKind.FEED, url=feed.url, options={"feed_id": feed.pk}, user=user,
                       queue=queue)


# --- Jobs -----------------------------------------------------------------------------------

def job_claim(*, job_id, stale_after: int | None = None) -> IngestJob | None:
    """Take a job for processing: QUEUED, or RUNNING with a claim older than ``stale_after``
    seconds (its worker died). Increments ``attempts``. None if another worker has it, it
    is finished, or it has used up ``INGEST_MAX_ATTEMPTS``."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=stale_after if stale_after is not None
                               else settings.INGEST_JOB_STALE_SECONDS)
    claimed = (IngestJob.objects.filter(pk=job_id, attempts__lt=settings.INGEST_MAX_ATTEMPTS)
               .filter(Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING,
                                                      claimed_at__lt=stale))
               .update(status=JobStatus.RUNNING, claimed_at=now, attempts=F("attempts") + 1,
                       updated_at=now))
    return IngestJob.objects.get(pk=job_id) if claimed else None


def job_finish(*, job: IngestJob, article: Article | None = None, message: str = "") -> None:
    """Mark a job DONE, with the article it produced or found."""
    job.status, job.article, job.message = JobStatus.DONE, article, message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "article", "message", "finished_at", "updated_at"])


def job_fail(*, job: IngestJob, message: str, article: Article | None = None) -> None:
    """Mark a job FAILED with a message for the person who submitted it; never requeued."""
    message = storable(message)
    job.status, job.message, job.finished_at = JobStatus.FAILED, message, timezone.now()
    job.last_error = message
    job.article = article or job.article
    job.save(update_fields=["status", "message", "last_error", "finished_at", "article",
                            "updated_at"])


def job_release(*, job: IngestJob, message: str) -> None:
    """Put a claimed job back in the queue (before a retry), saying why."""
    message = storable(message)
    job.status, job.message, job.claimed_at = JobStatus.QUEUED, message, None
    job.last_error = message
    job.save(update_fields=["status", "message", "last_error", "claimed_at", "updated_at"])


def _job_options_clean(job: IngestJob) -> CleanArticle:
    options = job.options or {}
    if job.kind == JobKind.FILE and options.get("content_type") == "text/html":
        article = clean_text(job.text, title=job.title)
        article.author = options.get("author", "")
        article.sitename = options.get("sitename", "")
        article.published = dt.date.fromisoformat(options["page_date"]) if options.get(
            "page_date") else None
        article.content_type = "text/html"
        return article
    return clean_text(job.text, title=job.title)


def job_process(*, job: IngestJob, final_attempt: bool = True,
                queue: bool = True) -> Article | None:
    """Run a claimed job: fetch/clean/store the article, or poll the feed.

    Bad input fails the job with its message. A transient error (timeout, 5xx) fails it
    on the ``final_attempt``, otherwise puts it back in the queue and re-raises so that the
    caller retries later.
    """
    try:
        if job.kind == JobKind.FEED:
            from .feeds import feed_poll  # feeds build on this module's submissions

            feed = Feed.objects.get(pk=job.options["feed_id"])
            result = feed_poll(feed=feed, queue=queue)
            if result.error:
                job_fail(job=job, message=result.error)
            else:
                job_finish(job=job, message=result.summary)
            return None
        if job.kind == JobKind.URL:
            existing = article_find_by_url(url=job.url)
            if existing:
                job_finish(job=job, article=existing,
                           message=f"Already ingested as article {existing.pk}.")
                return existing
            fetched = fetch_url(job.url)
            clean = clean_document(fetched.content, content_type=fetched.content_type,
                                   charset=fetched.charset, url=fetched.url)
            article = article_create_from_clean(
                clean=clean, url=job.url, final_url=fetched.url, origin=_origin(job),
                options=job.options, user=job.created_by)
        else:
            article = article_create_from_clean(
                clean=_job_options_clean(job), origin=_origin(job), options=job.options,
                user=job.created_by)
    except IngestError as exc:
        if exc.transient and not final_attempt:
            job_release(job=job, message=f"Will retry: {exc}")
            # One exception type for the task's autoretry, whatever the cause (a 503 too).
            raise TransientIngestError(str(exc)) from exc
        job_fail(job=job, message=str(exc))
        return None
    job_finish(job=job, article=article, message=_article_outcome(article))
    return article


def _origin(job: IngestJob) -> str:
    if job.options.get("feed_id") and job.kind == JobKind.URL:
        return ArticleOrigin.FEED
    return {JobKind.URL: ArticleOrigin.URL, JobKind.FILE: ArticleOrigin.FILE}.get(
        job.kind, ArticleOrigin.TEXT)


def _article_outcome(article: Article) -> str:
    if article.status == ArticleStatus.QUEUED:
        return f"Stored as article {article.pk}; extraction queued."
    return f"Stored as article {article.pk} ({article.get_status_display()}): " \
           f"{article.status_message}"


# --- Articles -------------------------------------------------------------------------------

def article_find_by_url(*, url: str) -> Article | None:
    """The article already stored for ``url`` (by its canonical form or as submitted)."""
    return (Article.objects.filter(Q(canonical_url=dedup.canonical_url(url)) | Q(url=url))
            .order_by("pk").first())


def _source_for(*, url: str, sitename: str, source_name: str) -> Source | None:
    if source_name:
        source = Source.objects.filter(name__iexact=source_name).order_by("pk").first()
        return source or Source.objects.create(name=source_name[:200])
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""
    if not host:
        return None
    source, _ = Source.objects.get_or_create(
        domain=host, defaults={"name": (sitename or host)[:200], "homepage": f"https://{host}/"})
    return source


def _find_duplicate(*, content_hash: str, simhash: int) -> tuple[Article, str] | None:
    exact = (Article.objects.filter(content_hash=content_hash).order_by("pk").first())
    if exact:
        return exact.duplicate_of or exact, DuplicateKind.EXACT
    candidates = (Article.objects.filter(simhash_bands__overlap=dedup.bands(simhash))
                  .exclude(simhash=None).only("pk", "simhash", "duplicate_of")
                  .order_by("pk")[:200])
    best = min(candidates, key=lambda a: dedup.hamming(a.simhash, simhash), default=None)
    if best is not None and dedup.is_near_duplicate(best.simhash, simhash):
        return best.duplicate_of or best, DuplicateKind.NEAR
    return None


def article_create_from_clean(*, clean: CleanArticle, origin: str, url: str = "",
                              final_url: str = "", options: dict | None = None,
                              user=None) -> Article:
    """Store a cleaned article, or return the one already stored for its canonical URL.

    The new article is QUEUED for extraction, SKIPPED if it is not in English, or a
    DUPLICATE linked to the first copy of the same (or nearly the same) text.
    """
    options = options or {}
    canonical = dedup.canonical_url(clean.canonical_url or final_url or url) if (
        clean.canonical_url or final_url or url) else None
    fingerprint = dedup.simhash(clean.text)
    digest = dedup.content_hash(clean.text)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DEDUP_LOCK_KEY])
        if canonical:
            existing = Article.objects.filter(canonical_url=canonical).first()
            if existing:
                return existing
        article = Article(
            url=url, canonical_url=canonical, origin=origin,
            title=(options.get("title") if not clean.title else clean.title) or "",
            author=clean.author,
            published_at=_published(options.get("published")) or _published(clean.published),
            language=clean.language, language_confidence=round(clean.language_confidence, 3),
            text=clean.text, content_hash=digest,
            simhash=dedup.to_signed(fingerprint), simhash_bands=dedup.bands(fingerprint),
            source=_source_for(url=canonical or url, sitename=clean.sitename,
                               source_name=options.get("source_name", "")),
            feed_id=options.get("feed_id"), submitted_by=user,
        )
        duplicate = _find_duplicate(content_hash=digest, simhash=fingerprint)
        if not clean.is_english:
            article.status = ArticleStatus.SKIPPED
            article.status_message = (
                f"The article is in '{clean.language}' (confidence "
                f"{clean.language_confidence:.2f}), not English; it is stored but not "
                "extracted.")
        elif duplicate:
            original, kind = duplicate
            article.status, article.duplicate_of, article.duplicate_kind = (
                ArticleStatus.DUPLICATE, original, kind)
            what = ("Same text as" if kind == DuplicateKind.EXACT
                    else "A syndicated copy of")
            article.status_message = f"{what} article {original.pk}; not extracted again."
        # Computed by the INSERT itself, from the same values (an UPDATE after it would
        # write the row and all its indexes twice), then left to be read if asked for.
        article.search_vector = (
            SearchVector(Value(article.title), weight="A", config="english")
            + SearchVector(Value(article.text), weight="B", config="english"))
        article.save()
        del article.search_vector
    return article


def article_claim(*, article_id: int, stale_after: int | None = None) -> Article | None:
    """Take an article for extraction: QUEUED, or PROCESSING with a claim older than
    ``stale_after`` seconds (its worker died). Increments ``attempts``. None if another
    worker has it, it is finished, or it has used up ``INGEST_MAX_ATTEMPTS``."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=stale_after if stale_after is not None
                               else settings.INGEST_ARTICLE_STALE_SECONDS)
    claimed = (Article.objects.filter(pk=article_id, attempts__lt=settings.INGEST_MAX_ATTEMPTS)
               .filter(Q(status=ArticleStatus.QUEUED)
                       | Q(status=ArticleStatus.PROCESSING, claimed_at__lt=stale))
               .update(status=ArticleStatus.PROCESSING, claimed_at=now,
                       attempts=F("attempts") + 1, updated_at=now))
    return Article.objects.get(pk=article_id) if claimed else None


def _article_set(article: Article, status: str, message: str, *, error: bool = False) -> None:
    message = storable(message)
    article.status, article.status_message = status, message
    article.processed_at = timezone.now() if status != ArticleStatus.QUEUED else None
    if status == ArticleStatus.QUEUED:
        article.claimed_at = None
    updates = {}
    if error:
        article.last_error = updates["last_error"] = message
    Article.objects.filter(pk=article.pk).update(
        status=status, status_message=message, processed_at=article.processed_at,
        claimed_at=article.claimed_at, updated_at=timezone.now(), **updates)


def article_mark_failed(*, article: Article, message: str) -> None:
    """The article could not be extracted; the message says why. Never requeued."""
    _article_set(article, ArticleStatus.FAILED, message, error=True)


def article_mark_skipped(*, article: Article, message: str) -> None:
    """The article is kept but deliberately not extracted (language, no events...)."""
    _article_set(article, ArticleStatus.SKIPPED, message)


def article_release(*, article: Article, message: str) -> None:
    """Put a claimed article back in the queue (before a retry)."""
    _article_set(article, ArticleStatus.QUEUED, message, error=True)


# Articles put back in the queue per transaction by ``articles_queue_extraction``.
_REQUEUE_CHUNK = 500


def articles_queue_extraction(*, articles: QuerySet[Article], message: str = "") -> list[int]:
    """Queue stored articles for extraction again, as after a new pipeline version.

    Only finished articles are taken (done or failed): ones queued or being extracted,
    duplicates and skipped ones are left as they are. Each starts again with no attempts
    used; extracting it updates the events only this pipeline made and never what an
    editor verified or corrected (``article_extraction_save``). The messages go to the
    broker after commit; a lost one is queued again by ``requeue_stale``. Returns the ids.
    """
    ids = list(articles.filter(status__in=[ArticleStatus.DONE, ArticleStatus.FAILED])
               .order_by("pk").values_list("pk", flat=True))
    queued: list[int] = []
    for start in range(0, len(ids), _REQUEUE_CHUNK):
        with transaction.atomic():
            now = timezone.now()
            # Conditional: an article taken by a worker since it was listed is left to it.
            chunk = list(Article.objects.select_for_update(skip_locked=True)
                         .filter(pk__in=ids[start:start + _REQUEUE_CHUNK],
                                 status__in=[ArticleStatus.DONE, ArticleStatus.FAILED])
                         .values_list("pk", flat=True))
            Article.objects.filter(pk__in=chunk).update(
                status=ArticleStatus.QUEUED, status_message=message, attempts=0,
                claimed_at=None, processed_at=None, updated_at=now)
            for pk in chunk:
                _queue("process_article", pk)
        queued += chunk
    return queued


def stale_work(*, now: dt.datetime | None = None) -> tuple[list, list[int]]:
    """Ids of jobs and articles whose message was lost (broker outage) or whose worker died,
    for ``requeue_stale``. A claim is stale when its worker's heartbeat (ingest.tasks)
    stopped; its last error says so. Rows out of attempts are failed here, never requeued."""
    now = now or timezone.now()
    queued_before = now - dt.timedelta(seconds=settings.INGEST_REQUEUE_AFTER_SECONDS)
    lost_jobs = IngestJob.objects.filter(
        status=JobStatus.RUNNING,
        claimed_at__lt=now - dt.timedelta(seconds=settings.INGEST_JOB_STALE_SECONDS))
    lost_articles = Article.objects.filter(
        status=ArticleStatus.PROCESSING,
        claimed_at__lt=now - dt.timedelta(seconds=settings.INGEST_ARTICLE_STALE_SECONDS))
    lost = ("Its worker stopped in the middle of attempt {} (killed, out of memory, or the "
            "machine went away).")
    for rows in (lost_jobs, lost_articles):
        for pk, attempts in rows.values_list("pk", "attempts"):
            rows.model.objects.filter(pk=pk).update(last_error=lost.format(attempts))
    gave_up = f"Gave up after {settings.INGEST_MAX_ATTEMPTS} attempts: "
    spent = {"attempts__gte": settings.INGEST_MAX_ATTEMPTS}
    for pk, error in Article.objects.filter(**spent).filter(
            Q(pk__in=lost_articles.values("pk"))
            | Q(status=ArticleStatus.QUEUED, updated_at__lt=queued_before)).values_list(
            "pk", "last_error"):
        Article.objects.filter(pk=pk).update(status=ArticleStatus.FAILED, processed_at=now,
                                             updated_at=now, status_message=gave_up + error)
    for pk, error in IngestJob.objects.filter(**spent).filter(
            Q(pk__in=lost_jobs.values("pk"))
            | Q(status=JobStatus.QUEUED, updated_at__lt=queued_before)).values_list(
            "pk", "last_error"):
        IngestJob.objects.filter(pk=pk).update(status=JobStatus.FAILED, finished_at=now,
                                               updated_at=now, message=gave_up + error)
    jobs = IngestJob.objects.filter(attempts__lt=settings.INGEST_MAX_ATTEMPTS).filter(
        Q(status=JobStatus.QUEUED, updated_at__lt=queued_before)
        | Q(pk__in=lost_jobs.values("pk")))
    articles = Article.objects.filter(attempts__lt=settings.INGEST_MAX_ATTEMPTS).filter(
        Q(status=ArticleStatus.QUEUED, updated_at__lt=queued_before)
        | Q(pk__in=lost_articles.values("pk")))
    job_ids = list(jobs.values_list("pk", flat=True)[:1000])
    article_ids = list(articles.values_list("pk", flat=True)[:1000])
    # Touching updated_at spaces out the next requeue of rows that are merely waiting.
    IngestJob.objects.filter(pk__in=job_ids, status=JobStatus.QUEUED).update(updated_at=now)
    Article.objects.filter(pk__in=article_ids, status=ArticleStatus.QUEUED).update(updated_at=now)
    return job_ids, article_ids


__all__ = [
    "article_claim", "article_create_from_clean",
    "article_find_by_url", "article_mark_failed", "article_mark_skipped", "article_release",
    "article_submit_file", "article_submit_text", "article_submit_url",
    "articles_queue_extraction",
    "feed_submit", "job_claim", "job_fail", "job_finish", "job_process",
    "job_release", "stale_work",
]
