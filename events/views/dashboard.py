"""The dashboard, the search page and the health probe."""

import datetime as dt

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import JsonResponse
from django.shortcuts import render

from events import selectors
from events.choices import ArticleStatus, JobStatus
from events.models import Accord, Article, Event, Feed, IngestJob
from events.models.base import name_lookup

from .access import analyst_required
from .charts import weekly_bars

CHART_WEEKS = 12


def _weekly_rows():
    latest = Event.objects.active().order_by("-date").values_list("date", flat=True).first()
    if latest is None:
        return []
    since = latest - dt.timedelta(weeks=CHART_WEEKS)
    return list(Event.objects.active().filter(date__gt=since)
                .annotate(week=TruncWeek("date")).values("week", "type")
                .annotate(n=Count("id")).order_by("week", "type"))


def _ingestion_status():
    feeds = Feed.objects.aggregate(total=Count("id"), active=Count("id", filter=Q(is_active=True)),
                                   failing=Count("id", filter=Q(consecutive_errors__gt=0)))
    jobs = dict(IngestJob.objects.values_list("status").annotate(n=Count("id")))
    articles = dict(Article.objects.values_list("status").annotate(n=Count("id")))
    return {
        "feeds": feeds,
        "failing_feeds": Feed.objects.filter(consecutive_errors__gt=0)
        .order_by("-last_polled_at")[:5],
        "jobs_queued": jobs.get(JobStatus.QUEUED, 0),
        "jobs_running": jobs.get(JobStatus.RUNNING, 0),
        "jobs_failed": jobs.get(JobStatus.FAILED, 0),
        "articles_queued": articles.get(ArticleStatus.QUEUED, 0)
        + articles.get(ArticleStatus.PROCESSING, 0),
        "articles_failed": articles.get(ArticleStatus.FAILED, 0),
        "failed_articles": Article.objects.filter(status=ArticleStatus.FAILED)
        .order_by("-updated_at").only("id", "title", "url", "status_message", "canonical_url")[:5],
    }


def home(request):
    """The dashboard: what the knowledge base holds, the latest control changes, ingestion."""
    bars, weeks, legend, top = weekly_bars(_weekly_rows())
    return render(request, "events/home.html", {
        "counts": selectors.kb_counts(),
        "latest_changes": selectors.latest_control_changes(limit=10),
        "bars": bars, "weeks": weeks, "legend": legend, "chart_top": top,
        "ingestion": _ingestion_status(),
    })


@analyst_required
def search(request):
    """One box for places (any spelling), actors (any alias), accords and articles."""
    query = request.GET.get("q", "").strip()[:200]
    results = {}
    if query:
        known = name_lookup(query)
        results = {
            "places": list(selectors.place_search(query=query, limit=20)),
            "actors": list(selectors.actor_search(query=query, limit=20)),
            "accords": list(Accord.objects.filter((known or Q(pk__in=[]))
                                                  | Q(name__icontains=query))[:20]),
            "articles": list(Article.objects.filter(
                Q(title__icontains=query) | Q(search_vector=SearchQuery(query, config="english"))
            ).only("id", "title", "url", "published_at", "status", "canonical_url")[:20]),
        }
    return render(request, "events/search.html", {"query": query, "results": results})


def health(request):
    """A liveness probe for the deployment: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
