"""The terminal format's cost against the text format's (run by hand).

    .venv/bin/python benchmarks/terminal.py [--rounds 7] [--matches 8000]

Two documents, both annotated with the bundled glossary:

* *one long line*: a single line holding ``--matches`` annotated terms (every occurrence
  annotated), the case of issue 16 (50 s in ``-f terminal`` against 0.9 s in ``-f text``);
* *paragraphs*: the same sentences as paragraphs of five, the first occurrence annotated.

Each round renders each document in ``text``, then ``terminal`` (notes), then
``terminal`` (inline), in that order, in this one process; the table gives, per
document and format, the median time over the rounds, the slowest round, and the ratio of
the medians to ``text``. Run it on another checkout's code with
``PYTHONPATH=OTHER/src`` to compare before and after. The machine is shared: the load
average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import glossator

SENTENCE = ("Le Labo de l’ESS étudie les PTCE ; une SCIC, une SCOP et une CAE y "
            "travaillent avec l’économie sociale et solidaire. ")


def _documents(matches: int) -> dict[str, glossator.AnnotatedText]:
    glossary = glossator.load_glossary(glossator.bundled_glossary_path())
    every = glossator.Annotator(glossary, occurrences="all")
    first = glossator.Annotator(glossary)
    per_sentence = len(every.annotate(SENTENCE).annotations)
    count = max(1, matches // per_sentence)
    paragraphs = "\n\n".join(SENTENCE * 5 for _ in range(count // 5 + 1))
    return {
        "one long line": every.annotate(SENTENCE * count),
        "paragraphs": first.annotate(paragraphs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--matches", type=int, default=8000,
                        help="annotated terms in the long line (default 8000)")
    args = parser.parse_args()
    docs = _documents(args.matches)
    formats: dict[str, dict[str, object]] = {
        "text": {},
        "terminal (notes)": {"width": 80, "color": True},
        "terminal (inline)": {"width": 80, "color": True, "style": "inline"},
    }
    times: dict[tuple[str, str], list[float]] = {(d, f): [] for d in docs for f in formats}
    for _ in range(args.rounds):
        for doc_name, doc in docs.items():
            for fmt, options in formats.items():
                start = time.perf_counter()
                glossator.render(doc, fmt.split()[0], **options)
                times[doc_name, fmt].append(time.perf_counter() - start)
    load = os.getloadavg()
    print(f"glossator from {os.path.dirname(glossator.__file__)}; {args.rounds} rounds; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (shared machine)")
    print("\n| document | annotations | format | median | slowest | ÷ text |")
    print("|---|---|---|---|---|---|")
    for doc_name, doc in docs.items():
        base = statistics.median(times[doc_name, "text"])
        for fmt in formats:
            t = times[doc_name, fmt]
            print(f"| {doc_name} | {len(doc.annotations)} | {fmt} | "
                  f"{statistics.median(t) * 1000:.0f} ms | {max(t) * 1000:.0f} ms | "
                  f"{statistics.median(t) / base:.1f} |")


if __name__ == "__main__":
    main()
