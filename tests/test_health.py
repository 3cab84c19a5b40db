from unittest import mock

from django.urls import reverse


def test_liveness_answers_without_touching_the_database(client):
    # No `db` fixture: pytest-django turns any query here into an error.
    response = client.get(reverse("livez"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_ok_when_database_and_cache_answer(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_503_when_the_cache_fails_and_reveals_no_details(client, db):
    with mock.patch("headache_site.health.cache.set", side_effect=ConnectionError("redis://secret@host down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert b"secret" not in response.content
