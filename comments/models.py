"""Readers' comments on articles, the words that hold them, reports, and per-article closing."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

BODY_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 80
REASON_MAX_LENGTH = 300
MAX_DEPTH = 2  # depth 0, 1 and 2: three levels
SELF_HARM_REASON = "self-harm wording"


def normalise_email(email: str) -> str:
    """How addresses are compared: case-insensitively, without surrounding spaces."""
    return email.strip().lower()


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on(self, article):
        return self.filter(article=article)

    def visible_to(self, own_ids):
        """What a reader sees: approved comments, plus their own not yet approved (never removed ones)."""
        own = Q(pk__in=list(own_ids)) & ~Q(status=Comment.Status.REMOVED)
        return self.filter(Q(status=Comment.Status.APPROVED) | own)

    def by_email(self, email: str):
        return self.filter(email__iexact=normalise_email(email))


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", editable=False
    )
    root = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread",
        editable=False,
        help_text="The top-level comment of this thread (empty for top-level comments).",
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.EmailField(help_text="Never published. Used to recognise returning commenters.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    is_staff_reply = models.BooleanField(default=False, help_text="Written by the site team; shown with a badge.")
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING, db_index=True)
    reason = models.CharField(
        max_length=REASON_MAX_LENGTH, blank=True, help_text="Why the comment has its current status."
    )
    report_count = models.PositiveIntegerField(default=0, editable=False)
    address_hash = models.CharField(max_length=64, blank=True, editable=False)
    user_agent = models.CharField(max_length=200, blank=True, editable=False)
    notify_on_approval = models.BooleanField(
        default=False, help_text="The commenter asked to be emailed when approved."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate_comment", "Can moderate comments")]
        indexes = [models.Index(fields=["article", "status"], name="comment_article_status")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(parent__isnull=True, root__isnull=True, depth=0))
                | (Q(parent__isnull=False, root__isnull=False, depth__gte=1, depth__lte=MAX_DEPTH)),
                name="comment_threading_consistent",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_LENGTH), name="comment_body_max_length"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} on {self.article}: {self.body[:40]}"

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def needs_help_note(self) -> bool:
        """The reader wrote about harming themselves: show where to get urgent help."""
        return SELF_HARM_REASON in self.reason

    def attach_to(self, parent: "Comment | None") -> None:
        """Place this comment under `parent`; replies deeper than MAX_DEPTH join their parent's level."""
        if parent is None:
            self.parent, self.root, self.depth = None, None, 0
            return
        if parent.depth >= MAX_DEPTH:
            parent = parent.parent
        self.parent = parent
        self.root_id = parent.root_id or parent.pk
        self.depth = parent.depth + 1


class VerifiedEmail(models.Model):
    """An address whose owner followed a "confirm your email" link."""

    email = models.EmailField(unique=True)
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "verified email address"

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class Report(models.Model):
    """A reader's "this comment should not be here"; one per reader and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter_hash = models.CharField(max_length=64, help_text="Keyed hash of the reader's address.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter_hash"], name="one_report_per_reader")]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class ArticleDiscussion(models.Model):
    """Comment settings for one article (articles stay unaware of comments)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="discussion")
    closed = models.BooleanField(default=False, help_text="Tick to close comments on this article now.")
    stays_open = models.BooleanField(
        default=False, help_text="Keep comments open beyond the automatic closing age (COMMENTS_CLOSE_AFTER_DAYS)."
    )

    def __str__(self):
        return f"Comments on {self.article}"


def comments_closed(article: Article, discussion: ArticleDiscussion | None) -> bool:
    """Closed by a moderator, or automatically COMMENTS_CLOSE_AFTER_DAYS after publication."""
    if discussion is not None and discussion.closed:
        return True
    if discussion is not None and discussion.stays_open:
        return False
    return closes_by_age(article)


def closes_by_age(article: Article) -> bool:
    """Whether the article is older than COMMENTS_CLOSE_AFTER_DAYS (its settings may keep comments open)."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return bool(days and article.published_at and timezone.now() > article.published_at + datetime.timedelta(days=days))


class ModerationWord(models.Model):
    """A word or pattern moderators keep: "hold" sends matches to the queue, "spam" marks them spam."""

    class Kind(models.TextChoices):
        HOLD = "hold", "Hold for moderation"
        SELF_HARM = "self_harm", "Hold, and show the reader where to get urgent help"
        SPAM = "spam", "Mark as spam"

    kind = models.CharField(max_length=16, choices=Kind, default=Kind.HOLD)
    label = models.CharField(
        max_length=40, help_text="Shown in the reason moderators see, e.g. “dose”, “drug name”, “claim”."
    )
    pattern = models.CharField(
        max_length=200,
        help_text="A word or phrase (whole words, any case), or a regular expression if ticked below.",
    )
    is_regex = models.BooleanField(
        "regular expression", default=False, help_text=r"e.g. \d+\s?(mg|units?|ml) for a dose."
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "label", "pattern"]
        constraints = [models.UniqueConstraint(fields=["kind", "pattern"], name="unique_moderation_word")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.pattern}"

    def clean(self):
        if self.is_regex:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValidationError({"pattern": f"This is not a valid regular expression: {error}."}) from None
