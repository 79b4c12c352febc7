"""Pages per second in page mode, this checkout against another, round-robin (run by hand).

    .venv/bin/python benchmarks/page_mode.py --baseline ../old/src [--rounds 7] [--pages 40]
    .venv/bin/python benchmarks/page_mode.py            # this checkout alone
    .venv/bin/python benchmarks/page_mode.py --baseline ../old/src --without-letters

Page mode is what ``glossator annotate PAGE.html`` (``--input-format html``) does: the page
is written back byte for byte with the terms wrapped in tooltips
(:func:`glossator.documents.html.annotate_html`). The pages are the real ones of
``tests/data/pages/`` taken in turn (``--pages`` of them, 230 KB on average); the glossaries
are the bundled one and one of ``--large`` terms drawn from ``../shared/corpus/terms`` as
``peers.py`` draws them (0 to skip).

Each checkout runs in its own long-lived worker process (``PYTHONPATH`` set to its
``src``) that loads and compiles the glossary once, untimed; then, round after round, the
two workers are asked in turn (the order alternating) to annotate all the pages, and each
answers with the CPU time it took (``time.process_time``: on a shared machine the wall
time also counts the waits for a processor) and a SHA-256 of its outputs. The ratio
baseline ÷ this is taken round by round (above 1: this checkout is faster), with the
median and the slowest round's; the outputs must be identical byte for byte, or the
script stops. The machine's drift cancels out of the ratios, not out of the pages/s.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "data" / "pages"


def worker(glossary: str, pages: int) -> None:
    """The worker: read commands on stdin ("run"), answer one JSON line each."""
    import glossator
    from glossator.documents.html import annotate_html

    sources = sorted(PAGES.glob("*.html.gz"))
    texts = [gzip.decompress(sources[i % len(sources)].read_bytes()).decode("utf-8")
             for i in range(pages)]
    annotator = glossator.Annotator(glossator.load_glossary(glossary) if glossary else None)
    annotate_html(texts[0], annotator)  # compiles the glossary, untimed
    for line in sys.stdin:
        if line.strip() != "run":
            break
        digest = hashlib.sha256()
        tips = 0
        start = time.process_time()
        outs = [annotate_html(t, annotator) for t in texts]
        elapsed = time.process_time() - start
        for out in outs:
            digest.update(out.encode("utf-8"))
            tips += out.count('role="tooltip"')
        print(json.dumps({"seconds": elapsed, "sha256": digest.hexdigest(), "tips": tips,
                          "bytes": sum(len(t.encode("utf-8")) for t in texts)}), flush=True)


def _start(src: str, glossary: str, pages: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": src}
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", "--glossary", glossary, "--pages", str(pages)],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _ask(proc: subprocess.Popen[str]) -> dict[str, float | str]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("run\n")
    proc.stdin.flush()
    answer: dict[str, float | str] = json.loads(proc.stdout.readline())
    return answer


def compare(label: str, glossary: str, args: argparse.Namespace) -> None:
    """Run the rounds for one glossary and print one line."""
    this = str(ROOT / "src")
    sides = {"this": _start(this, glossary, args.pages)}
    if args.baseline:
        sides["baseline"] = _start(args.baseline, glossary, args.pages)
    results: dict[str, list[dict[str, float | str]]] = {k: [] for k in sides}
    for r in range(args.rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name in order:
            results[name].append(_ask(sides[name]))
    for proc in sides.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    first = results["this"][0]
    pps = [args.pages / float(x["seconds"]) for x in results["this"]]
    line = (f"| {label} | {first['tips']} | {statistics.median(pps):.1f} "
            f"(slowest {min(pps):.1f}) ")
    if args.baseline:
        if {x["sha256"] for x in results["this"] + results["baseline"]} != {first["sha256"]}:
            sys.exit(f"page_mode.py: the outputs differ ({label})")
        base = [args.pages / float(x["seconds"]) for x in results["baseline"]]
        ratios = [float(b["seconds"]) / float(t["seconds"])
                  for t, b in zip(results["this"], results["baseline"], strict=True)]
        line += (f"| {statistics.median(base):.1f} | **{statistics.median(ratios):.2f}×** "
                 f"| {min(ratios):.2f}× ")
    mb = float(first["bytes"]) / 1e6
    print(line + f"| {mb / statistics.median(float(x['seconds']) for x in results['this']):.1f} |",
          flush=True)


#: A Roman numeral in capitals (as glossator.text.french reads one, without importing it
#: here: the worker of either checkout imports its own).
_ROMAN = r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"


def _write_glossary(path: Path, size: int, corpus: Path, letters: bool = True) -> None:
    """A JSON glossary of ``size`` terms drawn as ``peers.py`` draws them; without
    ``letters``, the terms of one letter or that are a Roman numeral left out."""
    import re

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from benchlib import draw_glossaries

    terms = draw_glossaries(corpus, [size], 1)[size].terms
    if not letters:
        terms = [t for t in terms if len(t) > 1 and not re.fullmatch(_ROMAN, t.upper())]
    path.write_text(json.dumps(
        {"entries": [{"term": t, "definition": f"Définition de {t}."} for t in terms]},
        ensure_ascii=False), "utf-8")


def main() -> None:
    """Parse the options, run the rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", help="the src folder of the other checkout")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--large", type=int, default=100_000, metavar="N")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus",
                        help="the shared corpus (default ../shared/corpus)")
    parser.add_argument("--without-letters", action="store_true",
                        help="leave the drawn terms of one letter or that are a Roman "
                        "numeral (à, l, xi, dix…) out of the large glossary: a baseline "
                        "before the letter rules (docs/matching.md) writes other tooltips "
                        "for them, and the outputs must be identical")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--glossary", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.glossary, args.pages)
        return
    load = os.getloadavg()[0]
    print(f"{args.pages} real pages, {args.rounds} rounds, load {load:.1f} on "
          f"{os.cpu_count()} CPUs\n")
    head = "| glossary | tooltips | pages/s, this (slowest round) "
    head += "| pages/s, baseline | speed-up, median | slowest round " if args.baseline else ""
    print(head + "| MB/s |")
    print("|---" * (head.count("|")) + "|")
    compare("bundled", "", args)
    if args.large:
        with tempfile.TemporaryDirectory() as tmp:
            big = Path(tmp) / "big.json"
            _write_glossary(big, args.large, args.corpus, not args.without_letters)
            label = f"{args.large} entries" + (", no letters" if args.without_letters else "")
            compare(label, str(big), args)
    print(f"\nload average (1 min) after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
