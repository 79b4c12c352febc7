"""Where flashtext and pyahocorasick disagree with glossator, with examples (run by hand).

    .venv/bin/python benchmarks/disagreements.py [--mb 3] [--sizes 10,1000] [-o report.md]

Scans a few MB of the corpus (64 runs of lines spread evenly over it, so legal codes,
novels and the technical manual all appear) with the fixed 10-term ESS glossary and the
1 000-term drawn one (same draw as ``peers.py``), and compares each peer's matches with
glossator's ``Matcher.find``, span by span. Prints a short Markdown report: how many matches
each tool finds, how many are the same span, and for the others why they differ, with
examples:

* flashtext inside a word — its word boundaries are ASCII, so ``é`` or ``ç`` ends a word
  (*fran* in *français*);
* pyahocorasick with no word boundary at all (*ess* in *essai*), and glossator matches
  that its leftmost-longest scan hides behind such a match;
* glossator finding a plural or another variant of a term that it compiles, which the
  peers miss;
* glossator after an elision (*l'*, *d'*, *qu'*…) that a peer misses (the term itself, not
  a variant);
* a different case: a peer matching an acronym in lower case (*ess* for ESS);
* anything else (other boundaries, overlaps, …), a few examples each.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_CORPUS,
    MB,
    TOOLS,
    Span,
    draw_glossaries,
    environment,
    fmt,
    is_acronym,
    load_bytes,
    markdown_table,
    sample,
    term_key,
)

PEERS = ("flashtext", "pyahocorasick")
ELISION = re.compile(r"(?<!\w)(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu|quelqu)['’ʼ]$",
                     re.IGNORECASE)


def inside_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` starts or ends in the middle of a word."""
    return (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or (
        end < len(text) and text[end].isalnum() and text[end - 1].isalnum()
    )


def after_elision(text: str, start: int) -> bool:
    """True when ``text[start:]`` follows an elided word such as *l'*, *d’* or *qu'*."""
    return bool(ELISION.search(text, max(0, start - 8), start))


def context(text: str, start: int, end: int, width: int = 32) -> str:
    """``…left[match]right…`` on one line, as a Markdown code span."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    snippet = f"…{left}[{text[start:end]}]{right}…"
    snippet = re.sub(r"\s", " ", snippet).replace("`", "ʼ")
    return f"`{snippet}`"


@dataclass
class Category:
    """A kind of disagreement: its count and a few examples."""

    title: str
    spans: list[tuple[Span, str]] = field(default_factory=list)  # (span, note)

    def add(self, span: Span, note: str = "") -> None:
        """Record one span (``note`` is shown after its example)."""
        self.spans.append((span, note))

    def examples(self, text: str, limit: int) -> list[str]:
        """Up to ``limit`` examples, one per term first, in text order."""
        picked: list[tuple[Span, str]] = []
        seen: set[str] = set()
        for item in self.spans:
            if len(picked) == limit:
                break
            if item[0][2] not in seen:
                seen.add(item[0][2])
                picked.append(item)
        for item in self.spans:
            if len(picked) == limit:
                break
            if item not in picked:
                picked.append(item)
        picked.sort(key=lambda item: item[0][0])
        return [f"- {context(text, s, e)} — *{term}*" + (f" ({note})" if note else "")
                for (s, e, term), note in picked]


def compare(text: str, ours: Sequence[Any], peer: str, theirs: list[Span]) -> dict[str, Category]:
    """Sort the differences between glossator's matches and one peer's."""
    ours_spans = {(m.start, m.end): m for m in ours}
    their_spans = {(s, e) for s, e, _ in theirs}
    cats = {
        "same": Category("same span as glossator"),
        "drift": Category(f"{peer}: span text is not the term (offset drift)"),
        "inside": Category(f"{peer} finds inside a word"),
        "case": Category(f"{peer} matches an acronym in another case"),
        "peer-other": Category(f"{peer} finds, glossator does not (other reasons)"),
        "elision": Category(f"glossator finds after an elision, {peer} misses"),
        "variant": Category(f"glossator finds a variant of the term (plural, hyphen, accent…), "
                            f"{peer} misses"),
        "hidden": Category(f"glossator finds, {peer} hides it behind a match inside a word"),
        "ours-other": Category(f"glossator finds, {peer} misses (other reasons)"),
    }
    inside_spans: list[tuple[int, int]] = []
    for s, e, term in theirs:
        span = (s, e, term)
        if (s, e) in ours_spans:
            cats["same"].add(span)
        elif text[s:e].casefold() != term.casefold():
            cats["drift"].add(span, f"text has {text[s:e]!r}")
        elif inside_word(text, s, e):
            cats["inside"].add(span)
            inside_spans.append((s, e))
        elif is_acronym(term) and text[s:e] != term:
            cats["case"].add(span)
        else:
            overlap = [m for m in ours if m.start < e and s < m.end]
            note = ("glossator has " + ", ".join(f"*{m.surface}*" for m in overlap[:2])
                    if overlap else "")
            cats["peer-other"].add(span, note)
    inside_spans.sort()
    for (s, e), m in ours_spans.items():
        if (s, e) in their_spans:
            continue
        span = (s, e, m.form)
        how = getattr(m, "how", "")
        if term_key(m.surface) != term_key(m.form):
            cats["variant"].add(span, f"*{m.surface}*, {how}" if how else f"*{m.surface}*")
        elif m.elided or after_elision(text, s):
            cats["elision"].add(span)
        elif _overlaps(inside_spans, s, e):
            cats["hidden"].add(span)
        else:
            cats["ours-other"].add(span, f"surface *{m.surface}*")
    return cats


def _overlaps(sorted_spans: list[tuple[int, int]], s: int, e: int) -> bool:
    from bisect import bisect_left

    i = bisect_left(sorted_spans, (s, s))
    return any(a < e and s < b for a, b in sorted_spans[max(0, i - 2):i + 2])


def section(text: str, size: int, ours: Sequence[Any], results: dict[str, dict[str, Category]],
            spans: dict[str, set[tuple[int, int]]], examples: int) -> list[str]:
    """The Markdown of one glossary size."""
    label = "the fixed ESS list" if size == 10 else "drawn as in peers.py"
    out = [f"## {fmt(size)} entries ({label})", ""]
    rows = [["glossator", fmt(len(ours)), *["–"] * 8]]
    keys = ("same", "inside", "case", "peer-other", "elision", "variant", "hidden", "ours-other")
    for peer, cats in results.items():
        rows.append([peer, fmt(len(spans[peer])), *(fmt(len(cats[k].spans)) for k in keys)])
    out += [markdown_table(
        ["tool", "matches", "same span", "extra: inside a word", "extra: acronym case",
         "extra: other", "missed: after elision", "missed: variant", "missed: hidden",
         "missed: other"], rows), ""]
    out += ["*extra*: the peer finds it, glossator does not; *missed*: glossator finds it, "
            "the peer does not (*variant*: a plural, hyphen/space or accent variant that "
            "glossator compiles; *hidden*: behind a peer match inside a word).", ""]
    elided = [(m.start, m.end) for m in ours if m.elided or after_elision(text, m.start)]
    shared = ", ".join(
        f"{peer} has the same span for {sum(1 for sp in elided if sp in spans[peer])}"
        for peer in results)
    out += [f"glossator matches right after an elided word (*l'*, *d’*, *qu'*…): "
            f"{len(elided)}; {shared}.", ""]
    order: Iterable[tuple[str, str, int]] = (
        ("flashtext", "inside", examples),
        ("pyahocorasick", "inside", examples),
        ("pyahocorasick", "hidden", examples // 2),
        ("flashtext", "elision", examples),
        ("pyahocorasick", "elision", examples // 2),
        ("flashtext", "variant", examples // 2),
        ("flashtext", "case", examples),
        ("pyahocorasick", "case", examples // 2),
        ("flashtext", "drift", examples // 2),
        ("flashtext", "peer-other", examples // 2),
        ("flashtext", "ours-other", examples // 2),
        ("pyahocorasick", "peer-other", examples // 2),
        ("pyahocorasick", "ours-other", examples // 2),
    )
    for peer, key, limit in order:
        if peer not in results:
            continue
        cat = results[peer][key]
        if not cat.spans:
            continue
        whose, total = ((peer, len(spans[peer]))
                        if key in ("inside", "case", "peer-other", "drift")
                        else ("glossator", len(ours)))
        share = f", {100 * len(cat.spans) / total:.1f} % of {whose}'s matches" if total else ""
        out += [f"**{cat.title}**: {len(cat.spans)}{share}", ""]
        out += cat.examples(text, limit)
        out.append("")
    return out


def main(argv: list[str] | None = None) -> None:
    """Build the three matchers for each size, compare, print (and write) the report."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=3.0, help="MB of text to compare on")
    parser.add_argument("--sizes", default="10,1000", help="glossary sizes (default 10,1000)")
    parser.add_argument("--examples", type=int, default=10, help="examples per kind")
    parser.add_argument("--seed", type=int, default=1, help="seed of the drawn glossaries")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-o", "--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})

    data = sample(load_bytes(args.corpus), int(args.mb * MB), pieces=64)
    text = data.decode("utf-8")
    env = environment()
    glossaries = draw_glossaries(args.corpus, sizes, args.seed)
    out = [
        "# Where the peers disagree with glossator",
        "",
        f"{fmt(len(data) / MB)} MB of the corpus (64 runs of lines spread over it), "
        f"{env['date']}, glossator at {env['glossator_commit'] or '?'}"
        + (" with local changes" if env["glossator_src_modified"] else "")
        + f" (src sha256 {env['glossator_src_sha256']}); flashtext "
        f"{env['versions']['flashtext']}, pyahocorasick {env['versions']['pyahocorasick']}. "
        "A span is the same when start and end agree; *inside a word* means a letter or digit "
        "on both sides of the start or of the end (Unicode, so *é* is a letter); glossator "
        "matches acronyms (all-capital terms) case-sensitively, the peers do not.",
        "",
    ]
    for size in sizes:
        terms = glossaries[size].terms
        print(f"{size} entries…", file=sys.stderr, flush=True)
        ours = TOOLS["glossator"].build(terms, {}).find(text)
        results: dict[str, dict[str, Category]] = {}
        spans: dict[str, set[tuple[int, int]]] = {}
        for peer in PEERS:
            tool = TOOLS[peer]
            assert tool.spans is not None
            theirs = tool.spans(tool.build(terms, {}), text)
            spans[peer] = {(s, e) for s, e, _ in theirs}
            results[peer] = compare(text, ours, peer, theirs)
        out += section(text, size, ours, results, spans, args.examples)
    report = "\n".join(out)
    print(report)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
