"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py headache_site.wsgi`.

Every value can be overridden from the environment (GUNICORN_* or the
documented variables below) or on the command line.
"""

import multiprocessing
import os

from headache_site.access_log import ACCESS_LOG_FORMAT

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: 2 per core plus one, the usual starting point for a CPU-bound Django app.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"


def _cache_is_per_process() -> bool:
    """Whether the purge numbers that say which cached pages are current live in each worker's own memory
    (CACHE_URL=locmem://), where one worker's purge is not seen by the others."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headache_site.settings")
    from django.conf import settings

    in_use = settings.PAGE_CACHE_SECONDS > 0 or settings.FRAGMENT_CACHE_SECONDS > 0
    return in_use and settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


if "WEB_CONCURRENCY" not in os.environ and _cache_is_per_process():
    workers = 1  # the embedded default: one process, whose memory is the cache


def on_starting(server):
    """Several workers must share one cache: with local memory a vote or a new comment would reach
    only the worker that took it, and the others would go on serving the old page."""
    if server.cfg.workers > 1 and _cache_is_per_process():
        raise SystemExit(
            f"gunicorn: {server.cfg.workers} workers cannot share CACHE_URL=locmem:// (each would keep its own "
            "purge numbers and serve pages another worker's change made out of date). Set CACHE_URL=redis://… "
            "or WEB_CONCURRENCY=1."
        )


timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows unbounded, but not
# so often that a busy worker restarts (and loses its warm caches) every few
# seconds: at 1,000 requests a second this is about once every two minutes.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One line per request: client "request" status bytes milliseconds "user agent",
# written by headache_site.access_log, which fills in just these fields
# (gunicorn's generic formatter costs a fifth of a cached page).
access_log_format = ACCESS_LOG_FORMAT
logger_class = "headache_site.access_log.AccessLogger"
# Django decides from X-Forwarded-* itself (NUM_PROXIES); gunicorn trusts no one.
forwarded_allow_ips = ""
preload_app = True
# The workers' heartbeat files in memory: a slow or full disk never gets a healthy worker killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# LOG_FORMAT=json (as for Django): gunicorn's own and access lines as JSON objects too.
if os.environ.get("LOG_FORMAT", "plain").strip() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "headache_site.logs.JsonFormatter"}},
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
        "root": {"level": "INFO", "handlers": []},
    }
