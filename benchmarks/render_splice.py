"""The renderers alone, with their C loop (``glossator.render._splice``) and without
(run by hand).

    .venv/bin/python benchmarks/render_splice.py --mb 4 --sizes 10,100000 --rounds 5

For each glossary size (drawn as in ``end_to_end.py``), the text is annotated once with
``--occurrences all``; then, each round, round-robin in this one process, the
``AnnotatedText`` is rendered as ``text``, ``json`` and ``html`` by the C loop and by
the pure-Python renderers (their ``SPLICE`` set to ``None``), and the outputs are checked
equal. Each figure is the median over the rounds, with the slowest round beside it; the
ratio is Python's time over C's, round by round.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from benchlib import DEFAULT_CORPUS, draw_glossaries, fmt, load_bytes, markdown_table

FORMATS = ("text", "json", "html")


def _renderer(fmt_: str, python: bool) -> Callable[[Any], str]:
    module = import_module(f"glossator.render.{fmt_}")
    render: Callable[..., str] = module.render

    def run(doc: Any) -> str:
        if not python:
            return render(doc)
        kept = module.SPLICE
        module.SPLICE = None
        try:
            return render(doc)
        finally:
            module.SPLICE = kept

    return run


def main() -> None:
    """Time the renderers of each format, with and without the C loop."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mb", type=float, default=4.0)
    p.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")],
                   default=[10, 100_000])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    import glossator

    text = load_bytes(DEFAULT_CORPUS, args.mb).decode("utf-8")
    drawn = draw_glossaries(DEFAULT_CORPUS, args.sizes, args.seed)
    rows = []
    for size in args.sizes:
        glossary = glossator.Glossary.from_dicts(
            [{"term": t, "definition": f"Définition de {t}."} for t in drawn[size].terms])
        doc = glossator.Annotator(glossary, occurrences="all").annotate(text)
        times: dict[tuple[str, bool], list[float]] = {}
        for _ in range(args.rounds):
            for f in FORMATS:
                outs = []
                for python in (False, True):
                    call = _renderer(f, python)
                    t0 = time.perf_counter()
                    outs.append(call(doc))
                    times.setdefault((f, python), []).append(time.perf_counter() - t0)
                assert outs[0] == outs[1], f"{f}: the C loop and Python differ"
        for f in FORMATS:
            c, py = times[(f, False)], times[(f, True)]
            ratios = [b / a for a, b in zip(c, py, strict=True)]
            rows.append([size, len(doc.annotations), f, fmt(statistics.median(c)), fmt(max(c)),
                         fmt(statistics.median(py)), fmt(max(py)),
                         f"{fmt(statistics.median(ratios))} ({fmt(min(ratios))})"])
    print(f"text: {len(text.encode('utf-8')) / 1e6:.1f} MB; {args.rounds} rounds, "
          "round-robin; seconds, median and slowest round")
    print(markdown_table(["entries", "annotations", "format", "C s", "C slowest",
                          "Python s", "Python slowest", "× faster (slowest round)"], rows))


if __name__ == "__main__":
    main()
