"""Helpers for the ratings tests: clean rate-limit counters, quick votes, reading the widget."""

import json
import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from ratings.voting import cast_vote, new_voter_key

FIGURES_RE = re.compile(r"data-rating-figures>([^<]*)<")
JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """Rate-limit counters live in a shared table that transactional tests do not empty."""
    caches["shared"].clear()
    yield
    caches["shared"].clear()


@pytest.fixture
def add_votes():
    """Cast votes from distinct anonymous readers straight through the voting function."""

    def add(article, *scores):
        for score in scores:
            cast_vote(article=article, score=score, voter_key=new_voter_key(), address="192.0.2.10")

    return add


def vote_url(article) -> str:
    return reverse("ratings:rate", kwargs={"slug": article.slug})


def reader_url(article) -> str:
    return reverse("articles:reader", kwargs={"slug": article.slug})


def figures_text(html: str) -> str:
    return FIGURES_RE.search(html).group(1)


def json_ld_blocks(html: str) -> list[dict]:
    return [json.loads(block) for block in JSON_LD_RE.findall(html)]
