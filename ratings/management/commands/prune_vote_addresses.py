import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from ratings.voting import prune_vote_addresses


class Command(BaseCommand):
    help = "Forget the address hashes of votes older than the retention period (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.RATINGS_ADDRESS_RETENTION_DAYS,
            help="Keep the address hashes of votes changed within this many days.",
        )

    def handle(self, *args, days: int, **options):
        pruned = prune_vote_addresses(older_than=datetime.timedelta(days=days))
        self.stdout.write(f"Forgot the address hash of {pruned} vote(s) older than {days} day(s).")
