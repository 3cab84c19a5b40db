import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import ArticleDiscussion, Comment
from comments.moderation import approve_comment

from .conftest import form_data, make_comment, post_comment_as_reader


def test_reader_sees_own_pending_comment_others_only_after_approval(
    client, article, django_capture_on_commit_callbacks
):
    response = post_comment_as_reader(client, article, body="Injections every 12 weeks worked for me.")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING
    assert comment.reason == "pending: new comment awaiting review"

    page = client.get(response["Location"]).content.decode()
    assert "Injections every 12 weeks worked for me." in page
    assert "Your comment is awaiting moderation" in page
    assert "0 comments" in page

    other = Client()
    assert "Injections every 12 weeks" not in other.get(article.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=comment)
    for reader in (client, other):
        html = reader.get(article.get_absolute_url()).content.decode()
        assert "Injections every 12 weeks worked for me." in html
        assert "awaiting moderation" not in html
        assert "1 comment<" in html


def test_comments_are_oldest_first_and_replies_nest_up_to_three_levels(client, article):
    first = make_comment(article, body="First top-level")
    second = make_comment(article, body="Second top-level")
    reply = make_comment(article, parent=first, body="Reply level 2")
    deeper = make_comment(article, parent=reply, body="Reply level 3")

    response = post_comment_as_reader(client, article, body="Reply to level 3", parent=str(deeper.pk))
    assert response.status_code == 302
    too_deep = Comment.objects.get(body="Reply to level 3")
    assert too_deep.depth == 2 and too_deep.parent == reply  # joins level 3 instead of opening a fourth

    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("First top-level") < html.index("Reply level 2") < html.index("Second top-level")
    assert html.count('class="comment-replies"') == 2
    assert f'href="?replyto={second.pk}#comment-form"' in html


def test_reply_link_without_javascript_prefills_the_parent(client, article):
    parent = make_comment(article, name="Jo", body="Question?")
    html = client.get(f"{article.get_absolute_url()}?replyto={parent.pk}").content.decode()
    assert "Reply to Jo" in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_more_than_fifty_comments_are_paginated_by_thread_and_permalinks_find_the_page(client, article, settings):
    settings.COMMENTS_PER_PAGE = 50
    comments = [make_comment(article, body=f"Comment number {n:02d}") for n in range(60)]
    reply = make_comment(article, parent=comments[55], body="A late reply")

    first_page = client.get(article.get_absolute_url()).content.decode()
    assert "61 comments" in first_page
    assert "Comment number 00" in first_page and "Comment number 49" in first_page
    assert "Comment number 50" not in first_page
    assert '<a href="?cpage=2#comments">2</a>' in first_page

    second_page = client.get(f"{article.get_absolute_url()}?cpage=2").content.decode()
    assert "Comment number 50" in second_page and "A late reply" in second_page

    response = client.get(reverse("comments:permalink", args=[reply.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=2#comment-{reply.pk}"
    assert client.get(reverse("comments:permalink", args=[comments[3].pk]))["Location"].endswith(
        f"/#comment-{comments[3].pk}"
    )


def test_permalink_of_a_pending_comment_is_404_for_other_readers(client, article):
    pending = make_comment(article, status=Comment.Status.PENDING)
    assert client.get(reverse("comments:permalink", args=[pending.pk])).status_code == 404


def test_article_page_query_count_does_not_grow_with_comments(client, article):
    def count_queries():
        for cache in caches.all(initialized_only=True):  # a miss: the comments are written straight to the database
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(queries)

    empty = count_queries()
    top = [make_comment(article, body=f"Top {n}") for n in range(40)]
    for n in range(20):
        make_comment(article, parent=top[n], body=f"Reply {n}", is_staff_reply=n % 2 == 0)
    assert Comment.objects.approved().count() == 60
    assert count_queries() == empty


def test_article_cards_show_approved_comment_counts_in_one_query(client, make_article, django_assert_max_num_queries):
    articles = [make_article(f"Article {n}") for n in range(5)]
    for n, article in enumerate(articles):
        for _ in range(n):
            make_comment(article)
        make_comment(article, status=Comment.Status.PENDING)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("articles:home")).content.decode()
    assert "4 comments</a>" in html and "1 comment</a>" in html
    assert sum("comments_comment" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.parametrize("how", ["closed by a moderator", "older than the closing age"])
def test_closed_comments_replace_the_form_and_refuse_posts(client, make_article, settings, how):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    if how == "closed by a moderator":
        article = make_article()
        ArticleDiscussion.objects.create(article=article, closed=True)
    else:
        article = make_article(published_at=timezone.now() - datetime.timedelta(days=31))
    make_comment(article, body="Still shown")

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed" in html
    assert "Still shown" in html
    assert 'id="comment-form"' not in html and "Reply</a>" not in html

    response = post_comment_as_reader(client, article)
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 0


def test_a_moderator_can_keep_an_old_article_open(client, make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article(published_at=timezone.now() - datetime.timedelta(days=90))
    ArticleDiscussion.objects.create(article=article, stays_open=True)
    assert post_comment_as_reader(client, article).status_code == 302


def test_staff_replies_carry_the_editor_badge(client, article, moderator):
    from comments.moderation import reply_as_staff

    parent = make_comment(article)
    reply_as_staff(parent=parent, user=moderator, body="Thanks, please ask your GP.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="badge badge-editor">Editor</span>' in html
    assert html.count("badge-editor") == 1


def test_report_threshold_sends_a_comment_back_to_the_queue(article, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment(article)
    url = reverse("comments:report", args=[comment.pk])
    first = Client(REMOTE_ADDR="198.51.100.1")
    assert first.post(url).status_code == 302
    assert first.post(url).status_code == 302  # the same reader twice counts once
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Comment.Status.APPROVED, 1)

    Client(REMOTE_ADDR="198.51.100.2").post(url)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.reason == "held: reported by 2 readers"
    assert "A comment." not in Client().get(article.get_absolute_url()).content.decode()


def test_form_is_served_with_a_signed_timestamp_and_a_hidden_honeypot(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Leave a Comment" in html
    assert 'name="timestamp"' in html
    assert '<div class="field comment-hp" aria-hidden="true">' in html
    assert "style=" not in html.split('id="comments"')[1]
    assert "<script>" not in html.split('id="comments"')[1]
    assert form_data(article)["timestamp"] not in html  # a fresh one per page
