"""The whole flow in a real Chromium: a reader comments, a moderator approves in the admin, another reader sees it."""

import pytest

from comments.models import Comment

pytestmark = pytest.mark.browser


def test_comment_posted_approved_in_admin_and_seen_by_another_reader(live_server, chromium, page, article, moderator):
    article_url = live_server.url + article.get_absolute_url()
    page.goto(article_url)
    page.fill("#id_name", "Browser Reader")
    page.fill("#id_email", "browser@example.org")
    page.fill("#id_body", "Written in a real browser.\nSecond line.")
    page.wait_for_timeout(3200)  # a person takes a few seconds; faster counts as spam
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector(".comment-awaiting")
    assert "Your comment is awaiting moderation" in page.inner_text(".comment-pending")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    moderator_page = chromium.new_context().new_page()
    moderator_page.goto(live_server.url + "/admin/login/")
    moderator_page.fill("#id_username", "moira")
    moderator_page.fill("#id_password", "moderator-pass-123")
    moderator_page.click("input[type=submit]")
    moderator_page.wait_for_selector("text=1 comment awaiting moderation")
    moderator_page.click("text=1 comment awaiting moderation")
    moderator_page.check(f"input[name=_selected_action][value='{comment.pk}']")
    moderator_page.select_option("select[name=action]", "approve")
    moderator_page.click("button[name=index]")
    moderator_page.wait_for_selector("text=Approved 1 comment(s).")
    moderator_page.context.close()

    other = chromium.new_context().new_page()
    other.goto(article_url)
    assert "1 comment" in other.inner_text("#comments-heading")
    assert "Written in a real browser." in other.inner_text(f"#comment-{comment.pk} .comment-body")
    assert other.locator(".comment-awaiting").count() == 0
    other.context.close()


def test_reply_link_moves_the_form_under_the_comment(live_server, page, article):
    from .conftest import make_comment

    parent = make_comment(article, name="Jo", body="Question?")
    page.goto(live_server.url + article.get_absolute_url())
    page.click(f"#comment-{parent.pk} a.comment-reply")
    assert page.input_value("input[name=parent]") == str(parent.pk)
    assert page.inner_text("#comment-form-heading") == "Reply to Jo"
    assert page.locator(f"#comment-{parent.pk} #comment-form").count() == 1
