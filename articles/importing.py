"""Turn an article from elsewhere (Markdown, or text copied from an old web page) into a draft.

Plain text is read the way such pages look when copied: the first line is the
title, a short line without a final full stop is a heading, and the rating and
comment widgets at the end ("Click to rate this post!", "[Total: 0 Average: 0]",
"Leave a Comment") are dropped. So are lines that look like a URL slug
("botox-for-headache"): they are the file names of images that did not come
along, never text meant for readers. What was dropped is reported.

A trailing "References" (or "Sources") list becomes the article's references:
each item keeps its number, so the text's [n] markers still point at it, with
its title, URL, DOI, PMID and year where the item has them; the list leaves the
body. Importing the same file again updates that draft instead of adding one.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from .models import Article, Reference, Topic, readable_slug, unique_slug
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


REFERENCES_HEADING_RE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?(?:references|sources|bibliography|reference list|sources and references"
    r"|references and sources|citations)(?:\*\*|__)?\s*:?\s*$",
    re.IGNORECASE,
)
NUMBERED_ITEM_RE = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)]|\^(\d{1,3}))\s+(\S.*)$")
BULLET_ITEM_RE = re.compile(r"^\s*[-*•]\s+(\S.*)$")
MARKDOWN_LINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
URL_RE = re.compile(r"https?://[^\s<>\"]+")
DOI_RE = re.compile(r"(?:\bdoi:?\s*|https?://(?:dx\.)?doi\.org/)?\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
PMID_RE = re.compile(r"\bPMID:?\s*(\d{1,12})\b|pubmed\.ncbi\.nlm\.nih\.gov/(\d{1,12})", re.IGNORECASE)
YEAR_RE = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


@dataclass
class ImportedReference:
    position: int
    title: str
    url: str = ""
    doi: str = ""
    pmid: str = ""
    year: int | None = None


@dataclass
class ImportedText:
    title: str
    body: str
    summary: str = ""
    slug: str = ""
    dropped: list[str] = field(default_factory=list)  # lines left out, for the editor to see
    references: list[ImportedReference] = field(default_factory=list)


def parse_reference(text: str, position: int) -> ImportedReference:
    """One item of a references list: its identifiers taken out, what is left is the title."""
    url = ""
    if link := MARKDOWN_LINK_RE.search(text):
        url = link[2]
        text = MARKDOWN_LINK_RE.sub(r"\1", text)
    doi = pmid = ""
    if match := DOI_RE.search(text):
        doi = match[1].rstrip(".,;)]")
        text = text.replace(match.group(), " ")
    if match := PMID_RE.search(text):
        pmid = match[1] or match[2]
        text = text.replace(match.group(), " ")
    for found in URL_RE.findall(text):
        text = text.replace(found, " ")
        found = found.rstrip(".,;)]")
        if not url and "pubmed.ncbi" not in found and "doi.org/" not in found:
            url = found
    year = YEAR_RE.search(text)
    text = re.sub(r"\b(?:available (?:at|from)|accessed(?: on)?|retrieved(?: from)?)\b:?", " ", text, flags=re.I)
    title = " ".join(text.split()).strip(" .,;:-–—()[]") or (url or doi or pmid)
    title_length = Reference._meta.get_field("title").max_length
    return ImportedReference(
        position=position,
        title=title[:title_length],
        url=url[: Reference._meta.get_field("url").max_length],
        doi=doi[: Reference._meta.get_field("doi").max_length],
        pmid=pmid,
        year=int(year[1]) if year else None,
    )


def split_references(lines: list[str]) -> tuple[list[str], list[ImportedReference], list[str]]:
    """Take a trailing "References" or "Sources" list out of the text: (the other lines, references, left out).

    The list runs from its heading to the next heading or the end. Numbered items ("1.", "[1]", "1)") keep
    their numbers; bullets and plain lines are numbered in order. A line that does not start an item continues
    the one before it.
    """
    starts = [index for index, line in enumerate(lines) if REFERENCES_HEADING_RE.match(line)]
    if not starts:
        return lines, [], []
    start = starts[-1]
    end = next((i for i in range(start + 1, len(lines)) if MARKDOWN_HEADING_RE.match(lines[i])), len(lines))
    items: list[tuple[int | None, str]] = []
    numbered = any(NUMBERED_ITEM_RE.match(line) for line in lines[start + 1 : end])
    for line in lines[start + 1 : end]:
        if not line.strip():
            continue
        if match := NUMBERED_ITEM_RE.match(line):
            items.append((int(match[1] or match[2] or match[3]), match[4]))
        elif match := BULLET_ITEM_RE.match(line):
            items.append((None, match[1]))
        elif numbered and items:
            items[-1] = (items[-1][0], f"{items[-1][1]} {line.strip()}")
        else:
            items.append((None, line.strip()))
    if not items:
        return lines, [], []
    references, left_out, taken = [], [], set()
    items = [(number, text) for number, text in items if re.search(r"[^\W_]", text)]  # not a stray "—"
    for order, (number, text) in enumerate(items, start=1):
        position = number or order
        if position in taken:
            left_out.append(text)  # a second item with the same number
            continue
        taken.add(position)
        references.append(parse_reference(text, position))
    return [*lines[:start], *lines[end:]], references, left_out


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
    return ImportedText(
        title=title, body=text.strip("\n") + "\n", summary=fields.get("summary", ""), slug=fields.get("slug", "")
    )


def parse_article_text(text: str) -> ImportedText:
    """Read Markdown (with headings or front matter) or plain text copied from a web page."""
    lines, dropped = strip_trailing_widgets(normalise(text))
    lines, references, duplicates = split_references(lines)
    lines, more_dropped = strip_trailing_widgets(lines)
    dropped = [*more_dropped, *dropped, *(f"A second reference with the same number: {item}" for item in duplicates)]
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
    imported.references = references
    return imported


def find_or_create_topic(name_or_slug: str) -> Topic:
    """The topic with this slug or name (any case), created from the name when there is none."""
    name = name_or_slug.strip()
    topic = Topic.objects.filter(slug=name).first() or Topic.objects.filter(name__iexact=name).first()
    if topic:
        return topic
    return Topic.objects.create(name=name, slug=unique_slug(Topic, name, fallback="topic"))


class ImportRefused(Exception):
    """The import would overwrite an article that is no longer a draft; the message says what to do."""


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def sync_references(article: Article, references: list[ImportedReference]) -> bool:
    """Make the article's references exactly these; True when anything changed."""
    changed = False
    kept = set()
    for ref in references:
        values = {"title": ref.title, "url": ref.url, "doi": ref.doi, "pmid": ref.pmid, "year": ref.year}
        existing = Reference.objects.filter(article=article, position=ref.position).first()
        if existing is None:
            Reference.objects.create(article=article, position=ref.position, **values)
            changed = True
        elif any(getattr(existing, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            changed = True
        kept.add(ref.position)
    removed, _ = Reference.objects.filter(article=article).exclude(position__in=kept).delete()
    return changed or bool(removed)


@transaction.atomic
def import_draft(*, imported: ImportedText, author, topics: Iterable[str] = ()) -> tuple[Article, str]:
    """Save imported text as a draft article by `author`, in the named topics (created when new), with its
    references. A draft with the same slug (given in the file, or made from the title) is updated instead, so
    importing a file again changes nothing that has not changed. Returns the article and what happened.
    """
    title = imported.title[: Article._meta.get_field("title").max_length]
    summary = imported.summary[: Article._meta.get_field("summary").max_length]
    slug = readable_slug(imported.slug or title)
    article = Article.objects.filter(slug=slug).first() if slug else None
    topic_objects = [find_or_create_topic(name) for name in topics if name.strip()]
    if article is None:
        article = Article.objects.create(
            title=title, summary=summary, body=imported.body, author=author, status=Article.Status.DRAFT, slug=slug
        )
        article.topics.set(topic_objects)
        sync_references(article, imported.references)
        after_edit(article=article, by=author)  # content-check findings and fingerprint for the admin
        return article, CREATED
    if article.status != Article.Status.DRAFT:
        raise ImportRefused(
            f"“{article.title}” ({article.slug}) already exists and is {article.state_label.lower()}: edit it in the "
            "admin, or give the file another title or a “slug:” line to import it as a new draft."
        )
    text_changed = (article.title, article.summary, article.body) != (title, summary, imported.body)
    if text_changed:
        article.title, article.summary, article.body = title, summary, imported.body
        article._history_user = author
        article._change_reason = "Imported again"
        article.save()
    references_changed = sync_references(article, imported.references)
    new_topics = [topic for topic in topic_objects if not article.topics.filter(pk=topic.pk).exists()]
    article.topics.add(*new_topics)
    if not (text_changed or references_changed or new_topics):
        return article, UNCHANGED
    after_edit(article=article, by=author)
    return article, UPDATED
