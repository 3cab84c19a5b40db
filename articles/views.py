"""Pages readers use to find and read articles."""

import copy
import logging
from functools import partial

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from .caching import CONTENT_KEY, ascii_html, cache_for_readers, cached_part
from .models import Article, Topic
from .structured_data import as_script, medical_web_page

logger = logging.getLogger(__name__)

ARTICLES_PER_PAGE = 10
SEARCH_MAX_LENGTH = 200


def absolute_url(request: HttpRequest, url: str) -> str:
    """A full URL for links shared outside the site: on SITE_URL when set; already-absolute URLs (a CDN) kept."""
    if settings.SITE_URL and url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL + url
    return request.build_absolute_uri(url)


def _list_page(**kwargs) -> None:
    return None


def _article_page(*, slug: str) -> str:
    return slug


@require_safe
@cache_for_readers(_list_page)
def home(request: HttpRequest) -> HttpResponse:
    latest = Article.objects.published().for_listing()[:12]
    return render(request, "articles/home.html", {"latest": latest, "topics": Topic.objects.all()})


def _article_to_read(slug: str) -> Article:
    """A published (or scheduled) article for readers; 404 when there is none (a 404 is never kept)."""
    found = Article.objects.filter(status=Article.Status.PUBLISHED, slug=slug).for_reading().first()
    if found is None:
        raise Http404("No article found matching the query")
    return found


@cache_for_readers(_article_page)
@method_decorator(require_safe, name="dispatch")
class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_reading()

    @property
    def _for_staff(self) -> bool:
        """Staff may see drafts and always get the article as stored now, never a kept copy."""
        user = self.request.user
        return user.is_active and user.is_staff

    def get_object(self, queryset=None):
        if queryset is not None or self._for_staff:
            return super().get_object(queryset)
        slug = self.kwargs[self.slug_url_kwarg]
        # A reader's article, with the people its page names, kept until any content changes. Kept
        # whatever its publication time: that is checked below, so a scheduled article appears on time.
        article = cached_part(scope=(CONTENT_KEY,), key=f"reading:{slug}", render=partial(_article_to_read, slug))
        if not article.is_published:
            raise Http404("No article found matching the query")
        return copy.copy(article)  # the kept instance may serve other requests in this process

    def get_context_data(self, **kwargs):
        article = self.object
        canonical = absolute_url(self.request, article.get_absolute_url())
        hero_image_url = absolute_url(self.request, article.hero_image.url) if article.hero_image else ""
        is_preview = not article.is_published

        def render_parts() -> dict[str, str]:
            context = {
                "article": article,
                "canonical_url": canonical,
                "hero_image_url": hero_image_url,
                "is_preview": is_preview,
                "site_name": settings.SITE_NAME,
                "structured_data": as_script(
                    medical_web_page(article=article, canonical_url=canonical, site_name=settings.SITE_NAME)
                ),
                "topics": list(article.topics.all()),
                "references": list(article.references.all()),
            }
            return {
                # The page's <title> and description too, so a page put together from parts is all ASCII.
                "title": ascii_html(format_html("{} &middot; {}", article.title, settings.SITE_NAME)),
                "description": ascii_html(conditional_escape(article.summary)),
                "head": ascii_html(render_to_string("articles/_article_head.html", context)),
                "main": ascii_html(render_to_string("articles/_article_main.html", context)),
            }

        if is_preview or self._for_staff:
            parts = render_parts()
        else:
            # The same for every reader on this address (the host counts when SITE_URL is unset).
            parts = cached_part(
                scope=(CONTENT_KEY,), key=f"article:{article.pk}:{canonical}:{hero_image_url}", render=render_parts
            )
        return super().get_context_data(
            canonical_url=canonical,
            parts={name: mark_safe(html) for name, html in parts.items()},  # our own template output
            is_preview=is_preview,
            **kwargs,
        )


@require_safe
@cache_for_readers(_list_page)
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.published().in_topic(topic).for_listing()
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/topic_detail.html", {"topic": topic, "page_obj": page})


def search_articles(query: str):
    """Published articles matching `query`, best first: full-text search on PostgreSQL, weighted matching elsewhere."""
    published = Article.objects.published().for_listing()
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        # Match with @@: ts_rank gives non-matching rows a tiny positive rank (1e-20) for phrase queries.
        return (
            published.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-published_at")
        )
    terms = [term for term in query.split() if term][:10]
    matches = Q()
    score = Value(0, output_field=IntegerField())
    for term in terms:
        matches &= Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        score = score + Case(
            When(title__icontains=term, then=Value(3)),
            When(summary__icontains=term, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return published.filter(matches).annotate(rank=score).order_by("-rank", "-published_at")


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    page = None
    if query:
        page = Paginator(search_articles(query), ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/search.html", {"query": query, "page_obj": page}, status=200)


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    try:
        return render(request, "404.html", status=404)
    except DatabaseError:
        # The page needs nothing from the database but its topic menu: still a 404, without the menu.
        logger.warning("404 page shown without its topic menu: the database is unavailable", exc_info=True)
        context = {"site_name": settings.SITE_NAME, "nav_topics": (), "csp_nonce": get_nonce(request) or ""}
        return HttpResponse(loader.get_template("404.html").render(context), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render({"site_name": settings.SITE_NAME}), status=500)
