"""One huge text file: memory and throughput of ``glossator annotate`` streamed and whole
(run by hand, never by the tests).

    .venv/bin/python benchmarks/streaming.py                      # 10 MB, 100 MB, 2 GB
    .venv/bin/python benchmarks/streaming.py --sizes 10 --rounds 1  # a quick look

Builds text files of each ``--sizes`` (MB of 10**6 bytes) by repeating the corpus
(``../shared/corpus/text``, cut at a line end) in a temporary folder, and times the whole
command ``glossator annotate FILE -f text -o /dev/null`` with the bundled glossary (or
``--glossary FILE``):

* **streamed**: the default for a text file longer than a chunk (bounded memory);
* **whole**: the same command with ``GLOSSATOR_STREAM_CHUNK`` larger than the file, which
  reads the file whole (at most 1 GiB: not run at 2 GB).

The two are run round-robin, ``--rounds`` times each, at every size below 1 GB; the
median and the slowest round are given. Peak memory is the command's largest resident
size (``ru_maxrss`` from ``os.wait4``). The file of each size is removed before the next
is written; the folder is checked for room first.

Prints a Markdown table and writes the records to
``benchmarks/results/streaming-<date>.json``.
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
from benchlib import DEFAULT_CORPUS, MB, REPO, RESULTS_DIR, cut_at_line, load_bytes

WHOLE_LIMIT = 1 << 30  # glossator reads at most this much whole


def _build(path: Path, size: int, corpus: Path) -> int:
    """A file of about ``size`` bytes: the corpus again and again, cut at a line end."""
    data = load_bytes(corpus)
    written = 0
    with path.open("wb") as out:
        while written < size:
            piece = data if size - written >= len(data) else (
                cut_at_line(data, size - written) or data[: size - written])
            out.write(piece)
            written += len(piece)
    return written


def _run(path: Path, streamed: bool, glossary: Path | None = None) -> tuple[float, float]:
    """Seconds and peak resident MB of one ``glossator annotate`` of ``path``."""
    env = dict(os.environ)
    if not streamed:
        env["GLOSSATOR_STREAM_CHUNK"] = str(1 << 40)
    else:
        env.pop("GLOSSATOR_STREAM_CHUNK", None)
    start = time.perf_counter()
    extra = ["-q", "-g", str(glossary)] if glossary is not None else []
    proc = subprocess.Popen([sys.executable, "-m", "glossator", "annotate", str(path), "-f",
                             "text", "-o", os.devnull, *extra], env=env, cwd=REPO,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"glossator failed on {path}: {err.decode(errors='replace').strip()}")
    return seconds, usage.ru_maxrss / 1024


def _measure(path: Path, size: int, rounds: int,
             glossary: Path | None = None) -> list[dict[str, object]]:
    modes = ["streamed", "whole"] if size <= WHOLE_LIMIT else ["streamed"]
    runs: dict[str, list[tuple[float, float]]] = {m: [] for m in modes}
    for _ in range(rounds):  # round-robin: the machine's noise falls on both
        for mode in modes:
            runs[mode].append(_run(path, mode == "streamed", glossary))
    records = []
    for mode in modes:
        seconds = [s for s, _ in runs[mode]]
        records.append({
            "mode": mode, "mb": size / MB, "runs": len(seconds),
            "glossary": str(glossary) if glossary is not None else "bundled",
            "seconds_median": statistics.median(seconds), "seconds_max": max(seconds),
            "mb_per_s_median": size / MB / statistics.median(seconds),
            "mb_per_s_slowest": size / MB / max(seconds),
            "peak_rss_mb": max(r for _, r in runs[mode]),
        })
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[10, 100, 2000],
                        help="file sizes in MB (default: 10 100 2000)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each mode per size, round-robin (default 3; 1 at "
                        "sizes over 1 GB)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--glossary", type=Path,
                        help="a glossary file instead of the bundled one (say "
                        "../shared/corpus/glossaries/sigles.csv)")
    args = parser.parse_args()
    if not (args.corpus / "text").is_dir():
        sys.exit(f"benchmarks/streaming.py needs the corpus: no {args.corpus / 'text'} "
                 "(see benchmarks/benchlib.py)")
    records: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as folder:
        for mb in args.sizes:
            size = int(mb * MB)
            free = shutil.disk_usage(folder).free
            if free < size * 1.5:
                sys.exit(f"not enough room in {args.tmp}: {free // MB} MB free for a "
                         f"{size // MB} MB file")
            path = Path(folder) / f"text-{int(mb)}mb.txt"
            real = _build(path, size, args.corpus)
            rounds = args.rounds if real <= WHOLE_LIMIT else 1
            records += _measure(path, real, rounds, args.glossary)
            path.unlink()
    print("| size | mode | MB/s (median) | MB/s (slowest) | peak RSS (MB) | runs |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in records:
        print(f"| {r['mb']:.0f} MB | {r['mode']} | {r['mb_per_s_median']:.2f} | "
              f"{r['mb_per_s_slowest']:.2f} | {r['peak_rss_mb']:.0f} | {r['runs']} |")
    RESULTS_DIR.mkdir(exist_ok=True)
    tag = f"-{args.glossary.stem}" if args.glossary is not None else ""
    out = RESULTS_DIR / f"streaming{tag}-{datetime.date.today().isoformat()}.json"
    out.write_text(json.dumps({"records": records, "cpus": os.cpu_count(),
                               "note": "shared machine (2 cores, ~8 engineers): noisy"},
                              indent=1) + "\n", "utf-8")
    print(f"written: {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
