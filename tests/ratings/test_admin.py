import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from ratings.admin import ArticleWithRatingsAdmin
from ratings.models import RatingSummary, Vote
from tests.conftest import make_user

SUMMARIES = reverse("admin:ratings_ratingsummary_changelist")
VOTES = reverse("admin:ratings_vote_changelist")


@pytest.fixture
def moderator(db):
    return make_user(
        "moderator",
        staff=True,
        perms=("ratings.view_ratingsummary", "ratings.view_vote", "ratings.reset_ratings"),
    )


@pytest.fixture
def viewer(db):
    return make_user("viewer", staff=True, perms=("ratings.view_ratingsummary", "ratings.view_vote"))


@pytest.fixture
def rated(make_article, add_votes):
    low, high = make_article("Low"), make_article("High")
    add_votes(low, 2, 3)
    add_votes(high, 5, 5, 4)
    return low, high


def test_the_ratings_list_shows_count_and_average_sortable(client, moderator, rated):
    client.force_login(moderator)
    html = client.get(SUMMARIES).content.decode()
    assert '<td class="field-rating_count">3</td><td class="field-rating_average">4.7</td>' in html
    assert '<td class="field-rating_count">2</td><td class="field-rating_average">2.5</td>' in html
    by_average = client.get(SUMMARIES, {"o": "3"}).content.decode()  # ascending average
    assert by_average.index(">Low<") < by_average.index(">High<")
    by_average_desc = client.get(SUMMARIES, {"o": "-3"}).content.decode()
    assert by_average_desc.index(">High<") < by_average_desc.index(">Low<")
    by_count = client.get(SUMMARIES, {"o": "2"}).content.decode()
    assert by_count.index(">Low<") < by_count.index(">High<")


def test_the_vote_list_filters_by_article_score_and_date(client, moderator, rated):
    low, _ = rated
    client.force_login(moderator)
    assert client.get(VOTES).context["cl"].result_count == 5
    assert client.get(VOTES, {"article__id__exact": low.pk}).context["cl"].result_count == 2
    assert client.get(VOTES, {"score": "5"}).context["cl"].result_count == 2
    html = client.get(VOTES).content.decode()
    assert "By article" in html and "By score" in html and "By created at" in html
    assert client.get(VOTES, {"created_at__gte": "2000-01-01 00:00:00+00:00"}).context["cl"].result_count == 5


def test_votes_export_as_csv(client, viewer, rated):
    client.force_login(viewer)
    ids = list(Vote.objects.values_list("pk", flat=True))
    response = client.post(VOTES, {"action": "export_csv", ACTION_CHECKBOX_NAME: ids})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["vote id", "article", "article address", "score", "logged in", "created", "updated"]
    assert sorted(row[3] for row in rows[1:]) == ["2", "3", "4", "5", "5"]


def test_votes_cannot_be_edited_or_deleted_one_by_one(client, moderator, rated):
    client.force_login(moderator)
    vote = Vote.objects.first()
    assert client.post(reverse("admin:ratings_vote_delete", args=[vote.pk]), {"post": "yes"}).status_code == 403
    assert Vote.objects.count() == 5


def test_resetting_asks_for_confirmation_then_resets_and_logs(client, moderator, rated):
    low, high = rated
    client.force_login(moderator)
    data = {"action": "reset_selected", ACTION_CHECKBOX_NAME: [high.pk]}
    confirm = client.post(SUMMARIES, data)
    assert confirm.status_code == 200
    assert "Yes, reset these ratings" in confirm.content.decode()
    assert "High: 3 ratings, average 4.7" in confirm.content.decode()
    assert Vote.objects.count() == 5  # nothing happens before confirmation

    done = client.post(SUMMARIES, {**data, "confirm": "yes"}, follow=True)
    assert "Ratings reset for 1 article(s); 3 vote(s) deleted." in done.content.decode()
    assert not Vote.objects.filter(article=high).exists()
    assert Vote.objects.filter(article=low).count() == 2
    summary = RatingSummary.objects.get(article=high)
    assert (summary.count, summary.total) == (0, 0)
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (moderator, CHANGE, str(high.pk))
    assert entry.change_message == (
        "Reset ratings: 3 vote(s) deleted, 0 imported vote(s) cleared (was 3 rating(s), average 4.7)."
    )
    assert "[Total: 0 Average: 0]" in client.get(high.get_absolute_url()).content.decode()


def test_resetting_needs_the_dedicated_permission(client, viewer, rated):
    _, high = rated
    client.force_login(viewer)
    assert "reset_selected" not in client.get(SUMMARIES).content.decode()
    response = client.post(SUMMARIES, {"action": "reset_selected", ACTION_CHECKBOX_NAME: [high.pk], "confirm": "yes"})
    assert response.status_code in (200, 302)
    assert Vote.objects.count() == 5
    assert not LogEntry.objects.exists()


def test_the_article_list_shows_rating_count_and_average_sortable(client, make_article, editor, add_votes):
    popular = make_article("Popular")
    quiet = make_article("Quiet")
    add_votes(popular, 5, 4, 4)
    add_votes(quiet, 2)
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    html = client.get(url).content.decode()
    assert "column-rating_count" in html and "column-rating_average" in html
    assert '<td class="field-rating_average">4.3</td>' in html
    assert '<td class="field-rating_average">2</td>' in html
    # "o" counts list_display columns after the action checkbox.
    by_count_desc = client.get(url, {"o": "-" + str(ArticleWithRatingsAdmin.list_display.index("rating_count") + 1)})
    listed = by_count_desc.content.decode()
    assert listed.index("Popular") < listed.index("Quiet")
    by_average_asc = client.get(url, {"o": str(ArticleWithRatingsAdmin.list_display.index("rating_average") + 1)})
    listed = by_average_asc.content.decode()
    assert listed.index("Quiet") < listed.index("Popular")
