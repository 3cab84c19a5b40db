"""Mail about comments: to moderators, to the commenter. Always sent after commit; failures are logged, never raised.

Links carry IDs only, signed with an expiry (django.core.signing), never pickled objects.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)

MODERATORS_GROUP = "Moderators"
VERIFY_SALT = "comments.verify-email"


def site_url() -> str:
    return settings.SITE_URL or "http://localhost:8000"


def moderator_addresses() -> list[str]:
    """Active users in the Moderators group or with the moderate permission, plus COMMENTS_MODERATOR_EMAILS."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    in_group = Q(groups__name=MODERATORS_GROUP)
    with_perm = Q(
        pk__in=get_user_model().objects.with_perm(
            "comments.moderate_comment", include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
        )
    )
    found = users.filter(in_group | with_perm).values_list("email", flat=True).distinct()
    addresses = list(dict.fromkeys([*found, *settings.COMMENTS_MODERATOR_EMAILS]))
    return sorted(addresses)


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> bool:
    if not to:
        return False
    try:
        body = render_to_string(template, {**context, "site_name": settings.SITE_NAME, "site_url": site_url()})
        send_mail(subject, body, None, to)
    except Exception:
        logger.exception("could not send %s to %d recipient(s)", template, len(to))
        return False
    return True


def _comment(comment_id: int):
    from .models import Comment

    return Comment.objects.select_related("article").filter(pk=comment_id).first()


def notify_moderators(*, comment_id: int) -> bool:
    comment = _comment(comment_id)
    if comment is None:
        return False
    admin_url = site_url() + reverse("admin:comments_comment_change", args=[comment.pk])
    return _send(
        subject=f"[{settings.SITE_NAME}] Comment awaiting moderation on “{comment.article.title}”",
        template="comments/email/moderators_new_comment.txt",
        context={"comment": comment, "admin_url": admin_url},
        to=moderator_addresses(),
    )


def notify_commenter_approved(*, comment_id: int) -> bool:
    comment = _comment(comment_id)
    if comment is None or not comment.notify_on_approval:
        return False
    return _send(
        subject=f"[{settings.SITE_NAME}] Your comment is published",
        template="comments/email/commenter_approved.txt",
        context={"comment": comment, "comment_url": site_url() + comment.get_absolute_url()},
        to=[comment.email],
    )


def verification_token(comment_id: int) -> str:
    return signing.dumps({"c": comment_id}, salt=VERIFY_SALT, compress=True)


def read_verification_token(token: str) -> int | None:
    """The comment ID inside a valid, unexpired token; None otherwise."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.COMMENTS_VERIFY_MAX_AGE_DAYS * 86400)
    except signing.BadSignature:
        return None
    comment_id = data.get("c") if isinstance(data, dict) else None
    return comment_id if isinstance(comment_id, int) else None


def send_verification(*, comment_id: int) -> bool:
    comment = _comment(comment_id)
    if comment is None:
        return False
    link = site_url() + reverse("comments:verify", kwargs={"token": verification_token(comment.pk)})
    return _send(
        subject=f"[{settings.SITE_NAME}] Confirm your email address",
        template="comments/email/verify_email.txt",
        context={"comment": comment, "verify_url": link, "days": settings.COMMENTS_VERIFY_MAX_AGE_DAYS},
        to=[comment.email],
    )
