"""Review dates: the interval per topic, the admin index list, the list filters and `manage.py review_due`."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import Article, Topic
from tests.articles.conftest import workflow_url

pytestmark = pytest.mark.django_db

FROZEN = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def due(make_article, title: str, days_from_today: int, **fields) -> Article:
    return make_article(title, next_review_due=datetime.date(2026, 6, 1) + datetime.timedelta(days=days_from_today),
                        **fields)  # fmt: skip


def run_review_due(*args) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("review_due", *args, stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def test_approval_sets_the_next_review_from_the_shortest_topic_interval(client, draft, writer, med_reviewer):
    draft.topics.add(Topic.objects.create(name="Medicines", slug="medicines", review_interval_months=6))
    client.force_login(writer)
    client.post(workflow_url(draft, "submit"), {"reviewer": med_reviewer.pk})
    client.force_login(med_reviewer)

    client.post(workflow_url(draft, "approve"))

    draft.refresh_from_db()
    assert draft.last_reviewed == datetime.date(2026, 6, 1)
    assert draft.next_review_due == datetime.date(2026, 12, 1)


def test_approval_defaults_to_the_site_interval(client, draft, writer, med_reviewer, settings):
    settings.ARTICLE_REVIEW_INTERVAL_MONTHS = 12
    client.force_login(writer)
    client.post(workflow_url(draft, "submit"), {"reviewer": med_reviewer.pk})
    client.force_login(med_reviewer)

    client.post(workflow_url(draft, "approve"))

    draft.refresh_from_db()
    assert draft.next_review_due == datetime.date(2027, 6, 1)


def test_review_due_lists_overdue_and_soon_due_and_exits_1(make_article, reviewer_user):
    due(make_article, "Long overdue", -40, reviewer=reviewer_user)
    due(make_article, "Due next week", 7)
    due(make_article, "Due in autumn", 120)
    due(make_article, "Archived and overdue", -5, status=Article.Status.ARCHIVED)

    output, code = run_review_due()

    assert code == 1
    assert "Overdue (1)" in output and "2026-04-22  long-overdue  (dr-okafor)" in output
    assert "Due within 30 days (1)" in output and "due-next-week" in output
    assert "autumn" not in output.lower() and "archived" not in output.lower()
    assert "1 overdue, 1 due within 30 days." in output


def test_review_due_exits_0_when_nothing_is_overdue_and_days_widen_the_window(make_article):
    due(make_article, "Due in autumn", 120)

    assert run_review_due()[1] == 0
    output, code = run_review_due("--days", "150")
    assert code == 0 and "due-in-autumn" in output


def test_review_due_reminds_each_reviewer_by_email(make_article, reviewer_user):
    due(make_article, "Long overdue", -40, reviewer=reviewer_user)
    due(make_article, "Due next week", 7, reviewer=reviewer_user)
    due(make_article, "Nobody reviews me", -3)

    output, code = run_review_due("--email")

    assert code == 1 and "Sent 1 reminder(s)." in output
    [message] = mail.outbox
    assert message.to == ["dr-okafor@example.org"]
    assert "Long overdue: overdue since 22 April 2026" in message.body
    assert "Due next week: due on 8 June 2026" in message.body
    assert "Nobody reviews me" not in message.body


def test_the_admin_index_shows_overdue_and_soon_due_reviews(client, editor, make_article):
    due(make_article, "Long overdue", -40)
    due(make_article, "Due next week", 7)
    client.force_login(editor)

    html = client.get(reverse("admin:index")).content.decode()

    assert "1 overdue" in html and "1 due within 30 days" in html
    assert "Long overdue</a>: overdue since 22 Apr 2026" in html
    assert "Due next week</a>: due 8 Jun 2026" in html


def test_the_admin_index_keeps_the_comments_line_and_hides_reviews_from_moderators(client, moderator_user):
    client.force_login(moderator_user)

    html = client.get(reverse("admin:index")).content.decode()

    assert "awaiting moderation" in html
    assert "Medical reviews" not in html


def test_the_change_list_filters_overdue_reviews_and_check_errors(client, editor, make_article):
    overdue = due(make_article, "Long overdue", -40)
    due(make_article, "Due in autumn", 120)
    Article.objects.filter(pk=overdue.pk).update(check_errors=2, check_warnings=1)
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")

    by_review = client.get(url, {"review": "overdue"}).context["cl"].result_list
    by_errors = client.get(url, {"checks": "errors"})

    assert [a.title for a in by_review] == ["Long overdue"]
    assert [a.title for a in by_errors.context["cl"].result_list] == ["Long overdue"]
    assert "2 error(s), 1 warning(s)" in by_errors.content.decode()
