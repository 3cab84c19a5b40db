import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from comments.emails import verification_token
from comments.models import Comment, ModerationWord, VerifiedEmail
from headache_site.clients import address_hash
from tests.conftest import next_full_hour

from .conftest import form_data, make_comment, post_comment_as_reader


def posted(client, article, **fields) -> Comment:
    response = post_comment_as_reader(client, article, **fields)
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.latest("pk")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("See https://a.example, https://b.example and www.c.example", "held: 3 links"),
        ("I take 100 mg every evening.", "held: dose “100 mg”"),
        ("Botox worked after two rounds.", "held: drug name “Botox”"),
        ("Erenumab changed my life", "held: drug name “Erenumab”"),
        ("This diet cured me.", "held: claim “cured”"),
        ("A miracle, honestly.", "held: claim “miracle”"),
        ("Topiramate 25mg", "held: dose “25mg”, drug name “Topiramate”"),
    ],
)
def test_hold_rules_keep_the_comment_pending_with_their_reason(client, article, body, reason):
    comment = posted(client, article, body=body)
    assert comment.status == Comment.Status.PENDING
    assert comment.reason == reason


def test_two_links_are_not_held(client, article):
    comment = posted(client, article, body="https://a.example and https://b.example")
    assert comment.reason == "pending: new comment awaiting review"


def test_self_harm_wording_is_held_and_the_reader_sees_where_to_get_help(client, article):
    comment = posted(client, article, body="Some days I want to end my life because of the pain.")
    assert comment.status == Comment.Status.PENDING
    assert comment.reason == "held: self-harm wording “end my life”"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Samaritans" in html and "116 123" in html and "111" in html and "999" in html
    assert "local emergency number" in html
    assert "Samaritans" not in Client().get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"website": "http://spam.example"}, "spam: honeypot"),
        ({"seconds_ago": 1}, "spam: sent within 3s of the page being served"),
        ({"body": "Best online casino bonus"}, "spam: spam word “casino”"),
    ],
)
def test_spam_rules_mark_the_comment_as_spam_with_their_reason(client, article, fields, reason):
    comment = posted(client, article, **fields)
    assert comment.status == Comment.Status.SPAM
    assert comment.reason == reason
    # The sender is not told: their page looks like any pending comment, others see nothing.
    assert "awaiting moderation" in client.get(article.get_absolute_url()).content.decode()
    assert comment.body not in Client().get(article.get_absolute_url()).content.decode()


def test_the_same_body_again_within_the_window_is_spam(client, article):
    first = posted(client, article, body="Great article!")
    again = posted(client, article, body="Great article!")
    assert first.status == Comment.Status.PENDING
    assert (again.status, again.reason) == (Comment.Status.SPAM, "spam: same text posted again")


def test_moderators_edit_the_word_lists(client, article):
    ModerationWord.objects.create(kind="hold", label="product", pattern="HeadAway")
    ModerationWord.objects.filter(pattern="botox").update(enabled=False)
    assert posted(client, article, body="I tried headaway").reason == "held: product “headaway”"
    assert posted(client, article, body="Botox is fine").reason == "pending: new comment awaiting review"


def test_a_verified_returning_commenter_is_approved_automatically(client, article):
    make_comment(article, email="sam@example.org")
    VerifiedEmail.objects.create(email="SAM@example.org")
    comment = posted(client, article, email="Sam@Example.org", body="Thanks again")
    assert (comment.status, comment.reason) == (Comment.Status.APPROVED, "approved: verified returning commenter")
    assert "Thanks again" in Client().get(article.get_absolute_url()).content.decode()


def test_auto_approval_can_be_turned_off(client, article, settings):
    settings.COMMENTS_AUTO_APPROVE_VERIFIED = False
    make_comment(article, email="sam@example.org")
    VerifiedEmail.objects.create(email="sam@example.org")
    assert posted(client, article).status == Comment.Status.PENDING


def test_name_and_email_alone_never_earn_auto_approval(client, article):
    make_comment(article, name="Sam Reader", email="sam@example.org")  # approved before, but never verified
    assert posted(client, article).status == Comment.Status.PENDING


def test_verified_but_never_approved_is_not_auto_approved(client, article):
    VerifiedEmail.objects.create(email="sam@example.org")
    assert posted(client, article).status == Comment.Status.PENDING


def test_held_words_win_over_auto_approval(client, article):
    make_comment(article, email="sam@example.org")
    VerifiedEmail.objects.create(email="sam@example.org")
    assert posted(client, article, body="sumatriptan helps").status == Comment.Status.PENDING


def test_the_confirm_email_link_verifies_the_address(client, article, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment = posted(client, article, confirm_email="on")
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/comments/verify/" in line)
    path = link.split("localhost:8000", 1)[1]
    assert "Confirm your email" in client.get(path).content.decode()
    assert not VerifiedEmail.objects.exists()  # a GET (e.g. a mail scanner) changes nothing
    assert client.post(path).status_code == 302
    assert VerifiedEmail.objects.get().email == comment.email


def test_an_expired_or_forged_verification_link_is_refused(client, article, settings):
    comment = make_comment(article)
    settings.COMMENTS_VERIFY_MAX_AGE_DAYS = 0
    import time

    token = verification_token(comment.pk)
    time.sleep(1.1)
    for bad in (token, token[:-2] + "xx"):
        response = client.post(reverse("comments:verify", args=[bad]))
        assert response.status_code == 400
        assert "not valid or has expired" in response.content.decode()
    assert not VerifiedEmail.objects.exists()


# ---------------------------------------------------------------- flood control


def test_flood_control_answers_429_and_shows_the_text_back(client, article, settings):
    settings.COMMENTS_FLOOD_LIMITS = [(1, 15), (20, 3600)]
    assert post_comment_as_reader(client, article, body="First one").status_code == 302
    response = post_comment_as_reader(client, article, body="Second one, typed with care")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Second one, typed with care" in html
    assert "faster than we accept them" in html
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("num_proxies", [0, 1])
def test_forged_x_forwarded_for_does_not_escape_flood_control(article, settings, num_proxies):
    settings.COMMENTS_FLOOD_LIMITS = [(1, 15)]
    settings.NUM_PROXIES = num_proxies
    real = "203.0.113.5"
    # Without proxies the client is REMOTE_ADDR; behind one proxy, the entry that proxy appended.
    client = Client(REMOTE_ADDR=real if num_proxies == 0 else "10.0.0.1")
    url = reverse("comments:post", args=[article.pk])

    def forwarded(forged):
        return f"{forged}, {real}" if num_proxies else forged

    assert client.post(url, form_data(article), HTTP_X_FORWARDED_FOR=forwarded("198.51.100.7")).status_code == 302
    response = client.post(url, form_data(article, body="Again"), HTTP_X_FORWARDED_FOR=forwarded("198.51.100.8"))
    assert response.status_code == 429

    stored = Comment.objects.get()
    assert stored.address_hash == address_hash(real)
    assert real not in {stored.address_hash, stored.user_agent, stored.reason}


def test_another_client_behind_the_same_proxy_is_counted_separately(article, settings):
    settings.COMMENTS_FLOOD_LIMITS = [(1, 15)]
    settings.NUM_PROXIES = 1
    client = Client(REMOTE_ADDR="10.0.0.1")
    url = reverse("comments:post", args=[article.pk])
    assert client.post(url, form_data(article), HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 302
    assert client.post(url, form_data(article, body="B"), HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_user_agent_is_stored_trimmed(article):
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 500)
    client.post(reverse("comments:post", args=[article.pk]), form_data(article))
    assert len(Comment.objects.get().user_agent) == 200


def test_a_comment_matching_many_rules_keeps_a_reason_that_fits(client, article):
    body = " ".join(["botox sumatriptan topiramate propranolol erenumab fremanezumab galcanezumab"] * 3 + ["50 mg"])
    comment = posted(client, article, body=body)
    assert comment.status == Comment.Status.PENDING
    assert comment.reason.startswith("held: dose “50 mg”, drug name “botox”")
    assert len(comment.reason) <= 300


def test_two_comments_a_moment_apart_are_one_too_many_whenever_they_come(article, settings):
    """The window opens with the client's first comment, not on the clock's fixed boundaries."""
    settings.COMMENTS_FLOOD_LIMITS = [(1, 15), (20, 3600)]
    boundary = next_full_hour()  # a boundary of every fixed window of 15 s, 600 s or an hour
    client = Client()
    url = reverse("comments:post", args=[article.pk])
    with time_machine.travel(boundary - datetime.timedelta(milliseconds=200), tick=False):
        assert client.post(url, form_data(article)).status_code == 302
    with time_machine.travel(boundary + datetime.timedelta(milliseconds=200), tick=False):
        assert client.post(url, form_data(article, body="Again")).status_code == 429
    with time_machine.travel(boundary + datetime.timedelta(seconds=16), tick=False):
        assert client.post(url, form_data(article, body="Later")).status_code == 302
    assert Comment.objects.count() == 2


def test_every_address_of_one_ipv6_network_is_one_commenter(article, settings):
    settings.COMMENTS_FLOOD_LIMITS = [(1, 15)]
    url = reverse("comments:post", args=[article.pk])

    def post_from(address, body):
        return Client(REMOTE_ADDR=address).post(url, form_data(article, body=body))

    assert post_from("2001:db8:5:6::1", "First").status_code == 302
    assert post_from("2001:db8:5:6:a1b2:c3d4:e5f6:1234", "From a new privacy address").status_code == 429
    assert post_from("2001:db8:5:7::1", "From the next network").status_code == 302
    first, other = Comment.objects.order_by("pk")
    assert first.address_hash == address_hash("2001:db8:5:6::/64")
    assert other.address_hash == address_hash("2001:db8:5:7::/64")
