"""Feeds: RSS and Atom polled with conditional GET, new entries queued once, bad feeds noted."""

import datetime as dt

import pytest

from events.choices import ArticleOrigin, ArticleStatus, JobStatus
from events.models import Article, Feed, IngestJob
from events.services.articles import feed_submit
from events.services.feeds import feed_poll, feeds_claim_due
from ingest.feeds import MalformedFeed, parse_feed
from ingest.tasks import run_job

from .pages import OTHER_PARAGRAPHS, article_html

pytestmark = pytest.mark.django_db


def rss(base, items):
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<pubDate>Tue, 25 Feb 2020 09:30:00 GMT</pubDate></item>" for path, title in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Idlib Monitor</title><link>{base}/</link>{entries}</channel></rss>")


def atom(base, items):
    entries = "".join(
        f'<entry><title>{title}</title><link href="{base}{path}"/><id>{base}{path}</id>'
        f"<updated>2020-02-25T09:30:00Z</updated></entry>" for path, title in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Atom Monitor</title><id>{base}/</id><updated>2020-02-25T09:30:00Z</updated>"
            f"{entries}</feed>")


def serve_feed(server, path, body, content_type, validator):
    """Serve a feed that answers 304 when the client sends back its validator."""
    state = {"body": body, "version": 1}

    def handler(h):
        tag = f'"v{state["version"]}"'
        stamp = f"Tue, 25 Feb 2020 10:0{state['version']}:00 GMT"
        if validator == "etag" and h.headers.get("If-None-Match") == tag:
            return 304, {"ETag": tag}, b""
        if validator == "last-modified" and h.headers.get("If-Modified-Since") == stamp:
            return 304, {"Last-Modified": stamp}, b""
        header = {"ETag": tag} if validator == "etag" else {"Last-Modified": stamp}
        return 200, {"Content-Type": content_type, **header}, state["body"].encode()

    server.routes[path] = handler
    return state


def stories(server):
    server.add("/s/1", article_html())
    server.add("/s/2", article_html(title="Shelling hits market", paragraphs=OTHER_PARAGRAPHS))
    return [("/s/1", "Government forces capture Kafr Nabl"), ("/s/2", "Shelling hits market")]


@pytest.mark.parametrize("kind, validator", [("rss", "etag"), ("atom", "last-modified")])
def test_feed_entries_become_articles_and_the_second_poll_is_conditional(
        http_server, allow_local, kind, validator):
    items = stories(http_server)
    make, ctype = (rss, "application/rss+xml") if kind == "rss" else (atom, "application/atom+xml")
    serve_feed(http_server, "/feed", make(http_server.base, items), ctype, validator)
    job = feed_submit(url=http_server.url("/feed"), queue=False)
    run_job(job.pk, queue=False)
    job.refresh_from_db()
    feed = Feed.objects.get(url=http_server.url("/feed"))
    assert job.status == JobStatus.DONE and "2 entries, 2 new articles queued" in job.message
    assert feed.title in ("Idlib Monitor", "Atom Monitor") and feed.last_status == "ok"
    entry_jobs = IngestJob.objects.filter(options__feed_id=feed.pk, kind="url").order_by("url")
    articles = [run_job(j.pk) for j in entry_jobs]
    assert [a.origin for a in articles] == [ArticleOrigin.FEED] * 2
    assert {a.feed_id for a in articles} == {feed.pk}
    assert articles[0].published_at == dt.datetime(2020, 2, 25, 9, 30, tzinfo=dt.UTC)

    again = feed_poll(feed=feed, queue=False)
    assert again.not_modified and again.jobs == []
    assert feed.last_status == "not_modified" and IngestJob.objects.count() == 3
    sent = http_server.requests[-1][1]
    assert (sent.get("If-None-Match") if validator == "etag" else sent.get("If-Modified-Since"))


def test_only_new_entries_are_queued(http_server, allow_local):
    items = stories(http_server)
    state = serve_feed(http_server, "/feed", rss(http_server.base, items[:1]),
                       "application/rss+xml", "etag")
    feed = Feed.objects.create(url=http_server.url("/feed"))
    assert len(feed_poll(feed=feed, queue=False).jobs) == 1
    state["body"], state["version"] = rss(http_server.base, items), 2
    result = feed_poll(feed=feed, queue=False)
    assert [j.url for j in result.jobs] == [http_server.url("/s/2")]


def test_a_malformed_feed_is_reported_and_loses_nothing(http_server, allow_local):
    items = stories(http_server)
    state = serve_feed(http_server, "/feed", rss(http_server.base, items), "application/rss+xml",
                       "etag")
    feed = Feed.objects.create(url=http_server.url("/feed"), interval_minutes=30)
    for job in feed_poll(feed=feed, queue=False).jobs:
        run_job(job.pk)
    etag = feed.etag
    state["body"], state["version"] = "<rss><channel><item><title>broken &", 2
    result = feed_poll(feed=feed, queue=False)
    assert "not well-formed" in result.error and "line" in result.error
    assert feed.last_status == "error" and feed.consecutive_errors == 1
    assert "not well-formed" in feed.last_error
    assert feed.etag == etag  # the next poll fetches the feed in full again
    assert feed.next_poll_at > feed.last_polled_at + dt.timedelta(minutes=30)  # backs off
    assert Article.objects.filter(feed=feed, status=ArticleStatus.QUEUED).count() == 2


def test_a_web_page_is_not_a_feed(http_server, allow_local):
    http_server.add("/page", article_html())
    job = feed_submit(url=http_server.url("/page"), queue=False)
    run_job(job.pk, queue=False)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Polling the feed failed" in job.message


def test_parse_feed_resolves_relative_links_and_drops_repeats():
    body = rss("", [("/a", "A"), ("/a", "A again"), ("mailto:x@y", "B")]).encode()
    parsed = parse_feed(body, url="https://news.example.org/rss")
    assert [e.url for e in parsed.entries] == ["https://news.example.org/a"]
    with pytest.raises(MalformedFeed):
        parse_feed(b"", url="https://news.example.org/rss")


def test_due_feeds_are_claimed_once(db):
    due = Feed.objects.create(url="https://a.example.org/rss", next_poll_at=None)
    Feed.objects.create(url="https://b.example.org/rss",
                        next_poll_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))
    assert feeds_claim_due() == [due.pk]
    assert feeds_claim_due() == []
