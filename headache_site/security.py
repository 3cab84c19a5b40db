"""Security glue that belongs to no single app."""

from django.middleware.csp import get_nonce


class NonceOnEveryPageMiddleware:
    """Make every HTML response's Content-Security-Policy carry a fresh nonce.

    Django only adds the nonce to the header once something used it; pages
    without inline scripts (the admin, error pages) would otherwise get a
    policy without one. Listed after ContentSecurityPolicyMiddleware, so it
    sees the response first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            nonce = get_nonce(request)
            if nonce is not None:
                str(nonce)
        return response
