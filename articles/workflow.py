"""The editorial workflow: draft → in review → approved → published (or scheduled) → archived.

Every transition is a keyword-only function that checks the actor's permission
itself (the admin hides what a role may not do, but these refuse it), changes
the article and records an `ArticleEvent`. Admin views, list actions and
commands call the same functions.

Medical sign-off is tied to the text: an approval stores a fingerprint of the
clinical content (title, summary, body, references). When that content later
changes, the article keeps its state (a published page stays online), shows
"changes since last medical review" and re-review is requested from the last
reviewer. An editor may instead mark the change as minor, which moves the
sign-off to the new text and is recorded.
"""

import datetime
import hashlib
import unicodedata
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .caching import purge_article_page
from .checks import EDITOR, MEDICAL_REVIEWER, NOBODY, Finding, check_article, finding_key, refresh_checks
from .models import Article, ArticleEvent, Redirect, add_months

Status = Article.Status
Action = ArticleEvent.Action


class WorkflowError(Exception):
    """A transition the article's state does not allow; the message says why, for people."""


class NotPermitted(WorkflowError):
    """The actor lacks the permission for this transition."""


# ------------------------------------------------------------------ fingerprint and derived state


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def clinical_fingerprint(article: Article, *, references=None) -> str:
    """sha256 of the normalised title, summary, body and references: what a medical reviewer signs off."""
    if references is None:
        references = article.references.all() if article.pk else []
    parts = [_normalise(article.title), _normalise(article.summary), _normalise(article.body)]
    for ref in sorted(references, key=lambda ref: ref.position):
        values = (ref.position, ref.title, ref.source, ref.year or "", ref.url, ref.doi)
        if ref.pmid:  # added later: fingerprints of references without one are unchanged
            values += (ref.pmid,)
        parts.append("\x1e".join(_normalise(str(value)) for value in values))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def review_interval_months(article: Article) -> int:
    """The shortest review interval of the article's topics, or the site default."""
    intervals = [topic.review_interval_months for topic in article.topics.all() if topic.review_interval_months]
    return min(intervals, default=settings.ARTICLE_REVIEW_INTERVAL_MONTHS)


def after_edit(*, article: Article, by, old_slug: str = "") -> list:
    """After an edit is saved (admin, import, restore): keep the old address working, refresh the content
    checks and the fingerprint, and ask for a re-review when approved clinical content changed.

    Returns the content-check findings.
    """
    with transaction.atomic():
        transaction.on_commit(partial(purge_article_page, article, text=True))
        if old_slug and old_slug != article.slug:
            redirect_old_slug(article=article, old_slug=old_slug)
        article.content_fingerprint = clinical_fingerprint(article)
        Article.objects.filter(pk=article.pk).update(content_fingerprint=article.content_fingerprint)
        if article.changed_since_review and not article.review_requested_from_id and article.reviewer_id:
            _request_review(
                article=article,
                by=by,
                reviewer=article.reviewer,
                action=Action.REREVIEW,
                note="The clinical content changed after the medical approval.",
            )
        return refresh_checks(article)


def redirect_old_slug(*, article: Article, old_slug: str) -> Redirect | None:
    """Point the article's old address at it with a 301; an address that is the article's own is dropped."""
    old_path = Article(slug=old_slug).get_absolute_url()
    Redirect.objects.filter(old_path=article.get_absolute_url()).delete()  # the new address is live again
    redirect, _ = Redirect.objects.update_or_create(
        old_path=old_path, defaults={"article": article, "note": "Slug changed"}
    )
    return redirect


# ------------------------------------------------------------------ transitions


def _require(user, perm: str, message: str) -> None:
    if not (user.is_active and user.has_perm(perm)):
        raise NotPermitted(message)


def _may_edit(user, article: Article) -> bool:
    if not (user.is_active and user.has_perm("articles.change_article")):
        return False
    return user.has_perm("articles.change_any_article") or article.author_id == user.pk


def _record(*, article: Article, by, action: str, from_status: str, note: str = "", **fields) -> ArticleEvent:
    transaction.on_commit(partial(purge_article_page, article, text=True))
    return ArticleEvent.objects.create(
        article=article, actor=by, action=action, from_status=from_status, to_status=article.status, note=note, **fields
    )


def _save(article: Article, *, by, reason: str, fields: list[str]) -> None:
    article._history_user = by
    article._change_reason = reason
    article.save(update_fields=[*fields, "updated_at"])


def reviewers():
    """Active users who may give medical approval (directly, through a group, or as superusers)."""
    users = get_user_model().objects.with_perm(
        "articles.review_article", include_superusers=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return users.filter(is_active=True).order_by("last_name", "first_name", "username")


def _request_review(*, article: Article, by, reviewer, action: str, note: str = "") -> ArticleEvent:
    from_status = article.status
    article.review_requested_from = reviewer
    article.review_requested_at = timezone.now()
    if action == Action.SUBMITTED and article.status == Status.DRAFT:
        article.status = Status.IN_REVIEW
    _save(
        article,
        by=by,
        reason=f"{ArticleEvent.Action(action).label}",
        fields=[
            "review_requested_from",
            "review_requested_at",
            "status",
        ],
    )
    return _record(article=article, by=by, action=action, from_status=from_status, note=note)


@transaction.atomic
def submit_for_review(*, article: Article, by, reviewer, note: str = "") -> ArticleEvent:
    """Ask `reviewer` to medically review the current text. A draft moves to "in review"."""
    if not _may_edit(by, article):
        raise NotPermitted("You may only submit articles you are allowed to edit.")
    if reviewer is None or not reviewer.is_active or not reviewer.has_perm("articles.review_article"):
        raise WorkflowError("Choose a medical reviewer: the person chosen cannot review articles.")
    if article.status == Status.ARCHIVED:
        raise WorkflowError("An archived article cannot be submitted for review.")
    if article.has_current_approval and not article.review_requested_from_id:
        raise WorkflowError("The current text is already medically approved.")
    return _request_review(article=article, by=by, reviewer=reviewer, action=Action.SUBMITTED, note=note)


def _check_reviewer(article: Article, by) -> None:
    _require(by, "articles.review_article", "Only medical reviewers can approve or send back articles.")
    if not article.review_requested_from_id:
        raise WorkflowError("Nobody has asked for a medical review of this article.")
    if article.review_requested_from_id != by.pk and not by.is_superuser:
        raise NotPermitted("This article was submitted to another reviewer.")


@transaction.atomic
def approve(*, article: Article, by, note: str = "", today: datetime.date | None = None) -> ArticleEvent:
    """Sign off the current clinical text: records the reviewer, the date and the fingerprint."""
    _check_reviewer(article, by)
    today = today or timezone.localdate()
    from_status = article.status
    fingerprint = clinical_fingerprint(article)
    article.approved_fingerprint = article.content_fingerprint = fingerprint
    article.reviewer = by
    article.last_reviewed = today
    article.next_review_due = add_months(today, review_interval_months(article))
    article.review_requested_from = None
    article.review_requested_at = None
    if article.status == Status.IN_REVIEW:
        article.status = Status.APPROVED
    _save(
        article,
        by=by,
        reason="Medically approved",
        fields=[
            "approved_fingerprint",
            "content_fingerprint",
            "reviewer",
            "last_reviewed",
            "next_review_due",
            "review_requested_from",
            "review_requested_at",
            "status",
        ],
    )
    refresh_checks(article)  # the review dates and the reviewer are publishing standards
    return _record(
        article=article, by=by, action=Action.APPROVED, from_status=from_status, note=note, fingerprint=fingerprint
    )


@transaction.atomic
def send_back(*, article: Article, by, note: str) -> ArticleEvent:
    """Return the article to its writers with the reviewer's note; a published article stays online."""
    _check_reviewer(article, by)
    if not note.strip():
        raise WorkflowError("Say what needs to change: a note is required when sending an article back.")
    from_status = article.status
    article.review_requested_from = None
    article.review_requested_at = None
    if article.status in (Status.IN_REVIEW, Status.APPROVED):
        article.status = Status.DRAFT
    _save(
        article,
        by=by,
        reason="Sent back by the medical reviewer",
        fields=["review_requested_from", "review_requested_at", "status"],
    )
    return _record(article=article, by=by, action=Action.SENT_BACK, from_status=from_status, note=note.strip())


@dataclass(frozen=True)
class Blocker:
    """A reason the article may not be published, and who may let it be published anyway."""

    reason: str
    overridable_by: str  # checks.EDITOR ("publish without review", with a reason), MEDICAL_REVIEWER or NOBODY

    def __str__(self):
        return self.reason


def publishing_blockers(article: Article, findings: list[Finding] | None = None) -> list[Blocker]:
    """Why the article may not be published (empty: it may be), each with who may override it."""
    if findings is None:
        findings = check_article(article)
    blockers = []
    missing = [finding.excerpt for finding in findings if finding.is_error and finding.overridable_by == NOBODY]
    if missing:
        blockers.append(Blocker(f"It does not meet the publishing standards: it needs {', '.join(missing)}.", NOBODY))
    if clinical_fingerprint(article) != article.approved_fingerprint or not article.approved_fingerprint:
        blockers.append(Blocker("The current text has no medical approval.", EDITOR))
    for_reviewer = sum(finding.is_error and finding.overridable_by == MEDICAL_REVIEWER for finding in findings)
    if for_reviewer:
        blockers.append(
            Blocker(
                f"The content checks found {for_reviewer} dangerous claim(s) or contradiction(s): the text must "
                "change, or a medical reviewer must accept each one with a reason.",
                MEDICAL_REVIEWER,
            )
        )
    other = sum(finding.is_error and finding.overridable_by == EDITOR for finding in findings)
    if other:
        blockers.append(Blocker(f"The content checks found {other} error(s).", EDITOR))
    return blockers


@transaction.atomic
def publish(*, article: Article, by, when: datetime.datetime | None = None, override_reason: str = "") -> ArticleEvent:
    """Publish now, or schedule for `when`.

    Needs the publishing standards (no override), no dangerous claim or contradiction that a medical reviewer has
    not accepted (no override), a medical approval of the current text and no other content-check errors, unless an
    editor with "publish without review" gives a reason (recorded as an override).
    """
    _require(by, "articles.publish_article", "Only editors can publish or schedule articles.")
    override_reason = (override_reason or "").strip()
    if override_reason:
        _require(
            by,
            "articles.publish_without_review",
            "Publishing past the checks needs the “publish without review” permission.",
        )
    blockers = publishing_blockers(article, refresh_checks(article))
    hard = [str(blocker) for blocker in blockers if blocker.overridable_by != EDITOR]
    if hard:
        raise WorkflowError(" ".join(hard) + " No override can publish past this.")
    if blockers and not override_reason:
        raise WorkflowError(" ".join(map(str, blockers)) + " It cannot be published until that is resolved.")
    now = timezone.now()
    from_status = article.status
    article.status = Status.PUBLISHED
    article.published_at = when or (article.published_at if article.is_published else now)
    scheduled = article.published_at > now
    _save(article, by=by, reason="Scheduled" if scheduled else "Published", fields=["status", "published_at"])
    note = override_reason
    if override_reason and blockers:
        note = f"{override_reason} (overrode: {' '.join(map(str, blockers))})"
    return _record(
        article=article,
        by=by,
        action=Action.SCHEDULED if scheduled else Action.PUBLISHED,
        from_status=from_status,
        note=note,
        override=bool(override_reason),
    )


@transaction.atomic
def accept_finding(*, article: Article, by, key: str, reason: str) -> ArticleEvent:
    """A medical reviewer accepts a dangerous claim or a contradiction as it stands, with a reason (recorded).

    The acceptance holds for that exact sentence (or pair of sentences): when the text changes, the check
    reports it again.
    """
    _require(by, "articles.review_article", "Only a medical reviewer can accept a dangerous claim or a contradiction.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise WorkflowError("Say why the sentence is right as it stands: a reason is required, and it is recorded.")
    finding = next(
        (
            finding
            for finding in check_article(article)
            if finding.is_error and finding.overridable_by == MEDICAL_REVIEWER and finding.key == key
        ),
        None,
    )
    if finding is None:
        raise WorkflowError("That finding is no longer reported (the text may have changed): reload the page.")
    quoted = " / ".join(f"“{text}”" for text in (finding.excerpt, finding.other_sentence) if text)
    _save(article, by=by, reason="Content-check error accepted by a medical reviewer", fields=[])
    event = _record(
        article=article,
        by=by,
        action=Action.ACCEPTED_CLAIM,
        from_status=article.status,
        note=f"{reason} — {quoted}",
        fingerprint=finding_key(finding.code, finding.excerpt, finding.other_sentence),
    )
    refresh_checks(article)
    return event


@transaction.atomic
def archive(*, article: Article, by, note: str = "") -> ArticleEvent:
    """Take the article off the site (its address then shows "not found")."""
    _require(by, "articles.publish_article", "Only editors can archive articles.")
    if article.status == Status.ARCHIVED:
        raise WorkflowError("The article is already archived.")
    from_status = article.status
    article.status = Status.ARCHIVED
    _save(article, by=by, reason="Archived", fields=["status"])
    return _record(article=article, by=by, action=Action.ARCHIVED, from_status=from_status, note=note)


@transaction.atomic
def mark_minor_edit(*, article: Article, by, note: str) -> ArticleEvent:
    """Keep the medical sign-off for a typo-level change: the approval moves to the current text (recorded)."""
    _require(by, "articles.publish_article", "Only editors can mark an edit as minor.")
    if not article.approved_fingerprint:
        raise WorkflowError("There is no medical approval to keep: the article has never been approved.")
    fingerprint = clinical_fingerprint(article)
    if fingerprint == article.approved_fingerprint:
        raise WorkflowError("Nothing has changed since the last medical review.")
    if not note.strip():
        raise WorkflowError("Say what changed, e.g. “Fixed a typo in the second paragraph”.")
    from_status = article.status
    article.approved_fingerprint = article.content_fingerprint = fingerprint
    article.review_requested_from = None
    article.review_requested_at = None
    if article.status == Status.IN_REVIEW and article.last_reviewed:
        article.status = Status.APPROVED
    _save(
        article,
        by=by,
        reason="Marked as a minor edit",
        fields=[
            "approved_fingerprint",
            "content_fingerprint",
            "review_requested_from",
            "review_requested_at",
            "status",
        ],
    )
    return _record(
        article=article,
        by=by,
        action=Action.MINOR_EDIT,
        from_status=from_status,
        note=note.strip(),
        fingerprint=fingerprint,
    )
