"""Content checks: what an editor should fix before a health article reaches readers.

`check_article(article)` runs every check in `CHECKS` and returns `Finding`s.
Errors block publishing; warnings are advice and never block. The checks only
read: the article, its references and topics (callers prefetch them), and for
internal links the slugs of other articles.

The body is read the way readers get it: rendered by the site's own Markdown
pipeline, then split into headings, prose sentences (paragraphs, list items,
table rows) and links and images. Code blocks never count as prose.

Every threshold and word list can be changed in settings (`ARTICLE_CHECKS_*`,
see `CheckSettings`); nothing has to be set.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from .markdown import WORD_RE, render_markdown
from .models import Article, Reference, Topic

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing to fix: `level` is "error" (blocks publishing) or "warning" (advice)."""

    level: str
    code: str
    message: str
    excerpt: str = ""
    figures: Mapping[str, object] = field(default_factory=dict, compare=False)

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks publishing."""
    return any(finding.is_error for finding in findings)


# ------------------------------------------------------------------ settings

DEFAULT_CLAIM_WORDS = (
    "proven", "clinically proven", "studies show", "studies have shown", "research shows", "research has shown",
    "evidence shows", "safe", "cure", "cures", "cured", "guaranteed", "guarantees", "success rate",
    "effective", "approved", "licensed",
)  # fmt: skip
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
ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "e.g", "i.e", "eg", "ie", "vs", "approx", "fig", "no", "st"}
SENTENCE_END_RE = re.compile(rf"[.!?]+[\"”’')\]]*(?:\s*{CITE_OPEN}\d+{CITE_CLOSE})*(?=\s+[\"“‘(]?[A-Z0-9{CITE_OPEN}])")


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


def split_sentences(text: str) -> list[str]:
    """Split a block of prose into sentences; a citation after the full stop stays with its sentence."""
    sentences, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        before = text[start : match.start()].split()
        if match.group() == "." and before and before[-1].lower() in ABBREVIATIONS:
            continue  # "Dr. Okafor", "e.g. Botox"
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


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

    @cached_property
    def body(self) -> Body:
        return read_body(self.article.body or "")

    @cached_property
    def is_treatment_article(self) -> bool:
        return is_treatment_article(title=self.article.title, topics=self.topics, config=self.config)


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

NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy"
    "|eighty|ninety|hundred|thousand|million"
)
FIGURE_PATTERNS = [
    # 95%, 31 to 39, 2010, 8.4 — but not the 19 of "COVID-19" or a phone number to call ("call 999", "NHS 111").
    re.compile(
        r"(?<![A-Za-z]-)(?<![\w.])(?<!call )(?<!dial )(?<!ring )(?<!phone )(?<!NHS )"
        r"\d+(?:[.,]\d+)*(?:\s*(?:%|per ?cent\b|percent\b))?",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:one|a|{NUMBER_WORDS})\s+(?:to|or|in|out of)\s+(?:every\s+)?(?:{NUMBER_WORDS}|ten)\b", re.I),
    re.compile(rf"\b(?:{NUMBER_WORDS}|one)\s+(?:per ?cent|percent)\b", re.I),
    re.compile(r"\b(?:half|a third|one third|two thirds|a quarter|one quarter|three quarters)\s+of\b", re.I),
    re.compile(r"(?<!\bat )\bmost\b(?=\s+\w)|\b(?:majority|minority)\b|\b(?:nearly|almost) (?:all|every)", re.I),
    re.compile(r"\b(?:twice|\w+ times) (?:as|more|less|higher|lower)\b", re.I),
]


def claim_triggers(text: str, claim_words: re.Pattern | None) -> list[str]:
    """The figures, proportions and claim words in `text`, each once."""
    triggers = [match.group().strip() for pattern in FIGURE_PATTERNS for match in pattern.finditer(text)]
    if claim_words:
        triggers += [match.group() for match in claim_words.finditer(text)]
    return list(dict.fromkeys(triggers))


def check_claims_without_citation(ctx: Context) -> Iterable[Finding]:
    claim_words = phrase_pattern(ctx.config.claim_words) if ctx.config.claim_words else None
    tables: dict[int, list[Sentence]] = {}
    for sentence in ctx.body.sentences:
        if sentence.in_table is not None:
            tables.setdefault(sentence.in_table, []).append(sentence)
        elif sentence.is_question or sentence.is_cited:
            continue
        elif triggers := claim_triggers(sentence.plain, claim_words):
            yield claim_finding(sentence.text, triggers)
    for rows in tables.values():
        if any(row.is_cited for row in rows):
            continue  # one reference for the whole table, in a row, its caption or the sentence before it
        for row in rows:
            if triggers := claim_triggers(row.plain, claim_words):
                yield claim_finding(row.text, triggers, table=True)
                break


def claim_finding(excerpt: str, triggers: list[str], *, table: bool = False) -> Finding:
    shown = ", ".join(f"“{trigger}”" for trigger in triggers)
    where = "A table states figures or claims" if table else "States a figure or a claim"
    return Finding(
        WARNING,
        "claim-without-citation",
        f"{where} ({shown}) without a reference. Cite the source with its number, e.g. [1], "
        "or say it without the figure.",
        excerpt,
        {"triggers": tuple(triggers)},
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


def count_syllables(word: str) -> int:
    """An English syllable estimate (vowel groups, less a silent final e): good enough for a reading grade."""
    word = re.sub(r"[^a-z]", "", word.lower())
    if not word:
        return 1  # a number read aloud
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|(?<![td])ed|[^laeiouy]e)$", "", word)  # silent endings: "takes", "used", "make"
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]+", word)))


def flesch_kincaid_grade(sentences: Sequence[Sentence]) -> float:
    """US school grade needed to read the text: 0.39 × words per sentence + 11.8 × syllables per word − 15.59."""
    words = [word for sentence in sentences for word in WORD_RE.findall(sentence.plain)]
    if not sentences or not words:
        return 0.0
    syllables = sum(count_syllables(word) for word in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


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
    if not article.reviewer_id:
        yield Finding(WARNING, "no-reviewer", "No medical reviewer is named. Ask a clinician to review the article.")
    elif not article.last_reviewed:
        yield Finding(WARNING, "review-date-missing", "A reviewer is named but the date of the review is missing.")
    if article.next_review_due and article.next_review_due < ctx.today:
        days = (ctx.today - article.next_review_due).days
        yield Finding(
            WARNING,
            "review-overdue",
            f"The medical review was due on {article.next_review_due:%-d %B %Y} ({days} days ago).",
            "",
            {"due": article.next_review_due.isoformat(), "days_overdue": days},
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
    check_summary,
    check_title,
    check_reference_numbers,
    check_reference_links,
    check_claims_without_citation,
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


def check_article(
    article,
    *,
    references: Iterable | None = None,
    topics: Iterable | None = None,
    config: CheckSettings | None = None,
    today: datetime.date | None = None,
    checks: Sequence[Check] | None = None,
) -> list[Finding]:
    """Run the content checks on an article: errors first, then warnings, each in check order.

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
    )
    findings = [
        finding
        for check in (CHECKS if checks is None else checks)
        for finding in check(ctx)
        if finding.code not in ctx.config.ignore
    ]
    return sorted(findings, key=lambda finding: not finding.is_error)
