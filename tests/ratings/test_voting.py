import datetime
import io

from django.core.management import call_command
from django.test import Client

from headache_site.clients import address_hash
from ratings.models import RatingSummary, Vote

from .conftest import figures_text, json_ld_blocks, reader_url, vote_url

JSON = {"HTTP_ACCEPT": "application/json"}


def test_voting_without_javascript_redirects_back_with_a_confirmation_and_new_figures(client, article):
    response = client.post(vote_url(article), {"score": "4"})
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#rating"
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: you rated this article 4 out of 5. [Total: 1 Average: 4]" in html
    assert figures_text(html) == "[Total: 1 Average: 4]"
    assert 'value="4" id="rating-score-4" checked>' in html


def test_voting_with_javascript_returns_the_new_figures_as_json(client, article):
    response = client.post(vote_url(article), {"score": "4"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "total": 1,
        "average": 4,
        "display": "[Total: 1 Average: 4]",
        "your_score": 4,
        "message": "Thank you: you rated this article 4 out of 5. [Total: 1 Average: 4]",
    }
    vote = Vote.objects.get()
    assert (vote.article, vote.score, vote.user) == (article, 4, None)


def test_the_vote_stores_a_keyed_hash_of_the_address_never_the_address(client, article):
    client.post(vote_url(article), {"score": "4"}, REMOTE_ADDR="203.0.113.7")
    vote = Vote.objects.get()
    assert vote.address_hash == address_hash("203.0.113.7")
    assert "203.0.113.7" not in vote.address_hash and len(vote.address_hash) == 64


def test_changing_a_vote_keeps_the_total_and_moves_the_average(client, article, add_votes):
    add_votes(article, 4)
    client.post(vote_url(article), {"score": "5"}, **JSON)
    response = client.post(vote_url(article), {"score": "2"}, **JSON)
    data = response.json()
    assert (data["total"], data["average"], data["your_score"]) == (2, 3, 2)
    assert data["message"].startswith("Your rating is now 2 out of 5 (it was 5).")
    assert Vote.objects.count() == 2
    summary = RatingSummary.objects.get(article=article)
    assert (summary.vote_count, summary.vote_total) == (2, 6)


def test_a_returning_reader_sees_their_own_vote_selected(client, article):
    client.post(vote_url(article), {"score": "3"})
    html = client.get(article.get_absolute_url()).content.decode()  # with the "thank you" message: theirs alone
    assert 'value="3" id="rating-score-3" checked>' in html
    assert html.count(" checked>") == 1

    later = client.get(article.get_absolute_url())  # the message shown: the page every reader gets
    assert " checked>" not in later.content.decode() and "public" in later["Cache-Control"]
    assert reader_url(article) in later.content.decode()
    assert client.get(reader_url(article)).json()["rating"]["your_score"] == 3


def test_another_reader_does_not_see_my_vote_as_theirs(client, article):
    client.post(vote_url(article), {"score": "3"})
    html = Client().get(article.get_absolute_url()).content.decode()
    assert " checked>" not in html
    assert figures_text(html) == "[Total: 1 Average: 3]"


def test_the_reader_cookie_is_signed_long_lived_httponly_and_lax(client, article, settings):
    response = client.post(vote_url(article), {"score": "4"})
    cookie = response.cookies["reader"]
    assert ":" in cookie.value  # value:signature
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 730 * 86400
    assert not cookie["secure"]
    settings.HTTPS_ONLY = True
    assert Client().post(vote_url(article), {"score": "4"}, secure=True).cookies["reader"]["secure"] is True


def test_a_tampered_reader_cookie_counts_as_a_new_reader(client, article):
    client.post(vote_url(article), {"score": "4"})
    client.cookies["reader"] = client.cookies["reader"].value + "x"
    client.post(vote_url(article), {"score": "2"})
    assert sorted(Vote.objects.values_list("score", flat=True)) == [2, 4]


def test_a_logged_in_reader_has_one_vote_across_browsers(article, reader):
    first, second = Client(), Client()
    first.force_login(reader)
    second.force_login(reader)
    first.post(vote_url(article), {"score": "5"})
    data = second.post(vote_url(article), {"score": "3"}, **JSON).json()
    assert (data["total"], data["your_score"]) == (1, 3)
    vote = Vote.objects.get()
    assert (vote.user, vote.score) == (reader, 3)
    assert 'value="3" id="rating-score-3" checked>' in first.get(article.get_absolute_url()).content.decode()


def test_the_scale_is_the_servers_a_client_cannot_send_its_own_maximum(client, article, settings):
    settings.RATINGS_STRUCTURED_DATA = True
    settings.RATINGS_STRUCTURED_DATA_MIN_VOTES = 1
    response = client.post(vote_url(article), {"score": "4", "best": "10", "bestRating": "10", "max": "4"}, **JSON)
    assert response.json()["display"] == "[Total: 1 Average: 4]"
    rating = json_ld_blocks(client.get(article.get_absolute_url()).content.decode())[1]["aggregateRating"]
    assert (rating["bestRating"], rating["worstRating"], rating["ratingValue"]) == (5, 1, 4)


def test_the_reader_request_gives_the_live_figures_the_own_vote_and_a_csrf_token(client, article, add_votes):
    add_votes(article, 5, 4)
    client.post(vote_url(article), {"score": "3"})
    response = client.get(reader_url(article))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = response.json()
    assert data["rating"] == {"total": 3, "average": 4, "display": "[Total: 3 Average: 4]", "your_score": 3}
    assert len(data["csrf_token"]) == 64


def test_the_reader_request_is_404_for_unpublished_articles(client, make_article):
    draft = make_article("Draft", status="draft", published_at=None)
    assert client.get(reader_url(draft)).status_code == 404


def test_a_shared_article_page_shows_the_figures_it_was_rendered_with_and_the_reader_request_the_live_ones(
    article, django_capture_on_commit_callbacks
):
    reader = Client()
    first = reader.get(article.get_absolute_url())
    assert figures_text(first.content.decode()) == "[Total: 0 Average: 0]"

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(vote_url(article), {"score": "4"}, **JSON)

    page = reader.get(article.get_absolute_url())  # purged by the vote: rendered again
    assert figures_text(page.content.decode()) == "[Total: 1 Average: 4]"
    assert f'<meta name="reader-state" content="{reader_url(article)}">' in page.content.decode()
    live = reader.get(reader_url(article)).json()["rating"]
    assert (live["display"], live["your_score"]) == ("[Total: 1 Average: 4]", None)


def test_votes_older_than_the_retention_period_lose_their_address_hash(article, add_votes, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC))
    add_votes(article, 4)
    time_machine.move_to(datetime.datetime(2026, 2, 15, 12, tzinfo=datetime.UTC))
    add_votes(article, 5)
    call_command("prune_vote_addresses", stdout=io.StringIO())
    hashes = dict(Vote.objects.values_list("score", "address_hash"))
    assert hashes[4] == "" and hashes[5] == address_hash("192.0.2.10")
