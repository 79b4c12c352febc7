"""Time one tool on one text with one glossary, in a fresh interpreter (used by peers.py).

    .venv/bin/python benchmarks/worker.py TOOL TEXT_FILE [--terms FILE] [--repeat 3]

Reads the text (UTF-8) and the terms (one per line), notes the resident memory, imports
the tool with an untimed one-term build, then times ``repeat`` builds and ``repeat``
scans (fewer when one run exceeds ``--budget`` seconds) and prints one JSON line: the
median wall-clock and CPU times, every run, the number of matches and the peak resident memory
(``VmHWM`` on Linux, else ``ru_maxrss``) of the whole process.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from pathlib import Path
from typing import Any

from benchlib import TOOLS, rss_now_mb, rss_peak_mb


def measure(tool_name: str, text_file: Path, terms_file: Path | None, repeat: int,
            budget: float) -> dict[str, Any]:
    """Build and scan; return the record printed by :func:`main`."""
    tool = TOOLS[tool_name]
    data = text_file.read_bytes()
    text = data.decode("utf-8")
    nbytes = len(data)
    del data
    terms = terms_file.read_text(encoding="utf-8").splitlines() if terms_file else []
    gc.collect()
    rss_base = rss_now_mb()

    tool.build(["x"], {})  # imports the library, untimed
    info: dict[str, Any] = {}
    built: Any = None
    build_runs: list[float] = []
    build_cpu: list[float] = []
    for _ in range(repeat):
        built = None
        gc.collect()
        info = {}
        t, c = time.perf_counter(), time.process_time()
        built = tool.build(terms, info)
        build_runs.append(time.perf_counter() - t)
        build_cpu.append(time.process_time() - c)
        if build_runs[-1] > budget:
            break

    inp = tool.prepare(text) if tool.prepare else text
    scan_runs: list[float] = []
    scan_cpu: list[float] = []
    matches = 0
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        found = tool.scan(built, inp)
        scan_runs.append(time.perf_counter() - t)
        scan_cpu.append(time.process_time() - c)
        matches = len(found)
        del found
        if scan_runs[-1] > budget:
            break

    peak = rss_peak_mb()
    return {
        "tool": tool_name,
        "entries": len(terms),
        "text_bytes": nbytes,
        "text_chars": len(text),
        "build_s": statistics.median(build_runs),
        "build_runs": build_runs,
        "build_cpu_s": statistics.median(build_cpu),
        "scan_s": statistics.median(scan_runs),
        "scan_runs": scan_runs,
        "scan_cpu_s": statistics.median(scan_cpu),
        "matches": matches,
        "rss_base_mb": rss_base,
        "rss_peak_mb": peak,
        "rss_delta_mb": peak - rss_base,
        "info": info,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tool", choices=sorted(TOOLS))
    parser.add_argument("text", type=Path, help="UTF-8 text file to scan")
    parser.add_argument("--terms", type=Path, help="glossary: one term per line")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each phase (median)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="no more runs of a phase after one that took longer (s)")
    args = parser.parse_args()
    print(json.dumps(measure(args.tool, args.text, args.terms, args.repeat, args.budget)))


if __name__ == "__main__":
    main()
