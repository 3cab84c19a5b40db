"""Hostile and broken exports: refused with a message a person can act on, and the database left as it was."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError
from django.db import DataError

from articles.models import Article
from comments.models import Comment
from wordpress import importer, wxr
from wordpress.models import ImportedItem
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


# ------------------------------------------------------------------ size: bounded time and memory

CHANNEL_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><link>https://old.example</link>\n'
)
PARAGRAPH = "&lt;p&gt;" + "A paragraph of a post far too long to be real. " * 40 + "&lt;/p&gt;\n"


def post_item(wp_id: int, title: str, content: str) -> str:
    return (
        f"<item><title>{title}</title><wp:post_id>{wp_id}</wp:post_id><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type><wp:post_name>post-{wp_id}</wp:post_name>"
        f"<content:encoded>{content}</content:encoded></item>\n"
    )


def export_with_a_huge_post(path: Path, megabytes: int) -> Path:
    """A small post, then one of `megabytes` MB, written a paragraph at a time."""
    with path.open("w") as out:
        out.write(CHANNEL_OPEN + post_item(1, "A real post", "&lt;p&gt;Short.&lt;/p&gt;"))
        out.write("<item><title>Huge post</title><wp:post_id>2</wp:post_id><wp:post_type>post</wp:post_type>")
        out.write("<wp:status>publish</wp:status><content:encoded>")
        for _ in range(megabytes * 1_000_000 // len(PARAGRAPH) + 1):
            out.write(PARAGRAPH)
        out.write("</content:encoded></item></channel></rss>\n")
    return path


# Runs manage.py and prints its own peak resident memory (KiB) on stderr as it exits: Linux's VmHWM, which
# starts afresh at exec (ru_maxrss would count the test process it was started from).
PEAK_MEMORY = (
    "import atexit, re, runpy, sys\n"
    "peak = lambda: re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
    "atexit.register(lambda: print(f'peak_rss_kb={peak()}', file=sys.stderr))\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def test_a_huge_post_is_refused_in_one_line_as_soon_as_it_is_too_large_in_bounded_memory(tmp_path):
    """The import process itself: the parser stops 10 MB into the item, long before the 60 MB have been read."""
    path = export_with_a_huge_post(tmp_path / "export.xml", megabytes=60)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "headache_site.settings_test"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"  # the file is refused before any query

    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, "manage.py", "import_wordpress", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.monotonic() - started

    message, _, peak = run.stderr.rpartition("peak_rss_kb=")
    assert run.returncode == 1
    [line] = message.strip().splitlines()
    assert re.fullmatch(
        r"CommandError: The export holds an item larger than 10 MB \(“Huge post”, from about byte [\d,]+, after item "
        r"“A real post” \(wp:post_id 1\)\); no WordPress post with its comments is that large\. Remove it from the "
        r"export and run the import again\. Nothing was imported\.",
        line,
    )
    assert int(peak) / 1024 < 150  # MB, Django's own start-up included
    assert seconds < 30


def test_an_item_just_under_the_limit_is_read_and_one_over_it_refused(run_import, tmp_path, monkeypatch):
    monkeypatch.setattr(wxr, "MAX_ITEM_BYTES", 200_000)
    fits = write(tmp_path, CHANNEL_OPEN + post_item(1, "Fits", "x" * 150_000) + "</channel></rss>")
    assert [item.title for item in wxr.ExportReader(fits).items()] == ["Fits"]

    too_large = write(tmp_path, CHANNEL_OPEN + post_item(1, "Too large", "x" * 250_000) + "</channel></rss>")
    with pytest.raises(CommandError, match="larger than 0 MB \\(“Too large”") as refused:
        run_import(path=too_large)
    assert "\n" not in str(refused.value)
    assert set(database_counts().values()) == {0}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("&lt;p&gt;x&lt;/p&gt;" * 25_000, "post text with more than 20,000 HTML tags"),
        ("&lt;div&gt;" * 5_000, "post text nested too deeply to convert"),
        ("[" * 60_000 + "x" + "]" * 60_000, "The text is too intricate to show"),
        ("word " * 210_000, "post text longer than 1,000,000 characters"),
    ],
    ids=["too-many-tags", "nested-too-deeply", "too-intricate", "too-long"],
)
def test_a_post_beyond_the_limits_is_skipped_and_reported_and_the_others_are_imported(
    run_import, tmp_path, content, reason
):
    export = CHANNEL_OPEN + post_item(1, "Fine", "&lt;p&gt;A fine post.&lt;/p&gt;")
    export += post_item(2, "Beyond", content) + "</channel></rss>"

    output = run_import(path=write(tmp_path, export))

    assert list(Article.objects.values_list("title", flat=True)) == ["Fine"]
    assert "1 × post beyond the size limits (nothing of it was written)" in output
    assert f"“Beyond” (wp:post_id 2): {reason}" in output


def test_posts_are_committed_in_batches_and_a_post_the_database_refuses_leaves_nothing(run_import, monkeypatch):
    """Each post is a savepoint inside its batch: the refused one is rolled back, its neighbours are kept."""
    monkeypatch.setattr(importer, "ITEMS_PER_COMMIT", 2)
    real_redirects = importer._Importer._redirects

    def refuse_post_11(self, article, item):
        if item.wp_id == "11":
            raise DataError("value too long for type character varying(500)")
        return real_redirects(self, article, item)

    monkeypatch.setattr(importer._Importer, "_redirects", refuse_post_11)

    output = run_import()

    assert "1 × post refused by the database (nothing of it was written)" in output
    assert "(wp:post_id 11): value too long" in output
    slugs = set(Article.objects.values_list("slug", flat=True))
    assert "botox-for-migraine" in slugs and len(slugs) >= 2
    assert not Article.objects.filter(title="New triptans coming in 2099").exists()
    assert not ImportedItem.objects.filter(kind=ImportedItem.Kind.POST, wp_key="11").exists()
    assert Comment.objects.count() == ImportedItem.objects.filter(kind=ImportedItem.Kind.COMMENT).count() > 0
