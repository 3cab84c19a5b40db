"""Load the demo topics, contributors and articles (safe to run again: unchanged rows are left alone)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.caching import purge_site
from articles.demo.loading import CREATED, REMOVED, UNCHANGED, UPDATED, load_demo_content

KINDS = ("topics", "users", "profiles", "articles", "references", "accounts")


class Command(BaseCommand):
    help = "Create or update the demo content (fictional people, real references). DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo is for local development only (DEBUG=1): it publishes articles by fictional people."
            )
        counts = load_demo_content()
        purge_site()
        totals = {outcome: sum(counts[kind, outcome] for kind in KINDS) for outcome in (CREATED, UPDATED, UNCHANGED)}
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {totals[CREATED]} created, {totals[UPDATED]} updated, {totals[UNCHANGED]} unchanged."
            )
        )
        for kind in KINDS:
            line = f"  {kind}: " + ", ".join(
                f"{counts[kind, outcome]} {outcome}" for outcome in (CREATED, UPDATED, UNCHANGED)
            )
            if counts[kind, REMOVED]:
                line += f", {counts[kind, REMOVED]} {REMOVED}"
            self.stdout.write(line)
        self.stdout.write("Demo sign-ins (one per role) are printed by `manage.py local_admin`, as `make run` does.")
