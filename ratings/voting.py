"""Casting, reading, resetting and pruning votes: the one place that writes them."""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from articles.caching import purge_article_page
from articles.models import Article
from headache_site.clients import address_hash

from .models import MAX_SCORE, MIN_SCORE, RatingSummary, Vote, average_label, average_of


@dataclass(frozen=True)
class Figures:
    """What the widget shows: number of ratings, their sum, and the reader's own score if any."""

    count: int = 0
    total: int = 0
    your_score: int | None = None

    @property
    def average(self) -> Decimal:
        return average_of(count=self.count, total=self.total)

    @property
    def average_label(self) -> str:
        return average_label(self.average)

    @property
    def display(self) -> str:
        return f"[Total: {self.count} Average: {self.average_label}]"

    @property
    def rating_value(self) -> int | float:
        """The visible average as a JSON number: 4 for "4", 4.3 for "4.3"."""
        average = self.average
        return int(average) if average == average.to_integral_value() else float(average)

    def as_json(self) -> dict:
        return {
            "total": self.count,
            "average": self.rating_value,
            "display": self.display,
            "your_score": self.your_score,
        }


@dataclass(frozen=True)
class CastVote:
    vote: Vote
    previous_score: int | None
    figures: Figures


def new_voter_key() -> str:
    """A random reader id for the signed cookie; it says nothing about the reader."""
    return secrets.token_urlsafe(24)


def _reader_votes(*, article_ref, voter_key: str | None, user) -> QuerySet[Vote] | None:
    """The reader's vote(s): by account when logged in, otherwise by cookie id."""
    if user is not None:
        return Vote.objects.filter(article=article_ref, user=user)
    if voter_key:
        return Vote.objects.filter(article=article_ref, voter_key=voter_key, user=None)
    return None


def figures_for(*, article: Article, voter_key: str | None = None, user=None) -> Figures:
    """The article's figures and the reader's own score, in one query."""
    return _figures(RatingSummary.objects.filter(article=article), voter_key=voter_key, user=user)


def figures_for_slug(*, slug: str, voter_key: str | None = None) -> Figures:
    """The same for an anonymous reader, from the article's address (one query; no article loaded)."""
    summaries = RatingSummary.objects.filter(article__slug=slug).only(
        "vote_count", "vote_total", "imported_count", "imported_total"
    )
    return _figures(summaries, voter_key=voter_key, user=None)


def _figures(summaries: QuerySet[RatingSummary], *, voter_key: str | None, user) -> Figures:
    own = _reader_votes(article_ref=OuterRef("article"), voter_key=voter_key, user=user)
    if own is not None:
        summaries = summaries.annotate(your_score=Subquery(own.values("score")[:1]))
    summary = summaries.first()
    if summary is None:
        return Figures()
    return Figures(count=summary.count, total=summary.total, your_score=getattr(summary, "your_score", None))


def cast_vote(*, article: Article, score: int, voter_key: str, user=None, address: str) -> CastVote:
    """Record (or change) a reader's vote and move the article's totals with it, atomically.

    A new vote adds one to the count and its score to the total; a changed vote
    adds only the difference to the total. All arithmetic happens in the database
    (F() expressions) inside the vote's transaction, so concurrent votes never
    lose an update. Logged-in readers are identified by their account.
    """
    if not (isinstance(score, int) and MIN_SCORE <= score <= MAX_SCORE):
        raise ValueError(f"A score must be a whole number from {MIN_SCORE} to {MAX_SCORE}.")
    if user is not None:
        voter_key = f"user:{user.pk}"
    hashed = address_hash(address)
    summaries = RatingSummary.objects.filter(article=article)
    with transaction.atomic():
        transaction.on_commit(partial(purge_article_page, article))
        RatingSummary.objects.bulk_create([RatingSummary(article=article)], ignore_conflicts=True)
        mine = _reader_votes(article_ref=article, voter_key=voter_key, user=user)
        vote = mine.select_for_update().first()
        if vote is None:
            try:
                with transaction.atomic():
                    vote = Vote.objects.create(
                        article=article, voter_key=voter_key, user=user, score=score, address_hash=hashed
                    )
            except IntegrityError:
                # The same reader's other request (a double click) inserted first: change that vote instead.
                vote = mine.select_for_update().get()
            else:
                summaries.update(vote_count=F("vote_count") + 1, vote_total=F("vote_total") + score)
                return CastVote(
                    vote=vote, previous_score=None, figures=figures_for(article=article, user=user, voter_key=voter_key)
                )
        previous = vote.score
        if previous != score:
            summaries.update(vote_total=F("vote_total") + (score - previous))
        vote.score, vote.address_hash = score, hashed
        vote.save(update_fields=["score", "address_hash", "updated_at"])
        return CastVote(
            vote=vote, previous_score=previous, figures=figures_for(article=article, user=user, voter_key=voter_key)
        )


def reset_ratings(*, articles: QuerySet[Article]) -> int:
    """Delete the articles' votes and zero their totals (imported ones too); returns the votes deleted."""
    with transaction.atomic():
        deleted, _ = Vote.objects.filter(article__in=articles).delete()
        RatingSummary.objects.filter(article__in=articles).update(
            vote_count=0, vote_total=0, imported_count=0, imported_total=0
        )
        for article in articles:
            transaction.on_commit(partial(purge_article_page, article))
    return deleted


def prune_vote_addresses(*, older_than: datetime.timedelta | None = None) -> int:
    """Forget the address hash of votes not changed within the retention period; returns how many."""
    if older_than is None:
        older_than = datetime.timedelta(days=settings.RATINGS_ADDRESS_RETENTION_DAYS)
    cutoff = timezone.now() - older_than
    return Vote.objects.filter(updated_at__lt=cutoff).exclude(address_hash="").update(address_hash="")


def top_rated(*, limit: int | None = None) -> list[RatingSummary]:
    """Published articles ranked by Bayesian average, with their articles loaded (one query)."""
    limit = settings.RATINGS_TOP_RATED_COUNT if limit is None else limit
    return list(
        RatingSummary.objects.for_published_articles()
        .ranked(prior_mean=settings.RATINGS_PRIOR_MEAN, prior_weight=settings.RATINGS_PRIOR_WEIGHT)
        .select_related("article")
        .only("article__title", "article__slug", "vote_count", "vote_total", "imported_count", "imported_total")[:limit]
    )
