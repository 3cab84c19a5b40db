"""The "Leave a Comment" form: its fields, messages for people, and the spam defences it carries."""

import time

from django import forms
from django.conf import settings
from django.core import signing

from .models import BODY_MAX_LENGTH, NAME_MAX_LENGTH, Comment
from .text import clean_text

TIMESTAMP_SALT = "comments.form-timestamp"
RESUBMIT_MESSAGE = (
    "This form was open for too long or was damaged on the way. Your text is kept below: please send it again."
)


# A comment sent from the "confirm your comment" page (no JavaScript, so no token on the shared page) was
# written before that page was served: its own click needs only this long.
CONFIRM_MIN_SECONDS = 1


def issue_timestamp(*, article_id: int, issued_at: float | None = None, confirming: bool = False) -> str:
    """A signed note of when the form was served, for which article, and whether as a confirmation."""
    issued_at = time.time() if issued_at is None else issued_at
    data = {"a": article_id, "t": int(issued_at)}
    if confirming:
        data["c"] = 1
    return signing.dumps(data, salt=TIMESTAMP_SALT)


def reader_form_state(request, article) -> dict:
    """For the reader request (articles/reader.py): a fresh "served at" time for the shared page's form."""
    return {"timestamp": issue_timestamp(article_id=article.pk)}


class PlainTextField(forms.CharField):
    """A CharField that drops invisible characters before validation, so NUL bytes never reach a validator."""

    def to_python(self, value):
        if isinstance(value, str):
            value = clean_text(value)
        return super().to_python(value)


class CommentForm(forms.Form):
    name = PlainTextField(
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Please tell us your name (it is shown with your comment).",
            "max_length": "Please keep your name to %(limit_value)d characters (it has %(show_value)d).",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        help_text="Never published. We use it to recognise you when you comment again.",
        error_messages={
            "required": "Please give your email address. It is never published.",
            "invalid": "This does not look like an email address; please check it (e.g. name@example.org).",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = PlainTextField(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Please write your comment.",
            "max_length": "Comments can be up to %(limit_value)d characters; yours has %(show_value)d. "
            "Please shorten it.",
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    notify_on_approval = forms.BooleanField(required=False, label="Email me when my comment is published")
    confirm_email = forms.BooleanField(
        required=False,
        label="Send me a link to confirm my email address",
        help_text="Once confirmed, and after a first approved comment, your next comments appear without waiting.",
    )
    # Hidden from people by CSS; bots that fill every field fill this one too.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    timestamp = forms.CharField(widget=forms.HiddenInput, error_messages={"required": RESUBMIT_MESSAGE})
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, article, shared: bool = False, confirming: bool = False, **kwargs):
        """`shared`: the form of a shared page, whose "served at" time its script fills in (articles/reader.py)."""
        self.article = article
        super().__init__(*args, **kwargs)
        if not shared:
            self.fields["timestamp"].initial = issue_timestamp(article_id=article.pk, confirming=confirming)
        self.parent_comment = None
        self.seconds_on_page = 0.0
        self.min_seconds = settings.COMMENTS_MIN_SECONDS

    def clean_timestamp(self):
        value = self.cleaned_data["timestamp"]
        try:
            data = signing.loads(value, salt=TIMESTAMP_SALT, max_age=settings.COMMENTS_FORM_MAX_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(RESUBMIT_MESSAGE, code="stale") from None
        if not isinstance(data, dict) or data.get("a") != self.article.pk or not isinstance(data.get("t"), int):
            raise forms.ValidationError(RESUBMIT_MESSAGE, code="stale")
        self.seconds_on_page = max(0.0, time.time() - data["t"])
        if data.get("c") == 1:
            self.min_seconds = min(self.min_seconds, CONFIRM_MIN_SECONDS)
        return value

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.filter(pk=parent_id).first()
        if parent is None or parent.article_id != self.article.pk or not parent.is_approved:
            raise forms.ValidationError("You can only reply to a published comment on this article.", code="bad_parent")
        self.parent_comment = parent
        return parent_id

    def refresh_timestamp(self) -> None:
        """Give a re-shown form a fresh timestamp when the old one expired (the reader's text stays)."""
        if "timestamp" in self.errors:
            self.data = self.data.copy()
            self.data["timestamp"] = issue_timestamp(article_id=self.article.pk)


class StaffReplyForm(forms.Form):
    body = PlainTextField(label="Reply", max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8}))
