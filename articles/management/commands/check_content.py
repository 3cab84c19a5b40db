"""Run the content checks on articles and say what blocks publishing."""

from django.core.management.base import BaseCommand, CommandError

from articles.checks import check_article, has_errors
from articles.models import Article

EXCERPT_LENGTH = 100


class Command(BaseCommand):
    help = (
        "Check articles for uncited claims, reference mistakes, readability, structure, review dates and "
        "required safety sections. Exits with 1 when any article has an error (errors block publishing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Articles to check (default: all not archived).")

    def handle(self, *args, slugs, **options):
        articles = Article.objects.select_related("reviewer").prefetch_related("references", "topics")
        if slugs:
            articles = list(articles.filter(slug__in=slugs).order_by("slug"))
            unknown = sorted(set(slugs) - {article.slug for article in articles})
            if unknown:
                raise CommandError(f"No article with the slug: {', '.join(unknown)}.", returncode=2)
        else:
            articles = list(articles.exclude(status=Article.Status.ARCHIVED).order_by("slug"))

        errors = warnings = blocked = 0
        for article in articles:
            findings = check_article(article)
            errors += sum(finding.is_error for finding in findings)
            warnings += sum(not finding.is_error for finding in findings)
            blocked += has_errors(findings)
            self.report(article, findings)

        summary = (
            f"{len(articles)} article(s) checked: {errors} error(s), {warnings} warning(s); "
            f"{blocked} article(s) cannot be published until their errors are fixed."
        )
        if blocked:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))

    def report(self, article: Article, findings) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"{article.slug} — {article.title} ({article.state_label})"))
        if not findings:
            self.stdout.write("  No problems found.")
        for finding in findings:
            style = self.style.ERROR if finding.is_error else self.style.WARNING
            self.stdout.write(f"  {style(finding.level.upper().ljust(7))} {finding.code}: {finding.message}")
            if finding.excerpt:
                excerpt = " ".join(finding.excerpt.split())
                if len(excerpt) > EXCERPT_LENGTH:
                    excerpt = excerpt[: EXCERPT_LENGTH - 1].rstrip() + "…"
                self.stdout.write(f"          “{excerpt}”")
