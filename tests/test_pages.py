import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("about", "About Headache Health"),
        ("editorial-policy", "Editorial policy"),
        ("privacy", "Privacy"),
        ("contact", "Contact us"),
    ],
)
def test_footer_pages_are_real_pages_linked_from_every_page(client, db, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert html.count("<p") >= 4
    home = client.get(reverse("articles:home")).content.decode()
    assert f'href="{reverse(name)}"' in home
