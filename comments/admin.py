"""The moderation queue and the moderators' word lists."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .forms import StaffReplyForm
from .models import ArticleDiscussion, Comment, ModerationWord, Report, VerifiedEmail
from .moderation import approve_comment, mark_spam, remove_comment, reply_as_staff


class StatusFilter(admin.SimpleListFilter):
    """Status, showing the pending queue unless another status (or "All") is picked."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "name", "article", "status", "reason", "report_count", "created_at", "staff_badge"]
    list_filter = [StatusFilter, "article", "is_staff_reply"]
    search_fields = ["name", "email", "body", "article__title"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    actions = ["approve", "mark_as_spam", "remove"]
    readonly_fields = [
        "article",
        "parent_link",
        "name",
        "email",
        "body",
        "status",
        "reason",
        "report_count",
        "is_staff_reply",
        "user",
        "notify_on_approval",
        "user_agent",
        "created_at",
        "approved_at",
        "reply_link",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    @admin.display(description="comment")
    def excerpt(self, comment):
        return comment.body[:80] + ("…" if len(comment.body) > 80 else "")

    @admin.display(description="editor", boolean=True)
    def staff_badge(self, comment):
        return comment.is_staff_reply

    @admin.display(description="in reply to")
    def parent_link(self, comment):
        if not comment.parent_id:
            return "—"
        url = reverse("admin:comments_comment_change", args=[comment.parent_id])
        return format_html('<a href="{}">comment {}</a>', url, comment.parent_id)

    @admin.display(description="reply")
    def reply_link(self, comment):
        if not comment.pk:
            return "—"
        url = reverse("admin:comments_comment_reply", args=[comment.pk])
        return format_html('<a href="{}">Reply as editor</a> (published at once, with the “Editor” badge)', url)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        for comment in queryset:
            approve_comment(comment=comment, moderator=request.user)
        self.message_user(request, f"Approved {len(queryset)} comment(s).", messages.SUCCESS)

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_as_spam(self, request, queryset):
        for comment in queryset:
            mark_spam(comment=comment, moderator=request.user)
        self.message_user(request, f"Marked {len(queryset)} comment(s) as spam.", messages.SUCCESS)

    @admin.action(description="Remove selected comments", permissions=["moderate"])
    def remove(self, request, queryset):
        for comment in queryset:
            remove_comment(comment=comment, moderator=request.user)
        self.message_user(request, f"Removed {len(queryset)} comment(s).", messages.SUCCESS)

    def get_urls(self):
        return [
            path("<int:pk>/reply/", self.admin_site.admin_view(self.reply_view), name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def reply_view(self, request, pk):
        """A moderator answers a comment: the reply is approved at once and badged "Editor"."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        parent = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
        form = StaffReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not parent.is_approved:
                approve_comment(comment=parent, moderator=request.user)
            reply = reply_as_staff(parent=parent, user=request.user, body=form.cleaned_data["body"])
            self.message_user(request, "Your reply is published.", messages.SUCCESS)
            return redirect("admin:comments_comment_change", reply.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Reply to {parent.name}",
            "parent": parent,
            "form": form,
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    list_display = ["pattern", "kind", "label", "is_regex", "enabled"]
    list_editable = ["enabled"]
    list_filter = ["kind", "label", "enabled"]
    search_fields = ["pattern", "label"]


@admin.register(ArticleDiscussion)
class ArticleDiscussionAdmin(admin.ModelAdmin):
    list_display = ["article", "closed", "stays_open"]
    list_filter = ["closed", "stays_open"]
    search_fields = ["article__title"]
    raw_id_fields = ["article"]


@admin.register(VerifiedEmail)
class VerifiedEmailAdmin(admin.ModelAdmin):
    list_display = ["email", "verified_at"]
    search_fields = ["email"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "created_at"]
    readonly_fields = ["comment", "reporter_hash", "created_at"]

    def has_add_permission(self, request):
        return False
