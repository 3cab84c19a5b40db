"""Each editorial role may do what its group allows, and is refused server-side otherwise."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, Topic
from tests.articles.conftest import change_form, change_url, workflow_url

pytestmark = pytest.mark.django_db


def perms_of(group: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_creates_the_groups_with_least_privilege():
    writers, reviewers, editors = perms_of("Writers"), perms_of("Medical reviewers"), perms_of("Editors")

    assert {"articles.add_article", "articles.change_article"} <= writers
    assert not writers & {"articles.publish_article", "articles.change_any_article", "articles.review_article"}
    assert "articles.review_article" in reviewers and "articles.change_article" not in reviewers
    assert {"articles.publish_article", "articles.change_any_article", "articles.change_topic"} <= editors
    assert {"articles.add_redirect", "articles.change_redirect"} <= editors
    assert "articles.publish_without_review" not in editors | writers | reviewers
    assert not any(perm.startswith("articles.") for perm in perms_of("Moderators"))


def test_a_moderator_cannot_open_an_article_change_page(client, moderator_user, draft):
    client.force_login(moderator_user)

    assert client.get(change_url(draft)).status_code == 403
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert client.post(change_url(draft), change_form(draft, title="Hacked")).status_code == 403
    assert client.post(workflow_url(draft, "archive")).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Botox for headache" and draft.status == Article.Status.DRAFT


def test_a_writer_sees_and_edits_only_their_own_articles(client, writer, other_writer, draft):
    theirs = Article.objects.create(title="Someone else's", body="Text.", author=other_writer)
    client.force_login(writer)

    listed = client.get(reverse("admin:articles_article_changelist")).context["cl"].result_list
    assert [article.pk for article in listed] == [draft.pk]
    assert client.get(change_url(draft)).status_code == 200
    response = client.post(change_url(theirs), change_form(theirs, title="Taken over"))
    assert response.status_code in (302, 403) and response.get("Location", "") != change_url(theirs)
    theirs.refresh_from_db()
    assert theirs.title == "Someone else's"
    assert client.post(workflow_url(theirs, "submit")).status_code == 404


def test_a_writer_cannot_set_the_author_or_review_dates(client, writer, other_writer, draft):
    client.force_login(writer)

    client.post(
        change_url(draft),
        change_form(draft, author=other_writer.pk, last_reviewed="2026-01-01", reviewer=other_writer.pk,
                    status="published", next_review_due="2030-01-01"),
    )  # fmt: skip

    draft.refresh_from_db()
    assert draft.author == writer and draft.status == Article.Status.DRAFT
    assert draft.last_reviewed is None and draft.reviewer is None and draft.next_review_due is None


def test_a_writer_can_use_the_editor_endpoints(client, writer):
    client.force_login(writer)

    assert client.post(reverse("articles:editor-preview"), {"content": "Hi"}).status_code == 200


def test_a_reviewer_can_read_but_not_change_articles(client, med_reviewer, draft):
    client.force_login(med_reviewer)

    assert client.get(change_url(draft)).status_code == 200
    assert client.post(change_url(draft), change_form(draft, title="Changed")).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Botox for headache"


def test_a_reviewer_edits_only_their_own_profile(client, med_reviewer, reviewer_user):
    client.force_login(med_reviewer)

    listed = client.get(reverse("admin:articles_contributorprofile_changelist")).context["cl"].result_list
    assert [profile.user for profile in listed] == [med_reviewer]


def test_editors_manage_topics_and_redirects_writers_do_not(client, chief_editor, writer, draft):
    client.force_login(chief_editor)
    response = client.post(reverse("admin:articles_topic_add"), {"name": "Cluster", "slug": "cluster"})
    assert response.status_code == 302 and Topic.objects.filter(slug="cluster").exists()
    assert client.get(reverse("admin:articles_redirect_add")).status_code == 200

    client.force_login(writer)
    assert client.post(reverse("admin:articles_topic_add"), {"name": "X", "slug": "x"}).status_code == 403
    assert client.get(reverse("admin:articles_redirect_add")).status_code == 403


def test_a_reviewer_cannot_publish_or_archive(client, med_reviewer, draft):
    client.force_login(med_reviewer)

    assert client.post(workflow_url(draft, "publish")).status_code == 403
    assert client.post(workflow_url(draft, "archive")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
