"""Batch runs on Dask against ``-j``: ``glossator annotate --output-dir`` (run by hand).

    .venv/bin/python benchmarks/dask_batch.py                  # 300 files, 5 rounds, ~15 min
    .venv/bin/python benchmarks/dask_batch.py --files 60 --rounds 2 --large 0   # a quick look

Cuts the corpus (``../shared/corpus/text``) into ``--files`` text files of ``--kb`` kB
each, at line ends, and times the whole command that annotates them all to HTML in an
output directory, five ways:

* ``-j 1`` and ``-j 2``: one process, two worker processes (forked);
* ``--dask ADDRESS`` with a running ``LocalCluster`` of 1, then of 2 single-threaded worker
  processes (both clusters are started once, before the rounds: a cluster is up when a
  batch is sent to it);
* ``--dask local``: the command starts its own cluster (one worker per CPU) and stops it.

Two glossaries: the bundled one, and ``--large`` entries drawn as ``startup.py`` draws
them (from ``--corpus``), read from a ``--cache-dir`` that one untimed run fills first
(the workers, on this machine, map it from there too).

Each way also annotates one file alone, in the same round: its time is the command's
fixed cost (start-up, the glossary, for Dask the import of ``distributed``, the
connection, the workers building the job), and ``files/s net`` is the rate beyond it,
``(files - 1) / (time - time of one file)``, taken within each round.

The variants run round-robin, one after the other in each round, so that the noise of a
shared machine falls on all of them alike; each figure is the median over the rounds, with
the slowest round beside it, and each ratio is taken within a round, against ``-j 1``,
then its median. Every variant's output tree is compared with ``-j 1``'s, byte for byte.

Prints Markdown tables and writes the records to
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
from benchlib import (
    DEFAULT_CORPUS,
    RESULTS_DIR,
    cut_at_line,
    draw_glossaries,
    environment,
    load_bytes,
)


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
    """Start the clusters, run the rounds of each glossary, print the tables, write the
    records."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--kb", type=int, default=16, help="size of each file (kB)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--large", type=int, default=100_000, metavar="N",
                        help="entries of the large glossary (0 to skip it)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="where to write the records; '-' for nowhere")
    args = parser.parse_args(argv)

    from distributed import LocalCluster

    from glossator.cluster import LOCAL_CLUSTER

    records: dict[str, Any] = {"environment": environment(), "files": args.files,
                               "kb": args.kb, "rounds": args.rounds, "series": []}
    with tempfile.TemporaryDirectory(prefix="glossator-dask-") as tmp, \
            LocalCluster(n_workers=1, threads_per_worker=1, **LOCAL_CLUSTER) as one, \
            LocalCluster(n_workers=2, threads_per_worker=1, **LOCAL_CLUSTER) as two:
        folder = Path(tmp)
        records["bytes"] = _files(folder / "in", args.files, args.kb, args.corpus)
        (folder / "alone").mkdir()
        shutil.copy(folder / "in" / "file-0000.txt", folder / "alone")
        variants = {
            "-j 1": ["-j", "1"], "-j 2": ["-j", "2"],
            "dask, 1 worker": ["--dask", one.scheduler_address],
            "dask, 2 workers": ["--dask", two.scheduler_address],
            "--dask local": ["--dask", "local"],
        }
        for label, options in _glossaries(args, folder):
            base = [sys.executable, "-m", "glossator", "annotate", "-q", *options]
            if "--cache-dir" in options:  # fills the cache
                _time([*base, str(folder / "alone"), "--output-dir", str(folder / "warm")])
            times = _rounds(args.rounds, base, folder, variants)
            rows = _rows(args.files, records["bytes"], times)
            records["series"].append({"glossary": label, "rows": rows})
            _print(args, records["bytes"], label, rows)
    if args.json != Path("-"):
        target = args.json or RESULTS_DIR / f"dask-batch-{datetime.date.today()}.json"
        target.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
        print(f"\nrecords: {target}", file=sys.stderr)


def _glossaries(args: argparse.Namespace, folder: Path) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = [("bundled", [])]
    if args.large:
        big = folder / "big.json"
        terms = draw_glossaries(args.corpus, [args.large], 1)[args.large].terms
        big.write_text(json.dumps(  # as startup.py writes it
            {"entries": [{"term": t, "definition": f"Définition de {t}."} for t in terms]},
            ensure_ascii=False), "utf-8")
        found.append((f"{args.large} entries, from `--cache-dir`",
                      ["-g", str(big), "--cache-dir", str(folder / "cache")]))
    return found


def _rounds(rounds: int, base: list[str], folder: Path,
            variants: dict[str, list[str]]) -> dict[str, list[tuple[float, float]]]:
    """For each variant and round: the time of all the files, and of one file alone."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for r in range(rounds):
        for name, extra in variants.items():
            out = folder / f"out-{list(variants).index(name)}"
            shutil.rmtree(out, ignore_errors=True)  # -j 1's, kept for the comparisons
            all_files = _time([*base, str(folder / "in"), "--output-dir", str(out), *extra])
            alone = _time([*base, str(folder / "alone"), "--output-dir",
                           str(folder / "out-alone"), *extra])
            times[name].append((all_files, alone))
            if r == 0 and name != "-j 1":
                assert _tree(out) == _tree(folder / "out-0"), f"{name} wrote other files"
            shutil.rmtree(folder / "out-alone")
            if name != "-j 1":
                shutil.rmtree(out)
        print(f"round {r + 1}: " + ", ".join(f"{n} {t[-1][0]:.2f} s ({t[-1][1]:.2f} s)"
                                              for n, t in times.items()), file=sys.stderr)
    return times


def _rows(files: int, size: int,
          times: dict[str, list[tuple[float, float]]]) -> list[dict[str, Any]]:
    base = [t for t, _ in times["-j 1"]]
    rows: list[dict[str, Any]] = []
    for name, runs in times.items():
        whole = [t for t, _ in runs]
        # a round where one file took as long as all of them (noise) tells nothing
        net = [(files - 1) / (t - a) for t, a in runs if t > a]
        rows.append({
            "variant": name, "median_s": statistics.median(whole), "slowest_s": max(whole),
            "one_file_s": statistics.median(a for _, a in runs),
            "mb_per_s": size / 1e6 / statistics.median(whole),
            "files_per_s_net": statistics.median(net) if net else None,
            "net_rounds": len(net),
            "speed_vs_j1": statistics.median(b / t for b, t in zip(base, whole, strict=True)),
            "runs_s": runs,
        })
    return rows


def _print(args: argparse.Namespace, size: int, label: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{label} glossary: {args.files} files of {args.kb} kB ({size / 1e6:.1f} MB) "
          f"to HTML, {args.rounds} rounds, round-robin, whole command\n")
    print("| variant | median (s) | slowest round (s) | one file (s) | MB/s "
          "| files/s net | speed vs -j 1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['variant']} | {row['median_s']:.2f} | {row['slowest_s']:.2f} | "
              f"{row['one_file_s']:.2f} | {row['mb_per_s']:.2f} | "
              f"{_net(row)} | {row['speed_vs_j1']:.2f}× |")


def _net(row: dict[str, Any]) -> str:
    """The net rate, and over how many rounds when some told nothing."""
    if row["files_per_s_net"] is None:
        return "–"
    rounds = len(row["runs_s"])
    seen = f" ({row['net_rounds']}/{rounds} rounds)" if row["net_rounds"] < rounds else ""
    return f"{row['files_per_s_net']:.0f}{seen}"


if __name__ == "__main__":
    main()
