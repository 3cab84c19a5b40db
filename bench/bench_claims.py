"""Recall and false alarms of the content checks' claim finding on the team's labelled corpus.

Not a test: run it by hand,

    .venv/bin/python bench/bench_claims.py [--show]

It reads tests/articles/claims_corpus/dev.txt (the part the rules were tuned
on) and heldout.txt (other topics, written before the rules and never tuned
on), builds each article as the admin would (Markdown, its references), runs
the claim checks and prints, for each part: recall (planted claims flagged, by
kind), dangerous claims flagged as blocking errors, and false alarms on
neutral sentences and on correctly cited claims. Targets: recall >= 90 %,
false alarms <= 5 %. --show lists the misses and false alarms of the
development part only (looking at the held-out ones would make them tuned on).
No database is needed.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headache_site.settings_test")

import django  # noqa: E402  (settings first)

django.setup()

from articles.claims import KINDS  # noqa: E402
from tests.articles.claims_corpus import DEV, HELDOUT, measure, read_corpus  # noqa: E402


def percent(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f} %" if whole else "n/a"


def report(name: str, path: Path, *, show: bool) -> None:
    articles = read_corpus(path)
    result = measure(articles)
    print(f"{name}: {path.name}, {len(articles)} articles, {len(result.topics)} topics, voices "
          f"{', '.join(sorted(result.voices))}, {result.sentences} labelled sentences")  # fmt: skip
    print(f"  recall (planted claims flagged)       {percent(result.found, result.planted)}")
    print(f"  dangerous claims as blocking errors   {percent(result.dangerous_as_error, result.dangerous)}")
    print(f"  kind named among the finding's kinds  {percent(result.kind_named, result.found)}")
    print(f"  false alarms on neutral sentences     {percent(result.neutral_flagged, result.neutral)}")
    print(f"  false alarms on cited claims          {percent(result.cited_flagged, result.cited)}")
    print(f"  false alarms overall                  "
          f"{percent(result.neutral_flagged + result.cited_flagged, result.neutral + result.cited)}")  # fmt: skip
    print("  recall by kind:")
    for kind in KINDS:
        print(f"    {kind:<12} {percent(result.kinds_found[kind], result.kinds[kind])}")
    if show:
        for sentence in result.missed:
            print(f"  MISSED [{sentence.kind}] {sentence.text}")
        for sentence, finding in result.false_alarms:
            print(f"  FALSE ALARM [{'cited' if sentence.cited else 'neutral'}] {sentence.text}  ({finding.code})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list the development part's misses and false alarms")
    show = parser.parse_args().show
    report("Development part", DEV, show=show)
    print()
    report("Held-out part", HELDOUT, show=False)


if __name__ == "__main__":
    main()
