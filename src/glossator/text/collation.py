"""French alphabetical order for glossary terms, offline and without ICU.

:func:`sort_key` follows the multi-level model of the Unicode Collation Algorithm (UTS #10)
with CLDR's ``fr`` settings, written out for the Latin script that French glossaries use:

1. **Primary: the letters.** Accents and case are ignored (*É* sorts with *E*), the
   ligatures are spelt out (*œ* as *oe*, *æ* as *ae*, *ß* as *ss*), *ç* is a *c*, and a
   few letters with a stroke go with their base letter (*ø* with *o*, *ł* with *l*).
   Apostrophes, hyphens, spaces and other punctuation are ignored, so *tiers-lieu*,
   *tiers lieu* and *tiers‑lieu* are equal at this level, and *l’ESS* sorts as *less*.
   Digits come before letters (*1901* before *ACI*), compared digit by digit.
2. **Secondary: the accents**, compared from the start of the word, in the order of the
   Unicode default table: no accent, acute, grave, breve, circumflex, caron, ring,
   diaeresis… (*e é è ê ë*); a spelt-out ligature comes after its two letters (*oeil*,
   then *œil*).
3. **Tertiary: the case**, lower case first (*etat*, *Etat*; *ess*, *ESS*).
4. **Quaternary: the ignored punctuation**, so that *tiers lieu* comes before
   *tiers-lieu* (a space before an apostrophe before a hyphen before anything else).
5. Last, the text itself (code points, after NFC), so that the order is total: two
   different strings never compare equal.

The **backward accents** of traditional French dictionaries (the last accent of the word
decides: *cote, côte, coté, côté*) are not applied by default. CLDR dropped that rule from
its ``fr`` collation (it is kept for ``fr_CA``), so ICU, browsers (``Intl.Collator("fr")``)
and databases sort *cote, coté, côte, côté*; an index that agrees with the rest of a site's
lists is worth more than a rule most readers never notice. ``backwards_accents=True``
gives the traditional (and Canadian) order.

What this does not do: other scripts are sorted after the Latin letters by code point,
numbers are not compared by value (*10* before *9*, as in CLDR by default), and the
contractions of other languages (Spanish *ch*, Dutch *ij*) are not known.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .chars import APOSTROPHES, HYPHENS

__all__ = ["CollationKey", "initial", "primary", "sort_key"]

#: ``(primary, secondary, tertiary, quaternary, identical)``; compare keys with ``<``.
CollationKey = tuple[str, tuple[tuple[int, ...], ...], tuple[int, ...], tuple[int, ...], str]

# Secondary weights of the combining marks, in the order of the Unicode default table
# (DUCET): a letter without mark has the empty tuple, which sorts first.
_MARKS: dict[str, int] = {
    "\u0301": 1,   # acute          é
    "\u0300": 2,   # grave          è
    "\u0306": 3,   # breve
    "\u0302": 4,   # circumflex     ê
    "\u030c": 5,   # caron
    "\u030a": 6,   # ring above
    "\u0308": 7,   # diaeresis      ë
    "\u030b": 8,   # double acute
    "\u0303": 9,   # tilde          ñ
    "\u0307": 10,  # dot above
    "\u0327": 11,  # cedilla        ç
    "\u0328": 12,  # ogonek
    "\u0304": 13,  # macron
}
_OTHER_MARK = 40     # any other combining mark (then ordered by code point)
_STROKE = 60         # ø, đ, ł… after every accent
_LIGATURE = 70       # œ, æ, ß spelt out: after the plain two letters

# Letters that Unicode does not decompose: (primary letters, secondary mark on the first).
_SPECIAL: dict[str, tuple[str, int]] = {
    "œ": ("oe", _LIGATURE),
    "æ": ("ae", _LIGATURE),
    "ß": ("ss", _LIGATURE),
    "ẞ": ("ss", _LIGATURE),
    "ĳ": ("ij", _LIGATURE),
    "ø": ("o", _STROKE),
    "đ": ("d", _STROKE),
    "ð": ("d", _STROKE),
    "ł": ("l", _STROKE),
    "ħ": ("h", _STROKE),
    "ŧ": ("t", _STROKE),
    "ı": ("i", _STROKE),
}

# Quaternary weights of ignored characters: white space, then apostrophes, then hyphens,
# then any other punctuation or symbol by code point; letters and digits weigh the most.
_APOSTROPHES = frozenset(APOSTROPHES + "`´")
_HYPHENS = frozenset(HYPHENS)
_LETTER_WEIGHT = 0x110000 + 100


def _ignored_weight(char: str) -> int:
    if char.isspace():
        return 1
    if char in _APOSTROPHES:
        return 2
    if char in _HYPHENS:
        return 3
    return 10 + ord(char)


def _units(char: str) -> list[tuple[str, tuple[int, ...], int]] | None:
    """The collation units of one NFC character: ``(primary letter, marks, case)``
    for each letter or digit it stands for, or ``None`` when it is ignorable."""
    upper = 1 if char.isupper() or unicodedata.category(char) == "Lt" else 0
    special = _SPECIAL.get(char.lower())
    if special is not None:
        letters, mark = special
        return [(letters[0], (mark,), upper), *((c, (), upper) for c in letters[1:])]
    units: list[tuple[str, tuple[int, ...], int]] = []
    marks: list[int] = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part):
            marks.append(_MARKS.get(part, _OTHER_MARK + ord(part)))
            continue
        if marks and units:
            letter, _, case = units[-1]
            units[-1] = (letter, tuple(marks), case)
        marks = []
        if part.isdigit() and unicodedata.decimal(part, -1) >= 0:
            units.append((str(unicodedata.decimal(part)), (), 0))
        elif part.isalnum():
            sub = _SPECIAL.get(part.lower())
            if sub is not None:
                units.append((sub[0][0], (sub[1],), upper))
                units.extend((c, (), upper) for c in sub[0][1:])
            else:
                units.extend((c, (), upper) for c in part.casefold())
    if marks and units:
        letter, _, case = units[-1]
        units[-1] = (letter, tuple(marks), case)
    return units or None


@lru_cache(maxsize=4096)
def sort_key(text: str, *, backwards_accents: bool = False) -> CollationKey:
    """The French collation key of ``text``: ``sorted(words, key=sort_key)``.

    ``backwards_accents=True`` compares accents from the end of the word (traditional
    French dictionaries, CLDR ``fr_CA``). See the module documentation for the levels.
    """
    text = unicodedata.normalize("NFC", text)
    letters: list[str] = []
    accents: list[tuple[int, ...]] = []
    cases: list[int] = []
    quaternary: list[int] = []
    for char in text:
        units = _units(char)
        if units is None:
            quaternary.append(_ignored_weight(char))
            continue
        for letter, marks, case in units:
            letters.append(letter)
            accents.append(marks)
            cases.append(case)
            quaternary.append(_LETTER_WEIGHT)
    if backwards_accents:
        accents.reverse()
    return ("".join(letters), tuple(accents), tuple(cases), tuple(quaternary), text)


def primary(text: str) -> str:
    """The letters and digits that decide the order of ``text``, folded:
    ``primary("Œuvre") == "oeuvre"``, ``primary("tiers-lieu") == "tierslieu"``."""
    return sort_key(text)[0]


def initial(text: str) -> str:
    """The index heading ``text`` files under: ``"A"``…``"Z"``, ``"0–9"`` for a digit,
    or ``""`` when it starts with another script's letter or has no letter at all."""
    first = primary(text)[:1]
    if "a" <= first <= "z":
        return first.upper()
    if "0" <= first <= "9":
        return "0–9"
    return ""
