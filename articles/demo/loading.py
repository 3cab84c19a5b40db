"""Load the demo content idempotently: rows are keyed on slugs and usernames and saved only when they differ."""

import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction

from articles.caching import purge_site
from articles.checks import refresh_checks
from articles.models import Article, ContributorProfile, Reference, Topic, add_months
from articles.workflow import clinical_fingerprint

from .data import PEOPLE, REFERENCES, TOPICS, DemoPerson

CONTENT_DIR = Path(__file__).parent / "content"
FRONT_MATTER_FENCE = "---"

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "unchanged", "removed"

# One staff sign-in per editorial role, to try the workflow locally (`make run` prints their passwords).
ROLE_ACCOUNTS = [
    ("writer", "Writers", "Wren", "Writer"),
    ("reviewer", "Medical reviewers", "Rowan", "Reviewer"),
    ("editor", "Editors", "Eden", "Editor"),
    ("moderator", "Moderators", "Morgan", "Moderator"),
]


@dataclass(frozen=True)
class DemoArticle:
    title: str
    slug: str
    summary: str
    status: str
    topics: tuple[str, ...]
    author: str
    reviewer: str
    published_at: datetime.datetime | None
    last_reviewed: datetime.date | None
    body: str
    competing_interests: str = ""


def parse_article(text: str, *, name: str = "article") -> DemoArticle:
    """A Markdown file with a small `key: value` front-matter block between `---` lines."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ValueError(f"{name}: the file must start with a front-matter block.")
    try:
        end = lines.index(FRONT_MATTER_FENCE, 1)
    except ValueError:
        raise ValueError(f"{name}: the front-matter block is not closed with '---'.") from None
    meta = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"{name}: front-matter line {line!r} is not `key: value`.")
        meta[key.strip()] = value.strip().strip('"')
    published_at = meta.get("published_at")
    last_reviewed = meta.get("last_reviewed")
    return DemoArticle(
        title=meta["title"],
        slug=meta["slug"],
        summary=meta.get("summary", ""),
        status=meta["status"],
        topics=tuple(slug.strip() for slug in meta.get("topics", "").split(",") if slug.strip()),
        author=meta["author"],
        reviewer=meta.get("reviewer", ""),
        published_at=datetime.datetime.fromisoformat(published_at) if published_at else None,
        last_reviewed=datetime.date.fromisoformat(last_reviewed) if last_reviewed else None,
        body="\n".join(lines[end + 1 :]).strip() + "\n",
        competing_interests=meta.get("competing_interests", ""),
    )


def demo_articles() -> list[DemoArticle]:
    return [
        parse_article(path.read_text(encoding="utf-8"), name=path.name) for path in sorted(CONTENT_DIR.glob("*.md"))
    ]


def _sync(model: type[models.Model], *, lookup: dict, values: dict) -> tuple[models.Model, str]:
    """Create the row, or update only the fields that differ (so auto_now timestamps stay put when nothing changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, CREATED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    return obj, UPDATED


def _sync_person(person: DemoPerson, counts: Counter):
    """A real, active, non-staff account that cannot sign in with a password, with its contributor profile."""
    users = get_user_model()
    values = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": f"{person.username}@example.org",
        "is_active": True,
        "is_staff": False,
        "is_superuser": False,
    }
    user = users.objects.filter(username=person.username).first()
    if user is None:
        user = users(username=person.username, **values)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        outcome = CREATED
    else:
        changed = [name for name, value in values.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, values[name])
        if user.has_usable_password():
            user.set_unusable_password()
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        outcome = UPDATED if changed else UNCHANGED
    counts["users", outcome] += 1
    _, outcome = _sync(
        ContributorProfile,
        lookup={"user": user},
        values={
            "display_name": person.display_name,
            "credentials": person.credentials,
            "profession": person.profession,
            "registration": person.registration,
            "bio": person.bio,
        },
    )
    counts["profiles", outcome] += 1
    return user


def _sync_article(demo: DemoArticle, *, people: dict, topics: dict, counts: Counter) -> Article:
    next_review_due = (
        add_months(demo.last_reviewed, settings.ARTICLE_REVIEW_INTERVAL_MONTHS) if demo.last_reviewed else None
    )
    article, outcome = _sync(
        Article,
        lookup={"slug": demo.slug},
        values={
            "title": demo.title,
            "summary": demo.summary,
            "body": demo.body,
            "status": demo.status,
            "published_at": demo.published_at,
            "author": people[demo.author],
            "reviewer": people[demo.reviewer] if demo.reviewer else None,
            "last_reviewed": demo.last_reviewed,
            "next_review_due": next_review_due,
            "competing_interests": demo.competing_interests,
        },
    )
    wanted_topics = {topics[slug].pk for slug in demo.topics}
    if set(article.topics.values_list("pk", flat=True)) != wanted_topics:
        article.topics.set(wanted_topics)
        if outcome == UNCHANGED:
            outcome = UPDATED
    counts["articles", outcome] += 1

    references = REFERENCES.get(demo.slug, [])
    for position, ref in enumerate(references, start=1):
        _, outcome = _sync(
            Reference,
            lookup={"article": article, "position": position},
            values={"title": ref.title, "source": ref.source, "year": ref.year, "url": ref.url, "doi": ref.doi},
        )
        counts["references", outcome] += 1
    removed, _ = Reference.objects.filter(article=article, position__gt=len(references)).delete()
    counts["references", REMOVED] += removed
    # The demo texts count as medically approved as they are written (derived fields: no new revision).
    fingerprint = clinical_fingerprint(article)
    Article.objects.filter(pk=article.pk).update(
        content_fingerprint=fingerprint, approved_fingerprint=fingerprint if demo.last_reviewed else ""
    )
    transaction.on_commit(purge_site)  # update() sends no signal
    return article


def _sync_role_account(username: str, group_name: str, first_name: str, last_name: str, counts: Counter) -> None:
    """A staff account in one role's group. It gets its password from `local_admin` (printed by `make run`)."""
    users = get_user_model()
    group = Group.objects.filter(name=group_name).first()
    if group is None:  # the role migrations' groups were removed (e.g. a test database flush): no account
        return
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users(username=username, email=f"{username}@localhost", first_name=first_name, last_name=last_name)
        user.is_staff = True
        user.set_unusable_password()
        user.save()
        outcome = CREATED
    else:
        changed = [name for name in ("is_staff", "is_active") if not getattr(user, name)]
        for name in changed:
            setattr(user, name, True)
        if changed:
            user.save(update_fields=changed)
        outcome = UPDATED if changed else UNCHANGED
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        outcome = UPDATED if outcome == UNCHANGED else outcome
    counts["accounts", outcome] += 1


def load_demo_content() -> Counter:
    """Create or bring up to date the demo topics, people, articles, references and role accounts.

    Returns (kind, outcome) counts.
    """
    counts = Counter()
    with transaction.atomic():
        topics = {}
        for demo in TOPICS:
            topics[demo.slug], outcome = _sync(
                Topic, lookup={"slug": demo.slug}, values={"name": demo.name, "description": demo.description}
            )
            counts["topics", outcome] += 1
        people = {person.username: _sync_person(person, counts) for person in PEOPLE}
        articles = [_sync_article(demo, people=people, topics=topics, counts=counts) for demo in demo_articles()]
        for article in articles:  # once all exist: the articles link to each other
            refresh_checks(article)
        for username, group_name, first_name, last_name in ROLE_ACCOUNTS:
            _sync_role_account(username, group_name, first_name, last_name, counts)
    return counts
