"""Every answer the site gives, errors included, carries the security headers, and none meant for one person
may be kept by a shared cache."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.cache import has_vary_header

from articles.models import Redirect
from tests.comments.conftest import form_data

JSON = {"HTTP_ACCEPT": "application/json"}


def assert_security_headers(response) -> None:
    policy = response.get("Content-Security-Policy", "")
    if response.status_code == 304:
        # Browsers take a 304's headers into the page they keep: a new policy's nonce would block its scripts.
        assert not policy
    else:
        assert "default-src 'self'" in policy, (response.status_code, policy)
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy
    assert response.get("X-Frame-Options") == "DENY"
    assert response.get("X-Content-Type-Options") == "nosniff"
    assert response.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin"


def assert_not_kept_for_others(response) -> None:
    """A response that depends on the reader's cookies is private unless it says it may be shared."""
    if has_vary_header(response, "Cookie"):
        directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
        assert directives & {"private", "no-store", "public", "s-maxage"}, response.get("Cache-Control")


def ok(client, article, **kwargs):
    return client.get("/")


def moved_permanently(client, article, **kwargs):
    Redirect.objects.create(old_path="/2019/05/botox/", article=article)
    return client.get("/2019/05/botox/")


def found(client, article, **kwargs):
    return client.get("/admin/")


def not_modified(client, article, **kwargs):
    first = client.get(article.get_absolute_url())
    return client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])


def bad_host(client, article, **kwargs):
    return client.get("/", HTTP_HOST="evil.example")


def bad_address(client, article, **kwargs):
    return client.get("/search/", {"q": "migraine\x00"})


def csrf_refused(client, article, **kwargs):
    return Client(enforce_csrf_checks=True).post(reverse("comments:post", args=[article.pk]), {"body": "Hello"})


def not_found(client, article, **kwargs):
    return client.get("/no-such-page/")


def wrong_method(client, article, **kwargs):
    return client.get(reverse("comments:post", args=[article.pk]))


def too_large(client, article, editor, **kwargs):
    client.force_login(editor)
    return client.post(reverse("articles:editor-preview"), {"content": "a" * 200_001})


def too_many(client, article, settings, **kwargs):
    settings.RATINGS_RATE_LIMIT = 1
    url = reverse("ratings:rate", kwargs={"slug": article.slug})
    client.post(url, {"score": "4"}, **JSON)
    return Client().post(url, {"score": "4"}, **JSON)


@override_settings(ROOT_URLCONF="tests.boom_urls")
def server_error(client, article, **kwargs):
    return Client(raise_request_exception=False).get("/boom/")


ANSWERS = {
    200: ok,
    301: moved_permanently,
    302: found,
    304: not_modified,
    400: bad_host,
    403: csrf_refused,
    404: not_found,
    405: wrong_method,
    413: too_large,
    429: too_many,
    500: server_error,
}


@pytest.mark.parametrize(("status", "answer"), ANSWERS.items(), ids=[str(status) for status in ANSWERS])
def test_every_status_the_site_answers_carries_the_security_headers(status, answer, client, article, editor, settings):
    settings.COMMENTS_FLOOD_LIMITS = [(1000, 15)]
    response = answer(client, article, editor=editor, settings=settings)

    assert response.status_code == status
    assert_security_headers(response)
    assert_not_kept_for_others(response)


def test_a_nul_character_in_the_address_is_answered_400_with_the_headers(client, db):
    response = bad_address(client, None)

    assert response.status_code == 400
    assert_security_headers(response)


def test_a_comment_posted_and_redirected_carries_the_headers(client, article, settings):
    settings.COMMENTS_FLOOD_LIMITS = [(1000, 15)]
    response = client.post(reverse("comments:post", args=[article.pk]), form_data(article))

    assert response.status_code == 302
    assert_security_headers(response)
    assert_not_kept_for_others(response)


def test_pages_rendered_for_a_signed_in_editor_are_kept_by_no_shared_cache(client, article, editor):
    """Whatever varies with the editor's cookies is private; a page every reader shares may say it is public."""
    client.force_login(editor)
    for url in [article.get_absolute_url(), "/", reverse("admin:index"), reverse("admin:articles_article_changelist")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_kept_for_others(response)
        assert_security_headers(response)
