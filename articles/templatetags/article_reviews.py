"""The admin index's list of medical reviews that are overdue or due soon."""

from django import template
from django.conf import settings

from articles.models import Article

register = template.Library()
SHOWN = 10


@register.simple_tag(takes_context=True)
def reviews_due(context) -> dict | None:
    """Overdue and soon-due reviews among the articles the signed-in user may open; None if they may open none."""
    user = context["request"].user
    if not (user.has_perm("articles.view_article") or user.has_perm("articles.change_article")):
        return None
    articles = Article.objects.editable_by(user).only("pk", "title", "next_review_due").order_by("next_review_due")
    overdue = articles.review_overdue()
    soon = articles.review_due_within(settings.ARTICLE_REVIEW_SOON_DAYS)
    return {
        "days": settings.ARTICLE_REVIEW_SOON_DAYS,
        "overdue": list(overdue[:SHOWN]),
        "overdue_count": overdue.count(),
        "soon": list(soon[:SHOWN]),
        "soon_count": soon.count(),
    }
