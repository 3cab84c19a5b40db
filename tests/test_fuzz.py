"""Random Unicode and junk posted to every form and endpoint never produces a server error."""

from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.comments.conftest import form_data
from tests.test_hardening import assert_hardened

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
junk = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
field_values = st.one_of(junk, st.integers().map(str), st.sampled_from(["", "0", "-1", "6", "1e9", "NaN", "\x00"]))


@pytest.fixture(autouse=True)
def _no_limits(db, settings):
    settings.RATINGS_RATE_LIMIT = 10_000
    settings.COMMENTS_FLOOD_LIMITS = [(10_000, 15)]
    caches["shared"].clear()


def safe_path(text: str) -> str:
    return quote(text, safe="") or "x"


@FUZZ
@given(query=junk, page=field_values)
def test_search_and_lists_never_fail(article, query, page):
    client = Client(raise_request_exception=False)
    for url, params in [
        ("/search/", {"q": query, "page": page}),
        (f"/topics/{safe_path(query)}/", {"page": page}),
        (f"/articles/{safe_path(query)}/", {}),
        (f"/ratings/{safe_path(query)}/", {}),
    ]:
        response = client.get(url, params)
        assert response.status_code < 500, (url, response.status_code)


@FUZZ
@given(score=field_values, extra=st.dictionaries(junk, field_values, max_size=4), as_json=st.booleans())
def test_voting_with_junk_never_fails(article, score, extra, as_json):
    client = Client(raise_request_exception=False)
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    response = client.post(f"/ratings/{article.slug}/vote/", {**extra, "score": score}, **headers)
    assert response.status_code < 500


@FUZZ
@given(
    name=field_values,
    email=field_values,
    body=field_values,
    parent=field_values,
    website=st.sampled_from(["", "http://spam.example"]),
    timestamp=field_values,
    keep_timestamp=st.booleans(),
)
def test_commenting_with_junk_never_fails(article, name, email, body, parent, website, timestamp, keep_timestamp):
    client = Client(raise_request_exception=False)
    data = form_data(article, name=name, email=email, body=body, parent=parent, website=website)
    if not keep_timestamp:
        data["timestamp"] = timestamp
    response = client.post(f"/comments/post/{article.pk}/", data)
    assert response.status_code < 500
    assert client.post(f"/comments/{abs(hash(body)) % 10_000}/report/").status_code < 500
    assert client.get(f"/comments/verify/{safe_path(body)}/").status_code < 500


@FUZZ
@given(content=junk)
def test_the_editor_preview_never_fails(editor, content):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    assert client.post("/editor/markdown/preview/", {"content": content}).status_code < 500


@FUZZ
@given(username=field_values, password=field_values, next_url=junk)
def test_admin_sign_in_never_fails(db, username, password, next_url):
    response = Client(raise_request_exception=False).post(
        "/admin/login/", {"username": username, "password": password, "next": next_url}
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("method", "url", "params"),
    [
        ("get", "/search/", {"q": "migraine\x00"}),
        ("get", "/search/", {"q": "a", "page": "\x00"}),
        ("get", "/articles/botox%00/", {}),
        ("get", "/topics/%00/", {}),
        ("get", "/ratings/%00/", {}),
        ("post", "/ratings/%00/vote/", {"score": "4"}),
        ("get", "/articles/botox-for-headache/", {"cpage": "\x00", "replyto": "\x00"}),
    ],
)
def test_a_nul_character_anywhere_is_a_clear_client_error_on_every_database(article, method, url, params):
    """PostgreSQL refuses text with NUL characters; SQLite takes it. Either way, never a 500."""
    response = getattr(Client(raise_request_exception=False), method)(url, params)

    assert response.status_code == 400, (url, response.status_code)
    assert "That request could not be handled" in response.content.decode()
    assert_hardened(response)
