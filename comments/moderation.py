"""What happens to a comment: the rules that decide it, and the functions views, admin and commands share.

`decide()` is pure: it sees the submission and the moderators' word lists and
returns a status with the reason moderators will read. The functions below it
store comments and change their status; mail goes out only after the
transaction commits, so a failing mail server never loses a comment.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator

from articles.caching import purge_article_page
from articles.models import Article

from . import emails
from .models import (
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SELF_HARM_REASON,
    Comment,
    ModerationWord,
    Report,
    VerifiedEmail,
    normalise_email,
)

LINK_RE = re.compile(r"(?:\bhttps?://|\bwww\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class WordRule:
    kind: str
    label: str
    pattern: str
    is_regex: bool = False

    def search(self, text: str) -> str | None:
        """The matched text, or None."""
        expression = self.pattern if self.is_regex else rf"(?<!\w){re.escape(self.pattern)}(?!\w)"
        try:
            match = re.search(expression, text, re.IGNORECASE)
        except re.error:
            return None
        return match.group(0) if match else None


@dataclass(frozen=True)
class Submission:
    """What the rules look at: the text, and facts the caller found out about the sender."""

    body: str
    name: str = ""
    honeypot_filled: bool = False
    seconds_on_page: float = 60.0
    duplicate: bool = False
    verified_returning: bool = False


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str
    help_note: bool = False
    signals: tuple[str, ...] = field(default=())


def decide(
    submission: Submission,
    *,
    rules: Iterable[WordRule],
    min_seconds: int,
    max_links: int,
    auto_approve_verified: bool,
) -> Decision:
    """Spam signals win over hold signals; only a clean comment from a verified returning commenter is approved."""
    text = f"{submission.name}\n{submission.body}"
    spam, hold = [], []
    help_note = False
    if submission.honeypot_filled:
        spam.append("honeypot")
    if submission.seconds_on_page < min_seconds:
        spam.append(f"sent within {min_seconds}s of the page being served")
    if submission.duplicate:
        spam.append("same text posted again")
    links = len(LINK_RE.findall(submission.body))
    if links > max_links:
        hold.append(f"{links} links")
    for rule in rules:
        matched = rule.search(text)
        if matched is None:
            continue
        if rule.kind == ModerationWord.Kind.SPAM:
            spam.append(f"{rule.label} “{matched}”")
        elif rule.kind == ModerationWord.Kind.SELF_HARM:
            help_note = True
            hold.append(f"{SELF_HARM_REASON} “{matched}”")
        else:
            hold.append(f"{rule.label} “{matched}”")
    if spam:
        return Decision(Comment.Status.SPAM, "spam: " + ", ".join(spam + hold), help_note, tuple(spam + hold))
    if hold:
        return Decision(Comment.Status.PENDING, "held: " + ", ".join(hold), help_note, tuple(hold))
    if submission.verified_returning and auto_approve_verified:
        return Decision(Comment.Status.APPROVED, "approved: verified returning commenter")
    return Decision(Comment.Status.PENDING, "pending: new comment awaiting review")


def current_rules() -> list[WordRule]:
    """The moderators' enabled word lists (one query)."""
    return [
        WordRule(kind, label, pattern, is_regex)
        for kind, label, pattern, is_regex in ModerationWord.objects.filter(enabled=True).values_list(
            "kind", "label", "pattern", "is_regex"
        )
    ]


def is_verified_returning(email: str) -> bool:
    """Verified address AND an approved comment already: name and email alone never qualify."""
    return (
        VerifiedEmail.objects.filter(email=normalise_email(email)).exists()
        and Comment.objects.approved().by_email(email).exists()
    )


def is_duplicate(*, body: str, email: str, address_hash: str) -> bool:
    since = timezone.now() - datetime.timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW)
    recent = Comment.objects.filter(created_at__gte=since, body=body)
    return recent.filter(address_hash=address_hash).exists() or recent.by_email(email).exists()


def post_comment(
    *,
    article: Article,
    parent: Comment | None,
    name: str,
    email: str,
    body: str,
    address_hash: str,
    user_agent: str = "",
    notify_on_approval: bool = False,
    confirm_email: bool = False,
    honeypot_filled: bool = False,
    seconds_on_page: float,
    min_seconds: int | None = None,
) -> tuple[Comment, Decision]:
    """Store a reader's comment with its decision; mail moderators (and the reader) once it is committed."""
    submission = Submission(
        body=body,
        name=name,
        honeypot_filled=honeypot_filled,
        seconds_on_page=seconds_on_page,
        duplicate=is_duplicate(body=body, email=email, address_hash=address_hash),
        verified_returning=is_verified_returning(email),
    )
    decision = decide(
        submission,
        rules=current_rules(),
        min_seconds=settings.COMMENTS_MIN_SECONDS if min_seconds is None else min_seconds,
        max_links=settings.COMMENTS_MAX_LINKS,
        auto_approve_verified=settings.COMMENTS_AUTO_APPROVE_VERIFIED,
    )
    comment = Comment(
        article=article,
        name=name,
        email=normalise_email(email),
        body=body,
        status=decision.status,
        reason=Truncator(decision.reason).chars(REASON_MAX_LENGTH),
        address_hash=address_hash,
        user_agent=user_agent[:200],
        notify_on_approval=notify_on_approval,
    )
    comment.attach_to(parent)
    if decision.status == Comment.Status.APPROVED:
        comment.approved_at = timezone.now()
    with transaction.atomic():
        comment.save()
        if decision.status == Comment.Status.APPROVED:
            _refresh_page_after_commit(comment)
        if decision.status == Comment.Status.PENDING:
            transaction.on_commit(partial(emails.notify_moderators, comment_id=comment.pk))
        if confirm_email and decision.status != Comment.Status.SPAM:
            transaction.on_commit(partial(emails.send_verification, comment_id=comment.pk))
    return comment, decision


def _refresh_page_after_commit(comment: Comment) -> None:
    """What readers see of this article changed: its cached page goes once the change is committed."""
    transaction.on_commit(partial(purge_article_page, comment.article, comments=True))


def approve_comment(*, comment: Comment, moderator=None) -> Comment:
    """Publish a comment; tell the commenter if they asked (once)."""
    first_approval = comment.approved_at is None
    who = f" by {moderator.get_username()}" if moderator else ""
    with transaction.atomic():
        comment.status = Comment.Status.APPROVED
        comment.reason = f"approved{who}"
        comment.approved_at = comment.approved_at or timezone.now()
        comment.save(update_fields=["status", "reason", "approved_at"])
        _refresh_page_after_commit(comment)
        if first_approval and comment.notify_on_approval and not comment.is_staff_reply:
            transaction.on_commit(partial(emails.notify_commenter_approved, comment_id=comment.pk))
    return comment


def mark_spam(*, comment: Comment, moderator=None) -> Comment:
    who = f"marked by {moderator.get_username()}" if moderator else "marked by a moderator"
    comment.status = Comment.Status.SPAM
    comment.reason = f"spam: {who}"
    comment.save(update_fields=["status", "reason"])
    _refresh_page_after_commit(comment)
    return comment


def remove_comment(*, comment: Comment, moderator=None) -> Comment:
    who = f" by {moderator.get_username()}" if moderator else ""
    comment.status = Comment.Status.REMOVED
    comment.reason = f"removed{who}"
    comment.save(update_fields=["status", "reason"])
    _refresh_page_after_commit(comment)
    return comment


def reply_as_staff(*, parent: Comment, user, body: str) -> Comment:
    """A moderator's answer: approved at once and shown with the "Editor" badge."""
    reply = Comment(
        article_id=parent.article_id,
        name=(user.get_full_name() or user.get_username())[:NAME_MAX_LENGTH],
        email=normalise_email(user.email or f"{user.get_username()}@staff.invalid"),
        user=user,
        is_staff_reply=True,
        body=body,
        status=Comment.Status.APPROVED,
        reason=f"approved: staff reply by {user.get_username()}",
        approved_at=timezone.now(),
    )
    reply.attach_to(parent)
    reply.save()
    _refresh_page_after_commit(reply)
    return reply


def report_comment(*, comment: Comment, reporter_hash: str) -> bool:
    """Count a reader's report once; enough reports send an approved comment back to the queue.

    Returns False when this reader had already reported the comment.
    """
    with transaction.atomic():
        _, created = Report.objects.get_or_create(comment=comment, reporter_hash=reporter_hash)
        if not created:
            return False
        Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
        comment.refresh_from_db(fields=["report_count", "status", "reason"])
        threshold = settings.COMMENTS_REPORT_THRESHOLD
        if comment.status == Comment.Status.APPROVED and comment.report_count >= threshold:
            comment.status = Comment.Status.PENDING
            comment.reason = f"held: reported by {comment.report_count} readers"
            comment.save(update_fields=["status", "reason"])
            _refresh_page_after_commit(comment)
            transaction.on_commit(partial(emails.notify_moderators, comment_id=comment.pk))
    return True


def verify_email(*, comment: Comment) -> VerifiedEmail:
    """The commenter followed their signed link: remember the address as theirs."""
    verified, _ = VerifiedEmail.objects.get_or_create(email=normalise_email(comment.email))
    return verified


def purge_comments(*, before: datetime.datetime, dry_run: bool = False) -> int:
    """Delete spam and removed comments created before `before`; returns how many."""
    old = Comment.objects.filter(status__in=[Comment.Status.SPAM, Comment.Status.REMOVED], created_at__lt=before)
    count = old.count()
    if not dry_run:
        old.delete()
    return count


def commenter_export(*, email: str) -> dict:
    """Everything stored about the commenter using `email`, for a subject access request."""
    comments = Comment.objects.by_email(email).select_related("article").order_by("created_at", "pk")
    return {
        "email": normalise_email(email),
        "email_verified": VerifiedEmail.objects.filter(email=normalise_email(email)).exists(),
        "comments": [
            {
                "id": c.pk,
                "article": c.article.title,
                "article_url": c.article.get_absolute_url(),
                "in_reply_to": c.parent_id,
                "name": c.name,
                "body": c.body,
                "status": c.status,
                "notify_on_approval": c.notify_on_approval,
                "user_agent": c.user_agent,
                "address_hash": c.address_hash,
                "created_at": c.created_at.isoformat(),
                "approved_at": c.approved_at.isoformat() if c.approved_at else None,
            }
            for c in comments
        ],
    }


ERASED_NAME = "Former commenter"
ERASED_BODY = "This comment was removed at its author's request."


def erase_commenter(*, email: str) -> tuple[int, int]:
    """Delete the commenter's comments; those others replied to are emptied instead, so the replies stay."""
    with transaction.atomic():
        for comment in Comment.objects.by_email(email).select_related("article"):
            _refresh_page_after_commit(comment)
        answered = set(Comment.objects.by_email(email).filter(replies__isnull=False).values_list("pk", flat=True))
        anonymised = Comment.objects.filter(pk__in=answered).update(
            name=ERASED_NAME, email="", body=ERASED_BODY, address_hash="", user_agent="", notify_on_approval=False
        )
        deleted = Comment.objects.by_email(email).exclude(pk__in=answered).delete()[1].get("comments.Comment", 0)
        VerifiedEmail.objects.filter(email=normalise_email(email)).delete()
    return deleted, anonymised
