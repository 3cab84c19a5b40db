"""Faults under load: Redis stopped, PostgreSQL connections killed, a worker killed mid-request.

Each test runs gunicorn against its own PostgreSQL database, sends real
requests and then checks what a person would see and what the database holds.
"""

import itertools
import json
import os
import signal
import threading
import time
from http.client import HTTPException

from .conftest import scratch_database
from .servers import SLUG, Gunicorn, Reader, RedisServer, http, production_env, query


def server_env(database_url: str, static_root, **extra: str) -> dict[str, str]:
    return production_env(DATABASE_URL=database_url, STATIC_ROOT=str(static_root), NUM_PROXIES="1", **extra)


def vote_figures(database_url: str) -> tuple[int, int, int, int]:
    """(vote rows, sum of their scores, the summary's count, the summary's total) for the article."""
    ((rows, scores, count, total),) = query(
        database_url,
        "SELECT (SELECT count(*) FROM ratings_vote v WHERE v.article_id = a.id),"
        " (SELECT coalesce(sum(score), 0) FROM ratings_vote v WHERE v.article_id = a.id),"
        " coalesce(s.vote_count, 0), coalesce(s.vote_total, 0)"
        " FROM articles_article a LEFT JOIN ratings_ratingsummary s ON s.article_id = a.id WHERE a.slug = %s",
        SLUG,
    )
    return rows, scores, count, total


class Load:
    """Client threads that vote (each as a new reader from its own address) and read the article page."""

    def __init__(self, port: int, *, article_id: int, threads: int = 4, comments: bool = False):
        self.port, self.article_id, self.threads, self.comments = port, article_id, threads, comments
        self.results: list[tuple[float, float, str, int]] = []  # (started, finished, kind, status)
        self.posted_bodies: set[str] = set()
        self.lock = threading.Lock()
        self.numbers = itertools.count(1)
        self.stop_at = 0.0

    def _one(self, n: int) -> tuple[str, int]:
        reader = Reader(f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
        kind = ("vote", "page", "comment")[n % 3] if self.comments else ("vote", "page")[n % 2]
        if kind == "vote":
            return kind, reader.vote(self.port, SLUG, n % 5 + 1)
        if kind == "comment":
            body = f"Comment number {n} about how Botox worked for me."
            with self.lock:
                self.posted_bodies.add(body)
            return kind, reader.comment(self.port, article_id=self.article_id, slug=SLUG, name=f"Reader {n}", body=body)
        return kind, reader.request(self.port, "GET", f"/articles/{SLUG}/")[0]

    def _loop(self) -> None:
        while time.monotonic() < self.stop_at:
            with self.lock:
                n = next(self.numbers)
            started = time.monotonic()
            try:
                kind, status = self._one(n)
            except (OSError, AssertionError, HTTPException):
                kind, status = "error", 0  # connection reset or cut short: the worker died under it
            with self.lock:
                self.results.append((started, time.monotonic(), kind, status))

    def run(self, seconds: float, *, faults: list[tuple[float, callable]]) -> list[tuple[float, float]]:
        """Send requests for `seconds`, calling each fault at its offset; returns when each fault began and ended."""
        began = time.monotonic()
        self.stop_at = began + seconds
        workers = [threading.Thread(target=self._loop) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        struck = []
        try:
            for offset, fault in faults:
                time.sleep(max(0.0, began + offset - time.monotonic()))
                began_fault = time.monotonic()
                fault()
                struck.append((began_fault, time.monotonic()))
        finally:
            for worker in workers:
                worker.join(timeout=60)
        return struck

    def failures(self) -> list[tuple[float, float, str, int]]:
        return [r for r in self.results if not 200 <= r[3] < 400 and r[3] != 429]

    def ok(self, kind: str) -> int:
        return sum(1 for _, _, k, status in self.results if k == kind and 200 <= status < 400)


# ------------------------------------------------------------------ Redis stopped


def test_with_redis_stopped_pages_render_writes_are_stored_and_rate_limits_count_in_the_database(
    postgres_template, static_root, tmp_path
):
    with scratch_database(postgres_template) as database, RedisServer() as redis:
        env = server_env(database, static_root, CACHE_URL=redis.url, REDIS_SOCKET_TIMEOUT="0.5", RATINGS_RATE_LIMIT="3")
        with Gunicorn(env, log_path=tmp_path / "gunicorn.log") as server:
            assert http(server.port, "GET", f"/articles/{SLUG}/")[0] == 200  # now in the page cache, if it is on
            redis.kill()

            page = http(server.port, "GET", f"/articles/{SLUG}/")[0]
            home = http(server.port, "GET", "/")[0]
            votes = [Reader("203.0.113.30").vote(server.port, SLUG, 4) for _ in range(4)]
            other_votes = [Reader(f"203.0.113.{n}").vote(server.port, SLUG, n % 5 + 1) for n in range(40, 43)]
            commented = Reader("203.0.113.31").comment(
                server.port, article_id=postgres_template.article_id, slug=SLUG, name="Lee", body="Without Redis."
            )
            health = http(server.port, "GET", "/healthz")
            live = http(server.port, "GET", "/livez")[0]
            log = server.log_text()
        rows, scores, count, total = vote_figures(database)
        stored = query(database, "SELECT name, body FROM comments_comment")

    assert (page, home, live) == (200, 200, 200)
    assert votes == [200, 200, 200, 429]  # the limit (3) still holds: counted in the database
    assert other_votes == [200, 200, 200] and commented == 302
    assert (rows, count) == (6, 6) and scores == total
    assert stored == [("Lee", "Without Redis.")]
    assert health[0] == 503 and json.loads(health[2])["checks"]["cache"]["ok"] is False
    assert "rate-limit store unavailable" in log and "counting vote in the database" in log
    assert '" 500 ' not in log, log[-3000:]


# ------------------------------------------------------------------ PostgreSQL connections killed


def test_killed_database_connections_cost_at_most_the_requests_in_flight(
    postgres_template, static_root, shared_redis, tmp_path
):
    with scratch_database(postgres_template) as database:
        env = server_env(database, static_root, CONN_MAX_AGE="60", PAGE_CACHE_SECONDS="0", **shared_redis)
        name = database.rsplit("/", 1)[1]

        def kill_connections():
            query(
                database.rsplit("/", 1)[0] + "/postgres",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                name,
            )

        with Gunicorn(env, log_path=tmp_path / "gunicorn.log", workers=2) as server:
            load = Load(server.port, article_id=postgres_template.article_id, threads=4)
            struck = load.run(4.5, faults=[(1.5, kill_connections), (3.0, kill_connections)])
        rows, scores, count, total = vote_figures(database)

    failures = load.failures()
    # In flight at a kill: the request was running at some moment while the kill was being carried
    # out (pg_terminate_backend signals backends that are still serving until they exit).
    in_flight = [f for f in failures if any(f[0] <= kill_end and f[1] >= kill_start for kill_start, kill_end in struck)]
    assert len(load.results) > 20
    assert len(failures) <= 2 * load.threads, failures  # at most the requests in flight at each kill
    assert failures == in_flight, "a request that started after a kill failed: connections were not renewed"
    assert rows == count and scores == total, "vote rows and the article's summary disagree"
    assert load.ok("vote") <= rows <= load.ok("vote") + len(failures)


# ------------------------------------------------------------------ a worker killed mid-request


def test_a_worker_killed_mid_request_leaves_no_partial_vote_or_comment(
    postgres_template, static_root, shared_redis, tmp_path
):
    with scratch_database(postgres_template) as database:
        env = server_env(
            database, static_root, COMMENTS_FLOOD_LIMITS="1000/1", COMMENTS_MIN_SECONDS="0", **shared_redis
        )
        with Gunicorn(env, log_path=tmp_path / "gunicorn.log", workers=2) as server:

            def kill_a_worker():
                workers = server.workers()
                assert workers, "no gunicorn workers found"
                os.kill(workers[0], signal.SIGKILL)

            load = Load(server.port, article_id=postgres_template.article_id, threads=4, comments=True)
            load.run(4.5, faults=[(1.2, kill_a_worker), (2.6, kill_a_worker)])
            assert http(server.port, "GET", "/livez")[0] == 200  # gunicorn replaced the workers
        rows, scores, count, total = vote_figures(database)
        comments = query(database, "SELECT name, email, body, status FROM comments_comment")

    assert len(load.results) > 20
    assert len(load.failures()) <= 2 * load.threads, load.failures()  # at most the requests in flight
    assert rows == count and scores == total, "vote rows and the article's summary disagree"
    assert load.ok("vote") <= rows <= load.ok("vote") + len(load.failures())
    assert load.ok("comment") <= len(comments) <= load.ok("comment") + len(load.failures())
    for name, email, body, status in comments:  # every stored comment is whole
        assert name.startswith("Reader ") and "@example.org" in email and status
        assert body in load.posted_bodies
