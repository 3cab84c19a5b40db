import datetime

import pytest
import time_machine
from django.urls import set_script_prefix
from django.utils import timezone

from articles.models import Article, Reference, Topic, add_months, readable_slug

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ slugs


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("İnvolved", "involved"),
        ("Kopfschmerz über Nacht", "kopfschmerz-uber-nacht"),
        ("Migraine: what “aura” means", "migraine-what-aura-means"),
        ("Straße, Ærø and Łódź", "strasse-aero-and-lodz"),
        ("Baş ağrısı", "bas-agrisi"),
        ("Головная боль", "головная-боль"),
        ("Ημικρανία", "ημικρανία"),
        ("偏头痛", "偏头痛"),
    ],
)
def test_a_title_in_any_script_gives_a_readable_slug(title, slug):
    assert readable_slug(title) == slug


def test_an_article_titled_only_with_punctuation_still_gets_an_address(make_article):
    article = make_article("?!… — ***")

    assert article.slug == "article"
    assert article.get_absolute_url() == "/articles/article/"


@pytest.mark.parametrize("title", ["Головная боль", "Ημικρανία και πονοκέφαλος", "片頭痛の治療"])
def test_articles_with_non_latin_titles_are_reachable_at_their_slug(client, make_article, title):
    article = make_article(title)

    assert article.slug
    assert client.get(article.get_absolute_url()).status_code == 200


def test_articles_with_the_same_title_get_numbered_slugs(make_article):
    slugs = [make_article("Cluster headache").slug for _ in range(3)]

    assert slugs == ["cluster-headache", "cluster-headache-2", "cluster-headache-3"]


def test_saving_an_article_again_keeps_its_slug(make_article):
    article = make_article("Cluster headache")
    make_article("Cluster headache")

    article.title = "Cluster headache"
    article.save()
    article.refresh_from_db()

    assert article.slug == "cluster-headache"


def test_a_long_title_gives_a_slug_that_fits_the_column_even_when_numbered(make_article):
    title = "Why " + "very " * 30 + "long headaches happen"
    first, second = make_article(title), make_article(title)

    assert len(first.slug) <= 80
    assert second.slug == f"{first.slug}-2"


# ------------------------------------------------------------------ visibility


@pytest.fixture
def articles_in_every_state(make_article):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return {
        "published": make_article("Published", published_at=now - datetime.timedelta(minutes=1)),
        "draft": make_article("Draft", status=Article.Status.DRAFT, published_at=None),
        "scheduled": make_article("Scheduled", published_at=now + day),
        "archived": make_article("Archived", status=Article.Status.ARCHIVED, published_at=now - 9 * day),
    }


def test_only_published_articles_whose_time_has_come_are_published(articles_in_every_state):
    assert list(Article.objects.published()) == [articles_in_every_state["published"]]


@pytest.mark.parametrize("state", ["draft", "scheduled", "archived"])
def test_readers_get_404_for_articles_they_may_not_see(client, reader, articles_in_every_state, state):
    url = articles_in_every_state[state].get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == 404


def test_a_scheduled_article_appears_when_its_time_comes(client, make_article):
    publish_at = timezone.now() + datetime.timedelta(days=1)
    article = make_article("Tomorrow", published_at=publish_at)

    assert article.state_label == "Scheduled"
    assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(publish_at + datetime.timedelta(seconds=1)):
        assert article.state_label == "Published"
        assert client.get(article.get_absolute_url()).status_code == 200
        assert list(Article.objects.published()) == [article]


def test_publishing_without_a_date_stamps_the_publication_time(author_user):
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC), tick=False):
        article = Article.objects.create(title="Now", body="Text", author=author_user, status="published")

    assert article.published_at == datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC)
    assert article.is_published


def test_publishing_through_update_fields_also_stores_the_date(make_article):
    article = make_article("Later", status=Article.Status.DRAFT, published_at=None)

    article.status = Article.Status.PUBLISHED
    article.save(update_fields=["status"])

    assert Article.objects.published().get() == article


# ------------------------------------------------------------------ reading time and contents


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (1000, 5)])
def test_reading_time_is_whole_minutes_at_200_words_a_minute(make_article, words, minutes):
    article = make_article(body=" ".join(["word"] * words))

    assert article.word_count == words
    assert article.reading_minutes == minutes


def test_word_count_ignores_markup_and_counts_what_readers_read(make_article):
    body = "## Two words\n\n**Bold** [link](https://example.org) and `code`.\n\n<script>x y z</script>"
    article = make_article(body=body)

    assert article.word_count == 6  # "Two words Bold link and code"; the script's text is gone


def test_table_of_contents_lists_the_sections_with_their_anchors(client, make_article):
    article = make_article(body="## Causes\n\nText.\n\n### In children\n\nText.\n\n## Treatment & care\n\nText.")

    assert article.toc == [
        {"level": 2, "id": "causes", "name": "Causes"},
        {"level": 3, "id": "in-children", "name": "In children"},
        {"level": 2, "id": "treatment-care", "name": "Treatment & care"},
    ]
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<li><a href="#causes">Causes</a></li>' in html
    assert '<li><a href="#treatment-care">Treatment &amp; care</a></li>' in html
    assert '<h2 id="causes">Causes</h2>' in html


def test_a_top_level_heading_in_the_body_becomes_a_section_not_a_second_page_title(client, make_article):
    article = make_article(body="# Overview\n\nText.\n\n## Details\n\nText.")

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count("<h1") == 1
    assert '<h2 id="overview">Overview</h2>' in html
    assert [entry["level"] for entry in article.toc] == [2, 2]


# ------------------------------------------------------------------ references


def test_citation_markers_link_to_numbered_references(client, make_article):
    article = make_article(body="Botox helps [1] and so does rest [2].", references=2)

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<sup class="cite"><a class="cite" href="#ref-1" rel="noopener">[1]</a></sup>' in html
    assert '<li id="ref-1" value="1">' in html
    assert '<li id="ref-2" value="2">' in html


def test_references_link_to_their_url_or_else_their_doi(client, make_article):
    article = make_article(body="See [1] and [2] and [3].")
    Reference.objects.create(article=article, position=1, title="With URL", url="https://example.org/a", doi="10.1/x")
    Reference.objects.create(article=article, position=2, title="Only DOI", doi="10.1111/head.12345")
    Reference.objects.create(article=article, position=3, title="Neither", source="A book")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<a href="https://example.org/a" rel="noopener">With URL</a>' in html
    assert '<a href="https://doi.org/10.1111/head.12345" rel="noopener">Only DOI</a>' in html
    assert "Neither. <cite>A book</cite>." in html


def test_references_are_listed_in_number_order(client, make_article):
    article = make_article(body="[2] then [1].")
    Reference.objects.create(article=article, position=2, title="Second study")
    Reference.objects.create(article=article, position=1, title="First study")

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.index("First study") < html.index("Second study")


def test_numbers_in_code_and_reference_style_links_are_not_citations(make_article):
    article = make_article(body="`a[1]` and [the NHS page][2].\n\n[2]: https://www.nhs.uk/conditions/migraine/")

    assert 'href="#ref-' not in article.body_html
    assert '<a href="https://www.nhs.uk/conditions/migraine/" rel="noopener">the NHS page</a>' in article.body_html


# ------------------------------------------------------------------ review dates


@pytest.mark.parametrize(
    ("reviewed", "due"),
    [
        (datetime.date(2026, 3, 1), datetime.date(2027, 3, 1)),
        (datetime.date(2026, 1, 31), datetime.date(2027, 1, 31)),
        (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 12, 31)),
    ],
)
def test_next_review_is_due_twelve_months_after_the_last(make_article, reviewed, due):
    article = make_article(last_reviewed=reviewed)

    article.refresh_from_db()
    assert article.next_review_due == due


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 11, 15), 14, datetime.date(2028, 1, 15)),
    ],
)
def test_adding_months_clamps_to_the_end_of_shorter_months(day, months, expected):
    assert add_months(day, months) == expected


def test_an_editor_chosen_review_date_is_kept(make_article):
    article = make_article(last_reviewed=datetime.date(2026, 3, 1), next_review_due=datetime.date(2026, 9, 1))

    article.refresh_from_db()
    assert article.next_review_due == datetime.date(2026, 9, 1)


def test_a_new_review_moves_the_next_review_date_on(make_article):
    article = make_article(last_reviewed=datetime.date(2025, 3, 1))
    assert article.next_review_due == datetime.date(2026, 3, 1)

    article.last_reviewed = datetime.date(2026, 4, 10)
    article.save(update_fields=["last_reviewed"])

    article.refresh_from_db()
    assert article.next_review_due == datetime.date(2027, 4, 10)


def test_a_review_is_overdue_the_day_after_it_was_due(make_article):
    article = make_article(last_reviewed=datetime.date(2025, 6, 1))

    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)):
        assert not article.review_overdue
    with time_machine.travel(datetime.datetime(2026, 6, 2, 12, tzinfo=datetime.UTC)):
        assert article.review_overdue


def test_topics_are_listed_by_name():
    Topic.objects.create(name="Tension headache", slug="tension")
    Topic.objects.create(name="Cluster headache", slug="cluster")

    assert [t.name for t in Topic.objects.all()] == ["Cluster headache", "Tension headache"]


def test_an_articles_address_follows_the_script_prefix_and_the_url_configuration(article, settings):
    assert article.get_absolute_url() == f"/articles/{article.slug}/"
    set_script_prefix("/health/")  # the site served under a sub-path
    try:
        assert article.get_absolute_url() == f"/health/articles/{article.slug}/"
    finally:
        set_script_prefix("/")
    settings.ROOT_URLCONF = "tests.articles.prefixed_urls"
    assert article.get_absolute_url() == f"/read/articles/{article.slug}/"
    assert article.topics.first().get_absolute_url().startswith("/read/topics/")
