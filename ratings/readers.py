"""Who is voting: the reader's signed cookie id, or their account when logged in."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_SALT = "ratings.voter"


def voter_key_from(request: HttpRequest) -> str | None:
    """The reader id from the signed cookie; a missing, expired or tampered cookie gives None."""
    return request.get_signed_cookie(
        settings.RATINGS_VOTER_COOKIE_NAME,
        default=None,
        salt=COOKIE_SALT,
        max_age=settings.RATINGS_VOTER_COOKIE_DAYS * 86400,
    )


def reader_account(request: HttpRequest):
    """The logged-in user, or None for an anonymous reader."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def remember_voter(response: HttpResponse, *, voter_key: str) -> None:
    """(Re)set the long-lived, signed, HttpOnly reader cookie."""
    response.set_signed_cookie(
        settings.RATINGS_VOTER_COOKIE_NAME,
        voter_key,
        salt=COOKIE_SALT,
        max_age=settings.RATINGS_VOTER_COOKIE_DAYS * 86400,
        secure=settings.HTTPS_ONLY,
        httponly=True,
        samesite="Lax",
    )


def reader_figures(request: HttpRequest, article) -> dict:
    """For the reader request (articles/reader.py): the live figures and this reader's own score."""
    from .voting import figures_for

    return figures_for(article=article, voter_key=voter_key_from(request), user=reader_account(request)).as_json()
