"""Hostile and broken exports: refused with a message a person can act on, and the database left as it was."""

from pathlib import Path

import pytest
from django.core.management.base import CommandError

from articles.models import Article
from wordpress import importer
from wordpress.wxr import scan_export

from .conftest import FIXTURE, database_counts

pytestmark = pytest.mark.django_db

RSS_OPEN = '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
{RSS_OPEN}<item><title>&lol9;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status></item></channel></rss>
"""
EXTERNAL_ENTITY = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
{RSS_OPEN}<item><title>&xxe;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&xxe;</content:encoded>
</item></channel></rss>
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.xml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_tricks_are_refused_before_anything_is_read_or_written(run_import, tmp_path, payload):
    with pytest.raises(CommandError) as refused:
        run_import(path=write(tmp_path, payload))

    message = str(refused.value)
    assert "declares a DTD or entities" in message and "Nothing was imported." in message
    assert "root:" not in message
    assert set(database_counts().values()) == {0}


def test_etc_passwd_never_reaches_the_database(run_import, tmp_path):
    with pytest.raises(CommandError):
        run_import(path=write(tmp_path, EXTERNAL_ENTITY))

    assert not Article.objects.filter(body__contains="root:").exists()
    assert not Article.objects.exists()


def test_a_truncated_export_names_the_element_and_line_and_imports_nothing(run_import, tmp_path):
    text = FIXTURE.read_text()
    cut = text.index("<wp:comment_id>104</wp:comment_id>") + 18
    path = write(tmp_path, text[:cut])

    with pytest.raises(CommandError) as stopped:
        run_import(path=path)

    message = str(stopped.value)
    line = text[:cut].count("\n") + 1
    assert f"The export is not well-formed XML at line {line}" in message
    assert "inside <wp:comment_id> in <wp:comment> in <item>" in message
    assert "Nothing was imported." in message
    assert set(database_counts().values()) == {0}


def test_a_post_that_breaks_off_mid_import_is_not_written_and_the_earlier_ones_stay(run_import, tmp_path, monkeypatch):
    """If the file changes between the counting pass and the import, only the failing post is lost."""
    text = FIXTURE.read_text()
    cut = text.index("<wp:post_id>11</wp:post_id>")
    monkeypatch.setattr(importer, "scan_export", lambda path: scan_export(FIXTURE))

    with pytest.raises(CommandError) as stopped:
        run_import(path=write(tmp_path, text[:cut]))

    assert "The 1 posts before it stay imported; the post being read was not written." in str(stopped.value)
    assert list(Article.objects.values_list("slug", flat=True)) == ["botox-for-migraine"]
    assert Article.objects.get().comments.count() == 6


def test_a_missing_export_file_is_a_clear_error(run_import, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(path=tmp_path / "nope.xml")


def test_a_media_dir_that_is_not_a_folder_is_refused(run_import, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        run_import("--media-dir", str(tmp_path / "missing"))


def test_a_malformed_author_map_line_is_named(run_import, tmp_path):
    author_map = tmp_path / "authors.csv"
    author_map.write_text("alice,amira\njust-one-column\n")

    with pytest.raises(CommandError, match="line 2: expected “wp_login,username”"):
        run_import("--author-map", str(author_map))
