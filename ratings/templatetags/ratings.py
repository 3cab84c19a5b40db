"""Template tags the article and home templates use to show ratings (articles never import ratings)."""

from django import template
from django.conf import settings

from ..models import MAX_SCORE, MIN_SCORE
from ..readers import reader_account, voter_key_from
from ..structured_data import aggregate_rating_script
from ..voting import Figures, figures_for, top_rated

register = template.Library()


@register.inclusion_tag("ratings/_widget.html", takes_context=True)
def rating_widget(context, article):
    """The star form with the figures and the reader's own vote (one query), plus optional JSON-LD."""
    request = context["request"]
    if not article.is_published:
        return {"preview": True, "figures": Figures()}
    figures = figures_for(article=article, voter_key=voter_key_from(request), user=reader_account(request))
    canonical_url = context.get("canonical_url") or request.build_absolute_uri(article.get_absolute_url())
    return {
        "article": article,
        "figures": figures,
        "stars": range(MIN_SCORE, MAX_SCORE + 1),
        "max_score": MAX_SCORE,
        "csrf_token": context.get("csrf_token"),
        "structured_data": aggregate_rating_script(figures=figures, canonical_url=canonical_url),
    }


@register.inclusion_tag("ratings/_top_rated.html")
def top_rated_articles(limit: int | None = None):
    """The home page's "top rated" list, ranked by Bayesian average (one query)."""
    return {"summaries": top_rated(limit=limit), "prior_weight": settings.RATINGS_PRIOR_WEIGHT}
