"""Which address a request really comes from, behind a known number of proxies."""

import contextlib
import ipaddress

from django.conf import settings


class TrustedProxyMiddleware:
    """Set REMOTE_ADDR from X-Forwarded-For only as far as NUM_PROXIES vouch for it.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    client is the entry NUM_PROXIES places from the end; anything before it
    was written by the client and is ignored. With NUM_PROXIES=0 the header
    is ignored entirely, so a forged one changes nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.num_proxies = settings.NUM_PROXIES

    def __call__(self, request):
        if self.num_proxies:
            forwarded = [
                part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
            ]
            if len(forwarded) >= self.num_proxies:
                candidate = forwarded[-self.num_proxies]
                with contextlib.suppress(ValueError):
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(candidate))
        return self.get_response(request)
