"""Old addresses keep working (a 404 whose path is a known old address becomes a 301 to the article), and an
article's history records who changed it."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponsePermanentRedirect
from simple_history.middleware import HistoryRequestMiddleware as RequestForHistory

from .models import Redirect

# WordPress's "plain" permalinks: /?p=123, /?page_id=123.
LEGACY_QUERY_KEYS = ("p", "page_id")


def candidate_paths(request: HttpRequest) -> list[str]:
    path = request.path
    paths = [request.get_full_path(), path]
    paths.append(path[:-1] if path.endswith("/") and len(path) > 1 else f"{path}/")
    return list(dict.fromkeys(paths))


def find_redirect(paths: list[str]) -> Redirect | None:
    return Redirect.objects.select_related("article").filter(old_path__in=paths).first()


class RedirectFallbackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method in {"GET", "HEAD"} and request.path == "/":
            for key in LEGACY_QUERY_KEYS:
                value = request.GET.get(key, "")
                if value.isdigit() and (redirect := find_redirect([f"/?{urlencode({key: value})}"])):
                    return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in {"GET", "HEAD"}:
            return response
        redirect = find_redirect(candidate_paths(request))
        if redirect is None:
            return response
        target = redirect.article.get_absolute_url()
        if target == request.path:
            return response
        return HttpResponsePermanentRedirect(target)


class HistoryRequestMiddleware:
    """django-simple-history's request middleware, for requests that may come from someone signed in.

    It lets an article's history record who changed it (`request.user`). A
    request without a session cookie is no one's, which the history records
    without it just the same, so readers' requests skip it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.with_request_for_history = RequestForHistory(get_response)

    def __call__(self, request: HttpRequest):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.with_request_for_history(request)
        return self.get_response(request)
