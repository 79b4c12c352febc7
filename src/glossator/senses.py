"""Senses: which meaning of a form with several (an ambiguous acronym) an occurrence has.

A form that several entries claim with different definitions has several *senses*
(:meth:`glossator.glossary.Glossary.senses`). For each of its occurrences, in text order,
the first of these steps that can tell decides, and the choice records which:

1. ``spelled-out`` — the document writes a sense's long form (its title, else its
   definition when that is a short expansion) next to the acronym: ``long (ACR)``,
   ``ACR (long)``, ``ACR : long``, ``long (ci-après « ACR »)``. That sense then holds for
   the rest of the document. When the document spells out a long form whose initials fit
   the acronym but that is none of the senses, no sense is right: the occurrence and the
   later ones are left alone (``spelled-out-other``).
2. ``domain`` — the domains of the run or the document keep only the senses whose tags or
   source name one of them; one left decides, several go on to the next step.
3. ``context`` — the content words around the occurrence, lemmatised by rule
   (:func:`glossator.text.french.lemma`; with ``lemmas="spacy"``, spaCy's lemmas of the
   document's words are read too, so *emploie* meets *emploi* and *travaux* *travail*),
   are scored against each sense's title and
   definition, each word weighted by how rare it is in the glossary (IDF). The best sense
   is chosen only when its lead over the next is clear.
4. otherwise no guess, as ``mode`` says: ``all`` (default) shows every sense, numbered;
   ``skip`` leaves the occurrence alone; ``first`` takes the glossary's first sense.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from weakref import WeakKeyDictionary

from ._lazy import lazy_pattern
from ._values import Value
from .anchors import SENSES_SUFFIX
from .glossary import Glossary
from .model import Entry
from .policy import Match
from .text.french import lemma, strip_accents

__all__ = [
    "CONTEXT", "DOMAIN", "FIRST", "MODES", "SPELLED_OUT", "SPELLED_OUT_OTHER",
    "SenseChoice", "SenseChooser", "SenseStream", "long_form", "numbered",
]

SPELLED_OUT = "spelled-out"
SPELLED_OUT_OTHER = "spelled-out-other"
DOMAIN = "domain"
CONTEXT = "context"
FIRST = "first"
#: What ``--senses`` accepts: what to do with an occurrence no step could decide.
MODES = ("all", "skip", "first")

#: Words around the occurrence read by the context step, on each side.
WINDOW = 40
#: Characters of a document the senses step reads at a time, around an occurrence that
#: needs them (each block once per document): its cost follows the occurrences, not the
#: length of the text.
BLOCK = 512
#: Characters on each side of the blocks spaCy reads (``lemmas="spacy"``): its tagger
#: looks four tokens each way, so a word's lemma is the same as in the whole text.
SPACY_MARGIN = 128
#: The most characters given to spaCy at once (it refuses a text over a million).
SPACY_PIECE = 100_000
#: The context step decides when the best score is at least this (or, in a glossary of
#: fewer than 7 entries, where no two words reach it, what two words found in one entry
#: alone weigh: :meth:`SenseChooser.min_score`)…
MIN_SCORE = 4.0
#: …from at least this many words in common…
MIN_WORDS = 2
#: …and at least this many times the next one.
MIN_LEAD = 2.0

_WORD = lazy_pattern(globals(), "_WORD", r"[^\W_]+", re.UNICODE)
#: Words that carry no sense: articles, prepositions, pronouns, auxiliaries.
_STOP = frozenset(strip_accents(w) for w in """
a au aux avec ce ces cet cette d dans de des du elle en est et il ils j l la le les leur
leurs lui m ma mais me mes n ne ni nos notre nous on ou par pas pour qu que qui s sa se ses
si son sont sur t ta te tes un une vos votre vous y ete etre avoir ont a sous entre
dont cela tout tous toute toutes meme plus moins peut doit sans apres avant lors ainsi
article articles alinea code present chapitre section titre livre i ii iii iv v
""".split())
_STOP = _STOP | {lemma(w) for w in _STOP}  # compared with words and with their lemmas
#: Words that may sit between a long form and its acronym: ``(ci-après dénommé « X »)``.
_BETWEEN = frozenset("ci apres denomme denommee denommes dit dite dits designe designee "
                     "appele appelee ou soit sigle le la les l initiale initial abreviation "
                     "par".split())
_BETWEEN = _BETWEEN | {lemma(w) for w in _BETWEEN}
#: Words that say an acronym follows its long form: ``« SAS » (initiales)``.
_NAMING = frozenset(lemma(w) for w in "initiale initial sigle abreviation".split())


class SenseChoice(Value):
    """The sense taken for one occurrence: ``entry`` (``None`` when none was), the
    ``senses`` it was chosen among, the ``step`` that chose (``""`` when none did)."""

    __slots__ = ("senses", "entry", "step")  # noqa: RUF023 - in order
    senses: tuple[Entry, ...]
    entry: Entry | None
    step: str

    def __init__(self, senses: tuple[Entry, ...], entry: Entry | None, step: str) -> None:
        object.__setattr__(self, "senses", senses)
        object.__setattr__(self, "entry", entry)
        object.__setattr__(self, "step", step)

    @property
    def shown(self) -> Entry:
        """The entry the annotation shows: the chosen sense, else every sense numbered."""
        return self.entry if self.entry is not None else numbered(self.senses)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape: the candidate ids, the chosen id (or ``None``), the step."""
        return {"senses": [e.id for e in self.senses],
                "sense": self.entry.id if self.entry is not None else None,
                "sense_step": self.step or None}


def numbered(senses: Sequence[Entry]) -> Entry:
    """One entry that shows every sense, numbered: "1. Comité social et économique
    2. Cadre socio-éducatif"; its id is the first sense's, followed by ``~senses``."""
    first = senses[0]
    parts = []
    for n, sense in enumerate(senses, 1):
        head = f"{sense.title} — " if sense.title else ""
        parts.append(f"{n}. {head}{sense.definition.strip()}")
    return Entry(term=first.term, definition="\n".join(parts), id=first.id + SENSES_SUFFIX,
                 url=None, origin=first.origin)


def long_form(entry: Entry) -> str | None:
    """The long form of an acronym's sense: its title, else its definition when that is
    a short expansion (at most 16 words, a parenthesis and final full stop left out)."""
    if entry.title:
        return entry.title
    text = re.sub(r"\([^)]*\)", " ", entry.definition).strip().rstrip(".").strip()
    return text if text and len(text.split()) <= 16 and "." not in text else None


def _content(words: Iterable[str]) -> set[str]:
    return {w for w in words if len(w) > 2 and w not in _STOP and not w.isdigit()}


class _Words:
    """The words around one occurrence (a view of its document's, :class:`_Document`):
    their lemmas and where each starts. A view holds as many words on each side as the
    steps read (:meth:`SenseChooser._reach`), or all there are. ``spacy``: gives the rule
    keys of spaCy's lemmas of words ``lo..hi`` (each word's own key where spaCy has none),
    asked for only when the context step reads them."""

    __slots__ = ("_spacy", "lemmas", "raw", "starts", "text")

    def __init__(self, text: str, starts: list[int], raw: list[str], lemmas: list[str],
                 spacy: Callable[[int, int], list[str]] | None = None) -> None:
        self.text = text
        self.starts = starts
        self.raw = raw
        self.lemmas = lemmas
        self._spacy = spacy

    def around(self, first: int, last: int) -> list[str]:
        """The lemmas of the :data:`WINDOW` words on each side of words ``first..last``
        (spaCy's too, when read)."""
        lo, hi = max(0, first - WINDOW), last + 1 + WINDOW
        near = self.lemmas[lo:first] + self.lemmas[last + 1:hi]
        if self._spacy is not None:
            more = self._spacy(lo, min(hi, len(self.starts)))
            near += more[:first - lo] + more[last + 1 - lo:]
        return near

    def index(self, offset: int) -> int:
        """The index of the first word at or after ``offset``."""
        return bisect_left(self.starts, offset)


class _Document:
    """The words of one document, read only where an occurrence of a form with several
    senses needs them: block by block (:data:`BLOCK` characters; a word belongs to the
    block where it starts), each block once, each distinct word lemmatised once. With
    ``spacy``, spaCy reads the words each occurrence needs that it has not read yet, with
    :data:`SPACY_MARGIN` characters more on each side, so that a word gets the lemma it
    gets in the whole text. ``block=None``: the whole text is one block (the tests
    compare the two)."""

    __slots__ = ("_blocks", "_keys", "_spacy", "_spacy_his", "_spacy_los", "block",
                 "lemmatised", "spacy", "spacy_read", "text", "tokenised")

    def __init__(self, text: str, spacy: bool = False, block: int | None = BLOCK) -> None:
        self.text = text
        self.spacy = spacy
        self.block = max(1, len(text) + 1 if block is None else block)
        self._blocks: dict[int, tuple[list[int], list[str]]] = {}
        self._keys: dict[str, str] = {}  # word -> its rule key
        self._spacy: dict[int, str] = {}  # word start -> spaCy's lemma
        self._spacy_los: list[int] = []
        self._spacy_his: list[int] = []
        #: What was read, for the tests and the benchmark: words found, distinct words
        #: lemmatised, characters given to spaCy.
        self.tokenised = 0
        self.lemmatised = 0
        self.spacy_read = 0

    def _block(self, k: int) -> tuple[list[int], list[str]]:
        """The starts and the words of block ``k``."""
        got = self._blocks.get(k)
        if got is None:
            text, lo = self.text, k * self.block
            hi, pos = lo + self.block, lo
            if 0 < lo < len(text):  # the end of a word that starts in the block before
                cut = _WORD.match(text, lo - 1)
                if cut is not None:
                    pos = cut.end()
            starts: list[int] = []
            raw: list[str] = []
            for m in _WORD.finditer(text, pos, hi):  # no further than the block: a
                starts.append(m.start())  # stretch without words costs its length once
                raw.append(m.group())
            if raw and starts[-1] + len(raw[-1]) == hi:  # the last word may go on
                rest = _WORD.match(text, hi)
                if rest is not None:
                    raw[-1] += rest.group()
            got = self._blocks[k] = (starts, raw)
            self.tokenised += len(raw)
        return got

    def key(self, word: str) -> str:
        """The rule key of ``word`` (:func:`glossator.text.french.lemma`), once per word."""
        got = self._keys.get(word)
        if got is None:
            got = self._keys[word] = lemma(word)
            self.lemmatised += 1
        return got

    def around(self, start: int, end: int, before: int, after: int) -> _Words:
        """The words of the occurrence at ``start..end``, with ``before`` words before it
        and ``after`` after it (fewer at an end of the text)."""
        size = self.block
        lo = start // size
        count = bisect_left(self._block(lo)[0], start)
        while count < before and lo > 0:
            lo -= 1
            count += len(self._block(lo)[0])
        hi = max(lo, (end - 1) // size)
        starts = self._block(hi)[0]
        count = len(starts) - bisect_left(starts, end)
        while count < after and (hi + 1) * size < len(self.text):
            hi += 1
            count += len(self._block(hi)[0])
        if lo == hi:
            starts, raw = self._block(lo)
        else:
            starts, raw = [], []
            for k in range(lo, hi + 1):
                more_starts, more_raw = self._block(k)
                starts += more_starts
                raw += more_raw
        first = max(0, bisect_left(starts, start) - before)
        last = bisect_left(starts, end) + after
        starts, raw = starts[first:last], raw[first:last]
        key = self.key
        lemmas = [key(w) for w in raw]
        if not self.spacy:
            return _Words(self.text, starts, raw, lemmas)

        def spacy(lo: int, hi: int) -> list[str]:
            if lo >= hi:
                return []
            by_start = self._spacy_lemmas(starts[lo], starts[hi - 1] + 1)
            return [key(by_start.get(s, w)) for s, w in zip(starts[lo:hi], raw[lo:hi],
                                                            strict=True)]

        return _Words(self.text, starts, raw, lemmas, spacy)

    def _spacy_lemmas(self, lo: int, hi: int) -> dict[int, str]:
        """spaCy's lemmas of the words that start in ``lo..hi``, by start: spaCy reads
        the stretches of it it has not read yet (``_spacy_los``, ``_spacy_his``: the
        stretches read, in order, apart)."""
        if self.block > len(self.text):  # the whole text at once
            lo, hi = 0, len(self.text) + 1
        los, his = self._spacy_los, self._spacy_his
        i, pos = bisect_right(his, lo), lo
        while pos < hi:
            if i < len(los) and los[i] <= pos:
                pos = max(pos, his[i])
                i += 1
                continue
            end = min(hi, los[i]) if i < len(los) else hi
            self._read_spacy(pos, end)
            pos = end
        first, last = bisect_left(his, lo), bisect_right(los, hi)
        if first < last:
            lo, hi = min(lo, los[first]), max(hi, his[last - 1])
        los[first:last], his[first:last] = [lo], [hi]
        return self._spacy

    def _read_spacy(self, lo: int, hi: int) -> None:
        """spaCy's lemmas of the words that start in ``lo..hi``, read in pieces of at most
        :data:`SPACY_PIECE` characters (spaCy refuses a text over a million; the
        whole-text path reads it at once, as it did)."""
        from .text.french import lemmas_from_spacy

        text = self.text
        found = self._spacy
        piece = SPACY_PIECE if self.block <= len(text) else len(text) + 1  # whole: at once
        for start in range(lo, hi, piece):
            end = min(hi, start + piece)
            a, b = max(0, start - SPACY_MARGIN), min(len(text), end + SPACY_MARGIN)
            if a > 0:  # cut at a space: the tokens after it are the whole text's
                space = text.find(" ", a, start)
                a = space + 1 if space >= 0 else a
            if b < len(text):
                space = text.rfind(" ", end, b)
                b = space if space >= 0 else b
            self.spacy_read += b - a
            for at, word in lemmas_from_spacy(text[a:b], start - a, end - a).items():
                found[at + a] = word


class _Known:
    """What the steps learn of one glossary: the bag of words and the long forms of each
    entry met, the IDF of every word, and the rule key of each word of its definitions
    (each worked out once)."""

    __slots__ = ("bags", "idf", "keys", "longs")

    def __init__(self) -> None:
        self.bags: dict[str, set[str]] = {}
        self.longs: dict[str, tuple[tuple[str, ...], ...]] = {}
        self.idf: dict[str, float] | None = None
        self.keys: dict[str, str] = {}

    def lemmas(self, text: str) -> list[str]:
        """The rule keys of the words of ``text`` (a title, a definition)."""
        keys = self.keys
        out = []
        for w in _WORD.findall(text):
            key = keys.get(w)
            if key is None:
                key = keys[w] = lemma(w)
            out.append(key)
        return out


_KNOWN: WeakKeyDictionary[Glossary, _Known] = WeakKeyDictionary()


class SenseChooser:
    """Chooses a sense for each occurrence of a form with several (see the module)."""

    def __init__(self, glossary: Glossary, mode: str = "all",
                 domains: Iterable[str] = (), lemmas: str = "rules") -> None:
        if mode not in MODES:
            from .errors import UsageError

            raise UsageError(f"unknown senses mode '{mode}'",
                             hint=f"use one of: {', '.join(MODES)}")
        self.glossary = glossary
        self.mode = mode
        self.domains = tuple(_fold(d) for d in domains if d.strip())
        #: ``"spacy"``: the context step also reads spaCy's lemmas of the document.
        self.lemmas = lemmas
        known = _KNOWN.get(glossary)
        if known is None:  # what is learnt of a glossary serves every chooser of it
            known = _KNOWN[glossary] = _Known()
        self._known = known
        self._bags = known.bags
        self._longs = known.longs
        #: Characters of a document read at a time around the occurrences that need them
        #: (:class:`_Document`); ``None``: the whole text at the first one.
        self.block: int | None = BLOCK

    def choose(
        self, text: str, matches: Sequence[Match],
        key_of: Callable[[Match], tuple[bool, str]],
        domains: Iterable[str] | Callable[[Match], Iterable[str]] = (),
        held: dict[tuple[str, ...], Entry | None] | None = None,
    ) -> dict[Match, SenseChoice]:
        """The choice for each of ``matches`` whose form has several senses; ``domains``:
        the document's, or a function giving those of each match.

        ``held``: the senses a long form spelled out earlier holds, kept by the caller
        when a document comes in pieces (:mod:`glossator.streaming`); filled here."""
        if not self.glossary.has_shared_forms():
            return {}
        return self.stream(text, key_of, domains, held).choose(matches)

    def stream(self, text: str, key_of: Callable[[Match], tuple[bool, str]],
               domains: Iterable[str] | Callable[[Match], Iterable[str]] = (),
               held: dict[tuple[str, ...], Entry | None] | None = None) -> SenseStream:
        """:meth:`choose` for matches that come in batches, in text order (the same
        choices as one call with them all)."""
        return SenseStream(self, text, key_of, domains, held, self.block)

    def _scopes(
        self, domains: Iterable[str] | Callable[[Match], Iterable[str]]
    ) -> Callable[[Match], tuple[str, ...]]:
        """The scope of each match: the run's domains and the document's (or the match's)."""
        if callable(domains):
            pick = domains
            return lambda m: self.domains + tuple(_fold(d) for d in pick(m) if d.strip())
        fixed = self.domains + tuple(_fold(d) for d in domains if d.strip())
        return lambda m: fixed

    def _reach(self, senses: Sequence[Entry], surface: str) -> tuple[int, int]:
        """How many words before and after an occurrence (``surface``) its steps read:
        the context's :data:`WINDOW`; a long form's words, twice over with three words
        between (:func:`_next_to`); three words per letter of the acronym
        (:func:`_initials_next_to`)."""
        n = max((len(f) for sense in senses for f in self._long(sense)), default=0)
        letters = len(surface.casefold())
        return (max(WINDOW, 2 * n + 5, 3 * letters + 3),
                max(WINDOW, 2 * n + 2, 3 * letters) + 1)

    def _one(self, m: Match, senses: tuple[Entry, ...], words: _Words,
             scope: tuple[str, ...], held: dict[tuple[str, ...], Entry | None]) -> SenseChoice:
        group = tuple(e.id for e in senses)
        first, last = words.index(m[0]), words.index(m[1]) - 1
        here = self._spelled(senses, words, first, last)
        if here is not None:
            held[group] = here if isinstance(here, Entry) else None
        if group in held:
            chosen = held[group]
            return SenseChoice(senses, chosen, SPELLED_OUT if chosen else SPELLED_OUT_OTHER)
        candidates = senses
        if scope:
            kept = tuple(e for e in senses if _in_scope(e, scope))
            if len(kept) == 1:
                return SenseChoice(senses, kept[0], DOMAIN)
            candidates = kept or senses
        best = self._by_context(candidates, words, first, last)
        if best is not None:
            return SenseChoice(senses, best, CONTEXT)
        if self.mode == "first":
            return SenseChoice(senses, candidates[0], FIRST)
        return SenseChoice(candidates if len(candidates) > 1 else senses, None, "")

    # -- step 1: the document spells it out ---------------------------------------------

    def _long(self, entry: Entry) -> tuple[tuple[str, ...], ...]:
        """The long forms of a sense, as lemmas: its long form, and its term when the
        acronym is one of its aliases (*contrat d'accompagnement dans l'emploi*, alias
        *CAE*)."""
        if entry.id not in self._longs:
            texts = [long_form(entry)]
            if entry.aliases and len(entry.term.split()) > 1:
                texts.append(entry.term)
            found = (tuple(w for w in self._known.lemmas(t) if w not in _STOP)
                     for t in texts if t)
            self._longs[entry.id] = tuple(f for f in found if f)
        return self._longs[entry.id]

    def _spelled(self, senses: Sequence[Entry], words: _Words, first: int,
                 last: int) -> Entry | bool | None:
        """The sense whose long form is written next to the occurrence; ``False`` when a
        long form that fits the acronym but is none of them is; else ``None``."""
        seq = words.lemmas
        for sense in senses:
            if any(_next_to(seq, long, first, last) for long in self._long(sense)):
                return sense
        acronym = "".join(words.raw[first:last + 1])
        return False if _initials_next_to(words, acronym, first, last) else None

    # -- step 3: context -----------------------------------------------------------------

    def _bag(self, entry: Entry) -> set[str]:
        bag = self._bags.get(entry.id)
        if bag is None:
            known = self._known
            acronym = set(known.lemmas(entry.term))
            bag = self._bags[entry.id] = _content(
                known.lemmas(f"{entry.title or ''} {entry.definition}")) - acronym
        return bag

    def idf(self) -> dict[str, float]:
        """How rare each content word of the glossary's titles and definitions is (worked
        out once per glossary: every annotator of it, e.g. one per service request,
        shares it)."""
        known = self._known
        if known.idf is None:
            counts: dict[str, int] = {}
            entries = self.glossary.entries
            for entry in entries:
                for w in self._bag(entry):
                    counts[w] = counts.get(w, 0) + 1
            n = len(entries) + 1
            known.idf = {w: math.log(n / c) for w, c in counts.items()}
        return known.idf

    def scores(self, senses: Sequence[Entry], words: _Words, first: int,
               last: int) -> list[float]:
        """Each sense's score against the words around the occurrence."""
        around = _content(words.around(first, last))
        idf = self.idf()
        return [sum(idf.get(w, 0.0) for w in self._bag(e) & around) for e in senses]

    def min_score(self) -> float:
        """The score the context step asks of the best sense: :data:`MIN_SCORE`, or in a
        glossary too small for any two words to reach it (a word of one entry alone
        weighs log(n + 1) among n entries), what :data:`MIN_WORDS` such words weigh: a
        five-entry glossary could otherwise never decide by context."""
        return min(MIN_SCORE, MIN_WORDS * math.log(len(self.glossary) + 1))

    def _words_in_common(self, sense: Entry, words: _Words, first: int, last: int) -> int:
        around = set(words.around(first, last))
        return len(self._bag(sense) & around)

    def _by_context(self, senses: Sequence[Entry], words: _Words, first: int,
                    last: int) -> Entry | None:
        scores = self.scores(senses, words, first, last)
        ranked = sorted(range(len(senses)), key=lambda i: -scores[i])
        best = scores[ranked[0]]
        second = scores[ranked[1]] if len(ranked) > 1 else 0.0
        # one word in common is chance (*établissement*, *conseil*): it takes two
        if (best >= self.min_score() and best >= MIN_LEAD * second
                and self._words_in_common(senses[ranked[0]], words, first, last) >= MIN_WORDS):
            return senses[ranked[0]]
        return None


class SenseStream:
    """The choices of a :class:`SenseChooser` in one document, batch after batch: what
    a sense spelled out earlier holds is carried from one batch to the next (and, with
    ``held`` kept by the caller, from one piece of a document to the next). The words
    are read only around the occurrences that need them, each once (``block``: see
    :class:`_Document`)."""

    __slots__ = ("_block", "_doc", "_held", "_known", "_scope_of", "chooser", "key_of",
                 "text")

    def __init__(self, chooser: SenseChooser, text: str,
                 key_of: Callable[[Match], tuple[bool, str]],
                 domains: Iterable[str] | Callable[[Match], Iterable[str]] = (),
                 held: dict[tuple[str, ...], Entry | None] | None = None,
                 block: int | None = BLOCK) -> None:
        self.chooser = chooser
        self.text = text
        self.key_of = key_of
        self._known: dict[tuple[bool, str], tuple[Entry, ...]] = {}
        self._doc: _Document | None = None  # made once an ambiguous form is met
        self._block = block
        self._scope_of = chooser._scopes(domains)
        self._held: dict[tuple[str, ...], Entry | None] = {} if held is None else held

    @property
    def cost(self) -> dict[str, int]:
        """What the stream has read of its text: ``words`` found, distinct words
        lemmatised (``lemmas``), characters given to spaCy (``spacy_chars``)."""
        doc = self._doc
        if doc is None:
            return {"words": 0, "lemmas": 0, "spacy_chars": 0}
        return {"words": doc.tokenised, "lemmas": doc.lemmatised,
                "spacy_chars": doc.spacy_read}

    def choose(self, matches: Sequence[Match]) -> dict[Match, SenseChoice]:
        """The choice for each of ``matches`` (the next ones in the text) whose form has
        several senses."""
        chooser = self.chooser
        glossary = chooser.glossary
        known = self._known
        key_of = self.key_of
        out: dict[Match, SenseChoice] = {}
        for m in matches:
            key = key_of(m)
            senses = known.get(key)
            if senses is None:
                senses = known[key] = glossary.senses(key)
            if senses:
                doc = self._doc
                if doc is None:
                    doc = self._doc = _Document(self.text, chooser.lemmas == "spacy",
                                                self._block)
                words = doc.around(m[0], m[1], *chooser._reach(senses, self.text[m[0]:m[1]]))
                out[m] = chooser._one(m, senses, words, self._scope_of(m), self._held)
        return out


def _next_to(seq: Sequence[str], long: tuple[str, ...], first: int, last: int) -> bool:
    """Whether the words of ``long`` are written just before ``seq[first]`` (with at most
    three of :data:`_BETWEEN` between) or just after ``seq[last]``: its content words, in
    any order (*concurrence, consommation* or *consommation, concurrence*), small words
    left out (*Conférence nationale de la santé* for *Conférence nationale de santé*)."""
    want = sorted(w for w in long if w not in _STOP)
    n = len(want)
    if not n:
        return False
    end = first
    while end > 0 and first - end < 3 and seq[end - 1] in _BETWEEN:
        end -= 1
    for stop in {first, end}:
        before = [w for w in seq[max(0, stop - 2 * n - 2):stop] if w not in _STOP]
        if sorted(before[-n:]) == want:
            return True
    after = [w for w in seq[last + 1:last + 2 * n + 3] if w not in _STOP]
    return sorted(after[:n]) == want


def _initials_next_to(words: _Words, acronym: str, first: int, last: int) -> bool:
    """Whether the words just before or after the acronym start with its letters
    (small words skipped): a long form the document gives for it."""
    letters = strip_accents(acronym.casefold())
    if len(letters) < 2 or not letters.isalpha():
        return False
    if first >= len(words.starts) or last + 1 > len(words.starts):
        return False
    text = words.text
    i = words.starts[first]  # the text before, without the spaces and quotes that end it
    while i > 0 and text[i - 1] in " \u00a0\u202f«\"":
        i -= 1
    opened = ((i > 0 and text[i - 1] == "(")
              or any(lemma(w) in _NAMING for w in words.raw[max(0, first - 3):first]))
    end = words.starts[last] + len(words.raw[last])
    explained = text[end:end + 3].lstrip(" \u00a0\u202f")[:1] in ("(", ":")

    def raw(lo: int, hi: int) -> list[str]:  # only the words looked at: the cost per
        return [strip_accents(w.casefold()) for w in words.raw[lo:hi]]  # occurrence

    if opened:
        before = [w for w in raw(max(0, first - 3 * len(letters) - 3), first)
                  if w not in _STOP and lemma(w) not in _BETWEEN]
        if "".join(w[0] for w in before[-len(letters):]) == letters:
            return True
    if explained:
        after = [w for w in raw(last + 1, last + 1 + 3 * len(letters)) if w not in _STOP]
        return "".join(w[0] for w in after[:len(letters)]) == letters
    return False


def _fold(text: str) -> str:
    return strip_accents(text.casefold()).strip()


def _in_scope(entry: Entry, scope: tuple[str, ...]) -> bool:
    """Whether the entry's domains, tags or source name one of the domains of ``scope``."""
    signals = [_fold(t) for t in (*entry.domains, *entry.tags)]
    if entry.source:
        signals.append(_fold(entry.source))
    return any(d == s or re.search(rf"\b{re.escape(d)}\b", s) for d in scope for s in signals)
