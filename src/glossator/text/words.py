"""The most frequent French words, shipped with glossator.

``data/common-words-fr.txt`` is made by ``tools/common_words.py`` from the project's
corpus. ``check`` reads it to warn about forms that are everyday words, and the policies
to tell a word set in capitals (*AU*, *DES* in a heading) from an acronym.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["common_words"]


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The most frequent French words, in lower case (``data/common-words-fr.txt``)."""
    text = resources.files("glossator").joinpath("data/common-words-fr.txt").read_text(
        encoding="utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))
