"""The labelled claims corpus (dev.txt, heldout.txt) and how the content checks do on it.

`read_corpus(path)` parses a corpus file into articles; `measure(articles)`
turns each into an unsaved Article with its References, runs the claim checks
exactly as the admin does (Markdown rendering, sentence splitting, citations
resolved against the listed references) and compares the findings with the
labels. Used by bench/bench_claims.py and tests/articles/test_claims_corpus.py.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
DEV = HERE / "dev.txt"
HELDOUT = HERE / "heldout.txt"
LINE_RE = re.compile(r"^(?P<cited>cited )?(?P<kind>[a-z]+)(?P<danger>!?): (?P<text>.+)$")


@dataclass(frozen=True)
class Labelled:
    text: str
    kind: str  # "neutral" or a claim kind
    dangerous: bool
    cited: bool


@dataclass
class CorpusArticle:
    slug: str
    voice: str
    references: list[str] = field(default_factory=list)
    blocks: list[list[str]] = field(default_factory=list)  # Markdown blocks, in order
    sentences: list[Labelled] = field(default_factory=list)

    @property
    def markdown(self) -> str:
        return "\n\n".join("\n".join(block) for block in self.blocks) + "\n"


def read_corpus(path: Path) -> list[CorpusArticle]:
    articles: list[CorpusArticle] = []
    paragraph: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.rstrip()
        if line.startswith("#") and not line.startswith("##"):
            continue
        if line.startswith("=== "):
            slug, _, voice = line[4:].partition(" | ")
            articles.append(CorpusArticle(slug=slug.strip(), voice=voice.strip()))
            paragraph = None
            continue
        if not line:
            paragraph = None
            continue
        article = articles[-1]
        if line.startswith("ref "):
            article.references.append(line.partition(": ")[2])
        elif line.startswith("## "):
            article.blocks.append([line])
            paragraph = None
        elif match := LINE_RE.match(line):
            text = match["text"]
            article.sentences.append(
                Labelled(text.removeprefix("- "), match["kind"], bool(match["danger"]), bool(match["cited"]))
            )
            is_item = text.startswith("- ")
            if paragraph is None or is_item != paragraph[-1].startswith("- "):
                paragraph = []
                article.blocks.append(paragraph)
            if is_item or not paragraph:
                paragraph.append(text)
            else:
                paragraph[-1] += f" {text}"
        else:
            raise ValueError(f"{path.name}:{number}: not a corpus line: {line!r}")
    return articles


def normal(text: str) -> str:
    """Compare sentences without quote styles, spacing and citation markers."""
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    return " ".join(re.sub(r"\s*\[\d{1,3}\]", "", text).split()).strip().lower()


@dataclass
class Result:
    """Counts over labelled sentences; `kinds` tallies planted claims per kind: (found, total)."""

    planted: int = 0
    found: int = 0
    dangerous: int = 0
    dangerous_as_error: int = 0
    neutral: int = 0
    neutral_flagged: int = 0
    cited: int = 0
    cited_flagged: int = 0
    kinds: Counter = field(default_factory=Counter)
    kinds_found: Counter = field(default_factory=Counter)
    kind_named: int = 0
    topics: set = field(default_factory=set)
    voices: set = field(default_factory=set)
    missed: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0

    @property
    def neutral_rate(self) -> float:
        return self.neutral_flagged / self.neutral if self.neutral else 0.0

    @property
    def cited_rate(self) -> float:
        return self.cited_flagged / self.cited if self.cited else 0.0

    @property
    def false_alarm_rate(self) -> float:
        total = self.neutral + self.cited
        return (self.neutral_flagged + self.cited_flagged) / total if total else 0.0

    @property
    def sentences(self) -> int:
        return self.planted + self.neutral + self.cited


CLAIM_CODES = {"dangerous-claim", "unsupported-claim"}


def measure(articles: list[CorpusArticle]) -> Result:
    """Run the claim checks on every corpus article and score the findings against the labels."""
    from articles.checks import check_article, check_claims
    from articles.models import Article, Reference

    result = Result()
    for corpus_article in articles:
        result.topics.add(corpus_article.slug)
        result.voices.add(corpus_article.voice)
        article = Article(title=corpus_article.slug, summary="", body=corpus_article.markdown)
        references = [
            Reference(position=position, title=title, url="https://example.org/")
            for position, title in enumerate(corpus_article.references, start=1)
        ]
        findings = check_article(article, references=references, topics=[], checks=[check_claims], accepted={})
        flagged = {normal(f.excerpt): f for f in findings if f.code in CLAIM_CODES}
        for sentence in corpus_article.sentences:
            finding = flagged.get(normal(sentence.text))
            if sentence.kind == "neutral":
                result.neutral += 1
                if finding:
                    result.neutral_flagged += 1
                    result.false_alarms.append((sentence, finding))
            elif sentence.cited:
                result.cited += 1
                if finding:
                    result.cited_flagged += 1
                    result.false_alarms.append((sentence, finding))
            else:
                result.planted += 1
                result.kinds[sentence.kind] += 1
                if finding:
                    result.found += 1
                    result.kinds_found[sentence.kind] += 1
                    result.kind_named += sentence.kind in finding.figures.get("kinds", ())
                else:
                    result.missed.append(sentence)
                if sentence.dangerous:
                    result.dangerous += 1
                    result.dangerous_as_error += bool(finding and finding.is_error)
    return result
