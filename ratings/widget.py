"""The star widget under an article: for one reader, or its figures (a live region of a cached page) for all."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from articles.caching import live_region
from articles.models import Article
from articles.views import absolute_url

from .models import MAX_SCORE, MIN_SCORE, RatingSummary
from .structured_data import aggregate_rating_script
from .voting import Figures, figures_for


def render_figures(*, figures: Figures, canonical_url: str) -> str:
    """The figures line, the reader's own score (hidden when none) and the optional aggregateRating JSON-LD."""
    return render_to_string(
        "ratings/_figures.html",
        {
            "figures": figures,
            "max_score": MAX_SCORE,
            "structured_data": aggregate_rating_script(figures=figures, canonical_url=canonical_url),
        },
    )


def render_widget(*, article: Article, request: HttpRequest, canonical_url: str, csrf_token, voter_key, user) -> str:
    """The widget's HTML: figures and the reader's own vote in one query; a preview gets a note instead.

    On a page about to be shared with every reader the figures are marked as
    a live region, so a vote re-renders only them (see articles.caching).
    """
    if not article.is_published:
        return render_to_string("ratings/_widget.html", {"preview": True})
    figures = figures_for(article=article, voter_key=voter_key, user=user)
    figures_html: SafeString = live_region(
        request, name="rating", slug=article.slug, html=render_figures(figures=figures, canonical_url=canonical_url)
    )
    return render_to_string(
        "ratings/_widget.html",
        {
            "article": article,
            "figures": figures,
            "figures_html": figures_html,
            "stars": range(MIN_SCORE, MAX_SCORE + 1),
            "max_score": MAX_SCORE,
            "csrf_token": csrf_token,
        },
    )


def shared_figures(request: HttpRequest, slug: str) -> str:
    """The figures as every reader without a vote of their own sees them, from one small query.

    Only called for an article page that is in the page cache, which any
    change to the article (unpublishing included) empties, so publication
    needs no second check here.
    """
    summary = next(
        iter(
            RatingSummary.objects.filter(article__slug=slug).only(
                "vote_count", "vote_total", "imported_count", "imported_total"
            )[:1]
        ),
        None,
    )
    figures = Figures(count=summary.count, total=summary.total) if summary else Figures()
    canonical_url = absolute_url(request, reverse("articles:detail", kwargs={"slug": slug}))
    return render_figures(figures=figures, canonical_url=canonical_url)
