"""Anonymous readers get cached pages that are never stale and never carry someone else's token."""

import re

import pytest
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import caching
from articles.caching import invalidate_content
from articles.models import ContributorProfile
from comments.models import Comment
from comments.moderation import approve_comment
from headache_site.csrf import random_string
from ratings.voting import cast_vote, new_voter_key
from tests.comments.conftest import form_data, make_comment

JSON = "application/json"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_the_second_anonymous_read_comes_from_the_cache_without_queries(client, article):
    first = client.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert article.title in second.content.decode()


def test_each_reader_gets_their_own_working_csrf_token_from_a_cached_page(article):
    Client().get(article.get_absolute_url())  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    tokens = set(CSRF_RE.findall(page.content.decode()))
    assert tokens and "__CSRF_TOKEN__" not in page.content.decode()
    assert "csrftoken" in page.cookies
    response = reader.post(
        reverse("ratings:rate", kwargs={"slug": article.slug}),
        {"score": "4", "csrfmiddlewaretoken": tokens.pop()},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["display"] == "[Total: 1 Average: 4]"


def test_a_vote_makes_the_cached_page_show_the_new_figures(client, article, django_capture_on_commit_callbacks):
    assert "[Total: 0 Average: 0]" in client.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        cast_vote(article=article, score=5, voter_key=new_voter_key(), address="192.0.2.1")
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(article.get_absolute_url())
    # The page came from the cache; only its rating figures were rendered again, from one query.
    assert response["X-Page-Cache"] == "refreshed"
    assert len(queries) == 1, [q["sql"][:120] for q in queries]
    assert "[Total: 1 Average: 5]" in response.content.decode()
    again = Client().get(article.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert "[Total: 1 Average: 5]" in again.content.decode()


def test_approving_a_comment_shows_it_on_the_cached_page_and_in_lists(
    client, article, django_capture_on_commit_callbacks
):
    comment = make_comment(article, status=Comment.Status.PENDING, body="Thanks for the clear table.")
    assert "Thanks for the clear table." not in client.get(article.get_absolute_url()).content.decode()
    client.get(reverse("articles:home"))
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=comment)
    assert "Thanks for the clear table." in Client().get(article.get_absolute_url()).content.decode()
    assert Client().get(reverse("articles:home"))["X-Page-Cache"] == "miss"


def test_a_content_change_refreshes_every_page(client, article):
    client.get(reverse("articles:home"))
    client.get(article.get_absolute_url())
    invalidate_content()
    assert Client().get(reverse("articles:home"))["X-Page-Cache"] == "miss"
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_signed_in_staff_never_get_or_fill_the_shared_copy(client, article, editor):
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_reader_with_a_comment_awaiting_moderation_sees_it_not_the_shared_copy(client, article):
    Client().get(article.get_absolute_url())
    posted = client.post(reverse("comments:post", args=[article.pk]), form_data(article, body="My own words here."))
    assert posted.status_code == 302
    page = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in page
    assert "My own words here." in page.content.decode()
    assert "My own words here." not in Client().get(article.get_absolute_url()).content.decode()


def test_conditional_get_answers_304_when_nothing_changed(client, article, django_capture_on_commit_callbacks):
    etag = client.get(article.get_absolute_url())["ETag"]
    response = Client().get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        cast_vote(article=article, score=3, voter_key=new_voter_key(), address="192.0.2.2")
    assert Client().get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_csp_nonce_on_a_cached_page_matches_that_response_header(article):
    Client().get(article.get_absolute_url())
    response = Client().get(article.get_absolute_url())
    nonces = set(re.findall(r' nonce="([^"]+)"', response.content.decode()))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("comments", [0, 60])
def test_the_article_page_uses_at_most_eight_queries_on_a_miss(client, make_article, topic, comments):
    article = make_article(topics=[topic], references=12)
    for n in range(comments):
        make_comment(article, body=f"Comment {n}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert len(queries) <= 8, [q["sql"][:120] for q in queries]


def test_with_the_page_cache_off_the_comment_thread_is_rendered_once_and_reused(
    client, article, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(5):
        make_comment(article, body=f"Shared thought {n}")

    def page():
        with CaptureQueriesContext(connection) as queries:
            html = Client().get(article.get_absolute_url()).content.decode()
        return html, len(queries)

    first, first_queries = page()
    second, second_queries = page()
    assert "Shared thought 4" in first and "Shared thought 4" in second
    assert second_queries < first_queries  # the thread came from the fragment cache
    with django_capture_on_commit_callbacks(execute=True):
        cast_vote(article=article, score=2, voter_key=new_voter_key(), address="192.0.2.3")
    after_vote, after_vote_queries = page()
    assert "[Total: 1 Average: 2]" in after_vote
    # A vote leaves the thread fragment alone: only the star widget is rendered again (one query).
    assert after_vote_queries == second_queries + 1
    assert page()[1] == second_queries
    pending = make_comment(article, status=Comment.Status.PENDING, body="Newly approved words")
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=pending)
    assert "Newly approved words" in page()[0]


def test_a_readers_own_vote_never_reaches_the_shared_copy(article, django_capture_on_commit_callbacks):
    voter = Client()
    page = voter.get(article.get_absolute_url())
    token = CSRF_RE.search(page.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        voted = voter.post(
            reverse("ratings:rate", kwargs={"slug": article.slug}), {"score": "2", "csrfmiddlewaretoken": token}
        )
    assert voted.status_code == 302
    del voter.cookies["messages"]  # the flash message was shown; a browser drops the cookie
    for _ in range(2):
        own = voter.get(article.get_absolute_url())
        # The shared page, with only the star widget rendered for them (the reader cookie).
        assert own["X-Page-Cache"] in {"miss", "personal"}
        assert 'value="2" id="rating-score-2" checked' in own.content.decode()
        assert "Your rating: <span data-rating-your-score>2</span>" in own.content.decode()
    for _ in range(2):
        shared = Client().get(article.get_absolute_url())
        assert shared["X-Page-Cache"] in {"miss", "hit", "refreshed"}
        html = shared.content.decode()
        assert "[Total: 1 Average: 2]" in html
        assert " checked" not in html
        assert '<p class="rating-yours" data-rating-yours hidden>' in html


def test_a_reader_who_voted_gets_the_cached_page_with_only_their_widget_rendered(
    article, make_article, django_capture_on_commit_callbacks
):
    other = make_article("Another article")
    voter = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for rated, score in ((other, "5"), (article, "3")):
            voter.post(reverse("ratings:rate", kwargs={"slug": rated.slug}), {"score": score}, HTTP_ACCEPT=JSON)
    Client().get(article.get_absolute_url())  # cached for everyone

    with CaptureQueriesContext(connection) as queries:
        own = voter.get(article.get_absolute_url())

    assert own["X-Page-Cache"] == "personal"
    assert len(queries) == 1, [q["sql"][:120] for q in queries]
    html = own.content.decode()
    assert 'value="3" id="rating-score-3" checked' in html and html.count(" checked") == 1
    assert "[Total: 1 Average: 3]" in html and article.title in html
    # Their copy was not kept: the next reader still gets the shared widget, with nothing checked.
    shared = Client().get(article.get_absolute_url())
    assert shared["X-Page-Cache"] == "hit" and " checked" not in shared.content.decode()
    # A voter on a miss: the page is kept for everyone, their widget is not.
    invalidate_content()
    assert 'value="3" id="rating-score-3" checked' in voter.get(article.get_absolute_url()).content.decode()
    again = Client().get(article.get_absolute_url())
    assert again["X-Page-Cache"] in {"hit", "refreshed"} and " checked" not in again.content.decode()


def test_a_hit_reuses_the_readers_csrf_cookie_and_the_token_passes_the_check(article):
    Client().get(article.get_absolute_url())  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    first = reader.get(article.get_absolute_url())
    second = reader.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "hit"
    # The cookie's secret is kept (and re-sent to renew it); each page masks it afresh.
    assert second.cookies["csrftoken"].value == first.cookies["csrftoken"].value
    first_token = CSRF_RE.search(first.content.decode()).group(1)
    second_token = CSRF_RE.search(second.content.decode()).group(1)
    assert first_token != second_token and len(second_token) == 64
    for token, score in ((first_token, "3"), (second_token, "5")):
        response = reader.post(
            reverse("ratings:rate", kwargs={"slug": article.slug}),
            {"score": score, "csrfmiddlewaretoken": token},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200, response.content
    refused = reader.post(
        reverse("ratings:rate", kwargs={"slug": article.slug}),
        {"score": "1", "csrfmiddlewaretoken": "x" * 64},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 403


def test_csrf_secrets_for_cached_pages_are_random_strings_of_djangos_alphabet():
    secrets = [random_string() for _ in range(2000)]
    assert len(set(secrets)) == len(secrets)
    assert all(len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS) for secret in secrets)
    # Every character of the alphabet turns up, about equally often (64,000 draws, ~1,032 each).
    counts = dict.fromkeys(CSRF_ALLOWED_CHARS, 0)
    for secret in secrets:
        for char in secret:
            counts[char] += 1
    assert min(counts.values()) > 800 and max(counts.values()) < 1300, counts


def test_a_hit_carries_the_same_security_headers_as_the_rendered_page_with_a_fresh_nonce(article):
    miss = Client().get(article.get_absolute_url())
    hit = Client().get(article.get_absolute_url())
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for header in (
        "Content-Type",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Vary",
    ):
        assert hit[header] == miss[header], header
    nonce_re = re.compile(r"'nonce-([^']+)'")
    miss_nonce = nonce_re.search(miss["Content-Security-Policy"]).group(1)
    hit_nonce = nonce_re.search(hit["Content-Security-Policy"]).group(1)
    assert miss_nonce != hit_nonce
    assert nonce_re.sub("", hit["Content-Security-Policy"]) == nonce_re.sub("", miss["Content-Security-Policy"])
    assert "frame-ancestors 'none'" in hit["Content-Security-Policy"]
    html = hit.content.decode()
    assert f'nonce="{hit_nonce}"' in html and miss_nonce not in html
    assert int(hit["Content-Length"]) == len(hit.content)
    for leftover in ("__CSRF_TOKEN__", "__CSP_NONCE__", "<!--live:"):
        assert leftover not in html


def test_a_cached_page_is_not_served_for_an_unknown_host(article, settings):
    Client().get(article.get_absolute_url())
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    response = Client().get(article.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_without_site_url_each_host_name_gets_its_own_canonical_link(article, settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["health.example", "www.health.example"]
    for host in ("health.example", "www.health.example"):
        Client().get(article.get_absolute_url(), HTTP_HOST=host)
        response = Client().get(article.get_absolute_url(), HTTP_HOST=host)
        assert response["X-Page-Cache"] == "hit"
        assert f'<link rel="canonical" href="http://{host}{article.get_absolute_url()}">' in response.content.decode()


def test_head_requests_are_answered_from_the_cache_too(article):
    Client().get(article.get_absolute_url())
    response = Client().head(article.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert response.content == b""


def test_votes_leave_the_page_and_its_thread_alone_and_only_refresh_the_figures(
    article, django_capture_on_commit_callbacks
):
    make_comment(article, body="A thread that a vote must not re-render")
    Client().get(article.get_absolute_url())
    for n, score in enumerate((5, 4, 3), start=1):
        with django_capture_on_commit_callbacks(execute=True):
            cast_vote(article=article, score=score, voter_key=new_voter_key(), address=f"192.0.2.{n}")
        refreshed = Client().get(article.get_absolute_url())
        assert refreshed["X-Page-Cache"] == "refreshed"
        assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    html = refreshed.content.decode()
    assert "[Total: 3 Average: 4]" in html
    assert "A thread that a vote must not re-render" in html


def test_a_vote_through_the_form_renders_the_new_figures_so_the_next_reader_gets_a_plain_hit(
    article, django_capture_on_commit_callbacks
):
    Client().get(article.get_absolute_url())  # the page is cached
    voter = Client()
    token = CSRF_RE.search(voter.get(article.get_absolute_url()).content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        voted = voter.post(
            reverse("ratings:rate", kwargs={"slug": article.slug}),
            {"score": "4", "csrfmiddlewaretoken": token},
            HTTP_ACCEPT="application/json",
        )
    assert voted.status_code == 200

    with CaptureQueriesContext(connection) as queries:
        reader = Client().get(article.get_absolute_url())

    assert reader["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    html = reader.content.decode()
    assert "[Total: 1 Average: 4]" in html
    assert " checked" not in html


def test_figures_rendered_by_a_voter_lose_to_a_vote_cast_while_they_were_rendered(
    article, rf, monkeypatch, django_capture_on_commit_callbacks
):
    Client().get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        cast_vote(article=article, score=5, voter_key=new_voter_key(), address="192.0.2.1")
    render = caching._live_renderers["rating"]

    def slow_render(request, slug, *, personal):
        html = render(request, slug, personal=personal)  # the figures of one vote
        with django_capture_on_commit_callbacks(execute=True):  # meanwhile a second vote lands
            cast_vote(article=article, score=1, voter_key=new_voter_key(), address="192.0.2.2")
        return html

    monkeypatch.setitem(caching._live_renderers, "rating", slow_render)
    caching.refresh_live_regions(rf.get("/"), slug=article.slug)
    monkeypatch.setitem(caching._live_renderers, "rating", render)

    html = Client().get(article.get_absolute_url()).content.decode()

    assert "[Total: 2 Average: 3]" in html


def test_an_article_deleted_outside_the_admin_is_gone_for_readers_at_once(
    client, article, django_capture_on_commit_callbacks
):
    assert client.get(article.get_absolute_url()).status_code == 200
    url = article.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        article.delete()  # a script or the shell, not the admin

    assert Client().get(url).status_code == 404


def test_a_renamed_topic_or_author_profile_shows_on_cached_pages_however_it_was_saved(
    client, article, topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article.topics.add(topic)
    assert topic.name in client.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        topic.name = "Cluster headache and its cousins"
        topic.save()
        ContributorProfile.objects.update_or_create(user=article.author, defaults={"display_name": "Dr Ada Example"})

    html = Client().get(article.get_absolute_url()).content.decode()

    assert "Cluster headache and its cousins" in html
    assert "Dr Ada Example" in html


def _counter_reads(monkeypatch) -> list[str]:
    """The version counters fetched from the cache, in order, one entry per counter per fetch."""
    fetched = []
    get_many = caching.cache.get_many

    def counting(keys, *args, **kwargs):
        fetched.extend(key for key in keys if key.startswith("pv:"))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(caching.cache, "get_many", counting)
    return fetched


def test_a_page_the_cache_must_render_reads_each_version_counter_once(article, monkeypatch):
    Client().get(article.get_absolute_url())  # parts kept
    invalidate_content()  # the page and every part must be made again, under the new version
    fetched = _counter_reads(monkeypatch)

    page = Client().get(article.get_absolute_url())

    assert page["X-Page-Cache"] == "miss" and article.title in page.content.decode()
    # The page cache's lookup reads the article's counters; its eleven parts use what it read.
    assert fetched and len(fetched) == len(set(fetched)), fetched


def test_a_change_made_while_a_page_is_put_together_is_read_again(db):
    with caching.versions_read_once():
        before = caching.current_versions(caching.CONTENT_KEY)
        assert caching.current_versions(caching.CONTENT_KEY) == before
        invalidate_content()
        after = caching.current_versions(caching.CONTENT_KEY)
    assert after != before
    assert caching.current_versions(caching.CONTENT_KEY) == after
