"""Outlets, feeds, articles, the entities found in them and ingestion jobs."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from events.choices import (
    ArticleOrigin,
    ArticleStatus,
    DuplicateKind,
    JobKind,
    JobStatus,
    MentionKind,
)

from .base import TimeStampedModel


class Source(TimeStampedModel):
    """A news outlet, identified by its web domain."""

    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, unique=True, blank=True, null=True)
    homepage = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Feed(TimeStampedModel):
    """An RSS or Atom feed polled at its own interval, with conditional-GET state."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="feeds")
    is_active = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(default=60)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status = models.CharField(max_length=20, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_errors = models.PositiveIntegerField(default=0)
    entries_seen = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.title or self.url


class Article(TimeStampedModel):
    """A news article: its cleaned text, metadata, and where it is in the pipeline.

    Articles with a URL are unique by canonical URL; pasted or uploaded texts have none.
    Exact and near-duplicates (syndicated copies) point at the first copy and are not
    extracted again.
    """

    url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.URLField(max_length=2000, unique=True, null=True, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="articles")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="articles")
    origin = models.CharField(max_length=10, choices=ArticleOrigin.choices,
                              default=ArticleOrigin.URL)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=12, blank=True, db_index=True)
    # How sure the detection was (ingest.nlp.language): shown beside the language, so an
    # editor can tell a short English report guessed wrong from a foreign article.
    language_confidence = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True)  # article_content_hash
    simhash = models.BigIntegerField(null=True, blank=True)
    simhash_bands = ArrayField(models.IntegerField(), default=list, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    duplicate_kind = models.CharField(max_length=10, choices=DuplicateKind.choices, blank=True)
    status = models.CharField(max_length=12, choices=ArticleStatus.choices,
                              default=ArticleStatus.QUEUED)  # leads article_status_claimed
    status_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # The last attempt's error (a crash, a timeout, a lost worker), kept after it succeeds.
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    pipeline_version = models.CharField(max_length=40, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            GinIndex(fields=["simhash_bands"], name="article_simhash_bands_gin"),
            models.Index(fields=["status", "claimed_at"], name="article_status_claimed"),
            # A plain b-tree: nobody searches a hash by prefix (db_index=True would add a
            # LIKE index beside it, written by every store for nothing).
            models.Index(fields=["content_hash"], name="article_content_hash"),
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url or f"Article {self.pk}"


class Mention(models.Model):
    """A span of an article's text that names a place, actor or accord, or states an event."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions",
                                db_index=False)  # leads mention_article_start
    kind = models.CharField(max_length=10, choices=MentionKind.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=1000)
    place = models.ForeignKey("events.Place", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="mentions")
    actor = models.ForeignKey("events.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="mentions")
    accord = models.ForeignKey("events.Accord", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="mentions")
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="mentions")

    class Meta:
        ordering = ["article", "start"]
        indexes = [models.Index(fields=["article", "start"], name="mention_article_start")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


class IngestJob(TimeStampedModel):
    """A request to ingest something (a URL, a text, a file, a feed), pollable by its id.

    The job row is written before anything is queued, so a broker outage delays the
    work but never loses it: stale queued jobs are queued again by the beat task.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=JobKind.choices)
    url = models.URLField(max_length=2000, blank=True)
    text = models.TextField(blank=True)
    title = models.CharField(max_length=1000, blank=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED, db_index=True)
    message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)  # the last attempt's error, kept after success
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} job {self.id} ({self.status})"
