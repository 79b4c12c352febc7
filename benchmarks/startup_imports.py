"""Every module ``glossator annotate`` on a one-line file imports, and what each costs (run
by hand).

    .venv/bin/python benchmarks/startup_imports.py [--runs 9] [--top 40]

Runs the command ``--runs`` times under ``python -X importtime``, as the installed
``glossator`` script starts it (``import re`` first), and prints each module's smallest
own import time (microseconds, without the modules it imports) and smallest cumulative
time over the runs, largest first: the smallest, because the machine is shared and
noise only ever adds. ``-X importtime`` itself makes imports slower: read the figures as
shares, and time the whole command with ``farm-bench`` or ``startup.py``. With
``PYTHONPATH=OTHER/src`` it measures another checkout. Compile the bytecode first
(``python -m compileall -q src``) where ``PYTHONDONTWRITEBYTECODE`` is set.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

SMALL = "En juin 2017, le Labo de l’ESS publiait son rapport sur les PTCE.\n"


def import_times(runs: int, name: str) -> dict[str, tuple[int, int]]:
    """Each module's smallest (own, cumulative) import time in µs over ``runs`` runs."""
    own: dict[str, list[int]] = defaultdict(list)
    cumulative: dict[str, list[int]] = defaultdict(list)
    code = ("import re, sys\nfrom glossator.cli import main\n"
            f"sys.exit(main(['annotate', {name!r}]))")
    for _ in range(runs):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                             capture_output=True, text=True, check=True).stderr
        for line in err.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative_us, module = line.removeprefix("import time:").split("|")
            own[module.strip()].append(int(self_us))
            cumulative[module.strip()].append(int(cumulative_us))
    return {m: (min(own[m]), min(cumulative[m])) for m in own}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--top", type=int, default=40, help="rows shown (0: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "small.txt")
        with open(small, "w", encoding="utf-8") as out:
            out.write(SMALL)
        times = import_times(args.runs, small)
    rows = sorted(times.items(), key=lambda item: -item[1][0])
    glossator = [m for m in times if m == "glossator" or m.startswith("glossator.")]
    print(f"{len(times)} modules ({len(glossator)} of glossator), their own times adding "
          f"up to {sum(t for t, _ in times.values()) / 1000:.1f} ms (smallest of "
          f"{args.runs} runs)\n")
    print("| module | own µs | cumulative µs |")
    print("|---|---:|---:|")
    for module, (own, cumulative) in rows[: args.top or None]:
        print(f"| `{module}` | {own} | {cumulative} |")


if __name__ == "__main__":
    main()
