"""The Annotator: a compiled glossary plus policies, reused across documents and threads."""

from __future__ import annotations

import _thread
import os
from collections.abc import Callable, Iterable, Iterator, Sequence

from .errors import UsageError
from .glossary import Glossary
from .matching.scan import Matcher, MatchOptions
from .model import AnnotatedText, Annotation, Entry
from .policy import Match, PolicyStream, apply_policies, get_policy
from .senses import SPELLED_OUT_OTHER, SenseChoice, SenseChooser

__all__ = ["Annotator", "annotate", "compile_glossary"]

_COMPILING = _thread.allocate_lock()  # threading.Lock, without importing threading


def compile_glossary(
    glossary: Glossary, options: MatchOptions | None = None, *,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Matcher:
    """The :class:`~glossator.matching.scan.Matcher` of ``glossary``, compiled once per
    options for as long as the glossary lives.

    With ``cache_dir``, the compiled tables are also kept on disk
    (:mod:`glossator.store.matchers`), keyed by a digest of the forms and options, so that
    the next process skips most of the compiling.
    """
    options = options or MatchOptions()
    # kept on the glossary (Glossary._matchers): a registry of the process, even weakly
    # keyed by glossary, kept every glossary alive, as each matcher holds its own
    per_options: dict[MatchOptions, Matcher] = glossary._matchers
    with _COMPILING:
        matcher = per_options.get(options)
    if matcher is None:
        if cache_dir is not None:
            from .store.matchers import cached_matcher

            matcher = cached_matcher(glossary, options, cache_dir)
        else:
            matcher = Matcher(glossary, options)
        with _COMPILING:
            matcher = per_options.setdefault(options, matcher)
    return matcher


class Annotator:
    """Annotate many texts with one glossary, compiled once.

    Immutable after construction and safe to share between threads; picklable, so it can
    be sent to worker processes (it compiles again there, from ``cache_dir`` if given).

    ``occurrences``: ``"first"`` (first occurrence of each entry per document, the
    default), ``"section"`` (first per section) or ``"all"``. ``max_per_entry`` caps the
    annotations of each entry. ``accents``, ``inflect`` and ``lemmas`` choose how the
    glossary is compiled (:class:`~glossator.matcher.MatchOptions`); with ``cache_dir``
    the compiled glossary is kept on disk for the next process.

    ``senses``: what to do with an occurrence of a form with several senses that nothing
    decides (:mod:`glossator.senses`): ``"all"`` (every sense, numbered), ``"skip"`` or
    ``"first"``. ``domain``: the domains of the run, which limit the senses.

    >>> from glossator import Annotator, Glossary
    >>> g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale et solidaire."}])
    >>> [a.surface for a in Annotator(g).annotate("Le Labo de l’ESS et l’ESS.")]
    ['ESS']
    """

    __slots__ = ("cache_dir", "chooser", "glossary", "matcher", "max_per_entry", "occurrences",
                 "options")

    def __init__(
        self,
        glossary: Glossary | str | os.PathLike[str] | None = None,
        *,
        occurrences: str = "first",
        max_per_entry: int | None = None,
        accents: str = "strict",
        inflect: bool = True,
        lemmas: str = "rules",
        cache_dir: str | None = None,
        senses: str = "all",
        domain: str | Sequence[str] = (),
    ) -> None:
        if glossary is None or isinstance(glossary, (str, os.PathLike)):
            from .loaders import load_glossary

            paths = () if glossary is None else (glossary,)
            glossary = load_glossary(*paths, cache_dir=cache_dir)
        if not isinstance(glossary, Glossary):
            raise TypeError("glossary must be a Glossary, a glossary file's path or None "
                            f"(the bundled one), not {type(glossary).__name__}")
        get_policy(occurrences)  # a UsageError for an unknown name
        if max_per_entry is not None and (
                not isinstance(max_per_entry, int) or isinstance(max_per_entry, bool)):
            raise TypeError("max_per_entry must be an int or None, not "
                            f"{type(max_per_entry).__name__}")
        if max_per_entry is not None and max_per_entry < 1:
            raise UsageError("max_per_entry must be at least 1")
        if not isinstance(inflect, bool):  # ("no" is a true value: plurals were made)
            raise TypeError(f"inflect must be True or False, not {inflect!r}")
        self.glossary = glossary
        self.occurrences = occurrences
        self.max_per_entry = max_per_entry
        self.options = MatchOptions(accents=accents, inflect=inflect, lemmas=lemmas)
        self.cache_dir = cache_dir
        domains = _domains(domain)
        self.chooser = SenseChooser(glossary, senses, domains, lemmas)
        self.matcher: Matcher = compile_glossary(glossary, self.options, cache_dir=cache_dir)

    def __reduce__(self) -> tuple[object, ...]:
        # the matcher is compiled again where the annotator is unpickled: from the cache
        # directory, if it has one (the glossary keeps its cache key across the pickle)
        o = self.options
        return (_rebuild, (self.glossary, self.occurrences, self.max_per_entry, o.accents,
                           o.inflect, o.lemmas, self.cache_dir, self.chooser.mode,
                           self.chooser.domains))

    def find(self, text: str) -> list[Annotation]:
        """Every match in ``text``, before any policy."""
        if not isinstance(text, str):
            raise _not_text(text)
        return self.matcher.find(text)

    def select(
        self, text: str, matches: Sequence[Match] | None = None, *,
        dropped: dict[Match, str] | None = None,
        senses: dict[Match, SenseChoice] | None = None,
        domains: Sequence[str] | Callable[[Match], Sequence[str]] = (),
    ) -> list[Match]:
        """The matches the policies keep, as light ``(start, end, variant, elided)`` tuples.

        ``matches``: the matches to choose from, when the caller found them itself (by
        default, those of :meth:`Matcher.scan` in ``text``); ``text`` is still what the
        policies read (sections, ``not_in`` phrases, definitions written out).
        ``dropped``: filled with each match that was not kept and why. ``senses``: filled
        with the sense chosen for each match of a form with several
        (:mod:`glossator.senses`); ``domains``: the document's own domains, or the
        domains of each match (a page whose elements name theirs).
        """
        if dropped is None:
            return self._select_stream(text, matches, senses, domains)
        found = self.matcher.scan(text) if matches is None else matches
        variants = self.matcher.variants
        choices = self.chooser.choose(text, found, lambda m: variants[m[2]].form.key,
                                      domains)
        if senses is not None:
            senses.update(choices)
        if choices:
            found = self.decided(found, choices, dropped)
        return apply_policies(
            found, self._entry_lookup(choices), text, occurrences=self.occurrences,
            max_per_entry=self.max_per_entry,
            entry_ids=None if choices else self.matcher._ids(), dropped=dropped,
        )

    def _entry_lookup(self, choices: dict[Match, SenseChoice]) -> Callable[[Match], Entry]:
        """The entry a match shows: its sense's (``choices``), else its variant's."""
        variants = self.matcher.variants
        entries: dict[int, Entry] = {}  # the entry of each variant met, looked up once

        def entry_of(m: Match) -> Entry:
            choice = choices.get(m) if choices else None
            if choice is not None:
                return choice.shown
            entry = entries.get(m[2])
            if entry is None:
                entry = entries[m[2]] = variants[m[2]].form.entry
            return entry

        return entry_of

    def _select_stream(
        self, text: str, matches: Sequence[Match] | None,
        senses: dict[Match, SenseChoice] | None,
        domains: Sequence[str] | Callable[[Match], Sequence[str]],
    ) -> list[Match]:
        """:meth:`select` without ``dropped``, batch after batch of the scan: only the
        kept matches are held, never every candidate of the text."""
        matcher = self.matcher
        variants = matcher.variants
        ids = matcher._ids()
        sensing = (self.chooser.stream(text, lambda m: variants[m[2]].form.key, domains)
                   if self.glossary.has_shared_forms() else None)
        choices: dict[Match, SenseChoice] = {}  # the current batch's

        def key_of(m: Match) -> str:
            choice = choices.get(m) if choices else None
            return ids[m[2]] if choice is None else choice.shown.id

        stream = PolicyStream(self._entry_lookup(choices), text,
                              occurrences=self.occurrences,
                              max_per_entry=self.max_per_entry, key_of=key_of)
        skip: bytearray | None = None
        if matches is None and stream.mode == "first" and sensing is None:
            # the scanner stops returning the matches of an entry once it is kept
            skip = bytearray(len(variants))
            stream.new_entry = lambda key: matcher.skip_entry(skip, key)
        batches = [matches] if matches is not None else matcher.iter_scan(text, skip=skip)
        for batch in batches:
            if sensing is not None:
                choices.clear()
                choices.update(sensing.choose(batch))
                if senses is not None:
                    senses.update(choices)
                if choices:
                    batch = self.decided(batch, choices, None)
            stream.feed(batch)
        return stream.result()

    def decided(self, found: Sequence[Match], choices: dict[Match, SenseChoice],
                dropped: dict[Match, str] | None = None) -> list[Match]:
        """``found`` without the occurrences left alone for their sense (``choices``:
        :meth:`SenseChooser.choose`'s); ``dropped`` gets them with the reason."""
        kept = []
        for m in found:
            choice = choices.get(m)
            reason = "" if choice is None else _left_alone(choice, self.chooser.mode)
            if not reason:
                kept.append(m)
            elif dropped is not None:
                dropped[m] = reason
        return kept

    def annotate(self, text: str) -> AnnotatedText:
        """Find the glossary's terms in ``text`` and apply the policies.

        Where it can (the C scanner, a built-in occurrence policy), the matches are kept
        in C as arrays (only those of a form with several senses see Python) and the result is a
        :class:`glossator.kept.KeptText`, whose annotations are built when first read.
        """
        if not isinstance(text, str):
            raise _not_text(text)
        mode = self._kept_mode()
        if mode >= 0:
            from .kept import keep_matches

            kept = keep_matches(self.matcher, text, mode, self.max_per_entry, self.chooser)
            if kept is not None:
                return kept
        matcher = self.matcher
        variants = matcher.variants
        how = matcher.how
        annotations: list[Annotation] = []
        append = annotations.append
        choices: dict[Match, SenseChoice] = {}
        for m in self.select(text, senses=choices):
            start, end, vid, elided = m
            v = variants[vid]
            surface = text[start:end]
            choice = choices.get(m)
            if choice is None:
                append(Annotation(start, end, surface, v.form.entry, v.form.text,
                                  how(v, surface, elided), elided, v.text))
            else:
                append(self.annotation(m, surface, choice))
        return AnnotatedText(text, tuple(annotations))

    def _kept_mode(self) -> int:
        """The C policy of this annotator (:func:`glossator.kept.kept_mode`), or ``-1``."""
        if self.matcher._trie is None:
            return -1
        from .kept import kept_mode

        return kept_mode(self.matcher, get_policy(self.occurrences))

    def annotation(self, match: Match, surface: str,
                   choice: SenseChoice | None = None) -> Annotation:
        """The :class:`~glossator.model.Annotation` of ``match``, whose text is
        ``surface``; ``choice``: the sense :meth:`select` chose for it, if its form has
        several."""
        start, end, vid, elided = match
        v = self.matcher.variants[vid]
        how = self.matcher.how(v, surface, elided)
        if choice is None:
            return Annotation(start, end, surface, v.form.entry, v.form.text, how, elided,
                              v.text)
        return Annotation(start, end, surface, choice.shown, v.form.text, how, elided,
                          v.text, senses=choice.senses, sense_step=choice.step)

    def annotate_many(self, texts: Iterable[str]) -> Iterator[AnnotatedText]:
        """Annotate each text as its own document (first occurrences counted per text).
        ``texts`` is an iterable of str: one str alone is a ``TypeError`` (it would be
        annotated character by character)."""
        if isinstance(texts, (str, bytes)):
            raise TypeError("annotate_many takes an iterable of texts, not one "
                            f"{type(texts).__name__}: use annotate() for one text")
        return self._each(texts)

    def _each(self, texts: Iterable[str]) -> Iterator[AnnotatedText]:
        """:meth:`annotate_many`'s documents, one at a time as they are asked for."""
        for text in texts:
            yield self.annotate(text)


def _left_alone(choice: SenseChoice, mode: str) -> str:
    """Why an occurrence is not annotated for its sense (``""`` when it is)."""
    if choice.step == SPELLED_OUT_OTHER:
        return "the text spells out a meaning the glossary does not have"
    if choice.entry is None and mode == "skip":
        return "several senses and nothing to choose between them (--senses skip)"
    return ""


def _rebuild(
    glossary: Glossary, occurrences: str, max_per_entry: int | None, accents: str,
    inflect: bool, lemmas: str, cache_dir: str | None = None, senses: str = "all",
    domain: tuple[str, ...] = (),
) -> Annotator:
    return Annotator(glossary, occurrences=occurrences, max_per_entry=max_per_entry,
                     accents=accents, inflect=inflect, lemmas=lemmas, cache_dir=cache_dir,
                     senses=senses, domain=domain)


def _domains(domain: str | Sequence[str]) -> tuple[str, ...]:
    """``domain`` (one name, or several) as a tuple of names; a TypeError for anything
    else."""
    if isinstance(domain, str):
        return (domain,)
    try:
        domains = tuple(domain)
    except TypeError:
        domains = None
    if domains is None or not all(isinstance(d, str) for d in domains):
        raise TypeError("domain must be a str or a sequence of str, not "
                        f"{type(domain).__name__}")
    return domains


def _not_text(text: object) -> TypeError:
    """The error for a text that is not a ``str`` (bytes: decode them first)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        return TypeError("the text must be a str, not bytes: decode it first "
                         "(data.decode('utf-8'))")
    return TypeError(f"the text must be a str, not {type(text).__name__}")


def annotate(
    text: str,
    glossary: Glossary | str | os.PathLike[str] | None = None,
    *,
    occurrences: str = "first",
    max_per_entry: int | None = None,
    accents: str = "strict",
) -> AnnotatedText:
    """Annotate ``text`` with ``glossary`` (a :class:`Glossary`, a path, or the bundled one).

    The compiled matcher is cached on the glossary, so calling this in a loop with the same
    :class:`Glossary` compiles once.
    """
    if glossary is None or isinstance(glossary, (str, os.PathLike)):
        from .loaders import load_glossary

        glossary = load_glossary(glossary) if glossary is not None else load_glossary()
    return Annotator(glossary, occurrences=occurrences, max_per_entry=max_per_entry,
                     accents=accents).annotate(text)
