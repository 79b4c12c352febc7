"""The same glossary compiled with the C scanner and without it, for tests that compare
the two."""

from __future__ import annotations

from glossator import Glossary
from glossator.matching import scan
from glossator.matching.scan import Matcher, MatchOptions


def fast_and_pure(glossary: Glossary,
                  options: MatchOptions | None = None) -> tuple[Matcher, Matcher]:
    """The matcher of ``glossary`` with the C scanner (where it is built), and one made
    with it turned off (the pure-Python scanner)."""
    options = options or MatchOptions()
    fast = Matcher(glossary, options)
    saved = scan.ACCELERATOR
    scan.ACCELERATOR = None
    try:
        pure = Matcher(glossary, options)
    finally:
        scan.ACCELERATOR = saved
    return fast, pure
