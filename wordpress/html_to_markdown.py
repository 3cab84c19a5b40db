"""WordPress post content (classic HTML or Gutenberg blocks, with shortcodes) to the Markdown our articles use.

The HTML is first reduced to an allow-list with nh3 (scripts, styles, iframes
and every on* attribute go, with their content), then converted with
markdownify. Whatever comes out is rendered and sanitised again by
articles.markdown when the article is saved: two independent locks.

Every step takes time in proportion to the post: the patterns never scan
further than one shortcode or tag, and a post longer than MAX_POST_CHARS or
with more than MAX_POST_TAGS tags is refused (UnconvertiblePost) before nh3,
whose HTML parser takes time in proportion to how deeply elements nest for
every element it opens.
"""

import html
import re
from dataclasses import dataclass, field

import nh3
from markdownify import MarkdownConverter

from articles.markdown import ALLOWED_TAGS, ALLOWED_URL_SCHEMES

# Shortcodes whose tags are dropped; paired ones keep what they wrap ([caption]<img> text[/caption]).
KNOWN_SHORTCODES = {
    "caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist",
    "kkstarratings", "kkratings", "kk-star-ratings", "ratings", "ratemypost", "ratemypost-result",
    "contact-form-7", "contact-form", "wpforms", "toc", "ez-toc",
}  # fmt: skip
# Shortcodes that only draw a widget: dropped with anything between their tags.
WIDGET_SHORTCODES = {"gallery", "playlist", "contact-form-7", "contact-form", "wpforms"}
# A shortcode's attributes, a tag's attributes and an image address are never longer than these, so
# the patterns below look no further than that for their end (an unclosed one costs no rescan of the post).
SHORTCODE_RE = re.compile(r"\[(/?)([A-Za-z][\w-]{0,80})((?:\s[^\]]{0,500})?)\]")
BLOCK_TAG_RE = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|table|blockquote|pre|figure|hr)\b", re.IGNORECASE)
IMG_SRC_RE = re.compile(r"""(<img\b[^>]{0,2000}?\bsrc\s*=\s*)(?:"([^"]{0,4000})"|'([^']{0,4000})')""", re.IGNORECASE)
START_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# The longest post content converted (characters of HTML), and the most tags in it (see the docstring);
# the article made of it must still fit articles.markdown's limits.
MAX_POST_CHARS = 1_000_000
MAX_POST_TAGS = 20_000
CONVERT_TAGS = ALLOWED_TAGS | {"h1", "span"}
CONVERT_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
BLANK_LINES_RE = re.compile(r"\n{3,}")


class PostConverter(MarkdownConverter):
    """markdownify, with "<" in text kept as text: "&lt;script&gt;" in a post stays words, never markup."""

    def escape(self, text, parent_tags):
        return super().escape(text, parent_tags).replace("<", "&lt;")


class UnconvertiblePost(ValueError):
    """The post is beyond what is converted; the message says why, for the import's report."""


@dataclass
class Converted:
    markdown: str
    shortcodes: list[str] = field(default_factory=list)  # names dropped, for the report


def _is_shortcode(name: str, attributes: str) -> bool:
    """Known plugin shortcodes, yasr_*, and anything written like one (name key="value")."""
    lowered = name.lower()
    return lowered in KNOWN_SHORTCODES or lowered.startswith("yasr") or "=" in attributes


def strip_shortcodes(text: str) -> tuple[str, list[str]]:
    """Remove shortcode tags; keep what paired ones wrap, except for widgets (galleries, forms)."""
    dropped: list[str] = []
    for name in WIDGET_SHORTCODES:
        text, count = _drop_widget(text, name)
        dropped += [name] * count

    def replace(match: re.Match) -> str:
        closing, name, attributes = match.groups()
        if not _is_shortcode(name, attributes):
            return match.group(0)
        if not closing:
            dropped.append(name.lower())
        return ""

    return SHORTCODE_RE.sub(replace, text), dropped


def _drop_widget(text: str, name: str) -> tuple[str, int]:
    """Remove each [name …]…[/name] (from an opening tag to the next closing one), in one pass over the text."""
    tags = re.compile(rf"\[(/?){re.escape(name)}\b[^\]]{{0,500}}\]", re.IGNORECASE)
    kept, last, opened, count = [], 0, None, 0
    for tag in tags.finditer(text):
        if not tag[1] and opened is None:
            opened = tag.start()
        elif tag[1] and opened is not None:
            kept.append(text[last:opened])
            last, opened, count = tag.end(), None, count + 1
    kept.append(text[last:])
    return "".join(kept), count


def strip_html_comments(text: str) -> str:
    """Remove <!-- … --> (Gutenberg's block markers among them); an unclosed one is left for nh3 to drop."""
    kept, position = [], 0
    while (start := text.find("<!--", position)) != -1 and (end := text.find("-->", start + 4)) != -1:
        kept.append(text[position:start])
        position = end + 3
    kept.append(text[position:])
    return "".join(kept)


def check_tags(html_text: str) -> None:
    """Refuse HTML with more tags than nh3 and markdownify take quickly (see the module's docstring)."""
    tags = sum(1 for name in START_TAG_RE.findall(html_text) if name.lower() not in VOID_ELEMENTS)
    if tags > MAX_POST_TAGS:
        raise UnconvertiblePost(f"post text with more than {MAX_POST_TAGS:,} HTML tags (paragraphs included)")


def autop(text: str) -> str:
    """WordPress's wpautop for classic-editor posts: blank lines make paragraphs, single newlines <br>."""
    if BLOCK_TAG_RE.search(text):
        return text
    paragraphs = [chunk.strip() for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if chunk.strip()]
    return "".join(f"<p>{chunk.replace(chr(10), '<br>')}</p>" for chunk in paragraphs)


def plain_text(fragment: str) -> str:
    """HTML to one line of text: tags removed (scripts with their content), entities decoded, spaces collapsed."""
    text = nh3.clean(fragment or "", tags=set())
    return " ".join(html.unescape(text).split())


def rewrite_image_sources(fragment: str, new_url) -> str:
    """Call new_url(src) for each <img src>; it returns the address to use (the same one to keep it)."""

    def replace(match: re.Match) -> str:
        prefix, double_quoted, single_quoted = match.groups()
        quote, src = ('"', double_quoted) if double_quoted is not None else ("'", single_quoted)
        return f"{prefix}{quote}{new_url(html.unescape(src))}{quote}"

    return IMG_SRC_RE.sub(replace, fragment)


def html_to_markdown(content: str) -> Converted:
    """Convert one post's content; the result is plain Markdown with no raw HTML left in it.

    Raises UnconvertiblePost for content beyond MAX_POST_CHARS or MAX_POST_TAGS, or nested too deeply to convert.
    """
    if len(content or "") > MAX_POST_CHARS:
        raise UnconvertiblePost(f"post text longer than {MAX_POST_CHARS:,} characters")
    text = strip_html_comments(content or "")
    text, dropped = strip_shortcodes(text)
    text = autop(text)
    check_tags(text)
    safe = nh3.clean(
        text,
        tags=CONVERT_TAGS,
        attributes=CONVERT_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    converter = PostConverter(heading_style="ATX", bullets="-", strong_em_symbol="*", escape_misc=False)
    try:
        markdown = converter.convert(safe)
    except RecursionError:
        raise UnconvertiblePost("post text nested too deeply to convert") from None
    markdown = "\n".join(line.rstrip(" \t") for line in markdown.split("\n"))
    markdown = BLANK_LINES_RE.sub("\n\n", markdown).strip()
    return Converted(markdown=markdown + "\n" if markdown else "", shortcodes=dropped)
