"""Django's Redis cache, with its Redis client made once rather than for every call.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` on every cache call (over the
same connection pool), and redis-py fills a dict of ~160 reply callbacks for each one:
~50 µs of CPU, half of a small ``cache.get``. A ``redis.Redis`` is safe to share between
threads, so one per pool is kept. ``RedisCache.redis()`` hands it out for commands the
cache API has no word for (events/api/throttling.py).
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` reusing its Redis clients."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def redis(self):
        """The ``redis.Redis`` client that writes (the first server)."""
        return self._cache.get_client(write=True)
