from django.test import Client

from headache_site.clients import address_hash
from ratings.models import Vote

from .conftest import vote_url

JSON = {"HTTP_ACCEPT": "application/json"}
TOO_MANY = "You have sent a lot of ratings in a short time. Please wait a few minutes and try again."


def vote_as_new_reader(article, **extra):
    """Each vote from a fresh browser (no reader cookie), so only the address links them."""
    return Client().post(vote_url(article), {"score": "4"}, **JSON, **extra)


def test_beyond_the_limit_votes_get_429_with_a_message_and_nothing_is_stored(article, settings):
    settings.RATINGS_RATE_LIMIT = 3
    assert [vote_as_new_reader(article).status_code for _ in range(3)] == [200, 200, 200]
    refused = vote_as_new_reader(article)
    assert refused.status_code == 429
    assert refused.json() == {"error": TOO_MANY}
    assert refused["Retry-After"] == "600"
    page = Client().post(vote_url(article), {"score": "4"})
    assert page.status_code == 429
    assert TOO_MANY in page.content.decode()
    assert Vote.objects.count() == 3


def test_the_limit_is_per_client_address(article, settings):
    settings.RATINGS_RATE_LIMIT = 2
    for _ in range(2):
        vote_as_new_reader(article, REMOTE_ADDR="198.51.100.1")
    assert vote_as_new_reader(article, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert vote_as_new_reader(article, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_the_limit_counts_across_the_whole_site(make_article, settings):
    settings.RATINGS_RATE_LIMIT = 2
    first, second, third = make_article("One"), make_article("Two"), make_article("Three")
    assert vote_as_new_reader(first).status_code == 200
    assert vote_as_new_reader(second).status_code == 200
    assert vote_as_new_reader(third).status_code == 429


def test_with_no_trusted_proxy_a_forged_x_forwarded_for_changes_nothing(article, settings):
    settings.NUM_PROXIES = 0
    settings.RATINGS_RATE_LIMIT = 2
    statuses = [vote_as_new_reader(article, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(1, 4)]
    assert statuses == [200, 200, 429]
    assert set(Vote.objects.values_list("address_hash", flat=True)) == {address_hash("127.0.0.1")}


def test_with_one_trusted_proxy_the_address_it_saw_is_the_client(article, settings):
    settings.NUM_PROXIES = 1
    settings.RATINGS_RATE_LIMIT = 2
    # The client forges the first entry; our proxy appended the address it really saw.
    for forged in ("1.1.1.1", "2.2.2.2"):
        assert vote_as_new_reader(article, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.9").status_code == 200
    assert vote_as_new_reader(article, HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.9").status_code == 429
    assert vote_as_new_reader(article, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200
    assert set(Vote.objects.values_list("address_hash", flat=True)) == {
        address_hash("203.0.113.9"),
        address_hash("203.0.113.10"),
    }
