"""Start-up time of ``glossator annotate`` on a one-line file (run by hand).

    .venv/bin/python benchmarks/startup.py [--runs 20] [--large 100000]

Prints the median and best wall time of the whole command (interpreter start, imports,
loading and compiling the bundled glossary, annotating, writing), and the same for a bare
``python -c pass`` as the floor.

With ``--large N`` (0 to skip), it also times the same command with a JSON glossary of N
terms drawn from ``../shared/corpus/terms`` (as ``peers.py`` draws them) and
``--cache-dir``: the first run (reading, checking and compiling, then filling the cache)
and the runs after it (from the cache).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(cmd: list[str], runs: int) -> list[float]:
    return [t for t, _ in _runs(cmd, runs)]


def _runs(cmd: list[str], runs: int) -> list[tuple[float, float]]:
    """Wall time (s) and peak resident memory (MB) of each of ``runs`` runs of ``cmd``."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        out.append((elapsed, usage.ru_maxrss / 1024))  # KiB on Linux
    return out


def _write_glossary(path: Path, size: int) -> None:
    """A JSON glossary of ``size`` terms drawn as ``peers.py`` draws them."""
    sys.path.insert(0, str(Path(__file__).parent))
    from benchlib import DEFAULT_CORPUS, draw_glossaries

    terms = draw_glossaries(DEFAULT_CORPUS, [size], 1)[size].terms
    path.write_text(json.dumps(
        {"entries": [{"term": t, "definition": f"Définition de {t}."} for t in terms]},
        ensure_ascii=False), "utf-8")


def _large(tmp: Path, one: Path, size: int, runs: int) -> None:
    # drawn in another process: a child's peak memory (ru_maxrss) counts the parent's
    # pages it was forked with, so the parent must stay small
    big = tmp / "big.json"
    subprocess.run([sys.executable, __file__, "--write-glossary", str(big), "--large",
                    str(size)], check=True)
    cmd = [sys.executable, "-m", "glossator", "annotate", str(one), "-g", str(big), "-f",
           "text", "-q", "--cache-dir", str(tmp / "cache")]
    (first, first_mb), = _runs(cmd, 1)
    again = _runs(cmd, runs)
    times = [t for t, _ in again]
    print(f"\n| {size} entries, `--cache-dir` | time | peak memory |")
    print("|---|---|---|")
    print(f"| first run (read, check, compile, fill the cache) | {first:.2f} s "
          f"| {first_mb:.0f} MB |")
    print(f"| next runs (from the cache), median of {runs} | {statistics.median(times):.2f} s "
          f"| {statistics.median(mb for _, mb in again):.0f} MB |")
    print(f"| best | {min(times):.2f} s | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--large", type=int, default=100_000, metavar="N")
    parser.add_argument("--write-glossary", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.large:  # the large glossary is drawn from the corpus's term lists
        sys.path.insert(0, str(Path(__file__).parent))
        from benchlib import DEFAULT_CORPUS, require_corpus

        require_corpus(DEFAULT_CORPUS, "terms")
    if args.write_glossary:
        _write_glossary(args.write_glossary, args.large)
        return
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("En juin 2017, le Labo de l’ESS publiait son rapport sur les PTCE.\n")
        rows = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "glossator annotate one.txt -f text": [
                sys.executable, "-m", "glossator", "annotate", str(one), "-f", "text"
            ],
            "glossator annotate one.txt -f html": [
                sys.executable, "-m", "glossator", "annotate", str(one), "-f", "html"
            ],
            "glossator annotate one.txt -f terminal": [
                sys.executable, "-m", "glossator", "annotate", str(one), "-f", "terminal"
            ],
        }
        print(f"| command | median | best |  ({args.runs} runs)")
        print("|---|---|---|")
        for label, cmd in rows.items():
            times = _time(cmd, args.runs)
            print(f"| `{label}` | {statistics.median(times) * 1000:.0f} ms "
                  f"| {min(times) * 1000:.0f} ms |")
        if args.large:
            _large(Path(tmp), one, args.large, max(3, args.runs // 4))


if __name__ == "__main__":
    main()
