"""Importing an article from a file: a draft with headings, without the old page's widgets, and its findings."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

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

    article = Article.objects.get()
    findings = {(f.code, f.excerpt) for f in check_article(article)}
    assert ("unsupported-claim", "About half of all people with migraine have low magnesium levels.") in findings
    assert ("dangerous-claim", "It is completely safe and has a success rate of 85%.") in findings
    assert ("marketing-language", "The answer is a resounding “yes!”") in findings
    assert ("marketing-language", "It is completely safe and has a success rate of 85%.") in findings
    assert ("summary-missing", "") in findings
    assert ("required-section-missing", "When to get medical help") in findings
    assert ("standard-sources", "a list of sources") in findings
    assert "ERROR   summary-missing" in output
    assert "ERROR   dangerous-claim" in output
    assert "WARNING unsupported-claim" in output
    assert "“It is completely safe and has a success rate of 85%.”" in output
    assert article.check_errors == sum(f.is_error for f in check_article(article))  # stored when imported


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
    uncited = [f.excerpt for f in findings if f.code in ("unsupported-claim", "dangerous-claim")]
    assert "This simple treatment is effective and well tolerated, with a success rate of 95%." in uncited
    assert any(excerpt.startswith("About half of all people with this type of headache") for excerpt in uncited)
    marketing = [f.excerpt for f in findings if f.code == "marketing-language"]
    assert "The answer is a resounding “yes.”" in marketing
    [contradiction] = [f for f in findings if f.code == "contradiction"]
    assert contradiction.excerpt.startswith("Although not FDA-approved as a treatment for migraine headaches")
    assert contradiction.other_sentence.startswith("While the FDA has approved Botox for treating chronic migraine")
    assert not article.references.exists()
    assert "botox-for-headache" not in article.body


ARTICLE_WITH_SOURCES = """\
# Feverfew and migraine

Feverfew is a plant that some people take to prevent migraine [1]. A review found too little good evidence to
recommend it [2].

Ask a pharmacist before you take it if you take other medicines [3].

## References

1. Pareek A, et al. Feverfew (Tanacetum parthenium L.): a systematic review. Pharmacognosy Reviews. 2011.
   doi:10.4103/0973-7847.79100
2. Wider B, Pittler MH, Ernst E. Feverfew for preventing migraine. Cochrane Database Syst Rev. 2015.
   https://doi.org/10.1002/14651858.CD002286.pub3 PMID: 26089233
3. [Herbal medicines](https://www.nhs.uk/conditions/herbal-medicines/), NHS.
"""


def test_a_trailing_references_list_becomes_the_references_and_leaves_the_body(author_user, tmp_path):
    source = tmp_path / "feverfew.md"
    source.write_text(ARTICLE_WITH_SOURCES)

    output = import_article(str(source), "--author", "amira")

    article = Article.objects.get()
    assert "References" not in article.body and "Pareek" not in article.body
    references = list(article.references.order_by("position"))
    assert [(r.position, r.doi, r.pmid, r.url, r.year) for r in references] == [
        (1, "10.4103/0973-7847.79100", "", "", 2011),
        (2, "10.1002/14651858.CD002286.pub3", "26089233", "", 2015),
        (3, "", "", "https://www.nhs.uk/conditions/herbal-medicines/", None),
    ]
    assert references[0].title.startswith("Pareek A, et al. Feverfew (Tanacetum parthenium L.)")
    assert references[2].title == "Herbal medicines, NHS"
    codes = {f.code for f in check_article(article)}
    assert not codes & {"reference-not-listed", "reference-not-cited", "standard-sources"}
    assert 'href="#ref-2"' in article.body_html  # the markers still point at their references
    assert "3 reference(s) kept from the list at the end." in output


def test_importing_the_same_file_again_changes_nothing_and_a_new_version_updates_the_draft(author_user, tmp_path):
    source = tmp_path / "feverfew.md"
    source.write_text(ARTICLE_WITH_SOURCES)
    import_article(str(source), "--author", "amira")
    article = Article.objects.get()
    revisions = article.history.count()

    output = import_article(str(source), "--author", "amira")

    assert Article.objects.count() == 1 and article.references.count() == 3
    assert article.history.count() == revisions
    assert "Nothing changed in “Feverfew and migraine”" in output

    source.write_text(ARTICLE_WITH_SOURCES.replace("3. [Herbal medicines]", "4. [Herbal medicines]"))
    output = import_article(str(source), "--author", "amira")

    assert Article.objects.count() == 1
    assert list(article.references.values_list("position", flat=True)) == [1, 2, 4]
    assert "Updated “Feverfew and migraine”" in output
    assert "reference-not-listed" in {f.code for f in check_article(article)}  # [3] no longer resolves


def test_importing_over_an_article_that_is_no_longer_a_draft_is_refused(author_user, tmp_path, make_article):
    make_article("Feverfew and migraine")
    source = tmp_path / "feverfew.md"
    source.write_text(ARTICLE_WITH_SOURCES)

    with pytest.raises(CommandError, match="already exists and is published"):
        import_article(str(source), "--author", "amira")
    assert Article.objects.get().body != ARTICLE_WITH_SOURCES


@pytest.mark.parametrize(
    ("heading", "item"),
    [
        ("Sources", "- NICE. Headaches in over 12s (CG150). 2012. https://www.nice.org.uk/guidance/cg150"),
        ("## Sources:", "[1] NICE. Headaches in over 12s (CG150). 2012. https://www.nice.org.uk/guidance/cg150"),
        ("**References**", "1) NICE. Headaches in over 12s (CG150). 2012. https://www.nice.org.uk/guidance/cg150"),
    ],
)
def test_sources_lists_are_read_in_their_common_shapes(heading, item):
    imported = parse_article_text(f"# Headache\n\nRest helps some people [1].\n\n{heading}\n\n{item}\n")
    [reference] = imported.references
    assert (reference.position, reference.url, reference.year) == (1, "https://www.nice.org.uk/guidance/cg150", 2012)
    assert reference.title == "NICE. Headaches in over 12s (CG150). 2012"
    assert heading.strip("#*: ") not in imported.body


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["References", "## Sources", "1.", "[2]", "- ", "doi:10.", "PMID: 1", "https://x.org/"]),
            st.text(max_size=40),
        ),
        max_size=12,
    )
)
def test_any_text_after_a_references_heading_is_read_without_crashing(lines):
    text = "# Title\n\nBody text [1].\n\n## References\n\n" + "\n".join(lines)
    try:
        imported = parse_article_text(text)
    except ValueError:
        return  # "no text": a clear error the command reports
    for reference in imported.references:
        assert reference.position >= 1 and len(reference.title) <= 400 and len(reference.pmid) <= 12


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
