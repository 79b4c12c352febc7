"""Batch runs on Dask against ``-j``: ``glossator annotate --output-dir`` (run by hand).

    .venv/bin/python benchmarks/dask_batch.py                  # 300 files, 5 rounds, ~3 min
    .venv/bin/python benchmarks/dask_batch.py --files 60 --rounds 2   # a quick look

Cuts the corpus (``../shared/corpus/text``) into ``--files`` text files of ``--kb`` kB
each, at line ends, and times the whole command that annotates them all to HTML in an
output directory (the bundled glossary), five ways:

* ``-j 1`` and ``-j 2``: one process, two worker processes (forked);
* ``--dask ADDRESS`` with a running ``LocalCluster`` of 1, then of 2 single-threaded worker
  processes (both clusters are started once, before the rounds: a cluster is up when a
  batch is sent to it);
* ``--dask local``: the command starts its own cluster (one worker per CPU) and stops it.

The variants run round-robin, one after the other in each round, so that the noise of a
shared machine falls on all of them alike; each figure is the median over the rounds, with
the slowest round beside it, and each ratio is taken within a round, against ``-j 1``,
then its median. Every variant's output tree is compared with ``-j 1``'s, byte for byte.

Prints a Markdown table and writes the records to
``benchmarks/results/dask-batch-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from benchlib import DEFAULT_CORPUS, RESULTS_DIR, cut_at_line, environment, load_bytes


def _files(folder: Path, count: int, kb: int, corpus: Path) -> int:
    """Write ``count`` files of about ``kb`` kB cut from the corpus; return their bytes."""
    data = load_bytes(corpus, count * kb / 1024 + 1)
    folder.mkdir()
    total = at = 0
    for i in range(count):
        piece = cut_at_line(data[at:], kb * 1024) or data[at : at + kb * 1024]
        at += len(piece)
        (folder / f"file-{i:04d}.txt").write_bytes(piece)
        total += len(piece)
    return total


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    """Start the clusters, run the rounds, print the table, write the records."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--kb", type=int, default=16, help="size of each file (kB)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="where to write the records; '-' for nowhere")
    args = parser.parse_args(argv)

    from distributed import LocalCluster

    from glossator.integrations.dask import LOCAL_CLUSTER

    glossator = [sys.executable, "-m", "glossator", "annotate"]
    with tempfile.TemporaryDirectory(prefix="glossator-dask-") as tmp, \
            LocalCluster(n_workers=1, threads_per_worker=1, **LOCAL_CLUSTER) as one, \
            LocalCluster(n_workers=2, threads_per_worker=1, **LOCAL_CLUSTER) as two:
        folder = Path(tmp)
        size = _files(folder / "in", args.files, args.kb, args.corpus)
        variants = {
            "-j 1": ["-j", "1"], "-j 2": ["-j", "2"],
            "dask, 1 worker": ["--dask", one.scheduler_address],
            "dask, 2 workers": ["--dask", two.scheduler_address],
            "--dask local (starts its cluster)": ["--dask", "local"],
        }
        times: dict[str, list[float]] = {name: [] for name in variants}
        for r in range(args.rounds):
            for name, extra in variants.items():
                out = folder / f"out-{r}-{len(times[name])}-{extra[-1].replace('/', '')}"
                times[name].append(_time([*glossator, str(folder / "in"), "--output-dir",
                                          str(out), *extra]))
                if r == 0 and name != "-j 1":
                    first = folder / f"out-0-0-{variants['-j 1'][-1]}"
                    assert _tree(out) == _tree(first), f"{name} wrote other files"
                shutil.rmtree(out) if r else None
            print(f"round {r + 1}: " + ", ".join(f"{n} {t[-1]:.2f} s"
                                                  for n, t in times.items()), file=sys.stderr)
    _report(args, size, times)


def _report(args: argparse.Namespace, size: int, times: dict[str, list[float]]) -> None:
    base = times["-j 1"]
    rows: list[dict[str, Any]] = []
    for name, runs in times.items():
        ratios = [b / t for b, t in zip(base, runs, strict=True)]
        rows.append({"variant": name, "median_s": statistics.median(runs),
                     "slowest_s": max(runs), "mb_per_s": size / 1e6 / statistics.median(runs),
                     "files_per_s": args.files / statistics.median(runs),
                     "speed_vs_j1": statistics.median(ratios), "runs_s": runs})
    print(f"\n{args.files} files of {args.kb} kB ({size / 1e6:.1f} MB), {args.rounds} rounds, "
          "round-robin; whole command, bundled glossary, HTML out\n")
    print("| variant | median (s) | slowest round (s) | MB/s | files/s | speed vs -j 1 |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['variant']} | {row['median_s']:.2f} | {row['slowest_s']:.2f} | "
              f"{row['mb_per_s']:.2f} | {row['files_per_s']:.0f} | "
              f"{row['speed_vs_j1']:.2f}× |")
    if args.json != Path("-"):
        target = args.json or RESULTS_DIR / f"dask-batch-{datetime.date.today()}.json"
        target.write_text(json.dumps({"environment": environment(), "files": args.files,
                                      "kb": args.kb, "bytes": size, "rounds": args.rounds,
                                      "rows": rows}, indent=2) + "\n", encoding="utf-8")
        print(f"\nrecords: {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
