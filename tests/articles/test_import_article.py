"""Importing an article from a file: a draft with headings, without the old page's widgets, and its findings."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.checks import check_article
from articles.importing import parse_article_text
from articles.models import Article, Topic

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
WORDPRESS_PAGE = FIXTURES / "wordpress-magnesium.txt"
REFERENCE_PAGE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "wordpress-botox-for-headache.txt"


def import_article(*args) -> str:
    out = StringIO()
    call_command("import_article", *args, stdout=out)
    return out.getvalue()


def test_plain_text_becomes_a_title_headings_and_paragraphs_without_the_widgets():
    imported = parse_article_text(WORDPRESS_PAGE.read_text())
    assert imported.title == "Magnesium Tablets For Migraine"
    assert imported.body.startswith("Will magnesium stop my migraines for good?")
    assert "\n\n## How Magnesium Works\n\n" in imported.body
    assert "\n\n## Side Effects\n\n" in imported.body
    for left_out in ("Click to rate", "[Total:", "Leave a Comment", "magnesium-tablets-migraine", "\u00a0"):
        assert left_out not in imported.body
    assert imported.body.endswith("Taking the tablet with food usually helps.\n")
    assert imported.dropped == [
        "magnesium-tablets-migraine",
        "Click to rate this post!",
        "[Total: 0 Average: 0]",
        "Leave a Comment",
    ]


def test_markdown_keeps_its_headings_and_takes_title_and_summary_from_front_matter():
    imported = parse_article_text((FIXTURES / "markdown-article.md").read_text())
    assert imported.title == "Sleep and headache"
    assert imported.summary == "How a regular sleep pattern can mean fewer headaches."
    assert imported.body.startswith("Going to bed and getting up")
    assert "## Too little sleep" in imported.body


@pytest.mark.parametrize(
    ("text", "title", "body_start"),
    [
        ("# Sleep and headache\n\n## Why\n\nText.", "Sleep and headache", "## Why"),
        ("title: Sleep and headache\n\n## Why\n\nText.", "Sleep and headache", "## Why"),
        ("Sleep and headache\n\n## Why\n\nText.", "Sleep and headache", "## Why"),
    ],
)
def test_markdown_titles_come_from_a_title_line_or_the_first_line(text, title, body_start):
    imported = parse_article_text(text)
    assert (imported.title, imported.body.lstrip().startswith(body_start)) == (title, True)


@pytest.mark.parametrize("text", ["", "\u00a0\n\n", "Click to rate this post!\nLeave a Comment"])
def test_an_empty_file_is_refused(text):
    with pytest.raises(ValueError, match="no text"):
        parse_article_text(text)


def test_import_article_saves_a_draft_by_the_author_in_new_and_existing_topics(author_user, topic):
    output = import_article(str(WORDPRESS_PAGE), "--author", "amira", "--topic", "migraine", "--topic", "Supplements")

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.title == "Magnesium Tablets For Migraine"
    assert article.author == author_user
    assert [t.slug for t in article.topics.all()] == ["migraine", "supplements"]
    assert Topic.objects.get(slug="supplements").name == "Supplements"
    assert [entry["name"] for entry in article.toc] == ["How Magnesium Works", "Who Can Take It", "Side Effects"]
    assert "Click to rate" not in article.body_html and "Leave a Comment" not in article.body_html
    assert "Imported “Magnesium Tablets For Migraine” as a draft (magnesium-tablets-for-migraine)." in output
    assert "Left out: “[Total: 0 Average: 0]”" in output
    assert f"Edit the draft: /admin/articles/article/{article.pk}/change/" in output


def test_import_article_reports_the_uncited_claims_marketing_and_missing_parts(author_user):
    output = import_article(str(WORDPRESS_PAGE), "--author", "amira")

    findings = {(f.code, f.excerpt) for f in check_article(Article.objects.get())}
    assert ("claim-without-citation", "About half of all people with migraine have low magnesium levels.") in findings
    assert ("claim-without-citation", "It is completely safe and has a success rate of 85%.") in findings
    assert ("marketing-language", "The answer is a resounding “yes!”") in findings
    assert ("marketing-language", "It is completely safe and has a success rate of 85%.") in findings
    assert ("summary-missing", "") in findings
    assert ("required-section-missing", "When to get medical help") in findings
    assert "ERROR   summary-missing" in output
    assert "WARNING claim-without-citation" in output
    assert "“It is completely safe and has a success rate of 85%.”" in output


def test_without_author_the_first_superuser_writes_it(author_user):
    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    import_article(str(WORDPRESS_PAGE))
    assert Article.objects.get().author == admin


def test_without_author_or_superuser_the_import_is_refused(author_user):
    with pytest.raises(CommandError, match="Pass --author USERNAME"):
        import_article(str(WORDPRESS_PAGE))
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        import_article(str(WORDPRESS_PAGE), "--author", "nobody")
    assert not Article.objects.exists()


def test_a_missing_file_is_a_clear_error(author_user, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_article(str(tmp_path / "missing.txt"), "--author", "amira")


def test_the_old_wordpress_page_is_flagged_for_its_unsupported_claims(author_user):
    if not REFERENCE_PAGE.exists():
        pytest.skip(f"{REFERENCE_PAGE} is not here (CI checks out ../shared beside the clone).")
    import_article(str(REFERENCE_PAGE), "--author", "amira")

    article = Article.objects.get()
    findings = check_article(article)
    uncited = [f.excerpt for f in findings if f.code == "claim-without-citation"]
    assert "This simple treatment is effective and well tolerated, with a success rate of 95%." in uncited
    assert any(excerpt.startswith("About half of all people with this type of headache") for excerpt in uncited)
    marketing = [f.excerpt for f in findings if f.code == "marketing-language"]
    assert "The answer is a resounding “yes.”" in marketing
    assert not article.references.exists()
    assert "botox-for-headache" not in article.body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Title\n\nA paragraph.\n\nAnother with a NUL \x00 in it.\n", "line 5 holds a NUL character (byte 0)"),
        ("# Title\n\n" + "Words and more words. " * 10_000, "The text is 220,000 characters long"),
        ("# Title\n\n" + "[" * 50_000 + "x" + "]" * 50_000, "The text is too intricate to show"),
    ],
    ids=["nul-byte", "too-long", "too-intricate"],
)
def test_a_file_that_cannot_be_an_article_is_refused_in_one_line_and_nothing_is_written(
    author_user, tmp_path, text, message
):
    path = tmp_path / "article.txt"
    path.write_text(text)

    with pytest.raises(CommandError) as refused:
        import_article(str(path), "--author", "amira", "--topic", "New topic")

    assert str(refused.value).startswith(f"{path}: ")
    assert message in str(refused.value)
    assert str(refused.value).endswith("Nothing was imported.")
    assert "\n" not in str(refused.value)
    assert not Article.objects.exists() and not Topic.objects.filter(name="New topic").exists()
