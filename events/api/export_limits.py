"""Limits on exports: rows, not requests, and one running export per client at a time.

An export streams a whole filtered table (the gazetteer as GeoJSON is 63 MB), so counting
it as one request let one client pull tables for a rate meant for pages, and a few at once
held every web worker. Before an export starts:

- an anonymous client's export may hold at most ``API_EXPORT_MAX_ROWS_ANON`` rows (the
  paged lists serve the rest);
- its rows are charged to the client's hourly row budget (``export_rows_anon`` /
  ``export_rows_user`` in ``API_THROTTLE_RATES``): 429 with Retry-After when it is spent;
- the client takes one of ``API_EXPORT_CONCURRENCY`` slots (a Redis semaphore, released
  when the answer is closed, its lease expiring if the worker dies): 429 while its other
  exports run.

Clients are users when signed in, else their address (``conflictkb.client_ip``). Without
Redis the limits let the export through, as the request throttles do.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from redis.commands.core import Script
from redis.exceptions import RedisError
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.throttling import SimpleRateThrottle

from conflictkb.client_ip import client_ip

logger = logging.getLogger(__name__)

# Longer than any export may run (gunicorn stops a request after its timeout of 60 s).
SLOT_LEASE_SECONDS = 300

# KEYS[1]: the budget's counter for this window; ARGV: rows, limit, window (s).
# Returns the rows used after this export, or -1 when it does not fit (an export larger
# than the whole budget may still start on an unused one, else it never could).
_CHARGE = Script(None, b"""
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local rows, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
if used > 0 and used + rows > limit then return -1 end
used = redis.call('INCRBY', KEYS[1], rows)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return used
""")
# KEYS[1]: the client's running exports (token -> lease end); ARGV: now, lease end, cap, token.
_ACQUIRE = Script(None, b"""
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(ARGV[2] - ARGV[1]) + 1)
return 1
""")


def _client(request) -> tuple[str, bool]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", False
    return f"ip:{client_ip(request)}", True


def _redis():
    get = getattr(cache, "redis", None)
    return get() if get is not None else None


def _key(*parts: str) -> str:
    return cache.make_and_validate_key(":".join(("export", *parts)))


def _charge_rows(client: str, anonymous: bool, rows: int) -> None:
    rate = settings.API_THROTTLE_RATES.get("export_rows_anon" if anonymous else
                                           "export_rows_user")
    redis_client = _redis()
    if not rate or redis_client is None:
        return
    limit, window = SimpleRateThrottle.parse_rate(None, rate)
    now = time.time()
    start = int(now // window * window)
    try:
        used = _CHARGE(keys=[_key("rows", client, str(start))], args=[rows, limit, window],
                       client=redis_client)
    except RedisError:
        logger.exception("the export budget's Redis is unavailable; the export goes on")
        return
    if used < 0:
        raise Throttled(wait=start + window - now, detail=(
            f"This export of {rows:,} rows would pass your budget of {limit:,} exported rows "
            f"per {window // 60} minutes; narrow the filters or try again later."))


def _acquire_slot(client: str) -> Callable[[], None] | None:
    """Takes one of the client's export slots; returns its release (None without Redis)."""
    redis_client = _redis()
    if redis_client is None:
        return None
    key, token, now = _key("slots", client), uuid.uuid4().hex, time.time()
    try:
        taken = _ACQUIRE(keys=[key], args=[now, now + SLOT_LEASE_SECONDS,
                                           settings.API_EXPORT_CONCURRENCY, token],
                         client=redis_client)
    except RedisError:
        logger.exception("the export slots' Redis is unavailable; the export goes on")
        return None
    if not taken:
        raise Throttled(wait=5, detail="Another export of yours is still running; "
                                       "try again when it has finished.")
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            try:
                redis_client.zrem(key, token)
            except RedisError:
                logger.warning("could not release an export slot; its lease ends it",
                               exc_info=True)
    return release


def _released_after(chunks: Iterator, release: Callable[[], None]) -> Iterator:
    try:
        yield from chunks
    finally:
        release()


def limited_export(request, queryset: QuerySet,
                   respond: Callable[[QuerySet], StreamingHttpResponse]) -> StreamingHttpResponse:
    """``respond(queryset)``, the streamed export, once the limits above let it start."""
    client, anonymous = _client(request)
    rows = queryset.order_by().count()
    if anonymous and rows > settings.API_EXPORT_MAX_ROWS_ANON:
        raise ValidationError({"format": [
            f"This export would hold {rows:,} rows; anonymous exports hold at most "
            f"{settings.API_EXPORT_MAX_ROWS_ANON:,}. Narrow the filters, read the paged "
            "list (without format=), or sign in."]})
    _charge_rows(client, anonymous, max(rows, 1))
    release = _acquire_slot(client)
    try:
        response = respond(queryset)
    except BaseException:
        if release:
            release()
        raise
    if release:
        # Released when the last piece is sent or the client goes away (the server closes
        # the answer: its closers run even if streaming never started).
        response.streaming_content = _released_after(response.streaming_content, release)
        response._resource_closers.append(release)
    return response
