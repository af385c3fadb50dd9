"""Per-client request rates, read from ``settings.API_THROTTLE_RATES``.

DRF's throttle keeps the times of every request of the window as a pickled list in the
cache, and reads and writes the whole list on each request: two round trips and a list
that grows with the rate (~0.3 ms of CPU a request at 200 a second). With the Redis cache
(conflictkb/cache.py) the same log is a sorted set that one Lua script trims, counts and
appends to: one round trip, nothing pickled, and no lost update between two workers. The
answers are DRF's: at most N requests in any window of the period, refused ones not
counted, a 429 whose Retry-After DRF's ``wait()`` formula gives. Other caches (locmem,
for local use) keep DRF's list.
"""

import itertools
import logging
import os

from django.conf import settings
from redis.commands.core import Script
from redis.exceptions import RedisError
from rest_framework import throttling

from conflictkb.client_ip import client_ip

# KEYS[1]: the client's log; ARGV: now, the window (s), the limit, a member of its own.
# Returns {allowed (0 or 1), requests in the window (with this one if allowed), the time
# of the oldest one when refused}.
_SLIDING_LOG = Script(None, b"""
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local kind = redis.call('TYPE', key)['ok']
if kind ~= 'zset' and kind ~= 'none' then
  redis.call('DEL', key)  -- not a log (a stray value): start afresh
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, count, oldest[2] or ''}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, window)
return {1, count + 1, ''}
""")
_members = itertools.count()
logger = logging.getLogger(__name__)


class _SettingsRate:
    """Reads the rate when a request comes, so a settings change applies without a restart."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # TRUSTED_PROXY_COUNT, not DRF's NUM_PROXIES (which trusts any X-Forwarded-For).
        return client_ip(request)


class _SlidingLogThrottle(_SettingsRate):
    """DRF's sliding window, kept in Redis by one script call a request (see above)."""

    # Not DRF's key: a web server of an older release, sharing the Redis during an
    # upgrade, would read this sorted set as its pickled list and fail.
    cache_format = "throttle_log_%(scope)s_%(ident)s"

    def allow_request(self, request, view):
        redis_client = getattr(self.cache, "redis", None)
        if self.rate is None or redis_client is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        member = f"{self.now!r}:{os.getpid()}:{next(_members)}"
        try:
            allowed, self._count, oldest = _SLIDING_LOG(
                keys=[self.cache.make_and_validate_key(self.key)],
                args=[repr(self.now), self.duration, self.num_requests, member],
                client=redis_client())
        except RedisError:
            # No rate can be told without the log: serve rather than fail every request.
            logger.exception("the throttle's Redis is unavailable; the request is let through")
            return True
        self._oldest = float(oldest) if oldest else None
        return bool(allowed)

    def wait(self):
        if not hasattr(self, "_count"):  # DRF's list
            return super().wait()
        if self._oldest is not None:
            remaining_duration = self.duration - (self.now - self._oldest)
        else:
            remaining_duration = self.duration
        available_requests = self.num_requests - self._count + 1
        if available_requests <= 0:
            return None
        return remaining_duration / float(available_requests)


class UserThrottle(_SlidingLogThrottle, throttling.UserRateThrottle):
    """Signed-in clients, by user.

    Anonymous clients are left to ``AnonThrottle`` (by IP, at the anonymous rate), as
    docs/api.md says: DRF's class would count them a second time, by IP at the users'
    rate, which cost two more cache round trips on every anonymous request.
    """

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class AnonThrottle(_SlidingLogThrottle, throttling.AnonRateThrottle):
    pass
