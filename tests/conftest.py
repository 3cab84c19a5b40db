"""Shared fixtures (people in their roles, articles, a real Chromium for browser tests) and the CI rule on skips.

In CI (env CI set, as .ci/run does) a skipped test fails the run, unless it
is marked `only_on_database(...)` and this run uses another database: the
one deliberate skip, since CI runs the suite once on each database.
"""

import datetime
import os
import shutil
import threading
import time

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections
from django.utils import timezone

from articles.frontend_cache import purger
from articles.models import Article, ContributorProfile, Reference, Topic

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


# ------------------------------------------------------------------ skips


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def pytest_collection_modifyitems(config, items):
    """Tests for one database skip, with the reason, when this run uses another."""
    for item in items:
        marker = item.get_closest_marker("only_on_database")
        if marker and connection.vendor not in marker.args:
            wanted = " or ".join(marker.args)
            item.add_marker(pytest.mark.skip(reason=f"runs on {wanted} only; this run uses {connection.vendor}"))


def _deliberate_skip(item) -> bool:
    marker = item.get_closest_marker("only_on_database")
    return marker is not None and connection.vendor not in marker.args


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI, a skip other than another database's test is a failure: CI has every tool and service."""
    report = yield
    if in_ci() and report.skipped and not hasattr(report, "wasxfail") and not _deliberate_skip(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where every test must run: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """In CI, a whole module skipped (pytest.skip at module level, importorskip) fails the run too."""
    report = yield
    if in_ci() and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{collector.nodeid} was skipped in CI, where every test must run: {reason}"
    return report


# ------------------------------------------------------------------ isolation


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker):
    """Each test starts with empty caches: pages cached in one test never leak into another."""
    for alias in ("default", "pages", "fragments"):
        caches[alias].clear()
    purger.reset()
    yield
    for alias in ("default", "pages", "fragments"):
        caches[alias].clear()
    purger.reset()
    if commits_to_the_database(request):
        # Its rate-limit counters were committed, and flushing the tables leaves the cache table alone.
        with django_db_blocker.unblock():
            caches["shared"].clear()


def commits_to_the_database(request) -> bool:
    """A transactional test (or one with a live server): what it writes outlives it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    return transactional or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture
def keep_test_transaction():
    """Django's handler closes "old" connections around each request; the test client stops that, so do we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def make_user(username: str, *, staff: bool = False, perms: tuple[str, ...] = (), password: str = "") -> User:
    user = User.objects.create_user(username, f"{username}@example.org", password or None, is_staff=staff)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)  # fresh instance: no cached permissions


@pytest.fixture
def reader(db):
    return make_user("reader")


@pytest.fixture
def editor(db):
    return make_user(
        "editor",
        staff=True,
        perms=(
            "articles.add_article",
            "articles.change_article",
            "articles.change_any_article",
            "articles.publish_article",
            "articles.view_article",
            "articles.add_reference",
            "articles.change_reference",
            "articles.delete_reference",
            "articles.view_topic",
        ),
        password="editor-pass-123",
    )


@pytest.fixture
def author_user(db):
    user = make_user("amira")
    ContributorProfile.objects.create(
        user=user, display_name="Amira Patel", credentials="Health writer, MSc Public Health"
    )
    return user


@pytest.fixture
def reviewer_user(db):
    user = make_user("dr-okafor")
    ContributorProfile.objects.create(
        user=user,
        display_name="Dr Chidi Okafor",
        credentials="Consultant neurologist, FRCP",
        profession="Neurologist",
        registration="GMC 7654321",
    )
    return user


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Migraine", slug="migraine", description="Migraine and its treatment.")


@pytest.fixture
def make_article(db, author_user):
    """Build articles: published one hour ago unless told otherwise."""

    def build(title="Botox for headache", *, topics=(), references=0, **fields):
        defaults = {
            "summary": "How Botox injections help prevent chronic migraine.",
            "body": "## How it works\n\nBotox reduces headache days [1].\n\n## Side effects\n\nNeck pain.",
            "author": author_user,
            "competing_interests": "None",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(hours=1),
        }
        article = Article.objects.create(title=title, **{**defaults, **fields})
        article.topics.set(topics)
        for n in range(1, references + 1):
            Reference.objects.create(
                article=article, position=n, title=f"Study {n}", source="Cephalalgia", year=2010, doi=f"10.1/{n}"
            )
        return article

    return build


@pytest.fixture
def article(make_article, topic, reviewer_user):
    return make_article(
        topics=[topic],
        references=2,
        reviewer=reviewer_user,
        last_reviewed=datetime.date(2026, 3, 1),
    )


def next_full_hour() -> datetime.datetime:
    """The full hour after the next one: a boundary of every clock-aligned window, after `article` is published."""
    return datetime.datetime.fromtimestamp((int(time.time()) // 3600 + 2) * 3600, tz=datetime.UTC)


@pytest.fixture
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# ------------------------------------------------------------------ browser


def chromium_executable() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by Playwright; skipped (with the reason) only where none is installed."""
    path = chromium_executable()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Browser tests are mandatory in CI, but no Chromium was found (apt-get install chromium).")
        pytest.skip("No Chromium installed here (apt-get install chromium, or set CHROMIUM_PATH).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    page.set_default_timeout(10_000)
    return page


def run_together(count: int, action) -> list:
    """Run action(i) in `count` threads released at once; each closes its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(i):
        try:
            barrier.wait()
            results[i] = action(i)
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
