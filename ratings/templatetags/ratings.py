"""Template tags the article and home templates use to show ratings (articles never import ratings)."""

from django import template
from django.conf import settings

from articles.views import absolute_url

from ..readers import reader_account, voter_key_from
from ..voting import top_rated
from ..widget import render_widget

register = template.Library()


@register.simple_tag(takes_context=True)
def rating_widget(context, article):
    """The star form with the figures and the reader's own vote (one query), plus optional JSON-LD."""
    request = context["request"]
    return render_widget(
        article=article,
        request=request,
        canonical_url=context.get("canonical_url") or absolute_url(request, article.get_absolute_url()),
        csrf_token=context.get("csrf_token"),
        voter_key=voter_key_from(request),
        user=reader_account(request),
    )


@register.inclusion_tag("ratings/_top_rated.html")
def top_rated_articles(limit: int | None = None):
    """The home page's "top rated" list, ranked by Bayesian average (one query)."""
    return {"summaries": top_rated(limit=limit), "prior_weight": settings.RATINGS_PRIOR_WEIGHT}
