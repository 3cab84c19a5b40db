"""The editorial workflow in the admin: submit, approve, publish, re-review after a change, minor edit, override."""

import datetime

import pytest
from django.utils import timezone

from articles.checks import check_article
from articles.models import Article, ArticleEvent
from articles.workflow import clinical_fingerprint
from tests.articles.conftest import change_form, change_url, workflow_url

Status = Article.Status


def act(client, user, article, action: str, **data):
    client.force_login(user)
    return client.post(workflow_url(article, action), data)


def messages_of(client, article) -> str:
    return client.get(change_url(article)).content.decode()


@pytest.fixture
def approved(client, draft, writer, med_reviewer):
    act(client, writer, draft, "submit", reviewer=med_reviewer.pk)
    act(client, med_reviewer, draft, "approve", note="Accurate and balanced.")
    draft.refresh_from_db()
    return draft


@pytest.fixture
def published(client, approved, chief_editor):
    act(client, chief_editor, approved, "publish")
    approved.refresh_from_db()
    return approved


def test_the_draft_passes_the_content_checks_but_for_the_standards_a_medical_approval_brings(draft):
    errors = {finding.code for finding in check_article(draft) if finding.is_error}
    assert errors == {"standard-reviewer", "standard-review-dates"}


def test_submit_approve_publish_records_each_step(client, draft, writer, med_reviewer, chief_editor):
    response = act(client, writer, draft, "submit", reviewer=med_reviewer.pk, note="Ready")
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Status.IN_REVIEW
    assert draft.review_requested_from == med_reviewer

    act(client, med_reviewer, draft, "approve", note="Accurate.")
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    assert draft.reviewer == med_reviewer
    assert draft.last_reviewed == timezone.localdate()
    approval = draft.events.get(action=ArticleEvent.Action.APPROVED)
    assert approval.actor == med_reviewer
    assert approval.fingerprint == clinical_fingerprint(draft) == draft.approved_fingerprint

    act(client, chief_editor, draft, "publish")
    draft.refresh_from_db()
    assert draft.is_published
    assert [e.action for e in draft.events.order_by("created_at", "pk")] == ["submitted", "approved", "published"]
    assert [(e.from_status, e.to_status) for e in draft.events.order_by("created_at", "pk")] == [
        ("draft", "in_review"), ("in_review", "approved"), ("approved", "published"),
    ]  # fmt: skip

    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Medically reviewed by" in page and "Dr Rosa Rivera" in page and "GMC 1234567" in page


def test_changing_the_clinical_text_after_publishing_requests_re_review(
    client, published, writer, med_reviewer, chief_editor
):
    client.force_login(writer)
    response = client.post(change_url(published), change_form(published, body=published.body + "\nMore text.\n"))
    assert response.status_code == 302

    published.refresh_from_db()
    assert published.status == Status.PUBLISHED  # readers keep the page
    assert published.changed_since_review
    assert published.review_requested_from == med_reviewer
    assert published.events.filter(action=ArticleEvent.Action.REREVIEW).exists()
    client.force_login(chief_editor)
    assert "Changes since last medical review" in messages_of(client, published)

    client.logout()
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Medically reviewed by" not in page
    assert "the text has changed since" in page
    assert "Page last reviewed:" in page

    act(client, med_reviewer, published, "approve", note="Still accurate.")
    published.refresh_from_db()
    assert not published.changed_since_review and published.review_requested_from is None
    assert "Medically reviewed by" in client.get(published.get_absolute_url()).content.decode()


def test_changing_only_what_changed_or_alt_text_keeps_the_sign_off(client, published, writer):
    client.force_login(writer)
    client.post(change_url(published), change_form(published, what_changed="Added a link to the NHS page."))

    published.refresh_from_db()
    assert not published.changed_since_review
    page = client.get(published.get_absolute_url()).content.decode()
    assert "What changed: Added a link to the NHS page." in page


def test_an_editor_can_mark_a_typo_fix_as_minor_to_keep_the_sign_off(client, published, writer, chief_editor):
    client.force_login(writer)
    client.post(change_url(published), change_form(published, title="Botox for headaches"))
    published.refresh_from_db()
    assert published.changed_since_review

    act(client, chief_editor, published, "minor-edit", note="Plural in the title")

    published.refresh_from_db()
    assert not published.changed_since_review and published.review_requested_from is None
    event = published.events.get(action=ArticleEvent.Action.MINOR_EDIT)
    assert (event.actor, event.note, event.fingerprint) == (
        chief_editor,
        "Plural in the title",
        clinical_fingerprint(published),
    )
    assert "Medically reviewed by" in client.get(published.get_absolute_url()).content.decode()


def test_a_writer_cannot_mark_an_edit_as_minor(client, published, writer):
    client.force_login(writer)
    client.post(change_url(published), change_form(published, title="Botox for headaches"))

    response = act(client, writer, published, "minor-edit", note="Sneaky")

    published.refresh_from_db()
    assert response.status_code == 403
    assert published.changed_since_review
    assert not published.events.filter(action=ArticleEvent.Action.MINOR_EDIT).exists()


def test_an_approved_article_whose_text_changed_cannot_be_published(client, approved, writer, chief_editor):
    client.force_login(writer)
    client.post(change_url(approved), change_form(approved, summary="A new summary with new claims."))

    response = act(client, chief_editor, approved, "publish")

    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert "The current text has no medical approval." in client.get(response["Location"]).content.decode()


def test_a_writer_cannot_publish(client, approved, writer):
    response = act(client, writer, approved, "publish")

    approved.refresh_from_db()
    assert response.status_code == 403
    assert approved.status == Status.APPROVED
    assert not approved.events.filter(action=ArticleEvent.Action.PUBLISHED).exists()


def test_a_draft_without_approval_cannot_be_published_by_an_editor(client, draft, chief_editor):
    response = act(client, chief_editor, draft, "publish")

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert response.status_code == 302


def test_an_editor_without_the_override_permission_cannot_override(client, draft, chief_editor):
    response = act(client, chief_editor, draft, "publish", override_reason="Urgent")

    draft.refresh_from_db()
    assert response.status_code == 403
    assert draft.status == Status.DRAFT


def test_the_override_is_recorded_and_shown(client, approved, writer, overriding_editor):
    client.force_login(writer)
    client.post(change_url(approved), change_form(approved, body=approved.body + "\nA new safety notice.\n"))
    approved.refresh_from_db()
    assert approved.changed_since_review

    act(client, overriding_editor, approved, "publish", override_reason="Urgent safety notice from the MHRA")

    approved.refresh_from_db()
    assert approved.is_published
    event = approved.events.get(action=ArticleEvent.Action.PUBLISHED)
    assert event.override and event.actor == overriding_editor
    assert event.note.startswith("Urgent safety notice from the MHRA")
    assert "no medical approval" in event.note
    html = client.get(change_url(approved)).content.decode()
    assert "Published without review" in html and "Urgent safety notice from the MHRA" in html


def test_no_override_publishes_an_article_that_misses_a_publishing_standard(client, draft, overriding_editor):
    response = act(client, overriding_editor, draft, "publish", override_reason="Urgent safety notice")

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and not draft.events.exists()
    html = client.get(response["Location"]).content.decode()
    assert "does not meet the publishing standards" in html
    assert "a medical reviewer with credentials" in html and "No override can publish past this" in html


def test_content_check_errors_block_publishing_an_approved_article(client, draft, writer, med_reviewer, chief_editor):
    client.force_login(writer)
    client.post(change_url(draft), change_form(draft, summary=""))  # summary-missing is an error
    act(client, writer, draft, "submit", reviewer=med_reviewer.pk)
    act(client, med_reviewer, draft, "approve")
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED and draft.check_errors >= 1

    response = act(client, chief_editor, draft, "publish")

    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    assert "content checks found" in client.get(response["Location"]).content.decode()


def test_a_future_time_schedules_the_article(client, approved, chief_editor):
    when = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    act(client, chief_editor, approved, "publish", when=when)

    approved.refresh_from_db()
    assert approved.is_scheduled and approved.state_label == "Scheduled"
    assert approved.events.get(action=ArticleEvent.Action.SCHEDULED)


def test_only_the_requested_reviewer_can_approve(client, draft, writer, med_reviewer, other_reviewer):
    act(client, writer, draft, "submit", reviewer=med_reviewer.pk)

    response = act(client, other_reviewer, draft, "approve")

    draft.refresh_from_db()
    assert response.status_code == 403
    assert draft.status == Status.IN_REVIEW and not draft.approved_fingerprint


def test_sending_back_needs_a_note_and_returns_the_draft(client, draft, writer, med_reviewer):
    act(client, writer, draft, "submit", reviewer=med_reviewer.pk)

    act(client, med_reviewer, draft, "send-back", note="")
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW

    act(client, med_reviewer, draft, "send-back", note="Cite the NICE guideline for the dose.")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.review_requested_from is None
    assert draft.events.get(action=ArticleEvent.Action.SENT_BACK).note == "Cite the NICE guideline for the dose."


def test_a_writer_cannot_submit_to_someone_who_is_not_a_reviewer(client, draft, writer, other_writer):
    act(client, writer, draft, "submit", reviewer=other_writer.pk)

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_workflow_urls_refuse_get(client, draft, chief_editor):
    client.force_login(chief_editor)

    assert client.get(workflow_url(draft, "archive")).status_code == 405


def test_the_publish_list_action_publishes_approved_and_reports_the_rest(client, approved, make_article, chief_editor):
    blocked = make_article("Unreviewed", status=Status.DRAFT, published_at=None)
    client.force_login(chief_editor)

    response = client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [approved.pk, blocked.pk]},
        follow=True,
    )

    approved.refresh_from_db()
    blocked.refresh_from_db()
    assert approved.is_published and blocked.status == Status.DRAFT
    assert "“Unreviewed”: It does not meet the publishing standards" in response.content.decode()


def test_a_writer_has_no_publish_list_action(client, approved, writer):
    client.force_login(writer)

    response = client.post(
        "/admin/articles/article/", {"action": "publish_selected", "_selected_action": [approved.pk]}
    )

    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert response.status_code in (200, 302)


def test_the_change_page_shows_each_role_only_its_buttons(client, draft, writer, med_reviewer, chief_editor):
    client.force_login(writer)
    html = client.get(change_url(draft)).content.decode()
    assert "Submit for review" in html and "Publish or schedule" not in html and "Approve the current text" not in html

    act(client, writer, draft, "submit", reviewer=med_reviewer.pk)
    client.force_login(med_reviewer)
    html = client.get(change_url(draft)).content.decode()
    assert "Approve the current text" in html and "Publish or schedule" not in html

    client.force_login(chief_editor)
    html = client.get(change_url(draft)).content.decode()
    assert "Publish or schedule" in html and "Approve the current text" not in html
