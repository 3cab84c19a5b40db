"""CSRF tokens drawn by headache_site.csrf are Django's own: its middleware accepts them, on pages and the admin."""

import re
from unittest import mock

import pytest
from django.middleware import csrf as django_csrf
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from headache_site.csrf import mask, random_string
from tests.conftest import make_user

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def django_never_draws_a_token():
    """Fail the test if anything falls back on Django's own (slow) drawing of a secret or a mask."""
    return mock.patch.object(django_csrf, "_get_new_csrf_string", side_effect=AssertionError("Django drew a token"))


def test_a_masked_secret_unmasks_to_itself_and_has_djangos_shape():
    for _ in range(200):
        secret = random_string()
        token = mask(secret)
        assert len(token) == CSRF_TOKEN_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert django_csrf._unmask_cipher_token(token) == secret
    assert len({mask("a" * CSRF_SECRET_LENGTH) for _ in range(200)}) == 200  # a fresh mask each time


def test_a_rendered_article_page_carries_a_token_the_middleware_accepts(article, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the view renders the page: the context processor makes the token
    reader = Client(enforce_csrf_checks=True)
    with django_never_draws_a_token():
        page = reader.get(article.get_absolute_url())
    assert page.status_code == 200 and "X-Page-Cache" not in page
    cookie = page.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = CSRF_RE.findall(page.content.decode())
    assert tokens and all(django_csrf._unmask_cipher_token(token) == cookie for token in tokens)

    with django_never_draws_a_token():
        refused = Client(enforce_csrf_checks=True).post(
            reverse("ratings:rate", kwargs={"slug": article.slug}), {"score": "4"}
        )
        voted = reader.post(
            reverse("ratings:rate", kwargs={"slug": article.slug}),
            {"score": "4", "csrfmiddlewaretoken": tokens[0]},
            HTTP_ACCEPT="application/json",
        )
    assert refused.status_code == 403
    assert voted.status_code == 200, voted.content
    assert voted.json()["your_score"] == 4


def test_each_reader_of_a_rendered_page_gets_their_own_secret(article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    cookies = {Client().get(article.get_absolute_url()).cookies[settings.CSRF_COOKIE_NAME].value for _ in range(5)}
    assert len(cookies) == 5


@pytest.mark.django_db
def test_the_admin_sign_in_form_works_with_the_token_it_is_given():
    make_user("ed", staff=True, password="a long passphrase for ed")
    browser = Client(enforce_csrf_checks=True)
    with django_never_draws_a_token():
        form = browser.get(reverse("admin:login"))
    token = CSRF_RE.search(form.content.decode()).group(1)
    signed_in = browser.post(
        reverse("admin:login"),
        {"username": "ed", "password": "a long passphrase for ed", "csrfmiddlewaretoken": token, "next": "/admin/"},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_a_comment_posted_with_the_pages_token_is_kept(article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    reader = Client(enforce_csrf_checks=True)
    html = reader.get(article.get_absolute_url()).content.decode()
    form = html[html.index('id="comment-form"') :]
    posted = reader.post(
        reverse("comments:post", args=[article.pk]),
        {
            "csrfmiddlewaretoken": CSRF_RE.search(form).group(1),
            "timestamp": re.search(r'name="timestamp" value="([^"]+)"', form).group(1),
            "name": "Kim Reader",
            "email": "kim@example.org",
            "body": "Posted with the token the page gave me.",
            "parent": "",
            "website": "",
        },
    )
    assert posted.status_code in (200, 302), posted.content
    assert Comment.objects.filter(article=article, name="Kim Reader").exists()
