"""Run the content checks on articles, store what they find and say what blocks publishing."""

import json

from django.core.management.base import BaseCommand, CommandError

from articles.checks import STANDARDS, has_errors, refresh_checks
from articles.models import Article

EXCERPT_LENGTH = 100


class Command(BaseCommand):
    help = (
        "Check articles for dangerous and unsupported claims, contradictions, the publishing standards, reference "
        "mistakes, readability, structure, review dates and required safety sections, and store the findings (the "
        "admin shows the same). Exits with 1 when any article has an error (errors block publishing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Articles to check (default: all not archived).")
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=["text", "json"],
            default="text",
            help="text (default) for people; json for pipelines: each article's findings with code, severity, "
            "message and the whole sentence.",
        )

    def handle(self, *args, slugs, output_format, **options):
        articles = Article.objects.select_related("author__contributor", "reviewer__contributor").prefetch_related(
            "references", "topics"
        )
        if slugs:
            articles = list(articles.filter(slug__in=slugs).order_by("slug"))
            unknown = sorted(set(slugs) - {article.slug for article in articles})
            if unknown:
                raise CommandError(f"No article with the slug: {', '.join(unknown)}.", returncode=2)
        else:
            articles = list(articles.exclude(status=Article.Status.ARCHIVED).order_by("slug"))

        results = [(article, refresh_checks(article)) for article in articles]
        errors = sum(finding.is_error for _, findings in results for finding in findings)
        warnings = sum(finding.is_warning for _, findings in results for finding in findings)
        blocked = sum(has_errors(findings) for _, findings in results)
        summary = (
            f"{len(articles)} article(s) checked: {errors} error(s), {warnings} warning(s); "
            f"{blocked} article(s) cannot be published until their errors are fixed."
        )
        if output_format == "json":
            report = self.as_json(results, errors, warnings, blocked)
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for article, findings in results:
                self.report(article, findings)
        if blocked:
            raise CommandError(summary, returncode=1)
        if output_format == "text":
            self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def as_json(results, errors: int, warnings: int, blocked: int) -> dict:
        return {
            "articles": [
                {
                    "slug": article.slug,
                    "title": article.title,
                    "state": article.state_label,
                    "errors": sum(finding.is_error for finding in findings),
                    "warnings": sum(finding.is_warning for finding in findings),
                    "missing_standards": [finding.code for finding in findings if finding.code in STANDARDS],
                    "findings": [finding.as_dict() for finding in findings],
                }
                for article, findings in results
            ],
            "summary": {"articles": len(results), "errors": errors, "warnings": warnings, "blocked": blocked},
        }

    def report(self, article: Article, findings) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"{article.slug} — {article.title} ({article.state_label})"))
        missing = [STANDARDS[finding.code][0] for finding in findings if finding.code in STANDARDS]
        if missing:
            self.stdout.write(f"  Misses the publishing standards: {'; '.join(missing)}.")
        if not findings:
            self.stdout.write("  No problems found.")
        styles = {"error": self.style.ERROR, "warning": self.style.WARNING, "info": self.style.NOTICE}
        for finding in findings:
            label = "NOTE" if finding.severity == "info" else finding.severity.upper()
            self.stdout.write(f"  {styles[finding.severity](label.ljust(7))} {finding.code}: {finding.message}")
            for excerpt in filter(None, (finding.excerpt, finding.other_sentence)):
                excerpt = " ".join(excerpt.split())
                if len(excerpt) > EXCERPT_LENGTH:
                    excerpt = excerpt[: EXCERPT_LENGTH - 1].rstrip() + "…"
                self.stdout.write(f"          “{excerpt}”")
