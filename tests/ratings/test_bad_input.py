import datetime

import pytest
from django.test import Client
from django.utils import timezone

from ratings.models import RatingSummary, Vote

from .conftest import reader_url, vote_url

JSON = {"HTTP_ACCEPT": "application/json"}


def assert_nothing_stored():
    assert Vote.objects.count() == 0
    assert not RatingSummary.objects.filter(vote_count__gt=0).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "0"}, "A rating is a whole number of stars from 1 to 5."),
        ({"score": "6"}, "A rating is a whole number of stars from 1 to 5."),
        ({"score": "-1"}, "A rating is a whole number of stars from 1 to 5."),
        ({"score": "4.5"}, "A rating is a whole number of stars from 1 to 5."),
        ({"score": "four"}, "A rating is a whole number of stars from 1 to 5."),
        ({"score": "99999999999999999999"}, "A rating is a whole number of stars from 1 to 5."),
        ({"score": ""}, "Choose from 1 to 5 stars, then send your rating."),
        ({}, "Choose from 1 to 5 stars, then send your rating."),
    ],
)
def test_a_score_outside_1_to_5_or_not_a_number_is_refused(client, article, data, message):
    response = client.post(vote_url(article), data, **JSON)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    page = client.post(vote_url(article), data)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert_nothing_stored()


@pytest.mark.parametrize("token", [None, "wrong-token-" + "x" * 52])
def test_a_vote_without_a_valid_csrf_token_is_not_stored_but_offered_for_confirmation(article, token):
    client = Client(enforce_csrf_checks=True)
    client.get(article.get_absolute_url())  # a shared page: no token, no cookie
    data = {"score": "4"} if token is None else {"score": "4", "csrfmiddlewaretoken": token}
    response = client.post(vote_url(article), data)
    assert response.status_code == 403
    assert "Confirm your rating" in response.content.decode()
    assert_nothing_stored()


def test_a_vote_from_another_site_is_refused_without_a_confirmation(article, settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post(vote_url(article), {"score": "4"}, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    assert "Confirm your rating" not in response.content.decode()
    assert_nothing_stored()


def test_a_valid_csrf_token_from_the_reader_request_is_accepted(article):
    client = Client(enforce_csrf_checks=True)
    client.get(article.get_absolute_url())
    token = client.get(reader_url(article)).json()["csrf_token"]
    response = client.post(vote_url(article), {"score": "4"}, HTTP_X_CSRFTOKEN=token, **JSON)
    assert response.status_code == 200
    assert Vote.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_methods_than_post_are_405(client, article, method):
    response = getattr(client, method)(vote_url(article), **JSON)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"error": "Ratings are sent with the form on the article page (a POST request)."}
    assert_nothing_stored()


def test_an_unknown_article_is_404(client, db):
    response = client.post("/ratings/no-such-article/vote/", {"score": "4"}, **JSON)
    assert response.status_code == 404
    assert "no published article" in response.json()["error"]
    assert client.post("/ratings/no-such-article/vote/", {"score": "4"}).status_code == 404
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("status", "published_delta"),
    [("draft", None), ("archived", datetime.timedelta(days=-3)), ("published", datetime.timedelta(days=2))],
)
def test_an_unpublished_article_is_404_even_for_staff(client, make_article, editor, status, published_delta):
    published_at = timezone.now() + published_delta if published_delta else None
    hidden = make_article("Hidden", status=status, published_at=published_at)
    assert client.post(vote_url(hidden), {"score": "4"}).status_code == 404
    client.force_login(editor)
    assert client.post(vote_url(hidden), {"score": "4"}, **JSON).status_code == 404
    assert_nothing_stored()


def test_an_oversized_body_is_413_with_a_message(client, article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post(vote_url(article), {"score": "4", "padding": "x" * 5_000}, **JSON)
    assert response.status_code == 413
    assert response.json() == {"error": "That request is far too large to be a rating."}
    assert_nothing_stored()


def test_an_oversized_body_caught_by_the_csrf_check_is_a_413_not_a_500(article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client = Client(enforce_csrf_checks=True)
    client.get(article.get_absolute_url())
    response = client.post(vote_url(article), {"score": "4", "padding": "x" * 5_000})
    assert response.status_code == 413
    assert "far too large" in response.content.decode()
    assert_nothing_stored()
