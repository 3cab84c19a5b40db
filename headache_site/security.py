"""Security glue that belongs to no single app."""

from django.core.exceptions import BadRequest
from django.http import HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render


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
