"""Articles, their topics, references and the people who write and review them."""

import datetime
import functools
import math
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from .markdown import render_markdown, validate_markdown

WORDS_PER_MINUTE = 200

# Latin letters that have no accent to strip, so NFKD alone would drop them.
LATIN_LETTERS = str.maketrans(
    {"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
     "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H"}
)  # fmt: skip


def readable_slug(text: str, *, max_length: int = 80) -> str:
    """A URL slug any reader can type: Latin letters lose their accents, other scripts are kept.

    "İnvolved" gives "involved", "Kopfschmerz über Nacht" gives
    "kopfschmerz-uber-nacht", "Straße" gives "strasse", "Головная боль" keeps
    its Cyrillic letters.
    """
    ascii_text = unicodedata.normalize("NFKD", text.translate(LATIN_LETTERS)).encode("ascii", "ignore").decode()
    slug = slugify(ascii_text)
    letters_kept = sum(c.isalnum() for c in ascii_text)
    letters_in = sum(c.isalnum() for c in text)
    if not slug or letters_kept < letters_in / 2:
        slug = slugify(text, allow_unicode=True)
    return slug[:max_length].strip("-")


def unique_slug(model: type[models.Model], text: str, *, exclude_pk=None, fallback: str = "article") -> str:
    """readable_slug(text), made unique within `model` by a numeric suffix."""
    base = readable_slug(text) or fallback
    taken = set(
        model.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-"))
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the end of shorter months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def slug_url(name: str, slug: str) -> str:
    """reverse(name, kwargs={"slug": slug}), worked out once per address and remembered.

    Every article page and list names its articles' addresses, each through
    the URL resolver. The answer depends only on the URL configuration in use
    and the script prefix (a site served under a sub-path): both are part of
    the key.
    """
    return _reversed(name, slug, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=8192)
def _reversed(name: str, slug: str, urlconf: str, prefix: str) -> str:
    return reverse(name, kwargs={"slug": slug}, urlconf=urlconf)


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown at the top of the topic page.")
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Months between medical reviews of articles in this topic. Empty: the site default (usually 12). "
        "An article in several topics uses the shortest interval.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_months__isnull=True) | Q(review_interval_months__gte=1),
                name="topic_review_interval_positive",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:topic", self.slug)


class ContributorProfile(models.Model):
    """How an author or medical reviewer is named and credited on articles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributor")
    display_name = models.CharField(max_length=120, help_text="Name as readers see it, e.g. “Dr Amira Patel”.")
    credentials = models.CharField(
        max_length=200, blank=True, help_text="Qualifications and role, e.g. “Consultant neurologist, MRCP”."
    )
    profession = models.CharField(max_length=120, blank=True, help_text="e.g. “Neurologist”, “Pharmacist”.")
    registration = models.CharField(
        max_length=120, blank=True, help_text="Professional registration, e.g. “GMC 1234567”. Shown on reviewed pages."
    )
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, with a publication time that has passed."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published with a publication time still to come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def in_topic(self, topic):
        return self.filter(topics=topic)

    def for_listing(self):
        return (
            self.select_related("author__contributor")
            .prefetch_related("topics")
            .order_by("-published_at", "-pk")
            .defer("body", "body_html", "check_findings")
        )

    def for_reading(self):
        """An article with the people its page names (its topics and references are read with its text)."""
        return self.select_related("author__contributor", "reviewer__contributor").defer("check_findings")

    def visible_to(self, user):
        """Readers see published articles; staff see the drafts they may edit or review (as previews)."""
        if not (user.is_active and user.is_staff):
            return self.published()
        if user.has_perm("articles.change_any_article") or user.has_perm("articles.review_article"):
            return self.all()
        if user.has_perm("articles.change_article"):
            return self.filter(Q(pk__in=self.published().values("pk")) | Q(author=user))
        return self.published()

    def editable_by(self, user):
        """The articles `user` may open in the admin: all for editors and reviewers, their own for writers."""
        if user.has_perm("articles.change_any_article") or user.has_perm("articles.review_article"):
            return self.all()
        return self.filter(author=user)

    def has_check_errors(self):
        return self.filter(check_errors__gt=0)

    def review_overdue(self, *, today: datetime.date | None = None):
        """Not archived, with a next review date that has passed."""
        today = today or timezone.localdate()
        return self.exclude(status=Article.Status.ARCHIVED).filter(next_review_due__lt=today)

    def review_due_within(self, days: int, *, today: datetime.date | None = None):
        """Not archived, due for review from today to `days` days ahead (overdue ones excluded)."""
        today = today or timezone.localdate()
        return self.exclude(status=Article.Status.ARCHIVED).filter(
            next_review_due__gte=today, next_review_due__lte=today + datetime.timedelta(days=days)
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="The address of the article. Made from the title when left empty.",
    )
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two plain sentences shown in lists and search results (aim for under 160 characters).",
    )
    body = MarkdownxField(
        validators=[validate_markdown],
        help_text="Markdown, up to 200,000 characters. Cite references with their number in brackets, e.g. [1].",
    )
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles")
    hero_image = models.ImageField(
        upload_to="articles/hero/", blank=True, width_field="hero_width", height_field="hero_height"
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Required when there is an image.",
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="A time in the future schedules the article."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        help_text="The clinician who medically reviewed this article.",
    )
    last_reviewed = models.DateField(null=True, blank=True, help_text="Date of the last medical review.")
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="Set at each medical approval from the topic's review interval (12 months by default).",
    )
    review_requested_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_requests",
        help_text="The medical reviewer asked to review the current text.",
    )
    review_requested_at = models.DateTimeField(null=True, blank=True)
    approved_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint of the clinical content (title, summary, body, references) the reviewer approved.",
    )
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    competing_interests = models.TextField(
        "competing interests",
        blank=True,
        help_text="Declared conflicts of interest of the author and the reviewer, shown on the page. Write “None” "
        "when there are none: an article cannot be published with this empty.",
    )
    # The content checks' findings as last computed (articles.checks.refresh_checks): every place that shows
    # them (admin list, filter, change page, check_content) reads these, so they all agree.
    check_findings = models.JSONField(default=list, editable=False)
    check_errors = models.PositiveSmallIntegerField(default=0, editable=False)
    check_warnings = models.PositiveSmallIntegerField(default=0, editable=False)
    checks_version = models.CharField(max_length=64, blank=True, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    what_changed = models.TextField(
        "what changed",
        blank=True,
        help_text="Optional note for readers, shown under the review dates, e.g. “Updated the dosing advice "
        "to the 2026 NICE guideline.”",
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "body_html", "toc", "word_count", "hero_width", "hero_height", "updated_at",
            "content_fingerprint", "check_findings", "check_errors", "check_warnings", "checks_version",
            "checked_at",
        ]
    )  # fmt: skip

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_date",
            ),
        ]
        permissions = [
            ("change_any_article", "Can edit articles by any author"),
            ("review_article", "Can approve or send back articles as a medical reviewer"),
            ("publish_article", "Can publish, schedule and archive articles and mark edits as minor"),
            ("publish_without_review", "Can publish without a current medical approval (recorded)"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.last_reviewed and (not self.next_review_due or self.next_review_due <= self.last_reviewed):
            # Empty, or left over from the review before this one.
            self.next_review_due = add_months(self.last_reviewed, settings.ARTICLE_REVIEW_INTERVAL_MONTHS)
        rendered = render_markdown(self.body)
        self.body_html, self.toc, self.word_count = rendered.html, rendered.toc, rendered.word_count
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"slug", "published_at"}
            if "body" in update_fields:
                derived |= {"body_html", "toc", "word_count"}
            if "last_reviewed" in update_fields:
                derived.add("next_review_due")
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    def clean(self):
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the image for readers who cannot see it."})
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None and not self.is_published

    @property
    def state_label(self) -> str:
        return "Scheduled" if self.is_scheduled else self.get_status_display()

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def review_overdue(self) -> bool:
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    @property
    def changed_since_review(self) -> bool:
        """The clinical content differs from the text the reviewer approved (stored fingerprints, no query)."""
        return bool(self.approved_fingerprint) and self.content_fingerprint != self.approved_fingerprint

    @property
    def has_current_approval(self) -> bool:
        return bool(self.approved_fingerprint) and self.content_fingerprint == self.approved_fingerprint


class Reference(models.Model):
    """A citation the body points at with its number, e.g. [1]."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(help_text="The number used in the text, e.g. 1 for [1].")
    title = models.CharField(max_length=400)
    source = models.CharField(max_length=200, blank=True, help_text="Journal, publisher or organisation.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="e.g. 10.1111/j.1526-4610.2010.01678.x (without https://doi.org/)"
    )
    pmid = models.CharField(
        "PMID",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{1,12}$", "A PMID is digits only, e.g. 20487038.")],
        help_text="PubMed identifier, digits only, e.g. 20487038.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="unique_reference_number"),
        ]

    def __str__(self):
        return f"[{self.position}] {self.title}"

    @property
    def anchor(self) -> str:
        return f"ref-{self.position}"

    @property
    def link(self) -> str:
        if self.url:
            return self.url
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return ""


class Redirect(models.Model):
    """An old address of an article (a changed slug, an imported site's URL) that now redirects to it."""

    old_path = models.CharField(
        max_length=500,
        unique=True,
        help_text="The old address as readers used it, starting with “/”, e.g. /2019/05/botox/ or /?p=12.",
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    note = models.CharField(max_length=200, blank=True, help_text="Why it exists, e.g. “slug changed”.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.article}"


class ArticleEvent(models.Model):
    """One step of the editorial workflow: who moved the article from which state to which, when and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Medically approved"
        SENT_BACK = "sent_back", "Sent back"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        ARCHIVED = "archived", "Archived"
        MINOR_EDIT = "minor_edit", "Marked as a minor edit"
        REREVIEW = "rereview", "Re-review requested"
        RESTORED = "restored", "Revision restored"
        ACCEPTED_CLAIM = "accepted_claim", "Content-check error accepted by a medical reviewer"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="article_events"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    from_status = models.CharField(max_length=16, choices=Article.Status)
    to_status = models.CharField(max_length=16, choices=Article.Status)
    note = models.TextField(blank=True)
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="For approvals and minor edits: the clinical content signed off."
    )
    override = models.BooleanField(
        default=False, help_text="Published without a current medical approval or despite content-check errors."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(override=False) | ~Q(note=""), name="override_event_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"
