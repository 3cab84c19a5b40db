import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment, VerifiedEmail

from .conftest import make_comment


def test_purge_deletes_only_old_spam_and_removed_comments(article):
    old = timezone.now() - datetime.timedelta(days=40)
    old_spam = make_comment(article, status=Comment.Status.SPAM, created_at=old)
    old_removed = make_comment(article, status=Comment.Status.REMOVED, created_at=old)
    old_approved = make_comment(article, created_at=old)
    new_spam = make_comment(article, status=Comment.Status.SPAM)
    out = StringIO()
    call_command("purge_comments", "--older-than", "30", stdout=out)
    assert "Deleted 2" in out.getvalue()
    remaining = set(Comment.objects.values_list("pk", flat=True))
    assert remaining == {old_approved.pk, new_spam.pk}
    assert old_spam.pk not in remaining and old_removed.pk not in remaining


def test_export_prints_everything_about_one_commenter_as_json(article):
    mine = make_comment(article, email="jo@example.org", body="Mine 🤕", user_agent="Firefox")
    make_comment(article, email="other@example.org")
    VerifiedEmail.objects.create(email="jo@example.org")
    out = StringIO()
    call_command("commenter_data", "--email", "JO@example.org", "--export", stdout=out)
    data = json.loads(out.getvalue())
    assert data["email_verified"] is True
    assert [c["id"] for c in data["comments"]] == [mine.pk]
    assert data["comments"][0]["body"] == "Mine 🤕"


def test_erase_deletes_the_commenters_data_and_keeps_others_replies(article):
    answered = make_comment(article, email="jo@example.org", name="Jo", body="Private details")
    lone = make_comment(article, email="jo@example.org")
    reply = make_comment(article, parent=answered, email="other@example.org")
    VerifiedEmail.objects.create(email="jo@example.org")
    out = StringIO()
    call_command("commenter_data", "--email", "jo@example.org", "--erase", stdout=out)
    assert "1 comment(s) deleted, 1 anonymised" in out.getvalue()
    assert not Comment.objects.filter(pk=lone.pk).exists()
    answered.refresh_from_db()
    assert (answered.name, answered.email) == ("Former commenter", "")
    assert "Private details" not in answered.body
    assert Comment.objects.filter(pk=reply.pk).exists()
    assert not VerifiedEmail.objects.exists()
    assert not Comment.objects.by_email("jo@example.org").exists()
