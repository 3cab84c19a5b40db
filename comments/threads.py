"""Threads on an article: which comments a reader sees, on which page, nested how.

Pages hold whole threads (a top-level comment and its replies), filled up to
COMMENTS_PER_PAGE comments; a thread longer than that gets a page to itself.
Everything is fetched in two queries, however many comments there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .models import Comment


@dataclass
class Node:
    """A comment as its thread shows it: its replies, and the values its template prints, worked out here."""

    comment: Comment
    children: list["Node"] = field(default_factory=list)
    permalink: str = ""
    report_url: str = ""
    reply_query: str = ""  # "?cpage=2&replyto=17": the reply form under this comment without JavaScript
    classes: str = "comment"
    posted_iso: str = ""  # for <time datetime>
    posted: str = ""  # as readers read it, e.g. "3 Dec 2026, 14:05"


# What a thread shows of each comment (and what places it): the rest (email, address hash…) stays in the table.
SHOWN_FIELDS = (
    "article",
    "parent",
    "root",
    "depth",
    "name",
    "is_staff_reply",
    "body",
    "status",
    "reason",
    "created_at",
)
_PK = 987654321  # a stand-in number no address part holds, replaced by each comment's own


@dataclass
class CommentPage:
    number: int
    num_pages: int
    approved_count: int
    nodes: list[Node]

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)


def split_into_pages(thread_sizes: list[tuple[int, int]], per_page: int) -> list[list[int]]:
    """Group (root id, size) threads into pages of at most `per_page` comments (one oversized thread alone)."""
    pages: list[list[int]] = [[]]
    filled = 0
    for root_id, size in thread_sizes:
        if pages[-1] and filled + size > per_page:
            pages.append([])
            filled = 0
        pages[-1].append(root_id)
        filled += size
    return pages


def _layout(*, article: Article, own_ids) -> tuple[list[list[int]], int, dict[int, int]]:
    """Pages of root ids, the approved count, and each visible comment's root (one query of ids)."""
    rows = list(
        Comment.objects.on(article)
        .visible_to(own_ids)
        .order_by("created_at", "pk")
        .values_list("pk", "root_id", "status")
    )
    sizes: dict[int, int] = {}
    root_of: dict[int, int] = {}
    for pk, root_id, _ in rows:
        root = root_id or pk
        root_of[pk] = root
        sizes[root] = sizes.get(root, 0) + 1
    approved = sum(1 for *_, status in rows if status == Comment.Status.APPROVED)
    total = len(rows)
    per_page = settings.COMMENTS_PER_PAGE
    threads = [(pk, sizes[pk]) for pk, root_id, _ in rows if root_id is None]
    pages = [[root for root, _ in threads]] if total <= per_page else split_into_pages(threads, per_page)
    return pages, approved, root_of


def page_number_of(*, comment: Comment, own_ids) -> int | None:
    """Which page of its article shows `comment` to this reader (None if they cannot see it)."""
    pages, _, root_of = _layout(article=comment.article, own_ids=own_ids)
    root = root_of.get(comment.pk)
    if root is None:
        return None
    for number, roots in enumerate(pages, start=1):
        if root in roots:
            return number
    return None


def comment_page(*, article: Article, own_ids, page: str | int | None) -> CommentPage:
    """The threads on one page, nested, oldest first; replies to comments the reader cannot see are left out."""
    pages, approved, _ = _layout(article=article, own_ids=own_ids)
    try:
        number = min(max(int(page or 1), 1), len(pages))
    except (TypeError, ValueError):
        number = 1
    roots = pages[number - 1]
    visible = Comment.objects.on(article).visible_to(own_ids).order_by("created_at", "pk").only(*SHOWN_FIELDS)
    if len(pages) > 1:
        visible = visible.filter(Q(pk__in=roots) | Q(root_id__in=roots))
    comments = list(visible)
    # Each address is reversed once per page, not once per comment (50 comments: 100 reversals).
    permalink = reverse("comments:permalink", kwargs={"pk": _PK}).replace(str(_PK), "{}")
    report_url = reverse("comments:report", kwargs={"pk": _PK}).replace(str(_PK), "{}")
    on_page = f"cpage={number}&" if number > 1 else ""
    nodes = {}
    for c in comments:
        posted = timezone.localtime(c.created_at)
        nodes[c.pk] = Node(
            c,
            permalink=permalink.format(c.pk),
            report_url=report_url.format(c.pk),
            reply_query=f"?{on_page}replyto={c.pk}",
            classes=" ".join(
                [
                    "comment",
                    *(["comment-staff"] if c.is_staff_reply else []),
                    *([] if c.is_approved else ["comment-pending"]),
                ]
            ),
            posted_iso=f"{posted:%Y-%m-%dT%H:%M%z}",
            posted=f"{posted.day} {posted:%b %Y, %H:%M}",
        )
    children = defaultdict(list)
    top = []
    for c in comments:
        if c.parent_id is None:
            top.append(nodes[c.pk])
        else:
            children[c.parent_id].append(nodes[c.pk])
    for pk, node in nodes.items():
        node.children = children.get(pk, [])
    return CommentPage(number=number, num_pages=len(pages), approved_count=approved, nodes=top)
