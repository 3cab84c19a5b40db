"""Reading a WordPress export (WXR 1.0–1.2) as a stream: one <item> at a time, in bounded memory.

The parser is defusedxml's: a DTD (and with it every entity declaration, the
"billion laughs" expansion and external entities such as file:///etc/passwd)
is refused before anything is expanded or fetched. Each <item> is turned into
plain data and its element cleared and detached, so a 1 GB export needs about
as much memory as its largest post; and no <item> (a post with its comments)
may be larger than MAX_ITEM_BYTES: the file is refused, naming it, as soon as
the parser is that far into it, before its text has all been read.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, iterparse

NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
NO_DATE = "0000-00-00 00:00:00"
# The largest <item> (a post, its meta and its comments) an export may hold, in bytes of the file.
# Posts of a health site are tens of kilobytes and a post with thousands of comments a few
# megabytes; an item of hundreds of megabytes is a broken or hostile export, and reading it
# would take gigabytes of memory.
MAX_ITEM_BYTES = 10_000_000


class ExportError(Exception):
    """The export cannot be read; the message says where and why, for the person running the import."""


class ItemTooLarge(Exception):
    pass


class _MeasuredFile:
    """The export as the parser reads it, in chunks, refusing to go on more than MAX_ITEM_BYTES into one <item>."""

    def __init__(self, raw):
        self.raw = raw
        self.position = 0
        self.item_start: int | None = None

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.position += len(data)
        if self.item_start is not None and self.position - self.item_start > MAX_ITEM_BYTES:
            raise ItemTooLarge
        return data


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Category:
    nicename: str
    name: str


@dataclass
class WpComment:
    wp_id: str
    author: str = ""
    email: str = ""
    ip: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: str = "0"


@dataclass
class Item:
    wp_id: str
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_name: str = ""
    status: str = ""
    attachment_url: str = ""
    categories: list[Category] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WpComment] = field(default_factory=list)


def short_tag(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' → 'wp:post_id' (any WXR version)."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    if uri.startswith(WP_NAMESPACE_PREFIX):
        return f"excerpt:{local}" if uri.rstrip("/").endswith("excerpt") else f"wp:{local}"
    prefix = NAMESPACES.get(uri)
    return f"{prefix}:{local}" if prefix else local


def parse_gmt(value: str) -> datetime.datetime | None:
    """A WordPress date ("2019-05-04 10:20:30") as an aware UTC datetime; None for "0000-00-00 00:00:00"."""
    value = (value or "").strip()
    if not value or value == NO_DATE:
        return None
    try:
        naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=datetime.UTC)


def _text(element, tag: str) -> str:
    for child in element:
        if short_tag(child.tag) == tag:
            return child.text or ""
    return ""


def _author(element) -> Author:
    return Author(
        login=_text(element, "wp:author_login").strip(),
        email=_text(element, "wp:author_email").strip(),
        display_name=_text(element, "wp:author_display_name").strip(),
        first_name=_text(element, "wp:author_first_name").strip(),
        last_name=_text(element, "wp:author_last_name").strip(),
    )


def _comment(element) -> WpComment:
    values = {short_tag(child.tag): child.text or "" for child in element}
    return WpComment(
        wp_id=values.get("wp:comment_id", "").strip(),
        author=values.get("wp:comment_author", ""),
        email=values.get("wp:comment_author_email", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", ""),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=values.get("wp:comment_parent", "0").strip() or "0",
    )


def _item(element) -> Item:
    item = Item(wp_id="")
    simple = {
        "title": "title",
        "link": "link",
        "guid": "guid",
        "dc:creator": "creator",
        "content:encoded": "content",
        "excerpt:encoded": "excerpt",
        "wp:post_id": "wp_id",
        "wp:post_date": "post_date",
        "wp:post_date_gmt": "post_date_gmt",
        "wp:post_name": "post_name",
        "wp:status": "status",
        "wp:post_type": "post_type",
        "wp:attachment_url": "attachment_url",
    }
    for child in element:
        tag = short_tag(child.tag)
        if tag in simple:
            setattr(item, simple[tag], (child.text or "").strip() if tag != "content:encoded" else child.text or "")
        elif tag == "category":
            domain, nicename, name = child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip()
            if domain == "category":
                item.categories.append(Category(nicename=nicename, name=name))
            elif domain == "post_tag":
                item.tags.append(nicename or name)
        elif tag == "wp:postmeta":
            key, value = _text(child, "wp:meta_key"), _text(child, "wp:meta_value")
            if key:
                item.meta[key] = value
        elif tag == "wp:comment":
            item.comments.append(_comment(child))
    return item


class ExportReader:
    """Stream an export: header facts as they come (site address, authors, categories), then each <item>."""

    def __init__(self, path: Path):
        self.path = path
        self._addresses: dict[str, str] = {}
        self.authors: dict[str, Author] = {}
        self.categories: dict[str, Category] = {}

    @property
    def site_url(self) -> str:
        """The blog's address, which old links start with (known once the channel header has been read)."""
        found = self._addresses
        return found.get("wp:base_blog_url") or found.get("wp:base_site_url") or found.get("link", "")

    def items(self) -> Iterator[Item]:
        """Yield each <item>; raise ExportError naming the element and line when the XML is broken or unsafe,
        or the item when it is larger than MAX_ITEM_BYTES."""
        open_tags: list[str] = []
        channel = None
        last_item = ""
        title = ""
        try:
            with self.path.open("rb") as raw:
                source = _MeasuredFile(raw)
                parser = iterparse(source, events=("start", "end"), forbid_dtd=True)
                for event, element in parser:
                    tag = short_tag(element.tag)
                    if event == "start":
                        open_tags.append(tag)
                        if tag == "channel":
                            channel = element
                        elif tag == "item" and len(open_tags) == 3:
                            source.item_start, title = source.position, ""
                        continue
                    open_tags.pop()
                    if tag == "title" and open_tags[-1:] == ["item"]:
                        title = (element.text or "").strip()
                    if len(open_tags) != 2 or channel is None:
                        continue  # only the channel's own children are handled, when complete
                    if tag == "item":
                        source.item_start = None
                        item = _item(element)
                        last_item = f"“{item.title}” (wp:post_id {item.wp_id})"
                        yield item
                    elif tag == "wp:author":
                        author = _author(element)
                        if author.login:
                            self.authors[author.login] = author
                    elif tag == "wp:category":
                        nicename = _text(element, "wp:category_nicename").strip()
                        if nicename:
                            self.categories[nicename] = Category(
                                nicename=nicename, name=_text(element, "wp:cat_name").strip() or nicename
                            )
                    elif tag in {"wp:base_blog_url", "wp:base_site_url", "link"}:
                        self._addresses[tag] = (element.text or "").strip().rstrip("/")
                    element.clear()
                    channel.remove(element)
        except ItemTooLarge:
            which = f"“{title[:80]}”" if title else "an <item>"
            after = f", after item {last_item}" if last_item else ""
            raise ExportError(
                f"The export holds an item larger than {MAX_ITEM_BYTES // 1_000_000} MB ({which}, from about byte "
                f"{source.item_start:,}{after}); no WordPress post with its comments is that large. Remove it from "
                "the export and run the import again."
            ) from None
        except ParseError as error:
            line, column = error.position
            where = " inside <" + "> in <".join(reversed(open_tags)) + ">" if open_tags else ""
            after = f", after item {last_item}" if last_item else ""
            raise ExportError(
                f"The export is not well-formed XML at line {line}, column {column}{where}{after}: "
                f"{str(error).split(':')[0]}."
            ) from None
        except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
            raise ExportError(
                f"The export declares a DTD or entities ({type(error).__name__}); WordPress exports never do. "
                "Refused: it could expand into gigabytes (“billion laughs”) or read files from this server."
            ) from None
        except OSError as error:
            raise ExportError(f"Cannot read {self.path}: {error.strerror or error}.") from None


@dataclass
class Scan:
    """What a first quick pass finds: how much there is, and the attachments posts point at."""

    posts: int = 0
    comments: int = 0
    items: int = 0
    attachments: dict[str, "Attachment"] = field(default_factory=dict)


@dataclass(frozen=True)
class Attachment:
    url: str
    alt: str = ""
    title: str = ""


def scan_export(path: Path) -> Scan:
    """Count posts and comments and collect attachments, streaming; the whole file is checked before any write."""
    scan = Scan()
    reader = ExportReader(path)
    for item in reader.items():
        scan.items += 1
        if item.post_type == "post":
            scan.posts += 1
            scan.comments += len(item.comments)
        elif item.post_type == "attachment" and item.attachment_url:
            scan.attachments[item.wp_id] = Attachment(
                url=item.attachment_url, alt=item.meta.get("_wp_attachment_image_alt", ""), title=item.title
            )
    return scan
