"""Does scanning scale with threads? (run by hand)

    .venv/bin/python benchmarks/threads.py --mb 2 --size 10000 --threads 2 --rounds 5

The C scanner lets go of the GIL while it walks a long stretch of text (and while it
looks for the bytes to cut), so that threads sharing one compiled glossary (the HTTP
service, a thread pool) scan at the same time. Each round scans ``--jobs`` copies of the
text (default: twice the thread count) one after the other in one thread, then spread
over ``--threads`` threads; the figure is the speed-up, median and slowest round. It can
only reach the thread count on an idle machine with that many cores: the folding, the
offsets and the match tuples still hold the GIL. Compare with ``GLOSSATOR_PURE_PYTHON=1``,
where no part of the scan lets go of it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import DEFAULT_CORPUS, draw_glossaries, load_bytes


def main(argv: list[str] | None = None) -> None:
    """Print the speed-up of the threads over one thread, round-robin."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mb", type=float, default=2.0)
    p.add_argument("--size", type=int, default=10000, help="glossary size")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--jobs", type=int, help="texts per round (default: 2 × threads)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = p.parse_args(argv)
    import glossator

    text = load_bytes(args.corpus, args.mb).decode("utf-8")
    terms = draw_glossaries(args.corpus, [args.size], 1)[args.size].terms
    matcher = glossator.compile_glossary(glossator.Glossary.from_dicts(
        [{"term": t, "definition": "-"} for t in terms]))
    jobs = args.jobs or 2 * args.threads

    def one(_: int) -> int:
        return sum(len(batch) for batch in matcher.iter_spans(text))

    one(0)  # warm up
    ratios, serial, parallel = [], [], []
    with ThreadPoolExecutor(args.threads) as pool:
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            for i in range(jobs):
                one(i)
            t1 = time.perf_counter()
            list(pool.map(one, range(jobs)))
            t2 = time.perf_counter()
            serial.append(t1 - t0)
            parallel.append(t2 - t1)
            ratios.append((t1 - t0) / (t2 - t1))
    mb = len(text.encode("utf-8")) * jobs / 1e6
    print(f"{args.size} entries, {jobs} × {mb / jobs:.1f} MB, {args.threads} threads, "
          f"{args.rounds} rounds (C scanner: {matcher._trie is not None})")
    print(f"one thread: {mb / statistics.median(serial):.1f} MB/s; "
          f"{args.threads} threads: {mb / statistics.median(parallel):.1f} MB/s; "
          f"speed-up {statistics.median(ratios):.2f}× (slowest round {min(ratios):.2f}×)")


if __name__ == "__main__":
    main()
