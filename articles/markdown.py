"""Markdown to safe HTML: the one pipeline for published pages and the editor's preview.

Markdown is parsed by markdown-it-py, a CommonMark parser whose time grows
in proportion to the text whatever it holds (Python-Markdown, used before,
took 30 s over 100 KB of nested brackets, and the square of that for twice
as much). Then the HTML is cleaned with an allow-list (nh3), so nothing an
author types — raw HTML, odd entities — can add scripts, event handlers or
javascript:/data: links.

Limits that keep every render under a second (README, "Markdown limits"):
- a body holds at most MAX_CHARS characters in at most MAX_LINES lines
  (markdown-it tries its block rules at every line, a cost no step counts);
- blocks nest at most MAX_NESTING deep (deeper ones are left out);
- at most MAX_PARSE_STEPS parse steps: markdown-it's time is linear, but in
  pure Python a step costs microseconds, and some text makes several steps
  a character (200,000 characters of "![" took 3 s). A step is a rule tried
  at a place in the text, or a token made (rendering and sanitising walk
  each); 200,000 characters of ordinary prose take about 25,000;
- at most MAX_RAW_HTML_TAGS HTML tags written by hand: the sanitiser's HTML
  parser (html5ever, following the HTML standard) takes time in proportion
  to how deeply elements nest for every element it opens, so 40,000 unclosed
  <div>s would take it seconds, while the elements Markdown itself makes
  nest no deeper than MAX_NESTING.
Text beyond a limit is refused with a message for its writer (MarkdownRefused).
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3
from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import table
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

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

# The longest body (characters, lines); the editor's preview refuses longer text too.
MAX_CHARS = 200_000
MAX_LINES = 20_000
# How deeply blocks (quotes, lists) and inline links may nest: markdown-it's CommonMark setting.
MAX_NESTING = 20
# Parse steps one render may take (see the module's docstring).
MAX_PARSE_STEPS = 40_000
# HTML start tags written by hand in one text (see the module's docstring).
MAX_RAW_HTML_TAGS = 2_000
# Elements without an end tag: they never nest.
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RAW_START_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")

WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")
# "[3]", also in runs like "[3][4]" and before a colon ("…were [3]:"), but not the label of a
# link ("[3](…)", "[text][3]", "[3][]"); "[3]: https://…" definitions never reach inline parsing.
CITATION_RE = re.compile(r"\[(\d{1,3})\](?!\()(?!\[(?!\d{1,3}\]))")
TOC_LEVELS = range(2, 4)  # <h2> and <h3>
SUFFIXED_ID_RE = re.compile(r"^(.*)_([0-9]+)$")


class MarkdownRefused(ValueError):
    """The text is beyond the limits every render is kept within; the message says which, for its writer."""


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)
    word_count: int = 0


# ------------------------------------------------------------------ our rules


def citation(state: StateInline, silent: bool) -> bool:
    """Turn a reference marker such as [3] into a link to the numbered reference."""
    if state.src[state.pos] != "[" or (state.pos and state.src[state.pos - 1] == "]" and not _after_citation(state)):
        return False
    found = CITATION_RE.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    if not silent:
        number = found[1]
        state.push("sup_open", "sup", 1).attrSet("class", "cite")
        link = state.push("link_open", "a", 1)
        link.attrSet("class", "cite")
        link.attrSet("href", f"#ref-{number}")
        state.push("text", "", 0).content = f"[{number}]"
        state.push("link_close", "a", -1)
        state.push("sup_close", "sup", -1).meta["citation_end"] = found.end()
    state.pos = found.end()
    return True


def _after_citation(state: StateInline) -> bool:
    """A "]" just before is the end of a citation, as in "[1][2]", not of a link's label."""
    return bool(state.tokens) and not state.pending and state.tokens[-1].meta.get("citation_end") == state.pos


def _image(self, tokens: list[Token], idx: int, options, env) -> str:
    """markdown-it's image, with the attributes in the order Python-Markdown wrote them (alt, src, title)."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    token.attrs = {"alt": alt} | {name: value for name, value in token.attrs.items() if name != "alt"}
    return self.renderToken(tokens, idx, options, env)


def slugify(text: str) -> str:
    """A heading's id, as Python-Markdown's table of contents made them (links to sections keep working)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_text).strip().lower())


def unique_id(wanted: str, used: set[str], counters: dict[str, int]) -> str:
    """`wanted`, or with "_1", "_2"… added when a heading before it took it (or it is empty)."""
    if wanted and wanted not in used:
        used.add(wanted)
        return wanted
    suffixed = SUFFIXED_ID_RE.match(wanted)
    base, count = (suffixed[1], int(suffixed[2])) if suffixed else (wanted, 0)
    count = max(count, counters.get(base, 0))
    while f"{base}_{count + 1}" in used:
        count += 1
    counters[base] = count + 1
    used.add(found := f"{base}_{count + 1}")
    return found


def heading_text(inline: Token) -> str:
    """A heading's words as readers see them: text and code, without tags, images or footnote marks."""
    parts = [
        " " if child.type in {"softbreak", "hardbreak"} else child.content
        for child in inline.children or ()
        if child.type in {"text", "code_inline", "softbreak", "hardbreak"}
    ]
    return " ".join("".join(parts).split())


def headings(state: StateCore) -> None:
    """ "#" becomes <h2> like "##" (the page's <h1> is the title); every heading gets an id; <h2>/<h3> make the
    table of contents."""
    used: set[str] = set()
    counters: dict[str, int] = {}
    toc = state.env.setdefault("toc", [])
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_close" and token.tag == "h1":
            token.tag = "h2"
        if token.type != "heading_open":
            continue
        if token.tag == "h1":
            token.tag = "h2"
        name = heading_text(tokens[index + 1])
        token.attrSet("id", unique_id(slugify(name), used, counters))
        if int(token.tag[1]) in TOC_LEVELS:
            toc.append({"level": int(token.tag[1]), "id": token.attrGet("id"), "name": name})


def count_raw_html(state: StateCore) -> None:
    """Refuse text with more HTML tags written by hand than the sanitiser can take quickly."""
    count = 0
    for token in state.tokens:
        sources = [token] if token.type == "html_block" else (token.children or ()) if token.type == "inline" else ()
        for source in sources:
            if source.type in {"html_block", "html_inline"}:
                count += sum(1 for tag in RAW_START_TAG_RE.findall(source.content) if tag.lower() not in VOID_ELEMENTS)
    if count > MAX_RAW_HTML_TAGS:
        raise MarkdownRefused(
            f"The text has {count:,} HTML tags written by hand; at most {MAX_RAW_HTML_TAGS:,} are accepted. "
            "Write headings, lists, quotes and tables in Markdown instead."
        )


TOO_INTRICATE = (
    "The text is too intricate to show: it has a great many unclosed brackets, emphasis marks, table cells, "
    "headings or other Markdown marks. Simplify it, or split it into two articles."
)


def _spend(state, steps: int = 1) -> None:
    """Count `steps` and every token made since the last count; refuse the text past MAX_PARSE_STEPS."""
    made = len(state.tokens) - getattr(state, "metered_tokens", 0)
    state.metered_tokens = len(state.tokens)
    state.env["steps"] = state.env.get("steps", 0) + steps + max(made, 0)
    if state.env["steps"] > MAX_PARSE_STEPS:
        raise MarkdownRefused(TOO_INTRICATE)


def meter_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """First of the block rules: a step each time they are tried at a line."""
    _spend(state)
    return False


def meter_inline(state: StateInline, silent: bool) -> bool:
    """First of the inline rules: a step each time they are tried at a place in the text."""
    _spend(state)
    return False


def metered_table(state, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's table rule, its cells paid for before it makes them all in one go."""
    if silent or not table(state, start_line, end_line, True):
        return table(state, start_line, end_line, silent)
    last = start_line
    while last < end_line and not state.isEmpty(last):
        last += 1
    cells = state.src.count("|", state.bMarks[start_line], state.eMarks[last - 1])
    _spend(state, 3 * cells)  # an opening and a closing token around each cell's text
    found = table(state, start_line, end_line, silent)
    state.metered_tokens = len(state.tokens)  # paid for above
    return found


# Footnotes ("text[^1]" and "[^1]: the note") as Python-Markdown wrote them, which the allow-list expects.


def _footnote_label(token: Token) -> str:
    return html.escape(str(token.meta.get("label") or token.meta["id"] + 1))


def _footnote_ref(self, tokens, idx, options, env) -> str:
    token, label = tokens[idx], _footnote_label(tokens[idx])
    ref_id = f"fnref{token.meta['subId'] + 1 if token.meta['subId'] else ''}:{label}"
    return f'<sup id="{ref_id}"><a class="footnote-ref" href="#fn:{label}">{token.meta["id"] + 1}</a></sup>'


def _footnote_anchor(self, tokens, idx, options, env) -> str:
    token, label = tokens[idx], _footnote_label(tokens[idx])
    ref_id = f"fnref{token.meta['subId'] + 1 if token.meta['subId'] else ''}:{label}"
    title = f"Jump back to footnote {token.meta['id'] + 1} in the text"
    return f' <a class="footnote-backref" href="#{ref_id}" title="{title}">&#8617;</a>'


FOOTNOTE_RULES = {
    "footnote_ref": _footnote_ref,
    "footnote_anchor": _footnote_anchor,
    "footnote_block_open": lambda self, tokens, idx, options, env: '<div class="footnote">\n<hr>\n<ol>\n',
    "footnote_block_close": lambda self, tokens, idx, options, env: "</ol>\n</div>\n",
    "footnote_open": lambda self, tokens, idx, options, env: f'<li id="fn:{_footnote_label(tokens[idx])}">',
    "footnote_close": lambda self, tokens, idx, options, env: "</li>\n",
}


def _new_parser() -> MarkdownIt:
    parser = (
        MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
        .enable("table")
        .use(footnote_plugin, inline=False)
        .use(deflist_plugin)
    )
    parser.inline.ruler.before("link", "citation", citation)
    parser.block.ruler.before(parser.block.ruler.get_all_rules()[0], "meter", meter_block)
    parser.inline.ruler.before(parser.inline.ruler.get_all_rules()[0], "meter", meter_inline)
    parser.block.ruler.at("table", metered_table)
    parser.core.ruler.push("headings", headings)
    parser.core.ruler.push("raw_html_limit", count_raw_html)
    for name, rule in {**FOOTNOTE_RULES, "image": _image}.items():
        parser.add_render_rule(name, rule)
    return parser


PARSER = _new_parser()  # markdown-it keeps no state between calls: one parser serves every thread


# ------------------------------------------------------------------ the pipeline


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


def check_length(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise MarkdownRefused(
            f"The text is {len(text):,} characters long; an article can be at most {MAX_CHARS:,}. "
            "Split it into two articles."
        )
    if (lines := text.count("\n") + 1) > MAX_LINES:
        raise MarkdownRefused(
            f"The text has {lines:,} lines; an article can have at most {MAX_LINES:,}. "
            "Join short lines into paragraphs, or split it into two articles."
        )


def render_markdown(text: str) -> Rendered:
    """Render an article body: sanitised HTML, its table of contents and its word count.

    Raises MarkdownRefused (with a message for the writer) for text beyond the limits.
    """
    clean, toc, word_count = _render(text or "")
    return Rendered(html=clean, toc=[dict(entry) for entry in toc], word_count=word_count)


@functools.lru_cache(maxsize=8)
def _render(text: str) -> tuple[str, tuple[dict, ...], int]:
    """The pipeline, remembered for the last few texts: the admin checks a body, then saves it."""
    check_length(text)
    env: dict = {}
    clean = sanitise_html(PARSER.render(text, env).rstrip("\n"))  # as Python-Markdown ended it
    plain = nh3.clean(clean, tags=set())
    return clean, tuple(env["toc"]), len(WORD_RE.findall(html.unescape(plain)))


def validate_markdown(text: str) -> None:
    """The article body's validator: the form shows what is wrong instead of failing on save."""
    try:
        render_markdown(text)
    except MarkdownRefused as refused:
        raise ValidationError(str(refused), code="markdown") from None


def markdownify(content: str) -> str:
    """django-markdownx's preview hook: the same pipeline as published pages."""
    return render_markdown(content).html
