"""Rate-limit counters in the database (the embedded default, and while Redis is down) lose no count
when several workers count at once."""

import pytest
from django.core.cache import caches
from django.db import connection

from headache_site.clients import within_limits
from headache_site.counter_cache import CounterDatabaseCache
from tests.conftest import run_together

THREADS = 6
COUNTS_EACH = 15


@pytest.fixture
def counters(settings):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "headache_site.counter_cache.CounterDatabaseCache", "LOCATION": "shared_counters"},
    }
    store = caches["shared"]
    assert isinstance(store, CounterDatabaseCache)
    store.clear()
    yield store
    store.clear()


@pytest.mark.django_db(transaction=True)
def test_counts_made_at_once_from_several_connections_all_land(counters):
    counters.set("hits", 0, timeout=60)

    def count():
        for _ in range(COUNTS_EACH):
            counters.incr("hits")

    assert run_together(THREADS, lambda _: count()) == [None] * THREADS
    assert counters.get("hits") == THREADS * COUNTS_EACH


@pytest.mark.django_db(transaction=True)
def test_a_limit_counted_in_the_database_lets_exactly_its_count_through(counters):
    allowed = []

    def post():
        for _ in range(COUNTS_EACH):
            allowed.append(within_limits(scope="test", key="192.0.2.1", limits=[(20, 3600)]))

    assert run_together(THREADS, lambda _: post()) == [None] * THREADS
    assert allowed.count(True) == 20
    assert allowed.count(False) == THREADS * COUNTS_EACH - 20


@pytest.mark.django_db
def test_counting_a_missing_or_expired_key_says_so_as_django_does(counters):
    with pytest.raises(ValueError, match="not found"):
        counters.incr("never-set")
    counters.set("old", 5, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE shared_counters SET expires = %s", ["2000-01-01 00:00:00"])
    with pytest.raises(ValueError, match="not found"):
        counters.incr("old")
    counters.set("fresh", 5, timeout=60)
    assert counters.incr("fresh", 2) == 7
    assert counters.get("fresh") == 7
