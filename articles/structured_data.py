"""JSON-LD for article pages, built as data and serialised with a JSON encoder."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

# The same escapes Django's json_script uses, so text cannot close the <script>.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _person(user) -> dict | None:
    if user is None:
        return None
    profile = getattr(user, "contributor", None)
    person = {"@type": "Person", "name": profile.display_name if profile else user.get_full_name() or user.username}
    if profile and profile.credentials:
        person["description"] = profile.credentials
    return person


def medical_web_page(*, article, canonical_url: str, site_name: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": canonical_url,
        "url": canonical_url,
        "headline": article.title,
        "name": article.title,
        "description": article.summary,
        "inLanguage": "en-GB",
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "author": _person(article.author),
        "publisher": {"@type": "Organization", "name": site_name},
    }
    if article.reviewer_id and article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed
        # The reviewer vouches for the text they approved, not for what was written since.
        if not article.changed_since_review:
            data["reviewedBy"] = _person(article.reviewer)
    return {key: value for key, value in data.items() if value not in (None, "")}


def as_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element; the JSON is escaped so it cannot break out.

    ASCII only (other characters as JSON's \\u escapes), so the page part holding it can be kept as
    ASCII (articles.caching.ascii_html).
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')
