"""Django's Redis cache for pages and fragments, which steps aside while Redis cannot be reached.

Cached pages and {% cache %} fragments are copies: without Redis the site
renders them again rather than answering 500. After a failed call this
process treats the cache as empty for OUTAGE_SECONDS before it tries Redis
again, so an outage costs each request at most one timeout, not one per
fragment. The rate-limit counters ("shared") keep Django's plain backend:
they must notice the outage and count in the database instead.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

OUTAGE_SECONDS = 5


class CopiesRedisCache(RedisCache):
    _down_until = 0.0

    def _guard(self, call, default):
        if time.monotonic() < self._down_until:
            return default
        try:
            return call()
        except RedisError:
            logger.warning("Redis cache unreachable: rendering without it for %d s", OUTAGE_SECONDS, exc_info=True)
            self._down_until = time.monotonic() + OUTAGE_SECONDS
            return default

    def get(self, key, default=None, version=None):
        return self._guard(lambda: super(CopiesRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._guard(lambda: super(CopiesRedisCache, self).get_many(keys, version), {})

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard(lambda: super(CopiesRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(CopiesRedisCache, self).set_many(data, timeout, version), list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(CopiesRedisCache, self).add(key, value, timeout, version), False)

    def delete(self, key, version=None):
        return self._guard(lambda: super(CopiesRedisCache, self).delete(key, version), False)
