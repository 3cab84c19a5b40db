"""Who a request comes from behind proxies, and the security headers every page carries."""

import re

import pytest
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.csp import CSP, LazyNonce, build_policy
from django.views.decorators.csp import csp_override

from headache_site.clients import client_address
from headache_site.security import ContentSecurityPolicyMiddleware, policy
from headache_site.urls import urlpatterns as site_urlpatterns


def whoami(request):
    return JsonResponse({"address": client_address(request), "secure": request.is_secure()})


urlpatterns = [path("whoami/", whoami), *site_urlpatterns]

FORGED = {"HTTP_X_FORWARDED_FOR": "203.0.113.66", "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "198.51.100.7"}
HTML_PAGES = ["articles:home", "articles:search"]


@pytest.fixture
def behind_one_proxy(settings):
    """What settings.py sets for NUM_PROXIES=1 (it is computed once, at start-up)."""
    settings.NUM_PROXIES = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# ------------------------------------------------------------------ proxies


@pytest.mark.urls("tests.test_security")
def test_without_proxies_forwarded_headers_are_ignored(client):
    response = client.get("/whoami/", **FORGED)

    assert response.json() == {"address": "198.51.100.7", "secure": False}


@pytest.mark.urls("tests.test_security")
def test_behind_one_proxy_the_address_it_saw_is_the_client(client, behind_one_proxy):
    response = client.get(
        "/whoami/",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 192.0.2.44",  # forged by the client, then appended by our proxy
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR="10.0.0.2",
    )

    assert response.json() == {"address": "192.0.2.44", "secure": True}


@pytest.mark.urls("tests.test_security")
def test_behind_one_proxy_plain_http_stays_insecure(client, behind_one_proxy):
    response = client.get("/whoami/", HTTP_X_FORWARDED_FOR="192.0.2.44", REMOTE_ADDR="10.0.0.2")

    assert response.json() == {"address": "192.0.2.44", "secure": False}


@pytest.mark.urls("tests.test_security")
@pytest.mark.parametrize("forwarded", ["", "not-an-address", " , "])
def test_behind_one_proxy_a_missing_or_garbled_header_keeps_the_proxy_address(client, behind_one_proxy, forwarded):
    response = client.get("/whoami/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")

    assert response.json()["address"] == "10.0.0.2"


@pytest.mark.urls("tests.test_security")
def test_behind_two_proxies_the_client_is_second_from_the_end(client, settings):
    settings.NUM_PROXIES = 2

    response = client.get("/whoami/", HTTP_X_FORWARDED_FOR="6.6.6.6, 2001:db8::1, 10.0.0.9", REMOTE_ADDR="10.0.0.10")

    assert response.json()["address"] == "2001:db8::1"


# ------------------------------------------------------------------ headers


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", HTML_PAGES)
def test_html_pages_carry_the_security_headers(client, url_name):
    response = client.get(reverse(url_name))

    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert re.search(r"(^|; )script-src 'self'( 'nonce-[\w-]+')?(;|$)", csp)
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_article_scripts_carry_the_nonce_the_policy_allows(client, article):
    response = client.get(article.get_absolute_url())

    nonce = re.search(r"script-src 'self' 'nonce-([\w-]+)'", response["Content-Security-Policy"])[1]
    scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in script for script in scripts)


def test_each_response_gets_a_fresh_nonce(client, article):
    policies = {client.get(article.get_absolute_url())["Content-Security-Policy"] for _ in range(2)}

    assert len(policies) == 2


CSP_CONFIGS = [
    {"default-src": [CSP.SELF], "script-src": [CSP.SELF, CSP.NONCE], "frame-ancestors": [CSP.NONE]},
    {"default-src": {CSP.SELF, "https://cdn.example"}, "upgrade-insecure-requests": True, "img-src": False},
    {"style-src": [CSP.NONCE], "report-uri": "/csp-report/"},
]


@pytest.mark.parametrize("config", CSP_CONFIGS)
def test_the_kept_policy_text_is_what_django_builds(config):
    for nonce in ("Zm9vYmFy-_x", None, ""):
        assert policy(config, nonce) == build_policy(config, nonce)
    unused = LazyNonce()  # a nonce nothing asked for: no nonce source, as Django does
    assert policy(config, unused) == build_policy(config, unused) and not unused


def test_a_changed_policy_setting_is_seen_at_once(client, settings, article):
    settings.PAGE_CACHE_SECONDS = 0
    first = client.get(article.get_absolute_url())["Content-Security-Policy"]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": [CSP.SELF, "https://images.example"]}
    second = client.get(article.get_absolute_url())["Content-Security-Policy"]
    settings.SECURE_CSP["img-src"].append("https://more.example")  # changed in place: seen too
    third = client.get(article.get_absolute_url())["Content-Security-Policy"]

    assert "images.example" not in first
    assert "img-src 'self' https://images.example;" in second
    assert "img-src 'self' https://images.example https://more.example;" in third
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", third)


def test_a_view_s_own_policy_wins(rf):

    @csp_override({"default-src": [CSP.NONE]})
    def view(request):
        return JsonResponse({})

    request = rf.get("/")
    middleware = ContentSecurityPolicyMiddleware(view)
    assert middleware(request)["Content-Security-Policy"] == "default-src 'none'"


def test_signing_in_sets_http_only_same_site_cookies(client, editor):
    login_page = client.get(reverse("admin:login"))
    response = client.post(reverse("admin:login"), {"username": "editor", "password": "editor-pass-123"})

    csrf, session = login_page.cookies["csrftoken"], response.cookies["sessionid"]
    assert response.status_code == 302
    assert csrf["samesite"] == "Lax"
    assert session["samesite"] == "Lax"
    assert session["httponly"] is True
