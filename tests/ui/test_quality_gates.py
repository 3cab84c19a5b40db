"""Front-end gates that fail on regressions: axe-core, the Nu HTML checker, keyboard access, page weight, Lighthouse."""

import json
import os
import re
import subprocess
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.html import escape

from .conftest import (
    BOTOX,
    LIGHTHOUSE,
    ConsoleWatch,
    add_comments,
    add_votes,
    log_in,
    need,
    run_axe,
    vnu_errors,
)

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = f"/articles/{BOTOX}/"
SIMPLE_PAGES = {
    "home": "/",
    "article": ARTICLE,
    "topic": "/topics/migraine/",
    "search-results": "/search/?q=botox",
    "search-empty": "/search/",
    "search-no-results": "/search/?q=zzzxq",
    "404": "/no-such-page/",
}


def open_comment_form_with_errors(page, base_url: str) -> None:
    """Send the comment form half filled in, past the browser's own checks, to get the server's error page."""
    page.goto(base_url + ARTICLE)
    page.fill("#id_name", "Sam")
    page.fill("#id_email", "not-an-email")
    page.evaluate("document.getElementById('comment-form').noValidate = true")
    with page.expect_navigation():
        page.click("#comment-form button[type=submit]")
    page.wait_for_selector(".errorlist")


def open_admin_add_page(page, base_url: str) -> None:
    log_in(page, base_url, "edna", "editor-pass-123")
    page.goto(base_url + "/admin/articles/article/add/")
    page.wait_for_selector(".markdownx")
    page.wait_for_selector("html[data-admin-a11y=ready]", state="attached")


# ------------------------------------------------------------------ axe-core


@pytest.mark.browser
@pytest.mark.parametrize("name", [*SIMPLE_PAGES, "article-dark", "article-phone", "comment-errors", "admin-add"])
def test_axe_finds_no_violations_and_the_console_stays_clean(
    name, live_server, chromium, botox_with_feedback, staff_editor
):
    options = {"viewport": {"width": 1280, "height": 900}}
    if name == "article-dark":
        options["color_scheme"] = "dark"
    if name == "article-phone":
        options = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
    context = chromium.new_context(**options)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        console = ConsoleWatch(page)
        if name == "comment-errors":
            open_comment_form_with_errors(page, live_server.url)
        elif name == "admin-add":
            open_admin_add_page(page, live_server.url)
        else:
            page.goto(live_server.url + SIMPLE_PAGES.get(name, ARTICLE))
        violations = run_axe(page)
        assert violations == [], json.dumps(violations, indent=2)
        if name != "admin-add":  # the admin is Django's; its console is not ours to gate
            assert console.real_problems() == []
    finally:
        context.close()


# ------------------------------------------------------------------ Nu HTML checker


def test_the_nu_html_checker_finds_no_errors(client, botox_with_feedback, staff_editor, tmp_path):
    documents = {name: client.get(url).content.decode() for name, url in SIMPLE_PAGES.items()}
    article = botox_with_feedback
    response = client.post(
        reverse("comments:post", args=[article.pk]), {"name": "Sam", "email": "not-an-email", "body": ""}
    )
    assert b"errorlist" in response.content
    documents["comment-errors"] = response.content.decode()
    client.force_login(staff_editor)
    documents["admin-add"] = client.get("/admin/articles/article/add/").content.decode()
    assert vnu_errors(documents, tmp_path) == {}


# ------------------------------------------------------------------ keyboard

FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"

FOCUS_STATE = """() => {
  const el = document.activeElement;
  // A star's radio is see-through: its label carries the focus ring.
  const shown = el.matches('input.rating-input') ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
  const box = shown.getBoundingClientRect();
  return {key: el.id || el.name || el.getAttribute('href') || el.textContent.trim().slice(0, 40),
          tag: el.tagName, ring, visible: box.width > 0 && box.height > 0};
}"""


@pytest.mark.browser
def test_every_control_on_the_article_page_is_reachable_by_tab_with_a_visible_focus(live_server, page, demo_site):
    add_votes(demo_site, 4, 5)
    add_comments(demo_site, 2)
    page.goto(live_server.url + ARTICLE)
    expected = page.evaluate(
        """sel => [...document.querySelectorAll(sel)].filter(el => {
             if (el.closest('[hidden], .comment-hp') || el.disabled) return false;
             if (el.matches('input[type=radio]')) return el.value === '1' || el.checked;  // one stop per group
             const box = el.getBoundingClientRect();
             return el.matches('.rating-input') || (box.width > 0 && box.height > 0);
           }).length""",
        FOCUSABLE,
    )
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_STATE)
    assert first["key"] == "#main" and first["ring"] and first["visible"], "the skip link comes first, visibly"
    seen, without_ring = [first], []
    for _ in range(expected + 10):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["tag"] == "BODY" or state == seen[0]:
            break
        seen.append(state)
        if not (state["ring"] and state["visible"]):
            without_ring.append(state)
    assert without_ring == []
    assert len(seen) >= expected, f"reached {len(seen)} of {expected} controls: {[s['key'] for s in seen]}"


@pytest.mark.browser
def test_the_skip_link_moves_focus_to_the_main_content(live_server, page, demo_site):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.browser
def test_the_rating_stars_move_with_arrow_keys_and_send_with_enter(live_server, page, demo_site):
    """The full two-reader version is tests/ratings/test_browser.py; this pins the keyboard contract."""
    page.goto(live_server.url + ARTICLE)
    page.focus("#rating-score-1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "rating-score-3"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-rating-figures]:has-text('Total: 1')")


# ------------------------------------------------------------------ page weight


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css: list[str] = []
        self.js: list[dict] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.css.append(attrs["href"])
        if tag == "script" and "src" in attrs:
            self.js.append(attrs)
        if tag == "img":
            self.images.append(attrs)


BUDGET_BYTES = 60_000


def static_size(url: str) -> int:
    path = finders.find(url.removeprefix("/static/").split("?")[0])
    assert path, f"{url} is not a static file"
    with open(path, "rb") as f:
        return len(f.read())


def test_the_article_page_stays_within_its_weight_budget(client, demo_site):
    """HTML + CSS + JS under 60 KB: the Botox article with ratings and twenty comments.

    Readers' own words are content, not overhead: what each comment adds
    around its text (markup, links, buttons) is bounded separately, so a long
    thread costs its text plus a small, fixed amount per comment.
    """
    add_votes(demo_site, 5, 4, 3)
    bare = client.get(ARTICLE).content
    comments = add_comments(demo_site, 20)  # empties the cache, as their commit's purge would
    html = client.get(ARTICLE).content
    assert b"20 comments" in html
    assert html.count(b'class="comment-body"') == 20
    readers_text = sum(len(escape(c.body)) + 2 * len(escape(c.name)) for c in comments)
    markup_per_comment = (len(html) - len(bare) - readers_text) / len(comments)
    print(f"\nmarkup per comment around the reader's text: {markup_per_comment:.0f} bytes")
    assert markup_per_comment < 500  # today about 470; WordPress spends about 1,700
    assets = Assets()
    assets.feed(html.decode())
    css = sum(static_size(url) for url in assets.css)
    js = sum(static_size(script["src"]) for script in assets.js)
    total = len(html) + css + js
    print(f"\narticle weight: HTML {len(html)} + CSS {css} + JS {js} = {total} bytes (budget {BUDGET_BYTES})")
    assert total < BUDGET_BYTES
    # No render-blocking scripts; every image has its size (no layout shift) and lazy loading below the fold.
    assert all("defer" in script or "async" in script for script in assets.js)
    for image in assets.images:
        assert image.get("width") and image.get("height"), image


def test_pages_load_nothing_from_other_origins(client, botox_with_feedback):
    for url in SIMPLE_PAGES.values():
        assets = Assets()
        assets.feed(client.get(url).content.decode())
        loaded = [*assets.css, *(script["src"] for script in assets.js), *(img["src"] for img in assets.images)]
        assert [u for u in loaded if re.match(r"(https?:)?//", u)] == [], url


# ------------------------------------------------------------------ Lighthouse

LIGHTHOUSE_MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --disable-dev-shm-usage"
)


def lighthouse_scores(url: str, out: str) -> tuple[dict, list[str]]:
    """Scores (0-100) from up to three Lighthouse runs: it sometimes ends without scores (e.g. NO_NAVSTART)."""
    from tests.conftest import chromium_executable

    lighthouse = need(LIGHTHOUSE, "Lighthouse")
    env = {**os.environ, "CHROME_PATH": chromium_executable() or "/usr/bin/chromium"}
    problems = []
    for attempt in range(1, 4):
        run = subprocess.run(
            [
                str(lighthouse),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--only-categories=performance,accessibility,best-practices,seo",
                f"--chrome-flags={CHROME_FLAGS}",
            ],  # fmt: skip
            capture_output=True,
            text=True,
            timeout=240,
            env=env,
        )
        try:
            with open(out) as f:
                report = json.load(f)
        except (OSError, ValueError) as error:
            problems.append(f"attempt {attempt}: no report ({error}; {run.stderr[-300:]})")
            continue
        scores = {key: category["score"] for key, category in report["categories"].items()}
        if report.get("runtimeError") or None in scores.values():
            problems.append(f"attempt {attempt}: {report.get('runtimeError')} {scores}")
            continue
        failing = sorted(
            audit_id
            for category in report["categories"].values()
            for ref in category["auditRefs"]
            if ref.get("weight", 0) > 0
            and (audit_id := ref["id"])
            and report["audits"][audit_id]["score"] is not None
            and report["audits"][audit_id]["score"] < 1
        )
        return {key: round(score * 100) for key, score in scores.items()}, failing
    pytest.fail("Lighthouse produced no scores in three runs: " + " | ".join(problems))


@pytest.mark.browser
@pytest.mark.parametrize("name", ["home", "article"])
def test_lighthouse_mobile_scores_meet_the_minimums(name, live_server, chromium, botox_with_feedback, tmp_path):
    url = live_server.url + SIMPLE_PAGES[name]
    scores, failing_audits = lighthouse_scores(url, str(tmp_path / "report.json"))
    print(f"\nlighthouse {name}: {scores}; audits below 100%: {failing_audits}")
    below = {key: score for key, score in scores.items() if score < LIGHTHOUSE_MINIMUM[key]}
    assert below == {}, f"{scores}; audits below 100%: {failing_audits}"
