"""Importing a WordPress export: posts become articles, with their topics, authors, comments, ratings and old URLs.

Everything one post brings (article, topic links, comments, rating totals,
redirects and the ImportedItem rows that remember them) is written in one
savepoint, so a post refused by the database or beyond the size limits leaves
nothing behind; posts are committed ITEMS_PER_COMMIT at a time, as the export
is read. Each WordPress object is keyed on its id in ImportedItem, with a
fingerprint of what was exported: a second run skips what did not change,
updates what did (only the fields that differ) and never duplicates.
"""

import csv
import hashlib
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import nh3
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.markdown import MarkdownRefused
from articles.models import Article, ContributorProfile, Redirect, Topic, readable_slug, unique_slug
from articles.uploads import ImageRejected, clean_image
from comments.models import BODY_MAX_LENGTH, NAME_MAX_LENGTH, Comment, normalise_email
from comments.text import clean_text
from headache_site.clients import address_hash, client_network
from ratings.models import MAX_SCORE, MIN_SCORE, RatingSummary

from .html_to_markdown import (
    UnconvertiblePost,
    html_to_markdown,
    plain_text,
    rewrite_image_sources,
    strip_shortcodes,
)
from .models import ImportedItem
from .phpserial import NotSerialised, unserialise
from .wxr import Author, Category, ExportError, ExportReader, Item, Scan, WpComment, parse_gmt, scan_export

User = get_user_model()
Kind = ImportedItem.Kind

POST_STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # with its future date: scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
COMMENT_STATUSES = {"1": Comment.Status.APPROVED, "0": Comment.Status.PENDING, "spam": Comment.Status.SPAM}
COMMENT_TYPES = {"", "comment"}
UPLOADS_MARKER = "/wp-content/uploads/"
IMPORTED_MEDIA_FOLDER = "articles/imported"
SUMMARY_MAX_LENGTH = Article._meta.get_field("summary").max_length
TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length
SLUG_MAX_LENGTH = Article._meta.get_field("slug").max_length
ALT_MAX_LENGTH = Article._meta.get_field("hero_alt").max_length
USERNAME_INVALID_RE = re.compile(r"[^\w.@+-]")
EXAMPLES_PER_NOTE = 5
# Items imported per transaction: one commit for many posts, and memory that does not grow with the export.
ITEMS_PER_COMMIT = 100
# How much of a title, an excerpt or a comment's HTML is read: far more than any of them keeps
# (comments keep BODY_MAX_LENGTH characters), and little enough that cleaning it stays quick.
MAX_SHORT_HTML_CHARS = 20_000


@dataclass
class ImportReport:
    """What the import did (or, in a dry run, would do): the summary printed at the end."""

    posts_total: int = 0
    comments_total: int = 0
    posts_done: int = 0
    comments_done: int = 0
    dry_run: bool = False
    outcomes: Counter = field(default_factory=Counter)  # (kind, "created"/"updated"/"unchanged") → n
    states: Counter = field(default_factory=Counter)  # (kind, state) → n
    skipped: Counter = field(default_factory=Counter)  # reason → n
    notes: Counter = field(default_factory=Counter)  # remark → n
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def note(self, remark: str, example: str = "") -> None:
        self.notes[remark] += 1
        if example and len(self.examples[remark]) < EXAMPLES_PER_NOTE:
            self.examples[remark].append(example)

    def skip(self, reason: str, example: str = "") -> None:
        self.skipped[reason] += 1
        if example and len(self.examples[reason]) < EXAMPLES_PER_NOTE:
            self.examples[reason].append(example)

    def summary_lines(self) -> list[str]:
        lines = ["Dry run: nothing was written. This is what the import would do." if self.dry_run else "Imported."]
        for kind in ("articles", "comments", "authors", "topics", "ratings", "redirects", "images"):
            done = {outcome: self.outcomes[(kind, outcome)] for outcome in ("created", "updated", "unchanged")}
            if not any(done.values()):
                continue
            states = sorted((state, n) for (k, state), n in self.states.items() if k == kind)
            by_state = f" — {', '.join(f'{n} {state}' for state, n in states)}" if states else ""
            lines.append(
                f"  {kind}: {done['created']} created, {done['updated']} updated, "
                f"{done['unchanged']} unchanged{by_state}"
            )
        if self.skipped:
            lines.append("Skipped:")
            lines += [f"  {n} × {reason}{self._examples(reason)}" for reason, n in sorted(self.skipped.items())]
        if self.notes:
            lines.append("Notes:")
            lines += [f"  {n} × {remark}{self._examples(remark)}" for remark, n in sorted(self.notes.items())]
        return lines

    def _examples(self, key: str) -> str:
        examples = self.examples.get(key)
        return f" (e.g. {'; '.join(examples)})" if examples else ""


# ------------------------------------------------------------------ small pure helpers


def read_author_map(path: Path) -> dict[str, str]:
    """Read "wp_login,username" lines (blank lines and # comments ignored) into {wp_login: username}."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"Cannot read the author map {path}: {error}") from None
    mapping = {}
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise ValueError(f"{path}, line {number}: expected “wp_login,username”, found “{','.join(row)}”.")
        mapping[row[0].strip()] = row[1].strip()
    return mapping


def resolve_author_map(mapping: dict[str, str]) -> dict[str, "User"]:
    """The existing accounts an author map names; every username must exist."""
    users = {user.get_username(): user for user in User.objects.filter(username__in=mapping.values())}
    missing = sorted(set(mapping.values()) - set(users))
    if missing:
        raise ValueError(f"The author map names users that do not exist here: {', '.join(missing)}.")
    return {login: users[username] for login, username in mapping.items()}


def short_text(fragment: str) -> str:
    """A title's or an alt text's HTML as one line of text (its first MAX_SHORT_HTML_CHARS characters)."""
    return plain_text(fragment[:MAX_SHORT_HTML_CHARS])


def summary_from(excerpt: str, *, max_length: int = SUMMARY_MAX_LENGTH) -> str:
    """The excerpt as plain text, cut at a word boundary with an ellipsis when too long."""
    text = plain_text(strip_shortcodes(excerpt[:MAX_SHORT_HTML_CHARS])[0])
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def comment_text(content: str) -> str:
    """A comment's HTML as the plain text our comments hold: line breaks kept, invisible characters stripped."""
    text = re.sub(r"<br\s*/?>|</p>", "\n", (content or "")[:MAX_SHORT_HTML_CHARS], flags=re.IGNORECASE)
    text = html.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", clean_text(text)).strip()


def imported_rating(meta: dict[str, str], report: ImportReport, example: str) -> tuple[int, int] | None:
    """(count, sum of stars) from kk Star Ratings or YASR post meta; None when there is none or it is unusable."""

    def number(*keys: str) -> int:
        for key in keys:
            value = meta.get(key, "").strip()
            if value:
                try:
                    return max(0, round(float(value)))
                except ValueError:
                    report.note(f"rating meta {key} is not a number", example)
        return 0

    kk = (number("_kksr_casts", "_kksr_count_default"), number("_kksr_ratings", "_kksr_ratings_default"))
    yasr = None
    raw = meta.get("_yasr_visitor_votes") or meta.get("yasr_visitor_votes")
    if raw:
        try:
            votes = unserialise(raw)
            yasr = (int(votes["number_of_votes"]), round(float(votes["sum_votes"])))
        except (NotSerialised, KeyError, TypeError, ValueError):
            report.note("YASR visitor votes not readable (expected number_of_votes and sum_votes)", example)
    if kk[0] and yasr and yasr[0]:
        report.note("both kk Star Ratings and YASR totals found; kk Star Ratings used", example)
    found = kk if kk[0] else yasr
    if not found or not found[0]:
        return None
    count, total = found
    if not count * MIN_SCORE <= total <= count * MAX_SCORE:
        report.note(f"rating totals outside the {MIN_SCORE}–{MAX_SCORE} star scale, not imported", example)
        return None
    return count, total


def site_key(url: str) -> str:
    """The exported site's address in one spelling: host and path, lower case, no scheme or trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower() or "unknown-site"


def same_site_path(url: str, site_url: str) -> str | None:
    """The path (with the query, for ?p=ID) of `url` when it points at the exported site; None otherwise."""
    parts, site = urlsplit(url.strip()), urlsplit(site_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    if parts.hostname.removeprefix("www.") != (site.hostname or "").removeprefix("www."):
        return None
    path = unquote(parts.path) or "/"
    return f"{path}?{parts.query}" if parts.query else path


def old_paths(item: Item, *, site_url: str, slug: str, published: bool) -> list[str]:
    """Where readers found the post: its link and guid, /?p=ID, and the common permalink shapes."""
    prefix = urlsplit(site_url).path.rstrip("/")
    paths = [same_site_path(item.link, site_url), same_site_path(item.guid, site_url), f"{prefix}/?p={item.wp_id}"]
    local = parse_gmt(item.post_date)
    if published and slug and local:
        paths += [
            f"{prefix}/{local:%Y/%m/%d}/{slug}/",
            f"{prefix}/{local:%Y/%m}/{slug}/",
            f"{prefix}/{slug}/",
        ]
    return [path for path in dict.fromkeys(paths) if path and path != "/" and len(path) <= 500]


def parents_first(comments: list[WpComment]) -> list[WpComment]:
    """Comments ordered so each parent comes before its replies (export order otherwise; cycles become roots)."""
    ids = {c.wp_id for c in comments}
    children: dict[str, list[WpComment]] = defaultdict(list)
    roots = []
    for c in comments:
        if c.parent in ids and c.parent != c.wp_id:
            children[c.parent].append(c)
        else:
            roots.append(c)
    ordered, seen = [], set()
    stack = list(reversed(roots))
    while stack:
        c = stack.pop()
        ordered.append(c)
        seen.add(c.wp_id)
        stack.extend(reversed(children.pop(c.wp_id, [])))
    ordered += [c for c in comments if c.wp_id not in seen]
    return ordered


def by_generation(comments: list[WpComment]) -> list[WpComment]:
    """Top-level comments first, then their replies, then replies to those: each generation inserted at once."""
    generation: dict[str, int] = {}
    for c in parents_first(comments):
        generation[c.wp_id] = generation[c.parent] + 1 if c.parent in generation else 0
    return sorted(comments, key=lambda c: generation[c.wp_id])  # stable: export order within a generation


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=vars, sort_keys=True).encode()).hexdigest()


# ------------------------------------------------------------------ the import


class _Importer:
    def __init__(
        self,
        *,
        path: Path,
        scan: Scan,
        media_dir: Path | None,
        authors_mapped: dict[str, "User"],
        dry_run: bool,
        report: ImportReport,
        progress: Callable[[ImportReport], None] | None,
    ):
        self.path = path
        self.scan = scan
        self.media_root = media_dir.resolve() if media_dir else None
        self.authors_mapped = authors_mapped
        self.dry_run = dry_run
        self.report = report
        self.progress = progress
        self.reader = ExportReader(path)
        self.site = ""
        self._reset_caches()

    def _reset_caches(self) -> None:
        self.users: dict[str, User] = {}
        self.topics: dict[str, Topic | None] = {}
        self.media: dict[str, str | None] = {}

    def run(self) -> None:
        items = self.reader.items()
        while self._batch(items):
            pass

    def _batch(self, items: Iterator[Item]) -> bool:
        """Import up to ITEMS_PER_COMMIT items in one transaction (each post in a savepoint of its own, so a
        refused post leaves the others); False once the export is read to its end."""
        stopped = None
        with transaction.atomic():
            try:
                for count, item in enumerate(items, start=1):
                    self._item(item)
                    if count == ITEMS_PER_COMMIT:
                        return True
            except ExportError as error:
                stopped = error  # the posts before it are committed with this batch
        if stopped is not None:
            raise stopped
        return False

    def _item(self, item: Item) -> None:
        self.site = self.site or site_key(self.reader.site_url)
        if item.post_type == "post":
            self._post(item)
            self.report.posts_done += 1
            self.report.comments_done += len(item.comments)
        elif item.post_type == "attachment":
            self.report.note("attachments read for featured images (not imported on their own)")
        else:
            self.report.skip(f"post type “{item.post_type or 'none'}” (only posts become articles)", item.title)
        if self.progress:
            self.progress(self.report)

    def _post(self, item: Item) -> None:
        label = f"“{item.title}” (wp:post_id {item.wp_id})"
        if item.status == "trash":
            self.report.skip("post in the trash", label)
            return
        if item.status not in POST_STATUSES:
            self.report.skip(f"post status “{item.status or 'none'}”", label)
            return
        if not item.wp_id.isdigit():
            self.report.skip("post without a numeric wp:post_id", label)
            return
        for tag in item.tags:
            self.report.note("tags ignored (categories become topics)", tag)
        try:
            with transaction.atomic():
                article = self._article(item, label)
                self._topics(article, item)
                self._comments(article, item)
                self._rating(article, item, label)
                self._redirects(article, item)
        except DatabaseError as error:
            self._reset_caches()  # what they held may have been rolled back with the post
            self.report.skip("post refused by the database (nothing of it was written)", f"{label}: {error}")
        except (UnconvertiblePost, MarkdownRefused) as refused:
            self._reset_caches()
            self.report.skip("post beyond the size limits (nothing of it was written)", f"{label}: {refused}")

    # ---------------------------------------------------------------- article

    def _mapping(self, kind: str, key: str) -> ImportedItem | None:
        return ImportedItem.objects.filter(site=self.site, kind=kind, wp_key=key).first()

    def _count(self, kind: str, outcome: str, state: str = "") -> None:
        self.report.outcomes[(kind, outcome)] += 1
        if state:
            self.report.states[(kind, state)] += 1

    def _article(self, item: Item, label: str) -> Article:
        mapping = ImportedItem.objects.filter(site=self.site, kind=Kind.POST, wp_key=item.wp_id).select_related(
            "article"
        )
        mapping = mapping.first()
        author = self._user(item.creator)
        source = fingerprint(
            {f.name: getattr(item, f.name) for f in fields(item) if f.name != "comments"},
            author.pk,
            bool(self.media_root),
        )
        if mapping and mapping.source_hash == source:
            self._count("articles", "unchanged", self._state(mapping.article))
            return mapping.article
        article = mapping.article if mapping else Article()
        wanted = self._article_fields(item, article, author, label)
        changed = {name for name, value in wanted.items() if getattr(article, name) != value}
        hero = self._hero(item, label)
        if hero is not None and article.hero_image.name != hero[0]:
            article.hero_image, article.hero_alt = hero
            changed |= {"hero_image", "hero_alt"}
        for name in changed:
            if name in wanted:
                setattr(article, name, wanted[name])
        if mapping is None:
            article.save()
            ImportedItem.objects.create(
                site=self.site, kind=Kind.POST, wp_key=item.wp_id, article=article, source_hash=source
            )
            self._count("articles", "created", self._state(article))
            return article
        if changed:
            article.save()
            self._count("articles", "updated", self._state(article))
        else:
            self._count("articles", "unchanged", self._state(article))
        mapping.source_hash = source
        mapping.save(update_fields=["source_hash"])
        return article

    @staticmethod
    def _state(article: Article) -> str:
        return "scheduled" if article.is_scheduled else article.status

    def _article_fields(self, item: Item, article: Article, author, label: str) -> dict:
        title = short_text(item.title)[:TITLE_MAX_LENGTH] or f"Untitled (WordPress post {item.wp_id})"
        status = POST_STATUSES[item.status]
        published_at = parse_gmt(item.post_date_gmt) or parse_gmt(item.post_date)
        if status == Article.Status.PUBLISHED and published_at is None:
            published_at = article.published_at or timezone.now()
        if status == Article.Status.DRAFT and item.status != "private":
            published_at = None  # a draft's date is when it was last saved, not a publication date
        converted = html_to_markdown(rewrite_image_sources(item.content, lambda src: self._inline_image(src, label)))
        for name in converted.shortcodes:
            self.report.note(f"shortcode [{name}] dropped", label)
        return {
            "title": title,
            "slug": self._slug(item, article, title, label),
            "summary": summary_from(item.excerpt),
            "body": converted.markdown,
            "status": status,
            "published_at": published_at,
            "author_id": author.pk,
        }

    def _slug(self, item: Item, article: Article, title: str, label: str) -> str:
        wanted = readable_slug(unquote(item.post_name), max_length=SLUG_MAX_LENGTH) if item.post_name else ""
        if wanted and not Article.objects.filter(slug=wanted).exclude(pk=article.pk).exists():
            return wanted
        if wanted:
            self.report.note("slug already used by another article; a number was added", label)
        if article.pk and article.slug and not wanted:
            return article.slug
        return unique_slug(Article, wanted or title, exclude_pk=article.pk)

    # ---------------------------------------------------------------- images

    def _inline_image(self, src: str, label: str) -> str:
        relative = self._uploads_path(src)
        if relative is None:
            return src
        if self.media_root is None:
            self.report.note("inline images left as external links (no --media-dir)", src)
            return src
        stored = self._store_media(relative, label)
        return default_storage.url(stored) if stored else src

    def _hero(self, item: Item, label: str) -> tuple[str, str] | None:
        """(stored name, alt text) of the featured image, when it can be imported."""
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail:
            return None
        attachment = self.scan.attachments.get(thumbnail)
        if attachment is None:
            self.report.note("featured image not in the export (attachment missing)", label)
            return None
        relative = self._uploads_path(attachment.url)
        if self.media_root is None or relative is None:
            self.report.note("featured images not imported (no --media-dir, or not under wp-content/uploads)", label)
            return None
        stored = self._store_media(relative, label)
        if not stored:
            return None
        alt = short_text(attachment.alt) or short_text(attachment.title) or short_text(item.title)
        return stored, alt[:ALT_MAX_LENGTH]

    @staticmethod
    def _uploads_path(url: str) -> str | None:
        path = unquote(urlsplit(url).path)
        if UPLOADS_MARKER not in path:
            return None
        return path.split(UPLOADS_MARKER, 1)[1]

    def _store_media(self, relative: str, label: str) -> str | None:
        """Validate and re-encode a file from --media-dir and store it once; its stored name, or None."""
        if relative in self.media:
            return self.media[relative]
        self.media[relative] = stored = self._load_media(relative, label)
        return stored

    def _load_media(self, relative: str, label: str) -> str | None:
        parts = PurePosixPath(relative).parts
        candidate = (self.media_root / relative).resolve()
        if ".." in parts or relative.startswith("/") or not candidate.is_relative_to(self.media_root):
            self.report.note("image paths refused (outside --media-dir)", relative)
            return None
        if len(relative) > 500:
            self.report.note("image paths refused (too long)", relative[:80])
            return None
        mapping = self._mapping(Kind.MEDIA, relative)
        if mapping and default_storage.exists(mapping.stored_name):
            self._count("images", "unchanged")
            return mapping.stored_name
        if not candidate.is_file():
            self.report.note("images missing from --media-dir (left as they were)", relative)
            return None
        try:
            with candidate.open("rb") as handle:
                cleaned = clean_image(File(handle, name=candidate.name))
        except (ImageRejected, OSError) as error:
            self.report.note("images rejected (left as they were)", f"{relative}: {error}")
            return None
        if self.dry_run:
            self._count("images", "created")
            return None
        stored = default_storage.save(f"{IMPORTED_MEDIA_FOLDER}/{cleaned.name}", cleaned)
        ImportedItem.objects.update_or_create(
            site=self.site, kind=Kind.MEDIA, wp_key=relative, defaults={"stored_name": stored}
        )
        self._count("images", "created")
        return stored

    # ---------------------------------------------------------------- authors and topics

    def _user(self, login: str):
        login = login.strip() or "wordpress"
        if login in self.users:
            return self.users[login]
        if login in self.authors_mapped:
            self.users[login] = user = self.authors_mapped[login]
            return user
        info = self.reader.authors.get(login) or Author(login=login)
        mapping = ImportedItem.objects.filter(site=self.site, kind=Kind.AUTHOR, wp_key=login[:500])
        mapping = mapping.select_related("user").first()
        wanted = {
            "email": info.email if _valid_email(info.email) else "",
            "first_name": info.first_name[:150],
            "last_name": info.last_name[:150],
        }
        if mapping:
            user = mapping.user
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            if changed:
                for name in changed:
                    setattr(user, name, wanted[name])
                user.save(update_fields=changed)
            self._count("authors", "updated" if changed else "unchanged")
        else:
            user = User(username=self._free_username(login), is_active=False, **wanted)
            user.set_unusable_password()
            user.save()
            display = info.display_name or f"{info.first_name} {info.last_name}".strip() or login
            ContributorProfile.objects.create(user=user, display_name=display[:120])
            ImportedItem.objects.create(site=self.site, kind=Kind.AUTHOR, wp_key=login[:500], user=user)
            self._count("authors", "created", "inactive, no usable password")
        self.users[login] = user
        return user

    def _free_username(self, login: str) -> str:
        base = USERNAME_INVALID_RE.sub("-", login)[:140] or "wordpress"
        username, n = base, 1
        while User.objects.filter(username__iexact=username).exists():
            username = f"wp-{base}" if n == 1 else f"wp-{base}-{n}"
            n += 1
        if username != base:
            self.report.note("author logins already taken here; imported as wp-…", f"{login} → {username}")
        return username

    def _topics(self, article: Article, item: Item) -> None:
        wanted = {topic.pk: topic for topic in map(self._topic, item.categories) if topic is not None}
        current = set(article.topics.values_list("pk", flat=True))
        if current != set(wanted):
            article.topics.set(wanted.values())

    def _topic(self, category: Category) -> Topic | None:
        nicename = unquote(category.nicename).strip()
        known = self.reader.categories.get(category.nicename)
        name = html.unescape((known.name if known else category.name) or nicename).strip()[:80]
        key = nicename or name
        if key in self.topics:
            return self.topics[key]
        if key.lower() in {"uncategorized", "uncategorised"}:
            self.report.note("“Uncategorized” category not made a topic")
            self.topics[key] = None
            return None
        mapping = self._mapping(Kind.TERM, key[:500])
        topic = mapping.topic if mapping else None
        if topic is not None:
            self._count("topics", "unchanged")
        slug = readable_slug(nicename or name)
        if topic is None:
            topic = Topic.objects.filter(slug=slug).first() or Topic.objects.filter(name__iexact=name).first()
            if topic is None:
                topic = Topic.objects.create(name=name, slug=slug or unique_slug(Topic, name, fallback="topic"))
                self._count("topics", "created")
            else:
                self._count("topics", "unchanged")
            ImportedItem.objects.create(site=self.site, kind=Kind.TERM, wp_key=key[:500], topic=topic)
        self.topics[key] = topic
        return topic

    # ---------------------------------------------------------------- comments

    def _comments(self, article: Article, item: Item) -> None:
        comments = [c for c in item.comments if c.wp_id]
        known = {
            mapping.wp_key: mapping
            for mapping in ImportedItem.objects.filter(
                site=self.site, kind=Kind.COMMENT, wp_key__in=[c.wp_id for c in comments]
            ).select_related("comment")
        }
        anchors: dict[str, Comment | None] = {}  # where replies to this WordPress comment attach
        pending: list[Comment] = []  # new comments, inserted a generation at a time
        new_mappings: list[ImportedItem] = []

        def insert_pending() -> None:
            Comment.objects.bulk_create(pending)
            ImportedItem.objects.bulk_create(new_mappings)  # their comment ids come from the objects just saved
            pending.clear()
            new_mappings.clear()

        for wp in by_generation(comments):
            parent = anchors.get(wp.parent) if wp.parent != "0" else None
            if parent is not None and parent.pk is None:
                insert_pending()  # a reply needs its parent's id
            reason = self._comment_skip_reason(wp)
            if reason:
                self.report.skip(reason, f"comment {wp.wp_id}")
                anchors[wp.wp_id] = parent
                continue
            mapping = known.get(wp.wp_id)
            source = fingerprint(wp, parent.pk if parent else None)
            if mapping and mapping.source_hash == source:
                anchors[wp.wp_id] = mapping.comment
                self._count("comments", "unchanged", mapping.comment.status)
                continue
            wanted = self._comment_fields(wp, article)
            if wanted is None:
                anchors[wp.wp_id] = parent
                continue
            comment = mapping.comment if mapping else Comment(article=article)
            before = {name: getattr(comment, name) for name in [*wanted, "parent_id", "root_id", "depth"]}
            for name, value in wanted.items():
                setattr(comment, name, value)
            comment.attach_to(parent)
            after = {name: getattr(comment, name) for name in before}
            if mapping is None:
                pending.append(comment)
                new_mappings.append(
                    ImportedItem(
                        site=self.site, kind=Kind.COMMENT, wp_key=wp.wp_id, comment=comment, source_hash=source
                    )
                )
                self._count("comments", "created", comment.status)
            else:
                if before != after:
                    comment.save()
                self._count("comments", "updated" if before != after else "unchanged", comment.status)
                mapping.source_hash = source
                mapping.save(update_fields=["source_hash"])
            anchors[wp.wp_id] = comment
        insert_pending()

    @staticmethod
    def _comment_skip_reason(wp: WpComment) -> str:
        if wp.type not in COMMENT_TYPES:
            return f"comment type “{wp.type}” (pingbacks and trackbacks are not comments)"
        if wp.approved == "trash":
            return "comment in the trash"
        if wp.approved not in COMMENT_STATUSES:
            return f"comment status “{wp.approved or 'none'}”"
        return ""

    def _comment_fields(self, wp: WpComment, article: Article) -> dict | None:
        body = comment_text(wp.content)
        if not body:
            self.report.skip("empty comment", f"comment {wp.wp_id}")
            return None
        if len(body) > BODY_MAX_LENGTH:
            body = body[: BODY_MAX_LENGTH - 1].rstrip() + "…"
            self.report.note(f"comments longer than {BODY_MAX_LENGTH} characters shortened", f"comment {wp.wp_id}")
        status = COMMENT_STATUSES[wp.approved]
        created_at = parse_gmt(wp.date_gmt) or article.published_at or article.created_at
        email = normalise_email(clean_text(wp.email))
        if email and not _valid_email(email):
            self.report.note("comment emails that are not valid addresses dropped", f"comment {wp.wp_id}")
            email = ""
        return {
            "name": clean_text(html.unescape(wp.author)).strip()[:NAME_MAX_LENGTH] or "Anonymous",
            "email": email,
            "body": body,
            "status": status,
            "reason": f"imported from WordPress ({status.label.lower()})",
            "address_hash": address_hash(client_network(wp.ip)) if wp.ip else "",
            "created_at": created_at,
            "approved_at": created_at if status == Comment.Status.APPROVED else None,
        }

    # ---------------------------------------------------------------- ratings and redirects

    def _rating(self, article: Article, item: Item, label: str) -> None:
        figures = imported_rating(item.meta, self.report, label)
        if figures is None:
            return
        count, total = figures
        summary, created = RatingSummary.objects.get_or_create(
            article=article, defaults={"imported_count": count, "imported_total": total}
        )
        if created:
            self._count("ratings", "created")
        elif (summary.imported_count, summary.imported_total) != figures:
            summary.imported_count, summary.imported_total = figures
            summary.save(update_fields=["imported_count", "imported_total"])
            self._count("ratings", "updated")
        else:
            self._count("ratings", "unchanged")

    def _redirects(self, article: Article, item: Item) -> None:
        paths = old_paths(
            item,
            site_url=self.reader.site_url,
            slug=unquote(item.post_name),
            published=article.status == Article.Status.PUBLISHED,
        )
        paths = [path for path in paths if path != article.get_absolute_url()]
        existing = dict(Redirect.objects.filter(old_path__in=paths).values_list("old_path", "article_id"))
        new = []
        for path in paths:
            if path not in existing:
                new.append(Redirect(old_path=path, article=article, note="imported from WordPress"))
            elif existing[path] == article.pk:
                self._count("redirects", "unchanged")
            else:
                self.report.note("old addresses already redirecting to another article (kept)", path)
        Redirect.objects.bulk_create(new)
        self.report.outcomes[("redirects", "created")] += len(new)


def _valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def import_export(
    *,
    path: Path,
    media_dir: Path | None = None,
    author_map: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a WXR file; the whole file is read once (and checked) before anything is written.

    Raises wxr.ExportError for an unreadable or unsafe export and ValueError for a bad author map.
    """
    if media_dir is not None and not media_dir.is_dir():
        raise ValueError(f"--media-dir {media_dir} is not a folder.")
    authors_mapped = resolve_author_map(author_map or {})
    try:
        scan = scan_export(path)
    except ExportError as error:
        raise ExportError(f"{error} Nothing was imported.") from None
    report = ImportReport(posts_total=scan.posts, comments_total=scan.comments, dry_run=dry_run)
    importer = _Importer(
        path=path,
        scan=scan,
        media_dir=media_dir,
        authors_mapped=authors_mapped,
        dry_run=dry_run,
        report=report,
        progress=progress,
    )
    try:
        if dry_run:
            with transaction.atomic():
                importer.run()
                transaction.set_rollback(True)
        else:
            importer.run()
    except ExportError as error:
        kept = (
            "Nothing was written (dry run)."
            if dry_run
            else (f"The {report.posts_done} posts before it stay imported; the post being read was not written.")
        )
        raise ExportError(f"{error} {kept}") from None
    return report
