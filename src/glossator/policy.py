"""Policies: plain functions that choose which matches become annotations.

They work on the matcher's light tuples ``(start, end, variant_id, elided)``, before any
annotation object is built, and run in this order:

1. **exclusions** — a match inside one of its entry's ``not_in`` phrases, an acronym
   that is a common word between two words set in capitals (a heading: *DISPOSITIONS
   RELATIVES AU DROIT DES COOPÉRATIVES*), an acronym that is a letter or a number of
   the text (*N’est-ce pas*, *Charles X*, *chapitre IX*, *R. F.*), or a match inside the
   entry's own definition written out in the text, is dropped;
2. **occurrences** — ``first`` (per document, the default), ``section`` (first per
   section: a block between blank lines, or under a Markdown heading), or ``all``;
3. **caps** — at most ``max_per_entry`` annotations per entry (and at most the entry's
   own ``max_occurrences``).

Occurrence policies live in a registry (:data:`OCCURRENCE_POLICIES`), so that options can
name them and third parties can add their own with :func:`register_policy`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from ._lazy import lazy_pattern
from .model import CAP_MAX, Entry
from .text.chars import APOSTROPHES
from .text.french import (
    NUMBERING_WORDS,
    is_acronym,
    roman_numeral,
    small_roman_numeral,
)
from .text.normalize import canonical, one_line
from .text.words import common_words

__all__ = [
    "ELIDED_LETTER",
    "INITIAL",
    "IN_CAPITALS",
    "NOTATION",
    "NOT_IN",
    "OCCURRENCE_POLICIES",
    "OVER_MAXIMUM",
    "OWN_DEFINITION",
    "ROMAN_NUMERAL",
    "TRAITS_VERSION",
    "Match",
    "PolicyStream",
    "all_occurrences",
    "apply_policies",
    "entry_traits",
    "excluded",
    "excluded_by_context",
    "first_occurrence",
    "first_per_section",
    "get_policy",
    "in_capitals",
    "inside_own_definition",
    "letter_or_number",
    "not_first",
    "register_policy",
    "section_starts",
    "written_ways",
]

#: ``(start, end, variant_id, elided)``: a match as the matcher returns it.
Match = tuple[int, int, int, bool]
#: An occurrence policy: ``(matches, entry_of, text) -> kept matches``.
OccurrencePolicy = Callable[[Sequence[Match], Callable[[Match], Entry], str], list[Match]]


def all_occurrences(
    matches: Sequence[Match], entry_of: Callable[[Match], Entry], text: str
) -> list[Match]:
    """Keep every match."""
    return list(matches)


def first_occurrence(
    matches: Sequence[Match], entry_of: Callable[[Match], Entry], text: str,
    accept: Callable[[Match], bool] | None = None,
) -> list[Match]:
    """Keep the first match of each entry in the document (what glossary sites do).

    With ``accept``, a match it refuses is passed over (it does not count as the entry's
    first): the same as filtering the matches first, but ``accept`` only runs on the
    matches that would be kept.
    """
    seen: set[str] = set()
    kept: list[Match] = []
    for m in matches:
        key = entry_of(m).id
        if key not in seen and (accept is None or accept(m)):
            seen.add(key)
            kept.append(m)
    return kept


_SECTION_BREAK = lazy_pattern(globals(), "_SECTION_BREAK",
    r"\n[ \t\u00a0]*\n|\n(?=#{1,6}[ \t])|^(?=#{1,6}[ \t])")


def section_starts(text: str) -> list[int]:
    """Offsets where sections start: after a blank line, or at a Markdown heading line."""
    starts = {0}
    for m in _SECTION_BREAK.finditer(text):
        starts.add(m.end())
    return sorted(starts)


def first_per_section(
    matches: Sequence[Match], entry_of: Callable[[Match], Entry], text: str,
    accept: Callable[[Match], bool] | None = None,
) -> list[Match]:
    """Keep the first match of each entry in each section (see :func:`section_starts`);
    ``accept`` as for :func:`first_occurrence`."""
    starts = section_starts(text)
    kept: list[Match] = []
    seen: set[str] = set()
    k = 0
    for m in matches:
        while k + 1 < len(starts) and starts[k + 1] <= m[0]:
            k += 1
            seen = set()
        key = entry_of(m).id
        if key not in seen and (accept is None or accept(m)):
            seen.add(key)
            kept.append(m)
    return kept


#: Occurrence policies by name; ``first`` is the default.
OCCURRENCE_POLICIES: dict[str, OccurrencePolicy] = {
    "first": first_occurrence,
    "section": first_per_section,
    "all": all_occurrences,
}


_ENTRY_POINTS_LOADED = False


def register_policy(name: str, policy: OccurrencePolicy) -> None:
    """Make ``policy`` available as ``occurrences=name`` and ``--occurrences name``."""
    OCCURRENCE_POLICIES[name] = policy


def get_policy(name: str) -> OccurrencePolicy:
    """The occurrence policy registered as ``name`` (by :func:`register_policy` or the
    ``glossator.policies`` entry-point group); else a
    :class:`~glossator.errors.UsageError` naming the others."""
    global _ENTRY_POINTS_LOADED
    if name not in OCCURRENCE_POLICIES and not _ENTRY_POINTS_LOADED:
        _ENTRY_POINTS_LOADED = True
        from importlib.metadata import entry_points

        for ep in entry_points(group="glossator.policies"):
            OCCURRENCE_POLICIES.setdefault(ep.name, ep.load())
    policy = OCCURRENCE_POLICIES.get(name)
    if policy is None:
        from .errors import UsageError

        raise UsageError(f"unknown occurrences policy '{name}'",
                         hint=f"use one of: {', '.join(OCCURRENCE_POLICIES)}")
    return policy


@lru_cache(maxsize=4096)
def _phrase_re(phrase: str) -> re.Pattern[str]:
    """A pattern that finds ``phrase`` in any case, with any apostrophe and white space."""
    parts = []
    for ch in " ".join(canonical(phrase).split()):
        if ch == " ":
            parts.append(r"\s+")
        elif ch == "'":
            parts.append(f"[{APOSTROPHES}]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.IGNORECASE)


def excluded_by_context(m: Match, entry: Entry, text: str) -> bool:
    """Whether ``m`` sits inside one of ``entry``'s ``not_in`` phrases."""
    start, end = m[0], m[1]
    for phrase in entry.not_in:
        reach = 2 * len(phrase) + 8
        lo = max(0, start - reach)
        for found in _phrase_re(phrase).finditer(text, lo, end + reach):
            if found.start() <= start and end <= found.end():
                return True
    return False


#: The word before a match, and the word after it, on the same line (what lies between is
#: neither a letter nor a line break; an elided letter is passed over: *DE L'ESS*); a
#: window of text is searched, not the whole.
_WORD_BEFORE = lazy_pattern(globals(), "_WORD_BEFORE",
    rf"([^\W\d_]+)[^\w\n]*(?:[^\W\d_][{APOSTROPHES}])?\Z")
_WORD_AFTER = lazy_pattern(globals(), "_WORD_AFTER",
    rf"[^\w\n]*(?:[^\W\d_][{APOSTROPHES}])?([^\W\d_]+)")
_WINDOW = 40


def _capital_word(found: re.Match[str] | None) -> bool:
    word = found.group(1) if found else ""
    return len(word) >= 2 and word.isupper()


def in_capitals(m: Match, entry: Entry, text: str) -> bool:
    """Whether ``m`` is one of ``entry``'s acronyms that is also a common French word,
    written in capitals among words in capitals on its line: between two of them (*AU*,
    *DES* and *DE* in *DISPOSITIONS RELATIVES AU DROIT DES COOPÉRATIVES*), or at either
    end of a run of prose in capitals (:func:`_prose`; a novel's chapter opening: *VERS
    ONZE HEURES DU matin*, *CES DÉPÊCHES – AVANT d'être*). Those are words, not
    acronyms; *SCOP* in *LES SCOP ET LES SCIC* stays an acronym, and so does *SI* in
    *l'ESS, les SCOP, le SI*: a run of acronyms is no prose."""
    start, end = m[0], m[1]
    surface = text[start:end]
    if (not surface.isupper() or surface.lower() not in common_words()
            or not any(f == surface for f in entry.forms if is_acronym(f))):
        return False
    before = _capitals_beside(text, start, False)
    after = _capitals_beside(text, end, True)
    return (bool(before) and bool(after)) or _prose(before) or _prose(after)


def _capitals_beside(text: str, at: int, forward: bool, most: int = 3) -> list[str]:
    """The words in capitals right after (``forward``) or before ``at`` on its line,
    nearest first (at most ``most``)."""
    words: list[str] = []
    while len(words) < most:
        found = (_WORD_AFTER.match(text, at, at + _WINDOW) if forward
                 else _WORD_BEFORE.search(text, max(0, at - _WINDOW), at))
        if not _capital_word(found):
            break
        assert found is not None
        words.append(found.group(1))
        at = found.end(1) if forward else found.start(1)
    return words


def _prose(words: list[str]) -> bool:
    """Whether ``words`` in capitals read as prose: two or more, one a common word or
    one of seven letters or more (few acronyms are that long: *INCIDENT*, not *UNESCO*)."""
    common = common_words()
    return len(words) >= 2 and any(len(w) >= 7 or w.lower() in common for w in words)


#: What stands between the letters of initials (*R. F.*, *S.\u00a0A.\u00a0R.*).
_INITIAL_AFTER = lazy_pattern(globals(), "_INITIAL_AFTER", r"\.[ \u00a0\u202f]?[^\W\d_]\.")
_INITIAL_BEFORE = lazy_pattern(globals(), "_INITIAL_BEFORE",
                               r"(?<![\w.])[^\W\d_]\.[ \u00a0\u202f]?\Z")
_LINE_SPACES = " \t\u00a0\u202f"
#: What glues a letter into code or a notation, before it (*\\r*, *go=r*, *~N*, *$N*) and
#: after it (*N/A*, *N+1*, *r\**, *N=3*, *X^2*): a symbol, not a term.
_NOTATION_BEFORE = frozenset("\\=~/+*^|#$%<>_{[@&")
_NOTATION_AFTER = frozenset("\\=/+*^|#$%<>_}]@&(")


def letter_or_number(m: Match, entry: Entry, text: str) -> str:
    """Why ``m`` (of ``entry``), one letter or a Roman numeral in capitals, is a letter or
    a number of the text and not a term, or ``""``: a letter elided before an apostrophe
    (*N’est-ce pas*, *L’on*, *r’luit*), a letter of code or a notation (*\\r*, *go=r*,
    *N/A*, *N+1*, *2 X 3*), an initial or an abbreviation (*la R.\u00a0F.*, *S. A. R.*, *la
    famille X...*, *N° de compte*), or a Roman numeral that numbers
    something (:func:`_numbering`: *chapitre X*, *Charles X*, a chapter heading). Public
    glossaries of acronyms define one-letter terms (*N*, zone naturelle; *X*, École
    polytechnique; *r*, donnée révisée) that a novel would otherwise show at every
    *N’est-ce pas*."""
    del entry  # the rule reads the text: the entry's forms are what matched
    start, end = m[0], m[1]
    surface = text[start:end]
    if not surface.isalpha() or (len(surface) > 1 and not surface.isupper()):
        return ""
    if len(surface) == 1:
        after = text[end:end + 2]
        if len(after) == 2 and after[0] in APOSTROPHES and after[1].isalpha():
            return ELIDED_LETTER
        if (text[start - 1:start] in _NOTATION_BEFORE or after[:1] in _NOTATION_AFTER
                or (surface in "Xx" and _times(text, start, end))):
            return NOTATION
        if (text.startswith(("...", "…", "°", "º"), end) or _INITIAL_AFTER.match(text, end)
                or _INITIAL_BEFORE.search(text, max(0, start - 4), start)):
            return INITIAL
    if roman_numeral(surface) and _numbering(text, start, end):
        return ROMAN_NUMERAL
    return ""


def _times(text: str, start: int, end: int) -> bool:
    """Whether the *X* at ``start`` is a multiplication sign: spaced, after a number or a
    bracket (*2 X 3*, *(D3-E) X L1*), or before a bracket (*E X (B)*); not before a
    number alone (*la promotion X 1995* is the École polytechnique's)."""
    if text[start - 1:start] != " " or text[end:end + 1] != " ":
        return False
    left, right = text[max(0, start - 2):start - 1], text[end + 1:end + 2]
    return left.isdigit() or left in (")", "]") or right in ("(", "[")


#: Capitalised words that start a sentence, not names a Roman numeral follows (*Les X et
#: les centraliens*, *Deux X*, *Pour X*, *Le I de l'équipe*; *Charles X*, *Pie X* are).
_NOT_NAMES = frozenset(
    "le la les l un une des du de d au aux ce cet cette ces mon ma mes ton ta tes son sa "
    "ses notre nos votre vos leur leurs quel quelle quels quelles tout toute tous toutes "
    "deux trois quatre cinq six sept huit neuf dix onze douze plusieurs quelques certains "
    "certaines chaque aucun aucune nul pour par sur sous sans avec selon chez contre "
    "entre dans vers après avant depuis pendant dès et ou mais donc or ni car que qui "
    "quoi si comme quand lorsque puisque où ici voici voilà en à y ne pas plus moins très "
    "taille".split())


#: An abbreviated numbering word right before a numeral (*chap. X*, *t. II*, *vol. III*,
#: *p. XI*, *art. IV*).
_NUMBERING_ABBREVIATION = lazy_pattern(
    globals(), "_NUMBERING_ABBREVIATION",
    r"(?<![^\W\d_])(?:chap|t|vol|p|pp|art)\.[ \u00a0\u202f]?\Z", re.IGNORECASE)


def _numbering_word(word: str) -> bool:
    """Whether ``word`` is one of :data:`~glossator.text.french.NUMBERING_WORDS`, or its
    plural (*titres*)."""
    word = word.lower()
    return word in NUMBERING_WORDS or (word[-1:] in ("s", "x") and word[:-1] in NUMBERING_WORDS)


def _numbering(text: str, start: int, end: int) -> bool:
    """Whether the Roman numeral ``text[start:end]`` numbers something: after a word such
    as *chapitre*, *livre* or *acte* (:data:`~glossator.text.french.NUMBERING_WORDS`) or
    its abbreviation (*chap. X*, *t. II*, *p. XI*), or in a list of them (*titres X et
    XI*); and, for one of I, V, X and L only (those with
    C, D or M are acronyms as often: *CD*, *CDI*, *CV*, *CM*), heading its line, alone or
    before ``.``, a dash, ``°`` or ``)`` (*X -- Le camp*, *XIV. Dispositions…*), or right
    after a name (*Charles X*, *Louis XIV*; not *Les X*, *Deux X*: :data:`_NOT_NAMES`)."""
    small = small_roman_numeral(text[start:end])
    before = text[max(0, start - 30):start]
    line = before.rpartition("\n")
    words = re.findall(r"[^\W\d_]+", line[2])
    if _NUMBERING_ABBREVIATION.search(line[2]):  # chap. X, t. II, vol. III, p. XI
        return True
    if words and (_numbering_word(words[-1]) or (  # titres X et XI, chapitres II à IV
            len(words) >= 3 and words[-2:][1].lower() in ("et", "à", "ou")
            and roman_numeral(words[-2]) and _numbering_word(words[-3]))):
        return True
    if not small:  # CD, CDI, CV, CM, CCI: as often acronyms, even heading a line
        return False
    if (line[1] or start <= 30) and not line[2].strip(_LINE_SPACES):  # heads its line
        rest = text[end:end + 80].partition("\n")[0].strip(_LINE_SPACES)
        return not rest or rest[:1] in (".", "-", "\u2013", "\u2014", "°", ")")
    name = words[-1] if words else ""
    return (len(name) >= 2 and name[0].isupper() and name[1:].islower()
            and name.lower() not in _NOT_NAMES
            and before.endswith((f"{name} ", f"{name}\u00a0", f"{name}\u202f")))


def written_ways(definition: str) -> tuple[str, ...]:
    """The ways a definition may be written out in a text (as in the glossary, and on one
    line), those long enough to tell apart from ordinary prose."""
    definition = definition.strip()
    return tuple(w for w in dict.fromkeys((definition, one_line(definition))) if len(w) >= 12)


#: :func:`written_ways`, the same for every document, so kept per definition (for the
#: Python policies; an entry's traits are worked out once, without it).
_written_ways = lru_cache(maxsize=1 << 16)(written_ways)


#: The flags of an entry, as the C policies read them (``matching/_keep.h``): known, a
#: rule only Python can check (``not_in``, capitals), a definition that may be written
#: out in a text, a form of one letter or a Roman numeral.
TRAIT_KNOWN, TRAIT_ASK, TRAIT_WAYS, TRAIT_LETTER = 1, 2, 4, 8
#: Bumped whenever :func:`entry_traits` may give something else for an entry (its rules,
#: the common words, the ways a definition is written out): the glossary cache, which
#: keeps them, is then written again (it is part of its key).
TRAITS_VERSION = 1


def entry_traits(entry: Entry, ways: tuple[str, ...] | None = None
                 ) -> tuple[int, int, int, int]:
    """What the C policies read of ``entry`` before its matches: its flags (``TRAIT_*``),
    its cap (``-1``: none), and, for each of the (at most two) ways its definition may be
    written out, its :func:`way_head` (``0``: no such way). The same for every document,
    so the glossary cache keeps them (:mod:`glossator.store.glossaries`). ``ways``: the
    ways, when the caller has worked them out (:func:`written_ways`)."""
    flags = TRAIT_KNOWN
    forms = entry.forms
    if entry.not_in or _capitals_prone(forms):
        flags |= TRAIT_ASK
    if _letter_prone(forms):  # C tests the characters around, and asks where unsure
        flags |= TRAIT_LETTER
    heads = [0, 0]
    if ways is None:
        ways = written_ways(entry.definition)
    if ways:
        flags |= TRAIT_WAYS
        if len(ways) > 2:
            heads[0] = -1  # (never, as ways are made): look at them all
        else:
            for i, way in enumerate(ways):
                heads[i] = way_head(way)
    cap = -1 if entry.max_occurrences is None else min(entry.max_occurrences, CAP_MAX)
    return flags, cap, heads[0], heads[1]


def way_head(way: str) -> int:
    """What the C policies read of a way before the way itself: its length, and its
    first two characters (a way is written out around a match only where they are);
    ``-1``: look at the way itself."""
    if len(way) < 2 or len(way) >= 1 << 21:
        return -1
    return len(way) << 42 | ord(way[0]) << 21 | ord(way[1])


def _letter_prone(forms: tuple[str, ...]) -> bool:
    """Whether :func:`letter_or_number` may drop a match of an entry of ``forms``: one is
    one letter, or a Roman numeral in capitals."""
    return any(f.isalpha() and (len(f) == 1 or (not f.upper().strip(_ROMAN_DIGITS)
                                                  and roman_numeral(f.upper())))
               for f in forms)


#: The letters of Roman numerals (a form made of others is none: no regex is run).
_ROMAN_DIGITS = "IVXLCDM"


def _capitals_prone(forms: tuple[str, ...]) -> bool:
    """Whether :func:`in_capitals` may drop a match of an entry of ``forms``: one is an
    acronym in capitals that is also a common word."""
    words = common_words()
    return any(f.isupper() and f.lower() in words for f in forms)


def inside_own_definition(m: Match, entry: Entry, written: dict[str, tuple[str, ...]],
                           text: str) -> bool:
    """Whether ``m`` lies inside ``entry``'s definition written out in ``text``.

    ``written`` keeps, per entry id, the ways the definition may be written (as in the
    glossary, and with its white space collapsed, as the text format writes it inline).
    An occurrence that contains ``m`` starts at most one definition's length before it,
    so only that neighbourhood is searched: the cost is per match, not per text.
    """
    ways = written.get(entry.id)
    if ways is None:
        ways = written[entry.id] = _written_ways(entry.definition)
    start, end = m[0], m[1]
    for way in ways:
        # an occurrence [p, p + len) contains [start, end) when end - len <= p <= start
        if end - start <= len(way) and text.find(way, max(0, end - len(way)),
                                                 start + len(way)) != -1:
            return True
    return False


#: Why a match was not annotated, by kind (what :func:`apply_policies` records).
NOT_IN = "inside a phrase listed in not_in"
IN_CAPITALS = "a common word set in capitals among words in capitals, not an acronym"
OWN_DEFINITION = "inside its own definition"
ELIDED_LETTER = "a letter elided before an apostrophe (n’est, l’on), not an acronym"
INITIAL = "an initial or an abbreviation (R. F., X..., N°), not an acronym"
NOTATION = "a letter of code or a notation (\\r, N/A, N+1), not a term"
ROMAN_NUMERAL = ("a Roman numeral that numbers something (chapitre X, Charles X, a heading), "
                 "not an acronym")
OVER_MAXIMUM = "over the maximum per entry"


def excluded(m: Match, entry: Entry, text: str, own: dict[str, tuple[str, ...]]) -> str:
    """Why the exclusions drop ``m``, of ``entry`` (``""`` when they do not): ``not_in``,
    capitals, a letter or a number, its own definition written out. ``own`` caches the
    ways each definition may be written (see :func:`inside_own_definition`). Each rule
    reads only the text near ``m``: a window of the text gives the same answer."""
    if entry.not_in and excluded_by_context(m, entry, text):
        return NOT_IN
    if in_capitals(m, entry, text):
        return IN_CAPITALS
    letter = letter_or_number(m, entry, text)
    if letter:
        return letter
    return OWN_DEFINITION if inside_own_definition(m, entry, own, text) else ""


def not_first(occurrences: str) -> str:
    """The reason given for a match the occurrence policy ``occurrences`` passed over."""
    return f"not the first occurrence ({occurrences})"


def apply_policies(
    matches: Sequence[Match],
    entry_of: Callable[[Match], Entry],
    text: str,
    *,
    occurrences: str = "first",
    max_per_entry: int | None = None,
    entry_ids: Sequence[str] | None = None,
    dropped: dict[Match, str] | None = None,
) -> list[Match]:
    """Exclusions, then the occurrence policy, then the per-entry caps.

    The built-in ``first`` and ``section`` policies check the exclusions only on the
    matches they would keep (a match passed over for an exclusion does not count as a
    first occurrence), which gives the same result with a fraction of the checks.
    ``entry_ids``: the entry id of each variant, if the caller has them (the first
    occurrences are then told apart without looking the entries up). ``dropped``: filled
    with each match that was not kept and why (every match's exclusions are then checked,
    so that the reason is the first rule that drops it).
    """
    if dropped is None:
        stream = PolicyStream(entry_of, text, occurrences=occurrences,
                              max_per_entry=max_per_entry, entry_ids=entry_ids)
        stream.feed(matches)
        return stream.result()
    own: dict[str, tuple[str, ...]] = {}
    survivors = []
    for m in matches:
        reason = excluded(m, entry_of(m), text, own)
        if reason:
            dropped[m] = reason
        else:
            survivors.append(m)
    kept = get_policy(occurrences)(survivors, entry_of, text)
    chosen = set(kept)
    dropped.update((m, not_first(occurrences)) for m in survivors if m not in chosen)
    capped = _capped(kept, entry_of, max_per_entry)
    if len(capped) < len(kept):
        within = set(capped)
        dropped.update((m, OVER_MAXIMUM) for m in kept if m not in within)
    return capped


class PolicyStream:
    """:func:`apply_policies` (without ``dropped``) as a stream: the matches come in
    batches, in text order (:meth:`feed`), and only the kept ones are held, so that the
    millions of candidates of a long text with a large glossary never sit in memory at
    once. The built-in policies (``first``, ``section``, ``all``) and the caps are
    applied as the matches come; a registered policy gets the survivors of the
    exclusions at the end (:meth:`result`).

    ``key_of``: the entry id of a match, when the caller knows it faster than
    ``entry_of(m).id``; ``entry_ids``: the entry id of each variant (used as ``key_of``).
    For ``first``, :attr:`new_entry` is called with the entry id of each kept match (the
    caller may then stop looking for that entry).
    """

    __slots__ = ("_counts", "_entry_of", "_k", "_key_of", "_own", "_policy", "_seen",
                 "_starts", "_survivors", "kept", "max_per_entry", "mode",
                 "new_entry", "text")

    def __init__(
        self, entry_of: Callable[[Match], Entry], text: str, *, occurrences: str = "first",
        max_per_entry: int | None = None, entry_ids: Sequence[str] | None = None,
        key_of: Callable[[Match], str] | None = None,
    ) -> None:
        policy = get_policy(occurrences)
        self._policy = policy
        self.mode = ("first" if policy is first_occurrence else
                     "section" if policy is first_per_section else
                     "all" if policy is all_occurrences else "")
        self._entry_of = entry_of
        if key_of is None and entry_ids is not None:
            ids = entry_ids
            key_of = lambda m: ids[m[2]]  # noqa: E731
        self._key_of = key_of or (lambda m: entry_of(m).id)
        self.text = text
        self.max_per_entry = max_per_entry
        self._own: dict[str, tuple[str, ...]] = {}
        self._seen: set[str] = set()
        self._starts = section_starts(text) if self.mode == "section" else [0]
        self._k = 0
        self._counts: dict[str, int] = {}
        self._survivors: list[Match] = []
        self.kept: list[Match] = []
        self.new_entry: Callable[[str], object] | None = None

    def _allowed(self, m: Match) -> bool:
        return not excluded(m, self._entry_of(m), self.text, self._own)

    def feed(self, matches: Sequence[Match]) -> None:
        """Take the next matches, in text order."""
        if self.mode == "first":
            self._feed_first(matches)
        elif self.mode == "section":
            self._feed_section(matches)
        elif self.mode == "all":
            for m in matches:
                if self._allowed(m):
                    self._keep(m)
        else:
            self._survivors.extend(m for m in matches if self._allowed(m))

    def _feed_first(self, matches: Sequence[Match]) -> None:
        seen = self._seen
        key_of = self._key_of
        for m in matches:
            key = key_of(m)
            if key not in seen and self._allowed(m):
                seen.add(key)
                self._keep(m)
                if self.new_entry is not None:
                    self.new_entry(key)

    def _feed_section(self, matches: Sequence[Match]) -> None:
        starts = self._starts
        key_of = self._key_of
        for m in matches:
            while self._k + 1 < len(starts) and starts[self._k + 1] <= m[0]:
                self._k += 1
                self._seen = set()
            key = key_of(m)
            if key not in self._seen and self._allowed(m):
                self._seen.add(key)
                self._keep(m)

    def _keep(self, m: Match) -> None:
        """Keep ``m`` unless its entry has reached its cap."""
        entry = self._entry_of(m)
        limits = [x for x in (self.max_per_entry, entry.max_occurrences) if x is not None]
        if limits:
            n = self._counts.get(entry.id, 0)
            if n >= min(limits):
                return
            self._counts[entry.id] = n + 1
        self.kept.append(m)

    def result(self) -> list[Match]:
        """The kept matches, in text order."""
        if self.mode:
            return self.kept
        kept = self._policy(self._survivors, self._entry_of, self.text)
        return _capped(kept, self._entry_of, self.max_per_entry)


def _capped(
    kept: list[Match], entry_of: Callable[[Match], Entry], max_per_entry: int | None
) -> list[Match]:
    """At most ``max_per_entry`` (and each entry's own ``max_occurrences``) per entry."""
    if max_per_entry is None and not any(entry_of(m).max_occurrences for m in kept):
        return kept
    counts: dict[str, int] = {}
    capped: list[Match] = []
    for m in kept:
        entry = entry_of(m)
        limits = [x for x in (max_per_entry, entry.max_occurrences) if x is not None]
        n = counts.get(entry.id, 0)
        if not limits or n < min(limits):
            counts[entry.id] = n + 1
            capped.append(m)
    return capped
