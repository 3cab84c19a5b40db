"""Security glue that belongs to no single app: the NUL guard and what a refused form post shows."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.urls import Resolver404, resolve


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


def confirm_without_token(confirm: Callable[..., HttpResponse]) -> Callable:
    """Mark a form view: a post refused only for want of a valid CSRF token gets `confirm` instead.

    Shared pages carry no token (their script fetches one), so a reader
    without JavaScript posts without it. CsrfViewMiddleware still refuses
    that post; `confirm(request, *args, **kwargs)` then shows what they sent
    in a form with a fresh token (Django's), and one more click stores it.
    Posts from another site (a wrong Origin or Referer) get the plain refusal.
    """

    def mark(view: Callable) -> Callable:
        view.confirm_without_token = confirm
        return view

    return mark


def _confirmation(request: HttpRequest, reason: str) -> HttpResponse | None:
    token_only = reason in (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING) or reason.startswith("CSRF token from")
    if not token_only or request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    confirm = getattr(match.func, "confirm_without_token", None)
    return None if confirm is None else confirm(request, *match.args, **match.kwargs)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form post: a page to confirm it (see confirm_without_token), or a refusal that keeps the text."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": CSRF_MESSAGE}, status=403)
    if (confirmation := _confirmation(request, reason)) is not None:
        return confirmation
    kept_text = request.POST.get("body", "") if request.method == "POST" else ""
    return render(request, "403_csrf.html", {"message": CSRF_MESSAGE, "kept_text": kept_text}, status=403)
