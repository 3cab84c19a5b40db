"""The pure pieces: HTML to Markdown, shortcodes, excerpts, rating meta, PHP-serialised values, old paths."""

import pytest

from articles.markdown import render_markdown
from wordpress.html_to_markdown import html_to_markdown, strip_shortcodes
from wordpress.importer import ImportReport, imported_rating, old_paths, parents_first, summary_from
from wordpress.phpserial import NotSerialised, unserialise
from wordpress.wxr import Item, WpComment


def test_classic_editor_paragraphs_survive_conversion():
    converted = html_to_markdown("First paragraph.\n\nSecond with <em>emphasis</em>.")

    assert converted.markdown == "First paragraph.\n\nSecond with *emphasis*.\n"


def test_headings_become_atx_and_a_page_level_heading_is_demoted_on_render():
    markdown = html_to_markdown("<h1>Title</h1><h3>Sub</h3><ol><li>a</li><li>b</li></ol>").markdown

    assert markdown.startswith("# Title\n\n### Sub\n\n1. a\n2. b")
    assert "<h1" not in render_markdown(markdown).html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        '<p style="background:url(javascript:alert(1))" onmouseover="alert(1)">x</p>',
        "&lt;img src=x onerror=alert(1)&gt;",
    ],
)
def test_payloads_come_out_inert_after_conversion_and_rendering(payload):
    html = render_markdown(html_to_markdown(payload).markdown).html

    assert "<script" not in html and "javascript:" not in html
    assert "onerror=" not in html.replace("onerror=alert", "") and "onmouseover" not in html
    assert "<img src=x" not in html


def test_shortcodes_are_dropped_and_citations_kept():
    text, dropped = strip_shortcodes(
        '[kkstarratings] [yasr_overall_rating] [gallery ids="1,2"] See [1] and [sic]. [caption id="x"]Kept[/caption]'
    )

    assert text.split() == ["See", "[1]", "and", "[sic].", "Kept"]
    assert sorted(dropped) == ["caption", "gallery", "kkstarratings", "yasr_overall_rating"]


def test_a_short_excerpt_is_kept_as_plain_text():
    assert summary_from("<p>Short &amp; <b>sweet</b>.</p>") == "Short & sweet."


def test_a_long_excerpt_without_spaces_is_still_cut_to_the_limit():
    assert summary_from("x" * 400, max_length=10) == "xxxxxxxxx…"


def test_kk_star_ratings_legacy_keys_are_read():
    report = ImportReport()

    assert imported_rating({"_kksr_count_default": "5", "_kksr_ratings_default": "21"}, report, "post") == (5, 21)


def test_ratings_outside_the_five_star_scale_are_not_imported():
    report = ImportReport()

    assert imported_rating({"_kksr_casts": "2", "_kksr_ratings": "19"}, report, "post") is None
    assert any("outside the 1–5 star scale" in note for note in report.notes)


def test_yasr_visitor_votes_are_read_from_serialised_meta():
    meta = {"_yasr_visitor_votes": 'a:2:{s:15:"number_of_votes";i:10;s:9:"sum_votes";d:38.5;}'}

    assert imported_rating(meta, ImportReport(), "post") == (10, 38)


@pytest.mark.parametrize(
    "value",
    [
        'O:8:"stdClass":1:{s:1:"a";i:1;}',  # objects: what makes PHP's unserialize dangerous
        "a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;a:1:{i:0;i:1;}}}}}",  # nested too deeply
        's:5:"abc";',
        "a:99999999:{",
        "i:1;junk",
    ],
)
def test_php_serialised_values_we_do_not_accept_are_refused(value):
    with pytest.raises(NotSerialised):
        unserialise(value)


def test_php_serialised_strings_count_bytes_not_characters():
    assert unserialise('a:1:{s:4:"name";s:7:"Zoë ok";}') == {"name": "Zoë ok"}


def test_old_paths_cover_the_common_permalink_shapes_under_a_subfolder():
    item = Item(
        wp_id="7",
        link="https://www.old.example/blog/2019/05/04/botox/",
        guid="https://old.example/blog/?p=7",
        post_date="2019-05-04 23:30:00",
    )

    paths = old_paths(item, site_url="https://old.example/blog", slug="botox", published=True)

    assert paths == [
        "/blog/2019/05/04/botox/",
        "/blog/?p=7",
        "/blog/2019/05/botox/",
        "/blog/botox/",
    ]


def test_links_to_other_sites_are_not_old_paths():
    item = Item(wp_id="7", link="https://elsewhere.example/botox/", guid="not a url")

    assert old_paths(item, site_url="https://old.example", slug="", published=False) == ["/?p=7"]


def test_replies_are_ordered_after_their_parents_and_cycles_do_not_hang():
    comments = [
        WpComment(wp_id="3", parent="2"),
        WpComment(wp_id="2", parent="1"),
        WpComment(wp_id="1", parent="0"),
        WpComment(wp_id="8", parent="9"),
        WpComment(wp_id="9", parent="8"),
    ]

    assert [c.wp_id for c in parents_first(comments)] == ["1", "2", "3", "8", "9"]
