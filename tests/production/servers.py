"""Real servers for the production tests: gunicorn, Redis and scratch PostgreSQL databases on loopback.

Every process is started on a free 127.0.0.1 port, waited for with a deadline
and stopped by its PID. PostgreSQL and Redis are the machine's own services
(CI runs both); where one is missing the test is skipped with the reason,
except in CI, where a missing service is a failure.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "production-test-secret-" + "x" * 40
POSTGRES_ADMIN_URL = os.environ.get("PRODUCTION_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Redis database number for these tests; every run also uses its own key prefix.
REDIS_DB = int(os.environ.get("PRODUCTION_TEST_REDIS_DB", "15"))
# The published article every scratch PostgreSQL database starts with.
SLUG = "prod-article"
# Variables of the test run that must not leak into a child process configured as production.
DROPPED_VARIABLES = {
    "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "HTTPS_ONLY", "ALLOWED_HOSTS", "EMAIL_URL", "CACHE_URL",
    "NUM_PROXIES", "HSTS_PRELOAD", "SITE_URL", "MEDIA_URL", "DATABASE_URL", "TEST_DATABASE_NAME", "LOG_FORMAT",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_REPLICA_URL", "AWS_STORAGE_BUCKET_NAME", "S3_ENDPOINT_URL",
    "PAGE_CACHE_SECONDS", "FRAGMENT_CACHE_SECONDS", "BROWSER_CACHE_SECONDS", "PURGE_URLS", "RATINGS_RATE_LIMIT",
    "COMMENTS_FLOOD_LIMITS", "WEB_CONCURRENCY", "BIND", "PORT",
}  # fmt: skip


def unavailable(reason: str):
    """Skip on a laptop without the service; fail in CI, where every service must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def reachable(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra: str) -> dict[str, str]:
    """A child process's environment: real settings in production mode, plain HTTP on loopback."""
    environ = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
    return environ | {
        "DJANGO_SETTINGS_MODULE": "headache_site.settings",
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "locmem://",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run manage.py in a child process; its stdout, or a failure showing what went wrong."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"manage.py {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def django(code: str, *, env: dict[str, str]) -> str:
    """Run Python with Django set up (`manage.py shell -c`) in a child process; its printed output."""
    return manage("shell", "--no-imports", "-v0", "-c", code, env=env).strip()


SEED_ARTICLE = """
from django.contrib.auth.models import User
from articles.models import Article
author, _ = User.objects.get_or_create(username="prod-author")
article = Article.objects.create(
    title={title!r}, slug={slug!r}, summary="A test article.", body="## Why\\n\\nBecause.",
    author=author, status=Article.Status.PUBLISHED,
)
print(article.pk)
"""


def seed_article(*, slug: str, env: dict[str, str]) -> int:
    return int(django(SEED_ARTICLE.format(title=slug.replace("-", " ").capitalize(), slug=slug), env=env))


# ------------------------------------------------------------------ HTTP


def http(port: int, method: str, path: str, *, body: str | bytes = b"", headers: dict | None = None, timeout=10):
    """One request on a fresh connection: (status, headers with lower-case names, body bytes)."""
    conn = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Reader:
    """A browser-like client: keeps cookies, sends the CSRF token, comes from one address via X-Forwarded-For."""

    def __init__(self, address: str = "203.0.113.7"):
        self.address = address
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(self, port: int, method: str, path: str, *, form: dict | None = None, json_reply=False):
        headers = {"X-Forwarded-For": self.address, "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if json_reply:
            headers["Accept"] = "application/json"
        body = b""
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.csrf_token
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf_token}).encode()
        status, response_headers, content = http(port, method, path, body=body, headers=headers)
        for cookie in response_headers.get("set-cookie", "").split(", "):
            name, _, rest = cookie.partition("=")
            if name.strip() and rest:
                self.cookies[name.strip()] = rest.split(";")[0]
        return status, response_headers, content

    def figures(self, port: int, slug: str) -> dict:
        """The reader request (never cached): the live figures, and a CSRF token for the next POST."""
        status, _, content = self.request(port, "GET", f"/articles/{slug}/reader/", json_reply=True)
        assert status == 200, content[:500]
        data = json.loads(content)
        self.csrf_token = data["csrf_token"]
        return data["rating"]

    def vote(self, port: int, slug: str, score: int) -> int:
        if not self.csrf_token:
            self.figures(port, slug)
        return self.request(port, "POST", f"/ratings/{slug}/vote/", form={"score": score}, json_reply=True)[0]

    def comment(self, port: int, *, article_id: int, slug: str, name: str, body: str) -> int:
        from django.core import signing

        from comments.forms import TIMESTAMP_SALT

        if not self.csrf_token:
            self.figures(port, slug)
        # The form's signed "served at" note, as the page would have issued it a minute ago.
        timestamp = signing.dumps({"a": article_id, "t": int(time.time()) - 60}, key=SECRET_KEY, salt=TIMESTAMP_SALT)
        form = {"name": name, "email": f"{secrets.token_hex(4)}@example.org", "body": body, "timestamp": timestamp}
        return self.request(port, "POST", f"/comments/post/{article_id}/", form=form)[0]


# ------------------------------------------------------------------ processes


def children_of(pid: int) -> list[int]:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]
    return []


def stop(process: subprocess.Popen, *, grace: float = 10) -> None:
    """SIGQUIT (gunicorn's quick shutdown), then SIGKILL after `grace` seconds; always reaps the process."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGQUIT)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py on a free loopback port."""

    def __init__(self, env: dict[str, str], *, log_path: Path, workers: int = 2):
        self.port = free_port()
        self.env = env | {"BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        log = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "headache_site.wsgi"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            os.close(log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log_text()}")
            with contextlib.suppress(OSError):
                if http(self.port, "GET", "/livez", timeout=2)[0] == 200:
                    return self
            time.sleep(0.1)
        stop(self.process)
        raise AssertionError(f"gunicorn did not answer within 30 s:\n{self.log_text()}")

    def __exit__(self, *exc_info) -> None:
        if self.process is not None:
            stop(self.process)

    def workers(self) -> list[int]:
        return children_of(self.process.pid)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


class RedisServer:
    """A private redis-server on a free port, to stop (kill) without touching anyone else's."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> "RedisServer":
        binary = os.environ.get("REDIS_SERVER", "redis-server")
        try:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            unavailable("redis-server is not installed (apt-get install redis-server)")
        deadline = time.monotonic() + 10
        while not reachable("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.kill()
                raise AssertionError("redis-server did not start")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def __exit__(self, *exc_info) -> None:
        self.kill()


# ------------------------------------------------------------------ PostgreSQL


def postgres_admin():
    """An autocommit connection to the server's maintenance database."""
    import psycopg

    return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)


def database_url(name: str) -> str:
    parts = urllib.parse.urlsplit(POSTGRES_ADMIN_URL)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def create_database(name: str, *, template: str | None = None) -> str:
    with postgres_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return database_url(name)


def drop_database(name: str) -> None:
    with postgres_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(url: str, sql: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


def settings_from_env(monkeypatch, **env: str) -> dict:
    """Evaluate headache_site/settings.py afresh as production would with `env`; its values by name."""
    import runpy

    for name in DROPPED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in {"DEBUG": "0", "HTTPS_ONLY": "0", "SECRET_KEY": SECRET_KEY, **env}.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "headache_site" / "settings.py"))
