import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article


def test_home_lists_published_articles_with_summary_and_topic(client, article):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert article.title in html
    assert article.summary in html
    assert "Migraine" in html


def test_article_page_shows_byline_review_references_and_dates(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Amira Patel</span>, Health writer, MSc Public Health" in html
    assert "Medically reviewed by <span class=\"person\">Dr Chidi Okafor</span>" in html
    assert 'id="ref-1"' in html and 'href="#ref-1"' in html
    assert "Page last reviewed: <time datetime=\"2026-03-01\">1 March 2026</time>" in html
    assert "Next review due: <time datetime=\"2027-03-01\">1 March 2027</time>" in html
    assert '<link rel="canonical" href="http://testserver/articles/botox-for-headache/">' in html
    assert '"@type": "MedicalWebPage"' in html


@pytest.mark.parametrize(
    ("status", "published_delta"),
    [
        (Article.Status.DRAFT, None),
        (Article.Status.ARCHIVED, datetime.timedelta(days=-3)),
        (Article.Status.PUBLISHED, datetime.timedelta(days=2)),
    ],
)
def test_unpublished_articles_are_404_for_readers_and_previewable_by_staff(
    client, make_article, editor, status, published_delta
):
    published_at = timezone.now() + published_delta if published_delta else None
    hidden = make_article("Hidden", status=status, published_at=published_at)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 200
    assert "Readers cannot see this article" in response.content.decode()
