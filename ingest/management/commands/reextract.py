"""``python manage.py reextract``: extract stored articles again, as after an upgrade.

A new pipeline version reads articles better than the one that stored their events;
``--outdated`` takes every finished article an older version extracted. Machine-made
events are updated, new ones added and ones no longer found removed; what an editor
verified or corrected stays as it is. The work goes through the same Celery task as new
articles (``--sync`` runs it here).
"""

from __future__ import annotations

import time

from django.core.management.base import CommandError
from django.db.models import Count, Q

from events.choices import ArticleStatus
from events.models import Article
from events.services.articles import articles_queue_extraction
from ingest.extraction import pipeline_version
from ingest.management.ingest_command import IngestCommand

_FINISHED = (ArticleStatus.DONE, ArticleStatus.FAILED)
# Failed articles listed one by one in the summary, at most.
_FAILED_SHOWN = 20


class Command(IngestCommand):
    help = ("Extract stored articles again (queued for the worker, or --sync): the given "
            "ids, every finished article an older pipeline version extracted (--outdated), "
            "or every finished article (--all). Editors' corrections are kept.")

    def add_arguments(self, parser):
        parser.add_argument("article_ids", nargs="*", type=int, metavar="ARTICLE_ID")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--outdated", action="store_true",
                           help="articles extracted by another pipeline version than this one")
        which.add_argument("--all", action="store_true", help="every finished article")
        super().add_arguments(parser)

    def handle(self, *args, article_ids, outdated, all, **options):
        if bool(article_ids) + outdated + all != 1:
            raise CommandError("Say which articles: ARTICLE_ID ..., --outdated or --all.")
        version = pipeline_version()
        articles = Article.objects.all()
        if article_ids:
            found = set(articles.filter(pk__in=article_ids).values_list("pk", flat=True))
            missing = sorted(set(article_ids) - found)
            if missing:
                raise CommandError(f"No article with id {', '.join(map(str, missing))}.")
            busy = sorted(articles.filter(pk__in=article_ids).exclude(status__in=_FINISHED)
                          .values_list("pk", "status"))
            for pk, status in busy:
                self.stderr.write(f"Article {pk} is {status}, not finished: left as it is.")
            articles = articles.filter(pk__in=article_ids)
        elif outdated:
            articles = articles.exclude(pipeline_version=version)
        queue = self.use_worker(options)
        ids = articles_queue_extraction(
            articles=articles, message=f"Queued for extraction by pipeline {version}.")
        if not ids:
            self.stdout.write("No article to extract again"
                              + (f": every finished article is from pipeline {version}."
                                 if outdated else "."))
            return
        self.stdout.write(f"{len(ids)} articles queued for extraction by pipeline {version}.")
        if not queue:
            from ingest.tasks import run_article

            for n, pk in enumerate(ids, 1):
                run_article(pk)
                if n % 50 == 0:
                    self.stdout.write(f"  {n} of {len(ids)} extracted")
        elif options["no_wait"] or not self.has_worker:
            if not self.has_worker:
                self.stdout.write(self.style.WARNING(
                    "No Celery worker answered: the articles stay queued and are extracted "
                    "when a worker starts (make run starts one), or run again with --sync."))
            return
        else:
            self._wait(ids, timeout=options["timeout"])
        self._summary(ids)

    def _wait(self, ids: list[int], *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while Article.objects.filter(pk__in=ids).exclude(status__in=_FINISHED).exists():
            if time.monotonic() > deadline:
                raise CommandError(f"Articles are still being extracted after {timeout:g} s; "
                                   "the worker goes on with them (check them later).")
            time.sleep(0.5)

    def _summary(self, ids: list[int]) -> None:
        articles = Article.objects.filter(pk__in=ids)
        counts = articles.aggregate(
            done=Count("pk", filter=Q(status=ArticleStatus.DONE), distinct=True),
            failed=Count("pk", filter=Q(status=ArticleStatus.FAILED), distinct=True),
            events=Count("evidence__event", distinct=True))
        line = (f"Extracted again: {counts['done']} done, {counts['failed']} failed; "
                f"they report {counts['events']} events.")
        if not counts["failed"]:
            self.stdout.write(self.style.SUCCESS(line))
            return
        self.stdout.write(self.style.WARNING(line))
        for pk, message in articles.filter(status=ArticleStatus.FAILED).values_list(
                "pk", "status_message")[:_FAILED_SHOWN]:
            self.stderr.write(f"Article {pk} failed: {message}")
        raise CommandError(f"{counts['failed']} articles failed; see the messages above.")
