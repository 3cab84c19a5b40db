"""The security headers on every response, errors included, and no personal response kept by shared caches.

Django's own middleware adds the headers on the way out, but only to the
responses that pass through it: an answer given before it ran (a 400 for a
bad Host header, raised by the first middleware that asks for the host)
left without them. This middleware comes first, so it
sees every answer, and fills in whatever is missing with Django's own steps,
leaving every header a view or an inner middleware already set alone.

A 304 gets no Content-Security-Policy: browsers replace the stored page's
headers with a 304's, and a new policy's nonce would not match the scripts
of the page they keep (Django's own 304s leave it out for the same reason).
"""

from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import has_vary_header, patch_cache_control

# Directives by which a response says a shared cache may keep it (or must not keep it at all).
SHARING_DIRECTIVES = {"public", "s-maxage", "private", "no-store"}


def _not_called(request):
    raise AssertionError("only the response steps of these middleware are used")


class HardenEveryResponseMiddleware:
    """Adds missing security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy, COOP, HSTS) to every
    response, and `Cache-Control: private` to one that varies on cookies without saying it may be shared."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.steps = [SecurityMiddleware(_not_called), XFrameOptionsMiddleware(_not_called)]
        self.policy = ContentSecurityPolicyMiddleware(_not_called)

    def __call__(self, request):
        response = self.get_response(request)
        for step in self.steps:
            response = step.process_response(request, response)
        if response.status_code != 304:
            response = self.policy.process_response(request, response)
        if has_vary_header(response, "Cookie") and not _says_who_may_keep_it(response):
            # Rendered for whoever sent these cookies (a signed-in editor, a reader's session): theirs alone.
            patch_cache_control(response, private=True)
        return response


def _says_who_may_keep_it(response) -> bool:
    directives = {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
    return bool(directives & SHARING_DIRECTIVES)
