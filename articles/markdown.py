"""Markdown to safe HTML: the one pipeline for published pages and the editor's preview.

Markdown is rendered first, then the HTML is cleaned with an allow-list
(nh3), so nothing an author types — raw HTML, attribute lists, odd
entities — can add scripts, event handlers or javascript:/data: links.
"""

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "li": {"id"},
    "ol": {"start"},
    "sup": {"id"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
ALLOWED_CLASSES = {"a": {"footnote-ref", "footnote-backref", "cite"}, "sup": {"cite"}, "div": {"footnote"}}

WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")
# "[3]", also in runs like "[3][4]" and before a colon ("…were [3]:"), but not the label of a
# link ("[3](…)", "[text][3]", "[3][]"); "[3]: https://…" definitions never reach inline parsing.
CITATION_RE = r"(?<!\])\[(\d{1,3})\](?!\()(?!\[(?!\d{1,3}\]))"


class CitationProcessor(InlineProcessor):
    """Turn a reference marker such as [3] into a link to the numbered reference."""

    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API name
        number = m.group(1)
        sup = etree.Element("sup", {"class": "cite"})
        link = etree.SubElement(sup, "a", {"href": f"#ref-{number}", "class": "cite"})
        link.text = AtomicString(f"[{number}]")
        return sup, m.start(0), m.end(0)


class TopHeadingProcessor(Treeprocessor):
    """The page's <h1> is the article title, so a "#" heading in the body becomes an <h2> like "##"."""

    def run(self, root):
        for heading in root.iter("h1"):
            heading.tag = "h2"


class CitationExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.inlinePatterns.register(CitationProcessor(CITATION_RE, md), "citation", 175)
        # After attr_list (8), before toc (5) gives the headings their ids.
        md.treeprocessors.register(TopHeadingProcessor(md), "top-heading", 6)


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)
    word_count: int = 0


def _flatten_toc(tokens: list[dict]) -> list[dict]:
    entries = []
    for token in tokens:
        entries.append({"level": token["level"], "id": token["id"], "name": html.unescape(token["name"])})
        entries.extend(_flatten_toc(token["children"]))
    return entries


def _new_renderer() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["extra", "sane_lists", "toc", CitationExtension()],
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}},
        output_format="html",
    )


def sanitise_html(raw_html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; links get rel="noopener"."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="noopener",
        strip_comments=True,
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )


def render_markdown(text: str) -> Rendered:
    """Render an article body: sanitised HTML, its table of contents and its word count."""
    renderer = _new_renderer()
    clean = sanitise_html(renderer.convert(text or ""))
    plain = nh3.clean(clean, tags=set())
    return Rendered(
        html=clean,
        toc=_flatten_toc(renderer.toc_tokens),
        word_count=len(WORD_RE.findall(html.unescape(plain))),
    )


def markdownify(content: str) -> str:
    """django-markdownx's preview hook: the same pipeline as published pages."""
    return render_markdown(content).html
