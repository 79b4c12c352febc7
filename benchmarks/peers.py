"""glossator side by side with its peers, on the same text and glossaries (run by hand).

    .venv/bin/python benchmarks/peers.py                       # the full run, ~10 min
    .venv/bin/python benchmarks/peers.py --mb 2 --sizes 10,1000 --repeat 1   # a quick look

The text is every file of ``../shared/corpus/text`` concatenated (≈ 32 MB), or its first
``--mb`` MB. The glossaries have 10 (the fixed ESS list), 1 000, 10 000 and 100 000 terms
drawn with a fixed seed from ``../shared/corpus/terms`` (see ``benchlib.draw_glossary``).

Each (tool, size) runs in a fresh interpreter (``worker.py``), so that its peak memory
(``VmHWM``, else ``ru_maxrss``) is its own and no tool warms a cache for another. The
workers import glossator from a copy of ``src/glossator`` made at the start, so that one
run measures one version even while others edit the sources. Build and scan are each
timed ``--repeat`` times and the median is reported (a phase whose run takes longer than
``--budget`` seconds is not repeated). spaCy and the one-regex
alternation are too slow for the whole text: they are timed on a sample (``--spacy-mb``,
``--regex-kb``) made of 8 runs of lines spread over the text, and the table says so. The
regex, which slows down in proportion to the glossary, gets a sample ten times smaller
when its last timing predicts a scan over the budget, and is skipped as "too slow" when
even that one would be.

Prints Markdown tables and writes the records to ``benchmarks/results/peers-<date>.json``.
Figures move from machine to machine and within a run: compare tools within one run.
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
    TOOLS,
    draw_glossaries,
    environment,
    fmt,
    glossator_src_sha256,
    load_bytes,
    markdown_table,
    run_worker,
    sample,
    snapshot_glossator,
    write_results,
)

PEERS = ("glossator", "flashtext", "pyahocorasick", "spacy", "regex")
REFERENCES = ("bytes", "lower")


def _sizes(value: str) -> list[int]:
    try:
        sizes = sorted({int(v.replace("_", "")) for v in value.split(",") if v.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of integers: {value!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def _tools(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in TOOLS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown tool(s) {unknown}; choose from {list(TOOLS)}")
    return names


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, help="use only the first N MB of the text")
    parser.add_argument("--sizes", type=_sizes, default=_sizes("10,1000,10000,100000"),
                        help="glossary sizes (default: 10,1000,10000,100000)")
    parser.add_argument("--tools", type=_tools, default=[*REFERENCES, *PEERS],
                        help=f"comma-separated subset of {','.join(TOOLS)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the drawn glossaries")
    parser.add_argument("--spacy-mb", type=float, default=1.0,
                        help="size of the sample spaCy is timed on (MB)")
    parser.add_argument("--regex-kb", type=float, default=100.0,
                        help="size of the sample the regex alternation is timed on (kB)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="a phase taking longer (s) is not repeated; for the regex, "
                             "the larger glossaries are then skipped")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="kill a tool run after this many seconds")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"corpus folder (default: {DEFAULT_CORPUS})")
    parser.add_argument("--json", type=Path,
                        help="where to write the records (default: "
                             "benchmarks/results/peers-<date>.json); '-' for nowhere")
    return parser.parse_args(argv)


def _log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run every (tool, size) in its own interpreter; return the whole report as data."""
    started = time.perf_counter()
    env = environment()
    data = load_bytes(args.corpus, args.mb)
    glossaries = draw_glossaries(args.corpus, args.sizes, args.seed)
    _log(f"text {len(data) / MB:.1f} MB; glossaries {', '.join(map(str, args.sizes))} drawn",
         started)
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="glossator-peers-") as tmp:
        folder = Path(tmp)
        glossator_src = snapshot_glossator(folder)
        env["glossator_src_sha256"] = glossator_src_sha256(glossator_src / "glossator")
        texts = {
            "all": data,
            "spacy": sample(data, int(args.spacy_mb * MB)),
            "regex": sample(data, int(args.regex_kb * 1000)),
            "regex/10": sample(data, int(args.regex_kb * 100)),
        }
        files = {}
        for name, content in texts.items():
            files[name] = folder / f"text-{name.replace('/', '-')}.txt"
            files[name].write_bytes(content)
        del data, texts
        terms_files = {}
        for size, g in glossaries.items():
            terms_files[size] = folder / f"terms-{size}.txt"
            terms_files[size].write_text("\n".join(g.terms) + "\n", encoding="utf-8")

        plan: list[tuple[str, int | None]] = [(t, None) for t in REFERENCES if t in args.tools]
        plan += [(t, s) for s in args.sizes for t in PEERS if t in args.tools]
        last_regex: dict[str, Any] | None = None
        for tool, size in plan:
            which = tool if tool in ("spacy", "regex") else "all"
            skipped = None
            if tool == "regex" and last_regex is not None and size is not None:
                which, skipped = _regex_sample(last_regex, size, files, args.budget)
            if skipped:
                record: dict[str, Any] = {"tool": tool, "skipped": skipped}
            else:
                record = run_worker(
                    tool, files[which], terms_files[size] if size else None,
                    repeat=args.repeat, budget=args.budget, timeout=args.timeout,
                    glossator_src=glossator_src,
                )
            record.update(tool=tool, label=TOOLS[tool].label, size=size, text=which,
                          repeat=args.repeat, glossator_snapshot=env["glossator_src_sha256"])
            _derive(record)
            records.append(record)
            _log(_progress(record), started)
            if tool == "regex":
                last_regex = record
    return {
        "benchmark": "peers",
        "environment": env,
        "settings": {
            "mb": args.mb, "sizes": args.sizes, "tools": args.tools, "repeat": args.repeat,
            "seed": args.seed, "spacy_mb": args.spacy_mb, "regex_kb": args.regex_kb,
            "budget_s": args.budget, "corpus": str(args.corpus),
        },
        "glossaries": {
            str(s): {"composition": g.composition, "sha256": g.sha256, "first": g.terms[:8]}
            for s, g in glossaries.items()
        },
        "elapsed_s": time.perf_counter() - started,
        "records": records,
    }


def _regex_sample(
    last: dict[str, Any], size: int, files: dict[str, Path], budget: float
) -> tuple[str, str | None]:
    """The sample to time the regex on at ``size`` entries, or why it is skipped.

    The scan time of one alternation grows with the text and with the number of terms:
    the last record predicts the next one from both.
    """
    if "skipped" in last or "error" in last:
        return "regex", last.get("skipped") or f"too slow: {last['error']}"
    per_unit = last["scan_s"] / (last["text_bytes"] * last["entries"])
    for which in ("regex", "regex/10"):
        predicted = per_unit * files[which].stat().st_size * size
        if predicted <= budget:
            return which, None
    return "regex", (f"too slow: predicted {fmt(predicted)} s per scan of "
                     f"{fmt(files['regex/10'].stat().st_size / 1000)} kB (budget {budget:g} s)")


def _derive(r: dict[str, Any]) -> None:
    """Add the throughput and per-byte, per-match figures to a worker record."""
    if "scan_s" not in r:
        return
    scan, nbytes, matches = r["scan_s"], r["text_bytes"], r["matches"]
    r["text_mb"] = nbytes / MB
    r["mb_per_s"] = nbytes / MB / scan if scan > 0 else None
    r["ns_per_byte"] = scan / nbytes * 1e9
    r["us_per_match"] = scan / matches * 1e6 if matches else None
    r["matches_per_mb"] = matches / (nbytes / MB)


def _progress(r: dict[str, Any]) -> str:
    head = f"{r['tool']:<13} {r['size'] or '–':>6}: "
    if "scan_s" not in r:
        return head + (r.get("error") or r.get("skipped") or "?")
    return head + (f"build {fmt(r['build_s'])} s, {fmt(r['mb_per_s'])} MB/s, "
                   f"{r['matches']} matches, peak {r['rss_peak_mb']:.0f} MB")


def report(result: dict[str, Any]) -> str:
    """The Markdown report of :func:`run`'s data."""
    env, settings, records = result["environment"], result["settings"], result["records"]
    sizes = settings["sizes"]
    full = next((r for r in records if r.get("text") == "all" and "text_mb" in r), None)
    text_mb = full["text_mb"] if full else None
    out = [
        f"## glossator and its peers — {env['date']}",
        "",
        f"{env['platform']}, {env['cpus']} CPUs, Python {env['python']}; "
        + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
        + f"; glossator at {env['glossator_commit'] or '?'}"
        + (f" with local changes to {', '.join(env['glossator_src_modified'])}"
           if env["glossator_src_modified"] else "")
        + f" (src sha256 {env['glossator_src_sha256']}).",
        "",
        f"Text: {fmt(text_mb)} MB of UTF-8 "
        + ("(the whole corpus)" if settings["mb"] is None else f"(first {settings['mb']} MB)")
        + f"; median of {settings['repeat']} runs; seed {settings['seed']}; "
        f"run took {result['elapsed_s'] / 60:.1f} min.",
        "",
        "### Throughput (MB/s of UTF-8 text; * = timed on a sample, see below)",
        "",
    ]
    by = {(r["tool"], r["size"]): r for r in records}

    def cell(tool: str, size: int | None, key: str = "mb_per_s") -> str:
        r = by.get((tool, size))
        if r is None:
            return ""
        if key not in r or r[key] is None:
            return "too slow" if "skipped" in r or "timeout" in r.get("error", "") else (
                "error" if "error" in r else "–")
        star = "*" if r["text"] != "all" else ""
        return fmt(r[key]) + star

    rows = []
    for tool in REFERENCES:
        if (tool, None) in by:
            rows.append([TOOLS[tool].label, cell(tool, None)] + [""] * (len(sizes) - 1))
    for tool in PEERS:
        if any((tool, s) in by for s in sizes):
            rows.append([TOOLS[tool].label] + [cell(tool, s) for s in sizes])
    ratio = ["glossator ÷ fastest peer"]
    for s in sizes:
        g = by.get(("glossator", s), {}).get("mb_per_s")
        peers = [by[(t, s)].get("mb_per_s") for t in PEERS[1:] if (t, s) in by]
        best = max((p for p in peers if p), default=None)
        ratio.append(f"{g / best:.2f}×" if g and best else "–")
    rows.append(ratio)
    out += [markdown_table(["tool", *(f"{s:,}".replace(",", " ") for s in sizes)], rows), ""]

    out += ["### Matches per MB (a sanity check: tools disagree on boundaries, case, "
            "elision and overlaps)", ""]
    rows = [[TOOLS[t].label] + [cell(t, s, "matches_per_mb") for s in sizes]
            for t in PEERS if any((t, s) in by for s in sizes)]
    out += [markdown_table(["tool", *(f"{s:,}".replace(",", " ") for s in sizes)], rows), ""]

    out += ["### Every run", ""]
    rows = []
    for r in records:
        entries = fmt(r["size"]) if r["size"] else "–"
        if "scan_s" not in r:
            rows.append([r["label"], entries, *[""] * 11, r.get("skipped") or r.get("error", "")])
            continue
        text = (f"{r['text_mb']:.1f}" if r["text"] == "all"
                else f"{fmt(r['text_mb'])} sample*")
        rows.append([
            r["label"], entries, text, fmt(r["build_s"]) if r["size"] else "–",
            fmt(r["scan_s"]), fmt(r["mb_per_s"]), fmt(r["ns_per_byte"]),
            fmt(r["us_per_match"]), fmt(r["matches"]) if r["size"] else "–",
            f"{100 * r['scan_cpu_s'] / r['scan_s']:.0f}" if r["scan_s"] else "–",
            fmt(r["rss_peak_mb"]), fmt(r["rss_delta_mb"]), _note(r),
        ])
    out += [markdown_table(
        ["tool", "entries", "text MB", "build s", "scan s", "MB/s", "ns/byte", "µs/match",
         "matches", "CPU %", "peak RSS MB", "Δ RSS MB", "note"], rows), ""]
    out += [
        "Build: median time to build the matcher from the term list (glossator's split into "
        "`from_dicts` and compile, in the note, is that of the last run). Scan: median time to "
        "get every match of the text. CPU %: CPU time over wall time of the scan (under 100: "
        "the process waited, e.g. for other processes on the machine). Peak RSS: high-water "
        "resident memory (`VmHWM`) of the fresh interpreter that ran the tool; Δ RSS: that "
        "peak minus the resident memory once the text and terms were loaded (so it includes "
        "importing the library).",
        "",
        f"\\* spaCy is timed on a {settings['spacy_mb']} MB sample and the regex alternation "
        f"on a {fmt(settings['regex_kb'])} kB sample (or a ten times smaller one when the "
        "previous size predicts a scan over the time budget), each made of 8 runs of whole "
        "lines spread evenly over the text; their MB/s, matches and memory are on that sample.",
        "",
        "Tools: " + "; ".join(f"{TOOLS[t].label}: {TOOLS[t].note}" for t in settings["tools"]
                              if TOOLS[t].note) + ".",
        "",
        "Glossaries: " + "; ".join(
            f"{s}: " + ", ".join(f"{n} {k}" for k, n in g["composition"].items())
            for s, g in result["glossaries"].items()) + ".",
    ]
    return "\n".join(out)


def _note(r: dict[str, Any]) -> str:
    notes = []
    info = r.get("info") or {}
    if info.get("src_sha256") and info["src_sha256"] != r.get("glossator_snapshot"):
        notes.append(f"glossator sources {info['src_sha256']}, not the snapshot's!")
    if "compile_s" in info:
        notes.append(f"from_dicts {fmt(info['from_dicts_s'])} s + compile "
                     f"{fmt(info['compile_s'])} s, {info['forms']} forms")
        if info.get("diagnostics"):
            notes.append(f"{info['diagnostics']} glossary warnings, e.g. "
                         f"“{info.get('first_diagnostic', '?')}”")
    for phase in ("build", "scan"):
        runs = len(r[f"{phase}_runs"])
        if runs < r["repeat"]:
            notes.append(f"{runs} {phase} run(s) only: over the time budget")
    return "; ".join(notes)


def main(argv: list[str] | None = None) -> None:
    """Run, print the Markdown report, write the JSON records."""
    args = parse_args(argv)
    result = run(args)
    print(report(result))
    write_results(result, args.json, "peers")


if __name__ == "__main__":
    main()
