"""Who a request comes from behind proxies, and the security headers every page carries."""

import re

import pytest
from django.http import JsonResponse
from django.urls import path, reverse

from headache_site.clients import client_address
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


def test_readers_pages_load_scripts_from_files_under_a_policy_without_a_nonce(client, article):
    responses = [client.get(article.get_absolute_url()) for _ in range(2)]

    policies = {response["Content-Security-Policy"] for response in responses}
    assert len(policies) == 1  # the same for every reader: a cache may keep it
    assert re.search(r"(^|; )script-src 'self'(;|$)", policies.pop())
    html = responses[0].content.decode()
    assert re.findall(r"<script\b[^>]*\bsrc=", html)
    assert "nonce" not in html
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/ld\+json\"))[^>]*>", html)  # no inline code


def test_pages_rendered_for_one_person_keep_djangos_nonce_based_policy(client, editor):
    client.force_login(editor)
    nonces = set()
    for _ in range(2):
        response = client.get(reverse("admin:index"))
        nonce = re.search(r"script-src 'self' 'nonce-([\w-]+)'", response["Content-Security-Policy"])[1]
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.add(nonce)
    assert len(nonces) == 2


def test_signing_in_sets_http_only_same_site_cookies(client, editor):
    login_page = client.get(reverse("admin:login"))
    response = client.post(reverse("admin:login"), {"username": "editor", "password": "editor-pass-123"})

    csrf, session = login_page.cookies["csrftoken"], response.cookies["sessionid"]
    assert response.status_code == 302
    assert csrf["samesite"] == "Lax"
    assert session["samesite"] == "Lax"
    assert session["httponly"] is True
