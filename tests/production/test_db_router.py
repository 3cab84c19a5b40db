"""DATABASE_REPLICA_URL: anonymous readers' pages read from the replica; writes and everyone else use the primary."""

import pytest
from django.db import router
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from articles.models import Article
from headache_site.db_routers import replica_for_readers
from ratings.models import Vote

from .servers import settings_from_env

ROUTED = override_settings(DATABASE_ROUTERS=["headache_site.db_routers.ReplicaRouter"])


def databases_used(request) -> dict[str, str]:
    """Serve `request` through the middleware; which database would a read and a write use?"""
    seen = {}

    def view(request):
        seen["read"] = Article.objects.all().db
        seen["write"] = router.db_for_write(Vote)
        return HttpResponse()

    replica_for_readers(view)(request)
    return seen


@ROUTED
def test_an_anonymous_page_view_reads_from_the_replica():
    assert databases_used(RequestFactory().get("/articles/botox/")) == {"read": "replica", "write": "default"}


@ROUTED
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_request_reads_and_writes_on_the_primary(method):
    request = getattr(RequestFactory(), method)("/ratings/botox/vote/")

    assert databases_used(request) == {"read": "default", "write": "default"}


@ROUTED
def test_a_signed_in_person_reads_from_the_primary_and_sees_their_own_changes_at_once():
    request = RequestFactory().get("/admin/", HTTP_COOKIE="sessionid=abc")

    assert databases_used(request) == {"read": "default", "write": "default"}


@ROUTED
def test_outside_a_request_commands_and_cron_jobs_use_the_primary():
    assert Article.objects.all().db == "default"


def test_a_replica_url_adds_the_alias_the_router_and_its_middleware(monkeypatch):
    values = settings_from_env(monkeypatch, DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/health")

    assert values["DATABASES"]["replica"]["HOST"] == "replica.internal"
    assert values["DATABASES"]["replica"]["CONN_HEALTH_CHECKS"] is True
    assert values["DATABASE_ROUTERS"] == ["headache_site.db_routers.ReplicaRouter"]
    middleware = values["MIDDLEWARE"]
    # Before sessions and authentication: it decides from the request's cookies alone.
    assert middleware.index("headache_site.db_routers.replica_for_readers") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


def test_without_a_replica_url_there_is_one_database_and_no_router(monkeypatch):
    values = settings_from_env(monkeypatch)

    assert list(values["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in values
