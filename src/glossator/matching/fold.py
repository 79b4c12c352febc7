"""Byte folding, shared by forms and texts so that both fold identically.

The text is encoded once to UTF-8; typographic punctuation becomes spaces of the same byte
length, ``bytes.translate`` lowers ASCII and Latin-1 capitals and blanks out punctuation.
A match in the folded bytes is a match at the same bytes of the text. Only what must
change length (invisible characters, runs of white space between words) goes through an
offset map (:func:`_edits`). The checks a candidate needs at its edges — is it inside a
word, after an elided article, glued to punctuation — live here too, next to the tables
they read.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from operator import itemgetter

from ..text.chars import ELIDING_WORDS as _ELIDING_WORDS
from ..text.chars import (
    ELISION_APOSTROPHES,
    ELISION_MARKS,
    INVISIBLE,
    JOINERS,
    PUNCTUATION_SPACES,
    SEPARATOR_BLOCKS,
    SEPARATOR_FORMATS,
    SPACES,
    TOKEN_SIGNS,
    WORD_HYPHENS,
)
from ..text.normalize import typographic

__all__ = ["ELIDING_WORDS", "fold_form", "fold_text"]

#: Words that French elides before a vowel: the ``l`` of *l'ESS*, the ``jusqu`` of *jusqu'aux*.
ELIDING_WORDS = frozenset(w.encode() for w in _ELIDING_WORDS)


# ---------------------------------------------------------------------------------------
# Byte folding, shared by forms and texts so that both fold identically
# ---------------------------------------------------------------------------------------


#: Continuation bytes that end a separator (’ E2 80 99, NBSP C2 A0, « C2 AB, » C2 BB,
#: NNBSP E2 80 AF, ʼ CA BC, × C3 97, ÷ C3 B7, · C2 B7) and therefore fold to a space, so
#: that a term right after one of them starts after a space (the rarer separators are
#: blanked by :func:`fold_text`). The letters that share these bytes (à ë ï ù û ü ø, ė ķ
#: ŗ ŷ and their capitals) fold to a space too, the same way in forms and texts; a candidate that
#: starts right after such a letter is rejected by a check at that position.
_TAIL_SPACES = bytes(
    [0x80, 0x8B, 0x8F, 0x97, 0x98, 0x99, 0x9B, 0x9C, 0xA0, 0xAB, 0xAF, 0xB7, 0xB8, 0xB9, 0xBB,
     0xBC]
)
#: Lead bytes of characters that are never letters: C2 (U+0080–U+00BF: NBSP, «, », °…) and
#: E2 (U+2000–U+2FFF: typographic spaces, quotes, dashes, symbols).
_SEPARATOR_LEADS = b"\xc2\xe2"


def _translate_table() -> bytes:
    table = bytearray(range(256))
    for b in range(128):
        ch = chr(b)
        if "A" <= ch <= "Z":
            table[b] = b + 32
        elif not (ch.isalnum() or ch in "-&@_"):
            table[b] = 0x20
    # Latin-1 capitals are C3 80..9E and their lower case C3 A0..BE: shifting every
    # continuation byte 80..9E by 0x20 lowers them. Other characters are shifted too, the
    # same way in forms and texts, so equal texts still fold equal.
    for b in range(0x80, 0x9F):
        table[b] = b + 0x20
    for b in _TAIL_SPACES + _SEPARATOR_LEADS:
        table[b] = 0x20
    return bytes(table)


_TABLE = _translate_table()
_ASCII = bytes(range(128))
#: What NFC may change, or what may change the character before it: the characters that
#: are not their own NFC, those with a canonical combining class other than 0, the later
#: parts of canonical decompositions, and the Hangul vowel and final jamo. As (first,
#: last) code point ranges, from unicodedata 14.0.0 (:func:`nfc_suspects`, which
#: tests/test_scanner.py runs against this Python's unicodedata). Only around them is the
#: text checked with unicodedata.is_normalized (``scan._composed``).
NFC_SUSPECT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0300, 0x034E), (0x0350, 0x036F), (0x0374, 0x0374), (0x037E, 0x037E), (0x0387, 0x0387),
    (0x0483, 0x0487), (0x0591, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C4, 0x05C5),
    (0x05C7, 0x05C7), (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06DC),
    (0x06DF, 0x06E4), (0x06E7, 0x06E8), (0x06EA, 0x06ED), (0x0711, 0x0711), (0x0730, 0x074A),
    (0x07EB, 0x07F3), (0x07FD, 0x07FD), (0x0816, 0x0819), (0x081B, 0x0823), (0x0825, 0x0827),
    (0x0829, 0x082D), (0x0859, 0x085B), (0x0898, 0x089F), (0x08CA, 0x08E1), (0x08E3, 0x08FF),
    (0x093C, 0x093C), (0x094D, 0x094D), (0x0951, 0x0954), (0x0958, 0x095F), (0x09BC, 0x09BC),
    (0x09BE, 0x09BE), (0x09CD, 0x09CD), (0x09D7, 0x09D7), (0x09DC, 0x09DD), (0x09DF, 0x09DF),
    (0x09FE, 0x09FE), (0x0A33, 0x0A33), (0x0A36, 0x0A36), (0x0A3C, 0x0A3C), (0x0A4D, 0x0A4D),
    (0x0A59, 0x0A5B), (0x0A5E, 0x0A5E), (0x0ABC, 0x0ABC), (0x0ACD, 0x0ACD), (0x0B3C, 0x0B3C),
    (0x0B3E, 0x0B3E), (0x0B4D, 0x0B4D), (0x0B56, 0x0B57), (0x0B5C, 0x0B5D), (0x0BBE, 0x0BBE),
    (0x0BCD, 0x0BCD), (0x0BD7, 0x0BD7), (0x0C3C, 0x0C3C), (0x0C4D, 0x0C4D), (0x0C55, 0x0C56),
    (0x0CBC, 0x0CBC), (0x0CC2, 0x0CC2), (0x0CCD, 0x0CCD), (0x0CD5, 0x0CD6), (0x0D3B, 0x0D3C),
    (0x0D3E, 0x0D3E), (0x0D4D, 0x0D4D), (0x0D57, 0x0D57), (0x0DCA, 0x0DCA), (0x0DCF, 0x0DCF),
    (0x0DDF, 0x0DDF), (0x0E38, 0x0E3A), (0x0E48, 0x0E4B), (0x0EB8, 0x0EBA), (0x0EC8, 0x0ECB),
    (0x0F18, 0x0F19), (0x0F35, 0x0F35), (0x0F37, 0x0F37), (0x0F39, 0x0F39), (0x0F43, 0x0F43),
    (0x0F4D, 0x0F4D), (0x0F52, 0x0F52), (0x0F57, 0x0F57), (0x0F5C, 0x0F5C), (0x0F69, 0x0F69),
    (0x0F71, 0x0F76), (0x0F78, 0x0F78), (0x0F7A, 0x0F7D), (0x0F80, 0x0F84), (0x0F86, 0x0F87),
    (0x0F93, 0x0F93), (0x0F9D, 0x0F9D), (0x0FA2, 0x0FA2), (0x0FA7, 0x0FA7), (0x0FAC, 0x0FAC),
    (0x0FB5, 0x0FB5), (0x0FB7, 0x0FB7), (0x0FB9, 0x0FB9), (0x0FC6, 0x0FC6), (0x102E, 0x102E),
    (0x1037, 0x1037), (0x1039, 0x103A), (0x108D, 0x108D), (0x1161, 0x1175), (0x11A8, 0x11C2),
    (0x135D, 0x135F), (0x1714, 0x1715), (0x1734, 0x1734), (0x17D2, 0x17D2), (0x17DD, 0x17DD),
    (0x18A9, 0x18A9), (0x1939, 0x193B), (0x1A17, 0x1A18), (0x1A60, 0x1A60), (0x1A75, 0x1A7C),
    (0x1A7F, 0x1A7F), (0x1AB0, 0x1ABD), (0x1ABF, 0x1ACE), (0x1B34, 0x1B35), (0x1B44, 0x1B44),
    (0x1B6B, 0x1B73), (0x1BAA, 0x1BAB), (0x1BE6, 0x1BE6), (0x1BF2, 0x1BF3), (0x1C37, 0x1C37),
    (0x1CD0, 0x1CD2), (0x1CD4, 0x1CE0), (0x1CE2, 0x1CE8), (0x1CED, 0x1CED), (0x1CF4, 0x1CF4),
    (0x1CF8, 0x1CF9), (0x1DC0, 0x1DFF), (0x1F71, 0x1F71), (0x1F73, 0x1F73), (0x1F75, 0x1F75),
    (0x1F77, 0x1F77), (0x1F79, 0x1F79), (0x1F7B, 0x1F7B), (0x1F7D, 0x1F7D), (0x1FBB, 0x1FBB),
    (0x1FBE, 0x1FBE), (0x1FC9, 0x1FC9), (0x1FCB, 0x1FCB), (0x1FD3, 0x1FD3), (0x1FDB, 0x1FDB),
    (0x1FE3, 0x1FE3), (0x1FEB, 0x1FEB), (0x1FEE, 0x1FEF), (0x1FF9, 0x1FF9), (0x1FFB, 0x1FFB),
    (0x1FFD, 0x1FFD), (0x2000, 0x2001), (0x20D0, 0x20DC), (0x20E1, 0x20E1), (0x20E5, 0x20F0),
    (0x2126, 0x2126), (0x212A, 0x212B), (0x2329, 0x232A), (0x2ADC, 0x2ADC), (0x2CEF, 0x2CF1),
    (0x2D7F, 0x2D7F), (0x2DE0, 0x2DFF), (0x302A, 0x302F), (0x3099, 0x309A), (0xA66F, 0xA66F),
    (0xA674, 0xA67D), (0xA69E, 0xA69F), (0xA6F0, 0xA6F1), (0xA806, 0xA806), (0xA82C, 0xA82C),
    (0xA8C4, 0xA8C4), (0xA8E0, 0xA8F1), (0xA92B, 0xA92D), (0xA953, 0xA953), (0xA9B3, 0xA9B3),
    (0xA9C0, 0xA9C0), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB4), (0xAAB7, 0xAAB8), (0xAABE, 0xAABF),
    (0xAAC1, 0xAAC1), (0xAAF6, 0xAAF6), (0xABED, 0xABED), (0xF900, 0xFA0D), (0xFA10, 0xFA10),
    (0xFA12, 0xFA12), (0xFA15, 0xFA1E), (0xFA20, 0xFA20), (0xFA22, 0xFA22), (0xFA25, 0xFA26),
    (0xFA2A, 0xFA6D), (0xFA70, 0xFAD9), (0xFB1D, 0xFB1F), (0xFB2A, 0xFB36), (0xFB38, 0xFB3C),
    (0xFB3E, 0xFB3E), (0xFB40, 0xFB41), (0xFB43, 0xFB44), (0xFB46, 0xFB4E), (0xFE20, 0xFE2F),
    (0x101FD, 0x101FD), (0x102E0, 0x102E0), (0x10376, 0x1037A), (0x10A0D, 0x10A0D),
    (0x10A0F, 0x10A0F), (0x10A38, 0x10A3A), (0x10A3F, 0x10A3F), (0x10AE5, 0x10AE6),
    (0x10D24, 0x10D27), (0x10EAB, 0x10EAC), (0x10F46, 0x10F50), (0x10F82, 0x10F85),
    (0x11046, 0x11046), (0x11070, 0x11070), (0x1107F, 0x1107F), (0x110B9, 0x110BA),
    (0x11100, 0x11102), (0x11127, 0x11127), (0x11133, 0x11134), (0x11173, 0x11173),
    (0x111C0, 0x111C0), (0x111CA, 0x111CA), (0x11235, 0x11236), (0x112E9, 0x112EA),
    (0x1133B, 0x1133C), (0x1133E, 0x1133E), (0x1134D, 0x1134D), (0x11357, 0x11357),
    (0x11366, 0x1136C), (0x11370, 0x11374), (0x11442, 0x11442), (0x11446, 0x11446),
    (0x1145E, 0x1145E), (0x114B0, 0x114B0), (0x114BA, 0x114BA), (0x114BD, 0x114BD),
    (0x114C2, 0x114C3), (0x115AF, 0x115AF), (0x115BF, 0x115C0), (0x1163F, 0x1163F),
    (0x116B6, 0x116B7), (0x1172B, 0x1172B), (0x11839, 0x1183A), (0x11930, 0x11930),
    (0x1193D, 0x1193E), (0x11943, 0x11943), (0x119E0, 0x119E0), (0x11A34, 0x11A34),
    (0x11A47, 0x11A47), (0x11A99, 0x11A99), (0x11C3F, 0x11C3F), (0x11D42, 0x11D42),
    (0x11D44, 0x11D45), (0x11D97, 0x11D97), (0x16AF0, 0x16AF4), (0x16B30, 0x16B36),
    (0x16FF0, 0x16FF1), (0x1BC9E, 0x1BC9E), (0x1D15E, 0x1D169), (0x1D16D, 0x1D172),
    (0x1D17B, 0x1D182), (0x1D185, 0x1D18B), (0x1D1AA, 0x1D1AD), (0x1D1BB, 0x1D1C0),
    (0x1D242, 0x1D244), (0x1E000, 0x1E006), (0x1E008, 0x1E018), (0x1E01B, 0x1E021),
    (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E130, 0x1E136), (0x1E2AE, 0x1E2AE),
    (0x1E2EC, 0x1E2EF), (0x1E8D0, 0x1E8D6), (0x1E944, 0x1E94A), (0x2F800, 0x2FA1D),
)


def nfc_suspects() -> set[int]:
    """The code points :data:`NFC_SUSPECT_RANGES` must cover, from this Python's
    :mod:`unicodedata` (a second: every code point is looked at)."""
    later: set[int] = set()
    for c in range(0x110000):
        decomposition = unicodedata.decomposition(chr(c))
        if decomposition and not decomposition.startswith("<"):
            later.update(int(part, 16) for part in decomposition.split()[1:])
    out = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3)) | (later - set(range(128)))
    for c in range(0x80, 0x110000):
        ch = chr(c)
        if not 0xD800 <= c < 0xE000 and (
                unicodedata.combining(ch) or unicodedata.normalize("NFC", ch) != ch):
            out.add(c)
    return out


@functools.cache
def nfc_suspect_bytes() -> dict[int, dict[int, frozenset[int] | None]]:
    """:data:`NFC_SUSPECT_RANGES` as UTF-8 bytes, the way the scanners look for them:
    lead byte -> second byte -> the third bytes that make a suspect (three-byte characters)
    or ``None`` (the two bytes are enough: a two-byte character, or a four-byte one, which
    is suspect from its first two bytes on, a few harmless extra checks in rare scripts)."""
    thirds: dict[int, dict[int, set[int]]] = {}
    for first, last in NFC_SUSPECT_RANGES:
        for c in range(first, last + 1):
            seq = chr(c).encode("utf-8")
            thirds.setdefault(seq[0], {}).setdefault(seq[1], set()).update(seq[2:3])
    out: dict[int, dict[int, frozenset[int] | None]] = {}
    for lead, seconds in thirds.items():
        out[lead] = {second: frozenset(t) if 0xE0 <= lead < 0xF0 else None
                     for second, t in seconds.items()}
    return out


@functools.cache
def maybe_not_nfc() -> re.Pattern[bytes]:
    """Finds the suspects of :func:`nfc_suspect_bytes` in UTF-8 bytes, as the C scanner's
    ``prepare`` does (a bytes pattern, compiled on first use)."""
    def cls(values: frozenset[int] | set[int]) -> bytes:
        return b"[" + b"".join(re.escape(bytes([v])) for v in sorted(values)) + b"]"

    branches = []
    for lead, seconds in sorted(nfc_suspect_bytes().items()):
        whole = {second for second, t in seconds.items() if t is None or len(t) == 64}
        parts = [cls(whole)] if whole else []
        parts += [re.escape(bytes([second])) + cls(t) for second, t in sorted(
            seconds.items(), key=lambda item: item[0]) if t is not None and len(t) < 64]
        branches.append(re.escape(bytes([lead])) + b"(?:" + b"|".join(parts) + b")")
    return re.compile(b"|".join(branches))


#: Invisible characters looked through inside words (removed, with an offset map).
_INVISIBLE = tuple(c.encode() for c in INVISIBLE)
#: What a letter folded to a space looks like in the folded bytes (see _TAIL_SPACES).
_BLANKED_LETTER = b"\xc3 "

#: 1 for ASCII letters and digits, 2 for every other byte of a multibyte character (the
#: character itself then decides: ``_word_char_at``), 0 for the rest.
_WORD = bytes(1 if b < 0x80 and chr(b).isalnum() else (2 if b >= 0x80 else 0)
              for b in range(256))
_UPPER = bytes(1 if 0x41 <= b <= 0x5A or b == 0xC3 or b == 0xC5 else 0 for b in range(256))
_LETTER = bytes(1 if chr(b).isascii() and chr(b).isalpha() else 0 for b in range(256))
_JOINER = bytes(1 if chr(b) in "-&@_" else 0 for b in range(256))
_NOT_JOINER = bytes(b for b in range(256) if chr(b) not in "-&@_")
_NOT_WORD = bytes(b for b in range(256) if not _WORD[b])
_CONTINUATION = bytes(1 if 0x80 <= b < 0xC0 else 0 for b in range(256))
#: The apostrophes an elided word may end with in a text, by their last byte.
_APOSTROPHE_LAST = {c.encode()[-1]: c.encode() for c in ELISION_MARKS}


def _separator_tails() -> tuple[tuple[bytes, int, frozenset[bytes]], ...]:
    """The separators (``chars.SEPARATOR_BLOCKS``, ``chars.SEPARATOR_FORMATS``) whose last
    byte ``_TABLE`` does not turn into a space — dashes, bullets, the ellipsis, closing
    quotes, ``§``, arrows, emoji, bidirectional controls… — as ``(lead byte, number of
    continuation bytes, the continuations that follow it)``. ``×``, ``÷`` and ``·`` are in
    ``_TAIL_SPACES``."""
    separators = [
        ch for lo, hi in SEPARATOR_BLOCKS for ch in map(chr, range(lo, hi + 1))
        if unicodedata.category(ch)[0] in "PSZ" and ch not in TOKEN_SIGNS
    ] + list(SEPARATOR_FORMATS)
    tails: dict[bytes, set[bytes]] = {}
    for ch in separators:
        seq = ch.encode("utf-8")
        if not seq.translate(_TABLE).endswith(b" "):
            tails.setdefault(seq[:1], set()).add(seq[1:])
    return tuple((lead, len(next(iter(rest))), frozenset(rest))
                 for lead, rest in sorted(tails.items()))



#: Made on first use, by the module's ``__getattr__``.
_SEPARATOR_TAILS: tuple[tuple[bytes, int, frozenset[bytes]], ...]


def __getattr__(name: str) -> object:
    """``_SEPARATOR_TAILS``, made on first use (tests compare :func:`fold_text` with it)."""
    if name == "_SEPARATOR_TAILS":
        globals()[name] = tails = _separator_tails()
        return tails
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _is_separator_tail(seq: bytes) -> bool:
    """Whether ``seq`` is a whole separator of :func:`_separator_tails`: one character of
    ``chars.SEPARATOR_BLOCKS`` (punctuation, symbol or space, not a token sign) or
    ``chars.SEPARATOR_FORMATS``, whose last byte ``_TABLE`` does not turn into a space."""
    try:
        ch = seq.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if len(ch) != 1 or _TABLE[seq[-1]] == 0x20:
        return False
    if ch in SEPARATOR_FORMATS:
        return True
    return (any(lo <= ord(ch) <= hi for lo, hi in SEPARATOR_BLOCKS)
            and unicodedata.category(ch)[0] in "PSZ" and ch not in TOKEN_SIGNS)


def _separator_leads() -> tuple[tuple[bytes, int], ...]:
    """The lead bytes of the separators of :func:`_separator_tails`, each with the number
    of continuation bytes after it: those of at least one such separator, each found by
    looking through its own code points only until one is (a lead of none, as ``C3``
    whose separators ``×`` and ``÷`` fold to a space, would only cost a split of every
    text that holds an accented letter)."""
    leads = {c.encode("utf-8")[0] for c in SEPARATOR_FORMATS}
    for lo, hi in SEPARATOR_BLOCKS:
        leads.update(range(chr(lo).encode("utf-8")[0], chr(hi).encode("utf-8")[0] + 1))
    found = []
    for lead in sorted(b for b in leads if b >= 0xC2):
        width = 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3
        shift = 6 * width
        first = (lead & (0x3F >> width)) << shift  # the code points this lead starts
        last = first + (1 << shift) - 1
        spans = [(max(lo, first), min(hi, last)) for lo, hi in SEPARATOR_BLOCKS]
        spans += [(ord(c), ord(c)) for c in SEPARATOR_FORMATS if first <= ord(c) <= last]
        if any(_is_separator_tail(chr(code).encode("utf-8"))
               for lo, hi in spans for code in range(lo, hi + 1)):
            found.append((bytes([lead]), width))
    return tuple(found)


#: Made at import instead of :func:`_separator_tails` (one Unicode category per character
#: of the blocks: 3 ms at start-up): each sequence a text holds is checked when first met.
_TAIL_LEADS = _separator_leads()
_FIRST = {n: itemgetter(slice(None, n)) for n in (1, 2, 3)}


def _blank(match: re.Match[bytes]) -> bytes:
    return b" " * (match.end() - match.start())


def fold_text(raw: bytes, rare: bytes) -> bytes:
    """The folded bytes of UTF-8 text ``raw`` (``rare``: its non-ASCII bytes, where
    separators are looked for first): ``_TABLE``'s fold, with every separator of
    ``chars.SEPARATOR_BLOCKS`` blanked, so that a word right after a dash, a bullet, an
    ellipsis or a closing quote starts after a space (*—ESS—*, *•coopérative*)."""
    present: list[bytes] = []
    for lead, width in _TAIL_LEADS:
        if lead in rare:
            after = rare.split(lead)
            del after[0]
            present.extend(lead + t for t in set(map(_FIRST[width], after))
                           if _is_separator_tail(lead + t))
    if present:  # a few sequences, all led by a byte that is rare in French text
        raw = re.sub(b"|".join(map(re.escape, sorted(present))), _blank, raw)
    return raw.translate(_TABLE)


def fold_form(text: str) -> bytes:
    """The bytes the automaton looks for to find ``text`` (without the leading space):
    folded exactly as a text is."""
    raw = text.encode("utf-8")
    return fold_text(raw, raw)


class _Edits:
    """Length-changing edits of the text bytes, with the map back to the original bytes."""

    __slots__ = ("news", "olds")

    def __init__(self) -> None:
        self.news: list[int] = [0]  # positions in the edited bytes where a cut was made
        self.olds: list[int] = [0]  # the same positions in the original bytes


#: Classes for finding white-space runs between words: letters and digits (and every
#: non-ASCII byte) are "a", white space is " ", the rest is ".".
_WS_TABLE = bytes(
    0x20 if chr(b) in " \t\n\r\f\v" else 0x61 if (b >= 0x80 or chr(b).isalnum()) else 0x2E
    for b in range(256)
)
#: Multibyte spaces, written as that many ASCII spaces before looking for runs.
_WIDE_SPACES = tuple(
    (c.encode(), b" " * len(c.encode()))
    for c in SPACES
)


def _edits(raw: bytes, rare: bytes, runs: bool) -> tuple[bytes, _Edits | None]:
    """Cut what must change length, keeping a map back to ``raw``.

    Invisible characters (soft hyphens, zero-width characters) are removed. With
    ``runs``, white space between two words that is wider than one byte — a no-break or
    narrow no-break space, a line break with indentation, CRLF, two spaces — becomes one
    space, so that multiword terms are found across it; a paragraph break (two line
    breaks) is left alone. Texts that need none of this cost a few C-level scans.
    """
    cuts: list[tuple[int, int, bytes]] = []
    for seq in _INVISIBLE:
        if seq in rare:
            start = raw.find(seq)
            while start != -1:
                cuts.append((start, start + len(seq), b""))
                start = raw.find(seq, start + len(seq))
    if runs:
        ws = raw
        for seq, rep in _WIDE_SPACES:
            if seq in rare:
                ws = ws.replace(seq, rep)
        ws = ws.translate(_WS_TABLE) + b"."
        find = ws.find
        count = raw.count
        append = cuts.append
        start = find(b"a  ")  # a run of two or more spaces right after a letter
        while start != -1:
            start += 1
            end = start + 2
            while ws[end] == 0x20:
                end += 1
            if ws[end] == 0x61 and count(b"\n", start, end) < 2:
                append((start, end, b" "))
            start = find(b"a  ", end)
    if not cuts:
        return raw, None
    cuts.sort()
    edits = _Edits()
    parts: list[bytes] = []
    last = 0
    produced = 0
    for s, e, rep in cuts:
        if s < last:  # an invisible character inside a run
            continue
        parts.append(raw[last:s])
        parts.append(rep)
        produced += s - last + len(rep)
        edits.news.append(produced)
        edits.olds.append(e)
        last = e
    parts.append(raw[last:])
    return b"".join(parts), edits


_INVISIBLE_STR = str.maketrans({**dict.fromkeys(INVISIBLE), **dict.fromkeys(WORD_HYPHENS, "-")})


def _flat(surface: bytes) -> str:
    """Decoded surface: NFC, plain apostrophes, spaces and hyphens, no invisible
    characters. A surface that cuts a character (only the trie of a forged cache file
    ends a candidate there) reads it as U+FFFD, which no variant accepts."""
    text = unicodedata.normalize("NFC", surface.decode("utf-8", "replace")).translate(
        _INVISIBLE_STR)
    return " ".join(typographic(text).split())


def _edges(text: str) -> tuple[str, str, str]:
    """Split leading and trailing punctuation off a form: ``etc.`` → ``("", "etc", ".")``.

    The joiners ``- & @ _``, which the fold keeps, stay in the form's pattern
    (*@glossator*, the suffix *-ment*, *anti-*), and so do combining marks (part of the
    letter before them) and leading punctuation whose last byte the fold keeps (*°C*).
    """
    if text[:1].isalnum() and text[-1:].isalnum():
        return "", text, ""

    def kept(ch: str) -> bool:  # letters, digits, joiners, and marks (part of a letter)
        return ch.isalnum() or ch in _JOINERS or unicodedata.category(ch).startswith("M")

    start = 0
    while start < len(text) and not kept(text[start]):
        start += 1
    # the walk starts at a space: the head must end with a character the fold turns
    # into one (« ’ . but not °, whose bytes the fold keeps: °C keeps its °)
    while start and not fold_form(text[start - 1]).endswith(b" "):
        start -= 1
    end = len(text)
    while end > start and not kept(text[end - 1]):
        end -= 1
    return text[:start], text[start:end], text[end:]


#: The characters the fold keeps between words (see _JOINER).
_JOINERS = frozenset(JOINERS)


def _unligatured(text: str) -> str:
    """``text`` with its ligatures spelled out, case kept: *Œuvre* → *OEuvre*."""
    return text.replace("œ", "oe").replace("æ", "ae").replace("Œ", "OE").replace("Æ", "AE")


def _loose(text: str) -> str:
    """Comparison key of a case-insensitive form: casefolded, ligatures spelled out."""
    return text.casefold().replace("œ", "oe").replace("æ", "ae")


def _ends_word_char(raw: bytes, i: int) -> bool:
    """Whether the character whose last byte is ``raw[i]`` is a letter or digit."""
    j = i
    while j > 0 and 0x80 <= raw[j] < 0xC0:
        j -= 1
    return raw[j : i + 1].decode("utf-8", "replace").isalnum()


#: What may follow a verb or a demonstrative after a hyphen without making one word:
#: *jugea-t-elle*, *dit-il*, *donne-moi*, *est-ce*, *celui-ci*, *ce jour-là*.
_CLITIC = re.compile(
    rb"-(?:t-)?(?:il|ils|elle|elles|on|je|tu|nous|vous|ce|moi|toi|le|la|les|lui|leur|y|en"
    rb"|ci|l\xc3 )(?![a-z0-9&@_\x80-\xff])"
)


def _inside_word(hay: bytes, raw: bytes, e: int) -> bool:
    """Whether a candidate ending at ``e`` ends inside a word (``hay[e]`` exists)."""
    w = _WORD[hay[e]]
    if w:
        return w == 1 or _word_char_at(raw, e)
    if _JOINER[hay[e]] and _WORD[hay[e + 1]]:
        return not (hay[e] == 0x2D and _CLITIC.match(hay, e))
    return False


@functools.lru_cache(maxsize=1024)
def _edge_spellings(edge: bytes) -> tuple[bytes, ...]:
    """A form's leading or trailing punctuation as the text may write it: its
    apostrophes as ', ’ or ʼ, its spaces as plain, no-break or narrow no-break spaces
    (*à rejouer\u00a0!*)."""
    if b"'" not in edge and b" " not in edge:
        return (edge,)
    text = edge.decode("utf-8")
    return tuple(dict.fromkeys(
        spelled.encode("utf-8")
        for written in _spellings(text, "'", _APOSTROPHE_WIDTHS)
        for spelled in _spellings(written, " ", PUNCTUATION_SPACES)
    ))


def _edge_after(raw: bytes, e: int, tail: bytes) -> int:
    """Where a form's trailing punctuation ends if ``raw`` has it at ``e``, else -1."""
    for spelling in _edge_spellings(tail):
        if raw.startswith(spelling, e):
            return e + len(spelling)
    return -1


def _edge_before(raw: bytes, s: int, head: bytes) -> int:
    """The byte before a form's leading punctuation if ``raw`` has it ending at ``s``
    (the match then starts after that byte, as after the space before a word), else
    -1."""
    for spelling in _edge_spellings(head):
        if s >= len(spelling) and raw.startswith(spelling, s - len(spelling)):
            return s - len(spelling) - 1
    return -1


def _glued_after(raw: bytes, i: int, tail: bytes) -> bool:
    """Whether a letter follows a form's trailing punctuation (``tail``) at byte ``i``:
    then the form is part of a longer token (*S.A.* in *S.A.R.L.*). A digit may follow
    (*n°12*); after an apostrophe (an elided word) a letter is what comes next."""
    b = raw[i]  # raw ends with a padding space
    if tail.endswith(_APOSTROPHE_BYTES):
        return False
    if b < 0x80:
        return _LETTER[b] == 1  # a letter, not a digit: n°12 is n° 12, C++11 is C++
    j = i + 1
    while j < len(raw) and 0x80 <= raw[j] < 0xC0:
        j += 1
    ch = raw[i:j].decode("utf-8", "replace")
    return ch.isalpha() or unicodedata.category(ch[:1]).startswith("M")


def _glued_before(raw: bytes, i: int, head: bytes) -> bool:
    """Whether a letter or digit ends at byte ``i``, right before a form's leading
    punctuation (``head``): *.NET* in *ASP.NET*."""
    b = raw[i]  # raw starts with a padding space
    if head.startswith(_APOSTROPHE_BYTES):
        return False
    return _WORD[b] == 1 or (b >= 0x80 and _ends_word_char(raw, i))


def _word_char_at(raw: bytes, i: int) -> bool:
    """Whether the (non-ASCII) character starting at byte ``i`` is a letter or digit."""
    j = i + 1
    while j < len(raw) and 0x80 <= raw[j] < 0xC0:
        j += 1
    ch = raw[i:j].decode("utf-8", "replace")
    return ch.isalnum() or unicodedata.category(ch[:1]).startswith("M")


def _capitals_only_unaccented(surface: str, form: str) -> bool:
    """True if every letter whose accent is missing in ``surface`` is a capital."""
    if len(surface) != len(form):
        return False
    for s_ch, f_ch in zip(surface, form, strict=True):
        if s_ch.lower() != f_ch.lower() and not s_ch.isupper():
            return False
    return True
_APOSTROPHE_WIDTHS = tuple(ELISION_APOSTROPHES)  # fold to 1, 3 and 2 spaces
#: The same as bytes (the first is the one forms are stored with).
_APOSTROPHE_BYTES = tuple(a.encode() for a in _APOSTROPHE_WIDTHS)


def _spellings(text: str, char: str = "'", ways: Sequence[str] = _APOSTROPHE_WIDTHS
               ) -> list[str]:
    """Ways of writing each ``char`` of ``text`` (by default its apostrophes: ', ’ and ʼ
    fold to 1, 3 and 2 spaces)."""
    if char not in text:
        return [text]
    parts = text.split(char)
    if len(parts) <= 3:  # at most two of them: every combination
        combos: list[list[str]] = [[]]
        for _ in parts[1:]:
            combos = [[*c, a] for c in combos for a in ways]
    else:  # many: the same kind throughout
        combos = [[a] * (len(parts) - 1) for a in ways]
    return [
        parts[0] + "".join(a + p for a, p in zip(combo, parts[1:], strict=True))
        for combo in combos
    ]


def _keys(text: str) -> list[bytes]:
    """The folded byte patterns of ``text``, one per spelling of its apostrophes and
    hyphens."""
    keys: list[bytes] = []
    for written in _spellings(text):
        # a hyphen may be typeset as U+2010 or U+2011 (the same kind throughout)
        hyphenated = [written.replace("-", h) for h in WORD_HYPHENS] if "-" in written else [
            written]
        for spelled in hyphenated:
            key = fold_form(spelled)
            if key not in keys and key.translate(None, _NOT_WORD):
                keys.append(key)
    return keys
