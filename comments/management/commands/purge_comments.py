"""Delete spam and removed comments older than N days (replies to them go too)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.moderation import purge_comments


class Command(BaseCommand):
    help = "Delete spam and removed comments created more than --older-than days ago."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument("--dry-run", action="store_true", help="Only say how many would be deleted.")

    def handle(self, *, older_than: int, dry_run: bool, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more days.")
        before = timezone.now() - datetime.timedelta(days=older_than)
        count = purge_comments(before=before, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} spam or removed comment(s) older than {older_than} day(s).")
