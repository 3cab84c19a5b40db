"""Reader text is text: markers the old page cache spliced values into, template syntax and odd characters in a
comment or a topic name are shown as written, never filled in, and never break a page for anyone."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Topic
from comments.models import Comment

MARKERS = [
    "__CSRF_TOKEN__",
    "__CSP_NONCE__",
    "__FRESH:stamp:x__",
    "__FRESH:stamp:__",
    "[csrf token]",
    "[csp nonce]",
    "[served at]",
    "[comment thread]",
    "[rating region]",
    "<!--live:rating-->",
    "{% csrf_token %}",
    "{{ csrf_token }}",
    "{{ csp_nonce }}",
    "{% kept 'x' %}",
]

text_around = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40
)  # no lone surrogates or control characters: the form would clean those away


def shown(text: str) -> str:
    """How a comment body appears on the page: escaped (links aside)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


@pytest.mark.parametrize("marker", MARKERS)
def test_a_comment_holding_an_old_marker_is_shown_as_written_to_every_reader(article, marker):
    body = f"Thanks! ref {marker} and http://evil.example/?t={marker}"
    Comment.objects.create(article=article, name="Sam", email="sam@example.org", body=body, status="approved")
    for client in (Client(), Client(), Client()):  # the first renders, the next come from the cache
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert shown(f"Thanks! ref {marker}") in html
        assert "csrfmiddlewaretoken" not in html and 'nonce="' not in html


@pytest.mark.parametrize("marker", MARKERS)
def test_a_topic_named_with_an_old_marker_breaks_no_page(article, marker):
    Topic.objects.create(name=f"Migraine {marker}", slug="marker")
    for url in ("/", "/topics/marker/", article.get_absolute_url(), "/feed/", "/sitemap.xml"):
        for _ in range(2):
            response = Client().get(url)
            assert response.status_code == 200, url
    assert shown(f"Migraine {marker}") in Client().get("/").content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=text_around, marker=st.sampled_from(MARKERS), after=text_around)
def test_any_text_around_a_marker_renders_literally(article, before, marker, after):
    body = (before + marker + after).strip() or marker
    comment = Comment.objects.create(article=article, name="Sam", email="sam@example.org", body=body, status="approved")
    try:
        from django.core.cache import caches

        for alias in ("default", "pages", "fragments"):
            caches[alias].clear()
        response = Client().get(article.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert re.search(re.escape(shown(marker)), html)
        assert "csrfmiddlewaretoken" not in html
    finally:
        comment.delete()
