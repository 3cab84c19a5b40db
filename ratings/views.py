"""The vote endpoint (form post or fetch) and the small JSON endpoint the widget refreshes from."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.caching import refresh_live_regions
from articles.models import Article
from headache_site.clients import client_address, client_key, client_network, within_limits
from headache_site.csrf import masked_token

from .forms import VoteForm
from .models import MAX_SCORE
from .readers import reader_account, remember_voter, voter_key_from
from .voting import cast_vote, figures_for, new_voter_key

NOT_FOUND = "There is no published article at this address, so it cannot be rated."
TOO_MANY = "You have sent a lot of ratings in a short time. Please wait a few minutes and try again."
TOO_BIG = "That request is far too large to be a rating."
POST_ONLY = "Ratings are sent with the form on the article page (a POST request)."


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def refuse(request: HttpRequest, *, message: str, status: int, article: Article | None = None) -> HttpResponse:
    """A 4xx that tells the reader why, as JSON for the script or as a small page."""
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(request, "ratings/refused.html", {"message": message, "article": article}, status=status)


def published_article(slug: str) -> Article | None:
    return Article.objects.published().only("pk", "slug", "title").filter(slug=slug).first()


@require_safe
@never_cache
def figures(request: HttpRequest, slug: str) -> HttpResponse:
    """Fresh figures, the reader's own score and a CSRF token: cached article pages stay correct."""
    article = published_article(slug)
    if article is None:
        return JsonResponse({"error": NOT_FOUND}, status=404)
    current = figures_for(article=article, voter_key=voter_key_from(request), user=reader_account(request))
    return JsonResponse({**current.as_json(), "csrf_token": masked_token(request)})


@never_cache
def rate(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        response = refuse(request, message=POST_ONLY, status=405)
        response["Allow"] = "POST"
        return response
    article = published_article(slug)
    if article is None:
        return refuse(request, message=NOT_FOUND, status=404)
    try:
        form = VoteForm(request.POST)
    except RequestDataTooBig:
        return refuse(request, message=TOO_BIG, status=413, article=article)
    if not form.is_valid():
        return refuse(request, message=form.errors["score"][0], status=400, article=article)
    limits = [(settings.RATINGS_RATE_LIMIT, settings.RATINGS_RATE_WINDOW)]
    if not within_limits(scope="vote", key=client_key(request), limits=limits):
        response = refuse(request, message=TOO_MANY, status=429, article=article)
        response["Retry-After"] = str(settings.RATINGS_RATE_WINDOW)
        return response

    score = form.cleaned_data["score"]
    voter_key = voter_key_from(request) or new_voter_key()
    network = client_network(client_address(request))  # one IPv6 client is its /64
    result = cast_vote(article=article, score=score, voter_key=voter_key, user=reader_account(request), address=network)
    # The voter renders the new figures for the page cache (after the vote's own invalidation).
    transaction.on_commit(partial(refresh_live_regions, request, slug=article.slug))
    if result.previous_score is None or result.previous_score == score:
        message = f"Thank you: you rated this article {score} out of {MAX_SCORE}."
    else:
        message = f"Your rating is now {score} out of {MAX_SCORE} (it was {result.previous_score})."
    message = f"{message} {result.figures.display}"

    if wants_json(request):
        response = JsonResponse({**result.figures.as_json(), "message": message})
    else:
        messages.success(request, message)
        response = redirect(f"{article.get_absolute_url()}#rating")
    remember_voter(response, voter_key=voter_key)
    return response
