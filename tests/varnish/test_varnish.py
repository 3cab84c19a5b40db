"""The production recipe, run for real: deploy/varnish/default.vcl in a varnishd in front of the site.

Changes are made as the site makes them (its functions, committed), and
each must reach the next reader through Varnish within two seconds.
"""

import datetime
import re
import time
import urllib.parse

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.frontend_cache import purger
from articles.models import Article
from comments.models import Comment
from comments.moderation import approve_comment, remove_comment
from tests.conftest import make_user

from .conftest import fetch

pytestmark = pytest.mark.django_db(transaction=True)

FRESH_WITHIN = 2.0


def shared_copy(varnish, path: str) -> str:
    """Read a page until Varnish serves it from its cache; its text."""
    for _ in range(3):
        answer = varnish.get(path)
        assert answer.status == 200, (path, answer.status)
        if answer.cache == "hit":
            return answer.body
    raise AssertionError(f"{path} was never served from Varnish's cache")


def shows_within(varnish, path: str, text: str, *, seconds: float = FRESH_WITHIN, absent: bool = False) -> float:
    """Seconds until a reader through Varnish sees `text` on `path` (or no longer sees it)."""
    started = time.time()
    while True:
        body = varnish.get(path).body
        if (text in body) != absent:
            return time.time() - started
        if time.time() - started > seconds + 1:
            raise AssertionError(f"{path}: {'still' if absent else 'not yet'} showing {text!r} after {seconds + 1} s")
        time.sleep(0.05)


def form(**fields) -> str:
    return urllib.parse.urlencode(fields)


def cookies_from(answer) -> dict[str, str]:
    found = {}
    for line in answer.headers.get("set-cookie", "").split("\n"):
        name, _, rest = line.partition("=")
        if name and rest.split(";")[0]:
            found[name.strip()] = rest.split(";")[0]
    return found


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


# ------------------------------------------------------------------ shared copies


def test_the_second_reader_gets_varnishs_copy_without_cookies_or_tags(varnish, article):
    first = varnish.get(article.get_absolute_url())
    second = varnish.get(article.get_absolute_url(), headers={"Cookie": "csrftoken=abc; reader=xyz; _ga=1"})
    assert (first.cache, second.cache) == ("miss", "hit")
    assert first.body == second.body
    for header in ("set-cookie", "surrogate-key", "xkey", "cache-tag"):
        assert header not in second.headers


def test_tracking_parameters_and_their_order_do_not_make_new_copies(varnish, article):
    assert varnish.get("/search/?q=botox&page=1").cache == "miss"
    assert varnish.get("/search/?page=1&utm_source=news&q=botox&fbclid=x").cache == "hit"
    assert varnish.get("/search/?gclid=1&page=1&q=botox").cache == "hit"


def test_staff_pass_straight_to_the_site(varnish, article, editor):
    login = varnish.get("/admin/login/")
    cookies = cookies_from(login)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.body)[1]
    signed_in = fetch(
        varnish.port,
        "POST",
        "/admin/login/?next=/admin/",
        body=form(username="editor", password="editor-pass-123", csrfmiddlewaretoken=token),
        headers=cookie_header(cookies),
    )
    assert signed_in.status == 302, signed_in.body[:300]
    cookies |= cookies_from(signed_in)
    assert "sessionid" in cookies
    shared_copy(varnish, article.get_absolute_url())
    for _ in range(2):
        answer = varnish.get(article.get_absolute_url(), headers=cookie_header(cookies))
        assert answer.cache == "miss" and "private" in answer.headers["cache-control"]
        assert 'name="csrfmiddlewaretoken"' in answer.body


def test_purges_are_taken_from_the_app_hosts_only(varnish):
    refused = fetch(varnish.port, "PURGE", "/", headers={"xkey-purge": "site"}, source="127.0.0.2")
    assert refused.status == 403
    assert fetch(varnish.port, "PURGE", "/", headers={"xkey-purge": "site"}).status == 200


# ------------------------------------------------------------------ purged on change


def test_a_vote_shows_to_the_next_reader_within_two_seconds(varnish, article):
    shared_copy(varnish, article.get_absolute_url())
    state = varnish.get(f"{article.get_absolute_url()}reader/")
    assert state.cache == "miss"
    cookies = cookies_from(state)
    voted = fetch(
        varnish.port,
        "POST",
        f"/ratings/{article.slug}/vote/",
        body=form(score=4),
        headers={**cookie_header(cookies), "X-CSRFToken": _json(state)["csrf_token"], "Accept": "application/json"},
    )
    assert voted.status == 200, voted.body[:300]
    assert shows_within(varnish, article.get_absolute_url(), "[Total: 1 Average: 4]") <= FRESH_WITHIN


def test_comments_approved_and_removed_show_within_two_seconds(varnish, article):
    url = article.get_absolute_url()
    comment = Comment.objects.create(article=article, name="Ann", email="ann@example.org", body="Thanks, clear.")
    shared_copy(varnish, url)
    approve_comment(comment=comment)
    assert shows_within(varnish, url, "Thanks, clear.") <= FRESH_WITHIN
    shared_copy(varnish, url)
    remove_comment(comment=comment)
    assert shows_within(varnish, url, "Thanks, clear.", absent=True) <= FRESH_WITHIN


def test_an_edited_article_and_a_renamed_topic_show_everywhere_within_two_seconds(varnish, article, topic):
    for path in (article.get_absolute_url(), "/", "/feed/"):
        shared_copy(varnish, path)
    article.title = "Botox and chronic migraine"
    article.save()
    for path in (article.get_absolute_url(), "/", "/feed/"):
        assert shows_within(varnish, path, "Botox and chronic migraine") <= FRESH_WITHIN
    shared_copy(varnish, article.get_absolute_url())
    topic.name = "Migraine and its cousins"
    topic.save()
    assert shows_within(varnish, article.get_absolute_url(), "Migraine and its cousins") <= FRESH_WITHIN


def test_an_unpublished_article_leaves_varnish_within_two_seconds(varnish, article):
    shared_copy(varnish, article.get_absolute_url())
    article.status = Article.Status.ARCHIVED
    article.save()
    started = time.time()
    while varnish.get(article.get_absolute_url()).status != 404:
        assert time.time() - started <= FRESH_WITHIN
        time.sleep(0.05)


def test_a_scheduled_article_reaches_the_home_page_at_its_time(varnish, make_article):
    make_article("Coming shortly", published_at=timezone.now() + datetime.timedelta(seconds=3))
    assert "Coming shortly" not in shared_copy(varnish, "/")
    assert shows_within(varnish, "/", "Coming shortly", seconds=3 + FRESH_WITHIN)


# ------------------------------------------------------------------ the site down


def test_while_the_site_is_down_readers_get_the_last_copy(origin, varnish, article):
    purger.flush()  # the purges of the article's creation, which the interval may still hold back
    with override_settings(PAGE_CACHE_SECONDS=1):
        shared_copy(varnish, article.get_absolute_url())
        origin.stop()
        time.sleep(2.5)  # the copy has expired; the health probe has seen the site go
        answer = varnish.get(article.get_absolute_url())
    assert answer.status == 200
    assert article.title in answer.body
    assert varnish.get("/topics/never-cached/").status == 503


# ------------------------------------------------------------------ without JavaScript, through Varnish


def test_a_reader_without_javascript_rates_and_comments_through_varnish(varnish, article, settings):
    settings.COMMENTS_MIN_SECONDS = 1
    url = article.get_absolute_url()
    page = shared_copy(varnish, url)
    assert "csrfmiddlewaretoken" not in page

    confirm = fetch(varnish.port, "POST", f"/ratings/{article.slug}/vote/", body=form(score=5))
    assert confirm.status == 403 and "Confirm your rating" in confirm.body
    cookies = cookies_from(confirm)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.body)[1]
    saved = fetch(
        varnish.port,
        "POST",
        f"/ratings/{article.slug}/vote/",
        body=form(score=5, csrfmiddlewaretoken=token),
        headers=cookie_header(cookies),
    )
    assert saved.status == 302
    cookies |= cookies_from(saved)
    thanked = varnish.get(url, headers=cookie_header(cookies))  # the flash message: a page for this reader
    assert thanked.cache == "miss" and "Thank you: you rated this article 5 out of 5" in thanked.body
    assert shows_within(varnish, url, "[Total: 1 Average: 5]") <= FRESH_WITHIN

    sent = {"name": "Noor", "email": "noor@example.org", "body": "Read through Varnish without scripts."}
    confirm = fetch(varnish.port, "POST", f"/comments/post/{article.pk}/", body=form(**sent))
    assert confirm.status == 403 and "Confirm your comment" in confirm.body
    cookies = cookies_from(confirm)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.body)[1]
    timestamp = re.search(r'name="timestamp" value="([^"]+)"', confirm.body)[1]
    time.sleep(1.1)
    posted = fetch(
        varnish.port,
        "POST",
        f"/comments/post/{article.pk}/",
        body=form(**sent, csrfmiddlewaretoken=token, timestamp=timestamp),
        headers=cookie_header(cookies),
    )
    assert posted.status == 302, posted.body[:300]
    cookies |= cookies_from(posted)
    own = varnish.get(url, headers=cookie_header(cookies))
    assert "Read through Varnish without scripts." in own.body and "awaiting moderation" in own.body
    assert "Read through Varnish without scripts." not in varnish.get(url).body
    assert Comment.objects.get().status == Comment.Status.PENDING


def _json(answer) -> dict:
    import json

    return json.loads(answer.body)


@pytest.fixture
def editor(db):
    return make_user("editor", staff=True, password="editor-pass-123")
