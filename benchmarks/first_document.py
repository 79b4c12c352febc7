"""Writing ``json`` and ``html``: a matcher's first document against its next ones (run by
hand).

    .venv/bin/python benchmarks/first_document.py --mb 4 --sizes 100000
    .venv/bin/python benchmarks/first_document.py --mb 4 --sizes 10 --rounds 5

``glossator annotate`` on one file renders once with a matcher it has just compiled; the
HTTP service renders many documents with the same one. The JSON renderer keeps each
variant's pieces with the matcher (``Matcher.variants.memo``) and the HTML one each
tooltip's template (also in ``Matcher.variants.memo``), so the two differ: this script times
both. Each round builds a new glossary (so a new matcher: nothing is kept from the round
before), annotates the text (not timed), writes it (``render.write`` to ``os.devnull``:
the *first* document), then annotates and writes it again (the *next* document). Every
case (format, occurrences) runs once per round, round-robin; the figures are CPU
milliseconds of the write alone, median over the rounds with the slowest beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchlib import DEFAULT_CORPUS, draw_glossaries, load_bytes, markdown_table


def _write_ms(doc: Any, fmt_: str, sink: Any) -> float:
    """CPU milliseconds of ``render.write(doc, sink.write, fmt_)``."""
    from glossator.render import write

    start = time.thread_time()
    write(doc, sink.write, fmt_)
    return (time.thread_time() - start) * 1000


def run(terms: list[str], text: str, cases: list[tuple[str, str]], rounds: int,
        ) -> dict[tuple[str, str], dict[str, list[float]]]:
    """For each case, the first and next documents' write times over ``rounds``."""
    import glossator

    rows = [{"term": t, "definition": f"Définition de {t}."} for t in terms]
    times: dict[tuple[str, str], dict[str, list[float]]] = {
        case: {"first": [], "next": []} for case in cases}
    with open(os.devnull, "wb") as sink:
        for _ in range(rounds):
            for fmt_, occurrences in cases:
                annotator = glossator.Annotator(glossator.Glossary.from_dicts(rows),
                                                occurrences=occurrences)
                for which in ("first", "next"):
                    doc = annotator.annotate(text)
                    times[(fmt_, occurrences)][which].append(_write_ms(doc, fmt_, sink))
    return times


def main(argv: list[str] | None = None) -> None:
    """Print a table per glossary size."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=4.0, help="MB of corpus text (default 4)")
    p.add_argument("--sizes", default="10,100000", help="glossary sizes, comma-separated")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    text = load_bytes(args.corpus, args.mb).decode("utf-8")
    drawn = draw_glossaries(args.corpus, sizes, 1)
    cases = [(f, o) for f in ("json", "html") for o in ("all", "first")]
    import glossator

    print(f"glossator from {Path(glossator.__file__).parent}; {len(text):,} characters; "
          f"{args.rounds} rounds; CPU ms of the write, median (slowest)")
    for size in sizes:
        times = run(drawn[size].terms, text, cases, args.rounds)
        table = [[f"`-f {f}`, {o}",
                  *(f"{statistics.median(t[w]):.1f} ({max(t[w]):.1f})"
                    for w in ("first", "next"))]
                 for (f, o), t in times.items()]
        print(f"\n{size:,} entries\n")
        print(markdown_table(["case", "first document", "next document"], table))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
