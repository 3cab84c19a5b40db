"""Shared helpers for the front-end gates and journeys: demo data, axe, the Nu checker, console watching, screenshots.

The Node tools (axe-core, Lighthouse, vnu-jar) come from the repository's package-lock.json (`make node-tools`).
Where they, Java or Chromium are missing the tests skip with the reason; in CI (env CI set) they fail instead.
"""

import datetime
import importlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from ratings.voting import cast_vote, new_voter_key
from tests.conftest import make_user

ROOT = Path(django_settings.BASE_DIR)
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BOTOX = "botox-for-headache"
# Screenshots go to a git-ignored folder; `make screenshots` points this at docs/screenshots.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "tests" / "screenshots" / "tmp")

COMMENT_TEXTS = [
    "Thank you, this is the clearest explanation I have found.",
    "I had my third round last month and my headache days went from about 20 to 12.",
    "The neck pain after the first session lasted about a week, then it settled.",
    "Useful to know it can take two or three rounds before you can tell if it works.",
    "My clinic gave me a diary to fill in first, as the article says.",
    "Does anyone know if the injections are given at the same places every time?",
    "This helped me prepare questions for my neurologist appointment.",
    "Clear and calm. I shared it with my sister, who has chronic migraine too.",
]


def need(path: Path, what: str) -> Path:
    """A tool the gates need: skipped with the reason locally, a failure in CI."""
    if path.exists():
        return path
    message = f"{what} is missing ({path.relative_to(ROOT)}): run `make node-tools` (npm ci)."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def need_java() -> str:
    java = shutil.which("java")
    if java:
        return java
    if os.environ.get("CI"):
        pytest.fail("The Nu HTML checker needs Java 11+, and none was found.")
    pytest.skip("No Java here (apt-get install default-jre-headless) for the Nu HTML checker.")


def restore_role_groups() -> None:
    """Transactional tests empty every table; put back the role groups that data migrations create."""
    editorial = importlib.import_module("articles.migrations.0004_editorial_groups")
    moderators = importlib.import_module("comments.migrations.0003_moderators_group")
    wanted = {name: [perm.split(".") for perm in perms] for name, perms in editorial.GROUPS.items()}
    wanted[moderators.GROUP] = [("comments", codename) for codename in moderators.CODENAMES]
    for name, perms in wanted.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            query = Q(pk__in=[])
            for app_label, codename in perms:
                query |= Q(content_type__app_label=app_label, codename=codename)
            group.permissions.set(Permission.objects.filter(query))


@pytest.fixture
def demo_site(transactional_db, settings):
    """The demo topics, people and articles (load_demo refuses to run without DEBUG), and an empty page cache."""
    restore_role_groups()
    settings.DEBUG = True
    try:
        call_command("load_demo", stdout=io.StringIO())
    finally:
        settings.DEBUG = False
    caches["default"].clear()
    caches["shared"].clear()
    settings.COMMENTS_FLOOD_LIMITS = [(1000, 15)]
    settings.RATINGS_RATE_LIMIT = 1000
    yield Article.objects.get(slug=BOTOX)
    caches["default"].clear()
    caches["shared"].clear()


def add_comments(article, count: int) -> list[Comment]:
    """`count` approved comments from different readers, every fourth one a reply, dated over the last weeks."""
    comments: list[Comment] = []
    start = timezone.now() - datetime.timedelta(days=count)
    for n in range(count):
        parent = comments[n - 1] if n % 4 == 3 and comments[n - 1].depth == 0 else None
        comment = Comment(
            article=article,
            name=f"Reader {n + 1}",
            email=f"reader{n + 1}@example.org",
            body=COMMENT_TEXTS[n % len(COMMENT_TEXTS)],
            status=Comment.Status.APPROVED,
        )
        comment.attach_to(parent)
        comment.save()
        Comment.objects.filter(pk=comment.pk).update(created_at=start + datetime.timedelta(days=n))
        comments.append(comment)
    caches["default"].clear()
    return comments


def add_votes(article, *scores: int) -> None:
    for score in scores:
        cast_vote(article=article, score=score, voter_key=new_voter_key(), address="192.0.2.10")
    caches["default"].clear()


@pytest.fixture
def botox_with_feedback(demo_site):
    """The Botox article with some ratings and a short comment thread."""
    add_votes(demo_site, 5, 4, 4)
    add_comments(demo_site, 4)
    return demo_site


@pytest.fixture
def staff_editor(transactional_db):
    """A staff member who may write articles (and see the admin)."""
    perms = [
        "add_article", "change_article", "view_article", "add_reference", "change_reference",
        "delete_reference", "view_reference", "view_topic", "view_contributorprofile",
    ]  # fmt: skip
    user = make_user("edna", staff=True, password="editor-pass-123")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=perms))
    return user


@pytest.fixture
def staff_moderator(transactional_db):
    restore_role_groups()
    user = make_user("moira", staff=True, password="moderator-pass-123")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


class ConsoleWatch:
    """Console errors, failed requests and uncaught exceptions on a page (CSP violations show up here)."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"exception: {error}"))
        page.on("response", self._response)

    def _response(self, response) -> None:
        # The page itself may be a deliberate 404 or 400 (error pages); its sub-resources may not.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def real_problems(self) -> list[str]:
        """Everything but the browser's note about a deliberate error status of the page itself."""
        return [p for p in self.problems if "Failed to load resource" not in p or "/static/" in p]

    def clear(self) -> None:
        self.problems.clear()


@pytest.fixture
def console(page):
    return ConsoleWatch(page)


def run_axe(page) -> list[dict]:
    """axe-core's violations for the page as it is now (the rule set this project gates on)."""
    axe_source = need(AXE_JS, "axe-core").read_text()
    # evaluate() runs through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def vnu_errors(documents: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    """Validate HTML documents with the Nu HTML checker (one JVM for all); errors per document name."""
    jar = need(VNU_JAR, "vnu-jar")
    java = need_java()
    paths = {}
    for name, html in documents.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html)
        paths[path.resolve().as_uri()] = name
    run = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--stdout", *[str(tmp_path / f"{n}.html") for n in documents]],
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = json.loads(run.stdout)
    errors: dict[str, list[str]] = {name: [] for name in documents}
    for message in report["messages"]:
        if message["type"] in {"error", "non-document-error"}:
            name = paths.get(message.get("url", ""), message.get("url", "?"))
            errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return {name: found for name, found in errors.items() if found}


def screenshot(page, name: str) -> Path:
    """Save a viewport screenshot; PNG if it stays small, otherwise JPEG."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    if path.stat().st_size > 200_000:
        path.unlink()
        path = SCREENSHOTS / f"{name}.jpg"
        page.screenshot(path=str(path), type="jpeg", quality=80)
    return path
