"""One page for every anonymous reader: what HTTP says about it, what it leaves out, and how it stays current.

These go through the site as a reader does (the test client: routing, every
middleware, the views) and look at what comes back. Changes are made as the
site makes them and committed (`django_capture_on_commit_callbacks`), which
is when pages are purged.
"""

import datetime
import re

import pytest
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from articles.caching import article_tag, purge
from articles.models import Article, ContributorProfile, Reference, Topic
from comments.models import ArticleDiscussion, Comment
from comments.moderation import approve_comment, remove_comment
from ratings.voting import cast_vote, new_voter_key

SHARED_URLS = ["/", "/topics/migraine/", "/search/?q=botox", "/feed/", "/feed/atom/", "/sitemap.xml", "/about/"]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (purges) as a real commit would."""

    def committed():
        return django_capture_on_commit_callbacks(execute=True)

    return committed


def a_reader_with_cookies() -> Client:
    """A reader who has been here before: a CSRF cookie and a voter cookie (but no session)."""
    client = Client()
    client.cookies["csrftoken"] = "a" * 32
    client.cookies["reader"] = "somebody"
    client.cookies["_ga"] = "GA1.2.3"
    return client


def urls(article) -> list[str]:
    return [article.get_absolute_url(), *SHARED_URLS]


# ------------------------------------------------------------------ one page for everyone


def test_every_anonymous_reader_gets_the_same_bytes_and_nothing_of_their_own(article):
    for url in urls(article):
        first, second = Client().get(url), a_reader_with_cookies().get(url)
        assert first.status_code == second.status_code == 200, url
        assert first.content == second.content, url
        for response in (first, second):
            assert not response.cookies, url
            assert "Cookie" not in response.get("Vary", ""), url
        html = first.content.decode()
        assert "csrfmiddlewaretoken" not in html and "nonce" not in html, url


def test_shared_pages_say_how_long_browsers_and_shared_caches_may_keep_them(article, settings):
    for url in urls(article):
        response = Client().get(url)
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert directives == {
            "public",
            f"max-age={settings.BROWSER_CACHE_SECONDS}",
            f"s-maxage={settings.PAGE_CACHE_SECONDS}",
            "stale-while-revalidate=60",
            "stale-if-error=86400",
        }, url
        assert response["ETag"] and response["Last-Modified"] and response["Expires"], url


def test_shared_pages_name_what_they_show_in_their_cache_tags(article, topic):
    expected = {
        article.get_absolute_url(): {"site", f"article-{article.pk}"},
        "/": {"site", "lists"},
        "/topics/migraine/": {"site", "lists", f"topic-{topic.pk}"},
        "/search/?q=botox": {"site", "lists"},
        "/feed/": {"site", "lists"},
        "/sitemap.xml": {"site", "lists"},
    }
    for url, tags in expected.items():
        response = Client().get(url)
        assert set(response["Surrogate-Key"].split()) == tags, url
        assert set(response["Cache-Tag"].split(",")) == tags, url


def test_a_browser_that_has_the_page_gets_a_304(article):
    client = Client()
    first = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_head_request_gets_the_headers_of_the_page(article):
    get = Client().get(article.get_absolute_url())
    head = Client().head(article.get_absolute_url())
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Cache-Control"] == get["Cache-Control"]


def test_the_second_reader_is_served_from_the_cache_without_a_query(article, django_assert_num_queries):
    Client().get(article.get_absolute_url())
    with django_assert_num_queries(0):
        response = a_reader_with_cookies().get(article.get_absolute_url())
    assert response.status_code == 200


def test_an_unknown_host_gets_a_400_not_a_cached_page(article, settings):
    Client().get(article.get_absolute_url())
    assert Client().get(article.get_absolute_url(), HTTP_HOST="evil.example").status_code == 400


def test_without_site_url_each_host_gets_its_own_canonical_link(article, settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    for host in ("a.example", "b.example"):
        html = Client().get(article.get_absolute_url(), HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="http://{host}{article.get_absolute_url()}">' in html


# ------------------------------------------------------------------ pages for one person


def test_a_reader_whose_comment_awaits_moderation_gets_their_own_private_page(article):
    reader = Client()
    Client().get(article.get_absolute_url())  # the shared copy is cached
    reader.post(
        reverse("comments:post", args=[article.pk]),
        {"name": "Sam", "email": "sam@example.org", "body": "Waiting for a moderator", **_served_long_ago(article)},
    )
    response = reader.get(article.get_absolute_url())
    assert "Waiting for a moderator" in response.content.decode()
    assert "Your comment is awaiting moderation" in response.content.decode()
    assert "private" in response["Cache-Control"] and "Surrogate-Key" not in response
    assert "Waiting for a moderator" not in Client().get(article.get_absolute_url()).content.decode()


def test_signed_in_staff_get_pages_rendered_for_them_and_never_stored(client, article, editor):
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()  # their forms work without a script
    Article.objects.filter(pk=article.pk).update(title="Changed behind every cache's back")
    assert "Changed behind every cache" in client.get(article.get_absolute_url()).content.decode()


def test_a_flash_message_is_shown_on_a_page_for_that_reader_alone(article):
    reader = Client()
    reader.post(reverse("ratings:rate", args=[article.slug]), {"score": "5"})
    response = reader.get(article.get_absolute_url())
    assert "Thank you: you rated this article 5 out of 5" in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert "Thank you" not in Client().get(article.get_absolute_url()).content.decode()


# ------------------------------------------------------------------ purged on change


def page(url: str) -> str:
    return Client().get(url).content.decode()


def test_a_vote_shows_at_once_on_the_article_and_in_the_top_rated_list(article, commit):
    assert "[Total: 0 Average: 0]" in page(article.get_absolute_url())
    page("/")
    with commit():
        cast_vote(article=article, score=4, voter_key=new_voter_key(), address="192.0.2.1")
    assert "[Total: 1 Average: 4]" in page(article.get_absolute_url())
    assert "Top rated" in page("/")


def test_approving_removing_and_reporting_comments_show_at_once(article, commit, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    comment = Comment.objects.create(article=article, name="Ann", email="ann@example.org", body="Helpful, thanks")
    assert "Helpful, thanks" not in page(article.get_absolute_url())
    with commit():
        approve_comment(comment=comment)
    assert "Helpful, thanks" in page(article.get_absolute_url())
    assert "1 comment" in page("/")
    with commit():
        Client().post(reverse("comments:report", args=[comment.pk]))  # sent back to the queue
    assert "Helpful, thanks" not in page(article.get_absolute_url())
    with commit():
        approve_comment(comment=comment)
    assert "Helpful, thanks" in page(article.get_absolute_url())
    with commit():
        remove_comment(comment=comment)
    assert "Helpful, thanks" not in page(article.get_absolute_url())


def test_a_comment_deleted_in_the_shell_is_gone_at_once(article, commit):
    comment = Comment.objects.create(
        article=article, name="Ann", email="ann@example.org", body="Soon gone", status=Comment.Status.APPROVED
    )
    assert "Soon gone" in page(article.get_absolute_url())
    with commit():
        comment.delete()
    assert "Soon gone" not in page(article.get_absolute_url())


def test_closing_comments_shows_at_once(article, commit):
    assert 'id="comment-form"' in page(article.get_absolute_url())
    with commit():
        ArticleDiscussion.objects.create(article=article, closed=True)
    html = page(article.get_absolute_url())
    assert 'id="comment-form"' not in html and "Comments are closed" in html


def test_editing_unpublishing_and_deleting_an_article_show_at_once(article, commit):
    url = article.get_absolute_url()
    assert article.title in page("/") and article.title in page(url)
    with commit():
        article.title = "Botox and chronic migraine"
        article.save()
    assert "Botox and chronic migraine" in page(url) and "Botox and chronic migraine" in page("/")
    with commit():
        article.status = Article.Status.ARCHIVED
        article.save()
    assert Client().get(url).status_code == 404
    assert "Botox and chronic migraine" not in page("/")
    with commit():
        article.delete()
    assert "Botox and chronic migraine" not in page("/feed/")


def test_a_reference_changed_anywhere_shows_at_once(article, commit):
    assert "Fixed citation title" not in page(article.get_absolute_url())
    with commit():
        Reference.objects.filter(article=article).first().delete()
        Reference.objects.create(article=article, position=9, title="Fixed citation title")
    assert "Fixed citation title" in page(article.get_absolute_url())


def test_a_renamed_topic_or_contributor_shows_on_every_page_at_once(article, topic, commit):
    assert "Migraine" in page(article.get_absolute_url())
    with commit():
        topic.name = "Migraine and cluster headache"
        topic.save()
    assert "Migraine and cluster headache" in page(article.get_absolute_url())
    assert "Migraine and cluster headache" in page("/feed/")
    with commit():
        ContributorProfile.objects.filter(user=article.author).update(display_name="unused")  # no signal: no purge
        profile = ContributorProfile.objects.get(user=article.author)
        profile.display_name = "Amira Patel-Jones"
        profile.save()
    assert "Amira Patel-Jones" in page(article.get_absolute_url())


def test_a_topic_added_to_an_article_shows_on_the_topic_page(article, commit):
    headache = Topic.objects.create(name="Tension headache", slug="tension-headache")
    assert article.title not in page(headache.get_absolute_url())
    with commit():
        article.topics.add(headache)
    assert article.title in page(headache.get_absolute_url())


def test_a_scheduled_article_appears_in_the_lists_at_its_time_without_a_purge(make_article, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article("Coming soon", published_at=timezone.now() + datetime.timedelta(seconds=90))
    home = Client().get("/")
    assert "Coming soon" not in home.content.decode()
    assert re.search(r"s-maxage=(\d+)", home["Cache-Control"])[1] in {"89", "90"}  # no shared cache keeps it longer
    assert Client().get("/feed/").status_code == 200
    time_machine.shift(datetime.timedelta(seconds=91))
    assert "Coming soon" in page("/") and "Coming soon" in page("/feed/")


def test_a_page_that_changed_while_it_was_rendered_is_not_kept(article):
    """A purge that lands between the start of a render and its end: that render may show the old state."""

    def change_meanwhile(**kwargs):
        template_rendered.disconnect(change_meanwhile)
        purge(article_tag(article))

    template_rendered.connect(change_meanwhile)
    try:
        response = Client().get(article.get_absolute_url())
    finally:
        template_rendered.disconnect(change_meanwhile)
    assert "s-maxage=0" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert _queries(article.get_absolute_url()) > 0  # this site's own cache does not serve it again either


def test_a_vote_renders_the_page_again_but_keeps_the_comment_thread(article, commit):
    for n in range(30):
        Comment.objects.create(
            article=article, name=f"R{n}", email=f"r{n}@example.org", body=f"Comment {n}", status="approved"
        )
    with commit():
        purge(f"article-{article.pk}-comments")
    cold = _queries(article.get_absolute_url())
    with commit():
        cast_vote(article=article, score=5, voter_key=new_voter_key(), address="192.0.2.1")
    after_vote = _queries(article.get_absolute_url())
    assert after_vote == 1 < cold  # its figures; the article, its thread and its text are kept
    assert "Comment 29" in page(article.get_absolute_url())


def _queries(url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


def _served_long_ago(article) -> dict:
    from comments.forms import issue_timestamp

    return {"timestamp": issue_timestamp(article_id=article.pk, issued_at=timezone.now().timestamp() - 60)}
