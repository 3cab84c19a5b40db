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
from comments.models import MAX_DEPTH, ArticleDiscussion, Comment, comments_closed
from comments.text import render_plain_text
from comments.threads import comment_page
from comments.views import own_comment_ids

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, article: Article) -> dict:
    """The comment section: the thread and the form, in a few queries whatever the number of comments.

    On a shared page the thread is a {% cache %} fragment until the
    discussion changes, and the form has no CSRF token and no "served at"
    time: its script fills both in from the reader request. A page rendered
    for one reader (a session: their comments awaiting moderation) shows
    those comments too.
    """
    request = context["request"]
    shared = is_shared(request)
    own_ids = [] if shared else own_comment_ids(request)  # a reader who sent comments sees them while they wait
    discussion = ArticleDiscussion.objects.filter(article=article).first()
    closed = comments_closed(article, discussion)
    can_reply = not closed and article.is_published
    raw_page = request.GET.get("cpage", "")
    page_number = raw_page if raw_page.isdigit() else "1"
    reply_to = _reply_target(article, request.GET.get("replyto")) if can_reply else None
    form = CommentForm(article=article, shared=shared, initial={"parent": reply_to.pk if reply_to else None})
    return {
        "article": article,
        # Read only when the thread must be rendered (its cached copy is out of date, or it is this reader's own).
        "page": SimpleLazyObject(lambda: comment_page(article=article, own_ids=own_ids, page=page_number)),
        "thread_version": fragment_version(comments_tag(article), SITE),
        "page_number": page_number,
        "closed": closed,
        "can_reply": can_reply,
        "form": form if can_reply else None,
        "reply_to": reply_to,
        "shared_page": shared,
        "csrf_token": context.get("csrf_token"),
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
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
