"""Start-up time of ``glossator annotate`` on a one-line file (run by hand).

    .venv/bin/python benchmarks/startup.py [--runs 20]

Prints the median and best wall time of the whole command (interpreter start, imports,
loading and compiling the bundled glossary, annotating, writing), and the same for a bare
``python -c pass`` as the floor.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
