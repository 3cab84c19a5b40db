import csv

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.http import HttpResponse
from django.template.response import TemplateResponse

from articles.admin import ArticleAdmin
from articles.models import Article

from .models import RatingSummary, Vote, average_label
from .voting import reset_ratings

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Text for a spreadsheet cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(CSV_FORMULA_STARTS) else text


@admin.register(RatingSummary)
class RatingSummaryAdmin(admin.ModelAdmin):
    list_display = ["article", "rating_count", "rating_average", "vote_count", "imported_count"]
    list_select_related = ["article"]
    search_fields = ["article__title"]
    fields = ["article", "vote_count", "vote_total", "imported_count", "imported_total"]
    readonly_fields = ["article", "vote_count", "vote_total"]
    actions = ["reset_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures().order_by("-rating_count", "article__title")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_reset_permission(self, request) -> bool:
        return request.user.has_perm("ratings.reset_ratings")

    @admin.display(description="ratings", ordering="rating_count")
    def rating_count(self, summary):
        return summary.rating_count

    @admin.display(description="average", ordering="rating_average")
    def rating_average(self, summary):
        return summary.average_text

    @admin.action(permissions=["reset"], description="Reset ratings of the selected articles")
    def reset_selected(self, request, queryset):
        summaries = list(queryset.select_related("article"))
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Reset these ratings?",
                "summaries": summaries,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action": "reset_selected",
            }
            return TemplateResponse(request, "ratings/admin/reset_confirmation.html", context)
        deleted = reset_ratings(articles=Article.objects.filter(pk__in=[s.article_id for s in summaries]))
        for summary in summaries:
            self.log_change(
                request,
                summary.article,
                f"Reset ratings: {summary.vote_count} vote(s) deleted, "
                f"{summary.imported_count} imported vote(s) cleared "
                f"(was {summary.count} rating(s), average {summary.average_text}).",
            )
        self.message_user(request, f"Ratings reset for {len(summaries)} article(s); {deleted} vote(s) deleted.")
        return None


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes are read-only here: removing one would put the totals out of step (use "reset ratings")."""

    list_display = ["article", "score", "user", "created_at", "updated_at"]
    list_filter = [("article", admin.RelatedOnlyFieldListFilter), "score", "created_at"]
    list_select_related = ["article", "user"]
    date_hierarchy = "created_at"
    search_fields = ["article__title"]
    fields = ["article", "score", "user", "created_at", "updated_at"]
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(permissions=["view"], description="Export the selected votes as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="votes.csv"'
        writer = csv.writer(response)
        writer.writerow(["vote id", "article", "article address", "score", "logged in", "created", "updated"])
        for vote in queryset.select_related("article").order_by("article_id", "created_at"):
            writer.writerow(
                [
                    vote.pk,
                    csv_cell(vote.article.title),
                    vote.article.get_absolute_url(),
                    vote.score,
                    "yes" if vote.user_id else "no",
                    vote.created_at.isoformat(),
                    vote.updated_at.isoformat(),
                ]
            )
        return response


class ArticleWithRatingsAdmin(ArticleAdmin):
    """The article list with each article's ratings, sortable.

    The ratings app adds the columns to the articles' own admin, so that the
    articles app never has to know about ratings.
    """

    list_display = [*ArticleAdmin.list_display[:-1], "rating_count", "rating_average", ArticleAdmin.list_display[-1]]

    def get_queryset(self, request):
        def both(field: str):
            return Coalesce(F(f"rating_summary__imported_{field}"), 0) + Coalesce(F(f"rating_summary__vote_{field}"), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(rating_count=both("count"), rating_total=both("total"))
            .annotate(
                rating_average=Case(
                    When(
                        rating_count__gt=0,
                        then=Cast("rating_total", FloatField()) / Cast("rating_count", FloatField()),
                    ),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
            )
        )

    @admin.display(description="ratings", ordering="rating_count")
    def rating_count(self, article):
        return article.rating_count

    @admin.display(description="average", ordering="rating_average")
    def rating_average(self, article):
        return average_label(article.rating_average)


admin.site.unregister(Article)
admin.site.register(Article, ArticleWithRatingsAdmin)
