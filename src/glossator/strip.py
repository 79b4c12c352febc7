"""Strip definitions expanded inline: the inverse of the ``text`` format.

A page whose glossary tooltips were flattened by a scraper reads *le Labo de l’ESS ESS Le
terme d’Économie sociale … environnement. publiait*: right after the term come a space,
the entry's title, a space and the definition, then a space if the text went on with
punctuation (:func:`glossator.render.text.entry_expansion`). :func:`strip_text` removes
these expansions and gives back the page as its authors wrote it, with the entries found.

**With a glossary** each entry's expansion is a known string. Every place where it
follows a term of that entry (checked with the same matcher as ``annotate``) is removed;
given the occurrences policy the text was expanded with, only the places that policy
would have expanded are. Then ``strip_text(render(annotate(x, g), "text"), g) == x``,
except where the scraped form itself is ambiguous (see :func:`_ambiguous_space`).

**Without a glossary** the expansions are detected, then stripped as above with the
glossary that detection built (:func:`_detect`):

* a run of one to six words immediately repeated after one plain space (*ESS ESS*,
  *économie sociale Économie sociale*), the first copy being the term as it reads (any
  case, a plural), the second the title; function words (*nous nous*) never count;
* then, after one space, a definition that looks like one: it starts with a capital,
  holds at least two words, stays on its line, keeps its brackets and quotes balanced,
  and ends with ``.``, ``!``, ``?`` or ``…`` (and closing quotes or brackets);
* where the original text visibly resumes: with a small letter, punctuation or another
  expanded term (*environnement. publiait*, *économique. .*), or at the end of the line
  if no sentence of the definition so far was followed by a capital (otherwise where it
  ends is unclear: it is left, with a warning). The first such end is taken, unless an
  abbreviation (*etc.*, *p. ex.*, an initial) is followed by a small letter;
* when the same title is expanded several times, the text after each is compared: a
  definition is the same every time, so it ends within their common part — at the first
  end above if it lies there, else at the last sentence end of the common part (this
  finds a definition followed by a capital, e.g. a term that ended a sentence without a
  full stop). Identical lines are no evidence.

What is not found without a glossary: a title that differs from the term (*ESS
Économie sociale et solidaire …*), a definition without final punctuation or starting
with a small letter, and one followed by a capital (unless it is repeated).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import ahocorasick_rs

from .annotate import Annotator
from .glossary import Glossary
from .model import Annotation, Diagnostic, Entry, Location
from .render.text import entry_expansion
from .senses import numbered
from .text.chars import ELISION_APOSTROPHES
from .text.french import pluralize_word, strip_accents
from .text.normalize import slugify

__all__ = ["Expansion", "StripResult", "glossary_yaml", "strip_text"]


@dataclass(frozen=True, slots=True)
class Expansion:
    """One definition found expanded inline, and removed.

    ``entry`` is the glossary entry; without a glossary, one built from the text (its term
    is the title as written after the term, its definition the text removed). ``surface``
    is the term as it reads in the text, at offset ``term_start`` of the input (``line``
    and ``column`` 1-based). ``start``/``end`` delimit what was removed from the input:
    the space after the term, the title, the definition, and the space the expansion adds
    before punctuation when there was one.
    """

    entry: Entry
    surface: str
    term_start: int
    start: int
    end: int
    line: int
    column: int

    @property
    def term(self) -> str:
        """The entry's term."""
        return self.entry.term

    @property
    def title(self) -> str | None:
        """The entry's title, or ``None`` when the heading is the term itself."""
        return self.entry.title

    @property
    def definition(self) -> str:
        """The entry's definition."""
        return self.entry.definition

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON: where, the term as read, and the entry."""
        data: dict[str, Any] = {
            "line": self.line, "column": self.column, "start": self.start, "end": self.end,
            "surface": self.surface, "entry": self.entry.id, "term": self.term,
        }
        if self.title:
            data["title"] = self.title
        data["definition"] = self.definition
        return data


@dataclass(frozen=True, slots=True)
class StripResult:
    """The text without its expansions, what was removed, and what was left in doubt."""

    text: str
    expansions: tuple[Expansion, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def entries(self) -> tuple[Entry, ...]:
        """The entries that were expanded, each once, in the order of the text."""
        seen: dict[str, Entry] = {}
        for x in self.expansions:
            seen.setdefault(x.entry.id, x.entry)
        return tuple(seen.values())

    def glossary(self) -> Glossary:
        """A glossary of :meth:`entries`: fed to ``annotate`` it expands them again."""
        return Glossary(self.entries())


# -- with a glossary -------------------------------------------------------------------

#: Marks that typography writes right after a word, in French as in English.
_TIGHT_MARKS = frozenset(".,)]}…”’")


def _spacing_habits(text: str, spans: Sequence[tuple[int, int]]) -> dict[str, int]:
    """For each mark, how much more often the text writes it after a space than without.

    Only marks followed by white space count (a hyphen inside *tiers-lieu* says nothing
    about a dash), and the spans of candidate expansions, with the space after each, are
    left out, so that the answer does not depend on the very places it decides.
    """
    pieces: list[str] = []
    pos = 0
    for s, e in spans:
        if s >= pos:
            pieces.append(text[pos:s])
            pieces.append("\x00")
            pos = e + 1
    pieces.append(text[pos:])
    habits: dict[str, int] = {}
    for m in re.finditer(r"\w( ?)([^\w\s])(?=\s|$)", "".join(pieces)):
        habits[m[2]] = habits.get(m[2], 0) + (1 if m[1] else -1)
    return habits


def _ambiguous_space(text: str, end: int) -> bool:
    """Whether the space at ``end``, right after an expansion, may have been added by it.

    The ``text`` format adds a space between the definition and a character that is not
    white space, so *ESS.* and *ESS .* both read *ESS ESS Définition. .*: the scraped form
    cannot tell them apart. A letter or digit after the space means the space was there (a
    term never runs into a word).
    """
    if end + 1 >= len(text) or text[end] != " ":
        return False
    mark = text[end + 1]
    return not (mark.isspace() or mark.isalnum() or mark == "_")


def _space_was_added(text: str, end: int, habits: dict[str, int]) -> bool:
    """For an ambiguous space (:func:`_ambiguous_space`), the likelier reading.

    The text's own habit decides (does it write *mot :* or *mot:*?); without one,
    typography: no space before ``. , ) ] } … ” ’``, a space before anything else
    (``: ; ! ? »``, a dash, an apostrophe).
    """
    mark = text[end + 1]
    habit = habits.get(mark, 0)
    if habit:
        return habit < 0
    return mark in _TIGHT_MARKS


def _remove(text: str, plan: Sequence[tuple[int, int, bool]]) -> tuple[str, list[int]]:
    """``text`` without the planned spans; where each removal falls in the result."""
    pieces: list[str] = []
    points: list[int] = []
    pos = 0
    removed = 0
    for s, e, drop in plan:
        pieces.append(text[pos:s])
        points.append(s - removed)
        pos = e + drop
        removed += pos - s
    pieces.append(text[pos:])
    return "".join(pieces), points


#: How far back a term may start from the expansion after it, for :func:`_isolated`.
_TERM_REACH = 256


def _isolated(plan: Sequence[tuple[int, int, bool]], i: int) -> bool:
    """Whether removing the other planned spans cannot change what precedes or follows
    the ``i``-th one: none ends within a term's reach before it or starts right after."""
    s, e, drop = plan[i]
    if i and plan[i - 1][1] + plan[i - 1][2] > s - _TERM_REACH:
        return False
    return i + 1 >= len(plan) or plan[i + 1][0] > e + drop


class _Lines:
    """1-based line and column of offsets in a text."""

    def __init__(self, text: str) -> None:
        self.breaks = [m.start() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        n = bisect_right(self.breaks, offset - 1)
        start = self.breaks[n - 1] + 1 if n else 0
        return n + 1, offset - start + 1


def _strip_known(
    text: str, glossary: Glossary, finder: Annotator, policy: Annotator | None
) -> tuple[str, list[Expansion]]:
    """Remove the expansions of ``glossary``'s entries from ``text``.

    Candidates are all the places where an entry's expansion string occurs. A candidate is
    kept when, once the kept ones are removed, a match of an entry with that expansion
    ends right before it (and, with ``policy``, that policy annotates the match). Failing
    candidates are dropped (see :func:`_isolated`) until every kept one holds.
    """
    # a form with several senses was expanded with the one chosen, or with all of them
    # numbered when none was: any of these follows a match of the form
    table = glossary.sense_table()
    shown = {key: {*map(entry_expansion, group), entry_expansion(numbered(group))}
             for key, group in table.items()}
    senses: dict[str, set[str]] = {}
    for form in glossary.all_forms() if table else ():
        if form.key in shown:  # every entry that claims the form, not only its senses
            own = senses.setdefault(form.entry.id, {entry_expansion(form.entry)})
            own.update(shown[form.key])
    patterns = list(dict.fromkeys([*map(entry_expansion, glossary),
                                   *(x for group in senses.values() for x in group)]))
    if not patterns or not text:
        return text, []
    ac = ahocorasick_rs.AhoCorasick(patterns)
    found = sorted({(s, e) for _, s, e in ac.find_matches_as_indexes(text, overlapping=True)},
                   key=lambda c: (c[0], -c[1]))
    if not found:
        return text, []
    state = _Stripping(text, found, _spacing_habits(text, found), senses)
    while True:
        attempt = state.attempt()
        matches = {m.end: m for m in finder.find(attempt.clean)}
        if state.reject_unmatched(attempt, matches):
            continue
        if policy is not None and state.follow_policy(attempt, policy):
            continue
        break
    return attempt.clean, _expansions(text, attempt, matches)


@dataclass
class _Attempt:
    """One try: the candidates ``chosen`` (the leftmost of those not rejected, none
    overlapping), each planned as ``(start, end, drop the space after)``, whether its
    space was ambiguous, the text without them, and where each removal falls there."""

    chosen: list[tuple[int, int]]
    plan: list[tuple[int, int, bool]]
    ambiguous: list[bool]
    clean: str
    points: list[int]


@dataclass
class _Stripping:
    """What :func:`_strip_known` learns from try to try: the candidates rejected and the
    ambiguous spaces read against the text's habit."""

    text: str
    found: list[tuple[int, int]]
    habits: dict[str, int]
    #: For an entry that is a sense of a form with several: every expansion that may
    #: follow a match of that form (each sense's, and all of them numbered).
    senses: dict[str, set[str]]
    rejected: set[tuple[int, int]] = field(default_factory=set)
    flipped: set[tuple[int, int]] = field(default_factory=set)
    expansions_by_id: dict[str, str] = field(default_factory=dict)

    def expansion_of(self, entry: Entry) -> str:
        """The expansion string of ``entry`` (made once per entry)."""
        known = self.expansions_by_id.get(entry.id)
        if known is None:
            known = self.expansions_by_id[entry.id] = entry_expansion(entry)
        return known

    def expands(self, entry: Entry, expansion: str) -> bool:
        """Whether ``expansion`` may follow a match of ``entry`` (or of its senses)."""
        alternatives = self.senses.get(entry.id)
        if alternatives is not None:
            return expansion in alternatives
        return self.expansion_of(entry) == expansion

    def retry(self, candidate: tuple[int, int], ambiguous: bool) -> None:
        """Read ``candidate``'s ambiguous space the other way, or else give it up."""
        if ambiguous and candidate not in self.flipped:
            self.flipped.add(candidate)
        else:
            self.rejected.add(candidate)

    def attempt(self) -> _Attempt:
        """Remove the leftmost candidates not rejected yet, each ambiguous space read as
        the habit (or a flip) says."""
        text = self.text
        # two expansions are never adjacent: a term of at least one character separates
        # them (the leftmost is tried first; if it is rejected, the next one gets its turn)
        chosen: list[tuple[int, int]] = []
        for c in self.found:
            if c not in self.rejected and (not chosen or c[0] > chosen[-1][1]):
                chosen.append(c)
        plan = []
        ambiguous = []
        for i, (s, e) in enumerate(chosen):
            nxt = chosen[i + 1][0] if i + 1 < len(chosen) else -1
            amb = nxt != e + 1 and _ambiguous_space(text, e)
            drop = amb and (_space_was_added(text, e, self.habits) != ((s, e) in self.flipped))
            plan.append((s, e, drop))
            ambiguous.append(amb)
        clean, points = _remove(text, plan)
        return _Attempt(chosen, plan, ambiguous, clean, points)

    def reject_unmatched(self, attempt: _Attempt, matches: dict[int, Annotation]) -> bool:
        """Retry the removals that no match of their entry ends right before (``matches``:
        the matches in the clean text by end); whether there were any."""
        text, plan, points = self.text, attempt.plan, attempt.points
        bad = []
        for i, (s, e, _) in enumerate(plan):
            m = matches.get(points[i])
            if (m is None or (i and points[i - 1] > m.start)
                    or not self.expands(m.entry, text[s:e])):
                bad.append(i)
        if not bad:
            return False
        # a failure far from any other removal is its own: drop all of those at once;
        # otherwise only the leftmost, as removing it may mend its neighbour
        isolated = [i for i in bad if _isolated(plan, i)]
        if not isolated and self._glued_to_previous(attempt, bad[0]):
            return True
        for i in isolated or bad[:1]:
            self.retry(attempt.chosen[i], attempt.ambiguous[i] and plan[i][2])
        return True

    def _glued_to_previous(self, attempt: _Attempt, i: int) -> bool:
        """Flip the previous removal's ambiguous space if the unmatched term ``i`` starts
        right after it: *ESS ESS Déf. ’PTCE PTCE Déf.* reads *ESS ’PTCE*, for *ESS’PTCE*
        would leave no PTCE to expand (an elision needs an eliding word); whether flipped."""
        if i == 0 or not (attempt.ambiguous[i - 1] and attempt.plan[i - 1][2]):
            return False
        before = attempt.chosen[i - 1]
        if before in self.flipped:
            return False
        gap = self.text[before[1] + 2 : attempt.chosen[i][0]]
        if "\n" in gap or len(gap) > _TERM_REACH:
            return False
        self.flipped.add(before)
        return True

    def follow_policy(self, attempt: _Attempt, policy: Annotator) -> bool:
        """Reject the removals ``policy`` would not have expanded, or flip the spaces it
        shows were misread; whether anything changed."""
        text, plan, points = self.text, attempt.plan, attempt.points
        selected = policy.select(attempt.clean)
        variants = policy.matcher.variants
        # putting an expansion back only adds text, which can take an entry's first
        # occurrence or use up its quota but never give one back: every candidate the
        # policy leaves out now stays out, so they go all at once
        entry_at = {end: variants[vid].form.entry for _, end, vid, _ in selected}
        unwanted = [(s, e) for i, (s, e, _) in enumerate(plan) if points[i] not in entry_at
                    or not self.expands(entry_at[points[i]], text[s:e])]
        if unwanted:
            self.rejected.update(unwanted)
            return True
        # a term the policy annotates but that has no expansion, right after an
        # ambiguous space: that space was read the wrong way (*ESS'ESS* is not *ESS 'ESS*)
        ends = set(points)
        starts = {start for start, end, _, _ in selected if end not in ends}
        wrong = [i for i, q in enumerate(points) if attempt.ambiguous[i]
                 and attempt.chosen[i] not in self.flipped and starts & {q + 1, q + 2}]
        if wrong:
            self.flipped.update(attempt.chosen[i] for i in wrong)
            return True
        return False


def _expansions(text: str, attempt: _Attempt, matches: dict[int, Annotation]) -> list[Expansion]:
    """The removals of the last attempt as :class:`Expansion` values, with the term that
    each follows."""
    lines = _Lines(text)
    expansions = []
    removed = 0
    for (s, e, drop), q in zip(attempt.plan, attempt.points, strict=True):
        m = matches[q]
        term_start = m.start + removed
        line, column = lines.at(term_start)
        expansions.append(Expansion(m.entry, text[term_start:s], term_start, s,
                                    e + drop, line, column))
        removed += e + drop - s
    return expansions


# -- without a glossary: detection -----------------------------------------------------

#: A word: letters and digits, joined by hyphens, ``&``, ``@``, ``_`` or dots (R&D, J.-C).
_WORD = re.compile(r"\w+(?:[-&@_.]\w+)*")
#: Most words a title may have (*pôle territorial de coopération économique* has five).
_MAX_TITLE_WORDS = 6
#: Longest definition considered, in characters.
_MAX_DEFINITION = 3000
#: What may open a definition before its capital letter.
_DEFINITION_START = re.compile(r"[«“\"(\[]?[ \u00a0\u202f]?([^\W\d_])")
#: Words that are never glossary titles, however repeated (*nous nous*, *que que*).
_FUNCTION_WORDS = frozenset(
    "a à ai as au aux avec bien ça car ce ces cet cette ci d dans de des donc du elle elles "
    "en est et eux il ils j je l la le les leur leurs lui m ma mais me même mes moi mon n "
    "ne ni non nos notre nous on ont or ou où oui par pas peu plus pour qu que qui quoi s sa "
    "sans se ses si son sont sur t ta te tes toi ton très tu un une vos votre vous y "
    "the of and or to in is it".split()
)
#: Abbreviations whose full stop, followed by a small letter, does not end a definition.
_ABBREVIATIONS = frozenset(
    "al ann apr art av bd cf chap coll dir éd env etc ex fig hab ibid id max min mm mme "
    "mgr no nº op cit p pp resp sq suiv vol vs".split()
)
_SENTENCE_END = ".!?…"
_CLOSERS = "»”)]\"’"
#: What the original text may resume with after a definition (after white space).
_RESUMING_MARKS = frozenset(",;:.!?)]}»…”’-–—")


@dataclass(frozen=True, slots=True)
class _Proposal:
    title: str
    term_start: int  # offset of the term as it reads (the first copy)
    title_start: int  # offset of the title (the second copy)
    definition_start: int
    line_end: int


def _same_word(read: str, title: str) -> bool:
    """Whether ``read`` (in the text) may be ``title`` (the glossary's heading) as written:
    the same word in any case, without accents on capitals, or its plural."""
    a = strip_accents(read.casefold())
    b = strip_accents(title.casefold())
    return a == b or a == strip_accents(pluralize_word(b)) or b == strip_accents(
        pluralize_word(a))


def _is_title(words: Sequence[str]) -> bool:
    """Whether repeated ``words`` could be a glossary heading (not *nous*, *2017*, *a*)."""
    if len(words) == 1:
        w = words[0]
        return len(w) > 1 and not w.isdigit() and w.casefold() not in _FUNCTION_WORDS
    return any(w.casefold() not in _FUNCTION_WORDS and not w.isdigit() for w in words)


_APOSTROPHES = ELISION_APOSTROPHES
_INLINE_SPACES = " \t\u00a0\u202f"


def _gaps_agree(read: str, written: str) -> bool:
    """Whether the gap ``read`` between two words of the term as it reads fits the gap
    ``written`` in the title (one space or one apostrophe, the text format's own)."""
    if written == " ":
        return bool(read) and not read.strip(_INLINE_SPACES)
    return len(read) == 1 and read in _APOSTROPHES and written in _APOSTROPHES


def _proposals(text: str) -> Iterator[_Proposal]:
    """Every repeated title followed by the start of a definition, in text order."""
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        tokens = list(_WORD.finditer(line))
        # a word and its title copy share their first three letters (casefolded, without
        # accents): a cheap test that rules out nearly every position
        keys = [strip_accents(t[0][:3].casefold()) for t in tokens]
        for idx in range(1, len(tokens)):
            if line[tokens[idx].start() - 1] != " ":
                continue
            for k in range(min(_MAX_TITLE_WORDS, idx, len(tokens) - idx), 0, -1):
                if keys[idx - k] != keys[idx] or keys[idx - 1] != keys[idx + k - 1]:
                    continue
                first, title = tokens[idx - k: idx], tokens[idx: idx + k]
                ts, te = title[0].start(), title[-1].end()
                if line[first[-1].end(): ts] != " " or line[te: te + 1] != " ":
                    continue
                gaps = [line[a.end(): b.start()] for a, b in pairwise(title)]
                if any(g != " " and (len(g) != 1 or g not in _APOSTROPHES) for g in gaps):
                    continue
                if not all(_gaps_agree(line[a.end(): b.start()], g)
                           for (a, b), g in zip(pairwise(first), gaps, strict=True)):
                    continue
                words = [t[0] for t in title]
                if not _is_title(words) or not all(
                        _same_word(a[0], b) for a, b in zip(first, words, strict=True)):
                    continue
                opening = _DEFINITION_START.match(line, te + 1)
                if opening is None or not opening[1].isupper():
                    continue
                yield _Proposal(line[ts:te], start + first[0].start(), start + ts,
                                start + te + 1, end)
                break
        start = end + 1


def _ends(text: str, begin: int, stop: int) -> Iterator[tuple[int, bool]]:
    """Places where a definition starting at ``begin`` could end, before ``stop``: after
    sentence punctuation and any closing quotes or brackets, before white space or the end.
    Each comes with whether the full stop belongs to an abbreviation (one of
    :data:`_ABBREVIATIONS`, or an initial: *J.*, *M.*)."""
    limit = min(stop, begin + _MAX_DEFINITION)
    for i in range(begin, limit):
        if text[i] not in _SENTENCE_END:
            continue
        j = i + 1
        b = i
        while b > begin and text[b - 1].isalpha():
            b -= 1
        word = text[b:i]
        abbreviation = text[i] == "." and (
            (len(word) == 1 and word.isupper()) or word.casefold() in _ABBREVIATIONS)
        while True:
            if j == len(text) or text[j].isspace():
                yield j, abbreviation
            k = j + 1 if j < limit and text[j] in " \u00a0\u202f" else j
            if k < limit and text[k] in _CLOSERS:
                j = k + 1
                continue
            break


def _resumes(text: str, end: int, line_end: int, terms: frozenset[int]) -> str:
    """What follows a definition ending at ``end``: ``"line"`` (the end of the line),
    ``"text"`` (a small letter, punctuation, or another expanded term: at one of the offsets
    ``terms``: the original text visibly goes on), ``"capital"``, or ``""`` (anything else:
    a digit, a symbol)."""
    k = end
    while k < line_end and text[k].isspace():
        k += 1
    if k >= line_end:
        return "line"
    c = text[k]
    if k in terms or c.islower() or c in _RESUMING_MARKS:
        return "text"
    return "capital" if c.isupper() else ""


def _well_formed(text: str, begin: int, end: int) -> bool:
    """A definition of at least two words with balanced brackets and French quotes."""
    body = text[begin:end]
    return (len(_WORD.findall(body)) >= 2 and body.count("(") == body.count(")")
            and body.count("«") == body.count("»") and body.count("[") == body.count("]"))


def _definition_end(
    text: str, p: _Proposal, common: int | None, terms: frozenset[int]
) -> tuple[int | None, bool]:
    """Where the definition of ``p`` ends (see the module docstring), or ``None``; and
    whether that is because it is unclear (a line end after an inner sentence)."""
    strict = None
    latest = None
    inner_sentence = False  # an earlier end was followed by a capital
    unclear = False
    for end, abbreviation in _ends(text, p.definition_start, p.line_end):
        if not _well_formed(text, p.definition_start, end):
            continue
        follows = _resumes(text, end, p.line_end, terms)
        if abbreviation and follows == "text" and text[end:p.line_end].lstrip()[:1].islower():
            continue
        if common is not None and end - p.definition_start <= common:
            latest = end
        if strict is None:
            if follows == "text" or (follows == "line" and not inner_sentence):
                strict = end
                if common is None:
                    break
            elif follows == "line":
                # *l’ESS ESS Économie sociale. Elle grandit.* at the end of a line: the
                # definition may or may not hold the second sentence
                unclear = True
        inner_sentence = inner_sentence or follows == "capital"
    if common is not None:
        if strict is not None and strict - p.definition_start <= common:
            return strict, False
        if latest is not None:
            return latest, False
    return strict, unclear and strict is None


def _common_length(texts: Sequence[str]) -> int:
    """How many characters all ``texts`` share at their start."""
    first, n = texts[0], min(len(t) for t in texts)
    for i in range(n):
        if any(t[i] != first[i] for t in texts):
            return i
    return n


def _detect(text: str) -> tuple[Glossary, list[Diagnostic]]:
    """The entries whose expansions the text seems to hold, as a glossary."""
    proposals = list(_proposals(text))
    terms = frozenset(p.term_start for p in proposals)
    groups: dict[str, list[_Proposal]] = {}
    for p in proposals:
        groups.setdefault(p.title.casefold(), []).append(p)
    commons: dict[str, int] = {}
    for key, group in groups.items():
        rests = [text[p.definition_start: p.line_end] for p in group]
        if len(rests) > 1 and len(set(rests)) > 1:  # identical lines are no evidence
            commons[key] = _common_length(rests)
    entries: dict[str, Entry] = {}
    first_lines: dict[str, int] = {}
    diagnostics: list[Diagnostic] = []
    lines = _Lines(text)
    taken = -1
    for p in proposals:
        if p.term_start < taken:
            continue  # inside a definition already taken
        end, unclear = _definition_end(text, p, commons.get(p.title.casefold()), terms)
        if end is None:
            if unclear:
                diagnostics.append(Diagnostic(
                    "warning",
                    f"'{p.title} {p.title}' looks like an expanded definition, but where it "
                    "ends is unclear; left as it is",
                    Location(line=lines.at(p.title_start)[0]),
                    "give the site's glossary with -g to remove it",
                ))
            continue
        taken = end
        definition = text[p.definition_start:end]
        key = p.title if p.title.isupper() else p.title.casefold()
        known = entries.get(key)
        if known is None:
            entries[key] = Entry(p.title, definition, slugify(p.title))
            first_lines[key] = lines.at(p.title_start)[0]
        elif known.definition != definition:
            diagnostics.append(Diagnostic(
                "warning",
                f"'{p.title}' seems expanded here with another definition than on line "
                f"{first_lines[key]}; only that first one is removed",
                Location(line=lines.at(p.title_start)[0]),
                "give the site's glossary with -g to remove both",
            ))
    return Glossary(entries.values()), diagnostics


# -- the public function ---------------------------------------------------------------


def strip_text(
    text: str,
    glossary: Glossary | None = None,
    *,
    occurrences: str | None = None,
    max_per_entry: int | None = None,
    accents: str = "strict",
    inflect: bool = True,
) -> StripResult:
    """``text`` without the definitions expanded inline after its terms.

    With ``glossary``, exactly the expansions of its entries are removed, wherever one
    follows a term of its entry (matched with ``accents`` and ``inflect`` as in
    ``annotate``). With ``occurrences`` (``"first"``, ``"section"``, ``"all"``; and
    ``max_per_entry``), only those that this policy would have made: then
    ``strip_text(render(annotate(x, g, occurrences=o), "text"), g, occurrences=o).text ==
    x``, except that *ESS.* and *ESS .* read the same once expanded (the text's own
    spacing habit, then French typography, decide). Without ``glossary`` the expansions
    are detected (see the module docstring), and ``result.glossary()`` holds what was
    found.

    >>> from glossator import Glossary
    >>> g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    >>> strip_text("le Labo de l’ESS ESS Économie sociale. publiait", g).text
    'le Labo de l’ESS publiait'
    >>> r = strip_text("les PTCE PTCE Pôles territoriaux de coopération. . Une étude")
    >>> r.text, r.expansions[0].definition
    ('les PTCE. Une étude', 'Pôles territoriaux de coopération.')
    """
    diagnostics: list[Diagnostic] = []
    if glossary is None:
        glossary, diagnostics = _detect(text)
        occurrences = None
        max_per_entry = None
    finder = Annotator(glossary, occurrences="all", accents=accents, inflect=inflect)
    policy = None
    if occurrences is not None or max_per_entry is not None:
        policy = Annotator(glossary, occurrences=occurrences or "all",
                           max_per_entry=max_per_entry, accents=accents, inflect=inflect)
    clean, expansions = _strip_known(text, glossary, finder, policy)
    return StripResult(clean, tuple(expansions), tuple(diagnostics))


def glossary_yaml(entries: Sequence[Entry], *, comment: str | None = None) -> str:
    """``entries`` as a YAML glossary that ``glossator check`` accepts.

    Entries keep every field they have; an ``id`` is written only when it is not the one
    derived from the term.
    """
    import yaml

    items = []
    for entry in entries:
        data = entry.to_dict()
        if data["id"] == slugify(entry.term):
            del data["id"]
        items.append(data)
    body = yaml.safe_dump({"entries": items}, allow_unicode=True, sort_keys=False,
                          width=88, default_flow_style=False)
    head = "".join(f"# {line}\n" if line else "#\n" for line in (comment or "").splitlines())
    return head + body
