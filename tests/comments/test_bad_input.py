import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.moderation import approve_comment

from .conftest import form_data, make_comment, post_comment_as_reader

KEPT_TEXT = "My carefully written comment about triptans and sleep."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Please tell us your name"),
        ({"name": "\u200b\u202e "}, "name", "Please tell us your name"),
        ({"name": "N" * 81}, "name", "Please keep your name to 80 characters (it has 81)."),
        ({"email": ""}, "email", "Please give your email address."),
        ({"email": "not-an-address"}, "email", "This does not look like an email address"),
        ({"body": ""}, "body", "Please write your comment."),
        ({"body": "x" * 5001}, "body", "Comments can be up to 5000 characters; yours has 5001."),
    ],
)
def test_invalid_fields_come_back_with_the_text_and_a_message(client, article, fields, field, message):
    data = {"body": KEPT_TEXT, **fields}
    response = post_comment_as_reader(client, article, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    kept = data["body"] if field == "body" else KEPT_TEXT
    if kept and len(kept) < 100:
        assert kept in html
    assert 'aria-invalid="true"' in html
    assert not Comment.objects.exists()


def test_a_body_of_exactly_5000_characters_is_accepted(client, article):
    assert post_comment_as_reader(client, article, body="y" * 5000).status_code == 302


@pytest.mark.parametrize("timestamp", ["", "garbage", "eyJhIjoxfQ:1abc:forged"])
def test_a_missing_or_forged_timestamp_asks_to_resubmit_and_keeps_the_text(client, article, timestamp):
    response = post_comment_as_reader(client, article, body=KEPT_TEXT, timestamp=timestamp)
    assert response.status_code == 400
    html = response.content.decode()
    assert "please send it again" in html and KEPT_TEXT in html
    assert 'name="timestamp" value="' in html  # a fresh one to send with
    assert not Comment.objects.exists()


def test_an_expired_form_or_one_for_another_article_asks_to_resubmit(client, article, settings):
    settings.COMMENTS_FORM_MAX_AGE = 3600
    # A timestamp for another article is refused too.
    other = Article.objects.create(title="Other", body="x", author=article.author, status="published")
    data = form_data(other, body=KEPT_TEXT)
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 400 and "please send it again" in response.content.decode()
    old = form_data(article, body=KEPT_TEXT)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        response = client.post(reverse("comments:post", args=[article.pk]), old)
    assert response.status_code == 400
    assert "please send it again" in response.content.decode()


def test_missing_csrf_token_is_refused(article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("comments:post", args=[article.pk]), form_data(article))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_replying_to_a_comment_of_another_article_is_refused(client, article, make_article):
    elsewhere = make_comment(make_article("Elsewhere"))
    response = post_comment_as_reader(client, article, body=KEPT_TEXT, parent=str(elsewhere.pk))
    assert response.status_code == 400
    assert "You can only reply to a published comment on this article." in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED])
def test_replying_to_an_unapproved_comment_is_refused(client, article, status):
    hidden = make_comment(article, status=status)
    response = post_comment_as_reader(client, article, parent=str(hidden.pk))
    assert response.status_code == 400
    assert "You can only reply to a published comment" in response.content.decode()
    assert Comment.objects.count() == 1


def test_replying_to_a_missing_comment_is_refused(client, article):
    assert post_comment_as_reader(client, article, parent="999999").status_code == 400


@pytest.mark.parametrize(
    ("status", "delta"),
    [(Article.Status.DRAFT, None), (Article.Status.PUBLISHED, datetime.timedelta(days=1))],
)
def test_posting_to_an_unpublished_article_is_404(client, make_article, status, delta):
    hidden = make_article("Hidden", status=status, published_at=timezone.now() + delta if delta else None)
    assert post_comment_as_reader(client, hidden).status_code == 404
    assert not Comment.objects.exists()


def test_get_on_the_post_url_is_not_allowed(client, article):
    assert client.get(reverse("comments:post", args=[article.pk])).status_code == 405


SAFE_TAG = re.compile(r'<a href="https?://[^"<>\s]*" rel="nofollow ugc noopener">|</a>|<br>')
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "<body onload=alert(1)>",
    "<style>*{color:red}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    'http://example.com/"onmouseover="alert(1)',
    "http://example.com/<script>alert(1)</script>",
    'https://example.com/?q="><img src=x onerror=alert(1)>',
    "www.example.com/'onfocus='alert(1)'autofocus='",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<object data="data:text/html,<script>alert(1)</script>">',
    "{{ request }} {% csrf_token %}",
    '<meta http-equiv="refresh" content="0;url=http://evil.example">',
    "<form action=http://evil.example><button>go</button></form>",
    "`-alert(1)-`<img/src/onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_in_name_and_body_is_rendered_inert(client, article, payload):
    response = post_comment_as_reader(client, article, name=payload[:80], body=f"Before {payload} after")
    assert response.status_code == 302
    comment = Comment.objects.get()
    approve_comment(comment=comment)
    html = Client().get(article.get_absolute_url()).content.decode()
    author = re.search(r'<span class="comment-author">(.*?)</span>', html, re.S).group(1)
    body = re.search(r'<div class="comment-body">(.*?)</div>', html, re.S).group(1)
    assert "<" not in author and ">" not in author
    assert "Before" in body and "after" in body
    # The only markup in a body is what our renderer writes: http(s) links with the reader-content rel, and <br>.
    for tag in re.findall(r"<[^>]*>", body):
        assert SAFE_TAG.fullmatch(tag), tag


def test_urls_become_nofollow_links_and_line_breaks_are_kept(client, article):
    make_comment(article, body="See https://nhs.uk/conditions/migraine/.\nSecond line & more")
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<a href="https://nhs.uk/conditions/migraine/" rel="nofollow ugc noopener">'
        "https://nhs.uk/conditions/migraine/</a>.<br>\nSecond line &amp; more"
    ) in html


def test_invisible_and_direction_changing_characters_are_stripped(client, article):
    response = post_comment_as_reader(
        client, article, name="Al\u202eice\u200b\x00", body="Hel\u2066lo\ufeff\u200d world\x00\r\nnext"
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.name == "Alice"
    assert comment.body == "Hello world\nnext"


def test_emoji_and_dotted_capital_i_round_trip(client, article):
    text = "İstanbul’da baş ağrısı 🤕🧠 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
    assert post_comment_as_reader(client, article, name="İlkay 🌍", body=text).status_code == 302
    comment = Comment.objects.get()
    assert (comment.name, comment.body) == ("İlkay 🌍", text)
    approve_comment(comment=comment)
    html = client.get(article.get_absolute_url()).content.decode()
    assert text in html and "İlkay 🌍" in html
