import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from articles.caching import purge_site
from articles.models import Article
from tests.articles.images import image_bytes
from tests.conftest import make_user


def test_home_lists_published_articles_with_summary_and_topic(client, article):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert article.title in html
    assert article.summary in html
    assert "Migraine" in html


def test_article_page_shows_byline_review_references_and_dates(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Amira Patel</span>, Health writer, MSc Public Health" in html
    assert 'Medically reviewed by <span class="person">Dr Chidi Okafor</span>' in html
    assert 'id="ref-1"' in html and 'href="#ref-1"' in html
    assert 'Page last reviewed: <time datetime="2026-03-01">1 March 2026</time>' in html
    assert 'Next review due: <time datetime="2027-03-01">1 March 2027</time>' in html
    assert '<link rel="canonical" href="http://testserver/articles/botox-for-headache/">' in html
    assert '"@type": "MedicalWebPage"' in html


@pytest.mark.parametrize(
    ("status", "published_delta"),
    [
        (Article.Status.DRAFT, None),
        (Article.Status.ARCHIVED, datetime.timedelta(days=-3)),
        (Article.Status.PUBLISHED, datetime.timedelta(days=2)),
    ],
)
def test_unpublished_articles_are_404_for_readers_and_previewable_by_staff(
    client, make_article, editor, status, published_delta
):
    published_at = timezone.now() + published_delta if published_delta else None
    hidden = make_article("Hidden", status=status, published_at=published_at)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 200
    assert "Readers cannot see this article" in response.content.decode()


# ------------------------------------------------------------------ home and topics


def test_home_leaves_out_drafts_scheduled_and_archived_articles(client, make_article):
    make_article("Visible article")
    make_article("Draft article", status=Article.Status.DRAFT, published_at=None)
    make_article("Scheduled article", published_at=timezone.now() + datetime.timedelta(hours=1))
    make_article("Archived article", status=Article.Status.ARCHIVED)

    html = client.get(reverse("articles:home")).content.decode()

    assert "Visible article" in html
    assert "Draft article" not in html
    assert "Scheduled article" not in html
    assert "Archived article" not in html


def test_home_shows_newest_first_and_says_when_there_is_nothing_yet(client, make_article, db):
    assert "No articles have been published yet." in client.get(reverse("articles:home")).content.decode()

    make_article("Older", published_at=timezone.now() - datetime.timedelta(days=2))
    make_article("Newer", published_at=timezone.now() - datetime.timedelta(days=1))
    purge_site()  # written straight to the database, so the test drops the cached page itself
    html = client.get(reverse("articles:home")).content.decode()

    assert html.index("Newer") < html.index("Older")


def test_topic_page_lists_its_published_articles_only(client, make_article, topic):
    make_article("About migraine", topics=[topic])
    make_article("About something else")
    make_article("Draft about migraine", topics=[topic], status=Article.Status.DRAFT, published_at=None)

    response = client.get(topic.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Migraine</h1>" in html
    assert "Migraine and its treatment." in html
    assert "About migraine" in html
    assert "About something else" not in html
    assert "Draft about migraine" not in html


def test_topic_page_is_paginated_ten_at_a_time(client, make_article, topic):
    for n in range(12):
        make_article(f"Migraine note {n:02}", topics=[topic], published_at=timezone.now() - datetime.timedelta(days=n))

    first = client.get(topic.get_absolute_url()).content.decode()
    second = client.get(topic.get_absolute_url(), {"page": 2}).content.decode()
    beyond = client.get(topic.get_absolute_url(), {"page": 99}).content.decode()

    assert first.count('class="card"') == 10
    assert "Migraine note 00" in first and "Migraine note 10" not in first
    assert "Page 1 of 2" in first and 'rel="next" href="?page=2"' in first
    assert second.count('class="card"') == 2
    assert "Migraine note 10" in second and "Migraine note 11" in second
    assert 'rel="prev" href="?page=1"' in second
    assert "Page 2 of 2" in beyond  # past the end shows the last page


def test_unknown_topic_is_404(client, db):
    assert client.get(reverse("articles:topic", kwargs={"slug": "nope"})).status_code == 404


# ------------------------------------------------------------------ the article page


def test_article_page_has_a_table_of_contents_for_its_sections(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert '<nav aria-label="On this page">' in html
    assert '<li><a href="#how-it-works">How it works</a></li>' in html
    assert '<li><a href="#side-effects">Side effects</a></li>' in html


def test_article_page_escapes_what_editors_typed_outside_the_body(client, make_article):
    article = make_article('Tips <script>alert("t")</script>', summary='Sum "quoted" <b>not bold</b>')

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(" not in html
    assert "Tips &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert '<meta property="og:description" content="Sum &quot;quoted&quot; &lt;b&gt;not bold&lt;/b&gt;">' in html


def test_structured_data_cannot_be_closed_by_a_title(client, make_article):
    article = make_article("Ends </script><script>alert(1)</script>")

    html = client.get(article.get_absolute_url()).content.decode()

    structured = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003C/script\\u003E" in structured
    assert '"reviewedBy"' not in structured


def test_article_page_with_an_author_who_has_no_profile_uses_their_name(client, make_article, reader):
    reader.first_name, reader.last_name = "Sam", "Lee"
    reader.save()
    article = make_article(author=reader)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "By Sam Lee" in " ".join(html.split())


def test_unknown_article_is_404(client, db):
    response = client.get(reverse("articles:detail", kwargs={"slug": "no-such-article"}))

    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


def test_a_preview_is_kept_out_of_search_engines(client, make_article, editor):
    draft = make_article("Draft", status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)

    html = client.get(draft.get_absolute_url()).content.decode()

    assert '<meta name="robots" content="noindex">' in html
    assert "it is draft." in html


def test_staff_without_article_permissions_cannot_preview_drafts(client, make_article, db):
    draft = make_article("Draft", status=Article.Status.DRAFT, published_at=None)
    client.force_login(make_user("helpdesk", staff=True))

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_canonical_link_uses_site_url_when_set(client, article, settings):
    settings.SITE_URL = "https://health.example"

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<link rel="canonical" href="https://health.example/articles/botox-for-headache/">' in html


# ------------------------------------------------------------------ search


def test_search_finds_articles_by_title_summary_and_body(client, make_article):
    make_article("Cluster headache", summary="Short", body="Oxygen therapy helps.")
    make_article("Tension headache", summary="Stress and posture", body="Painkillers.")
    make_article("Unrelated", summary="Sleep", body="Nothing here.")

    def titles(q):
        html = client.get(reverse("articles:search"), {"q": q}).content.decode()
        return {t for t in ("Cluster headache", "Tension headache", "Unrelated") if f">{t}</a>" in html}

    assert titles("cluster") == {"Cluster headache"}
    assert titles("posture") == {"Tension headache"}
    assert titles("oxygen") == {"Cluster headache"}
    assert titles("headache") == {"Cluster headache", "Tension headache"}


def test_search_ranks_a_title_match_above_a_body_match(client, make_article):
    make_article(
        "Living well",
        summary="Everyday tips.",
        body="Some people notice an aura before the pain.",
        published_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    make_article(
        "Migraine aura explained",
        summary="Seeing zigzags.",
        body="Visual symptoms.",
        published_at=timezone.now() - datetime.timedelta(days=30),
    )

    html = client.get(reverse("articles:search"), {"q": "aura"}).content.decode()

    assert "2 results for “aura”" in html
    assert html.index("Migraine aura explained") < html.index("Living well")


def test_search_never_shows_unpublished_articles(client, make_article):
    make_article("Draft aura", status=Article.Status.DRAFT, published_at=None)
    make_article("Scheduled aura", published_at=timezone.now() + datetime.timedelta(days=1))

    html = client.get(reverse("articles:search"), {"q": "aura"}).content.decode()

    assert "0 results for “aura”" in html
    assert "No articles match." in html


def test_empty_search_invites_a_query(client, db):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get(reverse("articles:search"), params)

        assert response.status_code == 200
        assert "Type a word or two" in response.content.decode()
        assert "result" not in response.content.decode().split("<h1>Search</h1>", 1)[1].split("</form>", 1)[1]


def test_search_with_no_results_says_so(client, article):
    response = client.get(reverse("articles:search"), {"q": "xylophone"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "0 results for “xylophone”" in html
    assert "No articles match." in html
    assert '<meta name="robots" content="noindex">' in html


def test_search_treats_odd_input_as_text(client, article):
    for q in ['"unterminated', "a & b | !c", "100%_", "<script>alert(1)</script>", "x" * 500, "(((", "-botox"]:
        response = client.get(reverse("articles:search"), {"q": q})

        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_results_are_paginated_and_keep_the_query(client, make_article):
    for n in range(11):
        make_article(f"Diary tip {n}", published_at=timezone.now() - datetime.timedelta(hours=n + 1))

    first = client.get(reverse("articles:search"), {"q": "diary"}).content.decode()
    second = client.get(reverse("articles:search"), {"q": "diary", "page": 2}).content.decode()

    assert "11 results for “diary”" in first
    assert first.count('class="card"') == 10
    assert 'href="?q=diary&amp;page=2"' in first
    assert second.count('class="card"') == 1


# ------------------------------------------------------------------ feeds, sitemap, robots


def test_rss_feed_lists_published_articles(client, article, make_article):
    make_article("Draft in feed", status=Article.Status.DRAFT, published_at=None)

    response = client.get(reverse("articles:feed"))

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "<title>Botox for headache</title>" in body
    assert "<link>http://testserver/articles/botox-for-headache/</link>" in body
    assert "<category>Migraine</category>" in body
    assert "Amira Patel" in body
    assert "Draft in feed" not in body


def test_atom_feed_lists_published_articles(client, article):
    response = client.get(reverse("articles:feed-atom"))

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert 'xmlns="http://www.w3.org/2005/Atom"' in body
    assert "<title>Botox for headache</title>" in body
    assert '<link href="http://testserver/articles/botox-for-headache/" rel="alternate"' in body


def test_sitemap_lists_home_published_articles_and_topics(client, article, make_article):
    draft = make_article("Not yet", status=Article.Status.DRAFT, published_at=None)

    response = client.get(reverse("articles:sitemap"))

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "<loc>http://testserver/</loc>" in body
    assert "<loc>http://testserver/articles/botox-for-headache/</loc>" in body
    assert "<loc>http://testserver/topics/migraine/</loc>" in body
    assert draft.get_absolute_url() not in body


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client, db):
    response = client.get(reverse("articles:robots"))

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in body
    assert "Disallow: /editor/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_unknown_urls_get_the_friendly_404_page(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find that page" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    ("site_url", "media_url", "expected"),
    [
        ("", "/media/", "http://testserver/media/articles/hero/"),
        ("https://health.example", "/media/", "https://health.example/media/articles/hero/"),
        ("https://health.example", "https://cdn.example/m/", "https://cdn.example/m/articles/hero/"),
    ],
)
def test_shared_links_show_the_hero_image_at_a_full_address(
    client, make_article, settings, _media_root, site_url, media_url, expected
):
    settings.SITE_URL, settings.MEDIA_URL = site_url, media_url
    hero = ContentFile(image_bytes("JPEG", size=(1200, 630)), name="hero.jpg")
    article = make_article(hero_image=hero, hero_alt="A person resting in a dark room")

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'<meta property="og:image" content="{expected}hero' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'alt="A person resting in a dark room" width="1200" height="630"' in html


@pytest.mark.only_on_database("postgresql")  # full-text search
def test_postgresql_search_understands_word_forms_phrases_and_exclusions(client, make_article):
    make_article("Food triggers", summary="What to avoid.", body="Cheese and chocolate triggered attacks.")
    make_article("Sleep and migraine", summary="Rest.", body="Irregular sleep is a common trigger.")

    def titles(q):
        html = client.get(reverse("articles:search"), {"q": q}).content.decode()
        return {t for t in ("Food triggers", "Sleep and migraine") if f">{t}</a>" in html}

    assert titles("trigger") == {"Food triggers", "Sleep and migraine"}
    assert titles('"irregular sleep"') == {"Sleep and migraine"}
    assert titles("trigger -cheese") == {"Sleep and migraine"}
    assert titles("the") == set()


def test_structured_data_names_the_reviewer_only_while_the_reviewed_text_is_unchanged(
    client, make_article, reviewer_user
):
    article = make_article("Reviewed then edited")
    reviewed = {"reviewer": reviewer_user, "last_reviewed": datetime.date(2026, 9, 1), "approved_fingerprint": "a"}
    type(article).objects.filter(pk=article.pk).update(content_fingerprint="a", **reviewed)

    def structured() -> str:
        purge_site()  # the updates above bypass the signals that empty the page cache
        html = client.get(article.get_absolute_url()).content.decode()
        return html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]

    assert '"reviewedBy"' in structured()
    type(article).objects.filter(pk=article.pk).update(content_fingerprint="b")  # the text changed since
    later = structured()
    assert '"reviewedBy"' not in later
    assert '"lastReviewed": "2026-09-01"' in later
