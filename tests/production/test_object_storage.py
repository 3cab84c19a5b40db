"""Media in an S3-compatible bucket (django-storages), against moto's S3 server on loopback."""

import re

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.articles.images import image_bytes

from .servers import free_port, settings_from_env

MEDIA_URL = "https://media.health.example/"
BUCKET = "health-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    yield s3
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def test_an_editor_image_goes_to_the_bucket_and_is_linked_on_the_media_origin(
    bucket, s3_endpoint, monkeypatch, client, editor
):
    values = settings_from_env(
        monkeypatch, AWS_STORAGE_BUCKET_NAME=BUCKET, S3_ENDPOINT_URL=s3_endpoint, MEDIA_URL=MEDIA_URL
    )
    client.force_login(editor)

    with override_settings(STORAGES=values["STORAGES"], MEDIA_URL=values["MEDIA_URL"]):
        response = client.post(
            reverse("articles:editor-upload"),
            {"image": SimpleUploadedFile("photo.jpg", image_bytes(), content_type="image/jpeg")},
        )

    assert response.status_code == 200, response.content
    url = re.fullmatch(r"!\[\]\((?P<url>[^)]+)\)", response.json()["image_code"])["url"]
    assert url.startswith(f"{MEDIA_URL}articles/body/")
    key = url.removeprefix(MEDIA_URL)
    stored = bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["ContentType"] == "image/jpeg"
    assert stored["CacheControl"] == "max-age=86400, public"
    assert stored["Body"].read()[:3] == b"\xff\xd8\xff"  # a JPEG


def test_without_a_bucket_media_are_local_files(monkeypatch):
    values = settings_from_env(monkeypatch)

    assert values["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert values["MEDIA_URL"] == "/media/"


def test_a_bucket_needs_media_url_on_its_own_origin(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_URL must be the address the bucket is served from"):
        settings_from_env(monkeypatch, AWS_STORAGE_BUCKET_NAME=BUCKET)
