"""Event extraction on real news articles, beside the figures before issue 14.

    python bench/article_accuracy.py [--gold ../shared/eval/articles_dev_gold.jsonl]
                                     [--articles ../shared/eval/fakes_dev.csv] [--errors]

Runs the team's scorer (``../shared/eval/score_articles.py``, which runs ``manage.py extract
--jsonl`` on the hand-coded articles) and prints its figures beside those measured before
the article work of issue 14 (NLP 0.4.0, commit b8d1dbb) and the issue's targets. Read the
scorer's docstring for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Measured on the dev gold with NLP 0.4.0 (before issue 14's article work).
BEFORE = {"f1": 0.239, "p": 0.159, "r": 0.475, "cc_p": 0.220, "cc_r": 0.346, "cc_f1": 0.269,
          "sub_type": 0.0, "actor_kind": 0.402, "toll": 0.211, "per_article": 9.89}
TARGETS = {"f1": ">= 0.65", "cc_p": ">= 0.85", "cc_f1": ">= 0.75", "sub_type": ">= 0.70",
           "actor_kind": ">= 0.70", "toll": ">= 0.70", "per_article": "gold +-30%"}
LABELS = {"f1": "event F1 (strict)", "p": "event precision", "r": "event recall",
          "cc_p": "control change precision", "cc_r": "control change recall",
          "cc_f1": "control change F1", "sub_type": "sub-type exact (matched)",
          "actor_kind": "actor1 kind (matched)", "toll": "article death toll within 10%",
          "per_article": "events per article"}


def _shared(name: str) -> Path:
    """``../shared/eval/NAME`` from the project, wherever the checkout is."""
    for parent in ROOT.parents:
        if (parent / "shared" / "eval" / name).exists():
            return parent / "shared" / "eval" / name
    return ROOT.parent / "shared" / "eval" / name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", default=str(_shared("articles_dev_gold.jsonl")))
    parser.add_argument("--articles", default=str(_shared("fakes_dev.csv")))
    parser.add_argument("--errors", action="store_true", help="print the scorer's misses and "
                                                              "extras too")
    args = parser.parse_args(argv)
    command = [sys.executable, str(_shared("score_articles.py")), args.gold, args.articles,
               "--json"] + (["--errors"] if args.errors else [])
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    figures = next((json.loads(line) for line in reversed(lines) if line.startswith("{")), None)
    if figures is None:
        print(out.stdout[-3000:], out.stderr[-3000:], sep="\n")
        return 1
    if args.errors:
        print("\n".join(line for line in lines if line.startswith("[")))
        print()
    print(f"articles: {figures['articles']}, gold events {figures['gold']} "
          f"({figures['gold_per_article']:.2f} per article), predicted {figures['predicted']}")
    print(f"{'metric':<32}{'now':>8}{'before':>9}  target")
    for key, label in LABELS.items():
        print(f"{label:<32}{figures[key]:>8.3f}{BEFORE[key]:>9.3f}  {TARGETS.get(key, '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
