"""Whole-page cache for anonymous readers, invalidated explicitly when what a page shows changes.

`ReaderPageCacheMiddleware` comes first in the middleware stack: a shared
page is answered before sessions, authentication or the view run, and a
miss is stored with the headers the whole stack gave it. In production,
`ReaderPageCacheApplication` (headache_site/wsgi.py) answers plain hits
with the same stored pages even before Django's request handling starts.
Pages are stored with their per-request parts (CSRF tokens, CSP nonces)
replaced by placeholders, and those are filled in for each reader, so a
cached page never hands one reader's token to another. A reader with a
session (staff, or someone with a comment awaiting moderation), a pending
flash message or any other personal cookie (settings.PAGE_CACHE_PERSONAL_COOKIES)
always gets a freshly rendered page.

Live regions: a part of a page that changes far more often than the rest
(an article's rating figures change with every vote) is stored apart from
the page. The page keeps a marker; the region is rendered again, on its own,
when its version moves, and spliced in. A vote renders the new region for
the cache at once (`refresh_live_regions`), so the next reader gets a plain
hit. A region may also be personal: a reader who voted gets the shared page
with only the star widget rendered for them (their own vote checked), from
one query, and that copy is never kept.

Parts: when a page must be rendered, views put it together from parts kept
under the counters of what they show (`cached_part`, `cached_fragment`,
`kept_for_article`, `shared_live_region`, the `{% kept %}` tag): the
article's record and text, its discussion settings, the comment section
(thread and forms), the star widget and its form, the topic menu and the
site's frame. Kept HTML is stored as ASCII (`ascii_html`).

A process keeps copies of the pages it served (`LocalPages`), of the parts
and of the shared live regions, each tagged with the counters it was made under. With
Redis it also keeps the counters themselves, which Redis' invalidation
broadcasts keep current (headache_site/key_mirror.py): a hit then needs no
round trip at all.

Version counters in the cache make invalidation precise:
- "content": any article or topic saved, published or removed (every page);
- "lists": a comment approved or removed, a vote cast (home and topic pages);
- one per article: its rating figures changed (its live rating region);
- one per article's discussion: its comments changed (its page and the cached
  thread fragment, which a vote leaves alone).
"""

import functools
import hashlib
import logging
import pickle
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csp import get_nonce
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.csp import LazyNonce
from django.utils.safestring import SafeString, mark_safe

from headache_site.csrf import cookie_header, mask, masked_token, secret_from_cookie
from headache_site.key_mirror import KeyMirror
from headache_site.redis_cache import RedisCache

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "__CSRF_TOKEN__"
NONCE_PLACEHOLDER = "__CSP_NONCE__"
CSRF_INPUT_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
NONCE_ATTR_RE = re.compile(r'( nonce=")[^"]*(")')

# Stand-ins in kept parts for what each response fills in: characters no CSRF token or nonce holds.
CSRF_STAND_IN = "[csrf token]"
NONCE_STAND_IN = "[csp nonce]"

# Cache keys are short on purpose: Django checks every character of every key on every lookup.
CONTENT_KEY = "pv:content"
LISTS_KEY = "pv:lists"


def _article_key(slug: str) -> str:
    return "pv:a:" + _key_digest(slug, 20)


def _discussion_key(slug: str) -> str:
    return "pv:d:" + _key_digest(slug, 20)


# What renders pages: a new release (templates, code, static files' hashed names) must not be
# served pages or parts an earlier release rendered, though both share Redis during a rolling deploy.
_RENDERING_APPS = ("articles", "comments", "ratings", "headache_site")
_RENDERING_SUFFIXES = frozenset({".py", ".html", ".txt", ".xml"})


def rendering_files() -> list[Path]:
    """The templates, code and static-files manifest that decide what a rendered page holds."""
    base = Path(settings.BASE_DIR)
    files = [path for path in (base / "templates").rglob("*") if path.is_file()]
    for app in _RENDERING_APPS:
        files += [path for path in (base / app).rglob("*") if path.suffix in _RENDERING_SUFFIXES]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        files.append(manifest)
    return sorted(files)


def fingerprint(files: list[Path], *, base: Path, extra: str = "") -> str:
    """A digest of the files' bytes and their paths within `base` (every host's checkout may sit elsewhere),
    and of `extra`."""
    digest = hashlib.sha256(extra.encode() + b"\0")
    for path in files:
        name = path.relative_to(base) if path.is_relative_to(base) else path.name
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:10]


@functools.cache
def release() -> str:
    """This release's fingerprint, part of every page, region and part key (worked out once per process)."""
    # Django's version too: it renders forms and widgets, and kept model instances are its pickles.
    return fingerprint(rendering_files(), base=Path(settings.BASE_DIR), extra=django.get_version())


def _first_version() -> int:
    """Where a version counter starts (when first used, or after the cache lost it): never a number
    it held before, so a copy made under an earlier counter (kept by a worker, say) cannot match."""
    return time.time_ns() // 1000


def _bump(*keys: str) -> None:
    for key in keys:
        try:
            if not cache.add(key, _first_version(), timeout=None):
                cache.incr(key)
        except Exception:
            logger.exception("page cache: could not invalidate %s", key)
    mirror = _version_mirror()
    if mirror is not None:
        mirror.forget(keys)  # this process reads its own change at once; the others hear from Redis
    already = _versions_read.get()
    if already:
        for key in keys:
            already.pop(key, None)


_mirrors: dict[tuple, KeyMirror] = {}


def _version_mirror() -> KeyMirror | None:
    """This process's copy of the version counters, when the cache is Redis (None otherwise)."""
    backend = caches["default"]
    if not settings.PAGE_CACHE_TRACKING or not isinstance(backend, RedisCache):
        return None
    where = (backend._servers[0], backend.key_prefix, backend.version)
    mirror = _mirrors.get(where)
    if mirror is None:
        options = {name: value for name, value in backend._options.items() if name.startswith("socket_connect")}
        mirror = _mirrors.setdefault(
            where, KeyMirror(url=where[0], prefix=backend.make_key("pv:"), make_key=backend.make_key, options=options)
        )
    return mirror


_local_regions: dict[str, dict] = {}


def forget_local_copies() -> None:
    """Drop this process's copies of pages and live regions (tests; the shared cache is untouched)."""
    local_pages.clear()
    _local_regions.clear()


def _local_region(key: str, version: str) -> dict | None:
    region = _local_regions.get(key)
    return region if region is not None and region["version"] == version else None


def _keep_region(key: str, region: dict) -> None:
    if len(_local_regions) > 2048:
        _local_regions.clear()
    _local_regions[key] = region


def _read_versions(found: dict, keys) -> list[str]:
    """The counters for `keys` from a get_many result; missing ones are started (rare: after a flush)."""
    versions = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = _first_version()
            if not cache.add(key, value, timeout=None):
                value = cache.get(key, value)
        versions.append(str(value))
    return versions


def invalidate_content() -> None:
    """An article or topic changed: every cached page is out of date."""
    _bump(CONTENT_KEY)


def invalidate_article(*, article) -> None:
    """Comments or rating figures of one article changed: its page and the lists that show them."""
    _bump(_article_key(article.slug), LISTS_KEY)


def invalidate_discussion(*, article) -> None:
    """Comments of one article changed: its thread fragment, its page and the lists that count them."""
    _bump(_discussion_key(article.slug), _article_key(article.slug), LISTS_KEY)


def cached_fragment(*, article, name: str, render: Callable[[], str], with_comments: bool = True) -> SafeString:
    """A part of an article page kept until the article's content (or any content) changes, and
    also, with `with_comments`, until its comments do.

    `render` must produce HTML that is the same for every reader (no tokens,
    nothing personal); it is our own template output, hence safe. It is kept
    as `ascii_html`.
    """
    return mark_safe(
        kept_for_article(article=article, name=name, make=lambda: ascii_html(render()), with_comments=with_comments)
    )


_RAW_TEXT_RE = re.compile(r"<(?:script|style)\b[^>]*>(.*?)</(?:script|style)", re.S | re.I)


def ascii_html(html: str) -> str:
    """The same HTML with every character outside ASCII written as a character reference (★ as &#9733;).

    Kept parts are stored this way. Python stores a string at the width of
    its widest character: one star makes a whole page two bytes a character,
    so every join, search and the final encoding to UTF-8 of a page put
    together from parts costs several times more (the encoding about fifty
    times). Browsers read the references as the characters themselves, in
    text and in attribute values; inside <script> and <style> they would not,
    so HTML holding other characters there is returned unchanged (our JSON-LD
    is ASCII: as_script).
    """
    if html.isascii() or any(not found[1].isascii() for found in _RAW_TEXT_RE.finditer(html)):
        return html
    return html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def kept_for_article(*, article, name: str, make: Callable[[], Any], with_comments: bool = True) -> Any:
    """What `make()` gives for this article (HTML, a model instance, None), kept like `cached_fragment`.

    Treat what comes back as read-only: this process may hand the same object to other requests.
    """
    scope = (CONTENT_KEY, _discussion_key(article.slug)) if with_comments else (CONTENT_KEY,)
    return cached_part(scope=scope, key=f"{article.pk}:{name}", render=make)


def cached_part(*, scope: tuple[str, ...], key: str, render: Callable[[], Any]) -> Any:
    """What `render()` gives, made once per version of the `scope` counters and shared by every process.

    The key holds the counters' current values, so a change makes a new key
    and nothing out of date is ever read. This process keeps a copy of what
    it used lately (with the page copies), so a warm part costs no round trip
    when Redis keeps this process's counters current. Without a cache (or
    with FRAGMENT_CACHE_SECONDS=0) it is rendered every time.
    """
    timeout = settings.FRAGMENT_CACHE_SECONDS
    if timeout <= 0:
        return render()
    versions = current_versions(*scope)
    if not versions:
        return render()
    full_key = f"fr:{release()}:{versions}:{_key_digest(key, 24)}"
    copy = local_pages.get(full_key) if local_pages.max_bytes else None
    if copy is not None:
        return copy["value"]
    try:
        entry = cache.get(full_key)
    except Exception:
        logger.exception("fragment cache unavailable")
        entry = None
    if entry is None:
        entry = {"value": render(), "expires": time.time() + timeout}
        try:
            cache.set(full_key, entry, timeout=timeout)
        except Exception:
            logger.exception("fragment cache: could not store %s", key)
    if local_pages.max_bytes:
        local_pages.put(full_key, entry, size=_size_of(entry["value"]))
    return entry["value"]


def _size_of(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size_of(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_size_of(item) for item in value)
    if value is None or isinstance(value, (int, float, bool)):
        return 64
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))  # a model instance: its text counts


# The counters read while one reader's page is put together (see `versions_read_once`).
_versions_read: ContextVar[dict[str, str] | None] = ContextVar("versions_read", default=None)


@contextmanager
def versions_read_once():
    """Within it, each version counter is read once and every part of the page uses that value.

    For readers' GETs (ReaderPageCacheMiddleware): a page is put together
    under one set of versions, at the cost of one read per counter instead of
    one per part. A change made meanwhile reaches the next request, as it
    would have if this one had come a moment earlier. Changes made within it
    (`_bump`) are read again.
    """
    token = _versions_read.set({})
    try:
        yield
    finally:
        _versions_read.reset(token)


def current_versions(*keys: str) -> str:
    """The version counters for `keys`, joined with dots ("" when the cache is unavailable).

    With Redis, this process's copy of the counters (kept current by Redis'
    invalidation broadcasts) answers without a round trip.
    """
    already = _versions_read.get()
    if already is not None and all(key in already for key in keys):
        return ".".join([already[key] for key in keys])
    mirror = _version_mirror()
    try:
        known, epoch = mirror.known(keys) if mirror is not None else ({}, -1)
        missing = [key for key in keys if key not in known]
        found = cache.get_many(missing) if missing else {}
        if missing and mirror is not None:
            mirror.remember({key: found[key] for key in missing if key in found}, epoch)
        found.update(known)
        versions = _read_versions(found, keys)
    except Exception:
        logger.exception("page cache: versions unavailable")
        return ""
    if already is not None:
        already.update(zip(keys, versions, strict=True))
    return ".".join(versions)


def reader_may_share(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD with nothing personal to show: the shared copy fits."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in {"GET", "HEAD"}:
        return False
    cookies = request.COOKIES
    return not any(name in cookies for name in settings.PAGE_CACHE_PERSONAL_COOKIES)


# ---------------------------------------------------------------- marking views and live regions


def cache_for_readers(scope: Callable[..., str | None]):
    """Let anonymous readers get this view's 200 responses from the page cache.

    `scope(**url_kwargs)` gives the slug of the article a page belongs to
    (None for list pages); it must not touch the database. Works on view
    functions and on class-based views.
    """

    def mark(view):
        view.page_cache_scope = staticmethod(scope) if isinstance(view, type) else scope
        return view

    return mark


def _route(path: str) -> tuple[bool, str | None]:
    """(cacheable, article slug) for a path."""
    return _route_in(get_urlconf() or settings.ROOT_URLCONF, path)


@functools.lru_cache(maxsize=4096)
def _route_in(urlconf: str, path: str) -> tuple[bool, str | None]:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False, None
    view = match.func
    scope = getattr(view, "page_cache_scope", None) or getattr(
        getattr(view, "view_class", None), "page_cache_scope", None
    )
    if scope is None:
        return False, None
    return True, scope(**match.kwargs)


LiveRenderer = Callable[..., str | None]
_live_renderers: dict[str, LiveRenderer] = {}
_live_personal_cookies: dict[str, tuple[str, ...]] = {}
LIVE_NAME_RE = re.compile(r"[a-z]+")
LIVE_REGION_RE = re.compile(r"<!--live:(?P<name>[a-z]+):(?P<slug>[-\w]+)-->(?P<html>.*?)<!--/live:(?P=name)-->", re.S)


def register_live_region(name: str, render: LiveRenderer, *, personal_cookies: tuple[str, ...] = ()) -> None:
    """`render(request, slug, personal=…)` gives the region's HTML for an article (None: no such article).

    With personal=False its output must be the same for every reader: nothing
    personal, no tokens; it is kept in the cache and rendered again when the
    article's figures version moves (`invalidate_article`). A reader who sends
    one of `personal_cookies` gets the shared page with this region rendered
    for them alone (personal=True), which is never kept.
    """
    if not LIVE_NAME_RE.fullmatch(name):
        raise ValueError(f"live region names are lower-case letters: {name!r}")
    _live_renderers[name] = render
    _live_personal_cookies[name] = tuple(personal_cookies)


def _personal_regions(request: HttpRequest) -> frozenset[str]:
    """The live regions this reader gets rendered for them (they send one of its personal cookies)."""
    cookies = request.COOKIES
    if not cookies:
        return frozenset()
    return frozenset(
        name for name, personal in _live_personal_cookies.items() if any(cookie in cookies for cookie in personal)
    )


def live_region(request: HttpRequest, *, name: str, slug: str, html: str) -> SafeString:
    """Mark a region of a page that is about to be shared, so the cache can keep it apart."""
    if name not in _live_renderers or not reader_may_share(request):
        return mark_safe(html)  # our own template output
    return mark_safe(f"<!--live:{name}:{slug}-->{html}<!--/live:{name}-->")


def shared_live_region(request: HttpRequest, *, name: str, slug: str, render: Callable[[], str]) -> str | None:
    """A live region as every reader without anything personal sees it, current, from the cache when it holds
    it (no query) or else from `render()` (then kept); None when this reader must get their own."""
    if name not in _live_renderers or name in _personal_regions(request) or settings.FRAGMENT_CACHE_SECONDS <= 0:
        return None
    version = current_versions(CONTENT_KEY, _article_key(slug))  # read before rendering: a later change wins
    if not version:
        return None
    key = _live_key(name, slug)
    region = _local_region(key, version)
    if region is None:
        try:
            region = cache.get(key)
        except Exception:
            logger.exception("page cache: live regions unavailable")
            return None
        if region is None or region["version"] != version:
            region = _region(render(), version)
            _store_region(key, region)
        _keep_region(key, region)
    return region["html"]


def refresh_live_regions(request: HttpRequest, *, slug: str) -> None:
    """Render an article's live regions now, for the cache: whoever changed them (a voter) pays,
    and the next reader gets a plain hit. Call it after the change is committed and its version
    bumped; the version is read before the region is rendered, so a later change always wins."""
    if settings.PAGE_CACHE_SECONDS <= 0 or settings.FRAGMENT_CACHE_SECONDS <= 0:
        return
    keys = [CONTENT_KEY, _article_key(slug)]
    try:
        version = ".".join(_read_versions(cache.get_many(keys), keys))
        for name, render in _live_renderers.items():
            html = render(request, slug, personal=False)
            if html is not None:
                _store_region(_live_key(name, slug), _region(html, version))
    except Exception:
        logger.exception("page cache: could not refresh the live regions of %s", slug)


def _region(html: str, version: str) -> dict:
    html = ascii_html(str(html))
    return {"version": version, "html": html, "etag": _digest(html)}


def _store_region(key: str, region: dict) -> None:
    """Keep a shared live region for every process (a cache that cannot take it is logged, not fatal)."""
    try:
        cache.set(key, region, timeout=settings.FRAGMENT_CACHE_SECONDS)
    except Exception:
        logger.exception("page cache: could not store the live region %s", key)


def _marker(name: str) -> str:
    return f"<!--live:{name}-->"


def _live_key(name: str, slug: str) -> str:
    return f"lv:{release()}:{name}:{_key_digest(slug, 20)}"


def _digest(text: str, size: int = 32) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:size]


@functools.lru_cache(maxsize=4096)
def _key_digest(text: str, size: int) -> str:
    """_digest for the short texts keys are made of (slugs, part names), which recur on every page."""
    return _digest(text, size)


# ---------------------------------------------------------------- per-reader tokens

_PLACEHOLDERS_RE = re.compile(f"({CSRF_PLACEHOLDER}|{NONCE_PLACEHOLDER}|<!--live:[a-z]+-->|__FRESH:[a-z]+:[-\\w]*__)")
_FRESH_RE = re.compile(r"__FRESH:(?P<name>[a-z]+):(?P<argument>[-\w]*)__")
_CSRF_BYTES = CSRF_PLACEHOLDER.encode()
_NONCE_BYTES = NONCE_PLACEHOLDER.encode()


class _FreshValue:
    __slots__ = ("pattern", "argument_of", "make")

    def __init__(self, pattern, argument_of, make):
        self.pattern, self.argument_of, self.make = pattern, argument_of, make


_fresh_values: dict[str, _FreshValue] = {}


def register_fresh_value(
    name: str, *, pattern: re.Pattern, argument_of: Callable[[str], str | None], make: Callable[[str], str]
) -> None:
    """A value in pages that must be made anew for every response, like the CSRF token.

    `pattern` finds it in a rendered page (its first group is the value);
    `argument_of(value)` gives the short argument (letters, digits, '-', '_')
    that `make(argument)` needs to make a fresh one; None leaves the value as
    it is. Example: the comment form's signed "served at" time, which must
    say when this reader got the page, not when the page was cached.
    """
    if not LIVE_NAME_RE.fullmatch(name):
        raise ValueError(f"fresh value names are lower-case letters: {name!r}")
    _fresh_values[name] = _FreshValue(pattern, argument_of, make)


def _with_fresh_placeholders(html: str) -> str:
    for name, fresh in _fresh_values.items():

        def placeholder(found: re.Match, name=name, fresh=fresh) -> str:
            argument = fresh.argument_of(found[1])
            if argument is None or not re.fullmatch(r"[-\w]*", argument):
                return found[0]
            start, end = found.span(1)
            return found[0][: start - found.start()] + f"__FRESH:{name}:{argument}__" + found[0][end - found.start() :]

        html = fresh.pattern.sub(placeholder, html)
    return html


def _fresh_fill(placeholders: list[tuple[bytes, str, str]]) -> dict[bytes, bytes]:
    """A fresh value for each (placeholder, name, argument) found in a stored page."""
    fill = {}
    for placeholder, name, argument in placeholders:
        fresh = _fresh_values.get(name)
        if fresh is not None:
            fill[placeholder] = fresh.make(argument).encode()
    return fill


def _without_tokens(html: str, *, nonce: str) -> str:
    """The page as every reader shares it: CSRF tokens and the CSP nonce replaced by placeholders."""
    html = CSRF_INPUT_RE.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", html)
    if nonce:
        html = html.replace(nonce, NONCE_PLACEHOLDER)
    return NONCE_ATTR_RE.sub(rf"\g<1>{NONCE_PLACEHOLDER}\g<2>", html)


# ---------------------------------------------------------------- this process's copies


class LocalPages:
    """The pages (and page parts) this process used lately, so a hit need not fetch (and unpickle) them.

    A copy is only ever served when its version equals the current version
    counters (read from the shared cache, or this process's copy of them that
    Redis keeps current), so every process and every host sees a change at
    once; the shared cache stays the source of truth, this is a copy of what
    it held. Bounded in bytes, least recently used first out.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, tuple[dict, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            if found[0].get("expires", 0) <= time.time():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return found[0]

    def put(self, key: str, entry: dict, *, size: int | None = None) -> None:
        """Keep `entry` (a page, or with `size` given any value a part of one) under `key`."""
        size = (sum(len(part) for part in entry["parts"]) if size is None else size) + 1024
        if size > self.max_bytes:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (entry, size)
            self.size += size
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def discard(self, key: str) -> None:
        with self.lock:
            if key in self.entries:
                self._drop(key)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        _, size = self.entries.pop(key)
        self.size -= size


local_pages = LocalPages(max_bytes=settings.PAGE_CACHE_LOCAL_MB * 1024 * 1024)


# ---------------------------------------------------------------- the middleware

# Headers worked out for each response, never copied from the stored one.
_PER_RESPONSE_HEADERS = {"content-length", "etag", "x-page-cache", "date", "set-cookie"}


# Where ReaderPageCacheApplication leaves its lookup for the middleware (the WSGI environ).
PLAN_KEY = "headache.page_cache_plan"


class _Plan:
    """What one request's page is stored under, and what the cache holds for it now."""

    __slots__ = (
        "slug",
        "page_key",
        "page_version",
        "live_keys",
        "live_version",
        "entry",
        "regions",
        "personal",
        "versions",
    )

    def __init__(self, slug, page_key, page_version, live_keys, live_version, entry, regions, personal, versions):
        self.slug = slug
        self.page_key = page_key
        self.page_version = page_version
        self.live_keys = live_keys
        self.live_version = live_version
        self.entry = entry
        self.regions = regions
        self.personal = personal
        self.versions = versions


class _CachedPage:
    """A hit, ready to send: `content(csrf_token)` gives the body (None for a 304)."""

    __slots__ = ("etag", "state", "content", "headers", "needs_csrf")

    def __init__(self, *, etag: str, state: str, content=None, headers=(), needs_csrf: bool = False):
        self.etag = etag
        self.state = state
        self.content = content
        self.headers = headers
        self.needs_csrf = needs_csrf


class ReaderPageCacheMiddleware:
    """Answer anonymous readers' GETs of home, topic and article pages from the cache.

    It comes first in MIDDLEWARE: a hit needs no session, user, view or query,
    and carries the headers the whole stack gave the stored page (security
    headers included; an http request that must be redirected to https goes
    through the stack instead). On a miss the page is rendered by the rest of
    the stack as usual, then stored without its tokens. In production
    `ReaderPageCacheApplication` answers plain hits even before Django's
    request handling starts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        with versions_read_once():
            return self._serve(request)

    def _serve(self, request: HttpRequest):
        plan = self._plan(request)
        if plan is None:
            return self.get_response(request)
        _versions_read.get().update(plan.versions)  # the page's parts are made under the page's versions
        if plan.entry is not None:
            response = self._hit(request, plan, refresh=True)
            if response is not None:
                return response
        response = self.get_response(request)
        if self._storable(response):
            self._store(request, response, plan)
        return response

    def _plan(self, request: HttpRequest) -> _Plan | None:
        plan = request.META.pop(PLAN_KEY, None)  # already looked up by ReaderPageCacheApplication
        if plan is not None:
            return plan
        if not reader_may_share(request):
            return None
        cacheable, slug = _route(request.path_info)
        if not cacheable or (settings.SECURE_SSL_REDIRECT and not request.is_secure()):
            return None
        host = request.get_host()  # an unknown Host is refused (400) on a hit too
        if slug is None:
            version_keys = [CONTENT_KEY, LISTS_KEY]
        else:
            version_keys = [CONTENT_KEY, _discussion_key(slug), _article_key(slug)]
        # Without SITE_URL a page's canonical link and JSON-LD name the address it was asked for.
        where = "" if settings.SITE_URL else f"{request.scheme}://{host}"
        page_key = f"pg:{release()}:{_digest(where + request.get_full_path(), 24)}"
        live_keys = {name: _live_key(name, slug) for name in _live_renderers} if slug is not None else {}
        personal = _personal_regions(request) if live_keys else frozenset()
        shared_keys = [key for name, key in live_keys.items() if name not in personal]
        # At most one round trip: the counters this process does not hold, the live regions
        # and (unless this process holds a copy) the page; entries stored under older
        # versions are out of date, hence missing.
        copy = local_pages.get(page_key) if local_pages.max_bytes else None
        mirror = _version_mirror()
        try:
            # With Redis, this process may hold the counters already (kept current by Redis'
            # invalidation broadcasts), and then perhaps the regions too: no round trip at all.
            known, epoch = mirror.known(version_keys) if mirror is not None else ({}, -1)
            missing = [key for key in version_keys if key not in known]
            if not missing and slug is not None:
                current = f"{known[CONTENT_KEY]}.{known[version_keys[2]]}"
                shared_keys = [key for key in shared_keys if _local_region(key, current) is None]
            fetch = [*missing, *shared_keys, *([] if copy else [page_key])]
            found = cache.get_many(fetch) if fetch else {}
            if missing and mirror is not None:
                mirror.remember({key: found[key] for key in missing if key in found}, epoch)
            found.update(known)
            versions = _read_versions(found, version_keys)
        except Exception:
            logger.exception("page cache unavailable")
            return None
        page_version = f"{versions[0]}.{versions[1]}"
        live_version = f"{versions[0]}.{versions[2]}" if slug is not None else ""
        regions = {}
        for name, key in live_keys.items():
            if name in personal:
                continue
            region = found.get(key)
            if region is not None and region["version"] == live_version:
                _keep_region(key, region)
            else:
                region = _local_region(key, live_version)
            if region is not None:
                regions[name] = region
        entry = found.get(page_key, copy)
        if entry is not None and entry["version"] != page_version:
            entry = None
            if copy is not None:  # out of date here; another process may have stored the new page
                local_pages.discard(page_key)
                entry = self._shared_page(page_key, page_version)
        elif entry is not None and entry is not copy and local_pages.max_bytes:
            local_pages.put(page_key, entry)
        return _Plan(
            slug,
            page_key,
            page_version,
            live_keys,
            live_version,
            entry,
            regions,
            personal,
            dict(zip(version_keys, versions, strict=True)),
        )

    def _shared_page(self, page_key: str, page_version: str) -> dict | None:
        try:
            entry = cache.get(page_key)
        except Exception:
            logger.exception("page cache unavailable")
            return None
        if entry is None or entry["version"] != page_version:
            return None
        local_pages.put(page_key, entry)
        return entry

    # -- hits

    def _hit(self, request, plan: _Plan, *, refresh: bool) -> HttpResponse | None:
        page = self._page(request, plan, refresh=refresh)
        if page is None:
            return None
        if page.content is None:
            response = HttpResponseNotModified()
            for header, value in page.headers:
                response.headers[header] = value
        else:
            self.csrf.process_request(request)  # reads the reader's CSRF cookie, if any
            content = page.content(masked_token(request) if page.needs_csrf else "")
            response = HttpResponse(content, headers={"Content-Length": str(len(content))})
            for header, value in page.headers:
                response.headers[header] = value
            self.csrf.process_response(request, response)  # (re)sends the CSRF cookie
        response.headers["ETag"] = page.etag
        response.headers["X-Page-Cache"] = page.state
        return response

    def _page(self, request, plan: _Plan, *, refresh: bool) -> "_CachedPage | None":
        """The cached page with its live regions and a fresh nonce; None when something must be rendered."""
        entry = plan.entry
        fill = {}
        etags = [entry["etag"]]
        state = "hit"
        for name in entry["live"]:
            region = plan.regions.get(name)
            if region is None:
                if not refresh:
                    return None
                region = self._render_live(request, name, plan)
                if region is None:
                    return None  # the article is gone: let the view answer
                state = "personal" if name in plan.personal else "refreshed"
            fill[_marker(name).encode()] = region["html"].encode()
            etags.append(region["etag"])
        etag = f'"{_digest("".join(etags))}"' if len(etags) > 1 else entry["etag"]
        if get_conditional_response(request, etag=etag) is not None:
            kept = {"cache-control", "vary"}
            headers = [(header, value) for header, value in entry["headers"] if header.lower() in kept]
            return _CachedPage(etag=etag, state=state, headers=headers)
        nonce = str(LazyNonce())
        fill[_NONCE_BYTES] = nonce.encode()
        if entry.get("fresh"):
            fill.update(_fresh_fill(entry["fresh"]))
        nonced = entry["nonced"]
        headers = [
            (header, value.replace(NONCE_PLACEHOLDER, nonce) if header in nonced else value)
            for header, value in entry["headers"]
        ]

        def content(csrf_token: str) -> bytes:
            fill[_CSRF_BYTES] = csrf_token.encode()
            return b"".join([fill.get(part, part) for part in entry["parts"]])

        return _CachedPage(etag=etag, state=state, content=content, headers=headers, needs_csrf=entry["csrf"])

    def _render_live(self, request, name: str, plan: _Plan) -> dict | None:
        if plan.slug is None or name not in plan.live_keys:
            return None
        personal = name in plan.personal
        html = _live_renderers[name](request, plan.slug, personal=personal)
        if html is None:
            return None
        region = _region(html, plan.live_version)
        if settings.FRAGMENT_CACHE_SECONDS > 0 and not personal:
            _store_region(plan.live_keys[name], region)
        return region

    # -- misses

    def _storable(self, response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and "private" not in response.get("Cache-Control", "")
            and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        )

    def _store(self, request, response, plan: _Plan) -> None:
        live_keys, slug = plan.live_keys, plan.slug
        nonce = get_nonce(request)
        nonce = str(nonce) if nonce is not None else ""
        page = _with_fresh_placeholders(_without_tokens(response.content.decode(), nonce=nonce))
        regions: dict[str, dict] = {}

        def keep_apart(found: re.Match) -> str:
            name = found["name"]
            if name not in live_keys or found["slug"] != slug or name in regions:
                return found[0]
            regions[name] = _region(found["html"], plan.live_version)
            return _marker(name)

        page = LIVE_REGION_RE.sub(keep_apart, page)
        shared = {name: region for name, region in regions.items() if name not in plan.personal}
        # Every copy is for one reader only (their CSRF token): no shared cache may keep it.
        patch_cache_control(response, private=True, no_cache=True)
        headers = []
        nonced = set()
        for header, value in response.items():
            if header.lower() in _PER_RESPONSE_HEADERS:
                continue
            if nonce and nonce in value:
                value = value.replace(nonce, NONCE_PLACEHOLDER)
                nonced.add(header)
            headers.append((header, value))
        entry = {
            "version": plan.page_version,
            "parts": [part.encode() for part in _PLACEHOLDERS_RE.split(page)],
            "fresh": sorted(
                {(found[0].encode(), found["name"], found["argument"]) for found in _FRESH_RE.finditer(page)}
            ),
            "csrf": CSRF_PLACEHOLDER in page,
            "headers": headers,
            "nonced": nonced,
            "etag": f'"{_digest(page)}"',
            "live": list(regions),
        }
        etags = [entry["etag"], *(region["etag"] for region in regions.values())]
        timeout = _timeout() if slug is None else settings.PAGE_CACHE_SECONDS
        entry["expires"] = time.time() + timeout
        try:
            cache.set(plan.page_key, entry, timeout=timeout)
            if settings.FRAGMENT_CACHE_SECONDS > 0:
                for name, region in shared.items():  # a region rendered for this reader alone is not kept
                    cache.set(live_keys[name], region, timeout=settings.FRAGMENT_CACHE_SECONDS)
        except Exception:
            logger.exception("page cache: could not store %s", request.path)
            return
        if local_pages.max_bytes:
            local_pages.put(plan.page_key, entry)
        response.headers["ETag"] = f'"{_digest("".join(etags))}"' if len(etags) > 1 else entry["etag"]
        response.headers["X-Page-Cache"] = "miss"


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


class ReaderPageCacheApplication:
    """WSGI wrapper (headache_site/wsgi.py) that answers plain cache hits before Django's handler runs.

    A hit needs none of what Django sets up for a request (signals, database
    connections, the middleware chain, a response object), so it is served
    here from the same stored page ReaderPageCacheMiddleware serves;
    everything else — misses, a page whose rating figures must be rendered
    again, bad hosts, redirects to https, any error — goes to Django unchanged.
    """

    def __init__(self, django_application):
        self.django_application = django_application
        self.pages = ReaderPageCacheMiddleware(get_response=_not_for_hits)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in {"GET", "HEAD"} and settings.PAGE_CACHE_SECONDS > 0:
            try:
                answer = self._answer(WSGIRequest(environ))
            except DisallowedHost:  # Django answers it (400) and logs it
                answer = None
            except Exception:
                logger.exception("page cache front failed; Django answers instead")
                answer = None
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self.django_application(environ, start_response)

    def _answer(self, request: HttpRequest) -> tuple[str, list, bytes] | None:
        plan = self.pages._plan(request)
        if plan is None:
            return None
        page = self.pages._page(request, plan, refresh=False) if plan.entry is not None else None
        if page is None:
            request.META[PLAN_KEY] = plan  # Django renders what is missing; no second lookup
            return None
        extra = [("ETag", page.etag), ("X-Page-Cache", page.state)]
        if page.content is None:
            return "304 Not Modified", [*page.headers, *extra], b""
        if not page.needs_csrf:
            body = page.content("")
            return "200 OK", [("Content-Length", str(len(body))), *page.headers, *extra], body
        # A page with a form: the reader's CSRF secret masked afresh, and the cookie renewed, as Django does.
        secret = secret_from_cookie(request.COOKIES.get(settings.CSRF_COOKIE_NAME))
        body = page.content(mask(secret))
        headers = [("Content-Length", str(len(body))), *page.headers, *extra, ("Set-Cookie", cookie_header(secret))]
        return "200 OK", headers, body


def _not_for_hits(request):
    raise AssertionError("ReaderPageCacheApplication only serves hits")
