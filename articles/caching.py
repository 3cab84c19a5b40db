"""Shared pages: one page for every anonymous reader, held by HTTP caches and purged when it changes.

A request is *shared* when it is a GET or HEAD without a session or a flash
message cookie: staff, and readers whose comment awaits moderation, have a
session and get pages rendered for them alone (`Cache-Control: private`).

Views wrapped in `shared_page` answer shared requests with a page that holds
nothing of its reader (no CSRF token, no CSP nonce, no vote, no cookie), and
say so in HTTP: `Cache-Control: public` with a short max-age for browsers and
a long s-maxage for shared caches, and the page's tags in `Surrogate-Key`
(Fastly; Varnish copies it into xkey) and `Cache-Tag` (Cloudflare). Varnish
or a CDN in front keep such pages; without one, Django's own cache
middleware (`cache_page`) keeps them here. What belongs to the reader comes
from one small uncached request (articles/reader.py).

When something a page shows changes, `purge(*tags)` runs once the change is
committed. It notes the moment each tag was purged, so every page and
template fragment this site cached before that moment counts as gone, and
hands the tags to the caches in front (articles/frontend_cache.py).

Tags: "site" (every page: the header lists the topics), "lists" (pages that
list articles: home, topics, search, feeds, sitemap), "article-<pk>" (an
article's page), "topic-<pk>" (a topic's page). Two more only name cached
fragments: "article-<pk>-text" (its text, head and references) and
"article-<pk>-comments" (its comment thread).
"""

import functools
import logging
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.cache import CacheMiddleware
from django.urls import reverse
from django.utils.cache import has_vary_header, patch_cache_control, set_response_etag
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date

logger = logging.getLogger(__name__)

SITE = "site"
LISTS = "lists"
# Seconds a shared cache may keep serving a page while it fetches a fresh one, and while the site is down.
STALE_WHILE_REVALIDATE = 60
STALE_IF_ERROR = 86400
# Purges are numbered in the cache (no clock needed): a page is out of date once a tag it shows has a
# purge numbered after the one it was rendered under. The count starts at a number it never held before,
# noted as the epoch: after an emptied cache, nothing rendered earlier is trusted.
_SEQUENCE = "purges"
_EPOCH = "purges:since"
_MARK = "purged:"


def is_shared(request: HttpRequest) -> bool:
    """Whether this request gets the page every anonymous reader gets."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not cookies.get(settings.SESSION_COOKIE_NAME)
        and not cookies.get(CookieStorage.cookie_name)
    )


def article_tag(article) -> str:
    return f"article-{article.pk}"


def topic_tag(topic) -> str:
    return f"topic-{topic.pk}"


def text_tag(article) -> str:
    return f"article-{article.pk}-text"


def comments_tag(article) -> str:
    return f"article-{article.pk}-comments"


def add_cache_tags(response: HttpResponse, *tags: str) -> HttpResponse:
    """Name what the page shows, for purging it later ("site" is added by shared_page)."""
    response.cache_tags = {*getattr(response, "cache_tags", ()), *tags}
    return response


# ------------------------------------------------------------------ purging


def purge(*tags: str, paths: Iterable[str] = ()) -> None:
    """Drop every cached page and fragment with one of these tags, here and in the caches in front.

    Call it once the change is committed (`transaction.on_commit`). `paths`
    are the addresses concerned, for caches that purge by address
    (CloudFront); tag-based caches ignore them.
    """
    from .frontend_cache import purger

    if mark_purged(tags):
        purger.mark_later(tags)
    purger.request(tags=tags, paths=paths)


def mark_purged(tags: Iterable[str]) -> list[str]:
    """Note in this site's cache that `tags` were purged now; returns what could not be noted."""
    tags = list(tags)
    try:
        current_purge()
        number = cache.incr(_SEQUENCE)
        if number is None:  # a cache that hides its outage (django-redis' IGNORE_EXCEPTIONS)
            return tags
        return cache.set_many({_MARK + tag: number for tag in tags}, timeout=None) or []
    except Exception:
        logger.exception("Could not note the purge of %s", ", ".join(tags))
        return tags


def current_purge() -> int:
    """The number of the latest purge: what a page rendered from now on is rendered under."""
    number = cache.get(_SEQUENCE)
    if number is None:  # a new or emptied cache: start where no earlier count can have reached
        start = time.time_ns() // 1000
        cache.add(_EPOCH, start, timeout=None)
        cache.add(_SEQUENCE, start, timeout=None)
        number = cache.get(_SEQUENCE, start)
    return number


def list_paths() -> list[str]:
    """The addresses of pages that list articles, for caches that purge by address."""
    topic = reverse("articles:topic", kwargs={"slug": "_"}).removesuffix("_/")
    home, search, feed, sitemap = (reverse(f"articles:{name}") for name in ("home", "search", "feed", "sitemap"))
    return [home, f"{search}*", f"{feed}*", sitemap, f"{topic}*"]


def purge_article_page(article, *, text: bool = False, comments: bool = False) -> None:
    """An article's page and the lists changed: its figures always, its text or its comments when they did."""
    tags = [article_tag(article), LISTS]
    if text:
        tags.append(text_tag(article))
    if comments:
        tags.append(comments_tag(article))
    purge(*tags, paths=[f"{article.get_absolute_url()}*", *list_paths()])


def purge_site() -> None:
    """Something every page shows changed (the topic menu, a contributor's name, an import)."""
    purge(SITE, LISTS, paths=["/*"])


def purge_versions(*tags: str) -> dict[str, int]:
    """The number of each tag's latest purge, and (under "*") the epoch: what cached copies are checked against."""
    try:
        found = cache.get_many([_EPOCH, *(_MARK + tag for tag in tags)])
        if _EPOCH not in found:
            current_purge()
            found[_EPOCH] = cache.get(_EPOCH)
    except Exception:
        logger.exception("Could not read purge numbers from the cache")
        found = {}
    if found.get(_EPOCH) is None:
        found[_EPOCH] = time.time_ns()  # the cache cannot say: nothing cached is trusted
    return {"*": found[_EPOCH]} | {tag: found.get(_MARK + tag, 0) for tag in tags}


def fragment_version(request: HttpRequest, *tags: str) -> str:
    """A part of a {% cache %} fragment's key that changes whenever one of `tags` is purged.

    The numbers are read once per request (`read_purge_numbers` may read them all at once): the
    fragments of one page are all made under the same purges.
    """
    read = getattr(request, "_purge_numbers", None)
    if read is None or not set(tags) <= read.keys():
        read = read_purge_numbers(request, *tags)
    return "-".join(str(read[tag]) for tag in ("*", *tags))


def unchanged_since(request: HttpRequest, rendered_under: int | None, *tags: str) -> bool:
    """Whether none of `tags` was purged after purge number `rendered_under` (what a kept copy was made under)."""
    if rendered_under is None:
        return False
    numbers = read_purge_numbers(request, *tags)
    return all(numbers[tag] <= rendered_under for tag in ("*", *tags))


def read_purge_numbers(request: HttpRequest, *tags: str) -> dict[str, int]:
    """Read the purge numbers of `tags` (and the epoch) for this request's fragments, in one round trip."""
    known = getattr(request, "_purge_numbers", {})
    request._purge_numbers = {**known, **purge_versions(*(tag for tag in tags if tag not in known))}
    return request._purge_numbers


def _purged_since(tags: Iterable[str], rendered_under: int) -> bool:
    return any(number > rendered_under for number in purge_versions(*tags).values())


def next_publication_delay() -> float | None:
    """Seconds until the next scheduled article goes live (lists must show it then), or None."""
    from .models import Article

    upcoming = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    return None if upcoming is None else max(1.0, upcoming.timestamp() - time.time())


# ------------------------------------------------------------------ shared pages


class PageCacheMiddleware(CacheMiddleware):
    """Django's cache middleware for shared pages; a page counts as gone once one of its tags is purged."""

    def __init__(self, get_response):
        super().__init__(get_response, page_timeout=settings.PAGE_CACHE_SECONDS, cache_alias="pages")

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None and not _still_fresh(response):
            request._cache_update_cache = True
            return None
        return response


def _still_fresh(response: HttpResponse) -> bool:
    fresh_until = getattr(response, "fresh_until", 0)
    return time.time() < fresh_until and not _purged_since(response.cache_tags, response.rendered_under)


def shared_page(view: Callable, *, tags: Iterable[str] = ()) -> Callable:
    """Serve `view` to shared requests as one public, cacheable page; to everyone else as a private one.

    `tags` name what every page of this view shows; a view adds its own with `add_cache_tags`.
    """
    cached_view = decorator_from_middleware(PageCacheMiddleware)(_as_shared(view, tags=tuple(tags)))

    @functools.wraps(view)
    def serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_shared(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        # What Varnish does too: cookies play no part in a shared page (the reader's token never reaches it).
        request.COOKIES = {}
        request.META.pop("HTTP_COOKIE", None)
        request.META.pop("CSRF_COOKIE", None)
        return cached_view(request, *args, **kwargs)

    return serve


def _as_shared(view: Callable, *, tags: tuple[str, ...]) -> Callable:
    @functools.wraps(view)
    def render_shared(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        rendered_at, rendered_under = time.time(), _current_purge_or_none()
        request.rendered_under = rendered_under
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        return _make_public(add_cache_tags(response, *tags), rendered_at=rendered_at, rendered_under=rendered_under)

    return render_shared


def _current_purge_or_none() -> int | None:
    try:
        return current_purge()
    except Exception:
        logger.exception("Could not read the purge count from the cache")
        return None


def _make_public(response: HttpResponse, *, rendered_at: float, rendered_under: int | None) -> HttpResponse:
    if response.status_code != 200 or response.streaming:
        return response
    if response.cookies or has_vary_header(response, "Cookie"):
        # A shared page that used something of its reader: never let a cache hand it to anyone else.
        logger.error("A shared page set a cookie or varies on cookies; sent as private instead")
        patch_cache_control(response, private=True, no_cache=True)
        return response
    tags = sorted({SITE, *getattr(response, "cache_tags", ())})
    seconds = settings.PAGE_CACHE_SECONDS
    if LISTS in tags and (delay := next_publication_delay()) is not None:
        seconds = min(seconds, int(delay))
    if rendered_under is None or _purged_since(tags, rendered_under):
        seconds = 0  # something it shows changed while it was rendered (or the cache cannot tell)
    response.cache_tags, response.rendered_under, response.fresh_until = tags, rendered_under, rendered_at + seconds
    browser_seconds = min(settings.BROWSER_CACHE_SECONDS, seconds)
    patch_cache_control(
        response,
        public=True,
        max_age=browser_seconds,
        s_maxage=seconds,
        stale_while_revalidate=STALE_WHILE_REVALIDATE,
        stale_if_error=STALE_IF_ERROR,
    )
    response.setdefault("Last-Modified", http_date(rendered_at))
    response["Expires"] = http_date(rendered_at + browser_seconds)
    response["Surrogate-Key"] = " ".join(tags)
    response["Cache-Tag"] = ",".join(tags)
    set_response_etag(response)
    return response
