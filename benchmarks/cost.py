"""Cost per byte and cost per match, apart, from 10 to 100 000 entries (run by hand).

    .venv/bin/python benchmarks/cost.py                        # ~6 min
    .venv/bin/python benchmarks/cost.py --mb 2 --sizes 10,1000 --repeat 1   # a quick look

The time of a scan is a cost per byte of text plus a cost per match, and one run cannot
tell them apart: a larger glossary finds more matches in the same text. So each tool
scans two texts of the same length with the same glossary (``peers.py``'s glossaries):

* the corpus text (``../shared/corpus/text``, its first ``--mb`` MB);
* a control: the same text with its ASCII letters rotated by 13 (ROT13). It keeps every
  byte class, word length, accent, space and punctuation mark, but hardly a French word,
  so it yields almost no matches.

With ``T = a × bytes + b × matches`` for both texts, ``a`` is the cost per byte and ``b``
the cost per match. The per-match cost includes walking the matched term's bytes and the
partial walks along the glossary's prefixes that real French text causes (a control word
stops after a letter or two). Each (tool, size, text) runs in a fresh interpreter
(``worker.py``), glossator imported from a copy of ``src/glossator``.

Prints a Markdown table and writes the records to ``benchmarks/results/cost-<date>.json``.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_CORPUS,
    draw_glossaries,
    environment,
    fmt,
    load_bytes,
    markdown_table,
    run_worker,
    snapshot_glossator,
    write_results,
)


def _ints(value: str) -> list[int]:
    return sorted({int(v.replace("_", "")) for v in value.split(",") if v.strip()})


def split_costs(bytes_: int, real: tuple[float, int], control: tuple[float, int]
                ) -> tuple[float | None, float | None]:
    """``(ns per byte, µs per match)`` from two scans of ``bytes_`` bytes: ``(seconds,
    matches)`` on the real text and on the control; ``None`` where the two runs cannot
    separate them: the same number of matches, times within 5 % of each other (the
    noise of a run), or more matches taking less time."""
    (tr, mr), (tc, mc) = real, control
    if mr == mc or abs(tr - tc) < 0.05 * max(tr, tc) or (tr - tc) / (mr - mc) <= 0:
        return None, None
    per_match = (tr - tc) / (mr - mc)
    per_byte = (tc - per_match * mc) / bytes_
    return per_byte * 1e9, per_match * 1e6


def table(records: list[dict[str, Any]]) -> str:
    """The Markdown table of the records (one per tool, size and text)."""
    rows = []
    keys = dict.fromkeys((r["size"], r["tool"]) for r in records)
    for size, tool in keys:
        real, ctrl = (next(r for r in records if r["tool"] == tool and r["size"] == size
                           and r["kind"] == k) for k in ("real", "control"))
        if "error" in real or "error" in ctrl:
            rows.append([size, tool, real.get("error") or ctrl.get("error"), *[""] * 5])
            continue
        nbytes = real["text_bytes"]
        per_byte, per_match = split_costs(
            nbytes, (real["scan_s"], real["matches"]), (ctrl["scan_s"], ctrl["matches"]))
        rows.append([
            size, tool, fmt(real["scan_s"] / nbytes * 1e9), fmt(real["matches"]),
            fmt(ctrl["scan_s"] / nbytes * 1e9), fmt(ctrl["matches"]),
            fmt(per_byte), fmt(per_match),
        ])
    return markdown_table(
        ["entries", "tool", "ns/byte, text", "matches", "ns/byte, control", "matches",
         "ns per byte", "µs per match"], rows)


def main(argv: list[str] | None = None) -> None:
    """Run every (tool, size, text), print the table, write the JSON records."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=8.0, help="MB of the corpus (default 8)")
    parser.add_argument("--sizes", type=_ints, default=[10, 1000, 10000, 100000])
    parser.add_argument("--tools", default="glossator,pyahocorasick",
                        help="comma-separated tools of benchlib.TOOLS")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scan (median)")
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--records", type=Path,
                        help="print the table of a results file instead of running")
    args = parser.parse_args(argv)
    if args.records:
        print(table(json.loads(args.records.read_text("utf-8"))["records"]))
        return
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]

    data = load_bytes(args.corpus, args.mb)
    text = data.decode("utf-8")
    control = codecs.encode(text, "rot13")
    glossaries = draw_glossaries(args.corpus, args.sizes, args.seed)
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = snapshot_glossator(tmp)
        files = {"real": tmp / "real.txt", "control": tmp / "control.txt"}
        files["real"].write_bytes(data)
        files["control"].write_text(control, "utf-8")
        for size in args.sizes:
            terms = tmp / f"terms-{size}.txt"
            terms.write_text("\n".join(glossaries[size].terms) + "\n", "utf-8")
            for tool in tools:
                runs = {}
                for kind, path in files.items():
                    rec = run_worker(tool, path, terms, repeat=args.repeat,
                                     budget=args.budget, timeout=args.timeout,
                                     glossator_src=src)
                    rec.update(kind=kind, size=size)
                    records.append(rec)
                    runs[kind] = rec
                    print(f"  {tool} {size} {kind}: "
                          f"{rec.get('scan_s', float('nan')):.3f} s, "
                          f"{rec.get('matches')} matches", file=sys.stderr, flush=True)

    print(f"\n{len(data) / 1e6:.1f} MB of text, median of {args.repeat} scans\n")
    print(table(records))
    print("\n(–: the two scans cannot be told apart: see split_costs)")
    write_results({"environment": environment(), "mb": args.mb, "records": records}, None,
                  "cost")


if __name__ == "__main__":
    main()
