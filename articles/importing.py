"""Turn an article from elsewhere (Markdown, or text copied from an old web page) into a draft.

Plain text is read the way such pages look when copied: the first line is the
title, a short line without a final full stop is a heading, and the rating and
comment widgets at the end ("Click to rate this post!", "[Total: 0 Average: 0]",
"Leave a Comment") are dropped. So are lines that look like a URL slug
("botox-for-headache"): they are the file names of images that did not come
along, never text meant for readers. What was dropped is reported.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from .models import Article, Topic, unique_slug
from .workflow import after_edit

HEADING_MAX_WORDS = 14
# Lines a WordPress page ends with: the star-rating and comment widgets.
WIDGET_LINE_RES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"click to rate this post!?",
        r"\[?total:\s*\d+\s+average:\s*[\d.,]+\]?",
        r"no votes so far!?.*",
        r"(?:be the first to rate this post\.?|rate this post)",
        r"leave a (?:comment|reply)",
        r"(?:submit|post) comment",
        r"cancel reply",
    )
]
SLUG_LINE_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
MARKDOWN_HEADING_RE = re.compile(r"^(#{1,6})\s+\S", re.MULTILINE)
FRONT_MATTER_RE = re.compile(r"\A---\s*\n(?P<fields>.*?)\n---\s*\n", re.DOTALL)
INVISIBLE = str.maketrans({"\u00a0": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u2009": " "})


@dataclass
class ImportedText:
    title: str
    body: str
    summary: str = ""
    dropped: list[str] = field(default_factory=list)  # lines left out, for the editor to see


def normalise(text: str) -> list[str]:
    """Lines without trailing spaces; non-breaking and zero-width spaces count as blank."""
    return [line.translate(INVISIBLE).rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def strip_trailing_widgets(lines: list[str]) -> tuple[list[str], list[str]]:
    """Drop rating and comment widget lines (and blank lines) from the end of the text."""
    dropped = []
    while lines:
        line = lines[-1].strip()
        if not line:
            lines = lines[:-1]
        elif any(pattern.fullmatch(line) for pattern in WIDGET_LINE_RES):
            dropped.insert(0, line)
            lines = lines[:-1]
        else:
            break
    return lines, dropped


def paragraphs(lines: Iterable[str]) -> list[str]:
    """Blocks of text separated by blank lines, each joined into one line."""
    blocks, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def looks_like_heading(block: str) -> bool:
    return len(block.split()) <= HEADING_MAX_WORDS and not block.endswith((".", "!", ",", ";", ":", "…", "?”", ".”"))


def parse_plain_text(lines: list[str]) -> ImportedText:
    blocks = paragraphs(lines)
    if not blocks:
        raise ValueError("The file has no text.")
    title, parts, dropped = blocks[0], [], []
    for block in blocks[1:]:
        if SLUG_LINE_RE.fullmatch(block):
            dropped.append(block)
        elif looks_like_heading(block):
            parts.append(f"## {block}")
        else:
            parts.append(block)
    return ImportedText(title=title, body="\n\n".join(parts) + "\n", dropped=dropped)


def parse_markdown(text: str) -> ImportedText:
    fields = {}
    front_matter = FRONT_MATTER_RE.match(text)
    if front_matter:
        for line in front_matter["fields"].splitlines():
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        text = text[front_matter.end() :]
    elif re.match(r"title:\s*\S", text, re.IGNORECASE):
        first, _, text = text.partition("\n")
        fields["title"] = first.partition(":")[2].strip()
    title = fields.get("title", "")
    if not title:
        lines = text.lstrip("\n").split("\n")
        first = lines[0]
        if first.startswith("# ") or not first.startswith("#"):
            title, text = first.lstrip("#").strip(), "\n".join(lines[1:])
    if not title:
        raise ValueError("No title found: start the file with the title, a “# Title” line or “title: …”.")
    return ImportedText(title=title, body=text.strip("\n") + "\n", summary=fields.get("summary", ""))


def parse_article_text(text: str) -> ImportedText:
    """Read Markdown (with headings or front matter) or plain text copied from a web page."""
    lines, dropped = strip_trailing_widgets(normalise(text))
    cleaned = "\n".join(line if line.strip() else "" for line in lines).strip("\n")
    if not cleaned:
        raise ValueError("The file has no text.")
    is_markdown = (
        FRONT_MATTER_RE.match(cleaned)
        or re.match(r"title:\s*\S", cleaned, re.IGNORECASE)
        or MARKDOWN_HEADING_RE.search(cleaned)
    )
    imported = parse_markdown(cleaned) if is_markdown else parse_plain_text(cleaned.split("\n"))
    imported.dropped = [*imported.dropped, *dropped]
    return imported


def find_or_create_topic(name_or_slug: str) -> Topic:
    """The topic with this slug or name (any case), created from the name when there is none."""
    name = name_or_slug.strip()
    topic = Topic.objects.filter(slug=name).first() or Topic.objects.filter(name__iexact=name).first()
    if topic:
        return topic
    return Topic.objects.create(name=name, slug=unique_slug(Topic, name, fallback="topic"))


@transaction.atomic
def import_draft(*, imported: ImportedText, author, topics: Iterable[str] = ()) -> Article:
    """Save imported text as a draft article by `author`, in the named topics (created when new)."""
    article = Article.objects.create(
        title=imported.title[: Article._meta.get_field("title").max_length],
        summary=imported.summary[: Article._meta.get_field("summary").max_length],
        body=imported.body,
        author=author,
        status=Article.Status.DRAFT,
    )
    article.topics.set([find_or_create_topic(name) for name in topics if name.strip()])
    after_edit(article=article, by=author)  # content-check counts and fingerprint for the admin list
    return article
