"""The comments section under an article, the count on article cards, the pending count in the admin."""

from functools import partial

from django import template
from django.core.paginator import Page
from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.caching import CSRF_STAND_IN, ascii_html, cached_fragment, kept_for_article
from articles.models import Article
from comments import forms  # forms.fresh_timestamp looked up at call time (tests stand in for it)
from comments.models import MAX_DEPTH, ArticleDiscussion, Comment, comments_closed
from comments.text import render_plain_text
from comments.threads import comment_page
from comments.views import own_comment_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def comments_section(context, article: Article) -> SafeString:
    """The comment section's HTML, in a bounded number of queries whatever the number of comments.

    The section (approved thread and empty form) is the same for every reader
    who has nothing awaiting moderation and is not replying, but for its CSRF
    token and the form's "served at" time: it is kept with stand-ins for both,
    filled in for this response, until the article's comments change. A
    reader with their own pending comment gets the thread rendered for them.
    """
    request = context["request"]
    own_ids = own_comment_ids(request)
    # Its settings are kept with its thread: saving or deleting them moves the discussion's version.
    discussion = kept_for_article(article=article, name="discussion", make=partial(_discussion_of, article))
    closed = comments_closed(article, discussion)
    can_reply = not closed and article.is_published
    raw_page = request.GET.get("cpage", "")
    page_number = raw_page if raw_page.isdigit() else "1"
    reply_to = _reply_target(article, request.GET.get("replyto")) if can_reply else None
    csrf_token = context.get("csrf_token")

    def render_thread() -> str:
        page = comment_page(article=article, own_ids=own_ids, page=page_number)
        return render_to_string(
            "comments/_thread.html",
            {"article": article, "page": page, "closed": closed, "can_reply": can_reply, "own_ids": set(own_ids)},
        )

    def render_section(*, thread: str, form: str, csrf_token, has_comments: bool) -> str:
        return render_to_string(
            "comments/_section.html",
            {
                "thread": mark_safe(thread),  # our own template output
                "has_comments": has_comments,
                "closed": closed,
                "form": mark_safe(form),  # our own template output
                "csrf_token": csrf_token,
            },
        )

    if not own_ids and reply_to is None and csrf_token:

        def render_shared() -> tuple[str, str]:
            thread = render_thread()
            form = (
                _render_form(article=article, csrf_token=CSRF_STAND_IN, timestamp=TIMESTAMP_STAND_IN)
                if can_reply
                else ""
            )
            html = render_section(
                thread=THREAD_STAND_IN,
                form=form,
                csrf_token=CSRF_STAND_IN,
                has_comments=_has_comments(thread),
            )
            before, after = html.split(THREAD_STAND_IN)
            return ascii_html(before + thread), ascii_html(after)  # the stand-ins are all after the thread

        thread_part, rest = kept_for_article(
            article=article, name=f"section:{page_number}:{int(can_reply)}:{int(closed)}", make=render_shared
        )
        if CSRF_STAND_IN in rest:  # a form: this reader's token (and CSRF cookie)
            rest = rest.replace(CSRF_STAND_IN, str(csrf_token))
        return mark_safe(thread_part + rest.replace(TIMESTAMP_STAND_IN, forms.fresh_timestamp(article.pk)))  # ours
    if own_ids:
        thread = render_thread()
    else:
        thread = cached_fragment(
            article=article, name=f"thread:{page_number}:{int(can_reply)}:{int(closed)}", render=render_thread
        )
    form = _render_form(article=article, csrf_token=csrf_token, reply_to=reply_to) if can_reply else ""
    return mark_safe(
        render_section(thread=thread, form=form, csrf_token=csrf_token, has_comments=_has_comments(thread))
    )  # our own template output


def _has_comments(thread: str) -> bool:
    return 'class="comment-list"' in thread


def _discussion_of(article: Article) -> ArticleDiscussion | None:
    return ArticleDiscussion.objects.filter(article=article).first()


# Stand-ins in the kept section: characters no signed timestamp (or rendered thread) holds (see CSRF_STAND_IN).
TIMESTAMP_STAND_IN = "[served at]"
THREAD_STAND_IN = "[comment thread]"


def _render_form(*, article: Article, csrf_token, reply_to: Comment | None = None, timestamp: str | None = None) -> str:
    form = forms.CommentForm(article=article, initial={"parent": reply_to.pk if reply_to else None})
    if timestamp is not None:
        form.fields["timestamp"].initial = timestamp
    return render_to_string(
        "comments/_form.html", {"article": article, "form": form, "reply_to": reply_to, "csrf_token": csrf_token}
    )


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
