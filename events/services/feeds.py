"""Feed services: polling RSS/Atom feeds with conditional GET and queueing their new entries.

Celery beat claims due feeds (``feeds_claim_due``) and polls each (``feed_poll``); the
``ingest_feed`` command goes through a FEED job that calls ``feed_poll`` too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from events.models import Article, Feed, IngestJob
from ingest import dedup
from ingest.clean import storable
from ingest.errors import IngestError
from ingest.feeds import FeedEntry, parse_feed
from ingest.fetch import fetch_url

from .articles import article_submit_url


@dataclass(slots=True)
class FeedPollResult:
    """What one poll of a feed did."""

    feed: Feed
    not_modified: bool = False
    entries: int = 0
    jobs: list[IngestJob] | None = None
    error: str = ""
    capped: bool = False  # new entries were left for the next poll

    @property
    def summary(self) -> str:
        if self.error:
            return self.error
        if self.not_modified:
            return "The feed has not changed since the last poll."
        more = " (more are taken by the next poll)" if self.capped else ""
        return f"{self.entries} entries, {len(self.jobs or [])} new articles queued{more}."


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


def _record_error(feed: Feed, message: str, now: dt.datetime) -> None:
    errors = feed.consecutive_errors + 1
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now, last_status="error", last_error=storable(message)[:5000],
        consecutive_errors=errors, updated_at=now,
        # Back off on a failing feed, up to a day, so it does not hammer its server.
        next_poll_at=now + dt.timedelta(minutes=min(feed.interval_minutes * 2 ** errors,
                                                    24 * 60)))
    feed.refresh_from_db()


def _new_entries(entries: list[FeedEntry]) -> list[FeedEntry]:
    """The entries with no job and no article yet: two queries for the whole batch."""
    urls = [entry.url for entry in entries]
    canonical = {entry.url: dedup.canonical_url(entry.url) for entry in entries}
    known = set(IngestJob.objects.filter(url__in=urls).values_list("url", flat=True))
    for url, canonical_url in Article.objects.filter(
            Q(url__in=urls) | Q(canonical_url__in=list(canonical.values()))).values_list(
            "url", "canonical_url"):
        known.update((url, canonical_url))
    return [e for e in entries if e.url not in known and canonical[e.url] not in known]


def _store_new_entries(*, feed: Feed, entries: list[FeedEntry], queue: bool,
                       result: FeedPollResult) -> bool:
    """Turns new entries into URL jobs, ``FEED_BATCH_SIZE`` per transaction committed as it
    goes (a time limit loses one batch at most), ``FEED_MAX_NEW_ENTRIES`` in all. True if
    entries were left for the next poll."""
    cap, size = settings.FEED_MAX_NEW_ENTRIES, max(settings.FEED_BATCH_SIZE, 1)
    for start in range(0, len(entries), size):
        unseen = _new_entries(entries[start:start + size])
        fresh = unseen[:cap - len(result.jobs)]
        with transaction.atomic():
            for entry in fresh:
                options = {"feed_id": feed.pk, "title": entry.title,
                           "published": entry.published.isoformat() if entry.published else ""}
                result.jobs.append(article_submit_url(url=entry.url, options=options,
                                                      queue=queue))
            Feed.objects.filter(pk=feed.pk).update(
                entries_seen=F("entries_seen") + len(fresh), updated_at=timezone.now())
        if len(result.jobs) >= cap:
            result.capped = len(fresh) < len(unseen) or start + size < len(entries)
            return result.capped
    return False


def feed_poll(*, feed: Feed, queue: bool = True) -> FeedPollResult:
    """Fetch ``feed`` with a conditional GET and turn entries not seen before into URL jobs.

    A fetch or parse error, or any failure while storing (a time limit too), is stored on
    the feed (``last_error``, ``consecutive_errors``) and the next poll backs off; entries
    stored before it stay. At most ``FEED_MAX_NEW_ENTRIES`` new entries are taken per
    poll: the rest are taken by the next one, due at once.
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
        result.error = f"Polling the feed failed: {exc}"
        _record_error(feed, result.error, now)
        return result
    capped = False
    if parsed is not None:
        result.entries = len(parsed.entries)
        try:
            capped = _store_new_entries(feed=feed, entries=parsed.entries, queue=queue,
                                        result=result)
        except BaseException as exc:  # a time limit, a database error: said on the feed
            result.error = (f"Polling the feed stopped after {len(result.jobs)} new entries: "
                            f"{type(exc).__name__}: {exc}")
            _record_error(feed, result.error, now)
            if isinstance(exc, Exception) and not isinstance(exc, SoftTimeLimitExceeded):
                raise
            return result
    updates = {"last_polled_at": now, "last_error": "", "consecutive_errors": 0,
               "next_poll_at": now + dt.timedelta(minutes=feed.interval_minutes or 60),
               "last_status": "not_modified" if result.not_modified else "ok",
               "updated_at": now}
    if parsed is not None:
        # Entries left over: no conditional GET next time (the feed has not changed), and
        # the next poll is due at once.
        updates.update(etag="" if capped else fetched.headers.get("etag", "")[:300],
                       last_modified="" if capped else
                       fetched.headers.get("last-modified", "")[:100])
        if capped:
            updates.update(next_poll_at=now, last_status="more")
        if parsed.title and not feed.title:
            updates["title"] = parsed.title[:300]
    Feed.objects.filter(pk=feed.pk).update(**updates)
    feed.refresh_from_db()
    return result


__all__ = ["FeedPollResult", "feed_poll", "feeds_claim_due"]
