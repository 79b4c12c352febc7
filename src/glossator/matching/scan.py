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

import struct
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Generator, Iterator, Sequence
from itertools import islice

from .._gc import paused_gc
from .._lazy import lazy_pattern
from .._typing import overload
from ..glossary import Form, Glossary
from ..model import Annotation
from ..text.chars import INVISIBLE
from ..text.french import strip_accents
from ..text.normalize import Prepared, canonical, prepare_nfc
from ..text.utf8 import take_utf8
from .compile import MatchOptions, Tables, Variant, compile_tables
from .fold import (
    _APOSTROPHE_LAST,
    _ASCII,
    _CONTINUATION,
    _JOINER,
    _LETTER,
    _UPPER,
    _WORD,
    ELIDING_WORDS,
    _capitals_only_unaccented,
    _edge_after,
    _edge_before,
    _Edits,
    _edits,
    _ends_word_char,
    _flat,
    _glued_after,
    _glued_before,
    _inside_word,
    _loose,
    _unligatured,
    fold_text,
    maybe_not_nfc,
)
from .native import ACCELERATOR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["MatchOptions", "Matcher", "Variant"]

#: One match as the C scanner packs it: start, end, variant * 2 + elided (native int64).
_PACKED_MATCH = struct.Struct("=qqq").pack

# How many bytes of text are scanned per automaton call (bounds the memory of a call).
_CHUNK = 1 << 20
# Texts longer than this many characters are scanned in segments, each resumed where the
# one before could stop (see Matcher.scan_until); tests set it small.
_SEGMENT = 8 << 20
# The C scanner's matches become tuples (iter_scan, iter_spans) at most this many at a
# time: the tuples and integers of a batch the caller has dropped are then still in the
# caches (and CPython's tuple free list, 2 000 deep) when the next batch is made, where a
# megabyte's batch (70 000 spans at 100 000 entries, 9 MB of objects) made the memory
# allocator go back to fresh pages each time. See docs/performance.md.
_BATCH = 1024
# Heavy characters read past a match's longest form (what the checks at its end look at),
# and the room before them where a segment may stop.
_SLACK = 16
# A text with more places where NFC may change something is checked whole, and so is one
# whose piece around such a place (see _composed) is longer than _PIECE bytes.
_SUSPECTS = 32
_PIECE = 256
_ROOM = 128
#: Characters that may vanish from the folded text (white space runs are collapsed):
#: they do not count towards how far a match reaches.
_LIGHT = frozenset(INVISIBLE + "\u034f\u180e\u2028\u2029")

#: Words of ASCII and Latin-1 letters, digits, ``'`` and ``-``, one space apart: text
#: that NFC, :func:`~glossator.text.normalize.typographic`, the collapse of white space
#: and the removal of invisible characters all leave as it is (see :func:`_case_only`).
_PLAIN_WORDS = lazy_pattern(
    globals(), "_PLAIN_WORDS",
    "[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff'-]+"
    "(?: [0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff'-]+)*")


def _case_only(surface: str, form: str) -> bool:
    """Whether ``surface`` is ``form`` with other capitals and nothing else, both plain
    (:data:`_PLAIN_WORDS`): :meth:`Matcher.how` then says ``case`` without normalizing
    either (each is its own flat and canonical form, and in Latin-1 ``lower`` maps one
    character to one, so equal lower cases of equal lengths differ only in capitals)."""
    return (len(surface) == len(form) and surface != form
            and surface.lower() == form.lower()
            and _PLAIN_WORDS.fullmatch(surface) is not None
            and _PLAIN_WORDS.fullmatch(form) is not None)


def _elision(hay: bytes, raw: bytes, s: int, r: int) -> bool | None:
    """What stands before candidate ``hay[s:e]`` when its byte ``raw[s] == r`` is an
    apostrophe or not ASCII: ``True`` after an eliding word (*l'ESS*, *jusqu'aux*),
    ``None`` when the candidate does not start a word (*aujourd'hui*, *prud'homme*,
    *Val-d'Oise*, right after *à*, *ë*, *ù*…), else ``False``."""
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
            return True
    elif r >= 0x80 and _ends_word_char(raw, s):
        return None  # right after à, ë, ù…: inside a word
    return False


def _with_punctuation(
    raw: bytes, s: int, e: int, head: bytes, tail: bytes
) -> tuple[int, int] | None:
    """The bounds of candidate ``hay[s:e]`` grown by the form's leading punctuation
    ``head`` and trailing punctuation ``tail``, or ``None`` when the text does not have
    them, or has them glued to more of the same (*S.A.* in *S.A.R.L.*, *.NET* in
    *ASP.NET*)."""
    s2, e2 = s, e
    if tail:
        e2 = _edge_after(raw, e, tail)
        if e2 < 0 or _glued_after(raw, e2, tail):
            return None  # S.A. is not the start of S.A.R.L.
    if head:
        s2 = _edge_before(raw, s + 1, head)
        if s2 < 0 or _glued_before(raw, s2, head):
            return None  # .NET is not the end of ASP.NET
    return s2, e2


def _same_cased_words(surface: str, form: str, cased: int) -> bool:
    """Whether the words of ``surface`` in the bit mask ``cased`` are written as the
    form's, case included (the acronyms of *SA coopérative*, *DG Trésor*)."""
    words = surface.split(" ")
    for i, word in enumerate(form.split(" ")):
        if cased >> i & 1 and (i >= len(words) or _unligatured(words[i]) != _unligatured(word)):
            return False
    return True


class _Surface:
    """A candidate's bytes, and their flat text (:func:`_flat`) once a check needs it."""

    __slots__ = ("_text", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._text: str | None = None

    def text(self) -> str:
        if self._text is None:
            self._text = _flat(self.raw)
        return self._text


def _variant_bounds(
    row: tuple[Any, ...], raw: bytes, s: int, e: int, surface: _Surface, blanked: int
) -> tuple[int, int] | None:
    """The bounds of candidate ``raw[s+1:e]`` as the variant of ``row`` (a raw variant:
    form index, text, tag, cs, core, core_text, accented, head, tail, cased), grown by
    its punctuation, or ``None`` when the variant does not accept it."""
    _, _, _, cs, core, core_text, accented, head, tail, cased = row
    s2, e2 = s, e
    if tail or head:  # rare: a form that starts or ends with punctuation
        bounds = _with_punctuation(raw, s, e, head, tail)
        if bounds is None:
            return None
        s2, e2 = bounds
    if cased and not _same_cased_words(surface.text(), core_text, cased):
        return None  # rare: acronyms in a case-insensitive form keep their case
    if cs:
        if surface.raw == core or surface.text() == core_text:
            return s2, e2
        return None
    if accented:
        if not _capitals_only_unaccented(surface.text(), accented):
            return None
    elif blanked and _loose(surface.text()) != _loose(core_text):
        return None
    return s2, e2


def _heavy_back(text: str, end: int, weight: int, floor: int) -> int:
    """The largest ``p >= floor`` such that ``text[p:end]`` holds ``weight`` heavy
    characters (``floor`` if it holds fewer): neither white space nor characters that the
    fold may remove (invisible characters, combining marks, controls). Every heavy
    character of a match is at least one byte of the folded pattern it matched."""
    i, w = end, 0
    while i > floor and w < weight:
        i -= 1
        ch = text[i]
        if ch < "\x80":
            w += ch > " " and ch != "\x7f"
        elif not (ch.isspace() or ch in _LIGHT or unicodedata.combining(ch)
                  or unicodedata.category(ch) in ("Cf", "Cc", "Mn", "Me")):
            w += 1
    return i


def _drain(batches: Generator[Any, None, int], into: list[Any], whole: bool = False) -> int:
    """Every batch of ``batches`` added to ``into`` (its items, or with ``whole`` the
    batches themselves); the generator's return value."""
    add = into.append if whole else into.extend
    while True:
        try:
            add(next(batches))
        except StopIteration as stop:
            return int(stop.value)


def _suspects(raw: bytes) -> list[int]:
    """Where NFC may change something in ``raw`` (``fold.maybe_not_nfc``), as
    ``glossator._scan.prepare`` gives it: at most ``_SUSPECTS + 1`` offsets."""
    suspect = maybe_not_nfc()
    if not suspect.search(raw.translate(None, _ASCII)):
        return []
    return [m.start() for m in islice(suspect.finditer(raw), _SUSPECTS + 1)]


def _composed(raw: bytes, suspects: Sequence[int]) -> bool:
    """Whether the UTF-8 text ``raw`` is in NFC, when NFC may change something only at
    the byte offsets ``suspects``; ``False`` also means "check the whole text".

    NFC never composes across, nor reorders around, an ASCII character: it is a starter
    that nothing before it combines with. So the text is in NFC if each piece that holds a
    suspect, from the ASCII character before it to the next one, is; that is a few
    characters each, not a check of the whole text after one ``≤``.
    """
    if len(suspects) > _SUSPECTS:
        return False
    n = len(raw)
    for at in suspects:
        start = at
        while start > 0 and raw[start] >= 0x80:
            start -= 1
        end = at + 1
        while end < n and raw[end] >= 0x80:
            end += 1
        if end - start > _PIECE or not unicodedata.is_normalized(
                "NFC", raw[start:end].decode("utf-8")):
            return False
    return True


def _pieces(found: bytearray) -> Iterator[bytearray | memoryview]:
    """The packed matches ``found`` (24 bytes each) in pieces of at most :data:`_BATCH`
    matches, without a copy."""
    step = _BATCH * 24
    if len(found) <= step:
        yield found
        return
    view = memoryview(found)
    for i in range(0, len(found), step):
        yield view[i:i + step]


def _packed(batch: Sequence[tuple[int, int, int, bool]]) -> array[int]:
    """Matches as int64 triples (start, end, variant * 2 + elided)."""
    return array("q", [x for s, e, vid, elided in batch for x in (s, e, vid * 2 + elided)])


def _triples(batch: Any) -> list[tuple[int, int, int]]:
    """The int64 triples of a packed batch, as tuples (for the few batches a segment's
    edge cuts through)."""
    v = memoryview(batch).cast("B").cast("q")
    return [(v[i], v[i + 1], v[i + 2]) for i in range(0, len(v), 3)]


def _bounds(batch: Any, packed: bool) -> tuple[int, int, tuple[int, int]] | None:
    """The first match's start, the last's, and the last's span (``None``: empty)."""
    if not packed:
        return (batch[0][0], batch[-1][0], batch[-1][:2]) if batch else None
    v = memoryview(batch).cast("B").cast("q")
    return (v[0], v[-3], (v[-3], v[-2])) if len(v) else None


def _batch(items: list[Any], packed: bool) -> Any:
    """``items`` (matches as tuples) as a batch of the kind asked for."""
    return array("q", [x for m in items for x in m]) if packed else items


def _split(batch: Any, packed: bool, done: int, lo: int) -> tuple[Any, list[Any]]:
    """The matches of ``batch`` (in text order) that start in ``[done, lo)``, as a batch,
    and those that start at ``lo`` or after, as tuples. A packed batch (a whole
    segment's matches, hundreds of thousands) is cut where the starts cross, not read
    match by match."""
    if not packed:
        return [m for m in batch if done <= m[0] < lo], [m for m in batch if m[0] >= lo]
    view = memoryview(batch).cast("B")
    starts = view.cast("q")[::3]
    i = bisect_left(starts, done)
    j = bisect_left(starts, lo, i)
    return view[24 * i:24 * j], _triples(view[24 * j:])


def _restart_point(text: str, lo: int, hi: int, spans: Sequence[tuple[int, int]]) -> int:
    """A place in ``[lo, hi]`` where a scan may start afresh: right after an ASCII white
    space (which reads as the scan's own padding), at a character that is not one, and
    inside none of ``spans``; ``-1`` if there is none."""
    p = hi
    while p > lo:
        i = max(text.rfind(" ", lo, p), text.rfind("\n", lo, p), text.rfind("\t", lo, p))
        if i < lo:
            return -1
        if not text[i + 1].isspace() and not any(s < i + 1 < e for s, e in spans):
            return i + 1
        p = i
    return -1


class _Variants(Sequence["Variant"]):
    """The compiled variants, built as objects only when first looked at.

    ``rows`` are the raw rows (form index, text, tag… :data:`~.compile.VARIANT_FIELDS`)
    and ``forms`` the forms they index, for a reader that needs a field or two of many
    variants without an object each. ``memo`` holds what the layers above derive from
    the variants, as long as the matcher lives (the JSON renderer's pieces per variant,
    :mod:`glossator.render.json`); each user keys its own part, and bounds it.
    """

    __slots__ = ("_built", "_forms", "_raw", "memo")

    def __init__(self, forms: Sequence[Form], raw: Sequence[tuple[Any, ...]]) -> None:
        self._forms = forms
        self._raw = raw
        self._built: dict[int, Variant] = {}
        self.memo: dict[Any, Any] = {}

    @property
    def rows(self) -> Sequence[tuple[Any, ...]]:
        """The raw rows of the variants (see the class)."""
        return self._raw

    @property
    def forms(self) -> Sequence[Form]:
        """The forms the rows' first fields index."""
        return self._forms

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
        "_entry_variants",
        "_fast",
        "_maxlen",
        "_multiword",
        "_policy_index",
        "_raw_variants",
        "_simple",
        "_trie",
        "_variant_form",
        "forms",
        "glossary",
        "options",
        "tables",
        "trie_restored",
        "variants",
    )

    def __init__(
        self,
        glossary: Glossary,
        options: MatchOptions | None = None,
        *,
        tables: Tables | None = None,
        trie_state: bytes | memoryview | None = None,
    ) -> None:
        """Compile ``glossary`` with ``options``, or take its ``tables`` (and the C trie's
        ``trie_state``) as :mod:`glossator.store.matchers` kept them."""
        self.glossary = glossary
        self.options = options or MatchOptions()
        forms = glossary.forms()  # a lazy view for a glossary read from the cache
        self.forms: Sequence[Form] = tuple(forms) if isinstance(forms, list) else forms
        with paused_gc():  # millions of acyclic objects (see glossator._gc)
            if tables is None:
                glossary.all_forms()  # from the cache: build every form at once
                tables = compile_tables(self.forms, self.options)
            self.tables = tables
            self._raw_variants = tables.variants
            self._variant_form = tables.variant_form
            self.variants = _Variants(self.forms, tables.variants)
            self._cands = tables.candidates
            self._simple = tables.simple
            self._blanked = tables.blanked
            self._capital_only = tables.capital_only
            self._fast = tables.fast
            self._entry_ids: tuple[str, ...] | None = None  # built on first use (_ids)
            self._entry_variants: dict[str, list[int]] | None = None  # (skip_entry)
            self._policy_index: Any = None  # glossator.kept.EntryIndex, built on first use
            self._maxlen = 1  # the longest pattern: for the Python scanner only
            self._multiword = tables.multiword
            self._ac: Any = None
            self._trie: Any = None
            #: whether the C trie came from ``trie_state`` rather than being built
            self.trie_restored = False
            patterns = tables.patterns
            if patterns and ACCELERATOR is not None:
                self._trie = self._build_trie(tables, trie_state)
            elif patterns:
                self._maxlen = max(len(p) for p in patterns)
                import ahocorasick_rs

                self._ac = ahocorasick_rs.BytesAhoCorasick(
                    patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
                )

    def _build_trie(self, tables: Tables, state: bytes | memoryview | None) -> Any:
        """The C scanner's trie: restored from ``state`` when it is sound, else built."""
        checks = (tables.keep, tables.modes, tables.exact, tables.exact_at, _inside_word)
        if state is not None:
            try:
                trie = ACCELERATOR.Trie.from_bytes(state, *checks)
            except ValueError:
                pass
            else:
                self.trie_restored = True
                return trie
        return ACCELERATOR.Trie(list(tables.patterns), *checks)

    def trie_state(self) -> bytes | None:
        """The C trie's arrays as bytes, to keep beside the tables (``None`` without the C
        scanner)."""
        return self._trie.to_bytes() if self._trie is not None else None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Matcher, (self.glossary, self.options))

    def __repr__(self) -> str:
        return f"<Matcher of {len(self.forms)} forms, {len(self.variants)} variants>"

    # -- public ------------------------------------------------------------------------

    def find(self, text: str) -> list[Annotation]:
        """All matches in ``text``, sorted, non-overlapping, leftmost-longest, as
        annotations (before any policy); :meth:`scan` gives the same as light tuples."""
        out: list[Annotation] = []
        variants = self.variants
        for start, end, vid, elided in self.scan(text):
            v = variants[vid]
            surface = text[start:end]
            out.append(Annotation(start, end, surface, v.form.entry, v.form.text,
                                  self.how(v, surface, elided), elided, v.text))
        return out

    def _ids(self) -> tuple[str, ...]:
        """The entry id of each variant (built once, on first use)."""
        if self._entry_ids is None:
            form_ids = self.glossary.form_entry_ids()
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
        """:meth:`spans` in batches, in order, so memory stays flat: a batch comes from
        about a megabyte of text at most and, with the C scanner, holds at most 1 024
        spans (drop each batch before taking the next, and its objects are reused while
        still in the caches)."""
        ids = self._ids()
        if self._trie is not None:  # offsets and ids in one C pass
            yield from self._iter(text, ids)
            return
        for batch in self.iter_scan(text):
            yield [(s, e, ids[v]) for s, e, v, _ in batch]

    def iter_scan(
        self, text: str, *, skip: bytearray | None = None
    ) -> Iterator[list[tuple[int, int, int, bool]]]:
        """:meth:`scan` in batches, in order: each comes from about a megabyte of text
        at most and, with the C scanner, holds at most 1 024 matches.

        A long text is scanned in segments, so that memory and time per megabyte stay
        flat however long the text is; each segment resumes where the one before could
        stop without changing a match (:meth:`scan_until`), so a term is never lost at a
        cut.

        ``skip``: one byte per variant, which the caller may set while it reads the
        batches (:meth:`skip_entry`); the C scanner then leaves out the later matches of
        a variant whose byte is not zero (a hint: the pure-Python scanner ignores it).
        """
        if skip is not None and len(skip) != len(self._raw_variants):
            raise ValueError("skip must have one byte per variant")
        yield from self._iter(text, None, skip)

    def iter_packed(
        self, text: str, *, skip: bytearray | None = None
    ) -> Iterator[bytearray | array[int] | memoryview]:
        """:meth:`iter_scan` without an object per match: each batch is int64 triples
        (start, end, variant * 2 + elided), packed in C with the C scanner
        (``glossator._scan.packed_spans``), else from the tuples."""
        if skip is not None and len(skip) != len(self._raw_variants):
            raise ValueError("skip must have one byte per variant")
        in_c = self._trie is not None and getattr(ACCELERATOR, "packed_spans", None) is not None
        for batch in self._iter(text, None, skip, packed=in_c):
            yield batch if in_c else _packed(batch)

    def skip_entry(self, skip: bytearray, entry_id: str) -> None:
        """Set the bytes of ``skip`` (see :meth:`iter_scan`) of every variant of entry
        ``entry_id``."""
        by_entry = self._entry_variants
        if by_entry is None:
            found: dict[str, list[int]] = {}
            for vid, key in enumerate(self._ids()):
                found.setdefault(key, []).append(vid)
            by_entry = self._entry_variants = found
        for vid in by_entry.get(entry_id, ()):
            skip[vid] = 1

    def reach(self) -> int:
        """How many heavy characters (:func:`_heavy_back`) a match may cover at most: its
        longest pattern, in folded bytes, with the longest leading and trailing
        punctuation a form keeps apart."""
        return self.tables.reach  # worked out when compiled, kept in the cache

    def scan_until(self, text: str, final: bool = False) -> tuple[
            list[tuple[int, int, int, bool]], int]:
        """The matches of the head of ``text`` that stay the same whatever follows it,
        and where the scan resumes: ``(matches, cut)``, every match ending by ``cut``.

        The text after ``cut`` scanned alone (and so on, cut after cut) gives the matches
        the whole would give there: a streaming reader keeps ``text[cut:]``, adds what
        comes next, and calls again. ``cut`` is ``0`` when ``text`` is too short to tell
        (give more); with ``final`` (nothing follows) it is ``len(text)``.
        """
        if final or (self._ac is None and self._trie is None):
            return self.scan(text), len(text)
        kept: list[tuple[int, int, int, bool]] = []
        cut = _drain(self._iter_from(text, 0, None, len(text)), kept)
        return (kept, cut) if cut > 0 else ([], 0)

    def scan_until_packed(self, text: str, final: bool = False) -> tuple[bytearray, int]:
        """:meth:`scan_until` without an object per match: the matches as int64 triples
        (:meth:`iter_packed`), joined."""
        if self._trie is None or getattr(ACCELERATOR, "packed_spans", None) is None:
            matches, cut = self.scan_until(text, final)
            return bytearray(_packed(matches)), cut
        if final:
            return bytearray().join(self.iter_packed(text)), len(text)
        kept: list[Any] = []
        cut = _drain(self._iter_from(text, 0, None, len(text), packed=True), kept, whole=True)
        return (bytearray().join(kept), cut) if cut > 0 else (bytearray(), 0)

    def _iter(self, text: str, ids: tuple[str, ...] | None,
              skip: bytearray | None = None, packed: bool = False) -> Iterator[Any]:
        """:meth:`iter_scan`, or with ``ids`` (C scanner only) :meth:`iter_spans`, or
        with ``packed`` (C scanner only) :meth:`iter_packed`."""
        # the bytes ``text`` was read from (given by the command, once): scanned instead
        # of the text encoded again where it is one segment, else let go of at once
        utf8 = take_utf8(text)
        if len(text) > _SEGMENT:
            utf8 = None
        if (self._ac is None and self._trie is None) or not text:
            return
        start, n = 0, len(text)
        while start < n:
            start = yield from self._iter_from(text, start, ids, None, skip, packed, utf8)
            utf8 = None

    def _iter_from(
        self, text: str, start: int, ids: tuple[str, ...] | None, stop: int | None,
        skip: bytearray | None = None, packed: bool = False, utf8: bytes | None = None,
    ) -> Generator[Any, None, int]:
        """Batches of the matches from ``start`` (a place to start afresh) to the next
        such place, which is returned (``len(text)`` at the end).

        A segment ``text[start:end]`` is scanned; its matches that start before ``lo``
        cannot reach its end, nor depend on what lies after it, and are given at once.
        The next start is a :func:`_restart_point` inside none of the matches, at least
        :meth:`reach` heavy characters before ``end``; should the segment have none, it is
        scanned again, longer (what was given is not given twice). With ``stop`` (for
        :meth:`scan_until`) no segment grows past it: ``0`` is returned instead. With
        ``packed``, the batches are int64 triples (:meth:`iter_packed`). ``utf8``: the
        text in UTF-8, if known (scanned where the segment is the whole text).
        """
        n = len(text) if stop is None else stop
        done, last = start, (start, start)
        end = start + (_SEGMENT if stop is None else n)
        while True:
            if end >= n and stop is None:
                for batch in self._iter_segment(text[start:] if start else text, start, ids,
                                                skip, packed, None if start else utf8):
                    yield batch if done <= start else _split(batch, packed, done, n + 1)[0]
                return n
            reach = self.reach()
            lo = _heavy_back(text, end, reach + _SLACK + _ROOM, start)
            held: list[Any] = []
            for batch in self._iter_segment(text[start:end], start, ids, skip, packed):
                bounds = _bounds(batch, packed)
                if bounds is not None and done <= bounds[0] and bounds[1] < lo:
                    yield batch
                    last = bounds[2]
                    continue
                out, after = _split(batch, packed, done, lo)
                held.extend(after)
                found = _bounds(out, packed)
                if found is not None:
                    yield out
                    last = found[2]
            hi = _heavy_back(text, end, reach + _SLACK, start)
            cut = _restart_point(text, max(lo, last[1]), hi,
                                 [last, *(m[:2] for m in held)])
            if cut > start:
                tail = [m for m in held if m[0] < cut]
                for i in range(0, len(tail), _BATCH):
                    yield _batch(tail[i:i + _BATCH], packed)
                return cut
            if end >= n:
                return 0
            done, end = max(done, lo), min(n, end + _SEGMENT) if stop is None else n

    def _iter_segment(
        self, text: str, base: int, ids: tuple[str, ...] | None = None,
        skip: bytearray | None = None, packed: bool = False, utf8: bytes | None = None,
    ) -> Iterator[Any]:
        """Batches of matches in ``text``, offsets shifted by ``base``; with ``ids`` (C
        scanner only), ``(start, end, entry id)`` spans instead; with ``packed`` (C
        scanner only), int64 triples (:meth:`iter_packed`); ``utf8``: ``text`` in UTF-8,
        if known."""
        work = text
        try:
            raw = utf8 or work.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 text holds one
            from ..errors import InputError

            raise InputError(
                f"the text holds a lone surrogate (U+{ord(text[exc.start]):04X}) at "
                f"character {base + exc.start}, which is no character",
                hint="decode it with errors='replace', or mend what made it") from None
        prepared = Prepared(text, None)
        prepare = ACCELERATOR.prepare if self._trie is not None else None
        ready = None  # what prepare() made of raw, while raw is still the text's
        if prepare is not None and self.options.accents != "fold":
            ready = prepare(raw, self._multiword, _SUSPECTS)
            suspects = ready[4]
        else:
            suspects = _suspects(raw)
        if suspects and not _composed(raw, suspects):
            prepared = prepare_nfc(text)
            if prepared.text is not text:
                work = prepared.text
                raw = work.encode("utf-8")
                ready = None
        if self.options.accents == "fold":
            work = strip_accents(work)
            raw = work.encode("utf-8")
        if prepare is not None:  # the cuts and the fold in one C call
            raw2, hay, news, olds, _ = ready or prepare(raw, self._multiword, 0)
            cuts = None if news is None else (news, olds)
            # hay[s] is the space before the term: the term is hay[s+1:e] = raw2[s+1:e]
            yield from self._mapped_c(self._scan_trie(hay, raw2), raw, cuts, prepared, base,
                                      ids, skip, packed)
            return
        rare = raw.translate(None, _ASCII)
        raw2, edits = _edits(raw, rare, self._multiword)
        raw2 = b" " + raw2 + b" "
        hay = fold_text(raw2, rare)  # the padding spaces fold to themselves
        # hay[s] is the space before the term: the term is hay[s+1:e] = raw2[s+1:e], that
        # is raw2[s:e-1] without the padding space, and raw[s:e-1] where nothing was cut
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
        skip: bytearray | None = None, packed: bool = False,
    ) -> Iterator[Any]:
        """:meth:`_mapped` (and :meth:`_code_points`, with no cuts), in C
        (``glossator._scan.mapped``), from the packed matches of the C scanner; ``cuts``
        are the int64 arrays of ``glossator._scan.edits``; with ``ids``, spans with entry
        ids."""
        mapped = ACCELERATOR.mapped
        zero = array("q", [0]).tobytes()
        news, olds = cuts if cuts is not None else (zero, zero)
        state = [0, 0, 0, 0]
        if packed:  # int64 triples: in C, or (text not NFC, rare) from the tuples
            if prepared.offsets is not None:
                for batch in Matcher._mapped_c(batches, raw, cuts, prepared, base, None, skip):
                    yield _packed(batch)
                return
            spans = ACCELERATOR.packed_spans
            for found in batches:
                out = bytearray()
                spans(raw, found, news, olds, state, base, skip, out)
                yield out
            return
        if prepared.offsets is None:
            for found in batches:
                for piece in _pieces(found):
                    yield mapped(raw, piece, news, olds, state, base, ids, skip)
            return
        span = prepared.span
        for found in batches:
            for piece in _pieces(found):
                result: list[Any] = []
                for cs, ce, vid, elided in mapped(raw, piece, news, olds, state, 0, None,
                                                  skip):
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
        if r == 0x27 or r >= 0x80:  # rare: an apostrophe or a non-ASCII byte before
            before = _elision(hay, raw, s, r)
            if before is None:
                return None
            elided = before
        surface: _Surface | None = None
        blanked = self._blanked[pid]
        raw_variants = self._raw_variants
        for vid in self._cands[pid]:
            row = raw_variants[vid]
            if not (blanked or row[3] or row[6] or row[7] or row[8] or row[9]):
                return vid, elided, s, e  # a plain variant: nothing to compare
            if surface is None:
                surface = _Surface(raw[s + 1 : e])
            bounds = _variant_bounds(row, raw, s, e, surface, blanked)
            if bounds is not None:
                return vid, elided, bounds[0], bounds[1]
        return None

    def how(self, v: Variant, surface: str, elided: bool) -> str:
        """Why a variant matched ``surface``: the most telling reason."""
        if v.tag == "inflected":
            return "inflected"
        if v.form.is_alias:
            return "alias"
        if not v.tag and surface == v.form.text:  # the common case, without normalizing
            return "elision" if elided else "exact"
        if not v.tag and _case_only(surface, v.form.text):  # the next most common
            return "case"
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
