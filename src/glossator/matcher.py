"""Compile a glossary into an immutable matcher, and find its forms in French text.

How it works (README, "Design notes"):

* **French goes into the compiled glossary.** Each form gets its variants once, at compile
  time: the plural of its head (*pôles territoriaux de coopération économique*), the
  hyphen/space variant (*tiers lieu*), the unaccented-capitals variant (*ETAT*, *Etat*).
  Every variant is folded exactly as the text will be and prefixed with one space, which
  only the start of a word can match.
* **The text is folded byte for byte.** It is encoded once to UTF-8; typographic
  punctuation becomes spaces of the same byte length, ``bytes.translate`` lowers ASCII and
  Latin-1 capitals and blanks out punctuation. A match in the folded bytes is a match at
  the same bytes of the text. Only what must change length (invisible characters, runs of
  white space between words, decomposed accents) goes through an offset map.
* **The scan is C** (``glossator._scan``): a trie of the patterns walked from every space,
  which keeps leftmost-longest matches and decides most candidates itself (plain words,
  acronyms' bytes, letters the fold blurs, unaccented capitals, elision). The others come
  back to :meth:`Matcher._verify`: French elision (*l'ESS*, *jusqu'aux*), case, accents.
* Without the C module (or with ``GLOSSATOR_PURE_PYTHON=1``) the same matches come from a
  leftmost-longest Aho–Corasick automaton (``ahocorasick_rs``) and Python checks at each
  candidate; when the longest candidate fails, the region it covered is searched again,
  so a failed long candidate never hides a good one.
* Offsets are turned back into code points of the caller's string in one pass.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import struct
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, overload

import ahocorasick_rs

from ._columns import (
    Groups,
    Packed,
    Rows,
    check_ints,
    ints,
    pack_bytes,
    read_sections,
    write_sections,
)
from ._gc import paused_gc
from .french import pluralize_term, strip_accents
from .glossary import Form, Glossary, is_acronym
from .normalize import Prepared, canonical, prepare_nfc, typographic

__all__ = ["ELIDING_WORDS", "MatchOptions", "Matcher", "RawMatch", "Variant", "compile_glossary"]

#: Words that French elides before a vowel: the ``l`` of *l'ESS*, the ``jusqu`` of *jusqu'aux*.
ELIDING_WORDS = frozenset(
    b"l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu quelqu".split()
)

#: The interface version of ``glossator._scan`` these sources expect (``SCAN_ABI`` there).
_SCAN_ABI = 6


def _accelerator() -> Any:
    """The C scanner (``glossator._scan``), or ``None``: not built, built from other
    sources (a stale module: warned about), or turned off with ``GLOSSATOR_PURE_PYTHON=1``.
    The pure-Python scanner gives the same matches."""
    if os.environ.get("GLOSSATOR_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from . import _scan
    except ImportError:
        return None
    if getattr(_scan, "ABI", None) != _SCAN_ABI:
        import warnings

        warnings.warn("glossator's C scanner was built from other sources and is not used; "
                      "reinstall glossator to rebuild it", RuntimeWarning, stacklevel=2)
        return None
    return _scan


#: The compiled scanner module, or ``None``; read when a matcher is built.
ACCELERATOR: Any = _accelerator()

#: One match as the C scanner packs it: start, end, variant * 2 + elided (native int64).
_PACKED_MATCH = struct.Struct("=qqq").pack

# How many bytes of text are scanned per automaton call (bounds the memory of a call).
_CHUNK = 1 << 20
# Texts longer than this many characters are scanned in segments cut at paragraph breaks.
_SEGMENT = 8 << 20


def _segment_end(text: str, start: int) -> int:
    """Where the segment from ``start`` ends: a paragraph break near ``start + _SEGMENT``."""
    if len(text) - start <= _SEGMENT:
        return len(text)
    target = start + _SEGMENT
    for sep in ("\n\n", "\n", " "):
        cut = text.rfind(sep, start + _SEGMENT // 2, target)
        if cut != -1:
            return cut + len(sep)
    return target


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """How a glossary is compiled.

    ``accents``: ``"strict"`` (default; an unaccented capital still matches: *ETAT* for
    *État*) or ``"fold"`` (*economie* finds *économie*). ``inflect``: add plural forms.
    ``lemmas``: ``"rules"`` (built-in plural rules) or ``"spacy"`` (also irregular plurals
    from ``fr_core_news_sm``'s lemma tables, loaded at compile time).
    """

    accents: str = "strict"
    inflect: bool = True
    lemmas: str = "rules"

    def __post_init__(self) -> None:
        from .errors import UsageError

        if self.accents not in ("strict", "fold"):
            raise UsageError(f"unknown accents mode '{self.accents}'", hint="strict or fold")
        if self.lemmas not in ("rules", "spacy"):
            raise UsageError(f"unknown lemma source '{self.lemmas}'", hint="rules or spacy")


class _Variants(Sequence["Variant"]):
    """The compiled variants, built as objects only when first looked at."""

    __slots__ = ("_built", "_forms", "_raw")

    def __init__(self, forms: Sequence[Form], raw: Sequence[tuple[Any, ...]]) -> None:
        self._forms = forms
        self._raw = raw
        self._built: dict[int, Variant] = {}

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> Variant: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Variant]: ...

    def __getitem__(self, index: int | slice) -> Variant | Sequence[Variant]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._raw)))]
        v = self._built.get(index)
        if v is None:
            raw = self._raw[index]
            v = self._built[index] = Variant(self._forms[raw[0]], *raw[1:])
        return v


class Variant(NamedTuple):
    """One surface the automaton looks for, and the form it stands for."""

    form: Form
    text: str  # canonical text of the variant (NFC, typographic apostrophes)
    tag: str  # "" or inflected | hyphen-variant | unaccented-capital
    cs: bool  # compare case exactly
    core: bytes  # UTF-8 of the text without leading and trailing punctuation
    core_text: str  # the same, as text
    accented: str  # for an unaccented variant: its core before the accents were dropped
    head: bytes  # punctuation the form starts with (not in the pattern, checked apart)
    tail: bytes  # punctuation the form ends with (*etc.*, *aux.*)


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A match before policies: code-point offsets into the caller's text, and why."""

    start: int
    end: int
    form: Form
    surface: str
    how: str
    elided: bool
    variant: str


# ---------------------------------------------------------------------------------------
# Byte folding, shared by forms and texts so that both fold identically
# ---------------------------------------------------------------------------------------


#: Continuation bytes that end a separator (’ E2 80 99, NBSP C2 A0, « C2 AB, » C2 BB,
#: NNBSP E2 80 AF, ʼ CA BC) and therefore fold to a space, so that a term right after one
#: of them starts after a space. The letters that share these bytes (à ë ï ù û ü ø and
#: their capitals) fold to a space too, the same way in forms and texts; a candidate that
#: starts right after such a letter is rejected by a check at that position.
_TAIL_SPACES = bytes(
    [0x80, 0x8B, 0x8F, 0x98, 0x99, 0x9B, 0x9C, 0xA0, 0xAB, 0xAF, 0xB8, 0xB9, 0xBB, 0xBC]
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
#: Lead bytes of what NFC may change: combining marks (U+0300–U+036F: CC, CD), and the
#: rarer decomposed scripts or singletons (E1 .., E2 84/86, EF AC…): only then is the
#: text checked with unicodedata.is_normalized.
_MAYBE_NOT_NFC = re.compile(rb"[\xcc\xcd\xe1\xef]|\xe2[\x84\x86\x89\x8c]")
#: Invisible characters looked through inside words (removed, with an offset map).
_INVISIBLE = tuple(c.encode() for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff")
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
_APOSTROPHE_LAST = {0x27: b"'", 0x99: b"\xe2\x80\x99", 0x98: b"\xe2\x80\x98",
                    0xBC: b"\xca\xbc"}


def fold_form(text: str) -> bytes:
    """The bytes the automaton looks for to find ``text`` (without the leading space)."""
    return text.encode("utf-8").translate(_TABLE)


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
    for c in "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
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


# ---------------------------------------------------------------------------------------
# The matcher
# ---------------------------------------------------------------------------------------


class Matcher:
    """An immutable, thread-safe, picklable matcher compiled from a glossary.

    ``find(text)`` returns every leftmost-longest, non-overlapping occurrence of the
    glossary's forms (and their variants), in order, with offsets into ``text``.
    """

    __slots__ = (
        "_ac",
        "_blanked",
        "_cands",
        "_capital_only",
        "_entry_ids",
        "_fast",
        "_maxlen",
        "_multiword",
        "_raw_variants",
        "_simple",
        "_trie",
        "_variant_form",
        "forms",
        "glossary",
        "options",
        "variants",
    )

    def __init__(
        self,
        glossary: Glossary,
        options: MatchOptions | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.glossary = glossary
        self.options = options or MatchOptions()
        forms = glossary.forms()  # a lazy view for a glossary read from the cache
        self.forms: Sequence[Form] = tuple(forms) if isinstance(forms, list) else forms
        tables: _Tables | None = None
        state: memoryview | bytes | None = None
        loaded: tuple[_Tables, memoryview | None] | None = None
        path = None
        with paused_gc():  # millions of acyclic objects (see glossator._gc)
            if cache_dir is not None:
                key = _cache_key(self.forms, self.options, glossary._digest)
                from .cache import source_of

                # named after the glossary's source, so that a new version of the file
                # removes it (glossator.cache)
                source = source_of(glossary._digest)
                name = f"matcher-{source}-{key}" if source else f"matcher-{key}"
                path = Path(cache_dir) / f"{name}.cache"
                loaded = _load_tables(path, len(self.forms))
                if loaded is not None:
                    tables, state = loaded
            if tables is None:
                glossary._all_forms  # noqa: B018 - from the cache: build every form at once
                tables = _compile(self.forms, self.options)
        (patterns, cands, raw_variants, variant_form, simple, blanked, capital_only, fast,
         modes, exact, exact_at, keep, multiword) = tables
        self._raw_variants = raw_variants
        self._variant_form = variant_form
        self.variants = _Variants(self.forms, raw_variants)
        self._cands = cands
        self._simple = simple
        self._blanked = blanked
        self._capital_only = capital_only
        self._fast = fast
        self._entry_ids: tuple[str, ...] | None = None  # built on first use (_ids)
        self._maxlen = 1  # the longest pattern: for the Python scanner only
        self._multiword = multiword
        self._ac: Any = None
        self._trie: Any = None
        accelerator = ACCELERATOR
        if patterns and accelerator is not None:
            checks = (keep, modes, exact, exact_at, _inside_word)
            if state is not None:
                try:
                    self._trie = accelerator.Trie.from_bytes(state, *checks)
                except ValueError:
                    state = None
            if self._trie is None:
                self._trie = accelerator.Trie(list(patterns), *checks)
        elif patterns:
            self._maxlen = max(len(p) for p in patterns)
            self._ac = ahocorasick_rs.BytesAhoCorasick(
                patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
        if path is not None and (loaded is None or (state is None and self._trie is not None)):
            _save_tables(path, tables, self._trie.to_bytes() if self._trie is not None else None)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Matcher, (self.glossary, self.options))

    def __repr__(self) -> str:
        return f"<Matcher of {len(self.forms)} forms, {len(self.variants)} variants>"

    # -- public ------------------------------------------------------------------------

    def find(self, text: str) -> list[RawMatch]:
        """All matches in ``text``, sorted, non-overlapping, leftmost-longest."""
        out: list[RawMatch] = []
        variants = self.variants
        for start, end, vid, elided in self.scan(text):
            v = variants[vid]
            surface = text[start:end]
            out.append(RawMatch(start, end, v.form, surface, self.how(v, surface, elided),
                                elided, v.text))
        return out

    def _ids(self) -> tuple[str, ...]:
        """The entry id of each variant (built once, on first use)."""
        if self._entry_ids is None:
            form_ids = (self.glossary._form_entry_ids() if self.glossary._store is not None
                        else [f.entry.id for f in self.forms])
            self._entry_ids = tuple(map(form_ids.__getitem__, self._variant_form))
        return self._entry_ids

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, entry_id)`` of every match: the lightest output, for pipelines."""
        ids = self._ids()
        return [(s, e, ids[v]) for s, e, v, _ in self.scan(text)]

    def scan(self, text: str) -> list[tuple[int, int, int, bool]]:
        """``(start, end, variant_id, elided)`` of every match, in code points of ``text``."""
        result: list[tuple[int, int, int, bool]] = []
        for batch in self.iter_scan(text):
            result.extend(batch)
        return result

    def iter_spans(self, text: str) -> Iterator[list[tuple[int, int, str]]]:
        """:meth:`spans` in batches, one per megabyte of text, so memory stays flat."""
        ids = self._ids()
        if self._trie is not None:  # offsets and ids in one C pass
            yield from self._iter(text, ids)
            return
        for batch in self.iter_scan(text):
            yield [(s, e, ids[v]) for s, e, v, _ in batch]

    def iter_scan(self, text: str) -> Iterator[list[tuple[int, int, int, bool]]]:
        """:meth:`scan` in batches, in order, one per megabyte of text.

        A long text is scanned in segments cut at paragraph breaks (which no term crosses),
        so that memory and time per megabyte stay flat however long the text is.
        """
        yield from self._iter(text, None)

    def _iter(self, text: str, ids: tuple[str, ...] | None) -> Iterator[list[Any]]:
        """:meth:`iter_scan`, or with ``ids`` (C scanner only) :meth:`iter_spans`."""
        if (self._ac is None and self._trie is None) or not text:
            return
        if len(text) <= _SEGMENT:
            yield from self._iter_segment(text, 0, ids)
            return
        start = 0
        while start < len(text):
            end = _segment_end(text, start)
            yield from self._iter_segment(text[start:end], start, ids)
            start = end

    def _iter_segment(
        self, text: str, base: int, ids: tuple[str, ...] | None = None
    ) -> Iterator[list[Any]]:
        """Batches of matches in ``text``, offsets shifted by ``base``; with ``ids`` (C
        scanner only), ``(start, end, entry id)`` spans instead."""
        work = text
        raw = work.encode("utf-8")
        rare = raw.translate(None, _ASCII)
        prepared = Prepared(text, None)
        if _MAYBE_NOT_NFC.search(rare):
            prepared = prepare_nfc(text)
            if prepared.text is not text:
                work = prepared.text
                raw = work.encode("utf-8")
                rare = raw.translate(None, _ASCII)
        if self.options.accents == "fold":
            work = strip_accents(work)
            raw = work.encode("utf-8")
            rare = raw.translate(None, _ASCII)
        cuts: tuple[bytes, bytes] | None = None
        if self._trie is not None:
            edited = ACCELERATOR.edits(raw, self._multiword)
            edits = None
            if edited is None:
                raw2 = raw
            else:
                raw2, news, olds = edited
                cuts = (news, olds)
        else:
            raw2, edits = _edits(raw, rare, self._multiword)
        hay = b" " + raw2.translate(_TABLE) + b" "
        raw2 = b" " + raw2 + b" "
        # hay[s] is the space before the term: the term is hay[s+1:e] = raw2[s+1:e], that
        # is raw2[s:e-1] without the padding space, and raw[s:e-1] where nothing was cut
        if self._trie is not None:  # offsets (through the cuts, if any) in C
            yield from self._mapped_c(self._scan_trie(hay, raw2), raw, cuts, prepared, base, ids)
            return
        if edits is None and prepared.offsets is None:
            if len(raw) == len(work):  # ASCII: bytes are code points
                shift = base - 1
                for found in self._scan_ac(hay, raw2):
                    yield [(s + base, e + shift, vid, elided) for s, e, vid, elided in found]
                return
            yield from self._code_points(self._scan_ac(hay, raw2), raw, base)
            return
        yield from self._mapped(self._scan_ac(hay, raw2), raw, edits, prepared, base)

    @staticmethod
    def _code_points(
        batches: Iterator[list[tuple[int, int, int, bool]]], raw: bytes, base: int
    ) -> Iterator[list[tuple[int, int, int, bool]]]:
        """Byte spans (after the padding space) to code points: the common, tight case."""
        count = raw.translate(_CONTINUATION).count
        seen_bytes = 0
        seen_cont = -base  # code point = byte - continuation bytes before it + base
        for found in batches:
            result: list[tuple[int, int, int, bool]] = []
            append = result.append
            for s, e, vid, elided in found:
                e -= 1
                seen_cont += count(1, seen_bytes, s)
                cs = s - seen_cont
                seen_cont += count(1, s, e)
                seen_bytes = e
                append((cs, e - seen_cont, vid, elided))
            yield result

    @staticmethod
    def _mapped_c(
        batches: Iterator[bytearray], raw: bytes, cuts: tuple[bytes, bytes] | None,
        prepared: Prepared, base: int, ids: tuple[str, ...] | None,
    ) -> Iterator[list[Any]]:
        """:meth:`_mapped` (and :meth:`_code_points`, with no cuts), in C
        (``glossator._scan.mapped``), from the packed matches of the C scanner; ``cuts``
        are the int64 arrays of ``glossator._scan.edits``; with ``ids``, spans with entry
        ids."""
        mapped = ACCELERATOR.mapped
        zero = array("q", [0]).tobytes()
        news, olds = cuts if cuts is not None else (zero, zero)
        state = [0, 0, 0, 0]
        if prepared.offsets is None:
            for found in batches:
                yield mapped(raw, found, news, olds, state, base) if ids is None else (
                    mapped(raw, found, news, olds, state, base, ids))
            return
        span = prepared.span
        for found in batches:
            result: list[Any] = []
            for cs, ce, vid, elided in mapped(raw, found, news, olds, state, 0):
                cs, ce = span(cs, ce)
                if ids is None:
                    result.append((cs + base, ce + base, vid, elided))
                else:
                    result.append((cs + base, ce + base, ids[vid]))
            yield result

    @staticmethod
    def _mapped(
        batches: Iterator[list[tuple[int, int, int, bool]]], raw: bytes,
        edits: _Edits | None, prepared: Prepared, base: int,
    ) -> Iterator[list[tuple[int, int, int, bool]]]:
        """Byte spans back through cuts and NFC composition to the caller's code points."""
        count = raw.translate(_CONTINUATION).count
        span = prepared.span
        identity = prepared.offsets is None
        news = edits.news if edits is not None else [0]
        olds = edits.olds if edits is not None else [0]
        seen_bytes = 0
        seen_cont = 0
        # cuts: an incremental pointer; only a match that spans a cut needs a search
        k = 0
        last_k = len(news) - 1
        next_cut = news[1] if last_k else -1
        offset = 0
        for found in batches:
            result: list[tuple[int, int, int, bool]] = []
            append = result.append
            for s, e, vid, elided in found:
                bs, be = s, e - 1
                while 0 <= next_cut <= bs:
                    k += 1
                    offset = olds[k] - news[k]
                    next_cut = news[k + 1] if k < last_k else -1
                if 0 <= next_cut < be:  # a run inside a multiword term was cut
                    j = bisect_right(news, be - 1) - 1
                    bs, be = bs + offset, olds[j] + be - news[j]
                else:
                    bs, be = bs + offset, be + offset
                seen_cont += count(1, seen_bytes, bs)
                cs = bs - seen_cont
                seen_cont += count(1, bs, be)
                seen_bytes = be
                ce = be - seen_cont
                if not identity:
                    cs, ce = span(cs, ce)
                append((cs + base, ce + base, vid, elided))
            yield result

    # -- scanning ----------------------------------------------------------------------

    def _scan_trie(self, hay: bytes, raw: bytes) -> Iterator[bytearray]:
        """Accepted matches in ``hay`` coordinates, per chunk of text, with the C scanner:
        a trie walked from every space. Matches come packed, three int64 each (start,
        end, variant * 2 + elided), for ``glossator._scan.mapped``.

        The scanner keeps the matches that need no check itself, and stops at a space
        whose longest candidate needs one; its candidates (longest first, each ending at
        the end of a word) are checked here, and the scan resumes after the verdict.
        """
        scan = self._trie.scan
        capital_only = self._capital_only
        upper = _UPPER
        verify = self._verify
        n = len(hay) - 1  # the last byte is the padding space
        pos = 0
        a = 0
        while a < n:
            out = bytearray()
            b = min(n, a + _CHUNK)
            if b < n:
                b = hay.find(b" ", b)
                if b == -1:
                    b = n
            pos = max(pos, a)
            while True:
                pos, s, cands = scan(hay, raw, pos, b, out)
                if cands is None:
                    break
                pos = s + 1
                for e, pid in cands:
                    if capital_only[pid] and not upper[raw[s + 1]]:
                        continue  # an unaccented variant needs capitals: Etat, ETAT
                    verdict = verify(hay, raw, pid, s, e)
                    if verdict is not None:
                        vid, elided, s2, e2 = verdict
                        out += _PACKED_MATCH(s2, e2, vid * 2 + elided)
                        pos = e2
                        break
            a = max(b, pos)
            yield out

    def _scan_ac(self, hay: bytes, raw: bytes) -> Iterator[list[tuple[int, int, int, bool]]]:
        """Accepted matches in ``hay`` coordinates, a list per chunk of text, in Python
        over the Aho–Corasick automaton (no C scanner)."""
        ac = self._ac
        fast = self._fast
        simple = self._simple
        capital_only = self._capital_only
        upper = _UPPER
        word = _WORD
        joiner = _JOINER
        inside_word = _inside_word
        view = memoryview(hay)
        n = len(hay) - 1  # the last byte is the padding space
        maxlen = self._maxlen
        pos = 0  # end of the last accepted match: nothing may start before it
        a = 0
        while a < n:
            out: list[tuple[int, int, int, bool]] = []
            append = out.append
            b = min(n, a + _CHUNK)
            if b < n:
                b = hay.find(b" ", b)
                if b == -1:
                    b = n
            for pid, s, e in ac.find_matches_as_indexes(view[a : min(n + 1, b + maxlen)]):
                s += a
                e += a
                if s >= b:
                    break
                if s < pos:
                    if e > pos:  # straddles an accepted match: its tail was not searched
                        pos = self._recover(hay, raw, pos, e, out)
                    continue
                nb = hay[e]
                if (word[nb] or joiner[nb]) and inside_word(hay, raw, e):
                    if not simple[pid]:  # one word: nothing else can start inside it
                        pos = self._recover(hay, raw, s, e, out)
                    continue
                vid = fast[pid]
                if vid >= 0 and raw[s] < 0x80 and raw[s] != 0x27:
                    append((s, e, vid, False))
                    pos = e
                    continue
                if capital_only[pid] and not upper[raw[s + 1]]:
                    continue  # an unaccented variant needs capitals: Etat, ETAT
                verdict = self._verify(hay, raw, pid, s, e)
                if verdict is None:
                    if not simple[pid]:
                        pos = self._recover(hay, raw, s, e, out)
                else:
                    vid, elided, s2, e2 = verdict
                    append((s2, e2, vid, elided))
                    pos = e2
            a = max(b, pos)
            yield out

    def _recover(
        self, hay: bytes, raw: bytes, pos: int, limit: int,
        out: list[tuple[int, int, int, bool]],
    ) -> int:
        """Search ``[pos, limit)`` again after a failed candidate; return the new frontier."""
        while pos < limit:
            found = self._next_valid(hay, raw, pos, limit)
            if found is None:
                break
            match, limit = found
            out.append(match)
            pos = match[1]
        return pos

    def _next_valid(
        self, hay: bytes, raw: bytes, pos: int, limit: int
    ) -> tuple[tuple[int, int, int, bool], int] | None:
        """The leftmost-longest valid match starting in ``[pos, limit)``, and the new limit."""
        ac = self._ac
        view = memoryview(hay)
        hi = min(len(hay), limit + self._maxlen)
        while pos < limit:
            cands = ac.find_matches_as_indexes(view[pos:hi])
            if not cands:
                return None
            pid, s, e = cands[0]
            s += pos
            e += pos
            if s >= limit:
                return None
            verdict = self._check(hay, raw, pid, s, e)
            if verdict is not None:
                vid, elided, s2, e2 = verdict
                return (s2, e2, vid, elided), limit
            # a shorter candidate at the same start?
            end = e - 1
            while end > s + 1:
                shorter = ac.find_matches_as_indexes(view[s:end])
                if not shorter or shorter[0][1] != 0:
                    break
                spid, _, se = shorter[0]
                verdict = self._check(hay, raw, spid, s, s + se)
                if verdict is not None:
                    vid, elided, s2, e2 = verdict
                    return (s2, e2, vid, elided), max(limit, e)
                end = s + se - 1
            limit = max(limit, e)
            hi = min(len(hay), limit + self._maxlen)
            pos = s + 1
        return None

    def _check(
        self, hay: bytes, raw: bytes, pid: int, s: int, e: int
    ) -> tuple[int, bool, int, int] | None:
        """End boundary, then :meth:`_verify`."""
        if e < len(hay) - 1 and _inside_word(hay, raw, e):
            return None
        return self._verify(hay, raw, pid, s, e)

    def _verify(
        self, hay: bytes, raw: bytes, pid: int, s: int, e: int
    ) -> tuple[int, bool, int, int] | None:
        """Start of word, elision and case of candidate ``hay[s:e]`` (``hay[s]`` is a space).

        Returns the variant, whether an article was elided, and the match's bounds (which
        grow by the form's leading or trailing punctuation, if it has any).
        """
        elided = False
        r = raw[s]
        if r == 0x27 or r >= 0x80:
            seq = _APOSTROPHE_LAST.get(r)
            if seq is not None and raw[s - len(seq) + 1 : s + 1] == seq:
                k = s - len(seq)  # last byte before the apostrophe
                if k >= 0 and _LETTER[hay[k]]:
                    j = k
                    while j > 0 and _LETTER[hay[j - 1]]:
                        j -= 1
                    if (j > 0 and (_WORD[hay[j - 1]] or _JOINER[hay[j - 1]])) or (
                        hay[j : k + 1] not in ELIDING_WORDS
                    ):
                        return None  # aujourd'hui, prud'homme, Val-d'Oise: not an elision
                    elided = True
            elif r >= 0x80 and _ends_word_char(raw, s):
                return None  # right after à, ë, ù…: inside a word
        surface_bytes = raw[s + 1 : e]
        surface: str | None = None
        blanked = self._blanked[pid]
        raw_variants = self._raw_variants
        for vid in self._cands[pid]:
            # a raw variant: form index, text, tag, cs, core, core_text, accented, head, tail
            _, _, _, cs, core, core_text, accented, head, tail = raw_variants[vid]
            s2, e2 = s, e
            if tail:
                e2 = _edge_after(raw, e, tail)
                if e2 < 0 or _glued_after(raw, e2, tail):
                    continue  # S.A. is not the start of S.A.R.L.
            if head:
                s2 = _edge_before(raw, s + 1, head)
                if s2 < 0 or _glued_before(raw, s2, head):
                    continue  # .NET is not the end of ASP.NET
            if cs:
                if surface_bytes == core:
                    return vid, elided, s2, e2
                if surface is None:
                    surface = _flat(surface_bytes)
                if surface == core_text:
                    return vid, elided, s2, e2
                continue
            if accented or blanked:
                if surface is None:
                    surface = _flat(surface_bytes)
                if accented:
                    if not _capitals_only_unaccented(surface, accented):
                        continue
                elif _loose(surface) != _loose(core_text):
                    continue
            return vid, elided, s2, e2
        return None

    def how(self, v: Variant, surface: str, elided: bool) -> str:
        """Why a variant matched ``surface``: the most telling reason."""
        if v.tag == "inflected":
            return "inflected"
        if v.form.is_alias:
            return "alias"
        if not v.tag and surface == v.form.text:  # the common case, without normalizing
            return "elision" if elided else "exact"
        flat = _flat(surface.encode("utf-8"))
        form = canonical(v.form.text)
        if self.options.accents == "fold" and flat.casefold() != form.casefold() and (
            strip_accents(flat).casefold() == strip_accents(form).casefold()
        ):
            return "accent-folded"
        if v.tag:
            return v.tag
        if flat != form and _unligatured(flat) != _unligatured(form):
            return "case"
        return "elision" if elided else "exact"


_INVISIBLE_STR = str.maketrans(dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _flat(surface: bytes) -> str:
    """Decoded surface: NFC, plain apostrophes and spaces, no invisible characters."""
    text = unicodedata.normalize("NFC", surface.decode("utf-8")).translate(_INVISIBLE_STR)
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
    while start and not text[start - 1].encode("utf-8").translate(_TABLE).endswith(b" "):
        start -= 1
    end = len(text)
    while end > start and not kept(text[end - 1]):
        end -= 1
    return text[:start], text[start:end], text[end:]


#: The characters the fold keeps between words (see _JOINER).
_JOINERS = frozenset("-&@_")


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
    apostrophes as ', ’ or ʼ."""
    if b"'" not in edge:
        return (edge,)
    return tuple(edge.replace(b"'", a) for a in _APOSTROPHE_BYTES)


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


def _variants(
    form: Form, options: MatchOptions, irregular: Any
) -> list[tuple[str, str, str]]:
    """The texts to look for to find ``form``: ``(text, tag, accented)``.

    ``accented`` is empty, or for a variant whose accents were dropped, the text before
    (its unaccented letters must then be capitals in the document: *ETAT*, *Etat*).
    """
    entry = form.entry
    base = canonical(form.text)
    found: list[tuple[str, str, str]] = [(base, "", "")]
    inflect = entry.inflect if entry.inflect is not None else options.inflect
    if is_acronym(base):
        if entry.inflect:  # an acronym takes an -s only where the entry says so
            found.append((base + "s", "inflected", ""))
    elif inflect:
        plural = pluralize_term(base, irregular)
        if plural is not None:
            found.append((plural, "inflected", ""))
    if _LIGATURE_HINT.search(base):
        for text, tag, _ in list(found):  # œ/oe and æ/ae are the same letters
            for a, b in (("œ", "oe"), ("oe", "œ"), ("œ", "Œ"), ("æ", "ae"), ("æ", "Æ"),
                         ("Œ", "OE"), ("Æ", "AE")):
                if a in text:
                    found.append((text.replace(a, b), tag, ""))
    hyphens = entry.hyphen_variants if entry.hyphen_variants is not None else True
    if hyphens and "-" in base:
        for text, tag, _ in list(found):
            spaced = _INNER_HYPHEN.sub(" ", text)
            if spaced != text:
                found.append((spaced, tag or "hyphen-variant", ""))
    if options.accents == "strict" and not base.isascii():
        for text, tag, _ in list(found):
            bare = strip_accents(text)
            if bare != text:
                found.append((bare, tag or "unaccented-capital", text))
    seen: set[str] = set()
    unique: list[tuple[str, str, str]] = []
    for item in found:
        if item[0] not in seen:
            seen.add(item[0])
            unique.append(item)
    return unique


_LIGATURE_HINT = re.compile("œ|oe|æ|Œ|OE|Æ|AE")
#: A hyphen between two letters or digits (*non-lucratif*), which may also be a space; a
#: hyphen at an edge (the prefix *anti-*) may not: the variant would end in a space.
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_APOSTROPHE_WIDTHS = ("'", "\u2019", "\u02bc")  # fold to 1, 3 and 2 spaces
#: The same as bytes (the first is the one forms are stored with).
_APOSTROPHE_BYTES = tuple(a.encode() for a in _APOSTROPHE_WIDTHS)


def _spellings(text: str) -> list[str]:
    """Ways of writing ``text``'s apostrophes (', ’ and ʼ fold to 1, 3 and 2 spaces)."""
    if "'" not in text:
        return [text]
    parts = text.split("'")
    if len(parts) <= 3:  # at most two apostrophes: every combination
        combos: list[list[str]] = [[]]
        for _ in parts[1:]:
            combos = [[*c, a] for c in combos for a in _APOSTROPHE_WIDTHS]
    else:  # many apostrophes: the same kind throughout
        combos = [[a] * (len(parts) - 1) for a in _APOSTROPHE_WIDTHS]
    return [
        parts[0] + "".join(a + p for a, p in zip(combo, parts[1:], strict=True))
        for combo in combos
    ]


def _keys(text: str) -> list[bytes]:
    """The folded byte patterns of ``text``, one per spelling."""
    keys: list[bytes] = []
    for written in _spellings(text):
        key = fold_form(written)
        if key not in keys and key.translate(None, _NOT_WORD):
            keys.append(key)
    return keys


#: What compiling a glossary produces: patterns, candidates per pattern, variants (form
#: index first), the form of each variant, per-pattern flags (bytes of 0 and 1: simple,
#: blanked, capital only), the Python scanner's fast variant per pattern, and the C
#: scanner's modes, exact bytes (end to end, with offsets) and kept variant per pattern
#: (see :func:`_compile`). Loaded from the cache, the sequences are lazy
#: (:mod:`glossator._columns`).
_Tables = tuple[
    Sequence[bytes],
    Sequence[Sequence[int]],
    Sequence[tuple[Any, ...]],
    "array[int] | memoryview",
    bytes,
    bytes,
    bytes,
    "array[int] | memoryview",
    "bytes | memoryview",
    "bytes | memoryview",
    "bytes | memoryview",
    "bytes | memoryview",
    bool,
]
#: Bumped whenever compiled tables change shape or meaning (invalidates caches).
_TABLES_VERSION = 12


def _compile(forms: Sequence[Form], options: MatchOptions) -> _Tables:
    """Every variant of every form, folded into byte patterns, with per-pattern flags."""
    irregular = None
    if options.inflect and options.lemmas == "spacy":
        from .french import irregular_plurals_from_spacy

        words = {w for f in forms for w in re.findall(r"\w+", f.text)}
        irregular = irregular_plurals_from_spacy(words).get
    variants: list[tuple[Any, ...]] = []
    by_pattern: dict[bytes, list[int]] = {}
    fold_accents = options.accents == "fold"
    for index, form in enumerate(forms):
        for text, tag, caps in _variants(form, options, irregular):
            if fold_accents:
                text = strip_accents(text)
            head, core, tail = _edges(text)
            keys = _keys(core)
            if not keys:
                continue
            vid = len(variants)
            variants.append((
                index, text, tag, form.case_sensitive, core.encode("utf-8"), core,
                _edges(caps)[1] if caps else "", head.encode("utf-8"), tail.encode("utf-8"),
            ))
            for key in keys:
                by_pattern.setdefault(b" " + key, []).append(vid)
    patterns = list(by_pattern)

    def rank(vid: int) -> tuple[bool, bool]:
        v = variants[vid]
        return (not v[3], v[2] != "")

    cands: list[tuple[int, ...]] = []
    simple: list[bool] = []
    blanked: list[bool] = []
    capital_only: list[bool] = []
    fast: list[int] = []
    modes: list[tuple[int, bytes | None]] = []
    for p in patterns:
        vids = by_pattern[p]
        c = tuple(vids) if len(vids) == 1 else tuple(sorted(vids, key=rank))
        cands.append(c)
        # one word, no space or joiner inside: a failed candidate hides no other one
        simple.append(b" " not in p[1:] and not p.translate(None, _NOT_JOINER))
        # letters folded to a space (à ë ù…) in the pattern: a closer look is needed
        blank = _BLANKED_LETTER in p
        blanked.append(blank)
        first = variants[c[0]]
        # only unaccented variants: the text must start with a capital (Etat, ETAT)
        capital_only.append(all(variants[v][6] for v in c))
        # a single case-insensitive plain variant needs no check at all
        # the first variant case-insensitive and plain: _verify keeps it with no check
        plain = (
            not first[3] and not first[6] and not blank
            and not first[7] and not first[8] and "'" not in first[5]
        )
        fast.append(c[0] if plain else -1)
        modes.append(_c_mode(p, c, variants, plain, blank, capital_only[-1]))
    # per pattern, the variant the C scanner keeps when it decides alone (_c_mode)
    keep = array("i", [c[0] if m in (_KEEP, _EXACT, _LOOSE, _UNACCENTED) else -1
                       for c, (m, _) in zip(cands, modes, strict=True)])
    multiword = any(b" " in p[1:] for p in patterns)
    exact, exact_at = pack_bytes(b for _, b in modes)
    return (patterns, tuple(cands), tuple(variants), array("i", [v[0] for v in variants]),
            bytes(simple), bytes(blanked), bytes(capital_only), array("i", fast),
            bytes(m for m, _ in modes), exact, exact_at, keep.tobytes(), multiword)


#: Modes of the C scanner (see _scan.c): what it decides about a candidate alone.
_ASK, _KEEP, _EXACT, _CAPITAL, _LOOSE, _UNACCENTED = range(6)
_LATIN1_LETTERS = re.compile(rb"(?:[\x00-\x7f]|\xc3[\x80-\x96\x98-\xb6\xb8-\xbf])*")


def _c_mode(
    pattern: bytes, c: tuple[int, ...], variants: list[tuple[Any, ...]], plain: bool,
    blank: bool, capital: bool,
) -> tuple[int, bytes | None]:
    """What the C scanner may decide about ``pattern`` alone, and the bytes it needs.

    Each mode gives the verdict :meth:`Matcher._verify` would give: ``_KEEP``, the first
    variant with no check; ``_EXACT``, an acronym whose bytes must be the form's;
    ``_LOOSE``, a word with letters folded to a space (*à*, *où*) whose letters must be the
    form's in any case; ``_UNACCENTED``, an unaccented variant (*Etat* for *État*) whose
    letters that lost their accent must be capitals; ``_CAPITAL``, dropped unless a capital
    starts it; ``_ASK``, Python.
    """
    if plain:
        return _KEEP, None
    first = variants[c[0]]
    core: bytes = first[4]
    single = len(c) == 1 and not first[6] and not first[7] and not first[8]
    if single and "'" not in first[5] and b"'" not in core:
        if first[3] and not blank and core.isascii() and b" " not in core:
            return _EXACT, core
        if not first[3] and blank and _LATIN1_LETTERS.fullmatch(core):
            return _LOOSE, core
    if capital:
        accented: str = first[6]
        if (len(c) == 1 and not first[3] and not blank and not first[7] and not first[8]
                and _LATIN1_LETTERS.fullmatch(accented.encode("utf-8"))):
            return _UNACCENTED, accented.encode("utf-8")
        return _CAPITAL, None
    return _ASK, None


def _cache_key(forms: Sequence[Form], options: MatchOptions, source: str | None = None) -> str:
    """A digest of everything compiling depends on: the forms, their settings, options.

    ``source`` is the digest of the glossary file the forms were read from, when the
    glossary came through :mod:`glossator.cache`: it stands for the forms, which are then
    not hashed again.
    """
    from . import __version__

    digest = hashlib.sha256(
        repr((_TABLES_VERSION, __version__, options.accents, options.inflect,
              options.lemmas, source)).encode()
    )
    if source is not None:
        return digest.hexdigest()[:32]
    for f in forms:
        e = f.entry
        digest.update(repr((f.text, f.is_alias, f.case_sensitive, e.inflect,
                            e.hyphen_variants)).encode("utf-8"))
    return digest.hexdigest()[:32]


def _load_tables(path: Path, n_forms: int) -> tuple[_Tables, memoryview | None] | None:
    """Compiled tables from the cache, and the C scanner's trie if it was saved too; or
    ``None`` (missing, unreadable, stale, or with an index beyond the glossary's
    ``n_forms`` forms). The file is mapped and its tables stay packed: a variant or a
    pattern is decoded when it is first read."""
    try:
        header, sections = read_sections(path)
        if not isinstance(header, tuple) or len(header) != 4 or header[0] != _TABLES_VERSION:
            return None
        _, multiword, n_variants, has_state = header
        (patterns, patterns_at, cands, cands_at, variants, variants_at, variant_form, simple,
         blanked, capital_only, fast, modes, exact, exact_at, keep, state) = sections
        packed = Packed(patterns, patterns_at)
        groups = Groups(cands, cands_at)
        groups.check(0, n_variants)
        rows = Rows(variants, variants_at, 9, path)
        forms = ints(variant_form, n_variants)
        check_ints(forms, 4, 0, n_forms)
        fast_ = ints(fast, len(packed))
        check_ints(fast_, 4, -1, n_variants)
        if not (len(simple) == len(blanked) == len(capital_only) == len(groups)
                == len(packed) == len(modes) and len(rows) == n_variants):
            return None
        tables: _Tables = (packed, groups, rows, forms, bytes(simple), bytes(blanked),
                           bytes(capital_only), fast_, modes, exact, exact_at, keep,
                           bool(multiword))
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return tables, state if has_state else None


def _save_tables(path: Path, tables: _Tables, state: bytes | None) -> None:
    """Write compiled tables (and the trie's arrays) atomically; a cache that cannot be
    written is skipped."""
    (patterns, cands, variants, variant_form, simple, blanked, capital_only, fast, modes,
     exact, exact_at, keep, multiword) = tables
    header = (_TABLES_VERSION, multiword, len(variants), state is not None)
    sections = (
        *pack_bytes(patterns), *Groups.pack(cands), *Rows.pack(variants),
        bytes(variant_form), simple, blanked, capital_only, bytes(fast), modes, exact,
        exact_at, keep, state or b"",
    )
    with contextlib.suppress(OSError):
        write_sections(path, header, sections)


def compile_glossary(glossary: Glossary, options: MatchOptions | None = None) -> Matcher:
    """Compile ``glossary`` into a :class:`Matcher` (cached on the glossary per options)."""
    return glossary.compiled(options)
