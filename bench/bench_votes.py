"""Votes per second and latency of the vote endpoint under gunicorn, from many distinct clients.

Not a test: run it by hand, e.g.

    .venv/bin/python bench/bench_votes.py --seconds 15 --threads 16 --workers 4

It starts gunicorn on 127.0.0.1 with the test settings against a temporary
SQLite database (or DATABASE_URL when set: use a scratch database, it is
migrated and written to), seeds one published article, then each request is a
new reader (no reader cookie) from its own address (NUM_PROXIES=1 and a distinct
X-Forwarded-For), so the per-address rate limit applies per client as in
production. At the end it checks that the database holds exactly one vote per
successful request, prints the figures and stops the server by its PID.
"""

import argparse
import http.client
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-article"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, *, body: str = "", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited early with code {proc.returncode}")
        try:
            status, _, _ = request(port, "GET", f"/ratings/{SLUG}/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def prepare(env: dict) -> None:
    """Migrate, create the rate-limit table and seed one published article (in a child process)."""
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    seed = (
        "from django.contrib.auth.models import User\n"
        "from articles.models import Article\n"
        "from ratings.models import Vote, RatingSummary\n"
        "author, _ = User.objects.get_or_create(username='bench-author')\n"
        f"Article.objects.filter(slug='{SLUG}').delete()\n"
        f"Article.objects.create(title='Bench article', slug='{SLUG}', body='Text.', author=author, "
        "status=Article.Status.PUBLISHED)\n"
    )
    subprocess.run([python, "manage.py", "shell", "-v0", "-c", seed], cwd=ROOT, env=env, check=True)


def count_votes(env: dict) -> tuple[int, int, int]:
    code = (
        "from ratings.models import Vote, RatingSummary\n"
        f"s = RatingSummary.objects.get(article__slug='{SLUG}')\n"
        f"print(Vote.objects.filter(article__slug='{SLUG}').count(), s.vote_count, s.vote_total)\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1]), int(out[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15, help="how long to send votes (default 15)")
    parser.add_argument("--threads", type=int, default=16, help="concurrent clients in flight (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="bench-votes-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "headache_site.settings_test",
        "NUM_PROXIES": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{scratch.name}/bench.sqlite3")
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
    prepare(env)

    port = free_port()
    with open(Path(scratch.name) / "gunicorn.log", "w") as server_log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "headache_site.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(port, server)
            # One CSRF cookie and token for every client: no reader cookie is sent, so each vote is a new reader.
            _, headers, body = request(port, "GET", f"/ratings/{SLUG}/")
            csrf_cookie = headers["Set-Cookie"].split("csrftoken=")[1].split(";")[0]
            token = json.loads(body)["csrf_token"]

            latencies: list[float] = []
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            counter = iter(range(1, 10**9))
            stop_at = time.monotonic() + args.seconds

            def client_loop():
                while time.monotonic() < stop_at:
                    with lock:
                        n = next(counter)
                    address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
                    started = time.perf_counter()
                    try:
                        status, _, _ = request(
                            port,
                            "POST",
                            f"/ratings/{SLUG}/vote/",
                            body=f"score={n % 5 + 1}",
                            headers={
                                "Content-Type": "application/x-www-form-urlencoded",
                                "Accept": "application/json",
                                "Cookie": f"csrftoken={csrf_cookie}",
                                "X-CSRFToken": token,
                                "X-Forwarded-For": address,
                            },
                        )
                    except OSError:
                        status = 0
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        statuses[status] = statuses.get(status, 0) + 1

            began = time.monotonic()
            threads = [threading.Thread(target=client_loop) for _ in range(args.threads)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            duration = time.monotonic() - began
        finally:
            os.kill(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(server.pid, signal.SIGKILL)
                server.wait()

    ok = sum(count for status, count in statuses.items() if 200 <= status < 400)
    failed = sum(count for status, count in statuses.items() if not 200 <= status < 400)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    stored, summary_count, summary_total = count_votes(env)
    print(f"gunicorn workers: {args.workers}, client threads: {args.threads}, duration: {duration:.1f} s")
    print(f"requests: {len(latencies)}, successful votes: {ok}, non-2xx/3xx: {failed} {statuses}")
    print(f"votes/s: {ok / duration:.1f}")
    print(f"latency p50: {statistics.median(ordered) * 1000:.1f} ms, p99: {p99 * 1000:.1f} ms")
    print(f"votes in the database: {stored}, summary count: {summary_count}, summary total: {summary_total}")
    consistent = stored == ok == summary_count
    print("database matches the successful votes" if consistent else "MISMATCH between responses and database")
    scratch.cleanup()
    return 0 if consistent else 1


if __name__ == "__main__":
    sys.exit(main())
