"""Votes (the truth) and each article's running totals (a denormalised copy kept in step with them)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Cast

from articles.models import Article

MIN_SCORE = 1
MAX_SCORE = 5


def average_of(*, count: int, total: int) -> Decimal:
    """The average to one decimal place, rounded half up (0 when nobody has voted)."""
    if not count:
        return Decimal(0)
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def average_label(average: Decimal) -> str:
    """'4.3', but '4' rather than '4.0' and '0' with no votes."""
    return f"{average:.1f}".removesuffix(".0")


class RatingSummaryQuerySet(models.QuerySet):
    def for_published_articles(self):
        return self.filter(article__in=Article.objects.published())

    def with_figures(self):
        """Annotate the combined (imported + live) count, total and average, computed in the database."""
        count = F("imported_count") + F("vote_count")
        total = F("imported_total") + F("vote_total")
        return self.annotate(
            rating_count=count,
            rating_total=total,
            rating_average=Case(
                When(Q(imported_count__gt=0) | Q(vote_count__gt=0), then=Cast(total, FloatField()) / count),
                default=Value(0.0),
                output_field=FloatField(),
            ),
        )

    def ranked(self, *, prior_mean: float, prior_weight: int):
        """Best first by Bayesian (damped) average: (C*m + total) / (C + count).

        A handful of votes stays close to the prior mean m; only many votes move
        an article far from it, so one 5-star vote cannot beat forty 4.6 votes.
        """
        return (
            self.with_figures()
            .filter(rating_count__gt=0)
            .annotate(
                bayesian_average=(Value(prior_weight * prior_mean) + Cast(F("rating_total"), FloatField()))
                / (Value(float(prior_weight)) + Cast(F("rating_count"), FloatField()))
            )
            .order_by("-bayesian_average", "-rating_count", "article_id")
        )


class RatingSummary(models.Model):
    """Running count and total of an article's votes, updated with the votes in one transaction."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="rating_summary")
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    vote_total = models.PositiveIntegerField(default=0, editable=False)
    imported_count = models.PositiveIntegerField(
        default=0, help_text="Votes brought over from the old site; added to the live votes on the page."
    )
    imported_total = models.PositiveIntegerField(
        default=0, help_text="Sum of the stars of the imported votes (e.g. 40 votes averaging 4.5 make 180)."
    )

    objects = RatingSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = "article rating"
        verbose_name_plural = "article ratings"
        permissions = [("reset_ratings", "Can reset ratings")]
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_total__gte=F("vote_count") * MIN_SCORE, vote_total__lte=F("vote_count") * MAX_SCORE),
                name="rating_live_total_within_scale",
            ),
            models.CheckConstraint(
                condition=Q(
                    imported_total__gte=F("imported_count") * MIN_SCORE,
                    imported_total__lte=F("imported_count") * MAX_SCORE,
                ),
                name="rating_imported_total_within_scale",
            ),
        ]

    def __str__(self):
        return f"Ratings of {self.article}"

    @property
    def count(self) -> int:
        return self.imported_count + self.vote_count

    @property
    def total(self) -> int:
        return self.imported_total + self.vote_total

    @property
    def average(self) -> Decimal:
        return average_of(count=self.count, total=self.total)

    @property
    def average_text(self) -> str:
        return average_label(self.average)


class Vote(models.Model):
    """One reader's stars for one article; changing the vote updates this row."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(
        max_length=64, help_text="Random id from the reader's signed cookie (not personal data on its own)."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="rating_votes"
    )
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)])
    address_hash = models.CharField(
        max_length=64, blank=True, help_text="Keyed hash of the client address, emptied after the retention period."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE), name="vote_score_within_scale"
            ),
            models.UniqueConstraint(fields=["article", "voter_key"], name="one_vote_per_voter_per_article"),
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="one_vote_per_user_per_article"
            ),
        ]

    def __str__(self):
        return f"{self.score}/{MAX_SCORE} for {self.article}"
