"""The widget in a real Chromium: pointer voting without reload, then a second reader by keyboard alone."""

import pytest

from ratings.models import Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_a_star_then_rating_by_keyboard_updates_the_figures_in_place(
    live_server, page, chromium, make_article
):
    from playwright.sync_api import expect

    article = make_article()
    url = live_server.url + article.get_absolute_url()

    page.goto(url)
    figures = page.locator("[data-rating-figures]")
    expect(figures).to_have_text("[Total: 0 Average: 0]")
    page.evaluate("window.noReload = 'still here'")
    page.locator("label[for=rating-score-4]").click()
    expect(figures).to_have_text("[Total: 1 Average: 4]")
    expect(page.locator("[data-rating-status]")).to_contain_text("Thank you: you rated this article 4 out of 5.")
    expect(page.locator("#rating-score-4")).to_be_checked()
    assert page.evaluate("window.noReload") == "still here"
    assert page.url == url

    second_reader = chromium.new_context()
    try:
        keyboard_page = second_reader.new_page()
        keyboard_page.set_default_timeout(10_000)
        keyboard_page.goto(url)
        expect(keyboard_page.locator("[data-rating-figures]")).to_have_text("[Total: 1 Average: 4]")
        expect(keyboard_page.locator("#rating-score-4")).not_to_be_checked()
        keyboard_page.evaluate("window.noReload = 'still here'")
        for _ in range(100):
            keyboard_page.keyboard.press("Tab")
            if keyboard_page.evaluate("document.activeElement.name") == "score":
                break
        assert keyboard_page.evaluate("document.activeElement.id") == "rating-score-1"
        keyboard_page.keyboard.press("ArrowRight")
        keyboard_page.keyboard.press("ArrowRight")
        assert keyboard_page.evaluate("document.activeElement.id") == "rating-score-3"
        assert Vote.objects.count() == 1  # moving through the stars sends nothing
        keyboard_page.keyboard.press("Enter")
        expect(keyboard_page.locator("[data-rating-figures]")).to_have_text("[Total: 2 Average: 3.5]")
        expect(keyboard_page.locator("#rating-score-3")).to_be_checked()
        expect(keyboard_page.locator("[data-rating-status]")).to_contain_text("you rated this article 3 out of 5")
        keyboard_page.keyboard.press("ArrowRight")
        keyboard_page.keyboard.press("Space")
        expect(keyboard_page.locator("[data-rating-figures]")).to_have_text("[Total: 2 Average: 4]")
        assert keyboard_page.evaluate("window.noReload") == "still here"
    finally:
        second_reader.close()
    assert sorted(Vote.objects.values_list("score", flat=True)) == [4, 4]

    page.reload()
    expect(page.locator("#rating-score-4")).to_be_checked()
    expect(page.locator("[data-rating-figures]")).to_have_text("[Total: 2 Average: 4]")


def test_a_star_clicked_before_the_readers_state_arrives_is_the_vote_sent(live_server, page, make_article):
    """The shared page asks for the reader's state (token, own vote) once; a slow answer must not lose the vote."""
    from playwright.sync_api import expect

    article = make_article()
    held = []
    page.route("**/reader/", lambda route: held.append(route))  # answered only after the click
    page.goto(live_server.url + article.get_absolute_url())
    page.locator("label[for=rating-score-5]").click()
    page.wait_for_timeout(300)
    assert len(held) == 1 and Vote.objects.count() == 0  # the vote waits for its token
    held.pop().continue_()
    expect(page.locator("[data-rating-figures]")).to_have_text("[Total: 1 Average: 5]")
    assert list(Vote.objects.values_list("score", flat=True)) == [5]
