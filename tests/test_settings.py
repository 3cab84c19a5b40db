"""Settings read from the environment: production checks, databases, cache and mail URLs."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from headache_site.settings import cache_from_url, env_bool, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
# What the test run puts into the environment, so a child process starts like a real deployment.
TEST_RUN_VARIABLES = {
    "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "HTTPS_ONLY", "ALLOWED_HOSTS", "EMAIL_URL", "CACHE_URL",
    "NUM_PROXIES", "HSTS_PRELOAD", "SITE_URL", "MEDIA_URL", "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with the real (production) settings and `env`."""
    environ = {k: v for k, v in os.environ.items() if k not in TEST_RUN_VARIABLES}
    environ |= {"DJANGO_SETTINGS_MODULE": "headache_site.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra: str) -> dict[str, str]:
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "health.example", **extra}


# ------------------------------------------------------------------ production


def test_a_production_configuration_passes_the_deployment_checks_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (" not in output


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_local_development_runs_without_a_secret_key():
    result = manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_a_typo_in_a_yes_no_variable_is_an_error_not_a_guess():
    result = manage("check", **production_env(DEBUG="ture"))

    assert result.returncode != 0
    assert "DEBUG must be 1/0, true/false, yes/no or on/off, not 'ture'." in result.stderr


def test_behind_a_proxy_the_forwarded_protocol_decides_what_is_secure():
    show = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"

    direct = manage("shell", "--no-imports", "-c", show, **production_env())
    proxied = manage("shell", "--no-imports", "-c", show, **production_env(NUM_PROXIES="1"))
    negative = manage("check", **production_env(NUM_PROXIES="-1"))

    assert direct.stdout.strip() == "None", direct.stderr
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", proxied.stderr
    assert "NUM_PROXIES cannot be negative." in negative.stderr


def test_production_sends_mail_through_a_real_server_by_default():
    show = "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])"

    result = manage("shell", "--no-imports", "-c", show, **production_env())

    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend", result.stderr


@pytest.mark.parametrize(("raw", "value"), [("1", True), (" yes ", True), ("ON", True), ("0", False), ("off", False)])
def test_yes_no_variables_accept_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG", not value) is value


# ------------------------------------------------------------------ database


@pytest.mark.django_db
@pytest.mark.only_on_database("sqlite")
def test_sqlite_waits_for_other_writers_instead_of_failing():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]

    assert journal_mode == "wal"
    assert busy_timeout == 20000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.only_on_database("postgresql")  # server databases
def test_server_databases_keep_checked_persistent_connections():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


# ------------------------------------------------------------------ cache


def test_cache_url_defaults_to_local_memory():
    assert cache_from_url("locmem://") == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "site",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }


@pytest.mark.parametrize("url", ["redis://cache.internal:6379/1", "rediss://:secret@cache.example:6380/0"])
def test_cache_url_points_redis_at_the_given_server(url):
    cache = cache_from_url(url)

    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == url
    assert cache["KEY_PREFIX"] == "health"


def test_cache_url_can_turn_caching_off():
    assert cache_from_url("dummy://") == {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


@pytest.mark.parametrize("url", ["", "memcached://127.0.0.1:11211", "cache.internal:6379", "redis"])
def test_an_unknown_cache_url_is_a_configuration_error(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must start with"):
        cache_from_url(url)


def test_rate_limit_counters_never_live_in_one_process_memory():
    assert settings.CACHES["shared"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"


# ------------------------------------------------------------------ email


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("locmem://", "django.core.mail.backends.locmem.EmailBackend"),
        ("dummy://", "django.core.mail.backends.dummy.EmailBackend"),
    ],
)
def test_email_url_picks_a_development_backend(url, backend):
    assert mailer_from_url(url) == {"BACKEND": backend}


def test_email_url_for_submission_uses_starttls_on_port_587_with_decoded_credentials():
    mailer = mailer_from_url("submission://news%40health.example:p%40ss%2Fword@smtp.example")

    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example",
            "port": 587,
            "username": "news@health.example",
            "password": "p@ss/word",
            "use_ssl": False,
            "use_tls": True,
            "timeout": 10,
        },
    }


@pytest.mark.parametrize(
    ("url", "port", "use_ssl", "use_tls"),
    [
        ("smtp://localhost", 25, False, False),
        ("smtp://mail.internal:2525?tls=1", 2525, False, True),
        ("smtps://mail.example", 465, True, False),
        ("smtps://mail.example?tls=1", 465, True, False),
    ],
)
def test_email_url_chooses_port_and_encryption(url, port, use_ssl, use_tls):
    options = mailer_from_url(url)["OPTIONS"]

    assert (options["port"], options["use_ssl"], options["use_tls"]) == (port, use_ssl, use_tls)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sendmail://localhost", "EMAIL_URL must use one of"),
        ("", "EMAIL_URL must use one of"),
        ("mail.example:25", "EMAIL_URL must use one of"),
        ("smtp://mail.example:port", "EMAIL_URL has a port that is not a number"),
        ("smtp://mail.example:99999", "EMAIL_URL has a port that is not a number"),
    ],
)
def test_a_bad_email_url_is_a_configuration_error(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        mailer_from_url(url)
