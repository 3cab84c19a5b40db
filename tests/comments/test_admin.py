from django.urls import reverse

from comments.models import Comment

from .conftest import make_comment

CHANGELIST = reverse("admin:comments_comment_changelist")


def test_the_queue_shows_pending_comments_by_default_with_their_reason(client, article, moderator):
    make_comment(article, status=Comment.Status.PENDING, body="Waiting one", reason="held: 3 links")
    make_comment(article, status=Comment.Status.APPROVED, body="Published one")
    make_comment(article, status=Comment.Status.SPAM, body="Spammy one")
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()
    assert "Waiting one" in html and "held: 3 links" in html
    assert "Published one" not in html and "Spammy one" not in html

    spam = client.get(CHANGELIST, {"status": "spam"}).content.decode()
    assert "Spammy one" in spam and "Waiting one" not in spam
    everything = client.get(CHANGELIST, {"status": "all"}).content.decode()
    assert all(text in everything for text in ("Waiting one", "Published one", "Spammy one"))


def test_bulk_actions_approve_mark_spam_and_remove(client, article, moderator):
    comments = [make_comment(article, status=Comment.Status.PENDING, body=f"c{n}") for n in range(3)]
    client.force_login(moderator)
    for action, comment, status in [
        ("approve", comments[0], Comment.Status.APPROVED),
        ("mark_as_spam", comments[1], Comment.Status.SPAM),
        ("remove", comments[2], Comment.Status.REMOVED),
    ]:
        response = client.post(CHANGELIST, {"action": action, "_selected_action": [comment.pk]})
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.status == status
        assert "moira" in comment.reason
    assert comments[0].approved_at is not None


def test_staff_without_the_moderate_permission_cannot_act(client, article, editor):
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="view_comment"))
    comment = make_comment(article, status=Comment.Status.PENDING)
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert client.get(reverse("admin:comments_comment_reply", args=[comment.pk])).status_code == 403


def test_a_moderator_replies_from_the_admin_approved_and_badged(client, article, moderator):
    parent = make_comment(article, name="Jo", body="Does it hurt?")
    client.force_login(moderator)
    change = client.get(reverse("admin:comments_comment_change", args=[parent.pk])).content.decode()
    reply_url = reverse("admin:comments_comment_reply", args=[parent.pk])
    assert reply_url in change

    assert "Does it hurt?" in client.get(reply_url).content.decode()
    response = client.post(reply_url, {"body": "A little, for a day or two."})
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent)
    assert (reply.status, reply.is_staff_reply, reply.user, reply.depth) == (
        Comment.Status.APPROVED,
        True,
        moderator,
        1,
    )
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "A little, for a day or two." in html and "badge-editor" in html


def test_the_admin_index_shows_the_number_of_pending_comments(client, article, moderator, editor):
    for _ in range(3):
        make_comment(article, status=Comment.Status.PENDING)
    make_comment(article)
    client.force_login(moderator)
    assert "3 comments awaiting moderation" in client.get(reverse("admin:index")).content.decode()
    client.force_login(editor)  # no comment permissions: no count
    assert "awaiting moderation" not in client.get(reverse("admin:index")).content.decode()


def test_moderators_edit_word_lists_in_the_admin(client, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:comments_moderationword_add"),
        {"kind": "hold", "label": "dose", "pattern": "(unclosed", "is_regex": "on", "enabled": "on"},
    )
    assert response.status_code == 200
    assert "not a valid regular expression" in response.content.decode()
    assert (
        "onabotulinumtoxinA"
        in client.get(reverse("admin:comments_moderationword_changelist"), {"q": "onabot"}).content.decode()
    )
