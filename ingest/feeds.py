"""Reading RSS and Atom feeds (feedparser) into plain entries: link, title, date.

Fetching is ``ingest.fetch``'s job (with its address checks and size cap); feedparser only
ever sees bytes, never a URL, so it cannot make requests of its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import feedparser

from .clean import storable
from .errors import IngestError

# Problems feedparser reports that do not stop a feed from being read correctly.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class MalformedFeed(IngestError):
    """The document is not a readable RSS or Atom feed."""


@dataclass(slots=True)
class FeedEntry:
    """One item of a feed."""

    url: str
    title: str = ""
    published: dt.datetime | None = None
    summary: str = ""


@dataclass(slots=True)
class ParsedFeed:
    """A feed's title, format and entries."""

    title: str = ""
    version: str = ""
    entries: list[FeedEntry] = field(default_factory=list)


def _entry_date(entry) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


def _describe(exc: Exception) -> str:
    line = getattr(exc, "getLineNumber", None)
    message = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
    return f"line {line()}: {message}" if callable(line) else str(message)


def parse_feed(content: bytes, *, url: str = "") -> ParsedFeed:
    """Entries with an http(s) link, in feed order, without repeats.

    Raises ``MalformedFeed`` with the parser's complaint (and line) for a document that is
    not well-formed XML or not a feed at all.
    """
    data = feedparser.parse(content, response_headers={"content-location": url} if url else None)
    problem = data.get("bozo_exception") if data.get("bozo") else None
    if problem is not None and not isinstance(problem, _HARMLESS):
        raise MalformedFeed(f"The feed is not well-formed ({_describe(problem)}); nothing was "
                            "read from it this time.")
    if not data.get("version") and not data.entries:
        raise MalformedFeed("This document is not an RSS or Atom feed.")
    feed = ParsedFeed(title=storable(data.feed.get("title", "")), version=data.get("version", ""))
    seen = set()
    for entry in data.entries:
        link = entry.get("link") or ""
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]
        link = storable(urljoin(url, link) if url else link)
        # A link longer than a job's URL field would fail its whole batch, poll after poll.
        if urlsplit(link).scheme not in ("http", "https") or link in seen or len(link) > 2000:
            continue
        seen.add(link)
        feed.entries.append(FeedEntry(url=link, title=storable(entry.get("title", ""))[:1000],
                                      published=_entry_date(entry),
                                      summary=storable(entry.get("summary", ""))))
    return feed
