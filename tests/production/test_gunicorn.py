"""The production process: gunicorn's config, whitenoise's static files, health checks and JSON logs."""

import json
import os
import subprocess
import sys
import time

import pytest

from .servers import BASE_DIR, Gunicorn, http, production_env

YEAR = "max-age=31536000"


def run_gunicorn(*options: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """gunicorn with the repository's config in a child process, to its end (at most a minute)."""
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", *options, "-c", "gunicorn.conf.py", "headache_site.wsgi"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_gunicorn_config_loads_with_a_production_environment(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", LOG_FORMAT="json")

    result = run_gunicorn("--check-config", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


def gunicorn_config(env: dict[str, str]) -> dict[str, str]:
    """The settings gunicorn would run with (`--print-config`), as name → value text."""
    result = run_gunicorn("--print-config", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    pairs = (line.partition("=") for line in result.stdout.splitlines())
    return {name.strip(): value.strip() for name, _, value in pairs}


def test_with_the_per_process_cache_gunicorn_defaults_to_one_worker(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    env.pop("WEB_CONCURRENCY", None)

    embedded = gunicorn_config(env)
    shared = gunicorn_config(env | {"CACHE_URL": "redis://127.0.0.1:6379/0"})

    assert embedded["workers"] == "1"
    assert int(shared["workers"]) == 2 * os.cpu_count() + 1


def test_several_workers_with_the_per_process_cache_are_refused_with_a_reason(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", WEB_CONCURRENCY="2", BIND="127.0.0.1:0")

    result = run_gunicorn(env=env)

    assert result.returncode != 0
    assert "2 workers cannot share CACHE_URL=locmem://" in result.stdout + result.stderr
    assert "Booting worker" not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory, static_root):
    """gunicorn in production mode over static files collected into a scratch STATIC_ROOT."""
    scratch = tmp_path_factory.mktemp("site")
    env = production_env(
        DATABASE_URL=f"sqlite:///{scratch}/db.sqlite3", STATIC_ROOT=str(static_root), LOG_FORMAT="json"
    )
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    with Gunicorn(env, log_path=scratch / "gunicorn.log", workers=1) as server:
        yield server, manifest


@pytest.fixture
def stylesheet(site):
    _, manifest = site
    original = next(name for name in manifest if name.endswith(".css"))
    return original, manifest[original]


def test_hashed_static_files_are_cached_for_a_year_and_immutable(site, stylesheet):
    server, _ = site
    _, hashed = stylesheet

    status, headers, body = http(server.port, "GET", f"/static/{hashed}")

    assert status == 200 and body
    assert YEAR in headers["cache-control"]
    assert "public" in headers["cache-control"] and "immutable" in headers["cache-control"]


@pytest.mark.parametrize(("accept", "encoding"), [("gzip", "gzip"), ("br, gzip", "br")])
def test_static_files_are_served_compressed_to_clients_that_accept_it(site, stylesheet, accept, encoding):
    server, _ = site
    _, hashed = stylesheet

    _, plain_headers, plain = http(server.port, "GET", f"/static/{hashed}")
    status, headers, compressed = http(server.port, "GET", f"/static/{hashed}", headers={"Accept-Encoding": accept})

    assert status == 200
    assert headers["content-encoding"] == encoding
    assert "accept-encoding" in headers["vary"].lower()
    assert len(compressed) < len(plain)


def test_health_is_json_and_liveness_is_cheap(site):
    server, _ = site

    health_status, health_headers, health = http(server.port, "GET", "/healthz")
    live_status, _, live = http(server.port, "GET", "/livez")

    assert health_status == 200
    assert health_headers["content-type"] == "application/json"
    assert json.loads(health)["checks"]["database"]["ok"] is True
    assert live_status == 200 and json.loads(live) == {"status": "ok"}


def test_with_log_format_json_every_log_line_is_a_json_object(site):
    server, _ = site
    http(server.port, "OPTIONS", "/livez?probe=1")

    deadline = time.monotonic() + 10  # the access line is written just after the response
    while True:
        records = [json.loads(line) for line in server.log_text().splitlines() if line.strip()]
        access = [r for r in records if r["logger"] == "gunicorn.access" and r.get("method") == "OPTIONS"]
        if access or time.monotonic() > deadline:
            break
        time.sleep(0.1)

    assert any(
        r["logger"] == "django.request" and r["message"] == "Method Not Allowed (OPTIONS): /livez" for r in records
    )
    assert access and (access[0]["path"], access[0]["query"], access[0]["status"]) == ("/livez", "probe=1", "405")
    assert {"time", "level", "logger", "message"} <= access[0].keys()


@pytest.mark.parametrize(("method", "path", "headers", "status"), [
    ("GET", "/", {"Host": "evil.example"}, 400),  # refused before any other middleware has run
    ("GET", "/healthz", {}, 200),
])  # fmt: skip
def test_answers_served_by_gunicorn_carry_the_security_headers(site, method, path, headers, status):
    server, _ = site

    answer, received, _ = http(server.port, method, path, headers=headers)

    assert answer == status
    assert "frame-ancestors 'none'" in received["content-security-policy"]
    assert received["x-frame-options"] == "DENY"
    assert received["x-content-type-options"] == "nosniff"
    assert received["referrer-policy"] == "strict-origin-when-cross-origin"
