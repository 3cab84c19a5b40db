"""The WordPress export written for these tests, a copy of wp-content/uploads built with Pillow, and a runner."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from articles.models import Article, Redirect, Topic
from comments.models import Comment
from ratings.models import RatingSummary
from wordpress.models import ImportedItem

FIXTURE = Path(__file__).parent / "fixtures" / "export.xml"


@pytest.fixture
def export_path() -> Path:
    return FIXTURE


@pytest.fixture
def media_dir(tmp_path) -> Path:
    """wp-content/uploads with the featured image (a PNG) and the inline image (a JPEG carrying EXIF)."""
    uploads = tmp_path / "uploads"
    (uploads / "2019" / "05").mkdir(parents=True)
    Image.new("RGB", (40, 30), "purple").save(uploads / "2019" / "05" / "aura.png")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (30, 20), "teal").save(uploads / "2019" / "05" / "injection-sites-300x200.jpg", exif=exif)
    return uploads


@pytest.fixture
def run_import(db, _media_root):
    """Run the command as a person would; returns what it printed."""

    def run(*args: str, path: Path = FIXTURE) -> str:
        out = io.StringIO()
        call_command("import_wordpress", str(path), *args, stdout=out)
        return out.getvalue()

    return run


def database_counts() -> dict[str, int]:
    from django.contrib.auth.models import User

    return {
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "users": User.objects.count(),
        "topics": Topic.objects.count(),
        "redirects": Redirect.objects.count(),
        "ratings": RatingSummary.objects.count(),
        "mappings": ImportedItem.objects.count(),
    }
