"""Security headers on every kind of page, admin sign-in protection and safe redirects."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Topic
from tests.conftest import make_user

# Scripts from our own files; pages rendered for one person may add Django's nonce for inline parts.
SCRIPT_SRC_RE = re.compile(r"(^|; )script-src 'self'( 'nonce-[A-Za-z0-9_\-+/=]+')?(;|$)")


def assert_hardened(response):
    csp = response["Content-Security-Policy"]
    assert SCRIPT_SRC_RE.search(csp), csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_reader_pages_carry_the_policy_and_the_other_headers(client, article):
    for url in ["/", article.get_absolute_url(), "/search/?q=botox", "/about/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hardened(response)


def test_the_404_page_is_hardened(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_hardened(response)


@override_settings(ROOT_URLCONF="tests.boom_urls")
def test_the_500_page_is_hardened_and_says_sorry(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/site[.\w]*\.css">', html), "the 500 page is unstyled"
    assert_hardened(response)


def test_a_missing_page_is_still_a_404_with_the_site_around_it_when_the_database_is_down(db):
    class Unreachable:
        def __iter__(self):
            raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

        __bool__ = __len__ = __iter__

    with mock.patch.object(Topic.objects, "only", return_value=Unreachable()):
        response = Client(raise_request_exception=False).get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find that page" in html and 'class="site-search"' in html
    assert_hardened(response)


def test_admin_pages_are_hardened(client, editor):
    assert_hardened(client.get(reverse("admin:login")))
    client.force_login(editor)
    assert_hardened(client.get(reverse("admin:articles_article_add")))


def test_hsts_is_sent_over_https_when_https_only(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def sign_in(client, username, password, **extra):
    return client.post(
        reverse("admin:login") + extra.get("query", ""),
        {"username": username, "password": password},
    )


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_password(db):
    make_user("clinician", staff=True, password="the-right-password-123")
    client = Client()
    for _ in range(4):
        assert sign_in(client, "clinician", "wrong-password").status_code == 200
    assert sign_in(client, "clinician", "wrong-password").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "clinician", "the-right-password-123")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()


def test_an_administrator_can_unlock_a_locked_account(db):
    from axes.utils import reset

    make_user("clinician", staff=True, password="the-right-password-123")
    client = Client()
    for _ in range(5):
        sign_in(client, "clinician", "wrong-password")
    assert sign_in(client, "clinician", "the-right-password-123").status_code == 429
    reset(username="clinician")
    assert sign_in(client, "clinician", "the-right-password-123").status_code == 302


def test_sign_in_does_not_reveal_whether_a_user_name_exists(db):
    make_user("clinician", staff=True, password="the-right-password-123")
    known = sign_in(Client(), "clinician", "wrong-password")
    unknown = sign_in(Client(), "nobody-here", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    message = "Please enter the correct username and password for a staff account."
    assert message in known.content.decode() and message in unknown.content.decode()
    for _ in range(5):
        last_known = sign_in(Client(), "clinician", "wrong")
        last_unknown = sign_in(Client(), "nobody-here", "wrong")
    assert last_known.status_code == last_unknown.status_code == 429


@pytest.mark.parametrize(
    "hostile",
    ["//evil.example", "/\\evil.example", "java\nscript:alert(1)", "https://evil.example/", "\\\\evil.example"],
)
def test_sign_in_never_redirects_to_another_site(db, hostile):
    from urllib.parse import quote

    make_user("clinician", staff=True, password="the-right-password-123")
    response = Client().post(
        f"{reverse('admin:login')}?next={quote(hostile)}",
        {"username": "clinician", "password": "the-right-password-123", "next": hostile},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location
    assert "script" not in location


def test_a_comment_refused_for_a_missing_csrf_token_is_shown_back_to_confirm_with_the_text(article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("comments:post", args=[article.pk]), {"name": "Sam", "body": "My long story <b>here</b>."}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Confirm your comment" in html
    assert "My long story &lt;b&gt;here&lt;/b&gt;." in html


def test_a_comment_from_another_site_is_refused_and_keeps_the_text(article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        {"name": "Sam", "body": "My long story <b>here</b>."},
        HTTP_ORIGIN="https://elsewhere.example",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Nothing was saved" in html and "Confirm your comment" not in html
    assert "My long story &lt;b&gt;here&lt;/b&gt;." in html


def test_a_rating_refused_for_csrf_answers_json_to_the_script(article):
    response = Client(enforce_csrf_checks=True).post(
        reverse("ratings:rate", kwargs={"slug": article.slug}), {"score": "4"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    assert "Reload the page" in response.json()["error"]


def test_an_oversized_post_gets_a_clear_4xx_not_a_500(article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    rating = Client(enforce_csrf_checks=True, raise_request_exception=False).post(
        reverse("ratings:rate", kwargs={"slug": article.slug}), {"score": "4", "junk": "x" * 5000}
    )
    assert rating.status_code == 413
    assert "far too large to be a rating" in rating.content.decode()
    comment = Client(enforce_csrf_checks=True, raise_request_exception=False).post(
        reverse("comments:post", args=[article.pk]), {"body": "x" * 5000}
    )
    assert comment.status_code == 400
    assert "nothing was saved" in comment.content.decode()
