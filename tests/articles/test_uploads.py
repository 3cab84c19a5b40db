import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.articles.images import decompression_bomb_png, image_bytes, jpeg_with_gps, stored_files
from tests.conftest import make_user

UPLOAD_URL = reverse("articles:editor-upload")
PREVIEW_URL = reverse("articles:editor-preview")
STORED_NAME = re.compile(r"^!\[\]\(/media/articles/body/(?P<name>[0-9a-f]{32})\.(?P<ext>jpg|png|webp)\)$")


def upload(client, name: str, data: bytes, content_type: str = "image/png"):
    return client.post(UPLOAD_URL, {"image": SimpleUploadedFile(name, data, content_type=content_type)})


@pytest.fixture
def staff_without_article_permissions(db):
    return make_user("intern", staff=True, perms=("articles.view_article",))


# ------------------------------------------------------------------ who may use the editor


# Marked: the users are fetched inside the test, so pytest-django would not know it needs the database.
@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "reader", "staff_without_article_permissions"])
def test_only_editors_may_upload_or_preview(client, request, _media_root, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    upload_response = upload(client, "photo.jpg", image_bytes())
    preview_response = client.post(PREVIEW_URL, {"content": "## Hello"})

    assert upload_response.status_code == 403
    assert upload_response.json() == {"error": "Only signed-in editors can use the article editor."}
    assert preview_response.status_code == 403
    assert stored_files(_media_root) == []


def test_an_inactive_editor_may_not_upload(client, editor, _media_root):
    editor.is_active = False
    editor.save()
    client.force_login(editor)

    assert upload(client, "photo.jpg", image_bytes()).status_code in {302, 403}
    assert stored_files(_media_root) == []


def test_staff_with_only_the_add_permission_may_upload(client, _media_root, db):
    writer = make_user("writer", staff=True)
    writer.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(writer)

    assert upload(client, "photo.jpg", image_bytes()).status_code == 200


# ------------------------------------------------------------------ what is refused


REFUSED = {
    "svg": (
        "drawing.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        "image/svg+xml",
        "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF image.",
    ),
    "svg with onload": (
        "pic.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"></svg>',
        "image/png",
        "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF image.",
    ),
    "text renamed .png": (
        "notes.png",
        b"Just some notes about my headaches.\n",
        "image/png",
        "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF image.",
    ),
    "html page": (
        "page.html",
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        "text/html",
        "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF image.",
    ),
    "bitmap": (
        "scan.bmp",
        image_bytes("BMP"),
        "image/bmp",
        "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF image.",
    ),
    "truncated png": (
        "broken.png",
        image_bytes("PNG")[:60],
        "image/png",
        "The image is damaged or incomplete and cannot be used.",
    ),
    "decompression bomb": (
        "bomb.png",
        decompression_bomb_png(),
        "image/png",
        "The image claims more pixels than the 40 million an image can have; resize it and upload it again.",
    ),
    "too many pixels": (
        "huge.png",
        decompression_bomb_png(9_000, 9_000),
        "image/png",
        "The image is 9000 × 9000 pixels; images can have at most 40 million pixels.",
    ),
}


@pytest.mark.parametrize(("name", "data", "content_type", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_files_that_are_not_safe_images_are_refused_with_a_reason(
    client, editor, _media_root, name, data, content_type, message
):
    client.force_login(editor)

    response = upload(client, name, data, content_type)

    assert response.status_code == 400
    assert response.json() == {"image": [message]}
    assert stored_files(_media_root) == []


def test_an_image_larger_than_the_limit_is_refused(client, editor, _media_root, settings):
    settings.ARTICLE_IMAGE_MAX_BYTES = 1024
    data = image_bytes("PNG", size=(200, 200), mode="RGB", compress_level=0)
    assert len(data) > 1024
    client.force_login(editor)

    response = upload(client, "big.png", data)

    assert response.status_code == 400
    assert response.json() == {"image": ["The file is 117 KB; images can be at most 1 KB."]}
    assert stored_files(_media_root) == []


def test_a_request_without_an_image_is_refused(client, editor, _media_root):
    client.force_login(editor)

    response = client.post(UPLOAD_URL, {})

    assert response.status_code == 400
    assert response.json() == {"image": ["No image was received."]}


# ------------------------------------------------------------------ what is stored


def test_a_photo_is_stored_without_its_location_under_a_random_name_with_the_real_extension(
    client, editor, _media_root
):
    client.force_login(editor)

    response = upload(client, "photo.png", jpeg_with_gps(), "image/png")

    assert response.status_code == 200
    match = STORED_NAME.match(response.json()["image_code"])
    assert match and match["ext"] == "jpg"
    [stored] = stored_files(_media_root)
    assert stored.name == f"{match['name']}.jpg"
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (64, 48)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


def test_two_uploads_of_the_same_file_get_different_names(client, editor, _media_root):
    client.force_login(editor)
    data = image_bytes("PNG")

    first = upload(client, "same.png", data).json()["image_code"]
    second = upload(client, "same.png", data).json()["image_code"]

    assert first != second
    assert len(stored_files(_media_root)) == 2


def test_a_gif_is_stored_as_a_png(client, editor, _media_root):
    client.force_login(editor)

    response = upload(client, "animation.gif", image_bytes("GIF", mode="P"), "image/gif")

    assert STORED_NAME.match(response.json()["image_code"])["ext"] == "png"
    [stored] = stored_files(_media_root)
    with Image.open(stored) as image:
        assert image.format == "PNG"


def test_a_phone_photo_in_multi_picture_jpeg_form_is_accepted_as_a_jpeg(client, editor, _media_root):
    frame = Image.new("RGB", (32, 32), "navy")
    buffer = io.BytesIO()
    frame.save(buffer, "MPO", save_all=True, append_images=[frame])
    client.force_login(editor)

    response = upload(client, "IMG_0001.JPG", buffer.getvalue(), "image/jpeg")

    assert response.status_code == 200
    assert STORED_NAME.match(response.json()["image_code"])["ext"] == "jpg"


def test_a_very_large_photo_is_scaled_down_to_the_largest_side_allowed(client, editor, _media_root, settings):
    settings.ARTICLE_IMAGE_MAX_SIDE = 100
    client.force_login(editor)

    upload(client, "wide.webp", image_bytes("WEBP", size=(400, 200)), "image/webp")

    [stored] = stored_files(_media_root)
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("WEBP", (100, 50))


def test_stored_images_are_served_with_nosniff(client, editor):
    client.force_login(editor)
    image_code = upload(client, "photo.jpg", image_bytes()).json()["image_code"]
    url = image_code.removeprefix("![](").removesuffix(")")
    try:
        client.logout()
        response = client.get(url)

        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    finally:
        default_storage.delete(url.removeprefix("/media/"))
