"""How many spans per batch of ``Matcher.iter_spans``? (run by hand)

    .venv/bin/python benchmarks/scan_batches.py --size 100000 --batches 0,256,1024,4096
    .venv/bin/python benchmarks/scan_batches.py --alone     # no other case between

The C scanner walks a megabyte of text at a time and makes its ``(start, end, id)``
tuples at most ``glossator.matching.scan._BATCH`` at a time (1 024). This times
``end_to_end.py``'s bare scan (``sum(len(batch) for batch in matcher.iter_spans(text))``)
with each batch size of ``--batches`` (``0``: one batch per megabyte, as before), every
size in the place of glossator's scan in ``end_to_end.py``'s round (the peers before it,
``annotate -f text --occurrences first --cold`` after it), the sizes rotated round by
round; ``--alone`` drops the other cases but pyahocorasick's scan. Prints, per size, the
median time, the ratio to the best peer's scan and the first size's time ÷ this one's,
each taken round by round (median, and the lowest round). Thread CPU time; the spans are
asserted the same at every size.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import end_to_end as e2e
from benchlib import DEFAULT_CORPUS, draw_glossaries, load_bytes


def _sized(matcher: Any, batch: int) -> Callable[[str], int]:
    """``end_to_end.py``'s bare scan with ``batch`` spans per batch (``0``: a megabyte's
    matches)."""
    from glossator.matching import scan as scan_module

    def run(text: str) -> int:
        scan_module._BATCH = batch or 1 << 40
        return sum(len(b) for b in matcher.iter_spans(text))

    return run


def main(argv: list[str] | None = None) -> None:
    """Time the batch sizes round-robin and print one line per size."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mb", type=float, default=4.0)
    p.add_argument("--size", type=int, default=100000, help="glossary size")
    p.add_argument("--batches", type=e2e._csv, default=["0", "256", "1024", "4096"],
                   help="spans per batch, comma-separated (0: one batch per megabyte)")
    p.add_argument("--rounds", type=int, default=11)
    p.add_argument("--alone", action="store_true",
                   help="only pyahocorasick's scan beside glossator's")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = p.parse_args(argv)
    from glossator.matching import scan as scan_module

    data = load_bytes(args.corpus, args.mb)
    text = data.decode("utf-8")
    terms = list(draw_glossaries(args.corpus, [args.size], 1)[args.size].terms)
    opts = e2e.parse_args(["--formats", "text", "--occurrences", "first", "--cold"]
                          + (["--peers", "pyahocorasick", "--formats", ""] if args.alone
                             else []))
    todo = e2e.cases(terms, opts)
    del todo["glossator scan"]  # timed here, once per batch size
    from glossator import compile_glossary

    matcher = compile_glossary(e2e._glossary(terms))
    kept = scan_module._BATCH
    sizes = [f"batch {b}" for b in args.batches]
    variants = {name: _sized(matcher, int(b)) for name, b in zip(sizes, args.batches,
                                                                 strict=True)}
    spans = set()
    for b in args.batches:
        scan_module._BATCH = int(b) or 1 << 40
        spans.add(tuple(s for batch in matcher.iter_spans(text) for s in batch))
    if len(spans) != 1:
        raise SystemExit("scan_batches.py: the batch sizes gave different spans")
    names = list(todo)
    slot = max(i for i, n in enumerate(names) if n.startswith("peer:")) + 1
    for call in [*todo.values(), *variants.values()]:
        call(text[:10_000])
    times: dict[str, list[float]] = {}
    clock = time.thread_time
    for r in range(args.rounds):
        turn = sizes[r % len(sizes):] + sizes[:r % len(sizes)]
        for name in names[:slot] + turn + names[slot:]:
            call = variants.get(name) or todo[name]
            times.setdefault(name, []).append(e2e.timed(name, call, text, data, clock))
    scan_module._BATCH = kept
    peers = [n for n in times if n.startswith("peer:")]
    best = min(peers, key=lambda n: statistics.median(times[n]))
    print(f"{args.size} entries, {len(data) / 1e6:.1f} MB, {args.rounds} rounds; best peer "
          f"{best[5:]} {statistics.median(times[best]) * 1000:.1f} ms")
    for name in sizes:
        ts = times[name]
        x_peer = [b / t for b, t in zip(times[best], ts, strict=True)]
        x_first = [f / t for f, t in zip(times[sizes[0]], ts, strict=True)]
        print(f"{name:12} {statistics.median(ts) * 1000:7.1f} ms   × best peer "
              f"{statistics.median(x_peer):.2f} ({min(x_peer):.2f})   "
              f"{sizes[0]} ÷ this {statistics.median(x_first):.3f} ({min(x_first):.3f})")


if __name__ == "__main__":
    main()
