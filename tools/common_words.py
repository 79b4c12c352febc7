"""Build ``src/glossator/data/common-words-fr.txt``: the most frequent French words.

``glossator check`` warns when an acronym of the glossary is also a common French word
(*DES*, *PAR*, *SUR*…), which matters when the entry is matched in any case. The list is
shipped in the package, so that the check needs nothing at run time; this script makes it
from the project's benchmark corpus (``shared/corpus``, see its README):

    python tools/common_words.py ../shared/corpus -o src/glossator/data/common-words-fr.txt

How: the words of ``text/`` (letters only, split at apostrophes and hyphens, lower-cased)
are counted per genre (legal codes, novels, technical manual); each genre's counts are
turned into relative frequencies and the three are averaged, so that no genre dominates
by its size. Words of two letters or more that the French dictionary of ``terms/wfrench.txt``
lists (which drops names) and that two genres at least use 5 times per million words
(which drops the English of the technical manual) are ranked, and the first ``--size`` are kept,
most frequent first. The output is deterministic.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

WORD = re.compile(r"[^\W\d_]+")
#: A word must be this frequent in two genres at least (5 per million words): this keeps
#: out the English of the technical manual (*and*, *file*) and the names of the novels.
MIN_FREQUENCY = 5e-6


def genre_frequencies(folder: Path) -> dict[str, float]:
    """Relative frequency of each lower-cased word in the ``.txt`` files of ``folder``."""
    counts: Counter[str] = Counter()
    for path in sorted(folder.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        counts.update(w.lower() for w in WORD.findall(text))
    total = sum(counts.values()) or 1
    return {w: n / total for w, n in counts.items()}


def main() -> None:
    """Count, rank, and write the list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="the shared/corpus folder")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--size", type=int, default=1500, help="words to keep (1500)")
    args = parser.parse_args()
    for needed in (args.corpus / "terms" / "wfrench.txt", args.corpus / "text"):
        if not needed.exists():
            raise SystemExit(f"common_words.py: needs the shared corpus, and {needed} is "
                             "missing (give the corpus folder, e.g. ../shared/corpus)")

    dictionary = set(
        (args.corpus / "terms" / "wfrench.txt").read_text(encoding="utf-8").split()
    )
    genres = sorted(p for p in (args.corpus / "text").iterdir() if p.is_dir())
    score: Counter[str] = Counter()
    seen_in: Counter[str] = Counter()
    for folder in genres:
        for word, freq in genre_frequencies(folder).items():
            score[word] += freq / len(genres)
            if freq >= MIN_FREQUENCY:
                seen_in[word] += 1
    ranked = sorted(
        (w for w in score if len(w) >= 2 and w in dictionary and seen_in[w] >= 2),
        key=lambda w: (-score[w], w),
    )[: args.size]
    header = (
        f"# The {len(ranked)} most frequent French words (2 letters or more), most frequent\n"
        "# first, from the legal codes, novels and technical manual of the project's\n"
        "# benchmark corpus, genres weighted equally, kept if the wfrench dictionary lists\n"
        "# them and two genres use them. Made by tools/common_words.py; used by\n"
        "# 'glossator check'.\n"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(header + "\n".join(ranked) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(ranked)} words")


if __name__ == "__main__":
    main()
