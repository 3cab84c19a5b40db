"""Security glue that belongs to no single app."""

import copy

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse, JsonResponse
from django.middleware import csp
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.utils.csp import CSP, build_policy

# A nonce no policy can hold (a header value has no NUL), replaced by each response's own.
_NONCE_STAND_IN = "\x00"
# id(config) -> (a copy of the config, its policy with the stand-in nonce, its policy without a nonce)
_policies: dict[int, tuple[dict, str, str]] = {}


def policy(config: dict, nonce) -> str:
    """What django.utils.csp.build_policy(config, nonce) gives, built once per configuration.

    Django builds each policy from its settings for every response; here the
    text is kept per configuration (compared by value, so a changed setting is
    seen) and only the nonce is filled in.
    """
    kept = _policies.get(id(config))
    if kept is None or kept[0] != config:
        kept = (copy.deepcopy(config), build_policy(config, _NONCE_STAND_IN), build_policy(config, None))
        if len(_policies) > 32:
            _policies.clear()
        _policies[id(config)] = kept
    return kept[1].replace(_NONCE_STAND_IN, str(nonce)) if nonce else kept[2]


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's, with each policy's text built once (see `policy`); otherwise the same steps."""

    def process_response(self, request, response):
        nonce = get_nonce(request)
        unset = object()
        if (config := getattr(response, "_csp_config", unset)) is unset:  # a view's @csp_override wins
            config = settings.SECURE_CSP
        if (report_only := getattr(response, "_csp_ro_config", unset)) is unset:
            report_only = settings.SECURE_CSP_REPORT_ONLY
        for header, chosen in ((CSP.HEADER_ENFORCE, config), (CSP.HEADER_REPORT_ONLY, report_only)):
            if chosen and header not in response:  # a header the view set itself is left alone
                response.headers[str(header)] = policy(chosen, nonce)
        return response


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


class RefuseNulCharactersMiddleware:
    """Answer 400 to an address whose path or query string holds a NUL character.

    No page, search or slug has one, and PostgreSQL refuses text containing
    it (SQLite does not), so without this a search for "%00" would be a 500
    on one database and a page on the other. Form fields need no such guard:
    Django's form fields refuse NUL characters with a message of their own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query:
            raise BadRequest("A NUL character in the address.")
        return self.get_response(request)


CSRF_MESSAGE = (
    "This form has expired, or your browser did not send the site's security cookie. "
    "Nothing was saved. Reload the page and send it again."
)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A refused form post explains itself, and gives back the reader's text so nothing is lost."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": CSRF_MESSAGE}, status=403)
    kept_text = request.POST.get("body", "") if request.method == "POST" else ""
    return render(request, "403_csrf.html", {"message": CSRF_MESSAGE, "kept_text": kept_text}, status=403)
