"""Cached answers about control of territory, and the version number that expires them.

Who held which places on a date, and a place's timeline, are derived from the control log
and the names of places and actors, so they change only when one of those is written.
Their answers are cached under a version number that every such write bumps
(``control_log_changed``, called by ``ControlFlip`` and its queryset and by signals on
places, actors and deleted events), so nothing has to find and delete old entries: they
are left to expire.

The version is a row in PostgreSQL (``events_control_version``, migration 0010), set to a
new number of a sequence (never used twice, even by a transaction rolled back after it
cached an answer) in the same transaction as the write: it moves exactly when the write
becomes visible, whatever Redis does. An answer reads the version first,
then the log: a version that moved means the rows moved with it, so an answer is never
cached under a version older than the rows it shows, and never outlives a change, even
when Redis hung while the write committed (the answer cached before it sits under the
old number). The API and the map therefore always give the same answer. Redis only
stores the answers (the default ``CACHES``; with ``CACHE_URL=locmem`` every answer is
computed), and its failing never fails a request or a write: the answer is computed.

The UPDATE locks the version row until the transaction ends, so transactions that write
the control log commit one after the other from their first control write on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection

logger = logging.getLogger(__name__)

TIMEOUT = 3600
_TABLE = "events_control_version"


def _namespace() -> str:
    # Per database: test runs, benchmarks and deployments may share one Redis.
    return f"control:{connection.settings_dict['NAME']}"


def control_log_version() -> int:
    """The current version, as this connection's transaction sees it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def control_log_changed() -> None:
    """The control log, or a place's or actor's name, changed: expire the cached answers.

    Every call takes a new number, in the writer's transaction (at once outside one): an
    answer this transaction cached between two of its writes is never served after it.
    """
    # A sequence's numbers are never handed out twice, rolled back or not.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_TABLE} (id, version) VALUES (1, nextval('{_TABLE}_seq')) "
                       "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version")


def _shared() -> bool:
    # A process's own memory (CACHE_URL=locmem) never hears of the workers' writes.
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache | DummyCache)


def cached_answer(kind: str, params: tuple, build: Callable[[], bytes]) -> bytes:
    """The answer ``build()`` gives, cached under the current version, ``kind`` and ``params``.

    Only in a cache the processes share (Redis): with none, every answer is computed.
    """
    if not _shared():
        return build()
    digest = hashlib.sha1(repr(params).encode()).hexdigest()
    key = f"{_namespace()}:{control_log_version()}:{kind}:{digest}"
    try:
        body = cache.get(key)
    except Exception:
        logger.exception("the control cache is unavailable")
        return build()
    if body is None:
        body = build()
        try:
            cache.set(key, body, TIMEOUT)
        except Exception:
            logger.exception("could not cache a control answer")
    return body
