"""Write functions: every change to the knowledge base goes through here (HackSoft style)."""

from .acled import acled_import
from .actors import (
    accord_create,
    accord_update,
    actor_create,
    actor_support_set,
    actor_update,
)
from .articles import (
    article_claim,
    article_create_from_clean,
    article_mark_failed,
    article_mark_skipped,
    article_submit_file,
    article_submit_text,
    article_submit_url,
    articles_queue_extraction,
    feed_submit,
    job_claim,
    job_fail,
    job_finish,
)
from .control import control_log_rebuild, control_log_refresh_sources, control_log_sync
from .events import (
    event_correct,
    event_create,
    event_merge,
    event_reject,
    event_revert,
    event_split,
    event_verify,
)
from .extraction import article_extract, article_extraction_save
from .feeds import feed_poll
from .gazetteer import gazetteer_load, gazetteer_load_cities500, gazetteer_load_dump
from .gazetteer_sources import gazetteer_load_file, gazetteer_load_sources, place_create
from .history import revision_record, revisions_for, snapshot
from .registry import registry_load

__all__ = [
    "gazetteer_load_file", "gazetteer_load_sources", "place_create",
    "accord_create",
    "accord_update",
    "actor_create",
    "actor_support_set",
    "actor_update",
    "article_claim",
    "article_create_from_clean",
    "article_mark_failed",
    "article_mark_skipped",
    "article_submit_file",
    "article_submit_text",
    "article_submit_url",
    "articles_queue_extraction",
    "feed_poll",
    "feed_submit",
    "job_claim",
    "job_fail",
    "job_finish",
    "acled_import",
    "article_extract",
    "article_extraction_save",
    "control_log_rebuild",
    "control_log_refresh_sources",
    "control_log_sync",
    "event_correct",
    "event_create",
    "event_merge",
    "event_reject",
    "event_revert",
    "event_split",
    "event_verify",
    "gazetteer_load",
    "gazetteer_load_cities500",
    "gazetteer_load_dump",
    "registry_load",
    "revision_record",
    "revisions_for",
    "snapshot",
]
