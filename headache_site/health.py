"""Liveness and readiness checks for load balancers and monitoring."""

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def livez(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check(name: str, probe) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        probe()
    except Exception:
        logger.exception("health check failed: %s", name)
        return False, time.perf_counter() - started
    return True, time.perf_counter() - started


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    cache.set("healthz", "1", timeout=10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return what was stored")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache answer, 503 otherwise. Names no hosts or secrets."""
    checks = {}
    healthy = True
    for name, probe in (("database", _database), ("cache", _cache)):
        ok, seconds = _check(name, probe)
        checks[name] = {"ok": ok, "ms": round(seconds * 1000, 1)}
        healthy = healthy and ok
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
