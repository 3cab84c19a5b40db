import pytest

from articles.models import Redirect


@pytest.mark.parametrize(
    "old_path", ["/2019/05/12/botox-for-headache/", "/2019/05/botox-for-headache/", "/botox-for-headache/"]
)
def test_an_old_address_redirects_permanently_to_the_article(client, article, old_path):
    Redirect.objects.create(old_path=old_path, article=article, note="imported")
    response = client.get(old_path)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(old_path.rstrip("/")).status_code == 301


def test_a_wordpress_plain_permalink_redirects(client, article):
    Redirect.objects.create(old_path="/?p=42", article=article)
    response = client.get("/?p=42")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get("/?p=43").status_code == 200  # unknown id: the home page as usual


def test_the_redirect_follows_the_article_when_its_slug_changes(client, article):
    Redirect.objects.create(old_path="/old/", article=article)
    article.slug = "botox-injections-for-chronic-migraine"
    article.save()
    assert client.get("/old/")["Location"] == "/articles/botox-injections-for-chronic-migraine/"


def test_unknown_addresses_stay_404(client, article):
    assert client.get("/no-such-page/").status_code == 404
