"""The vote endpoint (form post or fetch), and the page that confirms a vote sent without a CSRF token."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from articles.models import Article
from headache_site.clients import client_address, client_key, client_network, within_limits
from headache_site.security import confirm_without_token

from .forms import VoteForm
from .models import MAX_SCORE
from .readers import reader_account, remember_voter, voter_key_from
from .voting import cast_vote, new_voter_key

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


def _valid_vote(request: HttpRequest, slug: str) -> tuple[Article | None, VoteForm | None, HttpResponse | None]:
    """The article and the checked form, or the refusal to send instead."""
    article = published_article(slug)
    if article is None:
        return None, None, refuse(request, message=NOT_FOUND, status=404)
    try:
        form = VoteForm(request.POST)
        valid = form.is_valid()
    except RequestDataTooBig:
        return article, None, refuse(request, message=TOO_BIG, status=413, article=article)
    if not valid:
        return article, None, refuse(request, message=form.errors["score"][0], status=400, article=article)
    return article, form, None


def confirm_vote(request: HttpRequest, slug: str) -> HttpResponse:
    """A vote sent without a CSRF token (no JavaScript on a shared page): the same vote, one click from saved."""
    article, form, refusal = _valid_vote(request, slug)
    if refusal is not None:
        return refusal
    context = {"article": article, "score": form.cleaned_data["score"], "max_score": MAX_SCORE}
    return render(request, "ratings/confirm.html", context, status=403)


@confirm_without_token(confirm_vote)
@never_cache
def rate(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        response = refuse(request, message=POST_ONLY, status=405)
        response["Allow"] = "POST"
        return response
    article, form, refusal = _valid_vote(request, slug)
    if refusal is not None:
        return refusal
    limits = [(settings.RATINGS_RATE_LIMIT, settings.RATINGS_RATE_WINDOW)]
    if not within_limits(scope="vote", key=client_key(request), limits=limits):
        response = refuse(request, message=TOO_MANY, status=429, article=article)
        response["Retry-After"] = str(settings.RATINGS_RATE_WINDOW)
        return response

    score = form.cleaned_data["score"]
    voter_key = voter_key_from(request) or new_voter_key()
    network = client_network(client_address(request))  # one IPv6 client is its /64
    result = cast_vote(article=article, score=score, voter_key=voter_key, user=reader_account(request), address=network)
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
