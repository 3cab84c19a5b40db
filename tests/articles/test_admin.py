import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.articles.images import decompression_bomb_png, stored_files

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")


def article_form(**overrides) -> dict:
    """What the article add form posts, with no references."""
    data = {
        "title": "Medication overuse headache",
        "slug": "",
        "summary": "Why taking painkillers too often makes headaches worse.",
        "body": "## What it is\n\nToo many painkillers [1].",
        "hero_alt": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "reviewer": "",
        "last_reviewed": "",
        "next_review_due": "",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    return {**data, **overrides}


def image_upload(name: str, fmt: str = "JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 26.0)
    Image.new("RGB", (120, 80), "olive").save(buffer, fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def messages_on(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_editor_can_open_the_add_page_with_the_markdown_editor(signed_in_editor):
    response = signed_in_editor.get(ADD_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-markdownx-urls-path="/editor/markdown/preview/"' in html
    assert 'data-markdownx-upload-urls-path="/editor/markdown/upload/"' in html


def test_the_slug_is_filled_in_from_the_title_as_the_editor_types(signed_in_editor):
    html = signed_in_editor.get(ADD_URL).content.decode()

    assert "&quot;id&quot;: &quot;#id_slug&quot;" in html
    assert "&quot;dependency_list&quot;: [&quot;title&quot;]" in html


def test_the_change_list_shows_state_and_topics_with_filters_and_search(signed_in_editor, make_article, topic):
    make_article("Scheduled one", topics=[topic], published_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
    make_article("Draft one", status=Article.Status.DRAFT, published_at=None)

    response = signed_in_editor.get(CHANGELIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<details data-filter-title="state"' in html
    assert '<details data-filter-title="topics"' in html
    assert 'id="searchbar"' in html
    assert "Scheduled" in html and "Migraine" in html


def test_the_state_filter_tells_scheduled_from_published(signed_in_editor, make_article):
    make_article("Out now")
    make_article("Coming soon", published_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))

    scheduled = signed_in_editor.get(CHANGELIST_URL, {"state": "scheduled"})
    published = signed_in_editor.get(CHANGELIST_URL, {"state": "published"})

    assert [a.title for a in scheduled.context["cl"].result_list] == ["Coming soon"]
    assert [a.title for a in published.context["cl"].result_list] == ["Out now"]


def test_searching_the_change_list_finds_words_in_the_body(signed_in_editor, make_article):
    make_article("Triptans", body="Sumatriptan works for many.")
    make_article("Rest", body="Lie down in a dark room.")

    response = signed_in_editor.get(CHANGELIST_URL, {"q": "sumatriptan"})

    assert [a.title for a in response.context["cl"].result_list] == ["Triptans"]


def test_a_reader_cannot_open_the_admin(client, reader):
    client.force_login(reader)

    response = client.get(ADD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_adding_an_article_stores_it_with_a_slug_and_rendered_body(signed_in_editor, editor, topic):
    response = signed_in_editor.post(ADD_URL, article_form(author=editor.pk, topics=[topic.pk]), follow=True)

    assert response.status_code == 200
    article = Article.objects.get()
    assert article.slug == "medication-overuse-headache"
    assert '<h2 id="what-it-is">What it is</h2>' in article.body_html
    assert list(article.topics.all()) == [topic]
    assert not any("no summary" in m for m in messages_on(response))


def test_the_form_cannot_publish_an_article_without_the_workflow(signed_in_editor, editor):
    signed_in_editor.post(ADD_URL, article_form(author=editor.pk, status="published"), follow=True)

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_saving_without_a_summary_shows_the_finding_in_the_checks_panel(signed_in_editor, editor):
    response = signed_in_editor.post(ADD_URL, article_form(author=editor.pk, summary=""), follow=True)

    article = Article.objects.get()
    assert article.check_errors >= 1
    assert any("Content checks:" in m and "error(s)" in m for m in messages_on(response))
    change_page = signed_in_editor.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "There is no summary." in change_page.content.decode()


def test_a_body_image_without_alt_text_is_an_error_in_the_checks_panel(signed_in_editor, editor):
    body = "Where to inject:\n\n![](/media/articles/body/a.jpg)\n\n![Forehead](/media/articles/body/b.jpg)"

    signed_in_editor.post(ADD_URL, article_form(author=editor.pk, body=body), follow=True)

    article = Article.objects.get()
    change_page = signed_in_editor.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = change_page.content.decode()
    assert "An image has no alt text." in html
    assert "/media/articles/body/a.jpg</blockquote>" in html


def test_a_hero_image_needs_alt_text(signed_in_editor, editor, _media_root):
    response = signed_in_editor.post(
        ADD_URL, article_form(author=editor.pk, hero_image=image_upload("hero.jpg")), follow=True
    )

    assert response.context["adminform"].form.errors == {
        "hero_alt": ["Describe the image for readers who cannot see it."]
    }
    assert not Article.objects.exists()


def test_a_hero_image_is_cleaned_like_editor_uploads(signed_in_editor, editor, _media_root):
    signed_in_editor.post(
        ADD_URL,
        article_form(author=editor.pk, hero_image=image_upload("my holiday.png"), hero_alt="A calm beach"),
        follow=True,
    )

    article = Article.objects.get()
    assert article.hero_image.name.startswith("articles/hero/")
    assert article.hero_image.name.endswith(".jpg")
    assert "holiday" not in article.hero_image.name
    assert (article.hero_width, article.hero_height) == (120, 80)
    with Image.open(article.hero_image.path) as image:
        assert dict(image.getexif()) == {}


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("hero.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
        ("hero.png", b"not an image at all"),
    ],
)
def test_a_hero_image_that_is_not_a_safe_image_is_refused(signed_in_editor, editor, _media_root, name, data):
    response = signed_in_editor.post(
        ADD_URL,
        article_form(author=editor.pk, hero_image=SimpleUploadedFile(name, data, "image/svg+xml"), hero_alt="Logo"),
    )

    assert response.status_code == 200
    assert "hero_image" in response.context["adminform"].form.errors
    assert not Article.objects.exists()
    assert stored_files(_media_root) == []


def test_a_hero_image_that_claims_billions_of_pixels_is_refused(signed_in_editor, editor, _media_root):
    bomb = SimpleUploadedFile("hero.png", decompression_bomb_png(), "image/png")

    response = signed_in_editor.post(ADD_URL, article_form(author=editor.pk, hero_image=bomb, hero_alt="Bomb"))

    assert response.status_code == 200
    assert "hero_image" in response.context["adminform"].form.errors
    assert not Article.objects.exists()
    assert stored_files(_media_root) == []


def test_the_preview_endpoint_works_for_editors(signed_in_editor):
    response = signed_in_editor.post(reverse("articles:editor-preview"), {"content": "## Hi\n\n<b onclick=x>there</b>"})

    assert response.status_code == 200
    assert response.content.decode() == '<h2 id="hi">Hi</h2>\n<p><b>there</b></p>'
