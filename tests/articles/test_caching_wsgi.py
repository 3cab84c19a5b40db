"""The WSGI front (headache_site.wsgi.application) answers plain hits itself and hands everything else to Django."""

import re
from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django.urls import reverse

from headache_site.wsgi import application
from ratings.voting import cast_vote, new_voter_key
from tests.wsgi_front import wsgi_get

pytestmark = pytest.mark.usefixtures("keep_test_transaction")

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE_RE = re.compile(r"'nonce-([^']+)'")


def test_a_plain_hit_is_answered_by_the_front_like_the_middleware_answers_it(article):
    url = article.get_absolute_url()
    miss = wsgi_get(url)  # through Django: rendered and stored
    assert miss["X-Page-Cache"] == "miss"
    front = wsgi_get(url)
    middleware = Client().get(url)
    assert front["X-Page-Cache"] == middleware["X-Page-Cache"] == "hit"
    assert front.status == 200
    for header in ("Content-Type", "Cache-Control", "Vary", "X-Frame-Options", "ETag"):
        assert front[header] == middleware[header] == miss[header], header
    for header in ("X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert front[header] == middleware[header], header
    assert "private" in front["Cache-Control"] and "no-cache" in front["Cache-Control"]
    assert NONCE_RE.sub("", front["Content-Security-Policy"]) == NONCE_RE.sub("", middleware["Content-Security-Policy"])
    nonce = NONCE_RE.search(front["Content-Security-Policy"]).group(1)
    assert nonce != NONCE_RE.search(miss["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in front.text
    assert int(front["Content-Length"]) == len(front.body)
    strip = lambda html: NONCE_RE.sub("", re.sub(r'(nonce|value)="[^"]*"', "", html))  # noqa: E731
    assert strip(front.text) == strip(middleware.content.decode())
    for leftover in ("__CSRF_TOKEN__", "__CSP_NONCE__", "<!--live:"):
        assert leftover not in front.text


def test_the_fronts_csrf_cookie_is_the_one_django_would_set_and_its_token_is_accepted(article):
    url = article.get_absolute_url()
    wsgi_get(url)
    front = wsgi_get(url)
    middleware = Client().get(url)
    ours, django = SimpleCookie(front["Set-Cookie"]), middleware.cookies
    name = "csrftoken"
    for attribute in ("max-age", "path", "samesite", "secure", "httponly", "domain"):
        assert str(ours[name][attribute]) == str(django[name][attribute]), attribute
    assert ours[name]["expires"][:16] == django[name]["expires"][:16]  # same day, to the minute's first digit
    assert len(ours[name].value) == 32

    reader = Client(enforce_csrf_checks=True)
    reader.cookies[name] = ours[name].value
    token = CSRF_RE.search(front.text).group(1)
    response = reader.post(
        reverse("ratings:rate", kwargs={"slug": article.slug}),
        {"score": "4", "csrfmiddlewaretoken": token},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content


def test_the_front_keeps_a_readers_csrf_secret_and_replaces_a_malformed_one(article):
    url = article.get_absolute_url()
    wsgi_get(url)
    secret = "A" * 16 + "b" * 8 + "9" * 8
    kept = wsgi_get(url, HTTP_COOKIE=f"csrftoken={secret}")
    assert SimpleCookie(kept["Set-Cookie"])["csrftoken"].value == secret
    replaced = wsgi_get(url, HTTP_COOKIE="csrftoken=not-a-secret")
    new = SimpleCookie(replaced["Set-Cookie"])["csrftoken"].value
    assert new != "not-a-secret" and len(new) == 32


def test_the_front_hands_django_the_requests_it_must_not_answer(article, settings, django_capture_on_commit_callbacks):
    url = article.get_absolute_url()
    wsgi_get(url)
    # An unknown Host: Django refuses it.
    assert wsgi_get(url, host="evil.example").status == 400
    # A personal cookie: rendered for that reader alone.
    assert wsgi_get(url, HTTP_COOKIE="sessionid=abc").get("X-Page-Cache") is None
    # New rating figures: Django renders them into the cached page.
    with django_capture_on_commit_callbacks(execute=True):
        cast_vote(article=article, score=5, voter_key=new_voter_key(), address="192.0.2.9")
    refreshed = wsgi_get(url)
    assert refreshed["X-Page-Cache"] == "refreshed"
    assert "[Total: 1 Average: 5]" in refreshed.text
    assert wsgi_get(url)["X-Page-Cache"] == "hit"
    # A page that is not cached: Django.
    assert wsgi_get("/no-such-page/").status == 404
    # https required and the request came over http: not from the cache, so that
    # SecurityMiddleware can redirect it (it reads its settings at start-up, hence no 301 here).
    settings.SECURE_SSL_REDIRECT = True
    assert wsgi_get(url).get("X-Page-Cache") is None
    https = {"wsgi.url_scheme": "https", "SERVER_PORT": "443"}
    # Without SITE_URL the https address is a page of its own (its canonical link says https).
    assert wsgi_get(url, **https)["X-Page-Cache"] == "miss"
    assert wsgi_get(url, **https)["X-Page-Cache"] == "hit"


def test_the_front_answers_conditional_gets_and_head_requests(article):
    url = article.get_absolute_url()
    etag = wsgi_get(url)["ETag"]
    not_modified = wsgi_get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status == 304 and not_modified.body == b""
    assert not_modified["ETag"] == etag and "private" in not_modified["Cache-Control"]
    head = wsgi_get(url, method="HEAD")
    assert head.status == 200 and head["X-Page-Cache"] == "hit"


def test_a_page_without_a_form_gets_no_csrf_cookie_from_the_front(article):
    home = reverse("articles:home")
    wsgi_get(home)
    front = wsgi_get(home)
    assert front["X-Page-Cache"] == "hit"
    assert front.get("Set-Cookie") is None
    assert "csrftoken" not in Client().get(home).cookies  # nor from Django


def test_a_failure_in_the_front_is_logged_and_django_answers(article, monkeypatch, caplog):
    url = article.get_absolute_url()
    wsgi_get(url)

    def broken(self, request):
        raise RuntimeError("cache entry in an unexpected shape")

    monkeypatch.setattr(type(application), "_answer", broken)
    answer = wsgi_get(url)
    assert answer.status == 200 and answer["X-Page-Cache"] == "hit"  # served by the middleware instead
    assert "page cache front failed" in caplog.text
