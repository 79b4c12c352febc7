"""The most frequent French words, shipped with glossator.

``data/common-words-fr.txt`` is made by ``tools/common_words.py`` from the project's
corpus. ``check`` reads it to warn about forms that are everyday words, and the policies
to tell a word set in capitals (*AU*, *DES* in a heading) from an acronym.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["common_words", "plural_is_another_word", "word_ranks"]


@lru_cache(maxsize=1)
def word_ranks() -> dict[str, int]:
    """The most frequent French words, in lower case, each with its rank (0 the most
    frequent) in ``data/common-words-fr.txt``."""
    import os

    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data",
                        "common-words-fr.txt")
    if os.path.isfile(path):  # read directly: importlib.resources costs a start-up
        with open(path, encoding="utf-8") as f:
            text = f.read()
    else:  # an installation in a zip file
        from importlib import resources

        text = resources.files("glossator").joinpath("data/common-words-fr.txt").read_text(
            encoding="utf-8")
    words = [w for w in text.split("\n") if w and not w.startswith("#")]
    return {w: i for i, w in reversed(list(enumerate(words)))}


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The most frequent French words, in lower case (``data/common-words-fr.txt``)."""
    return frozenset(word_ranks())


#: A one-word plural is another word when its singular has at most this many letters…
_SHORT = 4
#: …and the plural is at least this many times as frequent (by rank) as the singular.
_MORE_FREQUENT = 2


#: Frequent plurals whose singular the list lacks (the corpus says *soins* far more often
#: than *soin*): read by hand from the words the rule below would call other words, they
#: are plurals all the same. The others it finds are other words (*sous*, *fois*,
#: *frais*, *temps*) or both (*cours*, *fils*), and stay so.
_PLURALS_ALL_THE_SAME = frozenset({"soins", "liés", "liées"})


def plural_is_another_word(singular: str, plural: str) -> bool:
    """Whether the regular plural of a short word is, by the evidence of the frequency
    list, another frequent word rather than its plural: *sou* → *sous*, *foi* → *fois*,
    *cour* → *cours*, *fil* → *fils* (not *lien* → *liens*, *an* → *ans*, *soin* →
    *soins*)."""
    if len(singular) > _SHORT or plural.lower() in _PLURALS_ALL_THE_SAME:
        return False
    ranks = word_ranks()
    rank = ranks.get(plural.lower())
    if rank is None:
        return False
    base = ranks.get(singular.lower())
    return base is None or base >= _MORE_FREQUENT * rank
