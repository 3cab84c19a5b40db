"""Parts of the article page kept apart from the page cache: the article itself (its record, head tags and
text), its discussion settings, the empty comment form, the star widget and the form around it, the topic
menu and the site's frame. A page the cache does not hold is put together from them without a query, and
no part is ever out of date or carries another reader's token."""

import datetime
import html
import json
import re
import time
from unittest import mock

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection
from django.template import Template, TemplateSyntaxError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import caching
from articles.models import Article, ContributorProfile, Reference
from comments import forms
from comments.forms import TIMESTAMP_SALT
from comments.models import ArticleDiscussion, Comment
from ratings.voting import cast_vote, new_voter_key
from tests.comments.conftest import make_comment
from tests.conftest import make_user

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP_RE = re.compile(r'name="timestamp" value="([^"]+)"')
NONCE_RE = re.compile(r' nonce="[^"]+"')


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Every request here is a page-cache miss: the page is put together by the view."""
    settings.PAGE_CACHE_SECONDS = 0


def read(url: str, client: Client | None = None) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    return response.content.decode(), len(queries)


def without_tokens(html: str) -> str:
    for pattern in (CSRF_RE, TIMESTAMP_RE):
        html = pattern.sub("[token]", html)
    return NONCE_RE.sub("", html)


def test_a_page_the_cache_does_not_hold_is_put_together_from_its_parts_without_a_query(article):
    for n in range(30):
        make_comment(article, body=f"Comment {n}")
    first, first_queries = read(article.get_absolute_url())
    second, second_queries = read(article.get_absolute_url())
    assert second_queries == 0, second_queries
    assert first_queries > second_queries
    assert without_tokens(second) == without_tokens(first)
    for shown in ("Dr Chidi Okafor", "Study 2", "Migraine", "Comment 29", "[Total: 0 Average: 0]", "Leave a Comment"):
        assert shown in second


def test_with_fragments_off_every_part_is_rendered_again(article, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    _, first_queries = read(article.get_absolute_url())
    _, second_queries = read(article.get_absolute_url())
    assert second_queries == first_queries > 2


def rename_title(article, user):
    article.title = "Botulinum toxin for chronic migraine"
    article.save()
    return "Botulinum toxin for chronic migraine"


def rename_reference(article, user):
    reference = Reference.objects.get(article=article, position=2)
    reference.title = "A newer trial"
    reference.save()
    return "A newer trial"


def rename_topic(article, user):
    topic = article.topics.get()
    topic.name = "Migraine and headache"
    topic.save()
    return '<a href="/topics/migraine/">Migraine and headache</a>'


def rename_reviewer_profile(article, user):
    ContributorProfile.objects.filter(user=article.reviewer).update(display_name="placeholder")  # no signal
    profile = ContributorProfile.objects.get(user=article.reviewer)
    profile.display_name = "Dr C. Okafor"
    profile.save()
    return "Dr C. Okafor"


def rename_account_without_profile(article, user):
    user.first_name = "Robin"
    user.save()
    return "Robin Byline"


def drop_reference(article, user):
    Reference.objects.filter(article=article, position=2).delete()
    return None


@pytest.mark.parametrize(
    "change",
    [
        rename_title,
        rename_reference,
        rename_topic,
        rename_reviewer_profile,
        rename_account_without_profile,
        drop_reference,
    ],
)
def test_every_change_to_what_the_kept_parts_show_reaches_the_next_reader(
    make_article, topic, reviewer_user, change, django_capture_on_commit_callbacks
):
    writer = make_user("robin")
    writer.first_name, writer.last_name = "Rob", "Byline"
    writer.save()
    article = make_article(topics=[topic], references=2, reviewer=reviewer_user, author=writer)
    article.last_reviewed = article.published_at.date()
    article.save()
    before, _ = read(article.get_absolute_url())
    assert "Study 2" in before
    read(article.get_absolute_url())  # the parts are kept now
    with django_capture_on_commit_callbacks(execute=True):
        shown = change(article, writer)
    after, _ = read(article.get_absolute_url())
    if shown is None:
        assert "Study 2" not in after
    else:
        assert shown not in before and shown in after


def test_a_sign_in_does_not_throw_away_the_kept_parts(article, django_capture_on_commit_callbacks):
    read(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        user = get_user_model().objects.get(pk=article.author_id)
        user.last_login = user.date_joined
        user.save(update_fields=["last_login"])
    assert read(article.get_absolute_url())[1] == 0


def test_staff_always_see_what_is_stored_now(client, article, editor):
    read(article.get_absolute_url())  # parts kept for readers
    article.title = "Edited, not yet committed for the readers' parts"
    article.save()  # inside the test's transaction: readers' parts change only once it commits
    client.force_login(editor)
    assert "Edited, not yet committed" in client.get(article.get_absolute_url()).content.decode()


def test_each_reader_gets_their_own_token_and_a_form_served_now(article):
    issue = forms.issue_timestamp
    long_ago = time.time() - 600
    with mock.patch.object(
        forms, "fresh_timestamp", lambda article_id: issue(article_id=int(article_id), issued_at=long_ago)
    ):
        first, _ = read(article.get_absolute_url())  # the empty form is kept now
    reader = Client(enforce_csrf_checks=True)
    page, queries = read(article.get_absolute_url(), reader)
    assert queries == 0
    assert "[csrf token]" not in page and "[served at]" not in page
    served = signing.loads(TIMESTAMP_RE.search(page).group(1), salt=TIMESTAMP_SALT)
    assert abs(served["t"] - time.time()) < 5 and served["a"] == article.pk
    tokens = set(CSRF_RE.findall(page))
    assert tokens.isdisjoint(CSRF_RE.findall(first))
    form = page[page.index('id="comment-form"') :]
    posted = reader.post(
        reverse("comments:post", args=[article.pk]),
        {
            "csrfmiddlewaretoken": CSRF_RE.search(form).group(1),
            "timestamp": TIMESTAMP_RE.search(form).group(1),
            "name": "Sam Reader",
            "email": "sam@example.org",
            "body": "Sent from a page put together from kept parts.",
            "parent": "",
            "website": "",
        },
    )
    assert posted.status_code == 302
    comment = Comment.objects.get(body="Sent from a page put together from kept parts.")
    # Kept, and marked spam: the form says it was served a moment ago, not when its part was kept,
    # so the "posted too fast" check still works on pages put together from kept parts.
    assert comment.status == Comment.Status.SPAM


def test_a_reply_form_is_made_for_its_comment(article):
    read(article.get_absolute_url())
    parent = make_comment(article, name="Jordan")
    page, _ = read(f"{article.get_absolute_url()}?replyto={parent.pk}")
    assert "Reply to Jordan" in page
    assert f'name="parent" value="{parent.pk}"' in page
    assert "Leave a Comment</h3>" in read(article.get_absolute_url())[0]


def test_the_star_widget_is_shared_until_a_vote_and_a_voter_sees_their_own(article, django_capture_on_commit_callbacks):
    read(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        cast_vote(article=article, score=4, voter_key=new_voter_key(), address="192.0.2.1")
    page, queries = read(article.get_absolute_url())
    assert "[Total: 1 Average: 4]" in page and queries == 1  # the widget was rendered again, once
    assert read(article.get_absolute_url())[1] == 0

    voter = Client()
    form = read(article.get_absolute_url(), voter)[0]
    with django_capture_on_commit_callbacks(execute=True):
        voted = voter.post(
            reverse("ratings:rate", kwargs={"slug": article.slug}),
            {"score": "2", "csrfmiddlewaretoken": CSRF_RE.search(form).group(1)},
        )
    assert voted.status_code == 302
    del voter.cookies["messages"]
    own, _ = read(article.get_absolute_url(), voter)
    assert "[Total: 2 Average: 3]" in own
    assert 'value="2" id="rating-score-2" checked' in own
    shared, _ = read(article.get_absolute_url())
    assert "[Total: 2 Average: 3]" in shared and " checked" not in shared


def test_the_topic_menu_is_kept_per_content_version(client, article, django_capture_on_commit_callbacks):
    assert '<a href="/topics/migraine/">Migraine</a>' in read("/")[0]
    with CaptureQueriesContext(connection) as queries:
        caching.cached_part(scope=(caching.CONTENT_KEY,), key="topic-menu", render=lambda: pytest.fail("re-rendered"))
    assert len(queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        article.topics.get().delete()
    assert "/topics/migraine/" not in read("/")[0]


def test_a_new_release_renders_its_own_pages_and_parts(article, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 300
    Client().get(article.get_absolute_url())
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    settings.PAGE_CACHE_SECONDS = 0
    assert read(article.get_absolute_url())[1] == 0  # parts kept
    # The next release (templates, code or static files changed) shares Redis with this one during a
    # rolling deploy, but never serves what this one rendered.
    monkeypatch.setattr(caching, "release", lambda: "next-release")
    assert read(article.get_absolute_url())[1] > 2
    settings.PAGE_CACHE_SECONDS = 300
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_the_release_fingerprint_follows_templates_code_and_static_names(tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>{{ article.title }}</p>")
    code = tmp_path / "views.py"
    code.write_text("X = 1\n")
    files = [page, code]
    first = caching.fingerprint(files, base=tmp_path)
    assert caching.fingerprint(files, base=tmp_path) == first
    page.write_text("<h1>{{ article.title }}</h1>")
    second = caching.fingerprint(files, base=tmp_path)
    assert second != first
    code.write_text("X = 2\n")
    assert caching.fingerprint(files, base=tmp_path) not in {first, second}
    # The same checkout elsewhere (another host) has the same fingerprint.
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "templates").mkdir(parents=True)
    (elsewhere / "templates" / "page.html").write_bytes(page.read_bytes())
    (elsewhere / "views.py").write_bytes(code.read_bytes())
    moved = [elsewhere / "templates" / "page.html", elsewhere / "views.py"]
    assert caching.fingerprint(moved, base=elsewhere) == caching.fingerprint(files, base=tmp_path)


def test_the_release_covers_the_site_templates_its_apps_and_the_static_manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text("{}")
    names = {
        str(path.relative_to(settings.BASE_DIR))
        for path in caching.rendering_files()
        if path.is_relative_to(settings.BASE_DIR)
    }
    assert {"templates/base.html", "templates/articles/_article_main.html", "articles/views.py"} <= names
    assert {"comments/templatetags/comment_tags.py", "ratings/widget.py"} <= names
    assert tmp_path / "staticfiles.json" in caching.rendering_files()


def test_the_release_counts_the_django_version(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>{{ article.title }}</p>")
    # Django renders forms and widgets, and kept article records are its pickles.
    assert caching.fingerprint([page], base=tmp_path, extra="6.1.3") != caching.fingerprint(
        [page], base=tmp_path, extra="6.1.4"
    )


def test_a_scheduled_article_appears_on_time_though_its_record_is_kept(make_article):
    publish_at = timezone.now() + datetime.timedelta(hours=2)
    article = make_article("Coming soon: a headache diary", published_at=publish_at)
    url = article.get_absolute_url()
    assert Client().get(url).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 404
    # The record was kept: its time is checked, the article is not read again (the 404 page looks up
    # old addresses that redirect, nothing else).
    assert [query["sql"] for query in queries.captured_queries if 'FROM "articles_article"' in query["sql"]] == []
    with time_machine.travel(publish_at + datetime.timedelta(seconds=1)):
        page, _ = read(url)
    assert "Coming soon: a headache diary" in page


def test_an_article_taken_back_is_gone_for_readers_at_once(article, django_capture_on_commit_callbacks):
    read(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.ARCHIVED
        article.save()
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_an_address_with_no_article_is_never_kept(client, article):
    missing = reverse("articles:detail", kwargs={"slug": "no-such-article"})
    assert client.get(missing).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get(missing).status_code == 404
    assert queries  # looked up again: random addresses cannot fill the cache


def test_closing_and_reopening_comments_reaches_the_next_reader(article, django_capture_on_commit_callbacks):
    assert "Leave a Comment" in read(article.get_absolute_url())[0]
    with django_capture_on_commit_callbacks(execute=True):
        discussion = ArticleDiscussion.objects.create(article=article, closed=True)  # not through the admin
    page, _ = read(article.get_absolute_url())
    assert "Comments are closed" in page and "Leave a Comment" not in page
    with django_capture_on_commit_callbacks(execute=True):
        discussion.delete()
    assert "Leave a Comment" in read(article.get_absolute_url())[0]


def test_each_reader_gets_their_own_nonce_in_the_kept_frame(article):
    nonces = set()
    for _ in range(2):
        response = Client().get(article.get_absolute_url())
        nonce = re.search(r"'nonce-([\w-]+)'", response["Content-Security-Policy"])[1]
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", response.content.decode())
        assert len(scripts) == 3 and all(f'nonce="{nonce}"' in script for script in scripts)
        assert caching.NONCE_STAND_IN not in response.content.decode()
        nonces.add(nonce)
    assert len(nonces) == 2


@pytest.mark.parametrize("inside", ["{% csrf_token %}", "{% block title %}{% endblock %}"])
def test_what_is_kept_for_every_page_cannot_hold_a_token_or_a_block(inside):
    with pytest.raises(TemplateSyntaxError, match="shared by every page and reader"):
        Template('{% load kept %}{% kept "frame" %}' + inside + "{% endkept %}")


@pytest.mark.parametrize("tag", ["{% kept %}", "{% kept frame %}", '{% kept "a" "b" %}', '{% kept "" %}'])
def test_what_is_kept_is_named_with_one_quoted_name(tag):
    with pytest.raises(TemplateSyntaxError, match="its name in quotes"):
        Template("{% load kept %}" + tag + "{% endkept %}")


def test_kept_parts_are_ascii_and_read_as_the_characters_they_stand_for(make_article, topic, author_user):
    ContributorProfile.objects.update_or_create(user=author_user, defaults={"display_name": "Zoë Ångström"})
    article = make_article("Cluster headache – a 🧠 guide", topics=[topic], summary="Attacks “like a hot poker”.")
    make_comment(article, name="Siân", body="Très utile — merci ★")
    read(article.get_absolute_url())  # the parts are kept now

    page, queries = read(article.get_absolute_url())

    assert queries == 0 and page.isascii()
    text = html.unescape(page)
    for written in (
        "Cluster headache – a 🧠 guide",
        "“like a hot poker”",
        "Zoë Ångström",
        "Siân",
        "Très utile — merci ★",
    ):
        assert written in text
    assert "<title>Cluster headache &#8211; a &#129504; guide &middot; " in page
    structured = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert structured["headline"] == "Cluster headache – a 🧠 guide"
    assert structured["author"]["name"] == "Zoë Ångström"


@pytest.mark.parametrize("element", ["script", "style", "SCRIPT", "Script"])
def test_html_with_other_characters_in_a_script_or_style_is_kept_as_it_is(element):
    inside = f'<p>café</p><{element} type="text/plain">"naïve"</{element.lower()}>'
    assert caching.ascii_html(inside) == inside
    assert caching.ascii_html('<p title="café">crème</p><script>"ok"</script>') == (
        '<p title="caf&#233;">cr&#232;me</p><script>"ok"</script>'
    )
