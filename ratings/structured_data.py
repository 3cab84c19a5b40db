"""aggregateRating for an article's JSON-LD: off by default, honest when on."""

from django.conf import settings
from django.utils.safestring import SafeString

from articles.structured_data import as_script

from .models import MAX_SCORE, MIN_SCORE
from .voting import Figures


def aggregate_rating(*, figures: Figures, canonical_url: str) -> dict | None:
    """The JSON-LD node, or None when switched off or with too few votes to mean anything.

    It names the same @id as the article's MedicalWebPage node, so the two merge,
    and carries exactly the figures the widget shows.
    """
    if not settings.RATINGS_STRUCTURED_DATA or figures.count < max(1, settings.RATINGS_STRUCTURED_DATA_MIN_VOTES):
        return None
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": canonical_url,
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": figures.rating_value,
            "ratingCount": figures.count,
            "bestRating": MAX_SCORE,
            "worstRating": MIN_SCORE,
        },
    }


def aggregate_rating_script(*, figures: Figures, canonical_url: str) -> SafeString | str:
    data = aggregate_rating(figures=figures, canonical_url=canonical_url)
    return as_script(data) if data else ""
