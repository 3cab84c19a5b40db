"""The labelled claims corpus is what the issue asks for, and the claim checks meet the targets on it.

The figures are measured through the real checks (Markdown, sentence splitting,
citations resolved against the listed references), as bench/bench_claims.py
prints them. The held-out part was written before the rules and is never tuned
on: its floor only guards against a change that helps the development part by
memorising it.
"""

import re

import pytest

from articles.claims import KINDS
from tests.articles.claims_corpus import DEV, HELDOUT, measure, read_corpus


@pytest.fixture(scope="module")
def dev():
    return read_corpus(DEV)


@pytest.fixture(scope="module")
def heldout():
    return read_corpus(HELDOUT)


def test_the_corpus_has_300_sentences_on_6_topics_in_3_voices_with_every_kind_planted(dev, heldout):
    sentences = [sentence for article in [*dev, *heldout] for sentence in article.sentences]
    assert len(sentences) >= 300
    assert len({article.slug for article in dev}) >= 6
    assert (
        {article.voice for article in dev}
        == {article.voice for article in heldout}
        == {
            "formal",
            "informal",
            "story",
        }
    )
    planted = [sentence for sentence in sentences if sentence.kind != "neutral" and not sentence.cited]
    for kind in KINDS:
        assert sum(sentence.kind == kind for sentence in planted) >= 10, kind
    assert sum(sentence.dangerous for sentence in planted) >= 50
    assert sum(sentence.kind == "neutral" for sentence in sentences) >= 150
    assert sum(sentence.cited for sentence in sentences) >= 60


def test_the_held_out_part_is_on_topics_the_development_part_does_not_cover(dev, heldout):
    assert not {article.slug for article in dev} & {article.slug for article in heldout}


def test_every_cited_sentence_cites_a_reference_its_article_lists(dev, heldout):
    for article in [*dev, *heldout]:
        for sentence in article.sentences:
            if sentence.cited:
                numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence.text)]
                assert numbers and all(1 <= n <= len(article.references) for n in numbers), sentence.text


@pytest.mark.django_db
def test_on_the_development_part_recall_is_at_least_90_and_false_alarms_at_most_5_percent(dev):
    result = measure(dev)
    assert result.recall >= 0.90
    assert result.neutral_rate <= 0.05
    assert result.cited_rate <= 0.05
    assert result.dangerous_as_error / result.dangerous >= 0.90
    for kind in KINDS:
        assert result.kinds_found[kind] / result.kinds[kind] >= 0.85, kind


@pytest.mark.django_db
def test_on_the_held_out_part_the_checks_stay_near_the_targets(heldout):
    result = measure(heldout)
    assert result.recall >= 0.85
    assert result.false_alarm_rate <= 0.08
