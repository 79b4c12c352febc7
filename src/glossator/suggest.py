"""Harvest candidate glossary entries from a French corpus: acronyms and their long forms.

Two kinds of suggestions come out of :func:`suggest`:

* **pairs** — an acronym whose long form the text writes out, in one of the ways French
  writers do: *pôles territoriaux de coopération économique (PTCE)*, *PTCE (pôles
  territoriaux…)*, *PTCE, pour pôles territoriaux…*, *PTCE, c'est-à-dire…*, *PTCE : pôles…*,
  *(ci-après « PTCE »)*;
* **undefined acronyms** — all-capital words of 2 to 8 letters used often but never spelled
  out, each with a few contexts, so that a person can look them up.

How a long form is recognised (the idea of Schwartz & Hearst, 2003 — the long form is
found from the acronym's letters, close to the acronym — worked out for French):

* the text next to the acronym is cut into words (elided articles *l'*, *d'* and the parts
  of hyphenated words are words of their own); accents fold (*É* is *E*, *œ* is *oe*);
* every letter of the acronym is aligned, in order, to the words: a word gives its initial,
  possibly followed by one or two later letters of the same word, or its first four letters
  (the *co* of *comité*, the *fr* of *français*, the *ac* of *accréditation*: COFRAC);
  French function words (*de, du, des, l', à, aux, en, et, pour, sur, par…*) and the parts
  of a hyphenated word may give nothing;
* a word that gives nothing otherwise costs 2, a letter taken inside a word costs 1; the
  long form must start and end with a word that gives a letter, hold at least two words,
  and stay under a cost budget that grows with the acronym's length (URSSAF may skip
  *cotisations*, a three-letter acronym may skip nothing);
* among the candidates the cheapest wins, then the shortest.

The long form becomes the entry's ``title``: in the singular, first letter in lower case,
when the text gives a plural (*les pôles territoriaux…* → *pôle territorial…*; the
singular is checked by pluralizing it again with :func:`glossator.french.pluralize_term`,
and kept only if that gives back the text's words), and as written otherwise (*Mouvement
des entreprises de France* stays a name). The text gives a plural when a plural
determiner comes before the long form (*les, des, aux, ces…*) or when the first two words
of its head both end in *-s* or *-x*; a plural the text does not mark that way (*Unions
de recouvrement…* at the start of a list item) is kept as written.

Nothing here reads files or needs a model: :mod:`glossator.commands.suggest` does the I/O.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .text.chars import ELIDING_WORDS, ELISION_APOSTROPHES
from .text.french import (
    NUMBERING_WORDS,
    head_and_complement,
    pluralize_term,
    roman_numeral,
    small_roman_numeral,
    strip_accents,
)

if TYPE_CHECKING:
    from .glossary import Glossary

__all__ = [
    "PLACEHOLDER",
    "Context",
    "LongForm",
    "Pair",
    "Suggestion",
    "find_pairs",
    "render_json",
    "render_yaml",
    "singularize",
    "suggest",
]

#: The definition written for every suggestion: the file passes ``glossator check``, and
#: ``grep -n "À définir"`` finds what a person still has to write.
PLACEHOLDER = "À définir."

#: Words a long form may contain without giving a letter to the acronym.
FUNCTION_WORDS = frozenset(
    "de d du des à au aux en et ou pour sur par le la les l un une dans sous entre chez "
    # English long forms in French technical text (GNU Network Object Model Environment)
    "of the and for to in on by with an a".split()
)
#: Words after which a comma may go on inside a long form.
_COMPLEMENT_WORDS = frozenset("de d du des à au aux".split())
#: Markers of a gloss after the acronym: *PTCE, pour pôles…*, *PTCE (c'est-à-dire …)*.
_GLOSS_MARKERS = (
    "c'est-à-dire", "c’est-à-dire", "c.-à-d.", "autrement dit", "pour", "soit", "ou",
    "signifiant", "i.e.",
)
#: Determiners skipped before a long form that follows a marker (*c'est-à-dire les pôles…*).
_LEADING_DETERMINERS = frozenset("le la les l un une des du de d".split())
#: Words before a long form that make it plural (*les pôles territoriaux…*).
_PLURAL_DETERMINERS = frozenset(
    "les des aux ces mes tes ses nos vos leurs plusieurs certains certaines quelques "
    "différents différentes divers diverses nombreux nombreuses deux trois quatre cinq "
    "six sept huit neuf dix".split()
)
#: Nouns and adjectives that end in -s or -x in the singular: never "singularized".
_SINGULAR_S = frozenset(
    "fonds pays temps corps tiers prix poids cas bras concours discours parcours secours "
    "recours procès progrès succès accès excès abus refus avis repas bois mois choix taux "
    "voix croix paix houx époux jaloux doux roux faux relais puits dos univers gaz virus "
    "campus bus os palais marais mas frais divers précis exprès mis pris compris permis "
    "inclus exclus clos".split()
)
#: -eux words whose singular is -eu (other -eux words are adjectives: *heureux*).
_EU_X = frozenset("jeux feux lieux milieux enjeux cheveux neveux essieux vœux voeux".split())
#: -aux words whose singular is -au (the others come from -al or -ail).
_AU_X = frozenset(
    "tuyaux noyaux boyaux joyaux préaux étaux fléaux hoyaux gluaux unaux".split())
#: All-capital words that head sections rather than abbreviate anything.
_HEADING_WORDS = frozenset(
    "TITRE CHAPITRE SECTION SOUS-SECTION ARTICLE ARTICLES LIVRE PARTIE ANNEXE ANNEXES "
    "SOMMAIRE FIN NOTE NOTES NOTA TOME PRÉFACE PROLOGUE ÉPILOGUE INTRODUCTION CONCLUSION "
    "PREMIER PREMIÈRE DEUXIÈME TROISIÈME ET DE DU DES LA LE LES".split()
)

_WS = " \t\u00a0\u202f\u2009\u2007"
_APOSTROPHES = ELISION_APOSTROPHES
# a word: letters, or an elided article / preposition with its apostrophe
_WORD = re.compile(r"[^\W\d_]+(?:[" + _APOSTROPHES + r"](?=[^\W\d_]))?")
# an acronym-like token: capitals (possibly dotted: E.S.S.), maybe a lower-case letter or a
# final plural s; checked by _short_form
_TOKEN = re.compile(r"(?<![\w&])(?:[^\W\d_]\.){2,}(?![\w&])|(?<![\w&.])[^\W\d_][\w&]*")
_SPACES = re.compile(f"[{_WS}\n\r]+")
_QUOTES_OPEN = "«“\"‘"
_QUOTES_CLOSE = "»”\"’"

# -- short forms ----------------------------------------------------------------------


def _fold(word: str) -> str:
    """Lower case, accents removed, ligatures spelled out: *Œuvres* → *oeuvres*."""
    w = word.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    return strip_accents(unicodedata.normalize("NFC", w)).lower()


def _short_form(token: str, *, titlecase: bool = False) -> str | None:
    """The acronym written by ``token`` (*PTCE*, *E.S.S.* → *ESS*, *SCOPs* → *SCOP*), or
    ``None``. With ``titlecase``, words such as *Ehpad* or *Urssaf* are accepted too."""
    if "." in token:
        token = token.replace(".", "")
    if len(token) > 1 and token[-1] == "s" and token[:-1].isupper():
        token = token[:-1]
    letters = [c for c in token if c.isalpha()]
    if not 2 <= len(letters) <= 10 or not token[0].isupper():
        return None
    upper = sum(1 for c in letters if c.isupper())
    if token.isupper():
        if small_roman_numeral(token):
            return None  # II, XIV: numbers, not acronyms
        return token
    if upper >= 2 and upper > len(letters) - upper:  # AdCF
        return token
    if titlecase and upper == 1 and 3 <= len(letters) <= 8 and token.isalpha():
        return token  # Ehpad, Urssaf: written as a word, as French typography allows
    return None


def _letters(short: str) -> str:
    return "".join(c for c in _fold(short) if c.isalpha())


# -- words of a long form -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    start: int
    end: int
    fold: str
    function: bool
    joined: bool  # a later part of a hyphenated word
    free: bool = False  # a part of a hyphenated word: may give nothing, at no cost


def _words(text: str, start: int, end: int, *, keep: str = "last") -> list[_Word]:
    """The words of ``text[start:end]`` that can belong to a long form: something that
    cannot (a digit, a bracket, ``°``…) cuts the run, and the words on the side of the
    acronym are kept (``keep="last"`` before it, ``"first"`` after it)."""
    out: list[_Word] = []
    pos = start
    for m in _WORD.finditer(text, start, end):
        gap = text[pos : m.start()]
        # a comma goes on only before a complement: *direction régionale des entreprises,
        # de la concurrence, …*
        comma = out and gap.strip(_WS + "\n") == "," and m.group().rstrip(
            _APOSTROPHES).lower() in _COMPLEMENT_WORDS
        if (gap.strip(_WS + "\n-") and not comma) or gap.count("\n") > 1:
            if keep == "first":
                return _mark_compounds(out)
            out = []
        w = m.group()
        bare = w.rstrip(_APOSTROPHES)
        fold = _fold(bare)
        joined = bool(out) and gap == "-"
        out.append(_Word(w, m.start(), m.end(), fold, bare.lower() in FUNCTION_WORDS
                         or (fold in FUNCTION_WORDS and len(fold) > 1), joined))
        pos = m.end()
    if keep == "last" and text[pos:end].strip(_WS + "\n"):
        return []
    return _mark_compounds(out)


def _mark_compounds(words: list[_Word]) -> list[_Word]:
    """The parts of a hyphenated word (*iso*-*ressources*) may give nothing, at no cost."""
    return [_Word(w.text, w.start, w.end, w.fold, w.function, w.joined,
                  w.joined or (i + 1 < len(words) and words[i + 1].joined))
            for i, w in enumerate(words)]


# -- alignment ------------------------------------------------------------------------

_SKIP_COST = 2


def _budget(n: int) -> tuple[int, int]:
    """(words that may give nothing, letters that may come from inside a word) for an
    acronym of ``n`` letters."""
    skips = 0 if n <= 3 else 1 if n <= 6 else 2
    inside = 0 if n <= 2 else 1 if n == 3 else n // 2
    return skips, inside


def _align(
    letters: str, words: Sequence[_Word], *, inner: bool = True
) -> tuple[int, int] | None:
    """The cheapest alignment of ``letters`` over all of ``words`` within the budget of
    :func:`_budget`: ``(cost, letters given by function words)``, or ``None``. The first
    and the last word must give a letter; with ``inner=False`` the letters a word gives
    after its initial must be the ones that follow it (the *ass* of
    *associations* for Assédic)."""
    n, m = len(letters), len(words)
    if m < 2 or n == 0:
        return None
    if words[0].function or (words[-1].function and len(words[-1].fold) > 1):
        return None
    max_skips, max_inside = _budget(n)
    return _Alignment(letters, words, not inner).best(0, 0, max_skips, max_inside)


@dataclass
class _Alignment:
    """The search of :func:`_align`: ``letters`` over ``words``, memoized by position
    and budget left."""

    letters: str
    words: Sequence[_Word]
    #: the letters a word gives after its initial must follow it
    prefix_only: bool
    memo: dict[tuple[int, int, int, int], tuple[int, int] | None] = field(
        default_factory=dict)

    def best(self, k: int, t: int, skips: int, inside: int) -> tuple[int, int] | None:
        """(cost, function-word letters) to align letters[k:] over words[t:] with
        ``skips`` skipped words and ``inside`` inner letters left."""
        n, m = len(self.letters), len(self.words)
        if t == m:
            return (0, 0) if k == n else None
        if n - k > 3 * (m - t):
            return None
        key = (k, t, skips, inside)
        if key in self.memo:
            return self.memo[key]
        w = self.words[t]
        found: tuple[int, int] | None = None
        # give nothing (never the first or the last word); a skip is called here, not
        # in a helper, so that a long run of skipped words takes one frame a word
        if 0 < t < m - 1:
            if w.function or w.free:
                found = self.best(k, t + 1, skips, inside)
            elif skips > 0:
                rest = self.best(k, t + 1, skips - 1, inside)
                if rest is not None:
                    found = (rest[0] + _SKIP_COST, rest[1])
        if k < n and w.fold and w.fold[0] == self.letters[k]:
            given = self._give(k, t, skips, inside)
            if given is not None and (found is None or given < found):
                found = given
        self.memo[key] = found
        return found

    def _give(self, k: int, t: int, skips: int, inside: int) -> tuple[int, int] | None:
        """The best alignment where word ``t``, whose initial is ``letters[k]``, gives its
        initial, then up to two later letters, or its first four letters (never its final
        s, a plural mark: the s of *sockets* is not the second S of SSL)."""
        letters, n, w = self.letters, len(self.letters), self.words[t]
        found: tuple[int, int] | None = None
        pos = 1
        inner = w.fold[:-1] if w.fold[-1:] == "s" else w.fold
        for extra in range(min(4, n - k, inside + 1)):
            if extra == 3:  # a fourth letter only as a prefix: MOUVement, MOUVES
                if inner[:4] != letters[k : k + 4]:
                    break
            elif extra > 0:
                j = inner.find(letters[k + extra], pos)
                if j < 0 or (self.prefix_only and j != pos):
                    break
                pos = j + 1
            rest = self.best(k + 1 + extra, t + 1, skips, inside - extra)
            if rest is not None:
                cand = (rest[0] + extra, rest[1] + (1 if w.function else 0))
                if found is None or cand < found:
                    found = cand
        return found


# -- pairs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pair:
    """An acronym and the long form the text writes for it.

    ``start``/``end`` delimit the long form in the text, ``acronym_start`` the acronym;
    ``pattern`` is ``"long (ACR)"``, ``"ACR (long)"`` or ``"ACR: long"`` (a gloss after
    the acronym: a colon, a dash, *pour*, *c'est-à-dire*…).
    """

    acronym: str
    long_form: str
    start: int
    end: int
    acronym_start: int
    pattern: str
    cost: int


_PAREN_SHORT = re.compile(
    r"\((?P<pre>[" + _WS + r"]*(?:(?:ci-après|ci-dessous)(?:[" + _WS + r"]+(?:dénommée?s?|"
    r"désignée?s?|appelée?s?|nommée?s?))?|dite?s?|ou|soit|en abrégé|sigle|abrégée?s? en)?"
    r"[" + _WS + r"]*[«“\"]?[" + _WS + r"]*)(?P<short>[^\W\d_][\w&.]*?)[" + _WS
    + r"]*[»”\"]?[" + _WS + r"]*(?:\)|[,;](?=[^)\n]{0,80}\)))"
)
#: *pôles territoriaux de coopération économique — PTCE — sont…*
_DASH_SHORT = re.compile(
    r"[–—][" + _WS + r"]*(?P<short>(?:[A-Z]\.){2,}|[A-ZÀ-Þ][A-ZÀ-Þ&]*[A-ZÀ-Þ])[" + _WS
    + r"]*[–—]")
_SHORT_THEN = re.compile(
    r"(?<![\w&.-])(?P<short>(?:[A-Z]\.){2,}|[A-ZÀ-Þ][A-ZÀ-Þ&]*[A-ZÀ-Þ]s?)"
    r"(?P<sep>[" + _WS + r"]*\([" + _WS + r"]*|[" + _WS + r"]*[:–—][" + _WS + r"]*"
    r"|[" + _WS + r"]*,[" + _WS + r"]*(?=(?:" + "|".join(re.escape(m) for m in _GLOSS_MARKERS)
    + r")[" + _WS + r"]))"
)
_MARKER = re.compile(
    r"(?:" + "|".join(re.escape(m) for m in _GLOSS_MARKERS) + r")[" + _WS + r",:]+",
    re.IGNORECASE,
)
_STOP_BEFORE = re.compile(r"[.;:!?()\[\]{}«»“”\"=/|<>…\d\u2029]")
_STOP_AFTER = re.compile(r"[.;:!?()\[\]{}«»“”\"=/|<>…\d\u2029]|\n[" + _WS + r"]*\n")


def find_pairs(text: str) -> list[Pair]:
    """Every acronym / long form pair written in ``text``, in text order.

    >>> for p in find_pairs("Les pôles territoriaux de coopération économique (PTCE) et "
    ...                     "l’ESS (économie sociale et solidaire)."):
    ...     print(p.acronym, "=", p.long_form)
    PTCE = pôles territoriaux de coopération économique
    ESS = économie sociale et solidaire
    """
    pairs: list[Pair] = []
    for m in _PAREN_SHORT.finditer(text):
        short = _short_form(m.group("short"), titlecase=not m.group("pre").strip())
        if short is None:
            continue
        if text[m.end() - 1] in ",;":
            after = _TOKEN.match(text, m.end() + _skip_ws(text, m.end()))
            if after is not None and after.group().isupper():
                continue  # a list of acronyms: (SCOP, SCIC, CAE)
        pair = _long_before(text, m.start(), short, m.start("short"))
        if pair is not None:
            pairs.append(pair)
    for m in _DASH_SHORT.finditer(text):
        short = _short_form(m.group("short"))
        if short is not None:
            pair = _long_before(text, m.start(), short, m.start("short"))
            if pair is not None:
                pairs.append(pair)
    for m in _SHORT_THEN.finditer(text):
        short = _short_form(m.group("short"))
        if short is None:
            continue
        pair = _long_after(text, m.end(), short, m.start("short"), "(" in m.group("sep"))
        if pair is not None:
            pairs.append(pair)
    pairs.sort(key=lambda p: (min(p.start, p.acronym_start), p.acronym_start))
    return pairs


def _skip_ws(text: str, pos: int) -> int:
    """How many white-space characters start at ``pos``."""
    n = pos
    while n < len(text) and text[n] in _WS + "\n":
        n += 1
    return n - pos


def _long_before(text: str, paren: int, short: str, short_start: int) -> Pair | None:
    """*pôles territoriaux de coopération économique (PTCE)*: the long form ends before
    the parenthesis."""
    letters = _letters(short)
    end = paren
    while end > 0 and text[end - 1] in _WS + "\n":
        end -= 1
    if end > 0 and text[end - 1] in _QUOTES_CLOSE and text[end - 1] not in "'’":
        end -= 1  # « économie sociale et solidaire » (ESS)
        while end > 0 and text[end - 1] in _WS:
            end -= 1
    limit = max(0, end - 40 * (2 * len(letters) + 5))
    start = limit
    for stop in _STOP_BEFORE.finditer(text, limit, end):
        start = stop.end()
    brk = text.rfind("\n\n", start, end)
    if brk >= 0:
        start = brk + 2
    words = _words(text, start, end)
    if not words:
        return None
    words = words[-(2 * len(letters) + 5):]
    best: tuple[int, int, int, int] | None = None  # (cost, function letters, -i, i)
    for i, w in enumerate(words):
        if w.function or not w.fold or w.fold[0] != letters[0] or w.joined:
            continue
        # an acronym written as a word (Ehpad, Assédic) takes only the first letters of words
        found = _align(letters, words[i:], inner=short.isupper() or not short.istitle())
        if found is not None and (best is None or (*found, -i) < best[:3]):
            best = (*found, -i, i)
    if best is None:
        return None
    first = words[best[3]]
    return Pair(short, _clean(text[first.start : words[-1].end]), first.start,
                words[-1].end, short_start, "long (ACR)", best[0])


def _long_after(
    text: str, pos: int, short: str, short_start: int, in_parens: bool
) -> Pair | None:
    """*PTCE (pôles…)*, *PTCE : pôles…*, *PTCE, pour pôles…*: the long form follows."""
    letters = _letters(short)
    marker = _MARKER.match(text, pos)
    if marker is not None:
        pos = marker.end()
    elif text[pos - 1 : pos].strip(_WS) == ",":
        return None
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    if pos < len(text) and text[pos] in _QUOTES_OPEN:
        return None  # a quotation, not a long form
    window = pos + 40 * (2 * len(letters) + 5)
    stop = _STOP_AFTER.search(text, pos, window)
    end = stop.start() if stop is not None else min(window, len(text))
    if in_parens and (stop is None or text[stop.start()] != ")"):
        return None
    words = _words(text, pos, end, keep="first")
    if not words or (in_parens and text[words[-1].end : end].strip(_WS + "\n")):
        return None
    lead = 0
    if marker is not None or in_parens:
        while lead < len(words) - 1 and words[lead].text.rstrip(_APOSTROPHES).lower() \
                in _LEADING_DETERMINERS:
            lead += 1
    words = words[lead:]
    if not words or words[0].fold[:1] != letters[0] or words[0].function:
        return None
    if in_parens:
        found = _align(letters, words)
        if found is None or len(words) > 2 * len(letters) + 5:
            return None
        last, cost = len(words) - 1, found[0]
    else:
        best: tuple[int, int, int] | None = None  # (cost, function letters, last word)
        for j in range(1, min(len(words), 2 * len(letters) + 5)):
            found = _align(letters, words[: j + 1])
            if found is not None and (best is None or found < best[:2]):
                best = (*found, j)
        if best is None:
            return None
        cost, _, last = best
    first, final = words[0], words[last]
    return Pair(short, _clean(text[first.start : final.end]), first.start, final.end,
                short_start, "ACR (long)" if in_parens else "ACR: long", cost)


def _clean(long_form: str) -> str:
    """White space collapsed to single spaces (line breaks, no-break spaces)."""
    return _SPACES.sub(" ", long_form).strip()


# -- singular, lower case -------------------------------------------------------------


def _singular_word(word: str) -> str:
    low = word.lower()
    if low in _SINGULAR_S or len(low) <= 2 or low[-1:] not in ("s", "x"):
        return word
    if low.endswith("eaux"):
        cand = low[:-1]
    elif low.endswith("aux"):
        cand = low[:-1] if low in _AU_X else low[:-3] + (
            "ail" if low[:-3] + "ail" in ("bail corail émail soupirail travail vantail "
                                          "vitrail").split() else "al")
    elif low.endswith("eux"):
        cand = low[:-1] if low in _EU_X else low
    elif low.endswith("oux"):
        cand = low[:-1] if low[:-1] in "bijou caillou chou genou hibou joujou pou".split() \
            else low
    elif low.endswith("x") or low.endswith("ss"):
        cand = low
    else:
        cand = low[:-1]
    if word[:1].isupper():
        cand = cand[:1].upper() + cand[1:]
    return cand


def singularize(long_form: str) -> str | None:
    """The singular of a plural long form (head noun and its adjectives), or ``None`` when
    no singular can be made whose plural is the form given.

    >>> singularize("pôles territoriaux de coopération économique")
    'pôle territorial de coopération économique'
    >>> singularize("sociétés coopératives et participatives")
    'société coopérative et participative'
    """
    head, complement = head_and_complement(long_form)
    parts = re.split(r"([\s\-]+)", head)
    changed = False
    for i in range(0, len(parts), 2):
        w = parts[i]
        if not w or not w.isalpha() or w.lower() in ("et", "ou") or (w.isupper() and len(w) > 1):
            continue
        s = _singular_word(w)
        if s != w:
            parts[i], changed = s, True
    if not changed:
        return None
    singular = "".join(parts) + complement
    plural = pluralize_term(singular)
    if plural is None or _fold(plural) != _fold(long_form):
        return None
    return singular


def _is_plural(text: str, start: int, long_form: str) -> bool:
    """Whether the text gives ``long_form`` (which starts at ``start``) in the plural: a
    plural determiner right before it, or a head of two words that both end in -s/-x."""
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 30) : start])
    if before and before[-1].lower() in _PLURAL_DETERMINERS:
        return True
    head, _ = head_and_complement(long_form)
    head_words = [w for w in re.split(r"[\s\-]+", head) if w and w.lower() not in ("et", "ou")]
    return (len(head_words) >= 2
            and all(w[-1:].lower() in ("s", "x") and w.lower() not in _SINGULAR_S
                    for w in head_words))


def _lemma(text: str, pair: Pair) -> tuple[str, bool]:
    """The form to suggest for ``pair``'s long form, and whether it was made singular."""
    form = pair.long_form
    singular = False
    if _is_plural(text, pair.start, form):
        s = singularize(form)
        if s is not None:
            form, singular = s, True
    words = form.split()
    if singular and not form.isupper():
        # a plural is a common noun, not a name: *Sociétés coopératives…* → *société…*
        content = [w for w in words if w.lower() not in FUNCTION_WORDS]
        title_case = len(content) >= 2 and all(w[:1].isupper() for w in content)
        if not title_case and form[:1].isupper() and not form[1:2].isupper():
            form = form[:1].lower() + form[1:]
    return form, singular


def _key(form: str) -> str:
    """What two long forms share when they are the same but for case, accents,
    apostrophes, hyphens and plural marks."""
    words = re.findall(r"[a-z0-9]+", _fold(form))
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words)


# -- undefined acronyms ---------------------------------------------------------------

_CAPS = re.compile(r"(?<![\w&@$-])[A-ZÀ-ÖØ-Þ]{2,8}(?![\w&@=])(?!-\w)(?![" + _APOSTROPHES + r"]\w)")


#: An elided word before an apostrophe: *l’*ESS, *d'*ESS, *jusqu’*aux, *L'*ESS.
_ELIDED = re.compile(r"(?<![^\W\d_])(?i:" + "|".join(sorted(ELIDING_WORDS, key=len, reverse=True))
                     + r")[" + _APOSTROPHES + r"]\Z")


def _shouty(line: str, word: str) -> bool:
    """Whether ``line`` is written in capitals (a heading, a title), judged by its words
    other than ``word`` (one occurrence of it): a short sentence naming acronyms (*Les
    PTCE et l’ESS.*) is not a heading for its acronyms alone."""
    words = re.findall(r"[^\W\d_]{2,}", line)
    if word in words:
        words.remove(word)
    if not words:
        return True
    caps = sum(1 for w in words if w.isupper())
    return caps * 2 >= len(words)


# -- suggestions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """Where a suggestion was seen: the source (``None`` for a bare string), the 1-based
    line, and the text around it on one line (``…`` where it was cut)."""

    source: str | None
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class LongForm:
    """A long form given for an acronym: as suggested (singular, lower case), as written
    most often, and how many times the text gives it."""

    form: str
    written: str
    count: int
    singularized: bool = False


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate glossary entry.

    ``long_forms`` is empty for an undefined acronym; otherwise the first is the one to
    use (given most often) and the others are the alternatives the text also gives.
    ``count`` counts the acronym's occurrences, ``documents`` the documents it occurs in.
    """

    term: str
    count: int
    documents: int
    long_forms: tuple[LongForm, ...] = ()
    contexts: tuple[Context, ...] = field(default=())

    @property
    def kind(self) -> str:
        """``"pair"`` when the text gives a long form, ``"undefined"`` otherwise."""
        return "pair" if self.long_forms else "undefined"

    @property
    def long_form(self) -> str | None:
        """The long form to use, or ``None``."""
        return self.long_forms[0].form if self.long_forms else None

    @property
    def title(self) -> str | None:
        """The long form as an entry's title: first letter in capitals."""
        lf = self.long_form
        return None if lf is None else lf[:1].upper() + lf[1:]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        data: dict[str, Any] = {"term": self.term, "kind": self.kind}
        if self.long_forms:
            data["title"] = self.title
            data["long_form"] = self.long_form
        data["count"] = self.count
        data["documents"] = self.documents
        if self.long_forms:
            data["long_forms"] = [
                {"form": lf.form, "written": lf.written, "count": lf.count,
                 "singularized": lf.singularized} for lf in self.long_forms]
        data["contexts"] = [{"source": c.source, "line": c.line, "text": c.text}
                            for c in self.contexts]
        return data


_BLOCK_END = re.compile(r"(?:\n[^\S\n]*\n|\u2029)\s*\Z")
_BLOCK_START = re.compile(r"\s*(?:\n[^\S\n]*\n|\u2029)")


class _Doc:
    __slots__ = ("line_of", "name", "text")

    def __init__(self, name: str | None, text: str) -> None:
        self.name = name
        self.text = text
        self.line_of: list[int] | None = None

    def line(self, offset: int) -> int:
        if self.line_of is None:
            self.line_of = [m.end() for m in re.finditer("\n", self.text)]
        return bisect_right(self.line_of, offset) + 1

    def context(self, start: int, end: int, width: int = 60) -> Context:
        t = self.text
        a = max(0, start - width)
        b = min(len(t), end + width)
        # never across a paragraph or a block of an HTML page
        cut = max(t.rfind("\n\n", a, start), t.rfind("\u2029", a, start))
        if cut >= 0:
            a = cut + 1
        cuts = [c for c in (t.find("\n\n", end, b), t.find("\u2029", end, b)) if c >= 0]
        if cuts:
            b = min(cuts)
        while a > 0 and not t[a - 1].isspace() and a > start - width - 15:
            a -= 1
        while b < len(t) and not t[b].isspace() and b < end + width + 15:
            b += 1
        before, after = t[max(0, a - 200) : a], t[b : b + 200]
        cut_a = bool(before.strip()) and not _BLOCK_END.search(before)
        cut_b = bool(after.strip()) and not _BLOCK_START.match(after)
        snippet = " ".join(t[a:b].split())
        return Context(self.name, self.line(start),
                       ("…" if cut_a else "") + snippet + ("…" if cut_b else ""))


def _glossary_forms(glossary: Glossary | None) -> set[str]:
    if glossary is None:
        return set()
    return {form for entry in glossary for form in entry.forms}


def suggest(
    texts: Mapping[str, str] | Iterable[str],
    glossary: Glossary | None = None,
    *,
    min_count: int = 2,
    max_contexts: int = 3,
) -> list[Suggestion]:
    """Candidate entries found in ``texts`` (a mapping of names to texts, or bare texts).

    Pairs (an acronym with its long form written in the text) come first, then undefined
    acronyms used at least ``min_count`` times; each group is sorted by frequency, then
    alphabetically. Acronyms that ``glossary`` already defines (as a term or an alias) are
    left out. Each suggestion keeps up to ``max_contexts`` contexts, from as many
    documents as possible.
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    items = texts.items() if isinstance(texts, Mapping) else ((None, t) for t in texts)
    docs = [_Doc(name, text) for name, text in items]
    known = _glossary_forms(glossary)
    forms, where_defined = _written_pairs(docs, known)
    caps = _capitals(docs)
    titled = _word_counts(docs, {w for w in caps if w not in forms})
    pairs = sorted(
        (_pair_suggestion(acronym, groups, docs, caps, where_defined[acronym], max_contexts)
         for acronym, groups in forms.items()),
        key=lambda s: (-s.count, s.term))
    undefined: list[Suggestion] = []
    for word, places in caps.items():
        if (word in forms or word in known or len(places) < min_count
                or word in _HEADING_WORDS or titled[word] >= len(places)
                or small_roman_numeral(word)):
            continue
        places = [p for p in places if not _numbering(p[0].text, p[1], word)]
        if len(places) < min_count:
            continue
        undefined.append(_suggestion(word, places, (), [], max_contexts))
    undefined.sort(key=lambda s: (-s.count, s.term))
    return pairs + undefined


#: Per acronym, its long forms grouped by key: each as suggested, as written, and
#: whether it was made singular.
_Written = dict[str, dict[str, list[tuple[str, str, bool]]]]
#: Where something occurs: the document, start and end.
_Place = tuple[_Doc, int, int]


def _written_pairs(docs: Sequence[_Doc], known: set[str]
                   ) -> tuple[_Written, dict[str, list[_Place]]]:
    """The pairs the documents write for acronyms not in ``known``: the long forms of
    each acronym, and where each pair is."""
    forms: _Written = defaultdict(lambda: defaultdict(list))
    where_defined: dict[str, list[_Place]] = defaultdict(list)
    for doc in docs:
        for pair in find_pairs(doc.text):
            if pair.acronym in known:
                continue
            form, singular = _lemma(doc.text, pair)
            forms[pair.acronym][_key(form)].append((form, pair.long_form, singular))
            where_defined[pair.acronym].append(
                (doc, min(pair.start, pair.acronym_start), max(pair.end, pair.acronym_start)))
    return forms, where_defined


def _capitals(docs: Sequence[_Doc]) -> dict[str, list[_Place]]:
    """Every all-capital token and where it is, but not inside a word after an
    apostrophe (*PRUD'HOMMES*) or on a line written in capitals."""
    caps: dict[str, list[_Place]] = defaultdict(list)
    for doc in docs:
        text = doc.text
        for m in _CAPS.finditer(text):
            word = m.group()
            if m.start() and text[m.start() - 1] in _APOSTROPHES and not _ELIDED.search(
                    text, max(0, m.start() - 10), m.start()):
                continue  # PRUD'HOMMES, AUJOURD'HUI
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.end())
            if _shouty(text[ls : le if le >= 0 else len(text)], word):
                continue
            caps[word].append((doc, m.start(), m.end()))
    return caps


def _pair_suggestion(
    acronym: str, groups: dict[str, list[tuple[str, str, bool]]], docs: Sequence[_Doc],
    caps: dict[str, list[_Place]], defined: list[_Place], max_contexts: int,
) -> Suggestion:
    """The suggestion for ``acronym`` and its long forms (``groups``, by key), most
    often given first; its places are where it is written as such (``caps``), else where
    it is written at all, else where it is defined."""
    ranked = sorted(groups.values(), key=lambda g: (-len(g), _key(g[0][0])))
    long_forms = []
    for g in ranked:
        tally = Counter(f for f, _, _ in g)
        form = min(tally, key=lambda f: (-tally[f], not any(s for f2, _, s in g
                                                             if f2 == f), len(f), f))
        written = Counter(w for _, w, _ in g).most_common(1)[0][0]
        long_forms.append(LongForm(form, written, len(g), any(s for f2, _, s in g
                                                             if f2 == form)))
    places = caps.get(acronym) or [(d, a, b) for d, a, b in defined]
    if acronym not in caps:  # Ehpad, E.S.S., AdCF: count them as written
        places = _occurrences(docs, acronym) or places
    return _suggestion(acronym, places, tuple(long_forms), defined, max_contexts)


def _numbering(text: str, start: int, word: str) -> bool:
    """Whether ``word`` at ``start`` is a Roman numeral: after *livre, titre, chapitre…*
    (*livre CD*), or heading a line and followed by ``.``, ``-``, ``°`` or ``)``
    (*CXI. Dispositions…*)."""
    if not roman_numeral(word):
        return False
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 20) : start])
    if before and before[-1].lower() in NUMBERING_WORDS:
        return True
    line_start = text.rfind("\n", 0, start) + 1
    after = text[start + len(word) : start + len(word) + 1]
    return not text[line_start:start].strip() and after in (".", "-", "°", ")")


def _word_counts(docs: Sequence[_Doc], words: set[str]) -> Counter[str]:
    """How often each all-capital word of ``words`` is written otherwise (*Albert*,
    *albert*): a word set in capitals, not an acronym, when that is as frequent."""
    if not words:
        return Counter()
    want = {_fold(w): w for w in words}
    counts: Counter[str] = Counter()
    for doc in docs:
        for m in re.finditer(r"(?<![\w&])[^\W\d_]{2,8}(?!\w)", doc.text):
            w = m.group()
            if not w.isupper():
                caps = want.get(_fold(w))
                if caps is not None:
                    counts[caps] += 1
    return counts


def _occurrences(docs: Sequence[_Doc], word: str) -> list[tuple[_Doc, int, int]]:
    pattern = re.compile(r"(?<![\w&.])" + re.escape(word) + r"(?![\w&])")
    return [(doc, m.start(), m.end()) for doc in docs for m in pattern.finditer(doc.text)]


def _suggestion(
    term: str,
    places: Sequence[tuple[_Doc, int, int]],
    long_forms: tuple[LongForm, ...],
    defined: Sequence[tuple[_Doc, int, int]],
    max_contexts: int,
) -> Suggestion:
    """Count ``places`` and pick contexts: where the text defines it first, then one per
    document, then any."""
    chosen: list[tuple[_Doc, int, int]] = []
    seen_docs: set[int] = set()
    seen_text: set[str] = set()
    contexts: list[Context] = []
    for pool, one_per_doc in ((defined, True), (places, True), (places, False)):
        for doc, a, b in pool:
            if len(contexts) >= max_contexts:
                break
            if one_per_doc and id(doc) in seen_docs:
                continue
            if any(d is doc and a < b2 + 120 and a2 < b + 120 for d, a2, b2 in chosen):
                continue  # the same passage again
            c = doc.context(a, b)
            if c.text in seen_text:
                continue
            seen_text.add(c.text)
            seen_docs.add(id(doc))
            chosen.append((doc, a, b))
            contexts.append(c)
    return Suggestion(term, len(places), len({id(d) for d, _, _ in places}), long_forms,
                      tuple(contexts))


# -- output ---------------------------------------------------------------------------


def _q(value: str) -> str:
    """A YAML double-quoted scalar that reads back as ``value`` (a JSON string, with
    what JSON leaves as it is and YAML would refuse or fold escaped too: :data:`_NOT_YAML`)."""
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}",
                         json.dumps(value, ensure_ascii=False))


#: What JSON writes as it is and YAML does not read back as it was: DEL and C1 (refused),
#: NEL and the line and paragraph separators (line breaks there, folded to a space).
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029]")


def _comment(text: str) -> str:
    """``text`` on one line, for a ``#`` comment: every control character (an escape
    sequence from a terminal capture, which YAML refuses) as its visible escape."""
    from .text.inert import terminal_safe

    return terminal_safe(" ".join(text.split()), newlines=False)


def render_yaml(suggestions: Sequence[Suggestion], *, documents: int | None = None) -> str:
    """A draft glossary in YAML that ``glossator check`` accepts (one without
    suggestions has ``entries: []``, which glossator refuses as a glossary without
    entries).

    Each entry's definition is :data:`PLACEHOLDER`, under a ``# TODO`` comment; counts,
    other long forms and contexts are comments, so they never reach a page.
    """
    out = [
        "# Draft glossary written by `glossator suggest`: every definition is a placeholder.",
        f"# Write each definition, then delete its '# TODO' line; '{PLACEHOLDER}' marks the",
        "# entries still to do (grep for it). Check the file with `glossator check`.",
    ]
    if documents is not None:
        out.append(f"# Read {documents} document{'s' if documents != 1 else ''}.")
    out += ["language: fr", "entries:"]
    if not suggestions:
        out[-1] = "entries: []"
    kind = None
    for s in suggestions:
        if s.kind != kind:
            kind = s.kind
            out.append("")
            out.append("  # --- acronyms whose long form the text gives ---" if kind == "pair"
                       else "  # --- frequent acronyms the text never spells out ---")
        out.append("")
        where = f"{s.count} occurrence{'s' if s.count != 1 else ''} in {s.documents} " \
                f"document{'s' if s.documents != 1 else ''}"
        if s.long_forms:
            main = s.long_forms[0]
            note = f"; written out {main.count}×: {_comment(main.written)}"
            if main.singularized:
                note += " (made singular)"
            out.append(f"  # {s.term}: {where}{note}")
            for other in s.long_forms[1:]:
                out.append(f"  #   also written out {other.count}×: {_comment(other.written)}")
        else:
            out.append(f"  # {s.term}: {where}; long form not found in the text")
        for c in s.contexts:
            src = f"{c.source}:{c.line}" if c.source else f"line {c.line}"
            out.append(f"  #   {src}: {_comment(c.text)}")
        out.append(f"  - term: {_q(s.term)}")
        if s.title:
            out.append(f"    title: {_q(s.title)}")
        out.append("    # TODO: write the definition")
        out.append(f"    definition: {_q(PLACEHOLDER)}")
    return "\n".join(out) + "\n"


def render_json(suggestions: Sequence[Suggestion], *, documents: int | None = None) -> str:
    """The suggestions as a JSON document: ``{"version": 1, "documents": n,
    "suggestions": [...]}``."""
    data: dict[str, Any] = {"version": 1}
    if documents is not None:
        data["documents"] = documents
    data["suggestions"] = [s.to_dict() for s in suggestions]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
