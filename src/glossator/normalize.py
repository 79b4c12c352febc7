"""French-aware text normalization that never loses track of the caller's offsets.

Matching runs on a normalized copy of the text, in three layers:

1. :func:`prepare` — changes that alter lengths, done only when the text needs them:
   NFC composition, removal of soft hyphens and zero-width characters, and collapsing a
   run of white space to one space. The result carries an :class:`OffsetMap` back to the
   original string (identity in the common case, where nothing changed).
2. :func:`typographic` — one code point for one code point: typographic apostrophes become
   ``'`` and no-break or thin spaces become ``' '``. Offsets are unchanged.
3. :func:`fold_bytes` — one byte for one byte over the UTF-8 encoding: ASCII and Latin-1
   capitals to lower case, punctuation and white space to a space. A match found in the
   folded bytes sits at the very same bytes of the (typographic) text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

__all__ = [
    "APOSTROPHES",
    "OffsetMap",
    "Prepared",
    "canonical",
    "fold_bytes",
    "fold_text",
    "prepare",
    "typographic",
]

#: Characters that French text uses as an apostrophe (elision and inside words).
APOSTROPHES = "'\u2019\u02bc\u2018\u2032"
#: Characters that count as a plain space for matching (no-break, narrow no-break, thin…).
SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
#: Invisible characters that may sit inside a word and are looked through.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TYPO_TABLE = str.maketrans(
    {**{c: "'" for c in APOSTROPHES[1:]}, **{c: " " for c in SPACES}}
)

def typographic(text: str) -> str:
    """Map typographic apostrophes to ``'`` and no-break/thin spaces to ``' '`` (same length)."""
    return text.translate(_TYPO_TABLE)


def canonical(text: str) -> str:
    """The form two surfaces are compared in: NFC, typographic, white space collapsed."""
    return " ".join(typographic(unicodedata.normalize("NFC", text)).split())


def fold_text(text: str) -> str:
    """Case-insensitive comparison key of a term or surface (NFC, typographic, casefolded)."""
    return canonical(text).casefold()


#: Combining marks that may follow a base letter in decomposed (NFD) text.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# What `prepare` rewrites: invisible characters (removed), runs of white space (one space)
# and decomposed clusters (composed). A single ordinary space is left alone, so most texts
# match nothing here.
_PREPARE_RE = re.compile(
    f"[{INVISIBLE}]+|[\\s{SPACES}]{{2,}}|.[{_COMBINING}]+", re.DOTALL
)


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps offsets in a prepared string back to the original string.

    ``points`` holds ``(prepared_index, original_index)`` pairs where the two sequences
    re-synchronize; between two points the offsets move together.
    """

    points: tuple[tuple[int, int], ...]
    original: str

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


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text ready for matching, with the map back to the caller's offsets."""

    text: str
    offsets: OffsetMap | None  # None: offsets are the original ones

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the prepared span ``[start, end)``."""
        if self.offsets is None:
            return start, end
        return self.offsets.start(start), self.offsets.end(end)


def prepare(text: str) -> Prepared:
    """Normalize what changes lengths (NFC, invisible characters, white-space runs).

    Returns the text unchanged, with no offset map, when nothing needs doing: the common
    case, which costs one regular-expression scan and one NFC check.
    """
    if not _PREPARE_RE.search(text):
        if unicodedata.is_normalized("NFC", text):
            return Prepared(text, None)
        composed = unicodedata.normalize("NFC", text)
        if len(composed) == len(text):  # singletons such as U+212B ANGSTROM SIGN
            return Prepared(composed, None)
    pieces: list[str] = []
    points: list[tuple[int, int]] = [(0, 0)]
    last = 0
    produced = 0
    for m in _PREPARE_RE.finditer(text):
        s, e = m.span()
        group = m.group()
        if group[0] in INVISIBLE:
            replacement = ""
        elif group[-1].isspace() or group[-1] in SPACES:
            replacement = " "
        else:
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


# ---------------------------------------------------------------------------------------
# Byte folding
# ---------------------------------------------------------------------------------------

#: ASCII bytes that stay as they are: letters, digits and the joiners that glue words
#: together (a term never starts or ends next to one: *non-lucratif*, *R&D*, *a@b*).
JOINERS = b"-&@_"


def _single_byte_table() -> bytes:
    table = bytearray(range(256))
    for b in range(128):
        ch = chr(b)
        if "A" <= ch <= "Z":
            table[b] = b + 32
        elif not (ch.isalnum() or ch.encode() in {bytes([j]) for j in JOINERS}):
            table[b] = 0x20
    return bytes(table)


_BYTE_TABLE = _single_byte_table()


def _multibyte_folds() -> tuple[tuple[bytes, bytes], ...]:
    pairs: list[tuple[bytes, bytes]] = []
    # Latin-1 and Latin Extended-A capitals whose lower case has the same UTF-8 length.
    for cp in list(range(0xC0, 0xDF)) + list(range(0x100, 0x180)):
        ch = chr(cp)
        low = ch.lower()
        if ch != low and len(low) == 1:
            a, b = ch.encode(), low.encode()
            if len(a) == len(b):
                pairs.append((a, b))
    # Punctuation that separates words: a space for each byte.
    for ch in "«»‹›“”„‟–—―‐‑‒…•·¡¿§¶†‡°€£¤¦¨©®™":
        raw = ch.encode()
        if ch in "‐‑":  # hyphens join words like '-'
            pairs.append((raw, b"-" * len(raw)))
        else:
            pairs.append((raw, b" " * len(raw)))
    return tuple(pairs)


_MULTIBYTE = _multibyte_folds()


def fold_bytes(raw: bytes) -> bytes:
    """Fold UTF-8 ``raw`` byte for byte: lower case, punctuation and spaces to ``b' '``.

    ``raw`` must already be :func:`typographic`. The result has the same length, so a match
    at ``[s, e)`` in the folded bytes is a match at ``[s, e)`` of ``raw``.
    """
    folded = raw.translate(_BYTE_TABLE)
    if not folded.isascii():
        for a, b in _MULTIBYTE:
            if a in folded:
                folded = folded.replace(a, b)
    return folded
