"""Image uploads: verified from the bytes, re-encoded without metadata, stored under random names.

The client's file name and content type are never trusted: Pillow decides
what the file is, the extension follows the detected format, and the
pixels are copied into a fresh image so EXIF (GPS, camera, author) and
any trailing payload are dropped.
"""

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Detected format -> (format we write, extension).
ACCEPTED_FORMATS = {
    "JPEG": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
    "MPO": ("JPEG", "jpg"),  # what Pillow calls many phone cameras' JPEGs
    "GIF": ("PNG", "png"),  # re-encoded: first frame only, as PNG
}
ACCEPTED_NAMES = "JPEG, PNG, WebP or GIF"
# Decoders Pillow may try on the bytes (its JPEG decoder is the one that finds MPO).
DECODERS = ("JPEG", "PNG", "WEBP", "GIF")


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why, for the editor."""


def _file_size(size: int) -> str:
    """A size as people read it: "350 KB", "8.0 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def clean_image(upload: UploadedFile) -> ContentFile:
    """Validate an uploaded image and return a re-encoded copy with a random name."""
    limit = settings.ARTICLE_IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ImageRejected(f"The file is {_file_size(upload.size)}; images can be at most {_file_size(limit)}.")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ImageRejected(f"The file is larger than {_file_size(limit)}, the most an image can be.")
    try:
        # Only the decoders we accept ever parse the bytes.
        with Image.open(io.BytesIO(data), formats=DECODERS) as probe:
            detected = probe.format
            width, height = probe.size
            if detected not in ACCEPTED_FORMATS:
                raise ImageRejected(
                    f"This file is {detected or 'not an image'}; only {ACCEPTED_NAMES} images can be uploaded."
                )
            if width * height > settings.ARTICLE_IMAGE_MAX_PIXELS:
                raise ImageRejected(
                    f"The image is {width} × {height} pixels; images can have at most "
                    f"{settings.ARTICLE_IMAGE_MAX_PIXELS // 1_000_000} million pixels."
                )
            probe.verify()
        with Image.open(io.BytesIO(data), formats=DECODERS) as image:
            image.seek(0)
            image.load()
            image = ImageOps.exif_transpose(image)
            out_format, extension = ACCEPTED_FORMATS[detected]
            has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
            mode = "RGBA" if has_alpha and out_format != "JPEG" else "RGB"
            image = image.convert(mode)
            image.thumbnail((settings.ARTICLE_IMAGE_MAX_SIDE, settings.ARTICLE_IMAGE_MAX_SIDE))
            fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(
            f"The image claims more pixels than the {settings.ARTICLE_IMAGE_MAX_PIXELS // 1_000_000} million "
            "an image can have; resize it and upload it again."
        ) from None
    except UnidentifiedImageError:
        raise ImageRejected(f"This file is not an image we can read; upload a {ACCEPTED_NAMES} image.") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected("The image is damaged or incomplete and cannot be used.") from None
    buffer = io.BytesIO()
    options = {"quality": 85, "optimize": True} if out_format in {"JPEG", "WEBP"} else {"optimize": True}
    fresh.save(buffer, format=out_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def store_editor_image(upload: UploadedFile) -> str:
    """Clean an image dropped into the editor, store it, and return its public URL."""
    cleaned = clean_image(upload)
    path = default_storage.save(f"articles/body/{cleaned.name}", cleaned)
    return default_storage.url(path)
