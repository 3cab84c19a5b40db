"""Dangerous claims and the publishing standards in the admin, through HTTP: what blocks publishing, who may
accept a dangerous sentence (with a recorded reason shown in the history), and one count of findings everywhere."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.checks import check_article, refresh_checks, stored_findings
from articles.models import Article, ArticleEvent, Reference
from tests.articles.conftest import change_form, change_url, workflow_url

Status = Article.Status
CHANGELIST_URL = reverse("admin:articles_article_changelist")
DANGEROUS = "If the first tablet does not work, take another one every half hour until the pain has gone."


def act(client, user, article, action: str, **data):
    client.force_login(user)
    return client.post(workflow_url(article, action), data)


def page_of(client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.fixture
def approved(client, draft, writer, med_reviewer):
    act(client, writer, draft, "submit", reviewer=med_reviewer.pk)
    act(client, med_reviewer, draft, "approve", note="Accurate.")
    draft.refresh_from_db()
    return draft


@pytest.fixture
def dangerous(client, approved, writer, med_reviewer):
    """An approved article whose writer added an uncited repeat-dosing instruction, re-approved as text."""
    client.force_login(writer)
    client.post(change_url(approved), change_form(approved, body=approved.body + f"\n{DANGEROUS}\n"))
    act(client, med_reviewer, approved, "approve", note="Approved apart from the dosing sentence.")
    approved.refresh_from_db()
    return approved


def the_finding_key(article) -> str:
    [finding] = [f for f in stored_findings(article) if f.code == "dangerous-claim"]
    return finding.key


def test_a_dangerous_claim_blocks_publishing_even_for_an_editor_who_may_override(client, dangerous, overriding_editor):
    assert dangerous.has_current_approval and dangerous.check_errors == 1

    response = act(client, overriding_editor, dangerous, "publish", override_reason="We need it out today")

    dangerous.refresh_from_db()
    assert dangerous.status == Status.APPROVED
    html = page_of(client, response["Location"])
    assert "1 dangerous claim(s) or contradiction(s)" in html and "No override can publish past this" in html


def test_the_change_page_offers_only_medical_reviewers_a_form_to_accept_the_sentence(
    client, dangerous, med_reviewer, chief_editor
):
    client.force_login(chief_editor)
    html = page_of(client, change_url(dangerous))
    assert "dangerous-claim" in html and DANGEROUS in html
    assert "Only a medical reviewer can accept this as it stands." in html
    assert 'name="finding"' not in html

    client.force_login(med_reviewer)
    html = page_of(client, change_url(dangerous))
    assert f'name="finding" value="{the_finding_key(dangerous)}"' in html
    assert "Accept this sentence" in html


def test_a_medical_reviewer_accepts_a_dangerous_sentence_with_a_reason_shown_in_the_history(
    client, dangerous, med_reviewer, chief_editor
):
    key = the_finding_key(dangerous)

    act(client, med_reviewer, dangerous, "accept", finding=key, note="Matches the leaflet for adults [SmPC 4.2].")

    dangerous.refresh_from_db()
    event = dangerous.events.get(action=ArticleEvent.Action.ACCEPTED_CLAIM)
    assert event.actor == med_reviewer and event.fingerprint == key
    assert event.note.startswith("Matches the leaflet for adults [SmPC 4.2].") and DANGEROUS in event.note
    assert dangerous.check_errors == 0
    assert [f.code for f in stored_findings(dangerous) if f.code.startswith("dangerous")] == [
        "dangerous-claim-accepted"
    ]
    client.force_login(chief_editor)
    history = page_of(client, reverse("admin:articles_article_history", args=[dangerous.pk]))
    assert "Content-check errors accepted by a medical reviewer" in history
    assert "Matches the leaflet for adults [SmPC 4.2]." in history
    assert "Content-check error accepted by a medical reviewer" in history  # the revision's reason

    act(client, chief_editor, dangerous, "publish")

    dangerous.refresh_from_db()
    assert dangerous.is_published


def test_an_editor_cannot_accept_a_dangerous_sentence(client, dangerous, overriding_editor):
    response = act(client, overriding_editor, dangerous, "accept", finding=the_finding_key(dangerous), note="Fine")

    assert response.status_code == 403
    assert not dangerous.events.filter(action=ArticleEvent.Action.ACCEPTED_CLAIM).exists()


@pytest.mark.parametrize(
    ("finding", "note", "message"),
    [
        ("KEY", "   ", "a reason is required"),
        ("0" * 64, "Fine by me", "no longer reported"),
        ("x" * 65, "Fine by me", "Ensure this value has at most 64 characters"),
    ],
)
def test_accepting_without_a_reason_or_a_finding_that_is_not_there_explains_and_records_nothing(
    client, dangerous, med_reviewer, finding, note, message
):
    finding = the_finding_key(dangerous) if finding == "KEY" else finding

    response = act(client, med_reviewer, dangerous, "accept", finding=finding, note=note)

    assert response.status_code == 302
    assert message in page_of(client, response["Location"])
    assert not dangerous.events.filter(action=ArticleEvent.Action.ACCEPTED_CLAIM).exists()


def test_the_acceptance_holds_for_that_sentence_only(client, dangerous, writer, med_reviewer):
    act(client, med_reviewer, dangerous, "accept", finding=the_finding_key(dangerous), note="From the leaflet.")
    client.force_login(writer)

    client.post(change_url(dangerous), change_form(dangerous, body=dangerous.body.replace("half hour", "ten minutes")))

    dangerous.refresh_from_db()
    assert dangerous.check_errors == 1
    assert "dangerous-claim" in {f.code for f in stored_findings(dangerous)}


# ------------------------------------------------------------------ one count everywhere


def test_the_list_column_the_filter_the_change_page_and_check_content_give_the_same_numbers(
    client, draft, writer, chief_editor
):
    client.force_login(writer)
    body = draft.body + f"\n{DANGEROUS}\n\nMost people feel better within a week.\n"
    client.post(change_url(draft), change_form(draft, body=body, summary=""))
    draft.refresh_from_db()
    errors, warnings = draft.check_errors, draft.check_warnings
    assert errors >= 2 and warnings >= 1  # dangerous claim, missing summary, standards; an unsupported claim

    client.force_login(chief_editor)
    listed = page_of(client, CHANGELIST_URL)
    assert f"{errors} error(s), {warnings} warning(s)" in listed
    assert draft.title in page_of(client, CHANGELIST_URL + "?checks=errors")
    assert draft.title not in page_of(client, CHANGELIST_URL + "?checks=clean").split("result_list")[-1]
    change_page = page_of(client, change_url(draft))
    assert f"Content checks: {errors} errors, {warnings} warning" in change_page
    with pytest.raises(CommandError) as failure:
        call_command("check_content", draft.slug, stdout=StringIO())
    assert f"1 article(s) checked: {errors} error(s), {warnings} warning(s)" in str(failure.value)


def test_check_content_stores_what_it_finds_when_the_checks_change(client, article, settings, chief_editor):
    Article.objects.filter(pk=article.pk).update(check_errors=7, check_warnings=7, check_findings=[])
    settings.ARTICLE_CHECKS_MAX_SENTENCE_WORDS = 3

    with pytest.raises(CommandError):  # the fixture's treatment article lacks a "When to get medical help" section
        call_command("check_content", article.slug, stdout=StringIO())

    article.refresh_from_db()
    findings = check_article(article)
    assert (article.check_errors, article.check_warnings) == (
        sum(f.is_error for f in findings),
        sum(f.is_warning for f in findings),
    )
    assert "long-sentences" in [f.code for f in stored_findings(article)]
    client.force_login(chief_editor)
    assert f"{article.check_errors} error(s), {article.check_warnings} warning(s)" in page_of(client, CHANGELIST_URL)


def test_the_demo_articles_are_listed_with_the_numbers_their_pages_show(client, settings, chief_editor):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    client.force_login(chief_editor)
    botox = Article.objects.get(slug="botox-for-headache")
    assert botox.check_errors == 0  # its link to another demo article is checked once that article exists

    listed = page_of(client, CHANGELIST_URL)
    change_page = page_of(client, change_url(botox))

    assert f"0 error(s), {botox.check_warnings} warning(s)" in listed
    assert f"Content checks: 0 errors, {botox.check_warnings} warning" in change_page


def test_changing_a_reviewers_credentials_updates_the_findings_of_their_articles(client, article, chief_editor):
    client.force_login(chief_editor)
    profile = article.reviewer.contributor
    url = reverse("admin:articles_contributorprofile_change", args=[profile.pk])
    data = {"user": profile.user_id, "display_name": profile.display_name, "credentials": "", "profession": "",
            "registration": "", "bio": ""}  # fmt: skip

    client.post(url, data)

    article.refresh_from_db()
    assert "standard-reviewer" in {f.code for f in stored_findings(article)}


# ------------------------------------------------------------------ check_content --format json


def test_check_content_json_gives_each_articles_findings_with_code_severity_message_and_whole_sentence(
    make_article, article
):
    long_sentence = "It is thought that feverfew may possibly switch off migraine for some people, " * 2
    make_article(
        "Feverfew",
        slug="feverfew",
        body=f"{DANGEROUS}\n\n{long_sentence.strip()}\n",
        competing_interests="",
    )
    out = StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("check_content", "--format", "json", stdout=out)

    assert failure.value.returncode == 1
    report = json.loads(out.getvalue())
    by_slug = {entry["slug"]: entry for entry in report["articles"]}
    assert set(by_slug) == {"feverfew", article.slug}
    feverfew = by_slug["feverfew"]
    assert {"code", "severity", "message", "sentence"} <= set(feverfew["findings"][0])
    dangerous = next(f for f in feverfew["findings"] if f["code"] == "dangerous-claim")
    assert (dangerous["severity"], dangerous["sentence"]) == ("error", DANGEROUS)
    hedged = next(f for f in feverfew["findings"] if f["code"] == "unsupported-claim")
    assert hedged["severity"] == "warning" and hedged["sentence"] == long_sentence.strip()
    assert {f["severity"] for f in feverfew["findings"]} <= {"error", "warning", "info"}
    assert set(feverfew["missing_standards"]) >= {"standard-reviewer", "standard-sources", "standard-interests"}
    assert by_slug[article.slug]["missing_standards"] == []
    assert report["summary"] == {
        "articles": 2,
        "errors": sum(entry["errors"] for entry in report["articles"]),
        "warnings": sum(entry["warnings"] for entry in report["articles"]),
        "blocked": sum(entry["errors"] > 0 for entry in report["articles"]),
    }


def test_check_content_text_names_the_standards_an_article_misses(make_article):
    make_article("Feverfew", slug="feverfew", competing_interests="")
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("check_content", "feverfew", stdout=out)

    assert "Misses the publishing standards: a medical reviewer with credentials; last-reviewed and next-review " \
        "dates; a list of sources; a competing-interests statement." in out.getvalue()  # fmt: skip


def test_check_content_refuses_an_unknown_format():
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        call_command("check_content", "--format", "xml")


# ------------------------------------------------------------------ a published page keeps its essentials


def test_a_published_article_shows_its_competing_interests_and_a_route_for_feedback(client, article):
    Article.objects.filter(pk=article.pk).update(competing_interests="The reviewer has spoken at a Botox meeting.")

    html = page_of(client, article.get_absolute_url())

    assert "Competing interests: The reviewer has spoken at a Botox meeting." in html
    assert f'Wrong or unclear? <a href="{reverse("contact")}">Tell us</a>.' in html


def test_a_published_article_cannot_lose_its_competing_interests_or_its_last_source(client, article, chief_editor):
    client.force_login(chief_editor)

    response = client.post(change_url(article), change_form(article, competing_interests=" "))
    assert "A published article must declare competing interests" in response.content.decode()

    data = change_form(article)
    data.update({"references-0-DELETE": "on", "references-1-DELETE": "on"})
    response = client.post(change_url(article), data)
    assert "A published article must list its sources" in response.content.decode()

    article.refresh_from_db()
    assert article.competing_interests == "None" and Reference.objects.filter(article=article).count() == 2


def test_the_list_marks_counts_found_by_older_checks_until_check_content_runs(client, article, chief_editor, settings):
    client.force_login(chief_editor)
    refresh_checks(article)
    assert "found by older checks" not in page_of(client, CHANGELIST_URL)

    settings.ARTICLE_CHECKS_MAX_SENTENCE_WORDS = 3  # the checks changed

    assert "found by older checks: run check_content" in page_of(client, CHANGELIST_URL)
    with pytest.raises(CommandError):
        call_command("check_content", stdout=StringIO())
    assert "found by older checks" not in page_of(client, CHANGELIST_URL)
