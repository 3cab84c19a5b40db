"""Who a client is (a keyed hash of the address, never the address) and how often it may act.

Shared by the ratings and comments apps. Counters live in the "shared"
cache: Redis when CACHE_URL points at it, otherwise a database table, so
every worker process counts the same requests.
"""

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client address; TrustedProxyMiddleware has already applied NUM_PROXIES."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def address_hash(address: str) -> str:
    """A keyed HMAC of an address: stable for counting, useless to anyone without the key."""
    return hmac.new(settings.ADDRESS_HASH_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def within_limits(*, scope: str, key: str, limits: list[tuple[int, int]]) -> bool:
    """Count one action for `key` and say whether every (count, seconds) window still allows it.

    Fixed windows: each window's counter expires with the window. Counters live
    in the "shared" cache. If that store cannot be reached (Redis down), they
    are counted in the database ("shared-fallback") so limits still hold across
    workers and hosts; only if that fails too is the action allowed, and logged:
    readers are never locked out by an infrastructure fault.
    """
    now = int(time.time())
    try:
        return _count(caches["shared"], scope=scope, key=key, limits=limits, now=now)
    except Exception as error:
        if "shared-fallback" not in settings.CACHES:
            logger.exception("rate-limit store unavailable; allowing %s", scope)
            return True
        logger.warning("rate-limit store unavailable (%r); counting %s in the database", error, scope)
    try:
        return _count(caches["shared-fallback"], scope=scope, key=key, limits=limits, now=now)
    except Exception:
        logger.exception("rate-limit stores unavailable; allowing %s", scope)
        return True


def _count(cache, *, scope: str, key: str, limits: list[tuple[int, int]], now: int) -> bool:
    allowed = True
    for count, seconds in limits:
        bucket = f"rl:{scope}:{seconds}:{key}:{now // seconds}"
        try:
            cache.add(bucket, 0, timeout=seconds + 1)
            hits = cache.incr(bucket)
        except ValueError:
            # The window expired between add() and incr(): start it again.
            cache.set(bucket, 1, timeout=seconds + 1)
            hits = 1
        if hits > count:
            allowed = False
    return allowed
