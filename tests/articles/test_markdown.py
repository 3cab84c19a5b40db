import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from articles.importing import parse_article_text
from articles.markdown import WORD_RE, markdownify, render_markdown
from wordpress.html_to_markdown import html_to_markdown
from wordpress.wxr import ExportReader

FIXTURES = Path(__file__).parent / "fixtures"

FORBIDDEN_ELEMENTS = {
    "script", "iframe", "object", "embed", "style", "svg", "math", "form", "input", "button", "meta", "link",
    "base", "noscript", "template", "frame", "frameset", "applet", "details",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f]+")

XSS_PAYLOADS = {
    "raw script": "<script>alert(1)</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "img onerror with alt": '<img src="x" alt="ok" onerror="alert(1)"/>',
    "markdown javascript link": "[click](javascript:alert(1))",
    "mixed-case scheme": "[click](JaVaScRiPt:alert(1))",
    "leading space in scheme": '<a href="  javascript:alert(1)">click</a>',
    "tab entity inside scheme": '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "newline inside scheme": '<a href="java\nscript:alert(1)">click</a>',
    "decimal entity j": '<a href="&#106;avascript:alert(1)">click</a>',
    "padded decimal entities": (
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116'
        '&#0000058alert(1)">click</a>'
    ),
    "hex entity and named colon": '<a href="&#x6A;avascript&colon;alert(1)">click</a>',
    "vbscript link": '<a href="vbscript:msgbox(1)">click</a>',
    "data html link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data link with inline script": '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    "markdown image with javascript": "![pic](javascript:alert(1))",
    "markdown image with data svg": "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+PC9zdmc+)",
    "reference-style javascript link": "[click][evil]\n\n[evil]: javascript:alert(1)",
    "svg onload": '<svg onload=alert(1)><circle r="1"/></svg>',
    "svg with script inside a paragraph": "<p>\n<svg><script>alert(1)</script></svg>\n</p>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object and embed": '<object data="x.swf"></object><embed src="x.swf">',
    "style element": "<style>body{background:url(javascript:alert(1))}</style>",
    "style attribute": '<p style="background:url(javascript:alert(1))">text</p>',
    "form": (
        '<form action="https://evil.example/"><input name=q><button formaction="javascript:alert(1)">go</button></form>'
    ),
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base and link": '<base href="https://evil.example/"><link rel=stylesheet href=https://evil.example/x.css>',
    "attribute list on paragraph": 'Hello\n{: onclick="alert(1)" }',
    "attribute list on heading": '## Heading {: onmouseover="alert(1)" style="x" }',
    "markdown inside html block": '<div markdown="1">[click](javascript:alert(1))</div>',
    "html inside markdown link": "[<img src=x onerror=alert(1)>](https://example.org/)",
    "comment closing early": "<!--><script>alert(1)</script>-->",
    "comment with bang close": "<!-- --!><img src=x onerror=alert(1)> -->",
    "conditional comment": "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "math mxss": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>"
    ),
    "noscript mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "unclosed img tag": "<img src=x onerror=alert(1)",
    "unclosed script tag": "<script>alert(1)",
    "split script tags": "<<script>script>alert(1)<</script>/script>",
    "details ontoggle": "<details open ontoggle=alert(1)>x</details>",
    "link with onclick and style": '<a href="https://ok.example/" onclick="alert(1)" style="color:red">ok</a>',
    "autolink javascript": "<javascript:alert(1)>",
    "table cell event": "| a |\n|---|\n| <td onmouseover=alert(1)>b</td> |",
}


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements_of(markup: str) -> list[tuple[str, dict[str, str]]]:
    parser = ElementCollector()
    parser.feed(markup)
    parser.close()
    return parser.elements


class Events(HTMLParser):
    """The parse of a fragment, with each element's attributes sorted (their order carries no meaning)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        self.events.append(("text", data))


def same_html(first: str, second: str) -> bool:
    parsed = []
    for markup in (first, second):
        parser = Events()
        parser.feed(markup)
        parser.close()
        parsed.append(parser.events)
    return parsed[0] == parsed[1]


def url_scheme_is_dangerous(value: str) -> bool:
    normalised = IGNORED_IN_SCHEME.sub("", html.unescape(value)).lower()
    return normalised.startswith(DANGEROUS_SCHEMES)


def assert_inert(markup: str) -> None:
    for tag, attrs in elements_of(markup):
        assert tag not in FORBIDDEN_ELEMENTS, f"<{tag}> survived in {markup!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name} on <{tag}> survived in {markup!r}"
            assert name != "style", f"style on <{tag}> survived in {markup!r}"
            if name in URL_ATTRIBUTES:
                assert not url_scheme_is_dangerous(value), f"{name}={value!r} on <{tag}> survived in {markup!r}"


def test_the_inertness_check_itself_catches_what_it_should():
    for dangerous in [
        "<script>x</script>",
        '<img src="x" onerror="y">',
        '<a href="jav&#x09;ascript:x">a</a>',
        '<a href=" DATA:text/html,x">a</a>',
    ]:
        with pytest.raises(AssertionError):
            assert_inert(dangerous)


@pytest.mark.parametrize("payload", XSS_PAYLOADS.values(), ids=XSS_PAYLOADS.keys())
def test_markdown_with_an_xss_payload_renders_inert(payload):
    assert_inert(render_markdown(payload).html)


@pytest.mark.parametrize("payload", XSS_PAYLOADS.values(), ids=XSS_PAYLOADS.keys())
def test_an_xss_payload_in_an_article_is_inert_on_the_page(client, make_article, payload):
    article = make_article(body=f"## Section\n\n{payload}\n\nAfter.")

    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('<div class="article-body">', 1)[1].split('<aside class="medical-help"', 1)[0]

    assert_inert(body)
    assert '<h2 id="section">Section</h2>' in body


def test_harmless_formatting_survives_sanitising():
    rendered = render_markdown(
        "Some **bold**, *italic* and `code`.\n\n"
        "| Dose | When |\n|---|---|\n| 155 units | every 12 weeks |\n\n"
        '> A quote\n\n- one\n- two\n\n![Injection sites](/media/articles/body/sites.jpg "Sites")'
    ).html

    for fragment in [
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<code>code</code>",
        "<td>155 units</td>",
        "<blockquote>",
        "<li>one</li>",
        '<img alt="Injection sites" src="/media/articles/body/sites.jpg" title="Sites"',
    ]:
        assert fragment in rendered


def test_external_links_open_without_giving_the_new_page_access_to_ours():
    rendered = render_markdown("[NHS](https://www.nhs.uk/) and <a href='https://example.org/' rel='opener'>x</a>").html

    links = [attrs for tag, attrs in elements_of(rendered) if tag == "a"]
    assert len(links) == 2
    for link in links:
        assert "noopener" in link["rel"].split()
        assert "opener" not in link["rel"].split()


def test_headings_get_ids_for_links_to_sections():
    rendered = render_markdown("## What is migraine?\n\n### Aura\n\n## What is migraine?").html

    assert '<h2 id="what-is-migraine">What is migraine?</h2>' in rendered
    assert '<h3 id="aura">Aura</h3>' in rendered
    assert '<h2 id="what-is-migraine_1">What is migraine?</h2>' in rendered


def test_mail_links_are_kept_and_other_schemes_dropped():
    rendered = render_markdown("[mail](mailto:help@example.org) [ftp](ftp://example.org/file)").html

    hrefs = [attrs.get("href") for tag, attrs in elements_of(rendered) if tag == "a"]
    assert hrefs == ["mailto:help@example.org", None]


# ------------------------------------------------------------------ the editor's preview


def test_the_editor_preview_shows_exactly_what_readers_will_see(client, editor):
    content = "## Dose\n\nSee [1]. " + " ".join(XSS_PAYLOADS.values())
    client.force_login(editor)

    response = client.post(reverse("articles:editor-preview"), {"content": content})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert same_html(response.content.decode(), render_markdown(content).html)
    assert '<h2 id="dose">Dose</h2>' in response.content.decode()
    assert_inert(response.content.decode())


def test_the_editor_preview_refuses_text_longer_than_any_article(client, editor):
    client.force_login(editor)

    response = client.post(reverse("articles:editor-preview"), {"content": "a" * 200_001})

    assert response.status_code == 413
    assert response.json() == {"error": "The text is too long to preview."}


def test_the_editor_preview_only_answers_posts(client, editor):
    client.force_login(editor)

    assert client.get(reverse("articles:editor-preview"), {"content": "x"}).status_code == 405


# ------------------------------------------------------------------ what the demo and imports render to

RENDERED = Path(__file__).parent / "fixtures" / "rendered"
DEMO_CONTENT = Path(settings.BASE_DIR) / "articles" / "demo" / "content"
WORDPRESS_EXPORT = Path(__file__).parent.parent / "wordpress" / "fixtures" / "export.xml"


def sources_and_renderings() -> dict[str, tuple[str, str]]:
    """Each demo article, imported text and imported WordPress post, with the HTML Python-Markdown made of it.

    The HTML files in fixtures/rendered were written by the Python-Markdown pipeline this one replaced.
    """
    cases = {}
    for path in sorted(DEMO_CONTENT.glob("*.md")):
        cases[path.stem] = path.read_text().split("---\n", 2)[2]
    for name in ("markdown-article.md", "wordpress-magnesium.txt"):
        cases[f"imported-{Path(name).stem}"] = parse_article_text((FIXTURES / name).read_text()).body
    for item in ExportReader(WORDPRESS_EXPORT).items():
        if item.post_type == "post":
            cases[f"wordpress-post-{item.wp_id}"] = html_to_markdown(item.content).markdown
    return {name: (text, (RENDERED / f"{name}.html").read_text()) for name, text in cases.items()}


class Outline(HTMLParser):
    """What a reader finds in a page: its <h2>/<h3> headings with their ids, and its words."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.toc: list[dict] = []
        self.text: list[str] = []
        self._heading: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag in {"h2", "h3"}:
            self._heading = {"level": int(tag[1]), "id": dict(attrs)["id"], "name": ""}

    def handle_endtag(self, tag):
        if tag in {"h2", "h3"} and self._heading:
            self._heading["name"] = " ".join(self._heading["name"].split())
            self.toc.append(self._heading)
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading["name"] += data


def outline_of(markup: str) -> Outline:
    outline = Outline()
    outline.feed(markup)
    outline.close()
    return outline


SOURCES = sources_and_renderings()


@pytest.mark.parametrize("name", SOURCES)
def test_demo_articles_and_imported_posts_render_as_python_markdown_rendered_them(name):
    text, before = SOURCES[name]

    rendered = render_markdown(text)

    between_tags = re.compile(r">\s+<")
    assert same_html(between_tags.sub("><", rendered.html), between_tags.sub("><", before))
    assert rendered.toc == outline_of(before).toc
    assert rendered.word_count == len(WORD_RE.findall("".join(outline_of(before).text)))


def test_the_comparison_sees_a_difference():
    text, before = SOURCES["botox-for-headache"]
    changed = render_markdown(text.replace("## How does it work?", "### How does it work?")).html
    assert not same_html(changed, before)


def test_footnotes_keep_python_markdowns_markup():
    rendered = render_markdown("Text[^1] and again[^1].\n\n[^1]: The note.").html

    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1" rel="noopener">1</a></sup>' in rendered
    assert '<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1" rel="noopener">1</a></sup>' in rendered
    assert '<div class="footnote">' in rendered and '<li id="fn:1">' in rendered
    assert 'class="footnote-backref" href="#fnref:1"' in rendered


def test_a_heading_written_with_a_hash_is_a_second_level_heading_with_an_id():
    rendered = render_markdown("# Living with migraine\n\nText.\n\nA setext title\n===\n")

    assert rendered.html.startswith('<h2 id="living-with-migraine">Living with migraine</h2>')
    assert '<h2 id="a-setext-title">A setext title</h2>' in rendered.html
    assert [entry["id"] for entry in rendered.toc] == ["living-with-migraine", "a-setext-title"]


def test_django_markdownx_previews_and_renders_with_the_same_pipeline(client, editor):
    from markdownx.views import markdownify_func

    assert markdownify_func is markdownify
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'data-markdownx-urls-path="/editor/markdown/preview/"' in form
