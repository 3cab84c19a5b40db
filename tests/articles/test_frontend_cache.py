"""Purges reach the caches in front: Varnish, Cloudflare, Fastly (fake servers on loopback that record what
they are sent) and CloudFront (moto's server), coalesced, retried, and sent however a change is made."""

import io
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import frontend_cache
from articles.frontend_cache import purger

BASE_DIR = Path(__file__).resolve().parent.parent.parent
JSON = {"HTTP_ACCEPT": "application/json"}


class Recorder:
    """An HTTP server on loopback that notes every request and answers with the statuses it is told to."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []  # answered in turn; 200 once they run out
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append(
                    {
                        "at": time.time(),
                        "method": self.command,
                        "path": self.path,
                        "headers": {name.lower(): value for name, value in self.headers.items()},
                        "body": self.rfile.read(length),
                    }
                )
                status = recorder.statuses.pop(0) if recorder.statuses else 200
                body = json.dumps({"success": status == 200}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_PURGE = do_POST = _record

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, *, seconds: float = 5) -> list[dict]:
        deadline = time.time() + seconds
        while len(self.requests) < count and time.time() < deadline:
            time.sleep(0.02)
        return self.requests

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorders():
    made = [Recorder() for _ in range(4)]
    yield made
    for recorder in made:
        recorder.close()


@pytest.fixture
def caches_in_front(recorders, settings):
    varnish_a, varnish_b, cloudflare, fastly = recorders
    settings.FRONTEND_CACHES = {
        "varnish": {"BACKEND": "articles.frontend_cache.VarnishBackend", "URLS": [varnish_a.url, varnish_b.url]},
        "cloudflare": {
            "BACKEND": "articles.frontend_cache.CloudflareBackend",
            "ZONE_ID": "zone123",
            "API_TOKEN": "cf-token",
            "API_URL": cloudflare.url + "/client/v4",
        },
        "fastly": {
            "BACKEND": "articles.frontend_cache.FastlyBackend",
            "SERVICE_ID": "svc456",
            "API_TOKEN": "fastly-token",
            "API_URL": fastly.url,
        },
    }
    return recorders


def vote(article, score: int = 4) -> int:
    return Client().post(reverse("ratings:rate", args=[article.slug]), {"score": str(score)}, **JSON).status_code


@pytest.mark.django_db(transaction=True)
def test_a_vote_purges_its_article_and_the_lists_from_every_cache_in_front(article, caches_in_front):
    varnish_a, varnish_b, cloudflare, fastly = caches_in_front
    assert vote(article) == 200
    tags = {f"article-{article.pk}", "lists"}

    for varnish in (varnish_a, varnish_b):
        (sent,) = varnish.wait_for(1)
        assert sent["method"] == "PURGE"
        assert set(sent["headers"]["xkey-purge"].split()) == tags
    (sent,) = cloudflare.wait_for(1)
    assert (sent["method"], sent["path"]) == ("POST", "/client/v4/zones/zone123/purge_cache")
    assert sent["headers"]["authorization"] == "Bearer cf-token"
    assert set(json.loads(sent["body"])["tags"]) == tags
    (sent,) = fastly.wait_for(1)
    assert (sent["method"], sent["path"]) == ("POST", "/service/svc456/purge")
    assert sent["headers"]["fastly-key"] == "fastly-token"
    assert set(sent["headers"]["surrogate-key"].split()) == tags


@pytest.mark.django_db(transaction=True)
def test_a_busy_page_is_purged_about_once_a_second_and_its_last_change_still_arrives(article, caches_in_front):
    varnish = caches_in_front[0]
    votes_done = []
    started = time.time()
    for n in range(16):
        assert vote(article, n % 5 + 1) == 200
        votes_done.append(time.time())
        time.sleep(0.1)
    time.sleep(2.2)
    purges = [sent for sent in varnish.requests if f"article-{article.pk}" in sent["headers"]["xkey-purge"]]
    assert 2 <= len(purges) <= (votes_done[-1] - started) + 2  # 16 changes: one purge a second, and the last
    assert all(later["at"] - earlier["at"] >= 0.9 for earlier, later in zip(purges, purges[1:], strict=False))
    assert votes_done[-1] <= purges[-1]["at"] <= votes_done[-1] + 2  # the last change shows within 2 s


@pytest.mark.django_db(transaction=True)
def test_a_failed_purge_never_fails_the_write_and_is_tried_again(article, caches_in_front, monkeypatch, caplog):
    monkeypatch.setattr(frontend_cache, "retry_delay", lambda attempt: 0.2)
    varnish_a = caches_in_front[0]
    varnish_a.statuses = [503, 503]
    assert vote(article) == 200
    sent = varnish_a.wait_for(3)
    assert [request["method"] for request in sent] == ["PURGE"] * 3  # two refusals, then the purge that took
    assert "Purge from varnish failed (Varnish at" in caplog.text
    from ratings.models import Vote

    assert Vote.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_cache_costs_the_reader_nothing(article, settings):
    settings.FRONTEND_CACHES = {
        "varnish": {"BACKEND": "articles.frontend_cache.VarnishBackend", "URLS": ["http://127.0.0.1:9"]}
    }
    started = time.time()
    assert vote(article) == 200
    assert time.time() - started < 1


def test_cloudfront_gets_an_invalidation_of_the_changed_addresses(article, settings, monkeypatch):
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.production.servers import free_port

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        cloudfront = boto3.client("cloudfront", endpoint_url=endpoint, region_name="us-east-1")
        distribution = cloudfront.create_distribution(DistributionConfig=_distribution_config())["Distribution"]
        settings.FRONTEND_CACHES = {
            "cloudfront": {
                "BACKEND": "articles.frontend_cache.CloudFrontBackend",
                "DISTRIBUTION_ID": distribution["Id"],
                "ENDPOINT_URL": endpoint,
            }
        }
        from articles.caching import purge_article_page

        purge_article_page(article)
        purger.flush()
        invalidations = cloudfront.list_invalidations(DistributionId=distribution["Id"])["InvalidationList"]
        (summary,) = invalidations["Items"]
        paths = cloudfront.get_invalidation(DistributionId=distribution["Id"], Id=summary["Id"])["Invalidation"][
            "InvalidationBatch"
        ]["Paths"]["Items"]
        assert f"{article.get_absolute_url()}*" in paths
        assert {"/", "/search/*", "/feed/*", "/sitemap.xml", "/topics/*"} <= set(paths)
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_change_made_from_the_shell_is_purged_before_the_command_ends(article, recorders):
    varnish = recorders[0]
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "headache_site.settings_test",
        "DATABASE_URL": _database_url(),
        "PURGE_URLS": varnish.url,
        "PURGE_INTERVAL": "30",  # even a long interval: what waits is sent at exit
    }
    script = f"from articles.models import Article; a = Article.objects.get(pk={article.pk}); a.title = 'New'; a.save()"
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=BASE_DIR, env=environ, check=True, timeout=60
    )
    (sent,) = varnish.wait_for(1, seconds=1)
    assert {f"article-{article.pk}", f"article-{article.pk}-text", "lists"} <= set(
        sent["headers"]["xkey-purge"].split()
    )


def test_settings_build_the_caches_in_front_from_the_environment(monkeypatch):
    from headache_site.settings import frontend_caches

    monkeypatch.setenv("PURGE_URLS", "http://10.0.0.5:6081, http://10.0.0.6:6081")
    monkeypatch.setenv("FASTLY_SERVICE_ID", "svc")
    monkeypatch.setenv("FASTLY_API_TOKEN", "tok")
    caches = frontend_caches()
    assert caches["varnish"]["URLS"] == ["http://10.0.0.5:6081", "http://10.0.0.6:6081"]
    assert caches["fastly"]["SERVICE_ID"] == "svc" and "cloudflare" not in caches


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"PURGE_URLS": "10.0.0.5:6081"}, "PURGE_URLS must list http://"),
        ({"CLOUDFLARE_ZONE_ID": "zone"}, "CLOUDFLARE_ZONE_ID needs CLOUDFLARE_API_TOKEN"),
        ({"FASTLY_SERVICE_ID": "svc"}, "FASTLY_SERVICE_ID needs FASTLY_API_TOKEN"),
    ],
)
def test_an_incomplete_cache_configuration_is_refused_at_start(monkeypatch, variables, message):
    from django.core.exceptions import ImproperlyConfigured

    from headache_site.settings import frontend_caches

    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        frontend_caches()


def _database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] or "postgres"
    return f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


def _distribution_config() -> dict:
    origin = {
        "Id": "site",
        "DomainName": "origin.health.example",
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
    }
    return {
        "CallerReference": "tests",
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "site",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
        },
        "Comment": "health site",
        "Enabled": True,
    }


@pytest.mark.django_db(transaction=True)
def test_purge_pages_drops_every_page_here_and_in_front(article, recorders, settings):
    from django.core.management import call_command
    from django.test import Client as Reader

    varnish = recorders[0]
    settings.FRONTEND_CACHES = {"varnish": {"BACKEND": "articles.frontend_cache.VarnishBackend", "URLS": [varnish.url]}}
    Reader().get(article.get_absolute_url())
    type(article).objects.filter(pk=article.pk).update(title="Changed without a signal")
    out = io.StringIO()
    call_command("purge_pages", stdout=out)
    assert "Every page is purged" in out.getvalue()
    assert "Changed without a signal" in Reader().get(article.get_absolute_url()).content.decode()
    (sent,) = varnish.wait_for(1)
    assert set(sent["headers"]["xkey-purge"].split()) == {"site", "lists"}
