"""Readers voting at the same moment, each thread with its own database connection."""

import pytest
from django.test import Client

from ratings.models import RatingSummary, Vote
from tests.conftest import run_together

from .conftest import vote_url

READERS = 24


@pytest.mark.django_db(transaction=True)
def test_readers_voting_at_once_give_the_exact_count_and_sum(make_article, settings):
    settings.RATINGS_RATE_LIMIT = 1_000
    article = make_article()
    scores = [(i % 5) + 1 for i in range(READERS)]

    def vote(i):
        response = Client().post(vote_url(article), {"score": str(scores[i])}, HTTP_ACCEPT="application/json")
        return response.status_code

    assert run_together(READERS, vote) == [200] * READERS
    summary = RatingSummary.objects.get(article=article)
    assert (summary.vote_count, summary.vote_total) == (READERS, sum(scores))
    assert Vote.objects.filter(article=article).count() == READERS
    assert sum(Vote.objects.filter(article=article).values_list("score", flat=True)) == sum(scores)


@pytest.mark.django_db(transaction=True)
def test_one_reader_double_clicking_from_many_tabs_keeps_one_vote(make_article, settings):
    settings.RATINGS_RATE_LIMIT = 1_000
    article = make_article()
    first = Client()
    first.post(vote_url(article), {"score": "1"})
    cookie = first.cookies["reader"].value

    def vote(i):
        tab = Client()
        tab.cookies["reader"] = cookie
        return tab.post(vote_url(article), {"score": "5"}, HTTP_ACCEPT="application/json").status_code

    assert run_together(READERS, vote) == [200] * READERS
    summary = RatingSummary.objects.get(article=article)
    assert (summary.vote_count, summary.vote_total) == (1, 5)
    assert list(Vote.objects.values_list("score", flat=True)) == [5]
