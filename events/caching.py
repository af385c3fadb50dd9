"""Cached answers about control of territory, and the version number that expires them.

Who held which places on a date, and a place's timeline, are derived from the control log
and the names of places and actors, so they change only when one of those is written.
Their answers are cached under a version number that every such write bumps
(``control_log_changed``, called by ``ControlFlip`` and its queryset and by signals on
places, actors and deleted events), so a cached answer is never stale and nothing has to
find and delete old entries: they are left to expire.

A write inside a transaction bumps the version when the transaction commits, once however
many rows it wrote: until then only its own connection sees the new rows. That connection
may have cached an answer under the current version (a request that writes, then reads),
so the write also bumps at once when the connection read the cache since its last bump. A
reader between that bump and the commit, still seeing the old rows, may cache them under
the new number, which the commit's bump leaves behind. A write outside a transaction is
committed already and bumps at once. Only a cache the processes share is used (Redis, the default
``CACHES``; with ``CACHE_URL=locmem`` every answer is computed), and its failing never
fails a request or a write: the answer is then computed, the bump skipped (entries expire
after ``TIMEOUT``, the bound on staleness then, and for writes that bypass the ORM).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

TIMEOUT = 3600


def _namespace() -> str:
    # Per database: test runs, benchmarks and deployments may share one Redis.
    return f"control:{connection.settings_dict['NAME']}"


def control_log_version() -> int:
    """The current version; a lost or new key starts from the clock, never a used number."""
    key = f"{_namespace()}:version"
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


# Set on a database connection that may have cached an answer under the current version
# since it last bumped it (unknown counts as yes).
_READ_SINCE_BUMP = "_ckb_control_cache_read"


def _bump() -> None:
    key = f"{_namespace()}:version"
    try:
        try:
            cache.incr(key)
        except ValueError:  # no version yet: nothing cached under one either
            cache.add(key, time.time_ns(), timeout=None)
    except Exception:
        logger.exception("could not expire the cached control answers")
    else:
        setattr(connection, _READ_SINCE_BUMP, False)


def control_log_changed() -> None:
    """The control log, or a place's or actor's name, changed: expire the cached answers."""
    if not connection.in_atomic_block:
        _bump()
        return
    if getattr(connection, _READ_SINCE_BUMP, True):
        _bump()
    if not any(callback is _bump for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_bump)


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
    setattr(connection, _READ_SINCE_BUMP, True)
    try:
        key = f"{_namespace()}:{control_log_version()}:{kind}:{digest}"
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
