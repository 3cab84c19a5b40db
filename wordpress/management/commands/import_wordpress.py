"""`manage.py import_wordpress EXPORT.xml [--dry-run] [--media-dir DIR] [--author-map FILE]`: move a WordPress site."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.caching import purge_site
from wordpress.importer import ImportReport, import_export, read_author_map
from wordpress.wxr import ExportError

PROGRESS_INTERVAL = 0.2  # seconds between redraws of the progress line
BAR_WIDTH = 24


def progress_line(report: ImportReport, elapsed: float) -> str:
    """ "[#######-----] 120/10000 posts · 1,234 comments · 0:42 · 28.5 posts/s" """
    total = max(report.posts_total, 1)
    filled = round(BAR_WIDTH * min(report.posts_done / total, 1))
    minutes, seconds = divmod(int(elapsed), 60)
    rate = report.posts_done / elapsed if elapsed > 0 else 0.0
    return (
        f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {report.posts_done}/{report.posts_total} posts · "
        f"{report.comments_done:,} comments · {minutes}:{seconds:02d} · {rate:.1f} posts/s"
    )


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, a WXR .xml file): posts become articles, with their categories "
        "(as topics), authors, comments, rating totals, featured and inline images, and 301 redirects from their "
        "old addresses. Safe to run again: what changed is updated, nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, metavar="EXPORT.xml")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read everything and print the summary; write nothing."
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            metavar="DIR",
            help="A copy of the old site's wp-content/uploads; its images are validated, re-encoded and stored.",
        )
        parser.add_argument(
            "--author-map",
            type=Path,
            metavar="FILE",
            help="Lines “wp_login,username” giving WordPress authors to existing accounts (# starts a comment).",
        )

    def handle(self, *args, export: Path, dry_run: bool, media_dir: Path | None, author_map: Path | None, **options):
        interactive = self.stdout.isatty()
        started = time.monotonic()
        last_drawn = 0.0

        def progress(report: ImportReport) -> None:
            nonlocal last_drawn
            now = time.monotonic()
            if now - last_drawn >= PROGRESS_INTERVAL or report.posts_done == report.posts_total:
                last_drawn = now
                self.stdout.write("\r" + progress_line(report, now - started), ending="")
                self.stdout.flush()

        try:
            mapping = read_author_map(author_map) if author_map else None
            report = import_export(
                path=export,
                media_dir=media_dir,
                author_map=mapping,
                dry_run=dry_run,
                progress=progress if interactive else None,
            )
        except ExportError as error:
            if interactive:
                self.stdout.write("")
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not dry_run:
            purge_site()  # readers' cached pages must show the imported articles
        if interactive:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write(f"{report.posts_done} posts and {report.comments_done} comments read in {elapsed:.1f} s.")
