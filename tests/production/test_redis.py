"""CACHE_URL=redis://…: the cache, rate limits and sessions on a real Redis, and what happens when it is gone."""

import logging

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.test import override_settings

from headache_site.clients import within_limits
from tests.conftest import make_user

from .servers import REDIS_DB, free_port, settings_from_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(monkeypatch):
    """The settings for a Redis that is not there: nothing listens on the port."""
    values = settings_from_env(monkeypatch, CACHE_URL=f"redis://127.0.0.1:{free_port()}/0", REDIS_SOCKET_TIMEOUT="0.5")
    with override_settings(CACHES=values["CACHES"], SESSION_ENGINE=values["SESSION_ENGINE"]):
        yield


def redis_keys(prefix: str) -> list[str]:
    client = redis.Redis(port=6379, db=REDIS_DB, decode_responses=True)
    try:
        return list(client.scan_iter(match=f"{prefix}*"))
    finally:
        client.close()


def test_with_a_redis_cache_url_the_cache_lives_in_redis(on_redis):
    cache.set("greeting", {"text": "hello"}, timeout=30)

    assert cache.get("greeting") == {"text": "hello"}
    assert f"{on_redis}:1:greeting" in redis_keys(on_redis)


def test_rate_limits_are_counted_in_redis_where_every_worker_and_host_sees_them(on_redis):
    allowed = [within_limits(scope="test", key="reader-1", limits=[(2, 60)]) for _ in range(3)]

    assert allowed == [True, True, False]
    assert caches["shared"].__class__.__name__ == "RedisCache"
    assert f"{on_redis}-shared:1:rl:test:60:reader-1" in redis_keys(on_redis)


def test_sessions_are_stored_in_the_database_and_cached_in_redis(on_redis, client):
    client.force_login(make_user("sam", staff=True, password="a-long-password-1"))

    assert client.get("/admin/").status_code == 200
    assert Session.objects.count() == 1
    assert any("django.contrib.sessions.cached_db" in key for key in redis_keys(on_redis))


def test_with_redis_down_rate_limits_are_counted_in_the_database_not_switched_off(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="headache_site.clients"):
        allowed = [within_limits(scope="test", key="reader-2", limits=[(2, 60)]) for _ in range(3)]

    assert allowed == [True, True, False]
    assert "rate-limit store unavailable" in caplog.text
    assert "counting test in the database" in caplog.text


def test_with_redis_down_a_signed_in_editor_keeps_working(redis_down, client):
    client.force_login(make_user("kim", staff=True, password="a-long-password-2"))

    assert client.get("/admin/").status_code == 200
    client.logout()
    assert client.get("/admin/").status_code == 302
    assert Session.objects.count() == 0


def test_without_redis_the_default_settings_keep_sessions_in_the_database(monkeypatch):
    values = settings_from_env(monkeypatch)

    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["CACHES"]["shared"]["BACKEND"] == "headache_site.counter_cache.CounterDatabaseCache"
