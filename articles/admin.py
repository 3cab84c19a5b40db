from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html_join

from .models import Article, ContributorProfile, Redirect, Reference, Topic
from .uploads import ImageRejected, clean_image


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "topics", "hero_image", "hero_alt", "status", "published_at",
            "author", "reviewer", "last_reviewed", "next_review_due",
        ]  # fmt: skip

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if isinstance(image, UploadedFile):
            try:
                return clean_image(image)
            except ImageRejected as rejection:
                raise forms.ValidationError(str(rejection)) from None
        return image


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 1
    fields = ["position", "title", "source", "year", "url", "doi"]


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published"), ("archived", "Archived")]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "scheduled":
                return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            case "published":
                return queryset.filter(status=Article.Status.PUBLISHED, published_at__lte=now)
            case "draft" | "archived" as status:
                return queryset.filter(status=status)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [ReferenceInline]
    list_display = ["title", "state", "topic_names", "author", "published_at", "last_reviewed", "updated_at"]
    list_filter = [StateFilter, "topics", "author", "last_reviewed"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["author", "reviewer"]
    readonly_fields = ["editorial_warnings", "word_count", "created_at", "updated_at"]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["editorial_warnings", "title", "slug", "summary", "body", "topics"]}),
        ("Image", {"fields": ["hero_image", "hero_alt"]}),
        ("Publishing", {"fields": ["status", "published_at", "author"]}),
        ("Medical review", {"fields": ["reviewer", "last_reviewed", "next_review_due"]}),
        ("Details", {"classes": ["collapse"], "fields": ["word_count", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="State", ordering="status")
    def state(self, article):
        return article.state_label

    @admin.display(description="Topics")
    def topic_names(self, article):
        return ", ".join(topic.name for topic in article.topics.all())

    @admin.display(description="Warnings")
    def editorial_warnings(self, article):
        warnings = article.publishing_warnings() if article.pk else []
        if not warnings:
            return "None"
        return format_html_join("", '<p class="errornote">{}</p>', ((w,) for w in warnings))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if article.status == Article.Status.PUBLISHED:
            for warning in article.publishing_warnings():
                messages.warning(request, f"“{article.title}”: {warning}")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContributorProfile)
class ContributorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "credentials", "profession", "registration", "user"]
    search_fields = ["display_name", "credentials", "user__username"]
    autocomplete_fields = ["user"]


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "note", "created_at"]
    search_fields = ["old_path", "article__title"]
    autocomplete_fields = ["article"]
