"""Readers post, report and link to comments; every POST ends in a redirect (or a form shown back with its text)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article
from headache_site.clients import client_key, within_limits
from headache_site.security import confirm_without_token

from .emails import read_verification_token
from .forms import CommentForm
from .models import ArticleDiscussion, Comment, comments_closed
from .moderation import post_comment, report_comment, verify_email
from .threads import page_number_of

SESSION_KEY = "comments_mine"
SESSION_MAX_IDS = 100
FLOOD_MESSAGE = (
    "You are sending comments faster than we accept them. Your text is kept below: wait a minute, then send it again."
)
REPORT_LIMITS = [(10, 3600)]


def own_comment_ids(request: HttpRequest) -> list[int]:
    """Comments this browser posted (kept in the session) so their writer sees them while they wait."""
    if not hasattr(request, "session"):
        return []
    ids = request.session.get(SESSION_KEY, [])
    return [i for i in ids if isinstance(i, int)]


def remember_own_comment(request: HttpRequest, comment: Comment) -> None:
    request.session[SESSION_KEY] = [*own_comment_ids(request), comment.pk][-SESSION_MAX_IDS:]


def comment_location(request: HttpRequest, comment: Comment) -> str:
    """The article page that shows `comment`, scrolled to it."""
    number = page_number_of(comment=comment, own_ids=own_comment_ids(request)) or 1
    query = f"?cpage={number}" if number > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}#{comment.anchor}"


CONFIRM_MESSAGE = (
    "Your browser sent this comment without the page's security check (it happens when JavaScript is off), "
    "so it is not sent yet. Check it, then post it."
)
FORM_FIELDS = ("name", "email", "body", "notify_on_approval", "confirm_email", "website", "parent")


def _form_page(request, *, article, form, status, message="", confirming=False) -> HttpResponse:
    form.refresh_timestamp()
    context = {"article": article, "form": form, "message": message, "confirming": confirming}
    return render(request, "comments/form_page.html", context, status=status)


def confirm_comment(request: HttpRequest, article_id: int) -> HttpResponse:
    """A comment sent without a CSRF token (no JavaScript on a shared page): shown back, one click from sent."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    if comments_closed(article, ArticleDiscussion.objects.filter(article=article).first()):
        return render(request, "comments/closed.html", {"article": article}, status=403)
    sent = {name: request.POST.get(name) for name in FORM_FIELDS if name in request.POST}
    form = CommentForm(article=article, confirming=True, initial=sent)
    return _form_page(request, article=article, form=form, status=403, message=CONFIRM_MESSAGE, confirming=True)


def confirm_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report sent without a CSRF token: the comment shown with a button that reports it."""
    comment = get_object_or_404(
        Comment.objects.approved().select_related("article"), pk=pk, article__in=Article.objects.published()
    )
    return render(request, "comments/confirm_report.html", {"comment": comment}, status=403)


@confirm_without_token(confirm_comment)
@require_POST
def post(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    if comments_closed(article, ArticleDiscussion.objects.filter(article=article).first()):
        return render(request, "comments/closed.html", {"article": article}, status=403)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return _form_page(request, article=article, form=form, status=400)
    key = client_key(request)
    if not within_limits(scope="comment", key=key, limits=settings.COMMENTS_FLOOD_LIMITS):
        return _form_page(request, article=article, form=form, status=429, message=FLOOD_MESSAGE)
    data = form.cleaned_data
    comment, decision = post_comment(
        article=article,
        parent=form.parent_comment,
        name=data["name"],
        email=data["email"],
        body=data["body"],
        address_hash=key,
        user_agent=request.headers.get("User-Agent", ""),
        notify_on_approval=data["notify_on_approval"],
        confirm_email=data["confirm_email"],
        honeypot_filled=bool(data["website"].strip()),
        seconds_on_page=form.seconds_on_page,
        min_seconds=form.min_seconds,
    )
    remember_own_comment(request, comment)
    if comment.is_approved:
        messages.success(request, "Thank you: your comment is published.")
    else:
        messages.success(request, "Thank you: your comment is awaiting moderation.")
    if data["confirm_email"] and decision.status != Comment.Status.SPAM:
        messages.info(request, "We have emailed you a link to confirm your address.")
    return HttpResponseRedirect(comment_location(request, comment))


@require_safe
def permalink(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.visible_to(own_comment_ids(request)).select_related("article"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    return HttpResponseRedirect(comment_location(request, comment))


@confirm_without_token(confirm_report)
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.approved().select_related("article"), pk=pk, article__in=Article.objects.published()
    )
    key = client_key(request)
    if not within_limits(scope="comment-report", key=key, limits=REPORT_LIMITS):
        messages.error(request, "You have sent many reports in a short time; please try again later.")
    elif report_comment(comment=comment, reporter_hash=key):
        messages.success(request, "Thank you for your report: a moderator will look at this comment.")
    else:
        messages.info(request, "You have already reported this comment; a moderator will look at it.")
    return HttpResponseRedirect(comment_location(request, comment))


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm a commenter's email: the link shows a button, the button (POST) confirms."""
    comment_id = read_verification_token(token)
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first() if comment_id else None
    if comment is None or not comment.email:
        return render(request, "comments/verify.html", {"invalid": True}, status=400)
    if request.method == "POST":
        verify_email(comment=comment)
        messages.success(request, "Thank you: your email address is confirmed.")
        return HttpResponseRedirect(comment.article.get_absolute_url())
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    action = reverse("comments:verify", kwargs={"token": token})
    return render(request, "comments/verify.html", {"comment": comment, "action": action})
