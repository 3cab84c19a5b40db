"""WordPress post content (classic HTML or Gutenberg blocks, with shortcodes) to the Markdown our articles use.

The HTML is first reduced to an allow-list with nh3 (scripts, styles, iframes
and every on* attribute go, with their content), then converted with
markdownify. Whatever comes out is rendered and sanitised again by
articles.markdown when the article is saved: two independent locks.
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
SHORTCODE_RE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\]]*)?)\]")
BLOCK_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
BLOCK_TAG_RE = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|table|blockquote|pre|figure|hr)\b", re.IGNORECASE)
IMG_SRC_RE = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
CONVERT_TAGS = ALLOWED_TAGS | {"h1", "span"}
CONVERT_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
BLANK_LINES_RE = re.compile(r"\n{3,}")
SPACES_RE = re.compile(r"[ \t]+\n")


class PostConverter(MarkdownConverter):
    """markdownify, with "<" in text kept as text: "&lt;script&gt;" in a post stays words, never markup."""

    def escape(self, text, parent_tags):
        return super().escape(text, parent_tags).replace("<", "&lt;")


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
        pattern = re.compile(rf"\[{re.escape(name)}\b[^\]]*\].*?\[/{re.escape(name)}\]", re.DOTALL | re.IGNORECASE)
        text, count = pattern.subn("", text)
        dropped += [name] * count

    def replace(match: re.Match) -> str:
        closing, name, attributes = match.groups()
        if not _is_shortcode(name, attributes):
            return match.group(0)
        if not closing:
            dropped.append(name.lower())
        return ""

    return SHORTCODE_RE.sub(replace, text), dropped


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
        prefix, quote, src = match.groups()
        return f"{prefix}{quote}{new_url(html.unescape(src))}{quote}"

    return IMG_SRC_RE.sub(replace, fragment)


def html_to_markdown(content: str) -> Converted:
    """Convert one post's content; the result is plain Markdown with no raw HTML left in it."""
    text = BLOCK_COMMENT_RE.sub("", content or "")
    text, dropped = strip_shortcodes(text)
    text = autop(text)
    safe = nh3.clean(
        text,
        tags=CONVERT_TAGS,
        attributes=CONVERT_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    converter = PostConverter(heading_style="ATX", bullets="-", strong_em_symbol="*", escape_misc=False)
    markdown = converter.convert(safe)
    markdown = BLANK_LINES_RE.sub("\n\n", SPACES_RE.sub("\n", markdown)).strip()
    return Converted(markdown=markdown + "\n" if markdown else "", shortcodes=dropped)
