"""The 500 page must render even when the database is what failed."""

import pytest
from django.db import OperationalError
from django.urls import path

from headache_site.urls import handler404, handler500
from headache_site.urls import urlpatterns as site_urlpatterns


def database_down(request):
    raise OperationalError("could not connect to server")


urlpatterns = [path("broken/", database_down), *site_urlpatterns]
__all__ = ["handler404", "handler500", "urlpatterns"]


@pytest.mark.urls("tests.articles.test_errors")
def test_a_server_error_shows_the_plain_500_page_without_touching_the_database(client, django_db_blocker):
    client.raise_request_exception = False

    with django_db_blocker.block():
        response = client.get("/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "could not connect" not in html
