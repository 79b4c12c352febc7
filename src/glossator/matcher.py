"""Compile a glossary into an immutable matcher, and find its forms in French text.

How it works (see README, "Design notes"):

* every form is normalized and folded exactly as the text will be, prefixed with one space,
  and put into a single Aho–Corasick automaton over bytes (``ahocorasick_rs``, leftmost-
  longest); the leading space makes the automaton enforce the start-of-word boundary;
* the text is prepared (:func:`~glossator.normalize.prepare`), made typographic, encoded
  once to UTF-8 and folded byte for byte, so offsets in the folded bytes are offsets in the
  text;
* only at candidate positions does Python check the end boundary, French elision
  (*l'ESS*, *jusqu'aux*), and the case of case-sensitive forms against the original;
* when the longest candidate fails those checks, the region it covered is searched again
  for shorter or later candidates, so a failed long candidate never hides a good one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from .glossary import Form, Glossary
from .normalize import JOINERS, canonical, fold_bytes, prepare, typographic

__all__ = ["ELIDING_WORDS", "Matcher", "RawMatch", "compile_glossary"]

#: Words that French elides before a vowel: the ``l`` of *l'ESS*, the ``jusqu`` of *jusqu'aux*.
ELIDING_WORDS = frozenset(
    b"l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu quelqu".split()
)


def _word_table() -> bytes:
    table = bytearray(256)
    for b in range(256):
        if b >= 0x80 or chr(b).isalnum():
            table[b] = 1
    return bytes(table)


_WORD = _word_table()
_LETTER = bytes(1 if chr(b).isascii() and chr(b).isalpha() else 0 for b in range(256))
_CONTINUATION = bytes(1 if 0x80 <= b < 0xC0 else 0 for b in range(256))
_JOINER = bytes(1 if b in JOINERS else 0 for b in range(256))


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A match before policies: code-point offsets into the caller's text, and the form."""

    start: int
    end: int
    form: Form
    surface: str
    how: str
    elided: bool


class Matcher:
    """An immutable, thread-safe, picklable matcher compiled from a glossary.

    ``find(text)`` returns every leftmost-longest, non-overlapping occurrence of the
    glossary's forms, in order, with offsets into ``text``.
    """

    __slots__ = ("_ac", "_candidates", "_canon", "_folded", "_maxlen", "forms", "glossary")

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.forms: tuple[Form, ...] = tuple(glossary.forms())
        by_pattern: dict[bytes, list[int]] = {}
        canon: list[str] = []
        folded: list[str] = []
        for i, form in enumerate(self.forms):
            c = canonical(form.text)
            canon.append(c)
            folded.append(c.casefold())
            key = fold_bytes(c.encode("utf-8"))
            if not any(_WORD[b] for b in key):
                continue
            by_pattern.setdefault(b" " + key, []).append(i)
        patterns = list(by_pattern)
        # case-sensitive forms first: an exact acronym beats a case-folded word
        self._candidates: tuple[tuple[int, ...], ...] = tuple(
            tuple(sorted(by_pattern[p], key=lambda i: not self.forms[i].case_sensitive))
            for p in patterns
        )
        self._canon = tuple(canon)
        self._folded = tuple(folded)
        self._maxlen = max((len(p) for p in patterns), default=1)
        self._ac = ahocorasick_rs.BytesAhoCorasick(
            patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        ) if patterns else None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Matcher, (self.glossary,))

    def __repr__(self) -> str:
        return f"<Matcher of {len(self.forms)} forms>"

    # -- public ------------------------------------------------------------------------

    def find(self, text: str) -> list[RawMatch]:
        """All matches in ``text``, sorted, non-overlapping, leftmost-longest."""
        if self._ac is None or not text:
            return []
        prepared = prepare(text)
        typo = typographic(prepared.text)
        raw = b" " + typo.encode("utf-8")
        hay = fold_bytes(raw)
        found = self._scan(hay, raw)
        if not found:
            return []
        ascii_only = len(raw) == len(typo) + 1
        cont = b"" if ascii_only else raw.translate(_CONTINUATION)
        out: list[RawMatch] = []
        seen_bytes = 0
        seen_cont = 0
        for s, e, form_index, how, elided in found:
            # hay[s] is the space before the term: the term is raw[s+1:e], i.e. typo[s:e-1]
            bs, be = s + 1, e
            if ascii_only:
                cs, ce = bs - 1, be - 1
            else:
                seen_cont += cont.count(1, seen_bytes, bs)
                cs = bs - 1 - seen_cont
                inner = cont.count(1, bs, be)
                ce = be - 1 - seen_cont - inner
                seen_bytes = bs
            start, end = prepared.span(cs, ce)
            out.append(RawMatch(start, end, self.forms[form_index], text[start:end], how, elided))
        return out

    # -- scanning ----------------------------------------------------------------------

    def _scan(self, hay: bytes, raw: bytes) -> list[tuple[int, int, int, str, bool]]:
        ac = self._ac
        assert ac is not None
        out: list[tuple[int, int, int, str, bool]] = []
        pos = 0  # end of the last accepted match: nothing may start before it
        for pid, s, e in ac.find_matches_as_indexes(hay):
            if s < pos:
                if e > pos:  # straddles an accepted match: its region was not searched
                    pos = self._recover(hay, raw, pos, e, out)
                continue
            verdict = self._verify(hay, raw, pid, s, e)
            if verdict is not None:
                out.append((s, e, *verdict))
                pos = e
            else:
                pos = self._recover(hay, raw, s, e, out)
        return out

    def _recover(
        self, hay: bytes, raw: bytes, pos: int, limit: int,
        out: list[tuple[int, int, int, str, bool]],
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
    ) -> tuple[tuple[int, int, int, str, bool], int] | None:
        """The leftmost-longest valid match starting in ``[pos, limit)``, and the new limit."""
        ac = self._ac
        assert ac is not None
        view = memoryview(hay)
        hi = limit + self._maxlen
        while pos < limit:
            cands = ac.find_matches_as_indexes(view[pos:hi])
            if not cands:
                return None
            pid, s, e = cands[0]
            s += pos
            e += pos
            if s >= limit:
                return None
            verdict = self._verify(hay, raw, pid, s, e)
            if verdict is not None:
                return (s, e, *verdict), limit
            # a shorter candidate at the same start?
            end = e - 1
            while end > s + 1:
                shorter = ac.find_matches_as_indexes(view[s:end])
                if not shorter or shorter[0][1] != 0:
                    break
                spid, _, se = shorter[0]
                verdict = self._verify(hay, raw, spid, s, s + se)
                if verdict is not None:
                    return (s, s + se, *verdict), max(limit, e)
                end = s + se - 1
            limit = max(limit, e)
            hi = limit + self._maxlen
            pos = s + 1
        return None

    def _verify(
        self, hay: bytes, raw: bytes, pid: int, s: int, e: int
    ) -> tuple[int, str, bool] | None:
        """Check boundaries, elision and case of candidate ``hay[s:e]`` (``hay[s]`` is a space)."""
        n = len(hay)
        if e < n:
            b = hay[e]
            if _WORD[b] or (_JOINER[b] and e + 1 < n and _WORD[hay[e + 1]]):
                return None
        elided = False
        if raw[s] == 0x27 and s > 0 and _LETTER[hay[s - 1]]:  # an apostrophe before the term
            k = s - 1
            while k > 0 and _LETTER[hay[k - 1]]:
                k -= 1
            if k > 0 and _WORD[hay[k - 1]]:  # the letters are the end of a longer word
                return None
            if hay[k:s] not in ELIDING_WORDS:
                return None
            elided = True
        surface = raw[s + 1 : e].decode("utf-8")
        for i in self._candidates[pid]:
            form = self.forms[i]
            canon = self._canon[i]
            if surface == canon:
                same_case = True
            else:
                flat = " ".join(surface.split())
                if flat == canon:
                    same_case = True
                elif form.case_sensitive or flat.casefold() != self._folded[i]:
                    continue
                else:
                    same_case = False
            how = "alias" if form.is_alias else (
                "case" if not same_case else ("elision" if elided else "exact"))
            return i, how, elided
        return None


def compile_glossary(glossary: Glossary) -> Matcher:
    """Compile ``glossary`` into a :class:`Matcher` (cached on the glossary)."""
    return glossary.compiled()
