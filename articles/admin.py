from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import workflow
from .checks import MEDICAL_REVIEWER, checks_version, readable_name, refresh_checks
from .models import Article, ArticleEvent, ContributorProfile, Redirect, Reference, Topic
from .revisions import restore_revision, revision_diff
from .uploads import ImageRejected, clean_image

Status = Article.Status


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "topics", "hero_image", "hero_alt", "author", "next_review_due",
            "what_changed", "competing_interests",
        ]  # fmt: skip

    def clean(self):
        """A published article keeps what the publishing standards ask for: a named author and a declaration."""
        cleaned = super().clean()
        if self.instance.pk and self.instance.status == Article.Status.PUBLISHED:
            if "competing_interests" in cleaned and not cleaned["competing_interests"].strip():
                self.add_error(
                    "competing_interests",
                    "A published article must declare competing interests: write “None” if there are none.",
                )
            author = cleaned.get("author")
            if author is not None and not readable_name(author):
                self.add_error(
                    "author", "A published article needs an author with a name readers can see (a contributor profile)."
                )
        return cleaned

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if isinstance(image, UploadedFile):
            try:
                return clean_image(image)
            except ImageRejected as rejection:
                raise forms.ValidationError(str(rejection)) from None
        return image


class TransitionForm(forms.Form):
    """What the workflow buttons on the change page post."""

    reviewer = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    note = forms.CharField(required=False, max_length=2000)
    when = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]
    )
    override_reason = forms.CharField(required=False, max_length=2000)
    finding = forms.CharField(required=False, max_length=64)  # the key of a finding a medical reviewer accepts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = workflow.reviewers()


class ReferenceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A published article keeps at least one of its sources (a publishing standard)."""
        super().clean()
        if not (self.instance.pk and self.instance.status == Article.Status.PUBLISHED and self.initial_form_count()):
            return
        kept = [
            form
            for form in self.forms
            if (form.has_changed() or form.instance.pk)
            and not (self.can_delete and self._should_delete_form(form))
            and form.cleaned_data.get("title")
        ]
        if not kept:
            raise forms.ValidationError("A published article must list its sources: keep at least one reference.")


class ReferenceInline(admin.TabularInline):
    model = Reference
    formset = ReferenceFormSet
    extra = 1
    fields = ["position", "title", "source", "year", "url", "doi", "pmid"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or ArticleAdmin.may_edit(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or ArticleAdmin.may_edit(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or ArticleAdmin.may_edit(request, obj))


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"), ("in_review", "In review"), ("approved", "Approved"), ("scheduled", "Scheduled"),
            ("published", "Published"), ("archived", "Archived"),
        ]  # fmt: skip

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "scheduled":
                return queryset.filter(status=Status.PUBLISHED, published_at__gt=now)
            case "published":
                return queryset.filter(status=Status.PUBLISHED, published_at__lte=now)
            case "draft" | "in_review" | "approved" | "archived" as status:
                return queryset.filter(status=status)
        return queryset


class ChecksFilter(admin.SimpleListFilter):
    title = "content checks"
    parameter_name = "checks"

    def lookups(self, request, model_admin):
        return [("errors", "Has errors"), ("clean", "No errors")]

    def queryset(self, request, queryset):
        match self.value():
            case "errors":
                return queryset.has_check_errors()
            case "clean":
                return queryset.filter(check_errors=0)
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Review overdue"),
            ("soon", "Review due soon"),
            ("requested", "Review requested"),
            ("changed", "Changed since review"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "overdue":
                return queryset.review_overdue()
            case "soon":
                return queryset.review_due_within(settings.ARTICLE_REVIEW_SOON_DAYS)
            case "requested":
                return queryset.filter(review_requested_from__isnull=False)
            case "changed":
                return queryset.exclude(approved_fingerprint="").exclude(approved_fingerprint=F("content_fingerprint"))
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [ReferenceInline]
    list_display = [
        "title", "state", "topic_names", "author", "published_at", "last_reviewed", "next_review_due", "checks",
        "updated_at",
    ]  # fmt: skip
    list_filter = [StateFilter, ChecksFilter, ReviewFilter, "topics", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["author"]
    actions = ["publish_selected", "archive_selected"]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "topics"]}),
        ("Image", {"fields": ["hero_image", "hero_alt"]}),
        ("Publishing", {"fields": ["state", "published_at", "author"]}),
        (
            "Medical review",
            {"fields": ["reviewer", "last_reviewed", "next_review_due", "competing_interests", "what_changed"]},
        ),
        ("Details", {"classes": ["collapse"], "fields": ["word_count", "created_at", "updated_at"]}),
    ]

    # ---------------------------------------------------------------- who may do what

    @staticmethod
    def may_edit(request: HttpRequest, article: Article) -> bool:
        user = request.user
        return user.has_perm("articles.change_any_article") or article.author_id == user.pk

    def get_queryset(self, request):
        return Article.objects.editable_by(request.user).prefetch_related("topics").defer("check_findings")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.may_edit(request, obj))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or Article.objects.editable_by(request.user).filter(pk=obj.pk).exists())

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("articles.publish_article")

    def get_readonly_fields(self, request, obj=None):
        fields = ["state", "published_at", "reviewer", "last_reviewed", "word_count", "created_at", "updated_at"]
        if not request.user.has_perm("articles.publish_article"):
            fields.append("next_review_due")
        if not request.user.has_perm("articles.change_any_article"):
            fields.append("author")
        return fields

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    # ---------------------------------------------------------------- list columns

    @admin.display(description="State", ordering="status")
    def state(self, article):
        return article.state_label

    @admin.display(description="Topics")
    def topic_names(self, article):
        return ", ".join(topic.name for topic in article.topics.all())

    @admin.display(description="Checks", ordering="-check_errors")
    def checks(self, article):
        counts = f"{article.check_errors} error(s), {article.check_warnings} warning(s)"
        if article.checks_version != checks_version():
            return f"{counts} (found by older checks: run check_content)"
        return counts

    # ---------------------------------------------------------------- saving

    def save_model(self, request, obj, form, change):
        if not change and "author" not in form.cleaned_data:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        was_requested = article.review_requested_from_id
        findings = workflow.after_edit(
            article=article, by=request.user, old_slug=form.initial.get("slug", "") if change else ""
        )
        errors = sum(finding.is_error for finding in findings)
        warnings = sum(finding.is_warning for finding in findings)
        if errors or warnings:
            messages.warning(
                request,
                f"Content checks: {errors} error(s) and {warnings} warning(s) — see the panel at the top of the "
                "article. Errors block publishing.",
            )
        if article.review_requested_from_id and not was_requested:
            messages.warning(
                request, "The clinical content changed since the last medical review: re-review has been requested."
            )

    # ---------------------------------------------------------------- the change page panel

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        extra = {}
        if article is not None:
            extra = self.workflow_context(request, article)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def workflow_context(self, request: HttpRequest, article: Article) -> dict:
        user = request.user
        findings = refresh_checks(article)  # stored, so the list's column and filter say the same
        may_edit = self.has_change_permission(request, article)
        may_publish = user.has_perm("articles.publish_article")
        is_reviewer = user.has_perm("articles.review_article") and (
            article.review_requested_from_id == user.pk or (user.is_superuser and article.review_requested_from_id)
        )
        blockers = workflow.publishing_blockers(article, findings)
        changed = bool(article.approved_fingerprint) and workflow.clinical_fingerprint(article) != (
            article.approved_fingerprint
        )
        events = list(article.events.select_related("actor")[:20])
        return {
            "findings": findings,
            "errors": [f for f in findings if f.is_error],
            "warnings": [f for f in findings if f.is_warning],
            "notes": [f for f in findings if not (f.is_error or f.is_warning)],
            "reviewer_only": MEDICAL_REVIEWER,
            "can_accept": user.has_perm("articles.review_article"),
            "events": events,
            "last_override": next((event for event in events if event.override), None),
            "changed_since_review": changed,
            "blockers": blockers,
            "reviewers": list(workflow.reviewers()) if may_edit else [],
            "can_submit": may_edit and article.status != Status.ARCHIVED,
            "can_review": is_reviewer,
            "can_publish": may_publish,
            "can_override": user.has_perm("articles.publish_without_review"),
            "can_archive": may_publish and article.status != Status.ARCHIVED,
            "can_mark_minor": may_publish and changed,
            "workflow_urls": {
                action.replace("-", "_"): reverse("admin:articles_article_workflow", args=[article.pk, action])
                for action in ("submit", "approve", "send-back", "publish", "archive", "minor-edit", "accept")
            },
        }

    # ---------------------------------------------------------------- extra URLs

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/workflow/<str:action>/", view(self.workflow_view), name="articles_article_workflow"),
            path("<path:object_id>/revisions/diff/", view(self.diff_view), name="articles_article_diff"),
            path(
                "<path:object_id>/revisions/<int:history_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def workflow_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        return require_POST(self._workflow)(request, object_id, action)

    def _workflow(self, request, object_id, action):
        article = self.article_or_404(request, object_id)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("admin:articles_article_change", article.pk)
        data, user = form.cleaned_data, request.user
        transitions = {
            "submit": lambda: workflow.submit_for_review(
                article=article, by=user, reviewer=data["reviewer"], note=data["note"]
            ),
            "approve": lambda: workflow.approve(article=article, by=user, note=data["note"]),
            "send-back": lambda: workflow.send_back(article=article, by=user, note=data["note"]),
            "publish": lambda: workflow.publish(
                article=article, by=user, when=data["when"], override_reason=data["override_reason"]
            ),
            "archive": lambda: workflow.archive(article=article, by=user, note=data["note"]),
            "minor-edit": lambda: workflow.mark_minor_edit(article=article, by=user, note=data["note"]),
            "accept": lambda: workflow.accept_finding(
                article=article, by=user, key=data["finding"], reason=data["note"]
            ),
        }
        if action not in transitions:
            raise Http404("No such workflow action.")
        try:
            event = transitions[action]()
        except workflow.NotPermitted as refusal:
            raise PermissionDenied(str(refusal)) from None
        except workflow.WorkflowError as problem:
            messages.error(request, str(problem))
        else:
            state = article.state_label.lower()
            messages.success(request, f"{event.get_action_display()}: “{article.title}” is now {state}.")
        return redirect("admin:articles_article_change", article.pk)

    # ---------------------------------------------------------------- revisions

    def history_view(self, request, object_id, extra_context=None):
        article = self.article_or_404(request, object_id)
        revisions = list(article.history.select_related("history_user").order_by("-history_date", "-history_id"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revisions of “{article.title}”",
            "opts": self.opts,
            "object": article,
            "original": article,
            "revisions": revisions,
            "acceptances": article.events.filter(action=ArticleEvent.Action.ACCEPTED_CLAIM).select_related("actor"),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def diff_view(self, request, object_id):
        article = self.article_or_404(request, object_id)
        revisions = article.history.select_related("history_user")
        try:
            old = revisions.get(history_id=int(request.GET.get("old", "")))
            new = revisions.get(history_id=int(request.GET.get("new", "")))
        except (ValueError, Article.history.model.DoesNotExist):
            raise Http404("Choose two revisions of this article to compare.") from None
        if old.history_date > new.history_date:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to “{article.title}”",
            "opts": self.opts,
            "object": article,
            "original": article,
            "old": old,
            "new": new,
            "diffs": revision_diff(old, new),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)

    def restore_view(self, request, object_id, history_id):
        return require_POST(self._restore)(request, object_id, history_id)

    def _restore(self, request, object_id, history_id):
        article = self.article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied("You may not change this article.")
        revision = article.history.filter(history_id=history_id).first()
        if revision is None:
            raise Http404("No such revision of this article.")
        restore_revision(article=article, revision=revision, by=request.user)
        messages.success(request, f"Restored the revision of {revision.history_date:%-d %b %Y %H:%M}.")
        return redirect("admin:articles_article_change", article.pk)

    # ---------------------------------------------------------------- list actions

    @admin.action(description="Publish selected articles (approved ones)", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.run_transition(request, queryset, lambda article: workflow.publish(article=article, by=request.user))

    @admin.action(description="Archive selected articles", permissions=["publish"])
    def archive_selected(self, request, queryset):
        self.run_transition(request, queryset, lambda article: workflow.archive(article=article, by=request.user))

    def run_transition(self, request, queryset, transition) -> None:
        done = 0
        for article in queryset.prefetch_related("references", "topics"):
            try:
                transition(article)
            except workflow.NotPermitted as refusal:
                raise PermissionDenied(str(refusal)) from None
            except workflow.WorkflowError as problem:
                messages.error(request, f"“{article.title}”: {problem}")
            else:
                done += 1
        if done:
            messages.success(request, f"{done} article(s) updated.")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "review_interval_months"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContributorProfile)
class ContributorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "credentials", "profession", "registration", "user"]
    search_fields = ["display_name", "credentials", "user__username"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        """Editors manage every profile; a reviewer keeps their own credentials up to date."""
        queryset = super().get_queryset(request)
        if request.user.has_perm("articles.change_any_article"):
            return queryset
        return queryset.filter(user=request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A name or credentials are publishing standards of every article the person wrote or reviewed.
        for article in Article.objects.filter(Q(author=obj.user) | Q(reviewer=obj.user)).prefetch_related(
            "references", "topics"
        ):
            refresh_checks(article)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "note", "created_at"]
    search_fields = ["old_path", "article__title"]
    autocomplete_fields = ["article"]
