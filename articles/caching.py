"""Whole-page cache for anonymous readers, invalidated explicitly when what a page shows changes.

Pages are stored with their per-request parts (CSRF tokens, CSP nonces)
replaced by placeholders, and those are filled in for each reader, so a
cached page never hands one reader's token to another. A reader with a
session (staff, or someone with a comment awaiting moderation) or a
pending flash message always gets a freshly rendered page.

Version counters in the cache make invalidation precise:
- "content": any article or topic saved, published or removed (every page);
- "lists": a comment approved or removed, a vote cast (home and topic pages);
- one per article: its comments or its rating figures changed (its own page);
- one per article's discussion: its comments changed (the cached thread
  fragment, which a vote leaves alone, so re-rendering a page after a vote
  does not re-render fifty comments).
"""

import functools
import hashlib
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "__CSRF_TOKEN__"
NONCE_PLACEHOLDER = "__CSP_NONCE__"
CSRF_INPUT_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
NONCE_ATTR_RE = re.compile(r'( nonce=")[^"]*(")')

CONTENT_KEY = "pages:v:content"
LISTS_KEY = "pages:v:lists"


def _article_key(slug: str) -> str:
    return "pages:v:article:" + hashlib.sha256(slug.encode()).hexdigest()[:24]


def _discussion_key(slug: str) -> str:
    return "pages:v:discussion:" + hashlib.sha256(slug.encode()).hexdigest()[:24]


def _bump(*keys: str) -> None:
    for key in keys:
        try:
            if not cache.add(key, 2, timeout=None):
                cache.incr(key)
        except Exception:
            logger.exception("page cache: could not invalidate %s", key)


def invalidate_content() -> None:
    """An article or topic changed: every cached page is out of date."""
    _bump(CONTENT_KEY)


def invalidate_article(*, article) -> None:
    """Comments or rating figures of one article changed: its page and the lists that show them."""
    _bump(_article_key(article.slug), LISTS_KEY)


def invalidate_discussion(*, article) -> None:
    """Comments of one article changed: its thread fragment, its page and the lists that count them."""
    _bump(_discussion_key(article.slug), _article_key(article.slug), LISTS_KEY)


def cached_fragment(*, article, name: str, render: Callable[[], str]) -> SafeString:
    """A part of an article page that only its comments change, kept until they (or any content) do.

    `render` must produce HTML that is the same for every reader (no tokens,
    nothing personal); it is our own template output, hence safe.
    """
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return mark_safe(render())
    versions = _versions(CONTENT_KEY, _discussion_key(article.slug))
    if not versions:
        return mark_safe(render())
    key = f"fragment:{versions}:{article.pk}:{name}"
    try:
        html = cache.get(key)
    except Exception:
        logger.exception("fragment cache unavailable")
        html = None
    if html is None:
        html = str(render())
        try:
            cache.set(key, html, timeout=settings.FRAGMENT_CACHE_SECONDS)
        except Exception:
            logger.exception("fragment cache: could not store %s", name)
    return mark_safe(html)


def _versions(*keys: str) -> str:
    try:
        found = cache.get_many(keys)
    except Exception:
        logger.exception("page cache: versions unavailable")
        return ""
    return ".".join(str(found.get(key, 1)) for key in keys)


def reader_may_share(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD with nothing personal to show: the shared copy fits."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _personalise(request: HttpRequest, body: str) -> bytes:
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in body:
        body = body.replace(NONCE_PLACEHOLDER, str(get_nonce(request)))
    return body.encode()


def _respond(request: HttpRequest, entry: dict, *, hit: bool) -> HttpResponse:
    not_modified = get_conditional_response(request, etag=entry["etag"])
    if not_modified is not None:
        response = not_modified
    else:
        response = HttpResponse(_personalise(request, entry["body"]), content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["X-Page-Cache"] = "hit" if hit else "miss"
    patch_cache_control(response, private=True, no_cache=True)
    return response


def cache_for_readers(scope: Callable[..., str | None]):
    """Serve a view's 200 responses to anonymous readers from the cache.

    `scope(**view_kwargs)` gives the slug of the article a page belongs to
    (None for list pages); it must not touch the database.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not reader_may_share(request):
                return view(request, *args, **kwargs)
            slug = scope(**kwargs)
            versions = (
                _versions(CONTENT_KEY, _article_key(slug)) if slug is not None else _versions(CONTENT_KEY, LISTS_KEY)
            )
            if not versions:
                return view(request, *args, **kwargs)
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"pages:{versions}:{digest}"
            try:
                entry = cache.get(key)
            except Exception:
                logger.exception("page cache unavailable")
                entry = None
            if entry is not None:
                return _respond(request, entry, hit=True)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            body = NONCE_ATTR_RE.sub(
                rf"\g<1>{NONCE_PLACEHOLDER}\g<2>",
                CSRF_INPUT_RE.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode()),
            )
            entry = {
                "body": body,
                "content_type": response["Content-Type"],
                "etag": f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"',
            }
            try:
                cache.set(key, entry, timeout=_timeout() if slug is None else settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("page cache: could not store %s", request.path)
            return _respond(request, entry, hit=False)

        return wrapped

    return decorator


def _timeout() -> int:
    """Cache no longer than until the next scheduled article goes live (lists must show it)."""
    from .models import Article

    seconds = settings.PAGE_CACHE_SECONDS
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if upcoming is not None:
        seconds = min(seconds, max(1, int((upcoming - timezone.now()).total_seconds()) + 1))
    return seconds
