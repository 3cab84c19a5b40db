"""Votes and comments per second under many concurrent clients, on SQLite and PostgreSQL: zero lost, zero 500s.

Not a test: run it by hand when the machine is quiet, e.g.

    .venv/bin/python bench/bench_writes.py --seconds 15 --clients 64
    .venv/bin/python bench/bench_writes.py --seconds 3 --databases sqlite      # a quick smoke run

For each database it migrates a scratch one (a temporary SQLite file; for
PostgreSQL a database created on 127.0.0.1:5432 and dropped afterwards), seeds
one article, starts gunicorn in production mode (gunicorn.conf.py) and sends,
for --seconds each, votes and then comments from --clients threads. Every
request is a new reader from its own address (NUM_PROXIES=1 and a distinct
X-Forwarded-For); comments carry the form's signed timestamp, and the rate and
flood limits are raised so that only the server's speed limits the figures.
Afterwards the database must hold exactly one row per successful response.
Prints a table and writes bench/results/writes-<UTC time>.md.
"""

import argparse
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-writes"
SECRET_KEY = "bench-writes-" + "k" * 40
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SEED = (
    "from django.contrib.auth.models import User\n"
    "from articles.models import Article\n"
    "author, _ = User.objects.get_or_create(username='bench-author')\n"
    f"print(Article.objects.create(title='Bench writes', slug='{SLUG}', body='Text.', author=author, "
    "status=Article.Status.PUBLISHED).pk)\n"
)
COUNTS = (
    "from ratings.models import Vote, RatingSummary\n"
    "from comments.models import Comment\n"
    f"s = RatingSummary.objects.filter(article__slug='{SLUG}').first()\n"
    f"print(Vote.objects.filter(article__slug='{SLUG}').count(), s.vote_count if s else 0, "
    f"Comment.objects.filter(article__slug='{SLUG}').count(), "
    f"Comment.objects.filter(article__slug='{SLUG}').exclude(name='').exclude(body='').count())\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, *, body: str = "", headers: dict | None = None):
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def form_timestamp(article_id: int) -> str:
    """The comment form's signed "served at" note, as if the page had been served a minute ago."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(SECRET_KEY=SECRET_KEY)
    from django.core import signing

    return signing.dumps({"a": article_id, "t": int(time.time()) - 60}, key=SECRET_KEY, salt="comments.form-timestamp")


class Run:
    """--clients threads sending one kind of write for a fixed time; statuses and latencies."""

    def __init__(self, port: int, *, kind: str, article_id: int, csrf: tuple[str, str], clients: int, seconds: float):
        self.port, self.kind, self.article_id, self.csrf = port, kind, article_id, csrf
        self.clients, self.seconds = clients, seconds
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.lock = threading.Lock()
        self.numbers = itertools.count(1)
        self.timestamp = form_timestamp(article_id)

    def one(self, n: int) -> int:
        cookie, token = self.csrf
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "X-CSRFToken": token,
            "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
        }
        if self.kind == "vote":
            headers["Accept"] = "application/json"
            return request(self.port, "POST", f"/ratings/{SLUG}/vote/", body=f"score={n % 5 + 1}", headers=headers)[0]
        form = {
            "name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "body": f"Comment {n}: Botox cut my migraine days from 20 to 8 a month.",
            "timestamp": self.timestamp,
        }
        body = urllib.parse.urlencode(form)
        return request(self.port, "POST", f"/comments/post/{self.article_id}/", body=body, headers=headers)[0]

    def loop(self, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            with self.lock:
                n = next(self.numbers) + (0 if self.kind == "vote" else 1 << 23)
            started = time.perf_counter()
            try:
                status = self.one(n)
            except OSError:
                status = 0
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                self.statuses[status] = self.statuses.get(status, 0) + 1

    def go(self) -> float:
        began = time.monotonic()
        threads = [threading.Thread(target=self.loop, args=(began + self.seconds,)) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - began

    def ok(self) -> int:
        wanted = 200 if self.kind == "vote" else 302
        return self.statuses.get(wanted, 0)


def bench_database(label: str, database_url: str, args, scratch: Path) -> list[dict]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME"}},
        "DJANGO_SETTINGS_MODULE": "headache_site.settings",
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "locmem://",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(scratch / "static"),
        "NUM_PROXIES": "1",
        "RATINGS_RATE_LIMIT": "100000000",
        "COMMENTS_FLOOD_LIMITS": "100000000/1",
        "COMMENTS_MIN_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(args.workers),
        # Several workers share one cache, as in production (gunicorn refuses locmem:// with more than one).
        "CACHE_URL": args.cache_url,
        "CACHE_KEY_PREFIX": f"bench-writes-{os.getpid()}-{label}",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    if not (scratch / "static" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v0")
    article_id = int(manage(env, "shell", "--no-imports", "-v0", "-c", SEED))

    port = free_port()
    env["BIND"] = f"127.0.0.1:{port}"
    with open(scratch / f"gunicorn-{label}.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "headache_site.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = request(port, "GET", f"/ratings/{SLUG}/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"gunicorn ({label}) did not start; see {scratch}/gunicorn-{label}.log")
            time.sleep(0.2)
        csrf = (headers["Set-Cookie"].split("csrftoken=")[1].split(";")[0], json.loads(body)["csrf_token"])
        runs = {}
        for kind in ("vote", "comment"):
            run = Run(port, kind=kind, article_id=article_id, csrf=csrf, clients=args.clients, seconds=args.seconds)
            runs[kind] = (run, run.go())
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
        forget_cache(env)

    votes, summary_count, comments, whole_comments = map(
        int, manage(env, "shell", "--no-imports", "-v0", "-c", COUNTS).split()
    )
    stored = {"vote": votes, "comment": comments}
    rows = []
    for kind, (run, seconds) in runs.items():
        ordered = sorted(run.latencies) or [0.0]
        consistent = stored[kind] == run.ok() and (kind != "vote" or summary_count == votes)
        consistent = consistent and (kind != "comment" or whole_comments == comments)
        rows.append(
            {
                "database": label,
                "kind": kind,
                "clients": args.clients,
                "seconds": round(seconds, 1),
                "requests": len(run.latencies),
                "ok": run.ok(),
                "per_second": round(run.ok() / seconds, 1),
                "p50_ms": round(statistics.median(ordered) * 1000, 1),
                "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
                "5xx": sum(count for status, count in run.statuses.items() if status >= 500),
                "other": {s: c for s, c in run.statuses.items() if s not in {200, 302}},
                "stored": stored[kind],
                "lost": run.ok() - stored[kind],
                "consistent": consistent,
            }
        )
    return rows


def forget_cache(env: dict[str, str]) -> None:
    """Delete the keys this run left in Redis (version counters never expire on their own)."""
    if not env["CACHE_URL"].startswith("redis"):
        return
    import redis

    client = redis.Redis.from_url(env["CACHE_URL"])
    for key in client.scan_iter(match=env["CACHE_KEY_PREFIX"] + "*"):
        client.delete(key)
    client.close()


def postgres_database(name: str, *, drop: bool = False) -> str:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(POSTGRES_ADMIN_URL)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15, help="seconds per kind of write (default 15)")
    parser.add_argument("--clients", type=int, default=64, help="concurrent clients (default 64)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1, help="gunicorn workers")
    parser.add_argument(
        "--cache-url", default="redis://127.0.0.1:6379/0", help="the workers' shared cache (default local Redis)"
    )
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as scratch_name:
        scratch = Path(scratch_name)
        for label in args.databases.split(","):
            if label == "sqlite":
                rows += bench_database("sqlite", f"sqlite:///{scratch}/bench.sqlite3", args, scratch)
            elif label == "postgres":
                name = f"bench_writes_{os.getpid()}"
                try:
                    rows += bench_database("postgres", postgres_database(name), args, scratch)
                finally:
                    postgres_database(name, drop=True)
            else:
                parser.error(f"unknown database {label!r}")

    header = "| database | write | clients | per second | p50 ms | p99 ms | ok | stored | lost | 5xx | other |"
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(
            f"| {r['database']} | {r['kind']} | {r['clients']} | {r['per_second']} | {r['p50_ms']} | {r['p99_ms']} "
            f"| {r['ok']} | {r['stored']} | {r['lost']} | {r['5xx']} | {r['other'] or ''} |"
        )
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    load = os.getloadavg()
    intro = (
        f"## Writes {stamp}: {args.clients} clients, {args.seconds:g} s per kind, {args.workers} gunicorn workers, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} at the end"
    )
    report = "\n".join([intro, "", *lines, ""])
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"writes-{stamp}.md").write_text(report + "\n```json\n" + json.dumps(rows, indent=1) + "\n```\n")
    good = all(r["consistent"] and r["5xx"] == 0 and r["lost"] == 0 for r in rows)
    print("zero lost, zero 5xx" if good else "FAILED: lost writes, 5xx responses or an inconsistent database")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
