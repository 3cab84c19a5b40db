"""People in the editorial roles (the groups made by the migration) and an article that passes the content checks."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.models import Article, ContributorProfile, Reference
from tests.conftest import make_user

CLEAN_BODY = (
    "## How it works\n\nBotox can reduce the number of headache days for some people [1].\n\n"
    "## Side effects\n\nSome people get a sore neck after the injections [2].\n\n"
    "## When to get medical help\n\nSee your doctor if your headaches get worse.\n"
)


def in_group(username: str, group: str, **extra) -> object:
    user = make_user(username, staff=True)
    user.groups.add(Group.objects.get(name=group))
    for perm in extra.get("perms", ()):
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def writer(db):
    user = in_group("wendy-writer", "Writers")
    user.first_name, user.last_name = "Wendy", "Wright"
    user.save()
    return user


@pytest.fixture
def other_writer(db):
    return in_group("walter-writer", "Writers")


@pytest.fixture
def med_reviewer(db):
    user = in_group("dr-rivera", "Medical reviewers")
    user.first_name, user.last_name = "Rosa", "Rivera"
    user.save()
    ContributorProfile.objects.create(
        user=user, display_name="Dr Rosa Rivera", credentials="Consultant neurologist", profession="Neurologist",
        registration="GMC 1234567",
    )  # fmt: skip
    return user


@pytest.fixture
def other_reviewer(db):
    return in_group("dr-other", "Medical reviewers")


@pytest.fixture
def chief_editor(db):
    return in_group("eddie-editor", "Editors")


@pytest.fixture
def overriding_editor(db):
    return in_group("olga-editor", "Editors", perms=("articles.publish_without_review",))


@pytest.fixture
def moderator_user(db):
    return in_group("morgan-moderator", "Moderators")


@pytest.fixture
def draft(writer, topic):
    """A writer's draft that passes every content check."""
    article = Article.objects.create(
        title="Botox for headache",
        summary="How Botox injections can help prevent chronic migraine.",
        body=CLEAN_BODY,
        author=writer,
        competing_interests="None",
        status=Article.Status.DRAFT,
    )
    article.topics.set([topic])
    for n in (1, 2):
        Reference.objects.create(article=article, position=n, title=f"Study {n}", source="Cephalalgia", year=2010,
                                 doi=f"10.1/{n}")  # fmt: skip
    return article


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def workflow_url(article, action: str) -> str:
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def change_form(article, **overrides) -> dict:
    """What the change form posts for `article` as it is, with its references, plus `overrides`."""
    references = list(article.references.all())
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "topics": [topic.pk for topic in article.topics.all()],
        "hero_alt": article.hero_alt,
        "author": article.author_id,
        "next_review_due": article.next_review_due.isoformat() if article.next_review_due else "",
        "what_changed": article.what_changed,
        "competing_interests": article.competing_interests,
        "references-TOTAL_FORMS": str(len(references)),
        "references-INITIAL_FORMS": str(len(references)),
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "_continue": "Save and continue editing",
    }
    for i, ref in enumerate(references):
        data.update({
            f"references-{i}-id": ref.pk, f"references-{i}-article": article.pk,
            f"references-{i}-position": ref.position, f"references-{i}-title": ref.title,
            f"references-{i}-source": ref.source, f"references-{i}-year": ref.year or "",
            f"references-{i}-url": ref.url, f"references-{i}-doi": ref.doi,
        })  # fmt: skip
    return {**data, **overrides}


TODAY = datetime.date(2026, 6, 1)
