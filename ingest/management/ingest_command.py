"""What the ingest commands share: queue or run in-process, wait, and report clearly.

By default a command queues its job for the Celery worker (the same tasks the API and
the feeds use) and waits for the result; without a worker it says so and leaves the job
queued. ``--sync`` runs the same task bodies in this process instead.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from events.choices import ArticleStatus, JobStatus
from events.models import Article, Evidence, IngestJob

_ARTICLE_BUSY = (ArticleStatus.QUEUED, ArticleStatus.PROCESSING)


def worker_running(timeout: float = 1.5) -> bool:
    """Whether a Celery worker answers a ping (False if the broker is down too)."""
    from conflictkb.celery import app

    try:
        return bool(app.control.ping(timeout=timeout))
    except Exception:  # noqa: BLE001 - an unreachable broker means no worker for us
        return False


class IngestCommand(BaseCommand):
    """Base class: ``add_arguments`` adds --sync/--no-wait/--timeout; ``finish`` reports."""

    def add_arguments(self, parser):
        parser.add_argument("--sync", action="store_true",
                            help="run fetching and extraction in this process (no worker needed)")
        parser.add_argument("--no-wait", action="store_true",
                            help="queue the work and return at once with the job id")
        parser.add_argument("--timeout", type=float, default=900,
                            help="seconds to wait for the worker (default 900)")

    def use_worker(self, options) -> bool:
        """Whether to queue for the worker (checked before submitting)."""
        if options["sync"]:
            return False
        self.has_worker = worker_running()
        return True

    def run_sync(self, job: IngestJob) -> None:
        from ingest.tasks import run_article, run_job

        self.stdout.write(f"Job {job.pk}: running in this process...")
        article = run_job(job.pk, queue=False)
        if article is not None and article.status == ArticleStatus.QUEUED:
            self.stdout.write(f"Article {article.pk}: extracting...")
            run_article(article.pk)

    def finish(self, job: IngestJob, options) -> IngestJob:
        """Wait (unless told not to), print the job's and article's outcome, raise on failure."""
        if not options["sync"]:
            if options["no_wait"] or not self.has_worker:
                if not self.has_worker:
                    self.stdout.write(self.style.WARNING(
                        "No Celery worker answered: the job stays queued and runs when a worker "
                        "starts (make run starts one), or run this command again with --sync."))
                self.stdout.write(f"Job {job.pk}: queued.")
                return job
            self.stdout.write(f"Job {job.pk}: queued, waiting for the worker...")
            job = self.wait_job(job, timeout=options["timeout"])
        else:
            job.refresh_from_db()
        self.report(job, timeout=0 if options["sync"] else options["timeout"])
        return job

    def wait_job(self, job: IngestJob, *, timeout: float) -> IngestJob:
        deadline = time.monotonic() + timeout
        while True:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                return job
            if time.monotonic() > deadline:
                raise CommandError(f"Job {job.pk} is still {job.status} after {timeout:g} s; it "
                                   "goes on in the worker (check it later).")
            time.sleep(0.3)

    def report(self, job: IngestJob, *, timeout: float) -> None:
        if job.status == JobStatus.FAILED:
            raise CommandError(f"Job {job.pk} failed: {job.message}")
        self.stdout.write(f"Job {job.pk}: {job.status}. {job.message}")
        if job.article_id:
            self.report_article(Article.objects.get(pk=job.article_id), timeout=timeout)

    def report_article(self, article: Article, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while article.status in _ARTICLE_BUSY and time.monotonic() < deadline:
            time.sleep(0.3)
            article.refresh_from_db()
        events = Evidence.objects.filter(article=article).values("event").distinct().count()
        line = (f"Article {article.pk} \"{article.title[:80]}\": {article.get_status_display()}"
                + (f", {events} events" if article.status == ArticleStatus.DONE else "")
                + (f". {article.status_message}" if article.status_message else "."))
        style = self.style.ERROR if article.status == ArticleStatus.FAILED else self.style.SUCCESS
        self.stdout.write(style(line))
        if article.status == ArticleStatus.FAILED:
            raise CommandError(f"Article {article.pk} failed: {article.status_message}")
