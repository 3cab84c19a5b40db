"""Who a client is (a keyed hash of its network, never the address) and how often it may act.

Shared by the ratings and comments apps. One client is one IPv4 address or
one IPv6 /64: a home, office or phone is given a whole /64 and any device in
it may use any of its 2^64 addresses (privacy extensions pick a new one every
day), so counting IPv6 addresses one by one would let a single person vote
without limit. Counters live in the "shared" cache: Redis when CACHE_URL
points at it, otherwise a database table, so every worker process counts the
same requests.
"""

import hashlib
import hmac
import ipaddress
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# The IPv6 prefix one subscriber is given at the least (RFC 6177): every address in it is one client.
IPV6_CLIENT_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The client address; TrustedProxyMiddleware has already applied NUM_PROXIES."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def client_network(address: str) -> str:
    """The addresses one client holds: an IPv4 address itself, or the /64 an IPv6 address belongs to."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network((ip, IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


def client_key(request: HttpRequest) -> str:
    """The keyed hash that stands for the request's client in rate limits, duplicate checks and reports."""
    return address_hash(client_network(client_address(request)))


def address_hash(address: str) -> str:
    """A keyed HMAC of an address: stable for counting, useless to anyone without the key."""
    return hmac.new(settings.ADDRESS_HASH_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def within_limits(*, scope: str, key: str, limits: list[tuple[int, int]]) -> bool:
    """Count one action for `key` and say whether every (count, seconds) window still allows it.

    Each window opens with the client's first action and closes `seconds` later
    (the counter's own expiry), so "1 per 15 seconds" never lets two actions
    through a moment apart, as windows on the clock's fixed boundaries did when
    the two fell either side of one. Counters live in the "shared" cache. If
    that store cannot be reached (Redis down), they are counted in the database
    ("shared-fallback") so limits still hold across workers and hosts; only if
    that fails too is the action allowed, and logged: readers are never locked
    out by an infrastructure fault.
    """
    try:
        return _count(caches["shared"], scope=scope, key=key, limits=limits)
    except Exception as error:
        if "shared-fallback" not in settings.CACHES:
            logger.exception("rate-limit store unavailable; allowing %s", scope)
            return True
        logger.warning("rate-limit store unavailable (%r); counting %s in the database", error, scope)
    try:
        return _count(caches["shared-fallback"], scope=scope, key=key, limits=limits)
    except Exception:
        logger.exception("rate-limit stores unavailable; allowing %s", scope)
        return True


def _count(cache, *, scope: str, key: str, limits: list[tuple[int, int]]) -> bool:
    allowed = True
    for count, seconds in limits:
        window = f"rl:{scope}:{seconds}:{key}"
        # One second more than the window: the database cache keeps expiry times in whole seconds.
        try:
            cache.add(window, 0, timeout=seconds + 1)
            hits = cache.incr(window)
        except ValueError:
            # The window closed between add() and incr(): this action opens the next one.
            cache.set(window, 1, timeout=seconds + 1)
            hits = 1
        if hits > count:
            allowed = False
    return allowed
