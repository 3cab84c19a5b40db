"""Whole journeys in a real Chromium, as readers, moderators and editors live them; screenshots for the README."""

import base64
import io
import re
import shutil
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from PIL import Image

from articles.models import Article, ContributorProfile
from comments.models import Comment
from tests.conftest import make_user

from .conftest import BOTOX, ConsoleWatch, add_comments, add_votes, log_in, restore_role_groups, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = f"/articles/{BOTOX}/"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


def test_a_reader_finds_the_botox_article_and_reads_it_on_a_phone_and_in_dark_mode(live_server, chromium, demo_site):
    add_votes(demo_site, 5, 4, 4, 5)
    add_comments(demo_site, 3)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    console = ConsoleWatch(page)

    # From the home page ...
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Botox for headache").first.click()
    page.wait_for_url(f"**{ARTICLE}")
    assert page.get_by_role("heading", level=1).inner_text() == "Botox for headache"
    # ... and from search.
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Search articles").fill("botox")
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    page.wait_for_selector(".search-count")
    page.get_by_role("link", name="Botox for headache").first.click()
    page.wait_for_url(f"**{ARTICLE}")
    # The page reads in the agreed order, with the table of contents open on a wide screen.
    order = page.evaluate(
        """() => ['.breadcrumb', 'h1', '.lead', '.byline', '.review-line', '.toc', '.article-body', '.medical-help',
                  '.references', '.review-dates', '.rating', '.comments']
                 .map(s => document.querySelector(s).getBoundingClientRect().top + window.scrollY)"""
    )
    assert order == sorted(order)
    assert page.locator("details.toc").get_attribute("open") is not None
    # Sharing: this Chromium has no share sheet, so the button copies the link.
    page.get_by_role("button", name=re.compile("Share|Copy link")).click()
    page.wait_for_selector("[data-share-status]:has-text('Link copied')")
    assert page.evaluate("navigator.clipboard.readText()").endswith(ARTICLE)
    screenshot(page, "article-light")
    assert console.real_problems() == []
    context.close()

    phone = chromium.new_context(**PHONE)
    page = phone.new_page()
    page.goto(live_server.url + ARTICLE)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.locator("details.toc").get_attribute("open") is None, "folded on a phone"
    page.locator("details.toc summary").click()
    assert page.locator("details.toc").get_attribute("open") is not None
    page.locator("details.toc summary").click()
    screenshot(page, "article-phone")
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ("/", ARTICLE, "/topics/migraine/", "/search/?q=migraine"):
        page.goto(live_server.url + url)
        assert page.evaluate(NO_HORIZONTAL_SCROLL), url
    phone.close()

    dark = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = dark.new_page()
    page.goto(live_server.url + ARTICLE)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(17, 24, 27)", background
    screenshot(page, "article-dark")
    dark.close()


def test_without_javascript_the_article_still_works(live_server, chromium, demo_site, settings):
    """The shared page has no CSRF token: the site shows what was sent, with one, to confirm in one click."""
    settings.COMMENTS_MIN_SECONDS = 1
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + ARTICLE)
    assert page.locator("details.toc").get_attribute("open") is not None
    assert not page.locator("[data-share]").is_visible()
    page.check("#rating-score-5", force=True)
    page.click(".rating-submit")
    page.wait_for_selector("text=Confirm your rating")
    assert "5 out of 5" in page.inner_text("main")
    page.click("text=Save my rating of 5 out of 5")
    page.wait_for_url(re.compile(re.escape(ARTICLE)))
    assert "Thank you: you rated this article 5 out of 5" in page.inner_text(".messages")
    assert "Total: 1" in page.inner_text("[data-rating-figures]")

    page.goto(live_server.url + ARTICLE)
    page.fill("#id_name", "Noor")
    page.fill("#id_email", "noor@example.org")
    page.fill("#id_body", "Read without scripts, and it all works.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("text=Confirm your comment")
    assert page.input_value("#id_body") == "Read without scripts, and it all works."
    page.wait_for_timeout(1100)
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector(".comment-awaiting")
    assert Comment.objects.get().status == Comment.Status.PENDING
    context.close()


def test_a_comment_is_moderated_seen_by_another_reader_and_answered_in_a_thread(
    live_server, chromium, demo_site, staff_moderator, settings
):
    settings.COMMENTS_MIN_SECONDS = 1
    article_url = live_server.url + ARTICLE
    reader = chromium.new_context().new_page()
    reader.goto(article_url)
    reader.fill("#id_name", "Priya")
    reader.fill("#id_email", "priya@example.org")
    reader.fill("#id_body", "Did anyone else get neck pain after the first round?")
    reader.wait_for_timeout(1200)
    reader.click("#comment-form button[type=submit]")
    reader.wait_for_selector(".comment-awaiting")
    assert "awaiting moderation" in reader.inner_text(".comment-pending")
    question = Comment.objects.get()

    def approve_in_admin(comment):
        moderator = chromium.new_context().new_page()
        log_in(moderator, live_server.url, "moira", "moderator-pass-123")
        moderator.goto(live_server.url + "/admin/comments/comment/?status__exact=pending")
        moderator.check(f"input[name=_selected_action][value='{comment.pk}']")
        moderator.select_option("select[name=action]", "approve")
        moderator.click("button[name=index]")
        moderator.wait_for_selector("text=Approved 1 comment(s).")
        moderator.context.close()

    approve_in_admin(question)

    # A third reader sees it, and answers it in place (the script moves the form under the comment).
    third = chromium.new_context().new_page()
    third.goto(article_url)
    assert "Did anyone else get neck pain" in third.inner_text(f"#comment-{question.pk} .comment-body")
    third.click(f"#comment-{question.pk} a.comment-reply")
    assert third.locator(f"#comment-{question.pk} #comment-form").count() == 1
    assert third.evaluate("document.activeElement.id") == "id_body"
    third.fill("#id_name", "Tom")
    third.fill("#id_email", "tom@example.org")
    third.fill("#id_body", "Yes, for about a week. It settled by itself.")
    third.wait_for_timeout(1200)
    third.click("#comment-form button[type=submit]")
    third.wait_for_selector(".comment-awaiting")
    answer = Comment.objects.exclude(pk=question.pk).get()
    assert answer.parent_id == question.pk
    approve_in_admin(answer)

    third.context.close()
    fourth = chromium.new_context().new_page()
    fourth.goto(article_url)
    assert "2 comments" in fourth.inner_text("#comments-heading")
    reply = fourth.locator(f"#comment-{question.pk} > .comment-replies > #comment-{answer.pk}")
    assert "It settled by itself." in reply.inner_text()
    fourth.context.close()
    reader.context.close()


def test_printing_the_article_keeps_the_text_and_references_and_prints_link_addresses(
    live_server, page, demo_site, tmp_path
):
    add_comments(demo_site, 2)
    page.goto(live_server.url + ARTICLE)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.site-header', '.site-footer', '.topic-nav', '.rating', '#comment-form', '.share', '.toc']
                 .map(s => document.querySelector(s)).filter(Boolean)
                 .map(el => el.checkVisibility())"""
    )
    assert hidden and not any(hidden), hidden
    assert page.locator(".references").is_visible()
    assert page.locator(".medical-help").is_visible()
    reference_link = page.locator(".references a[href^='http']").first
    after = reference_link.evaluate("a => getComputedStyle(a, '::after').content")
    assert reference_link.get_attribute("href") in after
    pdf = tmp_path / "article.pdf"
    page.pdf(path=str(pdf))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Botox for headache" in text and "References" in text
        assert "Leave a Comment" not in text and "Send rating" not in text


def small_png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (11, 95, 99)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


DROP_PNG = """([textarea, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], 'injection-sites.png', {type: 'image/png'}));
  for (const type of ['dragenter', 'dragover', 'drop']) {
    textarea.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""

BODY = """Botox is one of the treatments that can prevent headaches in chronic migraine [1].

## Who can have it

Adults with headaches on 15 or more days a month [1].

## Side effects

Neck pain and a droopy eyelid for a few weeks [1].

## When to get medical help

Tell your clinic at once if swallowing or breathing feels difficult.
"""


def test_an_editor_writes_an_article_a_reviewer_approves_it_and_it_is_published(
    live_server, chromium, demo_site, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    restore_role_groups()
    writer = make_user("wendy", staff=True, password="writer-pass-123")
    writer.first_name, writer.last_name = "Wendy", "Writer"  # a named author: a publishing standard
    writer.save()
    writer.groups.add(Group.objects.get(name="Writers"))
    reviewer = make_user("rita", staff=True, password="reviewer-pass-123")
    reviewer.first_name, reviewer.last_name = "Rita", "Reviewer"
    reviewer.save()
    reviewer.groups.add(Group.objects.get(name="Medical reviewers"))
    ContributorProfile.objects.create(user=reviewer, display_name="Dr Rita Reviewer", credentials="GP")
    chief = make_user("edwin", staff=True, password="editor-pass-123")
    chief.groups.add(Group.objects.get(name="Editors"))

    page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "wendy", "writer-pass-123")
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.fill("#id_title", "Botox: a first visit")
    page.fill("#id_summary", "What happens at a first Botox appointment for chronic migraine.")
    editor = page.locator("textarea.markdownx-editor")
    editor.fill(BODY)
    editor.press("End")  # a keystroke: markdownx previews on input
    preview = page.locator(".markdownx-preview")
    preview.locator("h2", has_text="Who can have it").wait_for()

    # Drag and drop an image onto the editor: markdownx uploads it and inserts ![](url).
    editor.evaluate("t => t.setSelectionRange(t.value.length, t.value.length)")
    page.evaluate(DROP_PNG, [editor.element_handle(), small_png()])
    page.wait_for_function("() => /!\\[\\]\\([^)]+\\)/.test(document.querySelector('textarea.markdownx-editor').value)")
    editor.evaluate(
        "t => { t.value = t.value.replace('![](', '![The six injection areas on the head and neck]('); "
        "t.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    preview.locator("img[alt='The six injection areas on the head and neck']").wait_for()
    page.locator(".markdownx").scroll_into_view_if_needed()
    screenshot(page, "admin-editor")
    page.fill("#id_competing_interests", "None")
    page.fill("#id_references-0-position", "1")
    page.fill("#id_references-0-title", "OnabotulinumtoxinA for treatment of chronic migraine: PREEMPT 2")
    page.fill("#id_references-0-source", "Cephalalgia")
    page.fill("#id_references-0-year", "2010")
    page.click("input[name=_continue]")
    page.wait_for_selector(".workflow-panel")
    article = Article.objects.get(title="Botox: a first visit")
    assert "![The six injection areas on the head and neck](" in article.body

    # Submit for review.
    page.select_option("#wf-reviewer", label="Rita Reviewer")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    page.context.close()

    review = chromium.new_context().new_page()
    log_in(review, live_server.url, "rita", "reviewer-pass-123")
    review.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    review.get_by_role("button", name="Approve the current text").click()
    review.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED
    review.context.close()

    publish = chromium.new_context().new_page()
    log_in(publish, live_server.url, "edwin", "editor-pass-123")
    publish.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    publish.get_by_role("button", name="Publish or schedule").click()
    publish.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.is_published, publish.inner_text(".messagelist") + publish.inner_text(".workflow-panel")
    publish.context.close()

    caches["default"].clear()
    reader = chromium.new_context().new_page()
    reader.goto(live_server.url + "/")
    reader.get_by_role("link", name="Botox: a first visit").first.click()
    reader.wait_for_selector("img[alt='The six injection areas on the head and neck']")
    feed = reader.request.get(live_server.url + "/feed/").text()
    assert "Botox: a first visit" in feed
    reader.context.close()
