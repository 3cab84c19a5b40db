"""With Redis, each process keeps the page-cache counters, kept current by Redis' invalidation broadcasts."""

import time
from unittest import mock

import pytest
import redis
from django.test import Client

from articles import caching
from headache_site.redis_cache import RedisCache

from .servers import REDIS_DB, REDIS_HOST, REDIS_PORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw():
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    yield client
    client.close()


def wait_for(condition, seconds: float = 5.0) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, "timed out"
        time.sleep(0.005)
    return time.monotonic() - start


def mirror() -> caching.KeyMirror:
    found = caching._version_mirror()
    assert found is not None
    found.known([])  # starts its listener in this process
    return found


def test_a_hit_needs_no_round_trip_once_the_counters_are_held(on_redis, article):
    Client().get(article.get_absolute_url())
    wait_for(lambda: mirror().healthy)
    Client().get(article.get_absolute_url())  # the counters and the widget are now held here

    with mock.patch.object(RedisCache, "get_many", autospec=True, side_effect=RedisCache.get_many) as spy:
        response = Client().get(article.get_absolute_url())

    assert response["X-Page-Cache"] == "hit"
    assert article.title in response.content.decode()
    assert spy.call_count == 0


def test_a_change_made_by_another_host_reaches_this_process_through_redis(on_redis, article, raw):
    Client().get(article.get_absolute_url())
    wait_for(lambda: mirror().healthy)
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    type(article).objects.filter(pk=article.pk).update(title="Changed on another host")

    raw.incr(f"{on_redis}:1:{caching.CONTENT_KEY}")  # what invalidate_content does there
    waited = wait_for(lambda: not mirror().known([caching.CONTENT_KEY])[0])

    response = Client().get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Changed on another host" in response.content.decode()
    assert waited < 1.0


def test_while_the_broadcasts_cannot_be_heard_every_read_goes_to_redis(on_redis, article, raw):
    Client().get(article.get_absolute_url())
    wait_for(lambda: mirror().healthy)
    listener = mirror().client_id

    raw.client_kill_filter(_id=listener)
    wait_for(lambda: not mirror().healthy or mirror().client_id != listener)
    type(article).objects.filter(pk=article.pk).update(title="Changed while deaf")
    raw.incr(f"{on_redis}:1:{caching.CONTENT_KEY}")

    assert "Changed while deaf" in Client().get(article.get_absolute_url()).content.decode()
    wait_for(lambda: mirror().healthy and mirror().client_id != listener)  # it listens again
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_value_fetched_while_an_invalidation_arrived_is_not_kept(on_redis):
    copies = mirror()
    wait_for(lambda: copies.healthy)
    _, epoch = copies.known([caching.CONTENT_KEY])
    copies._invalidate([f"{on_redis}:1:{caching.CONTENT_KEY}".encode()])  # news came in meanwhile

    copies.remember({caching.CONTENT_KEY: 41}, epoch)

    assert copies.known([caching.CONTENT_KEY])[0] == {}


def test_after_a_fork_nothing_inherited_is_trusted(on_redis, monkeypatch):
    copies = mirror()
    wait_for(lambda: copies.healthy)
    _, epoch = copies.known([caching.CONTENT_KEY])
    copies.remember({caching.CONTENT_KEY: 7}, epoch)
    assert copies.known([caching.CONTENT_KEY])[0] == {caching.CONTENT_KEY: 7}

    monkeypatch.setattr(caching.KeyMirror, "_listen", lambda self: None)  # the child's thread, not started
    monkeypatch.setattr("headache_site.key_mirror.os.getpid", lambda: -1)

    assert copies.known([caching.CONTENT_KEY]) == ({}, -1)
