"""Batch runs: ``glossator annotate --output-dir`` over many pages (run by hand).

    .venv/bin/python benchmarks/many_pages.py                 # 400 pages, ~2 min
    .venv/bin/python benchmarks/many_pages.py --pages 40 --large 0 --runs 1   # a quick look

Cuts the corpus (``../shared/corpus/text``) into ``--pages`` text files of ``--kb`` kB
each, at line ends, and times the whole command that annotates them all to HTML in an
output directory, with one process (``-j 1``) and with two (``-j 2``), for the bundled
glossary and for a JSON glossary of ``--large`` terms drawn as ``peers.py`` draws them,
read from a warm ``--cache-dir`` (the cache is filled by one untimed run first). Each
figure is the median of ``--runs`` runs; peak memory is the largest resident size of the
command or any of its workers (``ru_maxrss`` of the children, which Linux reports for the
largest one).

Prints a Markdown table and writes the records to
``benchmarks/results/many-pages-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from benchlib import DEFAULT_CORPUS, RESULTS_DIR, cut_at_line, load_bytes, require_corpus


def _pages(folder: Path, count: int, kb: int, corpus: Path) -> int:
    """Write ``count`` pages of about ``kb`` kB cut from the corpus; return their bytes."""
    data = load_bytes(corpus, count * kb / 1024 + 1)
    folder.mkdir()
    total = 0
    at = 0
    for i in range(count):
        piece = cut_at_line(data[at:], kb * 1024) or data[at : at + kb * 1024]
        at += len(piece)
        (folder / f"page-{i:04d}.txt").write_bytes(piece)
        total += len(piece)
    return total


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of ``cmd``: its own, or its largest
    worker's (Linux folds into a process's figure those of the children it waited for)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise subprocess.CalledProcessError(code, cmd)
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--kb", type=int, default=50, help="size of a page (kB)")
    parser.add_argument("--large", type=int, default=100_000, metavar="N",
                        help="entries of the large glossary (0 to skip it)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--write-pages", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_corpus(args.corpus, "text", *(["terms"] if args.large else []))
    if args.write_pages:
        print(_pages(args.write_pages, args.pages, args.kb, args.corpus))
        return

    records = []
    with tempfile.TemporaryDirectory(prefix="glossator-pages-") as tmp_name:
        tmp = Path(tmp_name)
        # the pages and the glossary are made in other processes: a child's peak memory
        # counts the pages of the parent it was forked from, so this one stays small
        size = int(subprocess.run(
            [sys.executable, __file__, "--write-pages", str(tmp / "pages"), "--pages",
             str(args.pages), "--kb", str(args.kb), "--corpus", str(args.corpus)],
            check=True, capture_output=True, text=True).stdout)
        glossaries: list[tuple[str, list[str]]] = [("bundled", [])]
        if args.large:
            big = tmp / "big.json"
            subprocess.run([sys.executable, str(Path(__file__).parent / "startup.py"),
                            "--write-glossary", str(big), "--large", str(args.large)],
                           check=True)
            glossaries.append((f"{args.large} entries, from `--cache-dir`",
                               ["-g", str(big), "--cache-dir", str(tmp / "cache")]))
        for label, options in glossaries:
            base = [sys.executable, "-m", "glossator", "annotate", str(tmp / "pages"),
                    "-f", "html", "-q", *options]
            if "--cache-dir" in options:
                _run([*base, "--output-dir", str(tmp / "warm")])  # fills the cache
            for jobs in (1, 2):
                times, peaks = [], []
                for _ in range(args.runs):
                    out = tmp / "out"
                    shutil.rmtree(out, ignore_errors=True)
                    elapsed, peak = _run([*base, "--output-dir", str(out), "-j", str(jobs)])
                    times.append(elapsed)
                    peaks.append(peak)
                record = {"glossary": label, "jobs": jobs, "pages": args.pages,
                          "bytes": size, "median_s": statistics.median(times),
                          "best_s": min(times), "peak_mb": max(peaks)}
                records.append(record)
                print(f"[{label}, -j {jobs}] {record['median_s']:.2f} s median, "
                      f"{record['best_s']:.2f} s best, {record['peak_mb']:.0f} MB",
                      file=sys.stderr)

    date = datetime.date.today().isoformat()
    print(f"\n{args.pages} pages of {args.kb} kB ({size / 1e6:.1f} MB) to HTML, "
          f"median of {args.runs} runs, {os.cpu_count()} CPUs\n")
    print("| glossary | `-j 1` | `-j 2` | peak memory (`-j 1` / `-j 2`) |")
    print("|---|---:|---:|---:|")
    for label, _ in glossaries:
        one, two = (next(r for r in records if r["glossary"] == label and r["jobs"] == j)
                    for j in (1, 2))
        print(f"| {label} | {one['median_s']:.1f} s | {two['median_s']:.1f} s "
              f"| {one['peak_mb']:.0f} / {two['peak_mb']:.0f} MB |")
    path = args.json or RESULTS_DIR / f"many-pages-{date}.json"
    path.write_text(json.dumps({"date": date, "records": records}, indent=2) + "\n",
                    "utf-8")
    print(f"\nrecords written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
