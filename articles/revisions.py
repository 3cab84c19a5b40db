"""Revisions of an article (django-simple-history): what changed between two, and restoring an old one.

A revision is a historical Article row; its references are the historical
Reference rows as they stood until the next revision of the article (the admin
saves the article first and its references just after).
"""

import difflib
from dataclasses import dataclass

from django.db import transaction

from .models import Article, ArticleEvent, Reference
from .workflow import after_edit

DIFF_FIELDS = [
    ("title", "Title"),
    ("slug", "Address"),
    ("summary", "Summary"),
    ("body", "Body"),
    ("what_changed", "What changed (note for readers)"),
]
RESTORED_FIELDS = ["title", "slug", "summary", "body", "hero_alt", "what_changed"]


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "context" or "gap"
    text: str

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "−", "gap": "…"}.get(self.kind, " ")


@dataclass(frozen=True)
class FieldDiff:
    label: str
    lines: list[DiffLine]


def references_at(revision) -> list:
    """The article's references as they stood at `revision` (until the article's next revision)."""
    later = (
        Article.history.filter(id=revision.id, history_date__gt=revision.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    records = Reference.history.filter(article_id=revision.id)
    if later is not None:
        records = records.filter(history_date__lt=later)
    latest = {}
    for record in records.order_by("history_date", "history_id"):
        latest[record.id] = record
    return sorted((r for r in latest.values() if r.history_type != "-"), key=lambda r: r.position)


def reference_lines(references) -> list[str]:
    lines = []
    for ref in references:
        details = ", ".join(str(part) for part in (ref.source, ref.year, ref.url, ref.doi and f"doi:{ref.doi}") if part)
        lines.append(f"[{ref.position}] {ref.title}" + (f" — {details}" if details else ""))
    return lines


def line_diff(old: list[str], new: list[str]) -> list[DiffLine]:
    """Changed lines with three lines of context; the text is escaped by the template that shows it."""
    lines = []
    for group in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(3):
        if lines:
            lines.append(DiffLine("gap", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(DiffLine("context", line) for line in old[i1:i2])
                continue
            lines.extend(DiffLine("removed", line) for line in old[i1:i2])
            lines.extend(DiffLine("added", line) for line in new[j1:j2])
    return lines


def revision_diff(old, new) -> list[FieldDiff]:
    """What differs between two revisions of an article, field by field (unchanged fields left out)."""
    diffs = []
    for name, label in DIFF_FIELDS:
        before, after = getattr(old, name) or "", getattr(new, name) or ""
        if before != after:
            diffs.append(FieldDiff(label, line_diff(before.splitlines(), after.splitlines())))
    before, after = reference_lines(references_at(old)), reference_lines(references_at(new))
    if before != after:
        diffs.append(FieldDiff("References", line_diff(before, after)))
    return diffs


@transaction.atomic
def restore_revision(*, article: Article, revision, by) -> ArticleEvent:
    """Bring back the text and references of an old revision, saved as a new revision.

    The state, dates and medical sign-off are not restored: if the restored clinical
    content differs from the approved one, re-review is requested as after any edit.
    """
    if revision.id != article.pk:
        raise ValueError("The revision belongs to another article.")
    old_slug = article.slug
    references = references_at(revision)
    for name in RESTORED_FIELDS:
        setattr(article, name, getattr(revision, name))
    if Article.objects.filter(slug=article.slug).exclude(pk=article.pk).exists():
        article.slug = old_slug  # another article has taken that address since
    article._history_user = by
    article._change_reason = f"Restored the revision of {revision.history_date:%-d %b %Y %H:%M}"
    article.save()
    article.references.all().delete()
    for ref in references:
        Reference.objects.create(
            article=article,
            position=ref.position,
            title=ref.title,
            source=ref.source,
            year=ref.year,
            url=ref.url,
            doi=ref.doi,
        )
    event = ArticleEvent.objects.create(
        article=article,
        actor=by,
        action=ArticleEvent.Action.RESTORED,
        from_status=article.status,
        to_status=article.status,
        note=article._change_reason,
    )
    after_edit(article=article, by=by, old_slug=old_slug)
    return event
