"""Pages run a fixed number of queries, however many articles, topics or references there are.

Counts are compared between small and large data rather than pinned to a number, so
the ratings and comments template tags can add their own (fixed) queries.
"""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import ContributorProfile, Reference, Topic
from tests.conftest import make_user


def queries_to_show(client, url: str) -> int:
    for cache in caches.all(initialized_only=True):
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_same_queries(client, url, django_assert_num_queries, expected: int) -> None:
    for cache in caches.all(initialized_only=True):
        cache.clear()
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def add_topics(count: int, start: int = 0) -> list[Topic]:
    return [Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(start, start + count)]


def test_home_queries_do_not_grow_with_articles(client, make_article, topic, django_assert_num_queries):
    make_article("First", topics=[topic])
    few = queries_to_show(client, reverse("articles:home"))

    others = add_topics(3)
    for n in range(14):
        author = make_user(f"writer{n}")
        ContributorProfile.objects.create(user=author, display_name=f"Writer {n}")
        make_article(f"Article {n}", topics=[topic, *others], author=author, references=2)

    assert_same_queries(client, reverse("articles:home"), django_assert_num_queries, few)


def test_home_queries_do_not_grow_with_topics(client, make_article, topic, django_assert_num_queries):
    make_article(topics=[topic])
    few = queries_to_show(client, reverse("articles:home"))

    make_article("Second", topics=add_topics(7))

    assert_same_queries(client, reverse("articles:home"), django_assert_num_queries, few)


def test_article_page_queries_do_not_grow_with_references(client, make_article, django_assert_num_queries):
    one = make_article("One reference", references=1)
    many = make_article("Twelve references", references=12)

    few = queries_to_show(client, one.get_absolute_url())

    assert Reference.objects.filter(article=many).count() == 12
    assert_same_queries(client, many.get_absolute_url(), django_assert_num_queries, few)


def test_article_page_queries_do_not_grow_with_topics(
    client, make_article, topic, reviewer_user, django_assert_num_queries
):
    one = make_article("One topic", topics=[topic], reviewer=reviewer_user)
    many = make_article("Eight topics", topics=[topic, *add_topics(7)], reviewer=reviewer_user)

    few = queries_to_show(client, one.get_absolute_url())

    assert_same_queries(client, many.get_absolute_url(), django_assert_num_queries, few)


@pytest.mark.parametrize("url_name", ["articles:feed", "articles:feed-atom", "articles:sitemap"])
def test_feeds_and_sitemap_queries_do_not_grow_with_articles(
    client, make_article, topic, url_name, django_assert_num_queries
):
    make_article("First", topics=[topic])
    few = queries_to_show(client, reverse(url_name))

    for n in range(14):
        make_article(f"Article {n}", topics=[topic, *add_topics(2, start=2 * n)])

    assert_same_queries(client, reverse(url_name), django_assert_num_queries, few)


def test_topic_and_search_pages_queries_do_not_grow_with_results(
    client, make_article, topic, django_assert_num_queries
):
    make_article("Aura one", topics=[topic])
    topic_few = queries_to_show(client, topic.get_absolute_url())
    search_url = reverse("articles:search") + "?q=aura"
    search_few = queries_to_show(client, search_url)

    for n in range(9):
        make_article(f"Aura {n}", topics=[topic, *add_topics(2, start=2 * n)])

    assert_same_queries(client, topic.get_absolute_url(), django_assert_num_queries, topic_few)
    assert_same_queries(client, search_url, django_assert_num_queries, search_few)
