"""Feed services: polling RSS/Atom feeds with conditional GET and queueing their new entries.

Celery beat claims due feeds (``feeds_claim_due``) and polls each (``feed_poll``); the
``ingest_feed`` command goes through a FEED job that calls ``feed_poll`` too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from events.models import Feed, IngestJob
from ingest.errors import IngestError
from ingest.feeds import parse_feed
from ingest.fetch import fetch_url

from .articles import article_find_by_url, article_submit_url


@dataclass(slots=True)
class FeedPollResult:
    """What one poll of a feed did."""

    feed: Feed
    not_modified: bool = False
    entries: int = 0
    jobs: list[IngestJob] | None = None
    error: str = ""

    @property
    def summary(self) -> str:
        if self.error:
            return self.error
        if self.not_modified:
            return "The feed has not changed since the last poll."
        return f"{self.entries} entries, {len(self.jobs or [])} new articles queued."


def feeds_claim_due(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of active feeds due for polling, each pushed to its next interval in the same
    conditional UPDATE so that two beat ticks never poll one feed twice."""
    now = now or timezone.now()
    due = list(Feed.objects.filter(is_active=True)
               .filter(Q(next_poll_at__lte=now) | Q(next_poll_at=None))
               .values_list("pk", "interval_minutes"))
    claimed = []
    for pk, minutes in due:
        if Feed.objects.filter(pk=pk).filter(Q(next_poll_at__lte=now) | Q(next_poll_at=None)) \
                .update(next_poll_at=now + dt.timedelta(minutes=minutes or 60)):
            claimed.append(pk)
    return claimed


def feed_poll(*, feed: Feed, queue: bool = True) -> FeedPollResult:
    """Fetch ``feed`` with a conditional GET and turn entries not seen before into URL jobs.

    A fetch or parse error is stored on the feed (``last_error``, ``consecutive_errors``)
    and the next poll backs off; entries and articles already stored are untouched.
    """
    now = timezone.now()
    result = FeedPollResult(feed=feed, jobs=[])
    try:
        fetched = fetch_url(feed.url, etag=feed.etag, last_modified=feed.last_modified,
                            accept="application/rss+xml,application/atom+xml,application/xml,"
                                   "text/xml;q=0.9,*/*;q=0.5")
        if fetched.not_modified:
            result.not_modified = True
            parsed = None
        else:
            parsed = parse_feed(fetched.content, url=fetched.url)
    except IngestError as exc:
        errors = feed.consecutive_errors + 1
        result.error = f"Polling the feed failed: {exc}"
        Feed.objects.filter(pk=feed.pk).update(
            last_polled_at=now, last_status="error", last_error=result.error,
            consecutive_errors=errors, updated_at=now,
            # Back off on a failing feed, up to a day, so it does not hammer its server.
            next_poll_at=now + dt.timedelta(minutes=min(feed.interval_minutes * 2 ** errors,
                                                        24 * 60)))
        feed.refresh_from_db()
        return result
    with transaction.atomic():
        if parsed is not None:
            result.entries = len(parsed.entries)
            for entry in parsed.entries:
                if (IngestJob.objects.filter(url=entry.url).exists()
                        or article_find_by_url(url=entry.url)):
                    continue
                options = {"feed_id": feed.pk, "title": entry.title,
                           "published": entry.published.isoformat() if entry.published else ""}
                result.jobs.append(article_submit_url(url=entry.url, options=options,
                                                      queue=queue))
        updates = {"last_polled_at": now, "last_error": "", "consecutive_errors": 0,
                   "next_poll_at": now + dt.timedelta(minutes=feed.interval_minutes or 60),
                   "last_status": "not_modified" if result.not_modified else "ok",
                   "updated_at": now, "entries_seen": F("entries_seen") + len(result.jobs)}
        if parsed is not None:
            updates.update(etag=fetched.headers.get("etag", "")[:300],
                           last_modified=fetched.headers.get("last-modified", "")[:100])
            if parsed.title and not feed.title:
                updates["title"] = parsed.title[:300]
        Feed.objects.filter(pk=feed.pk).update(**updates)
    feed.refresh_from_db()
    return result


__all__ = ["FeedPollResult", "feed_poll", "feeds_claim_due"]
