"""Privacy requests: export (JSON on stdout) or erase everything stored about one commenter's email."""

import json

from django.core.management.base import BaseCommand, CommandError

from comments.moderation import commenter_export, erase_commenter


class Command(BaseCommand):
    help = "Export (--export) or erase (--erase) all comment data of the commenter with --email."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true", help="Print the data as JSON.")
        action.add_argument("--erase", action="store_true", help="Delete the data (replies by others are kept).")

    def handle(self, *, email: str, export: bool, erase: bool, **options):
        if "@" not in email:
            raise CommandError("--email must be an email address.")
        if export:
            self.stdout.write(json.dumps(commenter_export(email=email), indent=2, ensure_ascii=False))
            return
        deleted, anonymised = erase_commenter(email=email)
        self.stdout.write(
            f"Erased data for {email}: {deleted} comment(s) deleted, {anonymised} anonymised "
            "(kept because others replied to them)."
        )
