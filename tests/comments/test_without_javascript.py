"""A reader without JavaScript on the shared page (no CSRF token in it, no "served at" time): what they send is
shown back with a fresh token, and one more click stores it; Django's CsrfViewMiddleware still decides."""

import datetime
import re

from django.test import Client
from django.urls import reverse

from comments.models import ArticleDiscussion, Comment, Report


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]


def test_a_comment_sent_without_a_token_is_shown_back_and_stored_with_one_more_click(article, time_machine):
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC), tick=False)
    reader = Client(enforce_csrf_checks=True)
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in html and 'name="timestamp" id="id_timestamp"' in html
    sent = {"name": "Noor", "email": "noor@example.org", "body": "No scripts here <b>at all</b>.", "timestamp": ""}
    confirm = reader.post(reverse("comments:post", args=[article.pk]), sent)

    assert confirm.status_code == 403
    page = confirm.content.decode()
    assert "Confirm your comment" in page
    assert "No scripts here &lt;b&gt;at all&lt;/b&gt;." in page
    assert field(page, "name") == "Noor"
    assert not Comment.objects.exists()

    time_machine.shift(datetime.timedelta(seconds=2))
    stored = reader.post(
        reverse("comments:post", args=[article.pk]),
        {**sent, "csrfmiddlewaretoken": token_in(page), "timestamp": field(page, "timestamp")},
    )
    assert stored.status_code == 302
    comment = Comment.objects.get()
    assert (comment.body, comment.status) == ("No scripts here <b>at all</b>.", Comment.Status.PENDING)


def test_the_confirming_click_itself_must_not_be_instant(article):
    reader = Client(enforce_csrf_checks=True)
    sent = {"name": "Bot", "email": "bot@example.org", "body": "Buy things"}
    page = reader.post(reverse("comments:post", args=[article.pk]), sent).content.decode()
    reader.post(
        reverse("comments:post", args=[article.pk]),
        {**sent, "csrfmiddlewaretoken": token_in(page), "timestamp": field(page, "timestamp")},
    )
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_reply_keeps_its_parent_through_the_confirmation(article):
    parent = Comment.objects.create(article=article, name="Ann", email="a@example.org", body="Hi", status="approved")
    reader = Client(enforce_csrf_checks=True)
    sent = {"name": "Noor", "email": "noor@example.org", "body": "Same here", "parent": str(parent.pk)}
    page = reader.post(reverse("comments:post", args=[article.pk]), sent).content.decode()
    assert field(page, "parent") == str(parent.pk)


def test_comments_closed_meanwhile_say_so_instead_of_asking_to_confirm(article):
    ArticleDiscussion.objects.create(article=article, closed=True)
    response = Client(enforce_csrf_checks=True).post(
        reverse("comments:post", args=[article.pk]), {"name": "Noor", "body": "Late"}
    )
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()


def test_a_report_sent_without_a_token_is_confirmed_then_counted(article):
    comment = Comment.objects.create(article=article, name="Ann", email="a@example.org", body="Rude", status="approved")
    reader = Client(enforce_csrf_checks=True)
    confirm = reader.post(reverse("comments:report", args=[comment.pk]))
    assert confirm.status_code == 403
    page = confirm.content.decode()
    assert "Report this comment?" in page and "Rude" in page
    assert not Report.objects.exists()

    done = reader.post(reverse("comments:report", args=[comment.pk]), {"csrfmiddlewaretoken": token_in(page)})
    assert done.status_code == 302
    assert Report.objects.filter(comment=comment).count() == 1


def test_posts_from_another_site_are_refused_without_an_offer_to_confirm(article):
    comment = Comment.objects.create(article=article, name="Ann", email="a@example.org", body="Hi", status="approved")
    forged = Client(enforce_csrf_checks=True)
    for url, data in (
        (reverse("comments:post", args=[article.pk]), {"name": "X", "body": "Forged"}),
        (reverse("comments:report", args=[comment.pk]), {}),
        (reverse("ratings:rate", args=[article.slug]), {"score": "1"}),
    ):
        for headers in ({"HTTP_ORIGIN": "https://attacker.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}):
            response = forged.post(url, data, **headers)
            assert response.status_code == 403
            assert "Nothing was saved" in response.content.decode()
            assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not Report.objects.exists() and Comment.objects.count() == 1


def test_the_reader_request_gives_a_csrf_token_and_the_forms_time_and_sets_the_cookie(article):
    reader = Client(enforce_csrf_checks=True)
    response = reader.get(reverse("articles:reader", args=[article.slug]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    state = response.json()
    assert "csrftoken" in response.cookies
    sent = {
        "name": "Noor",
        "email": "noor@example.org",
        "body": "With scripts",
        "timestamp": state["comments"]["timestamp"],
        "csrfmiddlewaretoken": state["csrf_token"],
    }
    assert reader.post(reverse("comments:post", args=[article.pk]), sent).status_code == 302
    assert Comment.objects.get().body == "With scripts"
