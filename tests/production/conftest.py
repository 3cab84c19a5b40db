"""Fixtures for tests against real PostgreSQL, Redis and gunicorn (see servers.py)."""

import contextlib
import os
import secrets
from dataclasses import dataclass

import pytest
from django.test import override_settings

from .servers import (
    REDIS_DB,
    REDIS_HOST,
    REDIS_PORT,
    SLUG,
    create_database,
    drop_database,
    manage,
    production_env,
    reachable,
    seed_article,
    settings_from_env,
    unavailable,
)


@dataclass(frozen=True)
class Template:
    name: str
    article_id: int


@pytest.fixture(scope="session")
def postgres_template():
    """A migrated database with one published article (SLUG), that tests copy (CREATE DATABASE … TEMPLATE)."""
    if not reachable("127.0.0.1", 5432):
        unavailable("PostgreSQL is not answering on 127.0.0.1:5432")
    name = f"prodtest_template_{os.getpid()}"
    url = create_database(name)
    try:
        env = production_env(DATABASE_URL=url)
        manage("migrate", "--noinput", "-v0", env=env)
        manage("createcachetable", env=env)
        yield Template(name=name, article_id=seed_article(slug=SLUG, env=env))
    finally:
        drop_database(name)


@contextlib.contextmanager
def scratch_database(template: Template):
    name = f"prodtest_{os.getpid()}_{secrets.token_hex(3)}"
    url = create_database(name, template=template.name)
    try:
        yield url
    finally:
        drop_database(name)


@pytest.fixture(scope="module")
def postgres_url(postgres_template):
    """A fresh, migrated PostgreSQL database for one test module, dropped afterwards."""
    with scratch_database(postgres_template) as url:
        yield url


@pytest.fixture(scope="module")
def shared_redis():
    """CACHE_URL and a key prefix of its own on the machine's Redis; the keys are deleted afterwards."""
    if not reachable(REDIS_HOST, REDIS_PORT):
        unavailable(f"Redis is not answering on {REDIS_HOST}:{REDIS_PORT}")

    prefix = f"prodtest-{os.getpid()}-{secrets.token_hex(3)}"
    yield {"CACHE_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}", "CACHE_KEY_PREFIX": prefix}
    delete_keys(prefix)


def delete_keys(prefix: str) -> None:
    """Delete this run's keys only: other test runs on the machine share the Redis database."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def on_redis(monkeypatch, shared_redis):
    """This test process's settings with CACHE_URL on the machine's Redis; yields the key prefix.

    Each test starts with none of the keys an earlier test of its module left (purge numbers, counters).
    """
    values = settings_from_env(monkeypatch, **shared_redis)
    delete_keys(shared_redis["CACHE_KEY_PREFIX"])
    with override_settings(CACHES=values["CACHES"], SESSION_ENGINE=values["SESSION_ENGINE"]):
        yield shared_redis["CACHE_KEY_PREFIX"]


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected once, as a deploy does: hashed names, gzip and Brotli copies, a manifest."""
    root = tmp_path_factory.mktemp("static")
    manage("collectstatic", "--noinput", "-v0", env=production_env(STATIC_ROOT=str(root)))
    return root
