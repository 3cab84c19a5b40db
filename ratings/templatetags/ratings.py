"""Template tags the article and home templates use to show ratings (articles never import ratings)."""

from django import template
from django.conf import settings

from articles.caching import is_shared

from ..models import MAX_SCORE, MIN_SCORE
from ..readers import reader_account, voter_key_from
from ..structured_data import aggregate_rating_script
from ..voting import figures_for, top_rated

register = template.Library()


@register.inclusion_tag("ratings/_widget.html", takes_context=True)
def rating_widget(context, article):
    """The star form with the figures (one query); on a page rendered for one reader, their own vote too.

    A shared page shows the figures as they were when it was rendered: its
    script fills in the live figures, the reader's own vote and the form's
    CSRF token from the reader request (articles/reader.py).
    """
    if not article.is_published:
        return {"preview": True}
    request = context["request"]
    shared = is_shared(request)
    if shared:
        figures = figures_for(article=article)
    else:
        figures = figures_for(article=article, voter_key=voter_key_from(request), user=reader_account(request))
    return {
        "article": article,
        "figures": figures,
        # Numbers as text: the template engine would format each one for the locale.
        "stars": [(str(n), n == figures.your_score) for n in range(MIN_SCORE, MAX_SCORE + 1)],
        "max_score": str(MAX_SCORE),
        "structured_data": aggregate_rating_script(
            figures=figures,
            canonical_url=context.get("canonical_url") or request.build_absolute_uri(article.get_absolute_url()),
        ),
        "shared_page": shared,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("ratings/_top_rated.html")
def top_rated_articles(limit: int | None = None):
    """The home page's "top rated" list, ranked by Bayesian average (one query)."""
    return {"summaries": top_rated(limit=limit), "prior_weight": settings.RATINGS_PRIOR_WEIGHT}
