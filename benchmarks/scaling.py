"""How glossator's time and memory grow with the text and with the glossary (run by hand).

    .venv/bin/python benchmarks/scaling.py                 # ~5 min
    .venv/bin/python benchmarks/scaling.py --text-mb 1,10 --entries 10,1000 --repeat 1

Two series, each point in a fresh interpreter (``worker.py``, as in ``peers.py``, importing
glossator from a copy of ``src/glossator`` made at the start):

* text: ``Matcher.find`` with the 1 000-entry glossary over the first 1 and 10 MB of the
  corpus and over the corpus repeated to 100 MB — the time per MB should stay flat;
* glossary: build (``Glossary.from_dicts`` + ``compiled()``) of the 1 000 to 100 000-entry
  glossaries, with a 10 kB text so that the peak memory is the compiled glossary's.

Prints Markdown tables and writes the records to ``benchmarks/results/scaling-<date>.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_CORPUS,
    MB,
    cut_at_line,
    draw_glossaries,
    environment,
    fmt,
    glossator_src_sha256,
    load_bytes,
    markdown_table,
    repeat_to,
    run_worker,
    snapshot_glossator,
    write_results,
)


def _ints(value: str) -> list[int]:
    return sorted({int(v.replace("_", "")) for v in value.split(",") if v.strip()})


def main(argv: list[str] | None = None) -> None:
    """Run both series, print the tables, write the JSON records."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-mb", type=_ints, default=[1, 10, 100],
                        help="text sizes in MB (the corpus is repeated past its size)")
    parser.add_argument("--glossary", type=int, default=1000,
                        help="glossary size of the text series (default 1000)")
    parser.add_argument("--entries", type=_ints, default=[1000, 10000, 100000],
                        help="glossary sizes of the build series")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="a phase taking longer (s) is not repeated")
    parser.add_argument("--timeout", type=float, default=1200.0,
                        help="kill a run after this many seconds")
    parser.add_argument("--seed", type=int, default=1, help="seed of the drawn glossaries")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="where to write the records; '-' for nowhere")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    env = environment()
    corpus = load_bytes(args.corpus)
    glossaries = draw_glossaries(args.corpus, {args.glossary, *args.entries}, args.seed)
    text_runs: list[dict[str, Any]] = []
    build_runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="glossator-scaling-") as tmp:
        folder = Path(tmp)
        glossator_src = snapshot_glossator(folder)
        env["glossator_src_sha256"] = glossator_src_sha256(glossator_src / "glossator")
        terms: dict[int, Path] = {}
        for size, g in glossaries.items():
            terms[size] = folder / f"terms-{size}.txt"
            terms[size].write_text("\n".join(g.terms) + "\n", encoding="utf-8")
        small = folder / "text-10kB.txt"
        small.write_bytes(cut_at_line(corpus, 10_000))
        for mb in args.text_mb:
            path = folder / f"text-{mb}MB.txt"
            path.write_bytes(repeat_to(corpus, mb * MB))
            record = run_worker("glossator", path, terms[args.glossary], repeat=args.repeat,
                                budget=args.budget, timeout=args.timeout,
                                glossator_src=glossator_src)
            record["mb"] = mb
            text_runs.append(record)
            path.unlink()
            _log(f"text {mb} MB: {_brief(record)}", started)
        del corpus
        for size in args.entries:
            record = run_worker("glossator", small, terms[size], repeat=args.repeat,
                                budget=args.budget, timeout=args.timeout,
                                glossator_src=glossator_src)
            record["size"] = size
            build_runs.append(record)
            _log(f"build {size}: {_brief(record)}", started)

    result = {
        "benchmark": "scaling",
        "environment": env,
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "glossaries": {str(s): {"composition": g.composition, "sha256": g.sha256}
                       for s, g in glossaries.items()},
        "elapsed_s": time.perf_counter() - started,
        "text_series": text_runs,
        "build_series": build_runs,
    }
    print(report(result))
    write_results(result, args.json, "scaling")


def _log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)


def _brief(r: dict[str, Any]) -> str:
    if "scan_s" not in r:
        return str(r.get("error"))
    return (f"build {fmt(r['build_s'])} s, find {fmt(r['scan_s'])} s, {r['matches']} matches, "
            f"peak {r['rss_peak_mb']:.0f} MB")


def report(result: dict[str, Any]) -> str:
    """The Markdown tables of both series."""
    env, settings = result["environment"], result["settings"]
    out = [
        f"## glossator scaling — {env['date']}",
        "",
        f"{env['cpus']} CPUs, Python {env['python']}, glossator at "
        f"{env['glossator_commit'] or '?'}"
        + (" with local changes" if env["glossator_src_modified"] else "")
        + f" (src sha256 {env['glossator_src_sha256']}); median of {settings['repeat']} runs; "
        f"run took {result['elapsed_s'] / 60:.1f} min.",
        "",
        f"### `Matcher.find` with the {fmt(settings['glossary'])}-entry glossary, "
        "by text size",
        "",
    ]
    rows = []
    base = None
    for r in result["text_series"]:
        if "scan_s" not in r:
            rows.append([r["mb"], r.get("error", ""), *[""] * 7])
            continue
        mb = r["text_bytes"] / MB
        per_mb = r["scan_s"] / mb
        base = base or per_mb
        rows.append([
            fmt(mb), fmt(r["scan_s"]), fmt(per_mb * 1000), f"{per_mb / base:.2f}",
            fmt(mb / r["scan_s"]), fmt(r["matches"]), fmt(r["matches"] / mb),
            fmt(r["rss_peak_mb"]), fmt(r["rss_delta_mb"] / mb),
        ])
    out += [markdown_table(
        ["text MB", "find s", "ms per MB", "÷ first", "MB/s", "matches", "matches/MB",
         "peak RSS MB", "Δ RSS per text MB"], rows), ""]
    out += ["Past the corpus's own size the text is the corpus repeated. *÷ first*: time per "
            "MB relative to the smallest text (1.00 = linear).", ""]
    out += ["### Build of the glossary (`Glossary.from_dicts` + `compiled()`), by size", ""]
    rows = []
    for r in result["build_series"]:
        if "build_s" not in r:
            rows.append([fmt(r["size"]), "", "", "", "", "", "", r.get("error", "")])
            continue
        info = r.get("info", {})
        rows.append([
            fmt(r["size"]), fmt(r["build_s"]), fmt(info.get("from_dicts_s")),
            fmt(info.get("compile_s")), fmt(r["build_s"] / r["size"] * 1e6),
            fmt(r["rss_peak_mb"]), fmt(r["rss_delta_mb"]),
            f"{info.get('forms')} forms, {info.get('diagnostics', 0)} glossary warnings",
        ])
    out += [markdown_table(
        ["entries", "build s", "from_dicts s", "compile s", "µs per entry", "peak RSS MB",
         "Δ RSS MB", "note"], rows), ""]
    out += ["Peak RSS: high-water resident memory (`VmHWM`) of the interpreter, which also "
            "scanned a 10 kB text; Δ RSS: over the memory once the text and terms were loaded "
            "(includes importing glossator)."]
    return "\n".join(out)


if __name__ == "__main__":
    main()
