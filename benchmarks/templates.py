"""What each entry met costs the renderers on a cold first document (run by hand).

    .venv/bin/python benchmarks/templates.py                 # 5 000 entries, 5 rounds
    .venv/bin/python benchmarks/templates.py --entries 2000 --rounds 3

``annotate -f html`` makes one tooltip template per entry it meets (about 15 000 in 4 MB
of the corpus with 100 000 entries), ``-f text`` one expansion; a one-shot command pays
them all. This script times, per entry, for each built-in preset, plain or rich, with or
without ``link_to``, and for entries with a ``url`` and a ``source``:

* ``Python``: the template as the renderer made it before ``_splice.template``
  (``render.html._template``: the preset's ``wrap`` called on a ``TermMarkup``, twice,
  and cut at a placeholder id), still the path without the C module;
* ``C``: the template as it is made now (``render.html._template_of``: the fields
  escaped and laid out in one C call);

and the text expansion (``render.text.entry_expansion``), with the C module and without.
The entries are the first ``--entries`` terms of the 100 000-term draw of
``benchmarks/end_to_end.py`` (``Définition de TERM.``). Every case runs once per round,
round-robin, in this one process, on the CPU clock; the figures are microseconds per
entry, median over the rounds with the slowest round beside it, and the ratio
Python / C per round (median, and the least).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import DEFAULT_CORPUS, draw_glossaries, markdown_table

#: The styles timed: (markup, rich, link_to, entries with url and source).
STYLES = [(markup, rich, link_to, False) for markup in ("glossator", "spip", "abbr")
          for rich in (False, True) for link_to in (None, "index.html")] + [
    ("glossator", False, None, True), ("spip", False, None, True)]


def _entries(terms: list[str], sourced: bool) -> list[Any]:
    from glossator import Glossary

    rows = [{"term": t, "definition": f"Définition de {t}."} for t in terms]
    if sourced:
        for i, row in enumerate(rows):
            row.update(url=f"https://example.org/glossaire/{i}", source=f"Recueil n° {i}")
    return list(Glossary.from_dicts(rows))


def _cases(terms: list[str]) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Each style's (Python, C) runs over all the entries."""
    from glossator.render import html, text

    plain, sourced = _entries(terms, False), _entries(terms, True)
    cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {}
    for markup, rich, link_to, with_source in STYLES:
        preset = html.get_markup(markup)
        entries = sourced if with_source else plain
        name = (f"html {markup}{' rich' if rich else ''}{' link_to' if link_to else ''}"
                f"{' url+source' if with_source else ''}")

        def python(entries: list[Any] = entries, preset: Any = preset, rich: bool = rich,
                   link_to: str | None = link_to) -> object:
            return [html._template(e, e.term, preset, rich, link_to) for e in entries]

        def native(entries: list[Any] = entries, preset: Any = preset, rich: bool = rich,
                   link_to: str | None = link_to) -> object:
            return [html._template_of(e, e.term, preset, rich, link_to) for e in entries]

        cases[name] = (python, native)

    def expansions() -> object:
        return [text.entry_expansion(e) for e in plain]

    def python_expansions() -> object:
        kept, text.SPLICE = text.SPLICE, None
        try:
            return expansions()
        finally:
            text.SPLICE = kept

    cases["text expansion"] = (python_expansions, expansions)
    return cases


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, default=5000, help="entries met (default 5 000)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = p.parse_args(argv)
    from glossator.render.splice import SPLICE

    if SPLICE is None:
        print("the C renderer is not built: nothing to compare", file=sys.stderr)
        return 1
    terms = draw_glossaries(args.corpus, [100_000], args.seed)[100_000].terms[:args.entries]
    cases = _cases(terms)
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in cases}
    for _ in range(args.rounds):
        for name, runs in cases.items():
            for run, into in zip(runs, times[name], strict=True):
                start = time.thread_time()
                run()
                into.append((time.thread_time() - start) * 1e6 / len(terms))
    rows = []
    for name, (python, native) in times.items():
        ratios = [a / b for a, b in zip(python, native, strict=True)]
        rows.append([name, f"{statistics.median(python):.2f} ({max(python):.2f})",
                     f"{statistics.median(native):.2f} ({max(native):.2f})",
                     f"{statistics.median(ratios):.1f} ({min(ratios):.1f})"])
    print(f"{len(terms)} entries, {args.rounds} rounds, round-robin, CPU clock; µs per "
          "entry, median (slowest round)")
    print(markdown_table(["case", "Python µs", "C µs", "Python / C (least)"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
