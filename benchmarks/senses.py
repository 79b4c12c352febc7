"""How well glossator chooses the sense of an ambiguous acronym, on a gold set.

Each item of ``tests/data/senses-gold.yaml`` is an occurrence of an acronym that
``sigles.csv`` gives several meanings, in real French text, with its right sense (or
``null`` when none of the listed senses is right). Each item's text (about 800
characters around the occurrence) is annotated as one document.

The items are split in two halves by id: odd ids tuned the thresholds of
:mod:`glossator.senses`, even ids are reported (``--half tune|test|all``).

Run: python benchmarks/senses.py [--glossary sigles.csv] [--half test] [--markdown]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from glossator import Annotator, Glossary
from glossator.glossary import same_definition
from glossator.model import Entry
from glossator.senses import SPELLED_OUT_OTHER, SenseChoice

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "senses-gold.yaml"
SIGLES = Path("/work/shared/corpus/glossaries/sigles.csv")


def load_sigles(path: Path) -> Glossary:
    """sigles.csv as a glossary: term, definition and source; rows without a term or a
    definition (there is one of each) are left out."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [{"term": r["term"], "definition": r["definition"], "source": r["source"]}
                for r in csv.DictReader(f) if r["term"].strip() and r["definition"].strip()]
    return Glossary.from_dicts(rows, name=path.name)


def _right(entry: Entry | None, gold: str | None) -> bool:
    if entry is None:
        return gold is None
    return gold == "*" or (gold is not None
                           and same_definition(entry.definition) == same_definition(gold))


def outcome(annotator: Annotator, item: dict[str, Any]) -> tuple[SenseChoice | None, bool]:
    """The choice glossator makes for ``item``, and whether the matcher found it."""
    text, at = item["text"], item["at"]
    matches = annotator.matcher.scan(text)
    variants = annotator.matcher.variants
    mine = [m for m in matches if m[0] == at]
    if not mine:
        return None, False
    choices = annotator.chooser.choose(text, matches, lambda m: variants[m[2]].form.key)
    return choices.get(mine[0]), True


def evaluate(annotator: Annotator, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per method and per step."""
    steps: Counter[str] = Counter()
    steps_right: Counter[str] = Counter()
    res: Counter[str] = Counter()
    for item in items:
        gold = item["sense"]
        choice, found = outcome(annotator, item)
        if not found or choice is None:
            res["not found"] += 1
            continue
        res["items"] += 1
        res["listed"] += gold is not None
        for name, entry in (("later", choice.senses[-1]), ("first", choice.senses[0])):
            res[f"{name} right"] += _right(entry, gold)
        step = choice.step or "undecided"
        steps[step] += 1
        if choice.entry is not None or step == SPELLED_OUT_OTHER:
            right = _right(choice.entry, gold)
            steps_right[step] += right
            res["decided"] += 1
            res["decided right"] += right
        else:
            res["undecided"] += 1
            res["undecided none right"] += gold is None
    return {"res": res, "steps": steps, "steps_right": steps_right}


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "–"


def table(found: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    res, steps, right = found["res"], found["steps"], found["steps_right"]
    n = res["items"]
    lines = ["| method | decided | right when decided | share of all items right |",
             "|---|---|---|---|"]
    for name in ("later", "first"):
        lines.append(f"| {name} entry wins | {n} | {_pct(res[f'{name} right'], n)} | "
                     f"{_pct(res[f'{name} right'], n)} |")
    for step in ("spelled-out", "spelled-out-other", "domain", "context"):
        if steps[step]:
            lines.append(f"| step: {step} | {steps[step]} | {_pct(right[step], steps[step])} "
                         "| |")
    lines.append(f"| glossator (all steps) | {res['decided']} | "
                 f"{_pct(res['decided right'], res['decided'])} | "
                 f"{_pct(res['decided right'], n)} |")
    lines.append("")
    lines.append(f"{n} occurrences ({res['listed']} whose right sense is listed, "
                 f"{n - res['listed']} where none is); left undecided: {res['undecided']} "
                 f"({_pct(res['undecided'], n)}; all senses shown, or none with "
                 f"--senses skip), of which {res['undecided none right']} have no right "
                 f"sense listed; not matched at all: {res['not found']}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--glossary", type=Path, default=SIGLES)
    p.add_argument("--gold", type=Path, default=GOLD)
    p.add_argument("--half", choices=("tune", "test", "all"), default="test")
    args = p.parse_args(argv)
    items = yaml.safe_load(args.gold.read_text("utf-8"))["items"]
    if args.half != "all":
        parity = 1 if args.half == "tune" else 0
        items = [i for i in items if i["id"] % 2 == parity]
    annotator = Annotator(load_sigles(args.glossary), occurrences="all")
    print(f"half: {args.half}")
    print(table(evaluate(annotator, items)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
