"""Content checks: what an editor should fix before a health article reaches readers.

`check_article(article)` runs every check in `CHECKS` and returns `Finding`s.
Errors block publishing; warnings are advice and never block; notes ("info")
record what was decided, such as a claim a medical reviewer accepted. The checks
only read: the article, its references and topics (callers prefetch them), its
accepted claims, and for internal links the slugs of other articles.

`refresh_checks(article)` runs them and stores the findings on the article:
the admin's list column and filter, its change page and `check_content` all
show those stored findings, so they always agree. Every save, import and
workflow step refreshes them; `check_content` refreshes every article it
checks (run it after changing the checks or their settings).

The body is read the way readers get it: rendered by the site's own Markdown
pipeline, then split into headings, prose sentences (paragraphs, list items,
table rows; sentencex finds the sentence ends) and links and images. Code
blocks never count as prose. Claims are found by what a sentence does
(`articles.claims`), not by its digits.

Every threshold and word list can be changed in settings (`ARTICLE_CHECKS_*`,
see `CheckSettings`); nothing has to be set.
"""

import datetime
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import textstat
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from sentencex import segment

from . import claims
from .markdown import WORD_RE, render_markdown
from .models import Article, ArticleEvent, ContributorProfile, Reference, Topic

ERROR = "error"
WARNING = "warning"
INFO = "info"

# Who may let an article with this error be published anyway: nobody for the publishing standards, only a
# medical reviewer (by accepting the sentence, with a reason) for dangerous claims and contradictions, and an
# editor holding "publish without review" (with a reason) for the rest.
NOBODY, MEDICAL_REVIEWER, EDITOR = "nobody", "medical reviewer", "editor"
STANDARD_PREFIX = "standard-"
REVIEWER_CODES = frozenset({"dangerous-claim", "contradiction"})


@dataclass(frozen=True)
class Finding:
    """One thing to fix: `severity` is "error" (blocks publishing), "warning" (advice) or "info" (a note)."""

    severity: str
    code: str
    message: str
    excerpt: str = ""  # what it is about: a sentence (whole), a heading, a link, an image, a reference's title
    figures: Mapping[str, object] = field(default_factory=dict, compare=False)
    is_sentence: bool = False  # the excerpt is a whole sentence of the text
    other_sentence: str = ""  # for a contradiction: the sentence that says the opposite

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    @property
    def overridable_by(self) -> str:
        """Who may let the article be published with this error."""
        if self.code.startswith(STANDARD_PREFIX):
            return NOBODY
        return MEDICAL_REVIEWER if self.code in REVIEWER_CODES else EDITOR

    @property
    def key(self) -> str:
        """Identifies the sentence(s) a dangerous claim or contradiction is about, for a reviewer's acceptance."""
        return finding_key(self.code, self.excerpt, self.other_sentence)

    def as_dict(self) -> dict:
        """The finding for JSON output and storage: `sentence` is the whole sentence when it is about one."""
        data = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "sentence": self.excerpt if self.is_sentence else None,
            "excerpt": self.excerpt,
        }
        if self.other_sentence:
            data["other_sentence"] = self.other_sentence
        if self.figures:
            data["figures"] = json.loads(json.dumps(dict(self.figures), default=str))
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "Finding":
        return cls(
            severity=data["severity"],
            code=data["code"],
            message=data["message"],
            excerpt=data.get("excerpt") or "",
            figures=data.get("figures") or {},
            is_sentence=data.get("sentence") is not None,
            other_sentence=data.get("other_sentence", ""),
        )


def finding_key(code: str, sentence: str, other_sentence: str = "") -> str:
    normal = " ".join(sorted(" ".join(text.split()) for text in (sentence, other_sentence) if text))
    return hashlib.sha256(f"{code}\x1f{normal}".encode()).hexdigest()


# ------------------------------------------------------------------ settings

# Extra words and phrases that make a sentence a claim, on top of what articles.claims recognises.
DEFAULT_CLAIM_WORDS = ()
DEFAULT_MARKETING_PHRASES = (
    "resounding yes", "100% safe", "completely safe", "totally safe", "perfectly safe", "entirely safe",
    "no side effects", "without any side effects", "free of side effects", "miracle", "guaranteed", "guarantee",
    "risk-free", "risk free", "100% effective", "works for everyone", "revolutionary", "breakthrough", "cure-all",
    "instant relief", "amazing", "secret",
)  # fmt: skip
# A keyword matches the start of a word in the title or a topic name: "tablet" also matches "tablets".
DEFAULT_TREATMENT_KEYWORDS = (
    "treatment", "botox", "medicine", "injection", "tablet", "drug", "therapy", "therapies",
    "surgery", "procedure",
)  # fmt: skip
# Section name -> regular expression searched (case-insensitively) in the text of every heading.
DEFAULT_REQUIRED_SECTIONS = {
    "When to get medical help": (
        r"\bwhen to (get|seek|see|call|contact|ask)\b|\b(get|getting|seek|seeking)\b.*\b(help|advice|attention)\b"
        r"|\burgent|\bemergenc|\b(see|call|contact) (a|your) (doctor|gp|nurse|pharmacist|specialist)\b"
        r"|\b(call|dial) \d{3}\b|\ba&e\b"
    ),
    "Side effects": r"\bside[- ]effects?\b|\badverse effects?\b|\brisks?\b|\bcomplications?\b",
}


@dataclass(frozen=True)
class CheckSettings:
    """Thresholds and word lists, from `ARTICLE_CHECKS_*` settings with the defaults below."""

    max_grade: float = 8.0
    max_sentence_words: int = 25
    max_passive_share: float = 0.20
    max_title_length: int = 70
    max_summary_length: int = 160
    claim_words: Sequence[str] = DEFAULT_CLAIM_WORDS
    marketing_phrases: Sequence[str] = DEFAULT_MARKETING_PHRASES
    treatment_keywords: Sequence[str] = DEFAULT_TREATMENT_KEYWORDS
    treatment_topics: Sequence[str] = ()
    required_sections: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_REQUIRED_SECTIONS))
    ignore: Sequence[str] = ()

    @classmethod
    def from_settings(cls) -> "CheckSettings":
        defaults = cls()
        return cls(
            **{
                name: getattr(settings, f"ARTICLE_CHECKS_{name.upper()}", getattr(defaults, name))
                for name in cls.__dataclass_fields__
            }
        )


# ------------------------------------------------------------------ reading the body

CITE_OPEN, CITE_CLOSE = "\ue000", "\ue001"  # a rendered citation [n] in extracted text, told apart from a literal one
LINKED_CITATION_RE = re.compile(rf"{CITE_OPEN}(\d+){CITE_CLOSE}")
LITERAL_CITATION_RE = re.compile(r"\[(\d{1,3})\]")
BLOCK_TAGS = {"p", "li", "dt", "dd", "blockquote", "figcaption", "caption", "div", "tr"}
CONTAINER_TAGS = {"ul", "ol", "dl", "table"}
HEADING_TAGS = {"h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# sentencex takes some everyday words for abbreviations of US states ("… for me. Sumatriptan …", "… him ill. I …")
# and keeps the sentences together; a full stop before a capital letter still ends a sentence unless it ends one
# of these abbreviations.
ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "e.g", "i.e", "eg", "ie", "vs", "approx", "fig", "no", "st", "ca"}
SENTENCE_END_RE = re.compile(rf"[.!?]+[\"”’')\]]*(?:\s*{CITE_OPEN}\d+{CITE_CLOSE})*(?=\s+[\"“‘(]?[A-Z{CITE_OPEN}])")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Sentence:
    text: str  # citations shown as [n]
    words: int
    citations: tuple[int, ...] = ()  # every [n] in it, linked or not
    in_table: int | None = None  # which table (0, 1, …) a table row belongs to
    supported: bool = False  # a list item under a cited introduction, or an introduction to cited items

    @property
    def is_cited(self) -> bool:
        return bool(self.citations) or self.supported

    @property
    def is_question(self) -> bool:
        return bool(re.search(r"\?[\"”’')]*$", self.plain))

    @property
    def plain(self) -> str:
        """The sentence without its citation markers, for looking at the words."""
        return re.sub(r"\s*\[\d{1,3}\]", "", self.text)


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: Mapping[str, str]


@dataclass
class Block:
    text: str
    table: int | None = None  # which table (0, 1, …) a row belongs to
    intro: int | None = None  # for list items and table rows: the block just before their list or table


class BodyReader(HTMLParser):
    """Collect headings, blocks of text, links and images from the sanitised HTML of a body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings: list[Heading] = []
        self.blocks: list[Block] = []
        self.links: list[Element] = []
        self.images: list[Element] = []
        self._buffer: list[str] = []
        self._heading: tuple[int, list[str]] | None = None
        self._in_code = 0
        self._in_citation = False
        self._containers: list[tuple[int | None, int | None]] = []  # open lists and tables: (intro, table number)
        self._previous: int | None = None  # the block just read, unless a heading came after it
        self._tables = 0

    def flush(self):
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            intro, _ = self._containers[-1] if self._containers else (None, None)
            table = next((number for _, number in reversed(self._containers) if number is not None), None)
            self.blocks.append(Block(text, table, intro))
            self._previous = len(self.blocks) - 1

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag in ("pre", "code"):
            self._in_code += 1
        elif tag in HEADING_TAGS:
            self.flush()
            self._heading = (HEADING_TAGS[tag], [])
        elif tag in CONTAINER_TAGS:
            self.flush()
            table = None
            if tag == "table":
                table, self._tables = self._tables, self._tables + 1
            self._containers.append((self._previous, table))
        elif tag in BLOCK_TAGS:
            self.flush()
        elif tag in ("td", "th", "br"):
            self._buffer.append(" ")
        elif tag == "sup" and "cite" in attributes.get("class", "").split():
            self._in_citation = True
        elif tag == "a":
            self.links.append(Element(tag, attributes))
        elif tag == "img":
            self.images.append(Element(tag, attributes))

    def handle_endtag(self, tag):
        if tag in ("pre", "code"):
            self._in_code = max(0, self._in_code - 1)
        elif tag in HEADING_TAGS and self._heading:
            level, parts = self._heading
            self.headings.append(Heading(level, " ".join("".join(parts).split())))
            self._heading = None
            self._previous = None
        elif tag in CONTAINER_TAGS:
            self.flush()
            if self._containers:
                self._containers.pop()
        elif tag in BLOCK_TAGS:
            self.flush()
        elif tag == "sup":
            self._in_citation = False

    def handle_data(self, data):
        if self._heading:
            self._heading[1].append(data)
        elif self._in_code:
            return
        elif self._in_citation:
            number = data.strip().strip("[]")
            if number.isdigit():
                self._buffer.append(f"{CITE_OPEN}{number}{CITE_CLOSE}")
        else:
            self._buffer.append(data)


def split_at_full_stops(text: str) -> list[str]:
    """Split where a full stop (not one ending an abbreviation or an initial) comes before a capital letter."""
    parts, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        before = text[start : match.start()].split()
        if match.group() == "." and before and (before[-1].lower() in ABBREVIATIONS or len(before[-1]) == 1):
            continue  # "Dr. Okafor", "e.g. Botox", "J. Smith"
        parts.append(text[start : match.end()])
        start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part.strip()]


def split_sentences(text: str) -> list[str]:
    """Split a block of prose into sentences (sentencex); a citation after the full stop stays with its sentence."""
    sentences: list[str] = []
    for part in (piece for found in segment("en", text) for piece in split_at_full_stops(found)):
        part = part.strip()
        markers = re.match(rf"(?:\s*{CITE_OPEN}\d+{CITE_CLOSE})+", part)
        if markers and sentences:  # "It works.[1] Next …" splits before the marker
            sentences[-1] += markers.group()
            part = part[markers.end() :].strip()
        if part and sentences and not re.search(r"\w", part):
            sentences[-1] += part  # a stray closing bracket or quote
        elif part:
            sentences.append(part)
    return sentences


def citations_in(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in LITERAL_CITATION_RE.findall(LINKED_CITATION_RE.sub(r"[\1]", text)))


@dataclass(frozen=True)
class Body:
    headings: list[Heading]
    sentences: list[Sentence]
    links: list[Element]
    images: list[Element]
    unlinked_citations: list[tuple[int, str]]  # [n] typed in the text that did not become a link, with its sentence

    @property
    def prose(self) -> list[Sentence]:
        """Sentences of running text: what reading statistics are about (table rows are not)."""
        return [sentence for sentence in self.sentences if sentence.in_table is None]


def read_body(markdown_text: str) -> Body:
    """Render the Markdown as the site does and take it apart for the checks.

    A list or table takes its evidence from the sentence that introduces it
    ("You may have chronic migraine if [1]:" covers the items below it), and
    an introduction ending in a colon is covered by cited items.
    """
    reader = BodyReader()
    reader.feed(render_markdown(markdown_text).html)
    reader.close()
    reader.flush()
    parts = [[block.text] if block.table is not None else split_sentences(block.text) for block in reader.blocks]
    cited_block = [bool(citations_in(block_parts[-1])) for block_parts in parts]  # by its last sentence
    supported = [False] * len(parts)
    for index, block in enumerate(reader.blocks):
        if block.intro is not None and (cited_block[block.intro] or supported[block.intro]):
            supported[index] = True
    for index, block in enumerate(reader.blocks):
        introduced = block.intro is not None and parts[block.intro][-1].endswith(":")
        if introduced and any(citations_in(text) for text in parts[index]):
            supported[block.intro] = True

    sentences, unlinked = [], []
    for index, block in enumerate(reader.blocks):
        for position, text in enumerate(parts[index]):
            shown = LINKED_CITATION_RE.sub(r"[\1]", text)
            plain = re.sub(r"\s*\[\d{1,3}\]", "", shown)
            sentence = Sentence(
                text=shown,
                words=len(WORD_RE.findall(plain)),
                citations=citations_in(text),
                in_table=block.table,
                # Support reaches an introduction's last sentence, and every sentence of an item.
                supported=supported[index] and (block.intro is not None or position == len(parts[index]) - 1),
            )
            sentences.append(sentence)
            unlinked.extend((int(n), shown) for n in LITERAL_CITATION_RE.findall(LINKED_CITATION_RE.sub("", text)))
    return Body(reader.headings, sentences, reader.links, reader.images, unlinked)


# ------------------------------------------------------------------ what the checks look at


@dataclass
class Context:
    """An article as the checks see it, with what they share worked out once."""

    article: Article
    references: list[Reference]
    topics: list[Topic]
    config: CheckSettings
    today: datetime.date
    accepted: Mapping[str, ArticleEvent] = field(default_factory=dict)  # finding key -> the reviewer's acceptance

    @cached_property
    def body(self) -> Body:
        return read_body(self.article.body or "")

    @cached_property
    def is_treatment_article(self) -> bool:
        return is_treatment_article(title=self.article.title, topics=self.topics, config=self.config)

    @cached_property
    def listed(self) -> frozenset[int]:
        return frozenset(reference.position for reference in self.references)

    def is_supported(self, sentence: "Sentence") -> bool:
        """Cited with a number that resolves to a listed reference (or a list under a cited introduction)."""
        return sentence.supported or bool(set(sentence.citations) & self.listed)


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern:
    """Whole words and phrases; quotes, emphasis or extra spaces between the words do not hide them."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = [re.escape(word) for word in re.split(r"[\s-]+", phrase.strip()) if word]
        alternatives.append(r"[\s\"“”‘’'*_,.-]+".join(words))
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def is_treatment_article(*, title: str, topics: Iterable, config: CheckSettings) -> bool:
    """A treatment article has a treatment topic, or a treatment keyword starting a word of its title or topics."""
    topics = list(topics)
    if any(topic.slug in config.treatment_topics for topic in topics):
        return True
    if not config.treatment_keywords:
        return False
    keywords = re.compile(rf"\b(?:{'|'.join(map(re.escape, config.treatment_keywords))})", re.IGNORECASE)
    return any(keywords.search(text) for text in [title, *(topic.name for topic in topics)])


# ------------------------------------------------------------------ claims and language

DANGER_ADVICE = {
    "dosing": "Wrong dosing advice can hurt readers who follow it. Cite the source of this instruction (the "
    "medicine's leaflet, the BNF or a guideline) with its number, e.g. [1], or point readers to the leaflet and "
    "their pharmacist instead of giving instructions of your own.",
    "safety": "Readers may take a medicine they should not, or avoid one they need. Cite the source (the leaflet, "
    "the BNF or a guideline) with its number, e.g. [1], and say who it applies to and what the risks are.",
    "efficacy": "No treatment should be promised as a cure without the evidence beside it. Cite the source with its "
    "number, e.g. [1], and say what it does for whom.",
}
DANGER_ADVICE_DEFAULT = (
    "A reader acting on it could come to harm. Cite the source with its number, e.g. [1], and say who it applies to."
)


def quote(sentence: str, length: int = 70) -> str:
    text = " ".join(sentence.split())
    return f"“{text if len(text) <= length else text[: length - 1].rstrip() + '…'}”"


# Which kind a warning leads with when a sentence makes several claims: the most telling first.
KIND_ORDER = ["hedged", "testimonial", "authority", "guarantee", "comparison", "causation", "statistic", "dosing",
              "safety", "efficacy"]  # fmt: skip


def as_written(cue: str, sentence: str) -> str:
    """The cue as the sentence writes it (claims are found in lower case)."""
    match = re.search(r"\W+".join(map(re.escape, cue.split())), sentence, re.IGNORECASE)
    return match.group() if match else cue


def claim_finding(ctx: Context, sentence: str, found: list[claims.Claim], *, table: bool = False) -> Finding:
    """A dangerous claim (error, a medical reviewer may accept it) or an unsupported one (warning)."""
    found = sorted(found, key=lambda claim: (not claim.dangerous, KIND_ORDER.index(claim.kind)))
    found = [replace(claim, cue=as_written(claim.cue, sentence)) for claim in found]
    kinds = list(dict.fromkeys(claim.kind for claim in found))
    figures = {"kinds": tuple(kinds), "cues": tuple(dict.fromkeys(claim.cue for claim in found))}
    where = "A table row" if table else quote(sentence)
    dangerous = next((claim for claim in found if claim.dangerous), None)
    if dangerous:
        key = finding_key("dangerous-claim", sentence)
        message = (
            f"{where} {dangerous.why} (“{dangerous.cue}”) without a source: a dangerous claim. "
            f"{DANGER_ADVICE.get(dangerous.kind, DANGER_ADVICE_DEFAULT)} Only a medical reviewer can accept it "
            "as it is, with a reason."
        )
        if acceptance := ctx.accepted.get(key):
            who = acceptance.actor.get_full_name() or acceptance.actor.get_username() if acceptance.actor else "?"
            return Finding(
                INFO,
                "dangerous-claim-accepted",
                f"{where} {dangerous.why}; accepted by the medical reviewer {who} on "
                f"{acceptance.created_at:%-d %B %Y}: {acceptance.note}",
                sentence,
                {**figures, "kind": dangerous.kind},
                is_sentence=True,
            )
        return Finding(ERROR, "dangerous-claim", message, sentence, {**figures, "kind": dangerous.kind}, True)
    shown = ", ".join(claims.KINDS[kind] for kind in kinds)
    first = found[0]
    return Finding(
        WARNING,
        "unsupported-claim",
        f"{where} {first.why} (“{first.cue}”; {shown}) without a source. Add the reference it comes from and cite "
        "it with its number, e.g. [1]; if there is none, say it as a view or a question for a doctor instead.",
        sentence,
        {**figures, "kind": first.kind},
        is_sentence=True,
    )


def claims_in(sentence: "Sentence", extra_words: re.Pattern | None) -> list[claims.Claim]:
    found = claims.find_claims(sentence.plain)
    if not found and extra_words and not sentence.is_question and (match := extra_words.search(sentence.plain)):
        found = [claims.Claim("efficacy", match.group(), "makes a claim")]
    return found


def check_claims(ctx: Context) -> Iterable[Finding]:
    """Claims without a source that resolves: dangerous ones are errors, the rest warnings."""
    extra_words = phrase_pattern(ctx.config.claim_words) if ctx.config.claim_words else None
    tables: dict[int, list[Sentence]] = {}
    for sentence in ctx.body.sentences:
        if sentence.in_table is not None:
            tables.setdefault(sentence.in_table, []).append(sentence)
        elif not ctx.is_supported(sentence) and (found := claims_in(sentence, extra_words)):
            yield claim_finding(ctx, sentence.text, found)
    for rows in tables.values():
        if any(ctx.is_supported(row) for row in rows):
            continue  # one reference for the whole table, in a row, its caption or the sentence before it
        for row in rows:
            if found := claims_in(row, extra_words):
                yield claim_finding(ctx, row.text, found, table=True)
                break


def check_contradictions(ctx: Context) -> Iterable[Finding]:
    """The same thing said to be approved (or safe, or recommended) in one sentence and not in another."""
    said = [
        (sentence, assertion) for sentence in ctx.body.sentences for assertion in claims.find_assertions(sentence.plain)
    ]
    reported = set()
    for index, (first, one) in enumerate(said):
        for second, other in said[index + 1 :]:
            if first is second or (first.text, second.text) in reported or not claims.contradicts(one, other):
                continue
            reported.add((first.text, second.text))
            key = finding_key("contradiction", first.text, second.text)
            if acceptance := ctx.accepted.get(key):
                who = acceptance.actor.get_username() if acceptance.actor else "?"
                yield Finding(
                    INFO,
                    "contradiction-accepted",
                    f"{quote(first.text)} and {quote(second.text)} look contradictory; accepted by the medical "
                    f"reviewer {who} on {acceptance.created_at:%-d %B %Y}: {acceptance.note}",
                    first.text,
                    {"topic": one.topic},
                    is_sentence=True,
                    other_sentence=second.text,
                )
                continue
            yes, no = (first, second) if one.positive else (second, first)
            yield Finding(
                ERROR,
                "contradiction",
                f"The article contradicts itself about what is {one.topic}: {quote(yes.text)} says it is, "
                f"{quote(no.text)} says it is not. Readers cannot tell which is true: correct the wrong one and "
                "cite the source for the right one.",
                first.text,
                {"topic": one.topic},
                is_sentence=True,
                other_sentence=second.text,
            )


def check_marketing_language(ctx: Context) -> Iterable[Finding]:
    if not ctx.config.marketing_phrases:
        return
    pattern = phrase_pattern(ctx.config.marketing_phrases)
    texts = [(text, text) for text in (ctx.article.title, ctx.article.summary or "")]
    texts += [(heading.text, heading.text) for heading in ctx.body.headings]
    texts += [(sentence.plain, sentence.text) for sentence in ctx.body.sentences]
    for words, text in texts:
        found = list(dict.fromkeys(match.group() for match in pattern.finditer(words)))
        if found:
            shown = ", ".join(f"“{phrase}”" for phrase in found)
            yield Finding(
                WARNING,
                "marketing-language",
                f"Promotional or absolute wording ({shown}). Health information should be plain and balanced: "
                "say what the evidence shows and for whom.",
                text,
                {"phrases": tuple(found)},
            )


# ------------------------------------------------------------------ references


def check_reference_numbers(ctx: Context) -> Iterable[Finding]:
    listed = {reference.position: reference for reference in ctx.references}
    first_use: dict[int, str] = {}
    for sentence in ctx.body.sentences:
        for number in sentence.citations:
            first_use.setdefault(number, sentence.text)
    for number, excerpt in sorted(first_use.items()):
        if number not in listed:
            yield Finding(
                ERROR,
                "reference-not-listed",
                f"The text cites [{number}] but there is no reference {number}. Add it to the references, "
                "or correct the number.",
                excerpt,
                {"number": number},
            )
    for number, reference in sorted(listed.items()):
        if number not in first_use:
            yield Finding(
                ERROR,
                "reference-not-cited",
                f"Reference {number} is listed but the text never cites it. Cite it where it supports a "
                f"sentence, e.g. [{number}], or remove it.",
                str(reference.title),
                {"number": number},
            )
    for number, excerpt in ctx.body.unlinked_citations:
        yield Finding(
            WARNING,
            "citation-not-linked",
            f"[{number}] does not become a link to the reference: a bracket or parenthesis right after it makes "
            f"it read as a link label. Write the marker on its own, e.g. [{number}].",
            excerpt,
            {"number": number},
        )


IDENTIFIER_RE = re.compile(r"\bPMID:?\s*\d+|\bdoi\.org/|\b10\.\d{4,9}/", re.IGNORECASE)


def check_reference_links(ctx: Context) -> Iterable[Finding]:
    for reference in ctx.references:
        if reference.url or reference.doi or IDENTIFIER_RE.search(f"{reference.title} {reference.source}"):
            continue
        yield Finding(
            WARNING,
            "reference-without-link",
            f"Reference {reference.position} has neither a URL nor a DOI (or PMID), so readers cannot find it.",
            str(reference.title),
            {"number": reference.position},
        )


# ------------------------------------------------------------------ readability


def flesch_kincaid_grade(sentences: Sequence[Sentence]) -> float:
    """US school grade needed to read the text (textstat's Flesch–Kincaid), over the sentences as we split them."""
    if not sentences or not any(WORD_RE.search(sentence.plain) for sentence in sentences):
        return 0.0
    text = " ".join(
        sentence.plain if re.search(r"[.!?][\"”’')\]]*$", sentence.plain) else f"{sentence.plain}."
        for sentence in sentences
    )
    return float(textstat.flesch_kincaid_grade(text))


BE_FORMS = r"(?:am|is|are|was|were|be|been|being|isn't|aren't|wasn't|weren't)"
IRREGULAR_PARTICIPLES = (
    "given|taken|shown|known|seen|done|made|written|found|told|held|kept|left|put|set|spread|brought|bought|caught|"
    "taught|chosen|driven|eaten|fallen|forgotten|frozen|hidden|paid|sold|sent|spent|built|understood|begun|broken|"
    "worn|drawn|grown|thrown|withdrawn|hurt|cut|felt|meant|led|fed|bitten|bound|lost|met|shut|struck|torn|won|"
    "thought|said|heard|born|sought|stung|swollen"
)
ADJECTIVES_IN_ED = {"tired", "worried", "concerned", "interested", "pleased", "bored", "excited", "scared", "married"}
PASSIVE_RE = re.compile(
    rf"\b{BE_FORMS}\s+(?:not\s+)?(?:\w+ly\s+)?(?P<participle>\w+ed|{IRREGULAR_PARTICIPLES})\b", re.IGNORECASE
)
# Reading statistics say little about a few sentences.
MIN_SENTENCES_FOR_STATISTICS = 5


def is_passive(sentence: Sentence) -> bool:
    for match in PASSIVE_RE.finditer(sentence.plain):
        participle = match.group("participle").lower()
        if participle not in ADJECTIVES_IN_ED and not participle.endswith("eed"):
            return True
    return False


def check_reading_grade(ctx: Context) -> Iterable[Finding]:
    prose = ctx.body.prose
    if len(prose) < MIN_SENTENCES_FOR_STATISTICS:
        return
    grade = flesch_kincaid_grade(prose)
    if grade > ctx.config.max_grade:
        yield Finding(
            WARNING,
            "reading-grade",
            f"Reading grade {grade:.1f} (Flesch–Kincaid) is above the target of {ctx.config.max_grade:g}. "
            "Use shorter sentences and everyday words.",
            "",
            {"grade": round(grade, 1), "target": ctx.config.max_grade},
        )


def check_long_sentences(ctx: Context) -> Iterable[Finding]:
    limit = ctx.config.max_sentence_words
    long = [sentence for sentence in ctx.body.prose if sentence.words > limit]
    if long:
        longest = max(long, key=lambda sentence: sentence.words)
        yield Finding(
            WARNING,
            "long-sentences",
            f"{len(long)} sentence(s) have more than {limit} words; the longest has {longest.words}. "
            "Split them: one idea per sentence.",
            longest.text,
            {"count": len(long), "longest": longest.words, "limit": limit},
        )


def check_passive_voice(ctx: Context) -> Iterable[Finding]:
    prose = ctx.body.prose
    if len(prose) < MIN_SENTENCES_FOR_STATISTICS:
        return
    passive = [sentence for sentence in prose if is_passive(sentence)]
    share = len(passive) / len(prose)
    if share > ctx.config.max_passive_share:
        yield Finding(
            WARNING,
            "passive-voice",
            f"{len(passive)} of {len(prose)} sentences ({share:.0%}) seem to be in the passive voice; the target "
            f"is at most {ctx.config.max_passive_share:.0%}. Say who does what: “your doctor gives the injections”.",
            passive[0].text,
            {"passive": len(passive), "sentences": len(prose), "share": round(share, 2)},
        )


# ------------------------------------------------------------------ structure


def check_summary(ctx: Context) -> Iterable[Finding]:
    summary = (ctx.article.summary or "").strip()
    if not summary:
        yield Finding(
            ERROR,
            "summary-missing",
            "There is no summary. Write one or two plain sentences: lists and search results show them.",
        )
    elif len(summary) > ctx.config.max_summary_length:
        yield Finding(
            WARNING,
            "summary-too-long",
            f"The summary has {len(summary)} characters; search results cut it after about "
            f"{ctx.config.max_summary_length}.",
            summary,
            {"length": len(summary), "limit": ctx.config.max_summary_length},
        )


def check_title(ctx: Context) -> Iterable[Finding]:
    title = ctx.article.title.strip()
    if len(title) > ctx.config.max_title_length:
        yield Finding(
            WARNING,
            "title-too-long",
            f"The title has {len(title)} characters; search results cut it after about {ctx.config.max_title_length}.",
            title,
            {"length": len(title), "limit": ctx.config.max_title_length},
        )


def check_heading_levels(ctx: Context) -> Iterable[Finding]:
    previous = 1  # the page title is the <h1>
    for heading in ctx.body.headings:
        if heading.level > previous + 1:
            yield Finding(
                WARNING,
                "heading-level-skipped",
                f"This heading jumps from level {previous} to level {heading.level}. Screen-reader users navigate "
                f"by headings: use {'#' * (previous + 1)} here.",
                heading.text,
                {"from": previous, "to": heading.level},
            )
        previous = heading.level


def check_image_alt_text(ctx: Context) -> Iterable[Finding]:
    for image in ctx.body.images:
        if not image.attrs.get("alt", "").strip():
            yield Finding(
                ERROR,
                "image-without-alt",
                "An image has no alt text. Describe it between the brackets, e.g. ![Injection sites on the "
                "forehead](…).",
                image.attrs.get("src", ""),
            )
    if ctx.article.hero_image and not (ctx.article.hero_alt or "").strip():
        yield Finding(ERROR, "image-without-alt", "The hero image has no alt text.", str(ctx.article.hero_image))


def check_insecure_links(ctx: Context) -> Iterable[Finding]:
    for link in ctx.body.links:
        href = link.attrs.get("href", "")
        if href.lower().startswith("http://"):
            yield Finding(
                WARNING,
                "insecure-link",
                "This link uses http://. Use the https:// address if the site has one.",
                href,
            )


def linked_article_slug(href: str) -> str | None:
    """The slug when `href` points at an article page of this site, else None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        hosts = {host for host in settings.ALLOWED_HOSTS if host and "*" not in host and not host.startswith(".")}
        if parts.scheme not in ("http", "https") or parts.hostname not in hosts:
            return None
    if not parts.path.startswith("/"):
        return None
    try:
        match = resolve(unquote(parts.path))
    except Resolver404:
        return None
    return match.kwargs.get("slug") if match.view_name == "articles:detail" else None


def check_internal_links(ctx: Context) -> Iterable[Finding]:
    linked = {}
    for link in ctx.body.links:
        slug = linked_article_slug(link.attrs.get("href", ""))
        if slug and slug != ctx.article.slug:
            linked.setdefault(slug, link.attrs["href"])
    if not linked:
        return
    existing = set(Article.objects.filter(slug__in=linked).values_list("slug", flat=True))
    published = set(Article.objects.published().filter(slug__in=existing).values_list("slug", flat=True))
    for slug, href in linked.items():
        if slug not in existing:
            yield Finding(
                ERROR,
                "internal-link-broken",
                f"This link points at an article that does not exist (“{slug}”). Correct the address.",
                href,
                {"slug": slug},
            )
        elif slug not in published:
            yield Finding(
                WARNING,
                "internal-link-unpublished",
                f"This link points at an article readers cannot see yet (“{slug}”). Publish it first or remove "
                "the link.",
                href,
                {"slug": slug},
            )


# ------------------------------------------------------------------ review and safety


def check_review(ctx: Context) -> Iterable[Finding]:
    article = ctx.article
    if article.next_review_due and article.next_review_due < ctx.today:
        days = (ctx.today - article.next_review_due).days
        yield Finding(
            WARNING,
            "review-overdue",
            f"The medical review was due on {article.next_review_due:%-d %B %Y} ({days} days ago).",
            "",
            {"due": article.next_review_due.isoformat(), "days_overdue": days},
        )


# The page's route for readers' feedback: the article template links to this URL name ("Tell us").
FEEDBACK_URL_NAME = "contact"


def profile_of(user):
    """The user's contributor profile, or None."""
    try:
        return user.contributor
    except (AttributeError, ContributorProfile.DoesNotExist):
        return None


def readable_name(user) -> str:
    """The name readers see for a person: their profile's display name, else their full name (never a username)."""
    if user is None:
        return ""
    profile = profile_of(user)
    return (profile.display_name if profile else "").strip() or user.get_full_name().strip()


def feedback_route() -> str:
    try:
        return reverse(FEEDBACK_URL_NAME)
    except NoReverseMatch:
        return ""


STANDARDS = {
    # code: (what is missing, what to do) — the essentials of the NHS Standard for Creating Health Content and the
    # PIF TICK that a published page must show.
    "standard-author": (
        "a named author",
        "Give the author a contributor profile with the name readers should see (or a first and last name).",
    ),
    "standard-reviewer": (
        "a medical reviewer with credentials",
        "Have a clinician review it, and give them a contributor profile with their credentials.",
    ),
    "standard-review-dates": (
        "last-reviewed and next-review dates",
        "They are set when a medical reviewer approves the article.",
    ),
    "standard-sources": ("a list of sources", "Add the references the article is based on and cite them."),
    "standard-interests": (
        "a competing-interests statement",
        "Declare any conflict of interest of the author and the reviewer, or write “None”.",
    ),
    "standard-feedback": (
        "a route for readers' feedback on the page",
        f"The page links to the “{FEEDBACK_URL_NAME}” URL, which this site does not have: add it back.",
    ),
}


def missing_standards(ctx: Context) -> list[str]:
    """The codes of the publishing essentials the article lacks."""
    article = ctx.article
    reviewer = article.reviewer if article.reviewer_id else None
    reviewer_profile = profile_of(reviewer) if reviewer else None
    missing = {
        "standard-author": not (article.author_id and readable_name(article.author)),
        "standard-reviewer": not (reviewer and reviewer_profile and reviewer_profile.credentials.strip()),
        "standard-review-dates": not (article.last_reviewed and article.next_review_due),
        "standard-sources": not ctx.references,
        "standard-interests": not (article.competing_interests or "").strip(),
        "standard-feedback": not feedback_route(),
    }
    return [code for code, lacking in missing.items() if lacking]


def check_standards(ctx: Context) -> Iterable[Finding]:
    """What a page must show before it is published: nobody can publish past these."""
    for code in missing_standards(ctx):
        what, todo = STANDARDS[code]
        yield Finding(
            ERROR,
            code,
            f"Publishing standard not met: the page needs {what}. {todo} No one can publish it without.",
            what,
            {"standard": what},
        )


def check_required_sections(ctx: Context) -> Iterable[Finding]:
    if not ctx.is_treatment_article:
        return
    for name, pattern in ctx.config.required_sections.items():
        regex = re.compile(pattern, re.IGNORECASE)
        if not any(regex.search(heading.text) for heading in ctx.body.headings):
            yield Finding(
                ERROR,
                "required-section-missing",
                f"Articles about a treatment need a section “{name}” with this treatment's own advice. "
                f"Add a heading such as “## {name}”.",
                name,
                {"section": name},
            )


# ------------------------------------------------------------------ running them

Check = Callable[[Context], Iterable[Finding]]

CHECKS: list[Check] = [
    check_standards,
    check_summary,
    check_title,
    check_reference_numbers,
    check_reference_links,
    check_claims,
    check_contradictions,
    check_marketing_language,
    check_heading_levels,
    check_image_alt_text,
    check_insecure_links,
    check_internal_links,
    check_required_sections,
    check_review,
    check_reading_grade,
    check_long_sentences,
    check_passive_voice,
]
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def accepted_claims(article) -> dict[str, ArticleEvent]:
    """The medical reviewers' acceptances of dangerous claims and contradictions, by finding key (newest wins)."""
    if not article.pk:
        return {}
    events = ArticleEvent.objects.filter(article=article, action=ArticleEvent.Action.ACCEPTED_CLAIM)
    return {event.fingerprint: event for event in events.select_related("actor").order_by("created_at", "pk")}


def check_article(
    article,
    *,
    references: Iterable | None = None,
    topics: Iterable | None = None,
    config: CheckSettings | None = None,
    today: datetime.date | None = None,
    checks: Sequence[Check] | None = None,
    accepted: Mapping[str, ArticleEvent] | None = None,
) -> list[Finding]:
    """Run the content checks on an article: errors first, then warnings, then notes, each in check order.

    `references` and `topics` default to the saved ones; pass them to check unsaved form data.
    """
    if references is None:
        references = article.references.all() if article.pk else []
    if topics is None:
        topics = article.topics.all() if article.pk else []
    ctx = Context(
        article=article,
        references=list(references),
        topics=list(topics),
        config=config or CheckSettings.from_settings(),
        today=today or timezone.localdate(),
        accepted=accepted_claims(article) if accepted is None else accepted,
    )
    findings = [
        finding
        for check in (CHECKS if checks is None else checks)
        for finding in check(ctx)
        if finding.code not in ctx.config.ignore or finding.code.startswith(STANDARD_PREFIX)  # the gate stays
    ]
    return sorted(findings, key=lambda finding: SEVERITY_ORDER[finding.severity])


CHECK_SOURCES = [Path(__file__), Path(claims.__file__)]


def checks_version(config: CheckSettings | None = None) -> str:
    """A fingerprint of the checks' code and settings: stored findings made by other checks are out of date."""
    config = config or CheckSettings.from_settings()
    return _version(repr(sorted(asdict(config).items())))


@functools.lru_cache(maxsize=16)
def _version(settings_repr: str) -> str:
    digest = hashlib.sha256(settings_repr.encode())
    for source in CHECK_SOURCES:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def refresh_checks(article: Article, *, today: datetime.date | None = None) -> list[Finding]:
    """Run the content checks and store the findings and their counts on the article; returns the findings."""
    config = CheckSettings.from_settings()
    findings = check_article(article, config=config, today=today)
    article.check_findings = [finding.as_dict() for finding in findings]
    article.check_errors = sum(finding.is_error for finding in findings)
    article.check_warnings = sum(finding.is_warning for finding in findings)
    article.checks_version = checks_version(config)
    article.checked_at = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        check_findings=article.check_findings,
        check_errors=article.check_errors,
        check_warnings=article.check_warnings,
        checks_version=article.checks_version,
        checked_at=article.checked_at,
    )
    return findings


def stored_findings(article: Article) -> list[Finding]:
    """The findings as last stored by refresh_checks."""
    return [Finding.from_dict(data) for data in article.check_findings or []]


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks publishing."""
    return any(finding.is_error for finding in findings)
