"""The star widget under an article: its live region (stars, figures, the reader's own vote) and the form around it."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.caching import CSRF_STAND_IN, ascii_html, kept_for_article, live_region, shared_live_region
from articles.models import Article
from articles.views import absolute_url

from .models import MAX_SCORE, MIN_SCORE
from .readers import voter_key_from
from .structured_data import aggregate_rating_script
from .voting import Figures, figures_for, figures_for_slug

STARS = range(MIN_SCORE, MAX_SCORE + 1)


def render_region(*, figures: Figures, canonical_url: str) -> str:
    """The stars (the reader's own vote checked), the figures line, "Your rating" and the optional JSON-LD."""
    return render_to_string(
        "ratings/_region.html",
        {
            "figures": figures,
            # Numbers as text: the template engine would localise each one (a fifth of this render).
            "stars": [(str(n), n == figures.your_score) for n in STARS],
            "max_score": str(MAX_SCORE),
            "structured_data": aggregate_rating_script(figures=figures, canonical_url=canonical_url),
        },
    )


def render_widget(*, article: Article, request: HttpRequest, canonical_url: str, csrf_token, voter_key, user) -> str:
    """The widget's HTML: figures and the reader's own vote in one query; a preview gets a note instead.

    On a page about to be shared with every reader the region is marked as
    live, so a vote re-renders only it (see articles.caching).
    """
    if not article.is_published:
        return render_to_string("ratings/_widget.html", {"preview": True})
    html = None
    if user is None and not voter_key:
        html = shared_live_region(
            request,
            name="rating",
            slug=article.slug,
            render=lambda: render_region(figures=figures_for(article=article), canonical_url=canonical_url),
        )
    if html is None:
        figures = figures_for(article=article, voter_key=voter_key, user=user)
        html = render_region(figures=figures, canonical_url=canonical_url)
    region: SafeString = live_region(request, name="rating", slug=article.slug, html=html)
    if not csrf_token or csrf_token == "NOTPROVIDED":
        return render_to_string(
            "ratings/_widget.html", {"article": article, "region": region, "csrf_token": csrf_token}
        )
    # The form around the region is the same for every reader but for its CSRF token: kept with
    # stand-ins for the token and the region, filled in for this response (the token first, so the
    # region's HTML is never searched).
    frame = kept_for_article(
        article=article,
        name="rating-form",
        with_comments=False,
        make=lambda: ascii_html(
            render_to_string(
                "ratings/_widget.html", {"article": article, "region": REGION_STAND_IN, "csrf_token": CSRF_STAND_IN}
            )
        ),
    )
    return mark_safe(frame.replace(CSRF_STAND_IN, str(csrf_token)).replace(REGION_STAND_IN, region))  # ours


REGION_STAND_IN = "[rating region]"


def live_rating(request: HttpRequest, slug: str, *, personal: bool) -> str:
    """The region for a cached article page, from one small query: as every reader without a vote
    sees it, or (personal) with this reader's own vote, from their signed reader cookie.

    Only called for an article page that is in the page cache, which any
    change to the article (unpublishing included) empties, so publication
    needs no second check here. Signed-in readers never get cached pages.
    """
    figures = figures_for_slug(slug=slug, voter_key=voter_key_from(request) if personal else None)
    canonical_url = absolute_url(request, reverse("articles:detail", kwargs={"slug": slug}))
    return render_region(figures=figures, canonical_url=canonical_url)
