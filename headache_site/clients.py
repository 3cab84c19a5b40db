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

    Fixed windows: each window's counter expires with the window. If the
    shared store cannot be reached the action is allowed and the failure
    logged, so readers are never locked out by an infrastructure fault.
    """
    cache = caches["shared"]
    now = int(time.time())
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
        except Exception:
            logger.exception("rate-limit store unavailable; allowing %s", scope)
            continue
        if hits > count:
            allowed = False
    return allowed
