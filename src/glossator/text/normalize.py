"""French-aware text normalization that never loses track of the caller's offsets.

* :func:`prepare_nfc` composes decomposed text (NFD) to NFC, with an :class:`OffsetMap`
  back to the original string; text already in NFC (nearly all) is returned as is.
* :func:`typographic` maps typographic apostrophes to ``'`` and no-break or thin spaces to
  ``' '``, one code point for one; :func:`canonical` and :func:`fold_text` are the keys
  under which forms are compared.

The byte folding of texts for the automaton lives with the matcher (``matcher.py``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

from .._lazy import lazy_pattern
from .._values import Value
from .chars import APOSTROPHES, SPACES

__all__ = [
    "OffsetMap",
    "Prepared",
    "canonical",
    "fold_text",
    "one_line",
    "prepare_nfc",
    "slugify",
    "typographic",
]


_TYPO_TABLE = str.maketrans(
    {**{c: "'" for c in APOSTROPHES[1:]}, **{c: " " for c in SPACES}}
)

_TYPO_RE = lazy_pattern(globals(), "_TYPO_RE", f"[{APOSTROPHES[1:]}{SPACES}]")


def typographic(text: str) -> str:
    """Map typographic apostrophes to ``'`` and no-break/thin spaces to ``' '`` (same length)."""
    return text.translate(_TYPO_TABLE) if _TYPO_RE.search(text) else text


def canonical(text: str) -> str:
    """The form two surfaces are compared in: NFC, typographic, white space collapsed."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(typographic(text).split())


#: No-break spaces a writer puts on purpose (before *:* or *»*, in *art.\u00a0L.\u00a0123*,
#: *1\u202f000*): :func:`one_line` keeps them where they stand alone.
_NO_BREAK_SPACES = frozenset("\u00a0\u202f\u2007")
_SPACE_RUN = lazy_pattern(globals(), "_SPACE_RUN", r"\s+")


def one_line(text: str) -> str:
    """``text`` on one line, as a title, definition or term is shown: trimmed, and each run
    of white space made one space, except a lone no-break space, which stays (French
    typography puts one before *:* and inside *« »*)."""
    # a printable text holds no white space but U+0020 (every other space, break and
    # control is unprintable): most glossary text is already on one line, and is returned
    # with three C scans, not looked up in the cache below
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _one_line(text)


@lru_cache(maxsize=8192)
def _one_line(text: str) -> str:
    """:func:`one_line` of a text with white space to fold."""
    if not any(c in text for c in _NO_BREAK_SPACES):
        return " ".join(text.split())
    return _SPACE_RUN.sub(
        lambda m: m.group() if m.group() in _NO_BREAK_SPACES else " ", text.strip())


def fold_text(text: str) -> str:
    """Case-insensitive comparison key of a term or surface (NFC, typographic, casefolded)."""
    return canonical(text).casefold()


#: Combining marks that may follow a base letter in decomposed (NFD) text.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A base character and the combining marks after it: what NFC may compose.
_CLUSTER_RE = lazy_pattern(globals(), "_CLUSTER_RE", f".[{_COMBINING}]+", re.DOTALL)


class OffsetMap(Value):
    """Maps offsets in a prepared string back to the original string.

    ``points`` holds ``(prepared_index, original_index)`` pairs where the two sequences
    re-synchronize; between two points the offsets move together.
    """

    __slots__ = ("points", "original")  # noqa: RUF023 - in order
    points: tuple[tuple[int, int], ...]
    original: str

    def __init__(self, points: tuple[tuple[int, int], ...], original: str) -> None:
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "original", original)

    def start(self, index: int) -> int:
        """Original offset of the character at prepared ``index``."""
        k = bisect_right(self.points, (index, len(self.original) + 1)) - 1
        p, o = self.points[k]
        return o + (index - p)

    def end(self, index: int) -> int:
        """Original offset just after the character before prepared ``index``.

        The combining marks that followed that character in the original come with it.
        """
        if index <= 0:
            return 0
        end = self.start(index - 1) + 1
        original = self.original
        while end < len(original) and unicodedata.combining(original[end]):
            end += 1
        return end


class Prepared(Value):
    """A text ready for matching, with the map back to the caller's offsets."""

    __slots__ = ("text", "offsets")  # noqa: RUF023 - in order
    text: str
    offsets: OffsetMap | None  # None: offsets are the original ones

    def __init__(self, text: str, offsets: OffsetMap | None) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "offsets", offsets)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the prepared span ``[start, end)``."""
        if self.offsets is None:
            return start, end
        return self.offsets.start(start), self.offsets.end(end)


def prepare_nfc(text: str) -> Prepared:
    """Compose ``text`` to NFC, with an offset map back when that changed its length.

    The common case — text already in NFC — costs one check and returns the text as is.
    """
    if unicodedata.is_normalized("NFC", text):
        return Prepared(text, None)
    composed = unicodedata.normalize("NFC", text)
    if len(composed) == len(text):  # singletons such as U+212B ANGSTROM SIGN
        return Prepared(composed, None)
    pieces: list[str] = []
    points: list[tuple[int, int]] = [(0, 0)]
    last = 0
    produced = 0
    for m in _CLUSTER_RE.finditer(text):
        s, e = m.span()
        group = m.group()
        replacement = unicodedata.normalize("NFC", group)
        if replacement == group:
            continue
        pieces.append(text[last:s])
        produced += s - last
        pieces.append(replacement)
        produced += len(replacement)
        points.append((produced, e))
        last = e
    pieces.append(text[last:])
    prepared = "".join(pieces)
    if not unicodedata.is_normalized("NFC", prepared):
        composed = unicodedata.normalize("NFC", prepared)
        if len(composed) == len(prepared):
            prepared = composed
    return Prepared(prepared, OffsetMap(tuple(points), text))


_COMBINING_MARKS = lazy_pattern(globals(), "_COMBINING_MARKS",
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NOT_SLUG = lazy_pattern(globals(), "_NOT_SLUG", "[^a-z0-9]+")


def slugify(text: str) -> str:
    """A stable ASCII id derived from a term: ``Économie sociale`` → ``economie-sociale``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    plain = _COMBINING_MARKS.sub("", decomposed).casefold()
    return _NOT_SLUG.sub("-", plain).strip("-") or "entry"
