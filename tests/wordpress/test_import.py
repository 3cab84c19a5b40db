"""Importing the test export: what readers and moderators find afterwards, and what a second run changes."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from PIL import Image

from articles.models import Article, Redirect, Topic
from comments.models import Comment
from headache_site.clients import address_hash
from ratings.models import RatingSummary
from wordpress.models import ImportedItem

from .conftest import database_counts

pytestmark = pytest.mark.django_db


def test_posts_become_articles_in_their_states(run_import):
    output = run_import()

    assert sorted(Article.objects.values_list("slug", "status")) == [
        ("botox-for-migraine", "published"),
        ("half-written-cluster-headache", "draft"),
        ("headache-diary", "published"),
        ("new-triptans", "published"),
        ("staff-notes", "draft"),
    ]
    assert Article.objects.get(slug="new-triptans").is_scheduled
    assert Article.objects.get(slug="half-written-cluster-headache").published_at is None
    botox = Article.objects.get(slug="botox-for-migraine")
    assert botox.title == "Botox for chronic migraine"
    assert botox.published_at.isoformat() == "2019-05-04T09:20:30+00:00"
    assert botox.summary == "How Botox injections help prevent chronic migraine & who can have them."
    assert "articles: 5 created, 0 updated, 0 unchanged — 2 draft, 2 published, 1 scheduled" in output
    assert "1 × post in the trash" in output
    assert not Article.objects.filter(title="Old rubbish").exists()


def test_gutenberg_blocks_and_shortcodes_become_clean_markdown(run_import):
    run_import()

    body = Article.objects.get(slug="botox-for-migraine").body
    assert body.startswith("## How it works\n\nBotox is injected at **31 sites** every *12 weeks*.")
    assert "[NICE guidance](https://www.nice.org.uk/guidance/ta260)" in body
    assert "- Forehead\n- Temples" in body
    assert "![Injection sites on the forehead](" in body
    assert "Injections take about 15 minutes." in body  # [caption] keeps what it wraps
    for leftover in ("wp:", "<!--", "[kkstarratings]", "[caption", "[/caption]"):
        assert leftover not in body
    assert "[yasr_visitor_votes" not in Article.objects.get(slug="new-triptans").body


def test_a_long_excerpt_is_cut_at_a_word_with_an_ellipsis(run_import):
    run_import()

    summary = Article.objects.get(slug="headache-diary").summary
    assert len(summary) <= 300
    assert summary.endswith("the…")
    assert summary.startswith("Track your headaches") and "excerpt" not in summary


def test_categories_become_topics_and_tags_are_reported(run_import):
    output = run_import()

    assert sorted(Topic.objects.values_list("slug", "name")) == [
        ("migraine", "Migraine"),
        ("tension-headache", "Tension headache"),
    ]
    botox = Article.objects.get(slug="botox-for-migraine")
    assert sorted(botox.topics.values_list("slug", flat=True)) == ["migraine", "tension-headache"]
    assert "tags ignored" in output
    assert "“Uncategorized” category not made a topic" in output


def test_authors_become_inactive_accounts_without_usable_passwords(run_import):
    run_import()

    alice = User.objects.get(username="alice")
    assert not alice.is_active and not alice.has_usable_password()
    assert (alice.email, alice.first_name, alice.last_name) == ("alice@old-headache.example", "Alice", "Writer")
    assert alice.contributor.display_name == "Alice Writer"
    assert Article.objects.get(slug="new-triptans").author.username == "drbob"


def test_the_author_map_gives_posts_to_existing_accounts(run_import, author_user, tmp_path):
    author_map = tmp_path / "authors.csv"
    author_map.write_text("# wp_login,username\nalice,amira\n\n")

    run_import("--author-map", str(author_map))

    assert Article.objects.get(slug="botox-for-migraine").author == author_user
    assert not User.objects.filter(username="alice").exists()
    assert User.objects.filter(username="drbob", is_active=False).exists()


def test_an_author_map_naming_an_unknown_user_stops_before_anything_is_written(run_import, tmp_path):
    author_map = tmp_path / "authors.csv"
    author_map.write_text("alice,nobody-here\n")

    with pytest.raises(Exception, match="do not exist here: nobody-here"):
        run_import("--author-map", str(author_map))
    assert Article.objects.count() == 0


def test_comments_keep_their_state_threading_dates_and_never_the_raw_address(run_import):
    output = run_import()

    comments = {c.body.splitlines()[0]: c for c in Comment.objects.all()}
    assert {body: c.status for body, c in comments.items()} == {
        "Did it hurt?": "approved",
        "A little, like a pinprick.": "approved",
        "Thanks, booking it.": "pending",
        "Good luck!": "approved",
        "Buy now here": "spam",
        "Replying to a comment that was trashed.evil": "approved",  # the bidi override is stripped
    }
    top, answer, thanks, luck = (
        comments[b] for b in ("Did it hurt?", "A little, like a pinprick.", "Thanks, booking it.", "Good luck!")
    )
    assert (answer.parent, answer.depth) == (top, 1)
    assert (thanks.parent, thanks.root, thanks.depth) == (answer, top, 2)
    # A reply at the fourth level joins its parent's level, as the comments app does.
    assert (luck.parent, luck.depth) == (answer, 2)
    # The reply to a trashed comment becomes a top-level comment.
    assert comments["Replying to a comment that was trashed.evil"].parent is None
    assert top.created_at.isoformat() == "2019-05-05T10:00:00+00:00"
    assert top.approved_at == top.created_at and thanks.approved_at is None
    assert (top.name, top.email) == ("Jane", "jane@example.org")
    assert top.reason == "imported from WordPress (approved)"
    assert comments["Buy now here"].reason == "imported from WordPress (spam)"
    assert top.address_hash == address_hash("203.0.113.7")
    for comment in Comment.objects.values():
        assert "203.0.113.7" not in str(comment)
    assert "1 × comment in the trash" in output
    assert "comment type “pingback”" in output


def test_rating_totals_from_kk_star_ratings_and_yasr_are_imported(run_import):
    run_import()

    kk = RatingSummary.objects.get(article__slug="botox-for-migraine")
    yasr = RatingSummary.objects.get(article__slug="new-triptans")
    assert (kk.imported_count, kk.imported_total, kk.vote_count) == (4, 18, 0)
    assert (yasr.imported_count, yasr.imported_total) == (3, 11)


def test_the_imported_article_page_shows_the_rating_and_the_approved_comments(run_import, client):
    run_import()

    response = client.get("/articles/botox-for-migraine/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "[Total: 4 Average: 4.5]" in page
    assert "Did it hurt?" in page and "A little, like a pinprick." in page
    assert "Buy now" not in page and "Thanks, booking it." not in page


def test_script_and_event_handler_payloads_come_out_inert(run_import, client):
    run_import()

    article = Article.objects.get(slug="headache-diary")
    page = client.get(article.get_absolute_url()).content.decode()
    assert article.title == "Headache diary &"
    for html in (article.body_html, page):
        for payload in ('alert("body")', "alert('img')", "alert('click')", "alert('svg')", "javascript:", "onerror"):
            assert payload not in html
        assert "<svg" not in html and "<iframe" not in html and "evil.example" not in html
    assert "Write &lt;script&gt;alert(&quot;text&quot;)" in page or 'Write &lt;script&gt;alert("text")' in page
    assert "<script>alert" not in page


def test_old_addresses_redirect_permanently_to_the_new_ones(run_import, client):
    run_import()

    for old in (
        "/2019/05/04/botox-for-migraine/",
        "/2019/05/botox-for-migraine/",
        "/botox-for-migraine/",
        "/?p=10",
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == "/articles/botox-for-migraine/", old
    assert client.get("/2021/06/headache-diary/")["Location"] == "/articles/headache-diary/"
    assert not Redirect.objects.filter(old_path__startswith="/articles/").exists()
    assert not Redirect.objects.filter(old_path="/?p=14").exists()  # the trashed post


def test_a_second_run_changes_nothing(run_import):
    run_import()
    before = database_counts()
    stamps = dict(Article.objects.values_list("pk", "updated_at"))

    output = run_import()

    assert database_counts() == before
    assert dict(Article.objects.values_list("pk", "updated_at")) == stamps
    assert "articles: 0 created, 0 updated, 5 unchanged" in output
    assert "comments: 0 created, 0 updated, 6 unchanged" in output
    assert "redirects: 0 created, 0 updated, 15 unchanged" in output


def test_a_second_run_updates_what_changed_in_the_export(run_import, export_path, tmp_path):
    run_import()
    before = database_counts()
    changed = tmp_path / "changed.xml"
    text = export_path.read_text()
    text = text.replace("<title>Botox for chronic migraine</title>", "<title>Botox for chronic migraine (2024)</title>")
    text = text.replace(
        "<![CDATA[Thanks, booking it.]]></wp:comment_content>\n\t\t\t<wp:comment_approved><![CDATA[0]]>",
        "<![CDATA[Thanks, booking it.]]></wp:comment_content>\n\t\t\t<wp:comment_approved><![CDATA[1]]>",
    )
    changed.write_text(text)

    output = run_import(path=changed)

    assert database_counts() == before
    assert Article.objects.get(slug="botox-for-migraine").title == "Botox for chronic migraine (2024)"
    assert Comment.objects.get(body="Thanks, booking it.").status == "approved"
    assert "articles: 0 created, 1 updated, 4 unchanged" in output
    assert "comments: 0 created, 1 updated, 5 unchanged" in output


def test_a_dry_run_prints_the_summary_and_writes_nothing(run_import, media_dir, _media_root):
    output = run_import("--dry-run", "--media-dir", str(media_dir))

    assert output.startswith("Dry run: nothing was written.")
    assert "articles: 5 created" in output
    assert set(database_counts().values()) == {0}
    assert not _media_root.exists() or not any(p.is_file() for p in _media_root.rglob("*"))


def test_other_post_types_are_skipped_and_reported(run_import):
    output = run_import()

    assert "1 × post type “nav_menu_item” (only posts become articles)" in output
    assert "1 × post type “page” (only posts become articles)" in output
    assert not Article.objects.filter(title__in=["About us", "Home"]).exists()


def test_images_from_the_media_dir_are_validated_re_encoded_and_used(run_import, media_dir):
    output = run_import("--media-dir", str(media_dir))

    botox = Article.objects.get(slug="botox-for-migraine")
    assert botox.hero_image.name.startswith("articles/imported/") and botox.hero_image.name.endswith(".png")
    assert botox.hero_alt == "Zigzag lines of a migraine aura"
    assert (botox.hero_width, botox.hero_height) == (40, 30)
    inline = ImportedItem.objects.get(kind="media", wp_key="2019/05/injection-sites-300x200.jpg").stored_name
    assert f"![Injection sites on the forehead]({default_storage.url(inline)})" in botox.body
    with default_storage.open(inline) as stored, Image.open(stored) as image:
        assert not image.getexif()  # re-encoded: the camera's EXIF is gone
    diary = Article.objects.get(slug="headache-diary").body
    assert "https://old-headache.example/wp-content/uploads/2021/06/missing.png" in diary
    assert "images missing from --media-dir" in output
    assert "image paths refused (outside --media-dir)" in output


def test_a_second_run_with_the_media_dir_stores_no_file_twice(run_import, media_dir, _media_root):
    run_import("--media-dir", str(media_dir))
    files = sorted(_media_root.rglob("*.*"))

    run_import("--media-dir", str(media_dir))

    assert sorted(_media_root.rglob("*.*")) == files
    assert len(files) == 2


def test_without_a_media_dir_images_stay_external_and_are_reported(run_import):
    output = run_import()

    assert not Article.objects.get(slug="botox-for-migraine").hero_image
    assert "3 × inline images left as external links (no --media-dir)" in output
    assert "featured images not imported" in output


def test_the_progress_bar_is_drawn_only_on_a_terminal(run_import, export_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    from django.core.management import call_command

    terminal = Terminal()
    call_command("import_wordpress", str(export_path), stdout=terminal)
    plain = run_import()

    assert "\r[" in terminal.getvalue() and "posts ·" not in plain
    assert "6/6 posts · 8 comments" in terminal.getvalue()
    assert "\r" not in plain
