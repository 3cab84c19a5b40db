"""List articles whose medical review is overdue or due soon; exit 1 when any is overdue (for cron and CI)."""

from collections import defaultdict

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.models import Article
from articles.reviews import send_review_reminders


class Command(BaseCommand):
    help = (
        "List articles (not archived) whose next medical review is overdue or due within --days days. "
        "Exits with 1 when any review is overdue. --email reminds each reviewer of their articles."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ARTICLE_REVIEW_SOON_DAYS,
            help="How many days ahead count as due soon (default: %(default)s).",
        )
        parser.add_argument("--email", action="store_true", help="Email each reviewer the articles due for them.")

    def handle(self, *args, days: int, email: bool, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.", returncode=2)
        today = timezone.localdate()
        articles = Article.objects.select_related("reviewer", "review_requested_from").order_by("next_review_due")
        overdue = list(articles.review_overdue(today=today))
        soon = list(articles.review_due_within(days, today=today))

        for heading, rows in ((f"Overdue ({len(overdue)})", overdue), (f"Due within {days} days ({len(soon)})", soon)):
            self.stdout.write(self.style.MIGRATE_HEADING(heading))
            for article in rows:
                reviewer = article.reviewer.get_username() if article.reviewer else "no reviewer"
                due = f"{article.next_review_due:%Y-%m-%d}"
                self.stdout.write(f"  {due}  {article.slug}  ({reviewer})  {article.title}")
            if not rows:
                self.stdout.write("  None.")

        if email:
            by_reviewer = defaultdict(list)
            for article in overdue + soon:
                if article.reviewer and article.reviewer.email:
                    by_reviewer[article.reviewer].append(article)
            sent = send_review_reminders(by_reviewer=by_reviewer, today=today)
            self.stdout.write(f"Sent {sent} reminder(s).")

        summary = f"{len(overdue)} overdue, {len(soon)} due within {days} days."
        if overdue:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
