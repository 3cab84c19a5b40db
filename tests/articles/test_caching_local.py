"""Each process keeps copies of the pages it served; the shared cache's version counters still decide."""

import time
from unittest import mock

from django.core.cache import cache
from django.test import Client

from articles.caching import LocalPages, invalidate_content, local_pages
from comments.models import Comment
from comments.moderation import approve_comment
from tests.comments.conftest import make_comment


def page_keys() -> list[str]:
    return [key for key in local_pages.entries if key.startswith("pg:")]


def shared_page_reads(spy) -> int:
    """How many of the cache reads spied on asked for a stored page (not just counters or regions)."""
    return sum(1 for call in spy.call_args_list if any(key.startswith("pg:") for key in call.args[0]))


def test_a_hit_fetches_only_the_version_counters_when_this_process_holds_the_page(article):
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert len(page_keys()) == 1

    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as spy:
        response = Client().get(article.get_absolute_url())

    assert response["X-Page-Cache"] == "hit"
    assert article.title in response.content.decode()
    assert spy.call_count == 1 and shared_page_reads(spy) == 0


def test_a_page_stored_by_another_process_is_copied_on_its_first_hit_here(article):
    Client().get(article.get_absolute_url())
    local_pages.clear()  # as in a worker that has not served the page yet

    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as spy:
        assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert shared_page_reads(spy) == 1
    assert len(page_keys()) == 1


def test_a_change_made_through_another_process_is_seen_here_at_once(
    client, article, django_capture_on_commit_callbacks
):
    comment = make_comment(article, status=Comment.Status.PENDING, body="Seen on every worker.")
    client.get(article.get_absolute_url())
    assert page_keys()
    # Approving bumps the shared counters only (as another worker would); this process's copy stays.
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=comment)
    assert page_keys()

    response = Client().get(article.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "Seen on every worker." in response.content.decode()


def test_copies_never_match_again_after_the_shared_cache_loses_its_counters(client, article):
    client.get(article.get_absolute_url())  # this process keeps a copy
    type(article).objects.filter(pk=article.pk).update(title="A retitled article")
    invalidate_content()  # saved through another worker: this copy is now out of date
    # Then Redis restarts (it keeps nothing on disk): counters and pages are gone, the copy is not.
    cache.clear()

    response = Client().get(article.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "A retitled article" in response.content.decode()


def test_a_copy_is_not_served_after_the_page_expired(settings, article):
    settings.PAGE_CACHE_SECONDS = 1
    Client().get(article.get_absolute_url())
    with mock.patch("articles.caching.time.time", return_value=time.time() + 2):
        assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_copies_are_kept_within_their_byte_budget_least_recently_used_out():
    pages = LocalPages(max_bytes=10_000)
    entry = {"parts": [b"x" * 2_000], "expires": time.time() + 60}
    for n in range(6):
        pages.put(f"pg:{n}", entry)
        pages.get("pg:0")  # read often: kept

    assert pages.size <= 10_000
    assert "pg:0" in pages.entries and "pg:1" not in pages.entries
    pages.put("pg:huge", {"parts": [b"x" * 20_000], "expires": time.time() + 60})
    assert "pg:huge" not in pages.entries


def test_with_no_budget_nothing_is_copied(article):
    with mock.patch.object(local_pages, "max_bytes", 0):
        Client().get(article.get_absolute_url())
        assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert not local_pages.entries
