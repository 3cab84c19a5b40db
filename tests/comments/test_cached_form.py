"""The comment form on a cached page carries a "served at" time made for each reader, not the cache's."""

import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from comments import forms
from comments.forms import TIMESTAMP_SALT
from comments.models import Comment
from tests.wsgi_front import wsgi_get

TIMESTAMP_RE = re.compile(r'name="timestamp" value="([^"]+)"')
TEN_MINUTES_AGO = time.time() - 600
issue = forms.issue_timestamp


def rendered_ten_minutes_ago():
    """The page is rendered (and cached) with a form served ten minutes ago."""
    return mock.patch.object(
        forms, "fresh_timestamp", lambda article_id: issue(article_id=int(article_id), issued_at=TEN_MINUTES_AGO)
    )


def served_at(html: str) -> dict:
    return signing.loads(TIMESTAMP_RE.search(html).group(1), salt=TIMESTAMP_SALT)


def test_each_reader_of_a_cached_page_gets_a_form_timestamp_made_when_they_got_the_page(article):
    with rendered_ten_minutes_ago():
        first = Client().get(article.get_absolute_url())  # cached ten minutes ago
    assert first["X-Page-Cache"] == "miss"
    assert abs(served_at(first.content.decode())["t"] - TEN_MINUTES_AGO) < 2

    reader = Client().get(article.get_absolute_url())

    assert reader["X-Page-Cache"] == "hit"
    stamp = served_at(reader.content.decode())
    assert stamp["a"] == article.pk
    assert abs(stamp["t"] - time.time()) < 5
    assert "__FRESH" not in reader.content.decode()


@pytest.mark.usefixtures("keep_test_transaction")
def test_the_wsgi_front_fills_in_a_fresh_timestamp_too(article):
    with rendered_ten_minutes_ago():
        Client().get(article.get_absolute_url())

    answer = wsgi_get(article.get_absolute_url())

    assert answer["X-Page-Cache"] == "hit"
    assert abs(served_at(answer.text)["t"] - time.time()) < 5


def test_a_bot_that_posts_at_once_from_a_page_cached_long_ago_is_still_caught(article):
    with rendered_ten_minutes_ago():
        Client().get(article.get_absolute_url())
    bot = Client()
    page = bot.get(article.get_absolute_url()).content.decode()

    bot.post(
        reverse("comments:post", args=[article.pk]),
        {
            "name": "Cheap Pills",
            "email": "bot@example.net",
            "body": "Great article, visit my shop.",
            "website": "",
            "parent": "",
            "timestamp": TIMESTAMP_RE.search(page).group(1),
        },
    )

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert "within" in comment.reason
