"""What a shared page leaves out: this reader's own things, in one small request that is never cached.

A shared article page is the same for everyone (articles/caching.py), so its
script (articles/reader.js) asks `articles:reader` for what belongs to the
reader: Django's CSRF token for the page's forms (`get_token` also sets the
cookie), and what the other apps add for this article. Apps add theirs with
`register` from their AppConfig.ready — the ratings app the live figures and
the reader's own vote, the comments app a signed time for the comment form —
so articles knows none of them.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import Article

ReaderPart = Callable[[HttpRequest, Article], Any]
_parts: dict[str, ReaderPart] = {}


def register(name: str, part: ReaderPart) -> None:
    """Add `part(request, article)`'s answer to every reader state, under `name` (JSON-serialisable)."""
    _parts[name] = part


@require_safe
@never_cache
def reader_state(request: HttpRequest, slug: str) -> JsonResponse:
    article = get_object_or_404(Article.objects.published().only("pk", "slug", "status", "published_at"), slug=slug)
    state = {"csrf_token": get_token(request)}
    for name, part in _parts.items():
        state[name] = part(request, article)
    return JsonResponse(state)
