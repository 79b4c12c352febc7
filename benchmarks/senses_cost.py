"""What the senses step costs with a real acronym list: windows against the whole text.

``Annotator.annotate`` on real corpus documents with ``sigles.csv`` (5 550 rows, 567
acronyms with several senses), three ways, run round-robin in one process:

* ``windows``: the senses step as it is (words read only around each occurrence of a
  form with several senses, :data:`glossator.senses.BLOCK` characters at a time);
* ``whole``: the same code, but the whole text read at the first such occurrence
  (``SenseChooser.block = None``: what the step did before, less the per-document
  memo of lemmas, which both paths share);
* ``before`` (with ``--before REV``): the senses module of that git revision (say the
  commit before the windows, ``10ff6ce``), loaded beside this one and put in the same
  annotator, so that the rest of the path is today's;
* ``no senses``: the same glossary with one entry per form (the later row), so that no
  form has senses and the step never runs: the floor.

It prints, per document and per ``--lemmas``, the median of each ratio (``whole ÷
windows``, ``before ÷ windows``, ``windows ÷ no senses``), taken round by round, with its
least favourable round, and the median and slowest time. With ``spacy``, the spaCy
lemmatizer's own cache is emptied before each run, so that each run pays what a
fresh ``glossator annotate`` pays. spaCy refuses a text over a million characters, so
``whole`` with spaCy is left out for those. The preparation of the glossary's signatures
(each sense's bag of words, the IDF), done once per glossary and process, is timed apart.

Run: python benchmarks/senses_cost.py [--lemmas rules spacy] [--rounds 5] [--clock cpu]
       [--before 10ff6ce]
"""

from __future__ import annotations

import argparse
import csv
import gc
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import DEFAULT_CORPUS, REPO, environment, fmt, markdown_table, write_results

from glossator import Annotator, Glossary
from glossator import senses as senses_module

DOCUMENTS = ("tech/debian-reference-fr.txt",
             "legal/code-de-l-action-sociale-et-des-familles.txt",
             "legal/code-du-travail.txt", "novels/FRA00101_Adam.txt")
SPACY_LIMIT = 1_000_000


def load(path: Path, one_per_form: bool = False) -> Glossary:
    """sigles.csv (term, definition, source); ``one_per_form``: the later row of each term."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [{"term": r["term"], "definition": r["definition"], "source": r["source"]}
                for r in csv.DictReader(f) if r["term"].strip() and r["definition"].strip()]
    if one_per_form:
        rows = list({r["term"]: r for r in rows}.values())
    return Glossary.from_dicts(rows, name=path.name)


def _cold_spacy() -> None:
    from glossator.text.french import _spacy_pipeline

    _spacy_pipeline().get_pipe("lemmatizer").cache.clear()


def timed(run: Callable[[], Any], clock: Callable[[], float], spacy: bool) -> float:
    """Seconds of one run (the garbage collected before, the spaCy cache emptied)."""
    if spacy:
        _cold_spacy()
    gc.collect()
    t = clock()
    run()
    return clock() - t


def prepare_cost(glossary: Glossary, clock: Callable[[], float]) -> float:
    """Seconds to prepare the senses' signatures of ``glossary`` (bags, IDF), cold."""
    senses_module._KNOWN.pop(glossary, None)
    chooser = senses_module.SenseChooser(glossary)
    t = clock()
    chooser.idf()
    return clock() - t


def senses_of(rev: str) -> types.ModuleType:
    """glossator/senses.py as it was at git revision ``rev``, as a module of the package."""
    name = f"glossator._senses_{rev}"
    if name not in sys.modules:
        source = subprocess.run(["git", "show", f"{rev}:src/glossator/senses.py"], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout
        module = types.ModuleType(name)
        module.__package__ = "glossator"
        sys.modules[name] = module
        exec(compile(source, f"{rev}:src/glossator/senses.py", "exec"), module.__dict__)
    return sys.modules[name]


def measure(name: str, text: str, lemmas: str, glossaries: tuple[Glossary, Glossary],
            rounds: int, clock: Callable[[], float], before: str | None) -> dict[str, Any]:
    """The times of each way, round after round, on one document."""
    with_senses = Annotator(glossaries[0], occurrences="all", lemmas=lemmas)
    without = Annotator(glossaries[1], occurrences="all", lemmas=lemmas)
    spacy = lemmas == "spacy"

    def annotate(annotator: Annotator, block: int | None) -> Callable[[], Any]:
        def run() -> Any:
            annotator.chooser.block = block
            return annotator.annotate(text).annotations
        return run

    ways = {"windows": annotate(with_senses, senses_module.BLOCK),
            "no senses": annotate(without, senses_module.BLOCK)}
    if not (spacy and len(text) > SPACY_LIMIT):
        ways["whole"] = annotate(with_senses, None)
        if before:
            old = Annotator(glossaries[0], occurrences="all", lemmas=lemmas)
            old.chooser = senses_of(before).SenseChooser(glossaries[0], lemmas=lemmas)

            def run_before() -> Any:
                return old.annotate(text).annotations
            ways["before"] = run_before
    for run in ways.values():  # warm: compile, the glossary's signatures, spaCy loaded
        run()
    times: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(rounds):
        for way, run in ways.items():
            times[way].append(timed(run, clock, spacy))
    stream = with_senses.chooser
    stream.block = senses_module.BLOCK
    variants = with_senses.matcher.variants
    counting = stream.stream(text, lambda m: variants[m[2]].form.key)
    counting.choose(with_senses.matcher.scan(text))
    return {"document": name, "chars": len(text), "lemmas": lemmas, "times": times,
            "cost": counting.cost}


def ratio(a: list[float], b: list[float], worst: Callable[[list[float]], float] = min,
          ) -> tuple[float, float]:
    """The median of the round-by-round ratios ``a / b`` and the least favourable one
    (``worst``: ``min`` for a speed-up, ``max`` for an overhead)."""
    r = [x / y for x, y in zip(a, b, strict=True) if y > 0]
    return statistics.median(r), worst(r)


def report(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of the records."""
    lines = []
    for row in rows:
        t = row["times"]
        med = {way: statistics.median(v) for way, v in t.items()}
        whole = ratio(t["whole"], t["windows"]) if "whole" in t else None
        old = ratio(t["before"], t["windows"]) if "before" in t else None
        over = ratio(t["windows"], t["no senses"], max)
        lines.append([
            row["document"].split("/")[-1], f"{row['chars'] / 1e6:.2f}", row["lemmas"],
            fmt(med["windows"]), fmt(max(t["windows"])),
            fmt(med["whole"]) if "whole" in med else "fails (E088)",
            fmt(med["no senses"]),
            f"{whole[0]:.1f}× ({whole[1]:.1f}×)" if whole else "–",
            f"{old[0]:.1f}× ({old[1]:.1f}×)" if old else "–",
            f"{over[0]:.2f}× ({over[1]:.2f}×)",
            f"{row['cost']['words']} / {row['cost']['spacy_chars']}"])
    return markdown_table(
        ["document", "M chars", "lemmas", "windows s (median)", "windows s (slowest)",
         "whole s", "no senses s", "whole ÷ windows (worst)", "before ÷ windows (worst)",
         "windows ÷ no senses (worst)", "words / spaCy chars read"], lines)


def from_json(paths: list[Path]) -> int:
    """Print the tables of records written before (``--json``)."""
    for path in paths:
        import json

        records = json.loads(path.read_text("utf-8"))
        print(f"{path.name}: clock {records['clock']}, "
              f"{records['environment']['glossator_commit']}")
        print(report(records["rows"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--documents", nargs="+", default=list(DOCUMENTS),
                   help="paths under the corpus' text/")
    p.add_argument("--lemmas", nargs="+", choices=("rules", "spacy"), default=["rules"])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    p.add_argument("--before", metavar="REV",
                   help="also time the senses module of this git revision (e.g. 10ff6ce)")
    p.add_argument("--json", type=Path, default=Path("-"),
                   help="write the records there (default: none)")
    p.add_argument("--report", type=Path, nargs="+", metavar="JSON",
                   help="only print the tables of records written before")
    args = p.parse_args(argv)
    if args.report:
        return from_json(args.report)
    sigles = args.corpus / "glossaries" / "sigles.csv"
    if not sigles.is_file():
        sys.exit(f"senses_cost.py: needs {sigles} (the shared corpus): give --corpus DIR")
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    glossaries = (load(sigles), load(sigles, one_per_form=True))
    prep = [prepare_cost(glossaries[0], clock) for _ in range(args.rounds)]
    rows = []
    for lemmas in args.lemmas:
        for name in args.documents:
            text = (args.corpus / "text" / name).read_text("utf-8")
            rows.append(measure(name, text, lemmas, glossaries, args.rounds, clock,
                                args.before))
            print(f"{name} {lemmas}: done", file=sys.stderr, flush=True)
    print(f"clock: {args.clock}; {args.rounds} rounds, round-robin in one process")
    print(f"glossary signatures (bags, IDF), once per glossary: median "
          f"{statistics.median(prep):.3f} s, slowest {max(prep):.3f} s")
    print(report(rows))
    write_results({"environment": environment(), "clock": args.clock, "prepare": prep,
                   "rows": rows}, args.json, "senses-cost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
