import pytest
from django.core.mail.backends.base import BaseEmailBackend

from comments.models import Comment
from comments.moderation import approve_comment

from .conftest import make_comment, post_comment_as_reader


class ExplodingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_pending_comment_emails_the_moderators_after_commit(
    client, article, moderator, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@example.org"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_comment_as_reader(client, article, body="Is 3 months normal?")
    assert Comment.objects.count() == 1  # stored before any mail
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == ["desk@example.org", "moira@example.org"]
    assert "Is 3 months normal?" in mail.body
    assert f"/admin/comments/comment/{Comment.objects.get().pk}/change/" in mail.body
    assert "pending: new comment awaiting review" in mail.body


def test_spam_and_auto_approved_comments_do_not_email_moderators(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment_as_reader(client, article, website="http://bot.example")
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert mailoutbox == []


def test_a_failing_mail_server_loses_nothing_and_the_reader_gets_no_error(
    client, article, moderator, settings, django_capture_on_commit_callbacks, caplog
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.ExplodingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment_as_reader(client, article, body="Keep me", notify_on_approval="on")
    assert response.status_code == 302
    assert Comment.objects.get().body == "Keep me"
    assert "could not send" in caplog.text
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=Comment.objects.get())
    assert Comment.objects.get().status == Comment.Status.APPROVED


@pytest.mark.parametrize("asked", [True, False])
def test_the_commenter_is_emailed_on_approval_only_if_they_asked(
    article, mailoutbox, django_capture_on_commit_callbacks, asked
):
    comment = make_comment(article, status=Comment.Status.PENDING, notify_on_approval=asked, email="jo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=comment)
        approve_comment(comment=comment)  # approving twice mails once
    assert [m.to for m in mailoutbox] == ([["jo@example.org"]] if asked else [])
    if asked:
        assert f"/comments/{comment.pk}/" in mailoutbox[0].body
