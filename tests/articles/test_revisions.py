"""Every admin save keeps a revision; the admin compares any two and restores an old one; slug changes redirect."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleEvent, Redirect
from tests.articles.conftest import change_form, change_url

pytestmark = pytest.mark.django_db


def history_url(article) -> str:
    return reverse("admin:articles_article_history", args=[article.pk])


def diff_url(article) -> str:
    return reverse("admin:articles_article_diff", args=[article.pk])


def revisions(article) -> list:
    return list(article.history.order_by("history_date", "history_id"))


@pytest.fixture
def edited(client, writer, draft):
    """The draft edited twice in the admin by its writer."""
    client.force_login(writer)
    client.post(
        change_url(draft), change_form(draft, body=draft.body + "\nA new line with <script>alert(1)</script>.\n")
    )
    draft.refresh_from_db()
    client.post(
        change_url(draft),
        change_form(draft, title="Botox for chronic migraine", **{"references-0-title": "A better study"}),
    )
    draft.refresh_from_db()
    return draft


def test_each_save_keeps_a_revision_with_who_made_it(client, edited, writer):
    history = revisions(edited)

    assert len(history) == 3
    assert [h.history_user for h in history[1:]] == [writer, writer]
    page = client.get(history_url(edited)).content.decode()
    assert page.count('name="old"') == 3 and "wendy-writer" in page


def test_the_diff_between_two_revisions_is_readable_and_escaped(client, edited):
    first, second, third = revisions(edited)

    response = client.get(diff_url(edited), {"old": first.history_id, "new": third.history_id})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>Botox for headache</del>" in html and "<ins>Botox for chronic migraine</ins>" in html
    assert "<ins>A new line with &lt;script&gt;alert(1)&lt;/script&gt;.</ins>" in html
    assert "<script>alert(1)" not in html
    assert "<h2>References</h2>" in html and "<ins>[1] A better study" in html


def test_the_diff_of_neighbouring_revisions_shows_only_what_changed(client, edited):
    _, second, third = revisions(edited)

    html = client.get(diff_url(edited), {"old": second.history_id, "new": third.history_id}).content.decode()

    assert "<h2>Title</h2>" in html and "<h2>Body</h2>" not in html


def test_restoring_an_old_revision_brings_back_text_and_references_as_a_new_revision(client, edited, writer):
    first = revisions(edited)[0]

    response = client.post(reverse("admin:articles_article_restore", args=[edited.pk, first.history_id]))

    edited.refresh_from_db()
    assert response.status_code == 302
    assert edited.title == "Botox for headache" and "<script>" not in edited.body
    assert edited.references.get(position=1).title == "Study 1"
    latest = revisions(edited)[-1]
    assert latest.history_user == writer and latest.history_change_reason.startswith("Restored the revision")
    assert edited.events.filter(action=ArticleEvent.Action.RESTORED, actor=writer).exists()
    assert edited.status == Article.Status.DRAFT


def test_restoring_needs_the_right_to_change_the_article(client, edited, med_reviewer):
    first = revisions(edited)[0]
    client.force_login(med_reviewer)

    assert client.get(history_url(edited)).status_code == 200  # reviewers may read the history
    response = client.post(reverse("admin:articles_article_restore", args=[edited.pk, first.history_id]))

    edited.refresh_from_db()
    assert response.status_code == 403
    assert edited.title == "Botox for chronic migraine"


def test_restoring_refuses_get(client, edited):
    first = revisions(edited)[0]

    assert client.get(reverse("admin:articles_article_restore", args=[edited.pk, first.history_id])).status_code == 405


def test_changing_the_slug_redirects_the_old_address(client, chief_editor, make_article):
    article = make_article("Botox for headache")
    client.force_login(chief_editor)

    client.post(change_url(article), change_form(article, slug="botox-and-migraine"))

    article.refresh_from_db()
    assert article.slug == "botox-and-migraine"
    assert Redirect.objects.get(old_path="/articles/botox-for-headache/").article == article
    client.logout()
    response = client.get("/articles/botox-for-headache/")
    assert response.status_code == 301 and response["Location"] == "/articles/botox-and-migraine/"


def test_changing_the_slug_back_drops_the_redirect_from_the_live_address(client, chief_editor, make_article):
    article = make_article("Botox for headache")
    client.force_login(chief_editor)
    client.post(change_url(article), change_form(article, slug="botox-and-migraine"))
    article.refresh_from_db()

    client.post(change_url(article), change_form(article, slug="botox-for-headache"))

    assert list(Redirect.objects.values_list("old_path", flat=True)) == ["/articles/botox-and-migraine/"]
    assert client.get("/articles/botox-and-migraine/").status_code == 301
    assert client.get("/articles/botox-for-headache/").status_code == 200
