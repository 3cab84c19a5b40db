"""The comments section under an article, the count on article cards, the pending count in the admin."""

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, QuerySet
from django.utils.functional import LazyObject, SimpleLazyObject
from django.utils.html import format_html

from articles.caching import SITE, comments_tag, fragment_version, is_shared
from articles.models import Article
from comments.forms import CommentForm
from comments.models import MAX_DEPTH, ArticleDiscussion, Comment, closes_by_age, comments_closed
from comments.text import render_plain_text
from comments.threads import comment_page
from comments.views import own_comment_ids

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, article: Article) -> dict:
    """The comment section: the thread, the report form and the comment form, whatever the number of comments.

    On a shared page the whole section is a {% cache %} fragment until the
    discussion changes (a comment shown or hidden, comments opened or
    closed), so a page rendered again after a vote runs no query for it. Its
    forms carry no CSRF token and no "served at" time: the page's script
    fills both in from the reader request. A page rendered for one reader (a
    session: their comments awaiting moderation) shows those comments too.
    """
    request = context["request"]
    shared = is_shared(request)
    own_ids = [] if shared else own_comment_ids(request)  # a reader who sent comments sees them while they wait
    raw_page, raw_reply = request.GET.get("cpage", ""), request.GET.get("replyto", "")
    page_number = raw_page if raw_page.isdigit() else "1"
    reply_to_id = raw_reply if raw_reply.isdigit() else ""
    return {
        "article": article,
        "shared_page": shared,
        "csrf_token": context.get("csrf_token"),
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
        # The fragment's key: what the section shows depends on nothing else.
        "section_version": fragment_version(request, comments_tag(article), SITE),
        "page_number": page_number,
        "reply_to_id": reply_to_id,
        "past_closing_age": closes_by_age(article),
        # Worked out only when the section must be rendered.
        "section": SimpleLazyObject(
            lambda: _section(article=article, shared=shared, own_ids=own_ids, page=page_number, reply_to=reply_to_id)
        ),
    }


def _section(*, article: Article, shared: bool, own_ids: list[int], page: str, reply_to: str) -> dict:
    discussion = ArticleDiscussion.objects.filter(article=article).first()
    closed = comments_closed(article, discussion)
    can_reply = not closed and article.is_published
    target = _reply_target(article, reply_to) if can_reply else None
    return {
        "page": comment_page(article=article, own_ids=own_ids, page=page),
        "closed": closed,
        "can_reply": can_reply,
        "reply_to": target,
        "form": CommentForm(article=article, shared=shared, initial={"parent": target.pk if target else None})
        if can_reply
        else None,
    }


def _reply_target(article: Article, raw: str | None) -> Comment | None:
    if not raw or not raw.isdigit():
        return None
    return Comment.objects.approved().on(article).filter(pk=int(raw)).first()


@register.filter
def plain_text(value: str):
    """A comment body as HTML: escaped, line breaks kept, links nofollow."""
    return render_plain_text(value)


@register.simple_tag
def max_comment_depth() -> int:
    return MAX_DEPTH


def _listed_article_ids(context) -> set[int]:
    """Articles already fetched for the list being rendered (never runs a query to find them)."""
    ids = set()
    for layer in context.dicts:
        for value in layer.values():
            if isinstance(value, LazyObject):
                continue  # never evaluate what the page did not ask for (a CSRF token would set a cookie)
            items = value.object_list if isinstance(value, Page) else value
            if isinstance(items, QuerySet):
                items = items._result_cache or []
            if isinstance(items, (list, tuple)):
                ids.update(item.pk for item in items if isinstance(item, Article))
    return ids


def approved_counts(context, article: Article) -> int:
    """Approved comments per article, fetched once per request for every article in the list."""
    annotated = getattr(article, "approved_comment_count", None)
    if annotated is not None:
        return annotated
    request = context.get("request")
    counts = getattr(request, "_approved_comment_counts", None)
    if counts is None:
        counts = {}
        if request is not None:
            request._approved_comment_counts = counts
    if article.pk not in counts:
        wanted = (_listed_article_ids(context) | {article.pk}) - counts.keys()
        found = dict(
            Comment.objects.approved()
            .filter(article_id__in=wanted)
            .values_list("article_id")
            .annotate(n=Count("pk"))
            .values_list("article_id", "n")
        )
        counts.update({pk: found.get(pk, 0) for pk in wanted})
    return counts[article.pk]


@register.simple_tag(takes_context=True)
def comment_count(context, article: Article):
    """ " · 3 comments" for an article card; one query for the whole list."""
    n = approved_counts(context, article)
    if not n:
        return ""
    return format_html(
        ' · <a class="comment-count" href="{}#comments">{} comment{}</a>',
        article.get_absolute_url(),
        n,
        "" if n == 1 else "s",
    )


@register.simple_tag(takes_context=True)
def pending_comment_count(context) -> int | None:
    """Pending comments for the admin index (None when the user may not moderate)."""
    user = context["request"].user
    if not (user.has_perm("comments.moderate_comment") or user.has_perm("comments.change_comment")):
        return None
    return Comment.objects.pending().count()
