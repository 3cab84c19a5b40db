import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from .conftest import figures_text, json_ld_blocks


def test_widget_is_a_form_with_fieldset_legend_and_five_labelled_radios(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<form class="rating-form" method="post" action="/ratings/{article.slug}/vote/"' in html
    assert '<fieldset class="rating-fieldset" aria-describedby="rating-hint">' in html
    assert '<legend class="rating-legend">Click to rate this post!</legend>' in html
    for n in range(1, 6):
        assert f'<input class="rating-input" type="radio" name="score" value="{n}" id="rating-score-{n}">' in html
        assert (
            f'<label class="rating-star" for="rating-score-{n}"><span aria-hidden="true">★</span>'
            f'<span class="visually-hidden">Rate {n} out of 5</span></label>'
        ) in html
    assert html.count('type="radio" name="score"') == 5
    assert '<button class="rating-submit" type="submit">Send rating</button>' in html
    assert 'name="csrfmiddlewaretoken"' not in html  # a shared page: its script fills the token in
    assert 'role="status" aria-live="polite"' in html


def test_widget_says_readers_rate_the_article_not_the_treatment(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<p class="rating-hint" id="rating-hint">Rate how helpful and clear this article is, '
        "not the treatment it describes.</p>"
    ) in html


def test_widget_has_no_inline_script_or_style(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    widget = html[html.index('id="rating"') : html.index("data-rating-status")]
    assert "style=" not in widget and "<script" not in widget and "onclick" not in widget


def test_figures_read_total_0_average_0_before_any_vote(client, article):
    assert figures_text(client.get(article.get_absolute_url()).content.decode()) == "[Total: 0 Average: 0]"


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([4], "[Total: 1 Average: 4]"),
        ([5] * 6 + [4] * 4 + [3] * 2, "[Total: 12 Average: 4.3]"),
        ([4, 5], "[Total: 2 Average: 4.5]"),
        ([1, 2], "[Total: 2 Average: 1.5]"),
        ([5, 5, 4], "[Total: 3 Average: 4.7]"),
    ],
)
def test_figures_show_the_count_and_the_average_to_one_decimal(client, article, add_votes, scores, expected):
    add_votes(article, *scores)
    assert figures_text(client.get(article.get_absolute_url()).content.decode()) == expected


def test_imported_figures_are_added_to_live_votes(client, article, add_votes):
    from ratings.models import RatingSummary

    add_votes(article, 5)
    RatingSummary.objects.filter(article=article).update(imported_count=9, imported_total=36)
    assert figures_text(client.get(article.get_absolute_url()).content.decode()) == "[Total: 10 Average: 4.1]"


def test_drafts_previewed_by_staff_show_no_voting_form(client, make_article, editor):
    draft = make_article("Draft", status="draft", published_at=None)
    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Readers can rate this article once it is published." in html
    assert 'name="score"' not in html


@pytest.mark.parametrize("with_cookie", [False, True])
def test_the_widget_costs_one_query(article, add_votes, django_assert_num_queries, with_cookie):
    add_votes(article, 4)
    request = RequestFactory().get(article.get_absolute_url())
    request.user = AnonymousUser()
    if with_cookie:
        request.COOKIES["reader"] = "not-a-valid-signature"
    template = Template("{% load ratings %}{% rating_widget article %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request, "article": article, "csrf_token": "token"}))
    assert "[Total: 1 Average: 4]" in html


def test_aggregate_rating_is_absent_by_default(client, article, add_votes):
    add_votes(article, *[5] * 20)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "aggregateRating" not in html
    assert [block["@type"] for block in json_ld_blocks(html)] == ["MedicalWebPage"]


def test_aggregate_rating_when_enabled_waits_for_the_minimum_number_of_votes(client, article, add_votes, settings):
    settings.RATINGS_STRUCTURED_DATA = True
    settings.RATINGS_STRUCTURED_DATA_MIN_VOTES = 5
    add_votes(article, 5, 4, 4, 4)
    assert "aggregateRating" not in client.get(article.get_absolute_url()).content.decode()


def test_aggregate_rating_when_enabled_equals_the_visible_figures(client, article, add_votes, settings):
    settings.RATINGS_STRUCTURED_DATA = True
    settings.RATINGS_STRUCTURED_DATA_MIN_VOTES = 5
    add_votes(article, 5, 4, 4, 4, 5, 3)
    html = client.get(article.get_absolute_url()).content.decode()
    assert figures_text(html) == "[Total: 6 Average: 4.2]"
    page_node, rating_node = json_ld_blocks(html)
    assert rating_node == {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": page_node["@id"],
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": 4.2,
            "ratingCount": 6,
            "bestRating": 5,
            "worstRating": 1,
        },
    }
    assert page_node["@id"] == "http://testserver" + article.get_absolute_url()


def test_aggregate_rating_of_a_whole_average_is_a_whole_number(client, article, add_votes, settings):
    settings.RATINGS_STRUCTURED_DATA = True
    settings.RATINGS_STRUCTURED_DATA_MIN_VOTES = 2
    add_votes(article, 4, 4)
    html = client.get(article.get_absolute_url()).content.decode()
    assert figures_text(html) == "[Total: 2 Average: 4]"
    assert '"ratingValue": 4,' in html
