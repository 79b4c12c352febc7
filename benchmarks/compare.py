"""This checkout against another one, command for command, round-robin (run by hand).

    .venv/bin/python benchmarks/compare.py --baseline ../old/src [--rounds 7]

``--baseline`` is the ``src`` folder of another glossator checkout, with its C scanner
built in place. Each round runs every case once with this checkout's code and once with
the baseline's (in alternating order), through ``python -m glossator`` with
``PYTHONPATH`` set, so both pay the same start-up; the ratio this/baseline is taken round
by round, and the median and the slowest round's ratio are printed (a ratio under 1 means
this checkout is faster). The machine's drift cancels out of the ratios, not out of the
seconds.

Cases: start-up on a one-line file; the Code du travail (5.7 MB, ``../shared/corpus``)
annotated as text with the bundled glossary, and with 10 000 terms drawn from the
corpus's term lists; the same with ``--occurrences all -f json``; and 40 real HTML pages
(``tests/data/pages``) in page mode.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        sys.exit(f"compare.py: {what} is missing: {path} (the shared corpus sits next to "
                 "the checkout, in ../shared/corpus)")
    return path


def _terms(n: int) -> list[str]:
    """``n`` distinct terms from the corpus's term lists, in a fixed order."""
    seen: dict[str, None] = {}
    for name in ("corpus-acronyms.txt", "corpus-ngrams.txt", "mythes-fr-mwe.txt"):
        for line in _need(CORPUS / "terms" / name, "a term list").read_text(
                encoding="utf-8").splitlines():
            term = line.split("\t")[0].strip()
            if term and not term.startswith("#"):
                seen.setdefault(term, None)
            if len(seen) >= n:
                return list(seen)
    return list(seen)


def _cases(tmp: Path) -> dict[str, list[str]]:
    text = _need(CORPUS / "text" / "legal" / "code-du-travail.txt", "the Code du travail")
    small = tmp / "small.txt"
    small.write_text("Le Labo de l’ESS étudie les PTCE.\n", encoding="utf-8")
    big = tmp / "terms.json"
    big.write_text(json.dumps([{"term": t, "definition": "d"} for t in _terms(10_000)],
                              ensure_ascii=False), encoding="utf-8")
    pages = tmp / "pages"
    pages.mkdir()
    sources = sorted((ROOT / "tests" / "data" / "pages").glob("*.html.gz"))
    for i in range(40):
        src = sources[i % len(sources)]
        (pages / f"{i:02d}-{src.name[:-3]}").write_bytes(gzip.decompress(src.read_bytes()))
    cache = tmp / "cache@CACHE@"
    return {
        "start-up, one line": ["annotate", str(small), "-f", "text"],
        "5.7 MB, bundled, text": ["annotate", str(text), "-f", "text"],
        "5.7 MB, 10 000 terms, text": ["annotate", str(text), "-g", str(big), "-f", "text",
                                       "--cache-dir", str(cache), "-q"],
        "5.7 MB, 10 000 terms, all, json": ["annotate", str(text), "-g", str(big), "-f",
                                            "json", "--occurrences", "all", "--cache-dir",
                                            str(cache), "-q"],
        "40 pages, bundled, page mode": ["annotate", str(pages), "--output-dir",
                                         str(tmp / "out")],
    }


def _run(src: str, argv: list[str]) -> float:
    # each checkout keeps its own caches: two versions of the code must not read each
    # other's cache files
    argv = [a.replace("@CACHE@", f"-{abs(hash(src))}") if "@CACHE@" in a else a
            for a in argv]
    env = {**os.environ, "PYTHONPATH": src}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "glossator", *argv], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    """Parse the options, run the rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="the src folder of the other checkout")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("-o", "--output", help="also write the figures as JSON")
    args = parser.parse_args()
    this = str(ROOT / "src")
    with tempfile.TemporaryDirectory() as folder:
        cases = _cases(Path(folder))
        for argv in cases.values():  # warm up both (and fill both caches)
            _run(this, argv)
            _run(args.baseline, argv)
        ratios: dict[str, list[float]] = {name: [] for name in cases}
        seconds: dict[str, list[float]] = {name: [] for name in cases}
        for r in range(args.rounds):
            for name, argv in cases.items():
                order = (this, args.baseline) if r % 2 == 0 else (args.baseline, this)
                times = {src: _run(src, argv) for src in order}
                ratios[name].append(times[this] / times[args.baseline])
                seconds[name].append(times[this])
    print(f"{'case':34} {'this (s)':>9} {'ratio median':>13} {'slowest round':>14}")
    for name in cases:
        print(f"{name:34} {statistics.median(seconds[name]):9.3f} "
              f"{statistics.median(ratios[name]):13.3f} {max(ratios[name]):14.3f}")
    if args.output:
        Path(args.output).write_text(json.dumps({"rounds": args.rounds, "ratios": ratios,
                                                 "seconds": seconds}, indent=1) + "\n")


if __name__ == "__main__":
    main()
