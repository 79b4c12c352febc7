"""Precision and recall of ``glossator suggest``'s acronym / long form pairs (run by hand).

    PYTHONPATH=src .venv/bin/python benchmarks/suggest_eval.py [-o benchmarks/results/]

Reads the hand-checked pairs of ``tests/data/suggest-gold.yaml``, runs
:func:`glossator.suggest.find_pairs` on each of its texts (``tests/data/suggest/``) and
compares, pair by pair: a found pair is right when the gold lists the same acronym on the
same line with the same long form (compared without regard to case, white space or the
kind of apostrophe, but with its exact boundaries: *chambres régionales de l'économie
sociale et solidaire*, not *économie sociale et solidaire*). Prints a Markdown report
(totals, per file, and every miss and false positive) and writes it with the figures in
JSON to ``benchmarks/results/suggest-eval-DATE.{md,json}``. tests/test_suggest.py pins
a floor under these figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "suggest-gold.yaml"
TEXTS = ROOT / "tests" / "data" / "suggest"

Item = tuple[int, str, str]  # (line, acronym, long form key)


def _key(long_form: str) -> str:
    return " ".join(long_form.replace("’", "'").replace("\u00a0", " ").casefold().split())


def evaluate(gold_path: Path = GOLD, texts: Path = TEXTS) -> dict[str, Any]:
    """Compare the pairs found with the gold: counts, precision, recall, and the errors."""
    sys.path.insert(0, str(ROOT / "src"))
    from glossator.suggest import find_pairs

    gold_doc = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    files: list[dict[str, Any]] = []
    for doc in gold_doc["documents"]:
        text = (texts / doc["file"]).read_text(encoding="utf-8")
        gold: set[Item] = {(p["line"], p["acronym"], _key(p["long_form"]))
                           for p in doc["pairs"]}
        found: dict[Item, str] = {}
        for pair in find_pairs(text):
            line = text.count("\n", 0, pair.acronym_start) + 1
            found[(line, pair.acronym, _key(pair.long_form))] = pair.pattern
        right = gold & set(found)
        files.append({
            "file": doc["file"],
            "gold": len(gold),
            "found": len(found),
            "right": len(right),
            "missed": sorted(f"{ln}: {a} = {lf}" for ln, a, lf in gold - right),
            "wrong": sorted(f"{ln}: {a} = {lf} ({found[(ln, a, lf)]})"
                            for ln, a, lf in set(found) - right),
        })
    gold_n = sum(f["gold"] for f in files)
    found_n = sum(f["found"] for f in files)
    right_n = sum(f["right"] for f in files)
    precision = right_n / found_n if found_n else 1.0
    recall = right_n / gold_n if gold_n else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": gold_n, "found": found_n, "right": right_n,
            "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "files": files}


def report(result: dict[str, Any]) -> str:
    """The result as Markdown."""
    lines = [
        "# `glossator suggest`: acronym / long form pairs against the hand-checked set",
        "",
        f"{result['right']} right of {result['found']} found, {result['gold']} in the gold: "
        f"**precision {result['precision']:.3f}, recall {result['recall']:.3f}**, "
        f"F1 {result['f1']:.3f}.",
        "",
        "| file | gold | found | right | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for f in result["files"]:
        p = f["right"] / f["found"] if f["found"] else 1.0
        r = f["right"] / f["gold"] if f["gold"] else 1.0
        lines.append(f"| {f['file']} | {f['gold']} | {f['found']} | {f['right']} | "
                     f"{p:.3f} | {r:.3f} |")
    for f in result["files"]:
        if f["missed"] or f["wrong"]:
            lines += ["", f"## {f['file']}", ""]
            lines += [f"- missed {m}" for m in f["missed"]]
            lines += [f"- wrong {w}" for w in f["wrong"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output-dir", default=str(ROOT / "benchmarks" / "results"),
                        help="where to write suggest-eval-DATE.md and .json")
    args = parser.parse_args()
    result = evaluate()
    text = report(result)
    print(text, end="")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"suggest-eval-{datetime.date.today().isoformat()}"
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    (out / f"{stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
