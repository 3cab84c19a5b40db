"""Import a Markdown or plain-text article as a draft, with its references, and show what the content checks found.

Every refusal is one line naming the file and the reason, and leaves nothing written.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.urls import reverse

from articles.checks import stored_findings
from articles.importing import CREATED, UNCHANGED, ImportRefused, import_draft, parse_article_text
from articles.markdown import MarkdownRefused

NOTHING_WRITTEN = "Nothing was imported."


class Command(BaseCommand):
    help = (
        "Import FILE (Markdown, or text copied from a web page) as a draft article, its trailing References or "
        "Sources list as its references, and print the content-check findings and the admin address of the draft. "
        "Importing the same file again updates that draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--topic",
            action="append",
            default=[],
            dest="topics",
            metavar="NAME_OR_SLUG",
            help="A topic, by slug or name; created when new. Repeat for more topics.",
        )
        parser.add_argument("--author", metavar="USERNAME", help="The author (default: the first superuser).")

    def handle(self, *args, file: Path, topics: list[str], author: str | None, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as problem:
            raise CommandError(f"Cannot read {file}: {problem}") from None
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise CommandError(
                f"{file}: line {line} holds a NUL character (byte 0), which no text file has: the file is binary "
                f"or damaged. {NOTHING_WRITTEN}"
            )
        try:
            imported = parse_article_text(text)
        except ValueError as problem:
            raise CommandError(f"{file}: {problem}") from None

        writer = self.find_author(author)
        try:
            article, outcome = import_draft(imported=imported, author=writer, topics=topics)
        except ImportRefused as refusal:
            raise CommandError(f"{refusal} {NOTHING_WRITTEN}") from None
        except MarkdownRefused as refused:
            raise CommandError(f"{file}: {refused} {NOTHING_WRITTEN}") from None
        except DatabaseError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise CommandError(f"{file}: the database refused the article ({reason}). {NOTHING_WRITTEN}") from None

        done = {CREATED: "Imported", UNCHANGED: "Nothing changed in"}.get(outcome, "Updated")
        self.stdout.write(self.style.SUCCESS(f"{done} “{article.title}” as a draft ({article.slug})."))
        if imported.references:
            self.stdout.write(f"  {len(imported.references)} reference(s) kept from the list at the end.")
        for line in imported.dropped:
            self.stdout.write(f"  Left out: “{line}”")
        article.refresh_from_db()
        findings = stored_findings(article)
        self.stdout.write(f"Content checks: {len(findings)} finding(s).")
        for finding in findings:
            label = "NOTE" if finding.severity == "info" else finding.severity.upper()
            self.stdout.write(f"  {label.ljust(7)} {finding.code}: {finding.message}")
            if finding.excerpt:
                self.stdout.write(f"          “{' '.join(finding.excerpt.split())[:160]}”")
        self.stdout.write(f"Edit the draft: {reverse('admin:articles_article_change', args=[article.pk])}")

    def find_author(self, username: str | None):
        users = get_user_model()
        if username:
            try:
                return users.objects.get(username=username)
            except users.DoesNotExist:
                raise CommandError(f"There is no user {username!r}: pass an existing username to --author.") from None
        author = users.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if author is None:
            raise CommandError("Who is the author? Pass --author USERNAME (there is no superuser to fall back on).")
        return author
