import datetime

import time_machine
from django.test import Client

from headache_site.clients import address_hash
from ratings.models import Vote
from tests.conftest import next_full_hour

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


def test_every_address_of_one_ipv6_network_counts_as_one_voter(article, settings):
    """A home or phone holds a whole /64 and may vote from any address in it."""
    settings.RATINGS_RATE_LIMIT = 2
    same_network = ["2001:db8:aa:1::1", "2001:db8:aa:1:8d3f:22e1:9c07:5b44", "2001:db8:aa:1:ffff:ffff:ffff:ffff"]
    statuses = [vote_as_new_reader(article, REMOTE_ADDR=address).status_code for address in same_network]
    assert statuses == [200, 200, 429]
    assert vote_as_new_reader(article, REMOTE_ADDR="2001:db8:aa:2::1").status_code == 200
    assert set(Vote.objects.values_list("address_hash", flat=True)) == {
        address_hash("2001:db8:aa:1::/64"),
        address_hash("2001:db8:aa:2::/64"),
    }


def test_behind_a_proxy_an_ipv6_client_is_its_network_too(article, settings):
    settings.NUM_PROXIES = 1
    settings.RATINGS_RATE_LIMIT = 1
    assert vote_as_new_reader(article, HTTP_X_FORWARDED_FOR="2001:db8:bb:1::10").status_code == 200
    assert vote_as_new_reader(article, HTTP_X_FORWARDED_FOR="2001:db8:bb:1::11").status_code == 429


def test_an_ipv4_address_written_as_ipv6_is_the_same_ipv4_client(article, settings):
    settings.RATINGS_RATE_LIMIT = 1
    assert vote_as_new_reader(article, REMOTE_ADDR="192.0.2.44").status_code == 200
    assert vote_as_new_reader(article, REMOTE_ADDR="::ffff:192.0.2.44").status_code == 429
    assert vote_as_new_reader(article, REMOTE_ADDR="::ffff:192.0.2.45").status_code == 200


def test_two_votes_a_moment_apart_either_side_of_a_clock_boundary_share_the_window(article, settings):
    settings.RATINGS_RATE_LIMIT = 1
    settings.RATINGS_RATE_WINDOW = 600
    boundary = next_full_hour()  # a boundary of every fixed window of 15 s, 600 s or an hour
    with time_machine.travel(boundary - datetime.timedelta(milliseconds=200), tick=False):
        assert vote_as_new_reader(article).status_code == 200
    with time_machine.travel(boundary + datetime.timedelta(milliseconds=200), tick=False):
        assert vote_as_new_reader(article).status_code == 429
    with time_machine.travel(boundary + datetime.timedelta(seconds=601), tick=False):
        assert vote_as_new_reader(article).status_code == 200
