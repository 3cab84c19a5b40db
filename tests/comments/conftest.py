"""Helpers for comment tests: form data as a reader would send it, a moderator, and comments built directly."""

import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from comments.forms import issue_timestamp
from comments.models import Comment
from tests.conftest import make_user


def form_data(article, *, seconds_ago: float = 60, **fields) -> dict:
    """What the browser sends: the form as served `seconds_ago`, filled in by a person."""
    data = {
        "name": "Sam Reader",
        "email": "sam@example.org",
        "body": "This helped me understand my migraines.",
        "website": "",
        "parent": "",
        "timestamp": issue_timestamp(article_id=article.pk, issued_at=time.time() - seconds_ago),
    }
    data.update(fields)
    return data


def post_comment_as_reader(client, article, **fields):
    return client.post(reverse("comments:post", args=[article.pk]), form_data(article, **fields))


def make_comment(article, *, status=Comment.Status.APPROVED, parent=None, **fields) -> Comment:
    comment = Comment(
        article=article,
        name=fields.pop("name", "Alex"),
        email=fields.pop("email", "alex@example.org"),
        body=fields.pop("body", "A comment."),
        status=status,
        **fields,
    )
    comment.attach_to(parent)
    comment.save()
    return comment


@pytest.fixture(autouse=True)
def _generous_flood_limits(settings):
    """Most tests post several comments at once; the flood-control tests set the real limits."""
    settings.COMMENTS_FLOOD_LIMITS = [(1000, 15)]


@pytest.fixture
def moderator(db):
    user = make_user("moira", staff=True, password="moderator-pass-123")
    # The group comes from a data migration; transactional (browser) tests flush it, so make sure it is there.
    group, created = Group.objects.get_or_create(name="Moderators")
    if created:
        group.permissions.set(Permission.objects.filter(content_type__app_label="comments"))
    user.groups.add(group)
    user.email = "moira@example.org"
    user.save()
    return user
