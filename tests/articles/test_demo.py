"""The demo content: loads once, reloads without changing anything, and every citation points somewhere."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.demo.loading import demo_articles, parse_article
from articles.markdown import CITATION_RE
from articles.models import Article, ContributorProfile, Reference, Topic

pytestmark = pytest.mark.django_db

MODELS = (Topic, User, ContributorProfile, Article, Reference)


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "counts": {model.__name__: model.objects.count() for model in MODELS},
        "articles": dict(Article.objects.values_list("slug", "updated_at")),
        "topics": dict(Topic.objects.values_list("slug", "description")),
        "references": list(Reference.objects.order_by("article__slug", "position").values_list()),
        "users": list(User.objects.order_by("username").values_list("username", "password", "last_login")),
    }


def test_running_the_command_twice_changes_nothing():
    first_output = load_demo()
    before = snapshot()
    second_output = load_demo()

    assert snapshot() == before
    assert "0 unchanged" in first_output.splitlines()[0]
    assert "0 created, 0 updated" in second_output.splitlines()[0]


def test_reloading_restores_edited_content_without_duplicates():
    load_demo()
    article = Article.objects.get(slug="botox-for-headache")
    article.title = "Edited"
    article.save()
    Reference.objects.filter(article=article, position=1).update(title="Edited")

    output = load_demo()

    article.refresh_from_db()
    assert article.title == "Botox for headache"
    assert article.references.get(position=1).title.startswith("BOTOX (onabotulinumtoxinA)")
    assert Article.objects.filter(slug="botox-for-headache").count() == 1
    assert "2 updated" in output.splitlines()[0]


def test_the_botox_article_is_published_reviewed_and_well_referenced():
    load_demo()
    article = Article.objects.get(slug="botox-for-headache")

    assert article.is_published
    assert article.topics.filter(slug="migraine").exists()
    assert article.reviewer.contributor.registration.endswith("(demo)")
    assert article.last_reviewed is not None
    assert article.references.count() >= 6
    assert len(article.summary) < 160
    assert 700 <= article.word_count <= 1000
    assert "Side effects" in [entry["name"] for entry in article.toc]


def test_every_marker_has_a_reference_and_every_reference_is_cited():
    load_demo()
    for article in Article.objects.prefetch_related("references"):
        cited = {int(number) for number in re.findall(CITATION_RE, article.body)}
        positions = [ref.position for ref in article.references.all()]
        assert positions == list(range(1, len(positions) + 1)), article.slug
        assert cited == set(positions), article.slug
        assert f'href="#ref-{max(positions)}"' in article.body_html, article.slug


def test_there_are_drafts_and_published_articles_over_several_topics():
    load_demo()
    draft = Article.objects.get(status=Article.Status.DRAFT)
    published = Article.objects.published()

    assert draft.published_at is None
    assert published.count() >= 4
    assert Topic.objects.filter(articles__in=published).distinct().count() >= 2
    assert all(article.summary and article.reviewer_id and article.last_reviewed for article in published)


def test_demo_people_are_real_accounts_that_cannot_sign_in_with_a_password():
    load_demo()
    for profile in ContributorProfile.objects.select_related("user"):
        assert profile.user.is_active
        assert not profile.user.is_staff
        assert not profile.user.has_usable_password()


def test_the_botox_article_page_renders_for_readers(client):
    load_demo()
    article = Article.objects.get(slug="botox-for-headache")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Medically reviewed by" in html
    assert html.count("<h1") == 1
    assert 'id="ref-10"' in html


def test_the_command_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Article.objects.exists()


def test_every_content_file_has_front_matter_and_a_body():
    articles = demo_articles()
    assert len(articles) >= 5
    assert len({article.slug for article in articles}) == len(articles)
    with pytest.raises(ValueError, match="front-matter"):
        parse_article("# No front matter\n", name="broken.md")
