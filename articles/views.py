"""Pages readers use to find and read articles.

Readers' pages are shared pages (articles/caching.py): the same for every
anonymous reader, kept by the HTTP caches in front and purged on change.
"""

import logging

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from .caching import (
    LISTS,
    SITE,
    add_cache_tags,
    article_tag,
    comments_tag,
    fragment_version,
    is_shared,
    read_purge_numbers,
    shared_page,
    text_tag,
    topic_tag,
    unchanged_since,
)
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


@require_safe
@shared_page
def home(request: HttpRequest) -> HttpResponse:
    latest = Article.objects.published().for_listing()[:12]
    response = render(request, "articles/home.html", {"latest": latest, "topics": Topic.objects.all()})
    return add_cache_tags(response, LISTS)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        if is_shared(self.request):
            # An anonymous reader (request.user would open a session for nothing). The people the page
            # names are read only when its {% cache %} fragments must be rendered again.
            return Article.objects.published()
        return Article.objects.visible_to(self.request.user).for_reading()

    def get_object(self, queryset=None):
        """For readers, the article's record is kept like the page's fragments: in each process, for as
        long as nothing it holds or names changed (its text tag and the site's have no later purge)."""
        rendered_under = getattr(self.request, "rendered_under", None)
        if queryset is not None or not is_shared(self.request) or rendered_under is None:
            return super().get_object(queryset)
        key = f"article:{self.kwargs[self.slug_url_kwarg]}"
        kept = caches["fragments"].get(key)
        if kept is not None:
            made_under, article = kept
            if self._unchanged_since(article, made_under) and article.is_published:  # a scheduled one: on time
                return article
        article = super().get_object(queryset)
        caches["fragments"].set(key, (rendered_under, article), settings.FRAGMENT_CACHE_SECONDS)
        return article

    def _unchanged_since(self, article: Article, made_under: int) -> bool:
        # One round trip reads every purge number this page's fragments need too.
        read_purge_numbers(self.request, SITE, text_tag(article), comments_tag(article))
        return unchanged_since(self.request, made_under, SITE, text_tag(article))

    def get_context_data(self, **kwargs):
        article = self.object
        # Every fragment of this page reads its purge numbers from one round trip to the cache.
        read_purge_numbers(self.request, SITE, text_tag(article), comments_tag(article))
        canonical = absolute_url(self.request, article.get_absolute_url())
        return super().get_context_data(
            canonical_url=canonical,
            hero_image_url=absolute_url(self.request, article.hero_image.url) if article.hero_image else "",
            is_preview=not article.is_published,
            # Read only when the cached article fragments must be rendered again.
            topics=article.topics.all(),
            references=article.references.all(),
            structured_data=SimpleLazyObject(
                lambda: as_script(
                    medical_web_page(article=article, canonical_url=canonical, site_name=settings.SITE_NAME)
                )
            ),
            # The fragments' version: when the article's text (or anything it names) last changed.
            text_version=fragment_version(self.request, text_tag(article), SITE),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return add_cache_tags(response, article_tag(self.object))


article_detail = require_safe(shared_page(ArticleDetailView.as_view()))


@require_safe
@shared_page
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.published().in_topic(topic).for_listing()
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    response = render(request, "articles/topic_detail.html", {"topic": topic, "page_obj": page})
    return add_cache_tags(response, LISTS, topic_tag(topic))


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
@shared_page
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    page = None
    if query:
        page = Paginator(search_articles(query), ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    response = render(request, "articles/search.html", {"query": query, "page_obj": page})
    return add_cache_tags(response, LISTS)


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    try:
        response = render(request, "404.html", status=404)
    except DatabaseError:
        # The page needs nothing from the database but its topic menu: still a 404, without the menu.
        logger.warning("404 page shown without its topic menu: the database is unavailable", exc_info=True)
        context = {"site_name": settings.SITE_NAME, "nav_topics": ()}
        response = HttpResponse(loader.get_template("404.html").render(context), status=404)
    # Not kept by caches in front: an address that is missing now (a scheduled article) may exist soon.
    response["Cache-Control"] = "no-cache"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render({"site_name": settings.SITE_NAME}), status=500)
