import datetime

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from ratings.models import RatingSummary

FORTY_AT_4_6 = [5] * 24 + [4] * 16


def top_rated_titles(html: str) -> list[str]:
    section = html[html.index('id="top-rated-heading"') : html.index("</ol>", html.index('id="top-rated-heading"'))]
    return [part.split("</a>")[0].split(">")[-1] for part in section.split("<li>")[1:]]


def test_one_five_star_vote_does_not_beat_forty_votes_averaging_4_6(client, make_article, add_votes):
    lucky = make_article("One lucky vote")
    trusted = make_article("Forty good votes")
    add_votes(lucky, 5)
    add_votes(trusted, *FORTY_AT_4_6)
    html = client.get(reverse("articles:home")).content.decode()
    assert top_rated_titles(html) == ["Forty good votes", "One lucky vote"]
    assert "4.6 from 40 ratings" in html
    assert "5 from 1 rating<" in html


def test_the_ranking_is_the_bayesian_average_computed_in_the_database(make_article, add_votes, settings):
    settings.RATINGS_PRIOR_WEIGHT = 10
    settings.RATINGS_PRIOR_MEAN = 3.5
    article = make_article()
    add_votes(article, *FORTY_AT_4_6)
    ranked = RatingSummary.objects.ranked(prior_mean=3.5, prior_weight=10).get()
    assert round(ranked.bayesian_average, 4) == round((10 * 3.5 + 184) / (10 + 40), 4)


def test_top_rated_lists_only_published_articles(client, make_article, add_votes):
    shown = make_article("Published")
    hidden = make_article("Scheduled", published_at=timezone.now() + datetime.timedelta(days=1))
    add_votes(shown, 4)
    add_votes(hidden, 5, 5, 5)
    html = client.get(reverse("articles:home")).content.decode()
    assert top_rated_titles(html) == ["Published"]


def test_top_rated_counts_imported_votes(make_article, add_votes, client):
    imported = make_article("Imported from WordPress")
    live = make_article("Live votes")
    add_votes(live, 5, 5)
    RatingSummary.objects.create(article=imported, imported_count=50, imported_total=225)
    html = client.get(reverse("articles:home")).content.decode()
    assert top_rated_titles(html) == ["Imported from WordPress", "Live votes"]
    assert "4.5 from 50 ratings" in html


def test_no_top_rated_section_before_any_vote(client, article):
    assert "Top rated" not in client.get(reverse("articles:home")).content.decode()


def test_the_top_rated_list_costs_one_query(make_article, add_votes, django_assert_num_queries):
    for n in range(4):
        add_votes(make_article(f"Article {n}"), 4, 5)
    template = Template("{% load ratings %}{% top_rated_articles %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": AnonymousUser()}))
    assert html.count("<li>") == 4
