"""Lint a glossary: what loading accepts but a careful editor would fix.

:func:`lint` runs every rule over a loaded :class:`~glossator.glossary.Glossary` and
returns :class:`Finding` values, each with a level (``error``, ``warning`` or ``info``), a
stable code, a message, the file and line it is about, and a hint. The codes and their
levels are listed in :data:`RULES` (and in the README, "Linting"). With a corpus
(:func:`read_corpus`), two more rules compare the glossary with the texts it is meant for.

Everything is checked with the real matcher: whether an entry can ever be found, which
entries a definition mentions, and which entries a corpus uses are all answered by
compiling the glossary and matching, so plurals, elision, case and apostrophes count the
way they count when annotating.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from .annotate import compile_glossary
from .documents.read import DOCUMENT_SUFFIXES
from .errors import GlossatorError, InputError
from .glossary import Form, Glossary, same_definition
from .matching.scan import Matcher, MatchOptions, Variant
from .model import Diagnostic, Entry
from .senses import long_form
from .text.chars import ELISION_APOSTROPHES
from .text.french import is_acronym, roman_numeral
from .text.normalize import fold_text
from .text.words import common_words

__all__ = [
    "LEVELS",
    "RULES",
    "CorpusDocument",
    "Finding",
    "Level",
    "common_words",
    "error_finding",
    "finding_from_diagnostic",
    "lint",
    "read_corpus",
]

Level = Literal["error", "warning", "info"]
#: The levels, most severe first.
LEVELS: tuple[Level, ...] = ("error", "warning", "info")

#: Every code :func:`lint` and ``glossator check`` report: its usual level and what it means.
RULES: dict[str, tuple[Level, str]] = {
    "load-error": ("error", "a glossary file cannot be read or is not a valid glossary"),
    "duplicate-form": ("warning", "two entries (or one entry twice) claim the same form "
                       "with the same definition; the later one wins"),
    "indistinct-senses": ("warning", "a form has several senses and nothing to tell them "
                          "apart: no title or short expansion, no tags, no source"),
    "alias-is-term": ("warning", "an alias of one entry is the term of another"),
    "duplicate-id": ("warning", "two entries have the same explicit id"),
    "duplicate-key": ("warning", "a key (or CSV column) is written twice in one entry"),
    "unknown-key": ("warning", "a key or column glossator does not know is ignored"),
    "bad-url": ("warning", "a url that is not http(s) or mailto is not linked"),
    "markup-in-definition": ("warning", "a definition holds HTML markup, shown as text"),
    "control-character": ("warning", "a term, title or definition holds control characters "
                          "(an escape sequence, a bell)"),
    "skipped-concept": ("warning", "a TBX concept without a French term is skipped"),
    "skipped-entry": ("warning", "an entry without a term or a definition is skipped"),
    "blank-value": ("warning", "an empty or invisible value in a list (an alias, a tag) "
                    "is left out"),
    "glossary-warning": ("warning", "another problem found while loading"),
    "hidden-entry": ("warning", "an entry can never be annotated: every spelling of every "
                     "form is matched as other entries"),
    "hidden-form": ("warning", "a term or alias is always matched as another entry"),
    "hidden-variant": ("info", "some spellings of a form (a plural, capitals, an "
                       "apostrophe) are matched as another entry"),
    "unmatchable-form": ("warning", "a form that is never found: without letters or digits, "
                         "or not even in a text that holds only it"),
    "empty-definition": ("warning", "a definition that says nothing: a placeholder "
                         "(TODO, à définir, …) or the term itself"),
    "short-definition": ("info", "a definition of fewer words than the minimum"),
    "acronym-common-word": ("info", "an acronym that is also a common French word (DES, "
                            "PAR); a warning when the entry matches it in any case"),
    "capitalised-common-word": ("warning", "a form written with a capital is matched in any "
                                "case and is a common French word (Notre, Foi)"),
    "one-letter-form": ("info", "a term or alias of one letter (X, N, r): its elisions, "
                        "notations, initials and Roman numerals are left out, not its other "
                        "uses"),
    "mentions-entry": ("info", "a definition mentions another entry: a cross-link to offer"),
    "unused-entry": ("warning", "with a corpus: an entry the corpus never uses"),
    "undefined-acronym": ("warning", "with a corpus: a frequent acronym the glossary does "
                          "not define"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem or suggestion about a glossary.

    ``code`` is a key of :data:`RULES`; ``file`` and ``line`` say where (either may be
    unknown); ``hint`` says how to fix it; ``entry`` is the id of the entry concerned.
    """

    level: Level
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None
    entry: str | None = None

    @property
    def where(self) -> str:
        """``file:line``, ``file`` or an empty string."""
        if self.file is None:
            return f"line {self.line}" if self.line is not None else ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        """One line: ``file:line: level: message (hint) [code]``."""
        text = f"{self.level}: {self.message}"
        if self.where:
            text = f"{self.where}: {text}"
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split()) + f" [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding: every key is always present (``null`` if unknown)."""
        return {
            "level": self.level, "code": self.code, "message": self.message,
            "file": self.file, "line": self.line, "hint": self.hint, "entry": self.entry,
        }


def finding_from_diagnostic(diagnostic: Diagnostic) -> Finding:
    """A loader :class:`~glossator.glossary.Diagnostic` as a finding, with its code."""
    level: Level = "error" if diagnostic.level == "error" else "warning"
    loc = diagnostic.location
    return Finding(level, diagnostic.code or "glossary-warning", diagnostic.message,
                   loc.file if loc else None, loc.line if loc else None, diagnostic.hint)


def _sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file or "", f.line or 0, LEVELS.index(f.level), f.code)


def lint(
    glossary: Glossary,
    *,
    corpus: Iterable[CorpusDocument] | None = None,
    options: MatchOptions | None = None,
    min_words: int = 3,
    top_acronyms: int = 20,
    select: Collection[str] | None = None,
    ignore: Collection[str] = (),
) -> list[Finding]:
    """Every finding about ``glossary``, sorted by file and line.

    The problems found while loading (``glossary.diagnostics``) are included with their
    codes, then each rule of :data:`RULES` runs. ``corpus`` (documents from
    :func:`read_corpus`) adds ``unused-entry`` and ``undefined-acronym`` (the
    ``top_acronyms`` most frequent). ``options`` compile the glossary as annotating will
    (default: strict accents, plurals). ``min_words``: below this many words a definition
    is ``short-definition``. ``select``/``ignore``: codes to keep or drop; a rule whose
    codes are all left out does not run.
    """
    unknown = sorted({*(select or ()), *ignore} - RULES.keys())
    if unknown:
        raise ValueError(f"unknown lint code(s): {', '.join(unknown)}")

    def wanted(*codes: str) -> bool:
        return any((select is None or c in select) and c not in ignore for c in codes)

    options = options or MatchOptions()
    findings = [finding_from_diagnostic(d) for d in glossary.diagnostics]
    if wanted("hidden-entry", "hidden-form", "hidden-variant", "unmatchable-form"):
        findings.extend(_hidden(glossary, options))
    if wanted("empty-definition", "short-definition"):
        findings.extend(_definitions(glossary, min_words))
    if wanted("alias-is-term"):
        findings.extend(_aliases_in_other_case(glossary))
    if wanted("indistinct-senses"):
        findings.extend(_indistinct_senses(glossary))
    if wanted("acronym-common-word", "capitalised-common-word"):
        findings.extend(_common_word_acronyms(glossary))
    if wanted("one-letter-form"):
        findings.extend(_one_letter_forms(glossary))
    if wanted("mentions-entry"):
        findings.extend(_mentions(glossary, options))
    if corpus is not None and wanted("unused-entry", "undefined-acronym"):
        findings.extend(_corpus_rules(glossary, list(corpus), options, top_acronyms))
    kept = [f for f in findings if wanted(f.code)]
    return sorted(kept, key=_sort_key)


# -- senses -----------------------------------------------------------------------------


def _indistinct_senses(glossary: Glossary) -> Iterator[Finding]:
    """``indistinct-senses``: a form whose senses nothing in the glossary tells apart (a
    document can spell out a title or short expansion; tags and source give a domain)."""
    for senses in glossary.sense_table().values():
        blind = [e for e in senses
                 if long_form(e) is None and not (e.tags or e.domains or e.source)]
        if len(blind) < 2:
            continue
        first = blind[0]
        others = ", ".join(_entry_name(e, first) for e in blind[1:])
        yield Finding(
            "warning", "indistinct-senses",
            f"'{first.term}' has senses that nothing tells apart: {_entry_name(first)} and "
            f"{others}", first.origin.file if first.origin else None,
            first.origin.line if first.origin else None,
            "give each sense a title (the long form an acronym stands for), tags or a "
            "source", first.id)


# -- naming things in messages ----------------------------------------------------------


def _entry_name(entry: Entry, seen_from: Entry | None = None) -> str:
    """``entry 'id' (file:line)``, or ``(line N)`` in the file of ``seen_from``: entries
    are named by id, forms are quoted as written."""
    origin = entry.origin
    if origin is None or origin.line is None:
        return f"entry '{entry.id}'"
    if seen_from is not None and seen_from.origin is not None and (
        seen_from.origin.file == origin.file
    ):
        return f"entry '{entry.id}' (line {origin.line})"
    return f"entry '{entry.id}' ({origin})"


def _form_line(entry: Entry, index: int) -> int | None:
    """The line of the entry's ``index``-th form (0 is the term, then the aliases)."""
    if index == 0:
        return entry.line_of("term")
    line = entry.line_of(f"aliases.{index - 1}")
    return line if line is not None else entry.line_of("aliases")


def _finding(code: str, message: str, entry: Entry, line: int | None = None,
             hint: str | None = None, level: Level | None = None) -> Finding:
    origin = entry.origin
    return Finding(level or RULES[code][0], code, message, origin.file if origin else None,
                   line if line is not None else (origin.line if origin else None), hint,
                   entry.id)


# -- hidden entries, forms and variants ----------------------------------------------------

_APOSTROPHE_KINDS = tuple(ELISION_APOSTROPHES)
_MAX_LISTED = 6
_TAG_WORDS = {"inflected": "plural", "hyphen-variant": "hyphen variant",
              "unaccented-capital": "unaccented capitals"}


def _probes(v: Variant) -> list[str]:
    """Surfaces that variant ``v`` accepts, one for each way it may be written that a rival
    could treat differently: as written, lower case, capitalised, all capitals (only the
    exact text for a case-sensitive form; capitals where an unaccented variant dropped an
    accent), each with every kind of apostrophe."""
    core = v.core_text
    if v.cs:
        cores = [core]
    elif v.accented:
        if len(v.accented) == len(core):
            cores = ["".join(c.upper() if c != a else c for c, a in zip(core, v.accented,
                                                                         strict=True)),
                     core.upper()]
        else:
            cores = [core.upper()]
    else:
        cores = [core, core.lower(), core[:1].upper() + core[1:], core.upper()]
    head, tail = v.head.decode("utf-8"), v.tail.decode("utf-8")
    out: list[str] = []
    for c in cores:
        text = head + c + tail
        for spelled in ([text.replace("'", a) for a in _APOSTROPHE_KINDS]
                        if "'" in text else [text]):
            if spelled not in out:
                out.append(spelled)
    return out


def _describe_probe(probe: str, v: Variant) -> str:
    """``'COOPÉRATIVES' (plural, capitals)``: a probe, and how it differs from the form."""
    notes = []
    if v.tag in _TAG_WORDS:
        notes.append(_TAG_WORDS[v.tag])
    if probe != v.text and not v.cs:
        if probe.isupper() and not v.text.isupper():
            notes.append("capitals")
        elif probe == probe.lower() and v.text != v.text.lower():
            notes.append("lower case")
        elif probe[:1].isupper() and not v.text[:1].isupper():
            notes.append("capitalised")
    if "'" not in probe and any(a in probe for a in _APOSTROPHE_KINDS[1:]):
        notes.append("typographic apostrophe")
    elif "'" in probe:
        notes.append("straight apostrophe")
    return f"'{probe}'" + (f" ({', '.join(notes)})" if notes else "")


@dataclass
class _FormVerdict:
    """What became of one form's spellings: lost ones with the entries that took them."""

    accepted: int = 0
    lost: list[tuple[str, Variant, tuple[Entry, ...]]] | None = None
    duplicate_of: Entry | None = None
    unmatchable: bool = False
    #: whether any spelling of the form, matched alone, gave any match at all
    found_any: bool = False

    @property
    def hidden(self) -> bool:
        return self.duplicate_of is not None or (
            self.accepted > 0 and len(self.lost or ()) == self.accepted)


def _hidden(glossary: Glossary, options: MatchOptions) -> Iterator[Finding]:
    """``hidden-entry``, ``hidden-form``, ``hidden-variant`` and ``unmatchable-form``.

    With leftmost-longest matching, a longer form never hides a shorter one in every text
    (a text with the shorter form alone shows it); what can hide a form everywhere is a
    rival variant with the same folded spelling that the matcher tries first and that
    accepts everything this one accepts (an identical form, a ligature or apostrophe
    variant of it, another entry's plural…). Rather than re-deriving the matcher's order,
    each spelling of each variant is matched alone (the most favourable context: nothing
    before or after it can compete) with the whole glossary; a spelling taken by another
    entry there is taken everywhere. Spellings are double-checked against the entry
    without its rivals, so only spellings the entry really accepts count.

    Both steps are batched, which takes a 100 000-entry glossary from minutes to seconds:
    every spelling is matched in one scan (:func:`_find_each`), and the double checks run
    on a few glossaries of entries that do not compete (:func:`_accepted_alone`).
    """
    matcher = compile_glossary(glossary, options)
    entries = glossary.entries
    all_verdicts, probes = _form_verdicts(matcher, entries, glossary.sense_table())
    lost = _lost_spellings(matcher, probes)
    accepted = _accepted_alone([(entry, probe, takers) for entry, _, _, probe, takers in lost],
                               options)
    for (_, verdict, v, probe, takers), ok in zip(lost, accepted, strict=True):
        if ok:
            verdict.accepted += 1
            assert verdict.lost is not None
            verdict.lost.append((probe, v, takers))
    for entry, verdicts in zip(entries, all_verdicts, strict=True):
        for verdict in verdicts:
            # a form none of whose spellings finds anything, even standing alone, is not
            # hidden by a rival: the matcher cannot find it (a form only of punctuation
            # is caught before; anything else here would be a matcher bug)
            if verdict.lost is not None and not verdict.found_any:
                verdict.unmatchable = True
        yield from _hidden_findings(entry, verdicts)


#: A spelling to match alone: the entry, the verdict of its form, the variant, the text.
_Probe = tuple[Entry, _FormVerdict, Variant, str]


def _form_verdicts(matcher: Matcher, entries: Sequence[Entry],
                   senses: Mapping[tuple[bool, str], tuple[Entry, ...]],
                   ) -> tuple[list[list[_FormVerdict]], list[_Probe]]:
    """A verdict for each form of each entry, still open for the forms the matcher keeps
    as they are, and the spellings of those forms to match alone. Settled already: a form
    another entry claims (a duplicate), a form with no variant (unmatchable), and forms
    the loader dropped (the same form twice, an alias repeating the term)."""
    by_form: dict[int, list[Variant]] = {}
    index_of = {id(f): i for i, f in enumerate(matcher.forms)}
    for vid in range(len(matcher.variants)):
        v = matcher.variants[vid]
        by_form.setdefault(index_of[id(v.form)], []).append(v)
    winners = {f.key: f for f in matcher.forms}
    all_verdicts: list[list[_FormVerdict]] = []
    probes: list[_Probe] = []
    for entry in entries:
        verdicts: list[_FormVerdict] = []
        all_verdicts.append(verdicts)
        for i, text in enumerate(entry.forms):
            verdict = _FormVerdict()
            verdicts.append(verdict)
            form = Form.of(text, entry, i > 0)
            winner = winners.get(form.key)
            if winner is None:
                continue  # the same form twice in one entry: reported by the loader
            if winner.entry is not entry:
                shown = senses.get(form.key, ())
                if entry not in shown:  # the later entry of its definition takes it
                    mine = same_definition(entry.definition)
                    verdict.duplicate_of = next(
                        (e for e in shown if same_definition(e.definition) == mine),
                        winner.entry)
                continue  # else another sense of the form: found with it
            if winner.text != text:
                continue  # an alias repeating the term: reported by the loader
            variants = by_form.get(index_of[id(winner)], [])
            if not variants:
                verdict.unmatchable = True
                continue
            verdict.lost = []
            probes.extend((entry, verdict, v, probe) for v in variants for probe in _probes(v))
    return all_verdicts, probes


def _lost_spellings(matcher: Matcher, probes: Sequence[_Probe]
                    ) -> list[tuple[Entry, _FormVerdict, Variant, str, tuple[Entry, ...]]]:
    """Match each probe alone with the whole glossary: count the ones its own entry takes
    (and that any match at all was found), and return the others with the entries that
    took them, to be double-checked with :func:`_accepted_alone`."""
    lost: list[tuple[Entry, _FormVerdict, Variant, str, tuple[Entry, ...]]] = []
    for (entry, verdict, v, probe), found in _find_chunked(
            matcher, probes, lambda item: item[3]):
        if not found:
            continue  # not a spelling the matcher accepts (checked alone below)
        verdict.found_any = True
        if any(hit[2] is entry for hit in found):
            verdict.accepted += 1
            continue
        lost.append((entry, verdict, v, probe, tuple(dict.fromkeys(hit[2] for hit in found))))
    return lost


_T = TypeVar("_T")


def _find_chunked(matcher: Matcher, items: Sequence[_T], text_of: Callable[[_T], str],
                  size: int = 1 << 16) -> Iterator[tuple[_T, list[_Hit]]]:
    """Each item with the matches in its text (:func:`_find_each`), ``size`` texts per
    scan, so that memory stays flat however many there are."""
    for a in range(0, len(items), size):
        chunk = items[a : a + size]
        yield from zip(chunk, _find_each(matcher, [text_of(i) for i in chunk]), strict=True)


#: A match of :func:`_find_each`: start and end in its text, and the entry.
_Hit = tuple[int, int, Entry]


def _find_each(matcher: Matcher, texts: Sequence[str]) -> list[list[_Hit]]:
    """The matches of ``matcher`` in each of ``texts`` as if each were matched alone, in
    one scan: the texts are joined by paragraph breaks, which no match crosses and which
    leave each text as it stands alone (nothing before or after it)."""
    if not texts:
        return []
    starts: list[int] = []
    at = 0
    for t in texts:
        starts.append(at)
        at += len(t) + 2
    results: list[list[_Hit]] = [[] for _ in texts]
    variants = matcher.variants
    k = 0
    for s, e, vid, _ in matcher.scan("\n\n".join(texts)):
        while k + 1 < len(starts) and starts[k + 1] <= s:
            k += 1
        start = starts[k]
        results[k].append((s - start, e - start, variants[vid].form.entry))
    return results


def _accepted_alone(checks: Sequence[tuple[Entry, str, tuple[Entry, ...]]],
                    options: MatchOptions) -> list[bool]:
    """For each ``(entry, probe, takers)``: whether ``entry`` alone matches all of ``probe``.

    The entries are compiled together in a few groups, none holding an entry and one of
    its takers, so that they seldom compete. In its group, an entry that takes a probe
    whole takes it alone (fewer rivals never hurt), and one that does not, with no other
    member matching anything in the probe, does not alone either: a rival's failed
    candidate hides nothing, and a rival that wins shows in the matches. Only when another
    member matched something there is the entry compiled alone to be sure.
    """
    groups: list[dict[str, Entry]] = []
    group_of: dict[str, int] = {}
    rivals: dict[str, set[str]] = {}
    for entry, _, takers in checks:
        for t in takers:
            rivals.setdefault(entry.id, set()).add(t.id)
            rivals.setdefault(t.id, set()).add(entry.id)
    for entry, _, _ in checks:
        if entry.id in group_of:
            continue
        foes = rivals.get(entry.id, set())
        n = next((k for k, group in enumerate(groups) if not foes & group.keys()),
                 len(groups))
        if n == len(groups):
            groups.append({})
        groups[n][entry.id] = entry
        group_of[entry.id] = n
    matchers = [Matcher(Glossary(group.values()), options) for group in groups]
    by_group: list[list[int]] = [[] for _ in groups]
    for i, (entry, _, _) in enumerate(checks):
        by_group[group_of[entry.id]].append(i)
    verdicts = [False] * len(checks)
    alone: dict[str, Matcher] = {}
    for matcher, members in zip(matchers, by_group, strict=True):
        for i, found in _find_chunked(matcher, members, lambda i: checks[i][1]):
            entry, probe, _ = checks[i]
            if any(who.id == entry.id and s == 0 and e == len(probe) for s, e, who in found):
                verdicts[i] = True
                continue
            if all(who.id == entry.id for _, _, who in found):
                continue  # no rival in the way: the same verdict alone
            m = alone.get(entry.id)
            if m is None:
                m = alone[entry.id] = Matcher(Glossary([entry]), options)
            verdicts[i] = any(r.start == 0 and r.end == len(probe) for r in m.find(probe))
    return verdicts


def _hidden_findings(entry: Entry, verdicts: list[_FormVerdict]) -> Iterator[Finding]:
    def takers_of(verdict: _FormVerdict) -> list[Entry]:
        if verdict.duplicate_of is not None:
            return [verdict.duplicate_of]
        return list(dict.fromkeys(e for _, _, ts in verdict.lost or () for e in ts))

    for i, verdict in enumerate(verdicts):
        if verdict.unmatchable and verdict.lost is None:
            yield _finding(
                "unmatchable-form",
                f"the form '{entry.forms[i]}' of entry '{entry.id}' has no letter or digit "
                "and can never be found", entry, _form_line(entry, i),
                "write the form with its letters, or remove it")
        elif verdict.unmatchable:
            yield _finding(
                "unmatchable-form",
                f"the form '{entry.forms[i]}' of entry '{entry.id}' is never found, not "
                "even in a text that holds only it", entry, _form_line(entry, i),
                "rewrite the form (and report it to glossator: it should be found)")
    live = [v for v in verdicts if not v.unmatchable]
    if live and all(v.hidden for v in live) and any(v.accepted or v.duplicate_of
                                                     for v in live):
        others = list(dict.fromkeys(e for v in live for e in takers_of(v)))
        names = ", ".join(_entry_name(e, entry) for e in others)
        why = ("each of its forms is claimed by a later entry"
               if all(v.duplicate_of is not None for v in live)
               else "every spelling of its forms is matched as another entry")
        yield _finding(
            "hidden-entry", f"entry '{entry.id}' can never be annotated: {why}: {names}",
            entry, None, "remove it, merge it into the other entry, or give it a form of "
            "its own")
        return
    for i, verdict in enumerate(verdicts):
        if verdict.unmatchable or verdict.duplicate_of is not None:
            continue  # a duplicate form is the loader's duplicate-form warning
        if verdict.hidden:
            names = ", ".join(_entry_name(e, entry) for e in takers_of(verdict))
            kind = "term" if i == 0 else "alias"
            yield _finding(
                "hidden-form",
                f"the {kind} '{entry.forms[i]}' of entry '{entry.id}' is always matched as "
                f"{names}", entry, _form_line(entry, i),
                "remove the form, or make it differ from the other entry's")
            continue
        by_taker: dict[str, tuple[Entry, dict[str, str]]] = {}
        for probe, v, takers in verdict.lost or ():
            for taker in takers:
                by_taker.setdefault(taker.id, (taker, {}))[1].setdefault(
                    probe, _describe_probe(probe, v))
        for taker, described in by_taker.values():
            spellings = list(described.values())
            shown = ", ".join(spellings[:_MAX_LISTED])
            if len(spellings) > _MAX_LISTED:
                shown += f" and {len(spellings) - _MAX_LISTED} more"
            yield _finding(
                "hidden-variant",
                f"'{entry.forms[i]}' of entry '{entry.id}', written {shown}, is matched as "
                f"{_entry_name(taker, entry)}", entry, _form_line(entry, i))


# -- definitions ---------------------------------------------------------------------------

#: What authors write instead of a definition (compared casefolded, without punctuation).
PLACEHOLDERS = frozenset({
    "todo", "tbd", "tba", "fixme", "xxx", "wip", "na", "n a", "nc", "à définir", "a definir",
    "à compléter", "a completer", "à rédiger", "a rediger", "à venir", "à faire",
    "à préciser", "en cours", "en attente", "définition", "definition", "pas de définition",
    "lorem ipsum", "test", "idem", "voir", "cf",
})
_MARKER = re.compile(r"\b(TODO|FIXME|TBD|XXX)\b|\?\?|(?i:lorem ipsum)")
_WORDS = re.compile(r"[^\W_]+")


def _plain(text: str) -> str:
    """Casefolded words only: ``« À définir… »`` → ``à définir``."""
    return " ".join(_WORDS.findall(fold_text(text)))


def _definitions(glossary: Glossary, min_words: int) -> Iterator[Finding]:
    for entry in glossary.entries:
        definition = entry.definition
        line = entry.line_of("definition")
        plain = _plain(definition)
        names = {_plain(f) for f in (*entry.forms, entry.display_title)}
        marker = _MARKER.search(definition)
        if not plain:
            yield _finding("empty-definition",
                           f"the definition of '{entry.id}' has no words: '{definition}'",
                           entry, line, "write what the term means")
        elif plain in PLACEHOLDERS:
            yield _finding("empty-definition",
                           f"the definition of '{entry.id}' is a placeholder: '{definition}'",
                           entry, line, "write what the term means")
        elif plain in names:
            yield _finding("empty-definition",
                           f"the definition of '{entry.id}' only repeats its term or title",
                           entry, line, "say what it means, not what it is called")
        elif marker is not None:
            yield _finding("empty-definition",
                           f"the definition of '{entry.id}' is marked as unfinished: "
                           f"'{marker.group(0)}'", entry, line,
                           "finish the definition and remove the marker")
        elif len(plain.split()) < min_words:
            n = len(plain.split())
            yield _finding("short-definition",
                           f"the definition of '{entry.id}' has {n} word{'s' if n > 1 else ''}"
                           f" (fewer than {min_words})", entry, line,
                           "a definition a reader can use is usually a sentence")


# -- aliases -----------------------------------------------------------------------------


def _aliases_in_other_case(glossary: Glossary) -> Iterator[Finding]:
    """An alias equal to another entry's term but for case (equal ones are duplicates)."""
    terms: dict[str, list[Entry]] = {}
    for entry in glossary.entries:
        terms.setdefault(fold_text(entry.term), []).append(entry)
    for entry in glossary.entries:
        for i, alias in enumerate(entry.aliases, start=1):
            for other in terms.get(fold_text(alias), ()):
                if other is entry:
                    continue
                if Form.of(alias, entry, True).key == Form.of(other.term, other, False).key:
                    continue  # the same form: the loader's alias-is-term
                yield _finding(
                    "alias-is-term",
                    f"the alias '{alias}' of entry '{entry.id}' is the term "
                    f"'{other.term}' of {_entry_name(other, entry)} in another case, so the "
                    "capitals decide which entry a text gets", entry, _form_line(entry, i),
                    "merge the two entries or remove the alias")


# -- acronyms that are common words -----------------------------------------------------


def _one_letter_forms(glossary: Glossary) -> Iterator[Finding]:
    for entry in glossary.entries:
        for i, text in enumerate(entry.forms):
            if len(text) == 1 and text.isascii() and text.isalpha():
                yield _finding(
                    "one-letter-form",
                    f"'{text}' is one letter: it is matched as written, and not where the "
                    f"text elides a word (N'est), writes code or a notation (N/A, \\r), an "
                    f"initial (R. F.) or a number (chapitre X), but still as a variable "
                    f"of a formula (a + {text}) or a placeholder (le service {text})", entry,
                    _form_line(entry, i),
                    "look at a sample with glossator explain, or set max_occurrences")


def _common_word_acronyms(glossary: Glossary) -> Iterator[Finding]:
    words = common_words()
    for entry in glossary.entries:
        for i, text in enumerate(entry.forms):
            if text.lower() not in words:
                continue
            form = Form.of(text, entry, i > 0)
            if not is_acronym(text):
                if not form.case_sensitive and text != text.lower():
                    yield _finding(
                        "capitalised-common-word",
                        f"'{text}' is matched in any case, so every '{text.lower()}' of a "
                        f"text is annotated as entry '{entry.id}'", entry, _form_line(entry, i),
                        "set case_sensitive: true if the capital tells the term apart")
                continue
            if form.case_sensitive:
                yield _finding(
                    "acronym-common-word",
                    f"'{text}' is also the common word '{text.lower()}'; it is matched only "
                    "in capitals, so this matters only with case_sensitive: false", entry,
                    _form_line(entry, i))
            else:
                yield _finding(
                    "acronym-common-word",
                    f"'{text}' is matched in any case (case_sensitive: false), so every "
                    f"'{text.lower()}' of a text is annotated as entry '{entry.id}'", entry,
                    entry.line_of("case_sensitive"),
                    "remove case_sensitive: false: acronyms are matched in capitals only",
                    level="warning")


# -- mentions of other entries in definitions ---------------------------------------------


def _mentions(glossary: Glossary, options: MatchOptions) -> Iterator[Finding]:
    from .annotate import Annotator

    annotator = Annotator(glossary, occurrences="all", accents=options.accents,
                          inflect=options.inflect, lemmas=options.lemmas)
    for entry in glossary.entries:
        seen: dict[str, list[str]] = {}
        others: dict[str, Entry] = {}
        for ann in annotator.annotate(entry.definition):
            if ann.entry.id == entry.id:
                continue
            surfaces = seen.setdefault(ann.entry.id, [])
            others[ann.entry.id] = ann.entry
            if ann.surface not in surfaces:
                surfaces.append(ann.surface)
        for other_id, surfaces in seen.items():
            quoted = ", ".join(f"'{s}'" for s in surfaces)
            yield _finding(
                "mentions-entry",
                f"the definition of '{entry.id}' mentions {quoted}: "
                f"{_entry_name(others[other_id], entry)}", entry, entry.line_of("definition"))


# -- corpus -----------------------------------------------------------------------------

CORPUS_SUFFIXES = DOCUMENT_SUFFIXES


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    """A text to compare the glossary with: ``name`` (a path), the ``text`` matched, and
    ``marks``: pairs ``(offset in text, line in the file)`` where the text of an HTML page
    restarts, so that findings name lines of the file (empty: the text is the file)."""

    name: str
    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def line_at(self, offset: int) -> int:
        """The 1-based line of the file where ``text[offset]`` comes from."""
        start, line = 0, 1
        for mark_offset, mark_line in self.marks:
            if mark_offset > offset:
                break
            start, line = mark_offset, mark_line
        return line + self.text.count("\n", start, offset)


def read_corpus(paths: Iterable[str | os.PathLike[str]], encoding: str = "utf-8"
                ) -> list[CorpusDocument]:
    """Read files and folders (recursively: ``.txt``, ``.md``, ``.html`` and kin).

    HTML pages give the text of their elements (not of scripts, styles, code, or tooltips
    already written by glossator), Markdown files their text without code blocks or code
    spans; a file named explicitly is read whatever its suffix (as text unless it is
    HTML or Markdown). Raises :class:`~glossator.errors.InputError` for a missing path.
    """
    from .documents.read import expand_inputs

    names = [os.fspath(p) for p in paths]
    for name in names:
        if not Path(name).exists():
            raise InputError("no such file or folder", file=name,
                             hint="give corpus files or folders of .txt, .md or .html")
    return [_read_document(Path(i.name), encoding)
            for i in expand_inputs(names, CORPUS_SUFFIXES, empty_ok=True)]


def _read_document(path: Path, encoding: str) -> CorpusDocument:
    from .documents.prose import markdown_text
    from .documents.read import kind_of, read_document

    doc = read_document(str(path), kind_of(str(path)), encoding)
    if doc.kind == "html":
        return _html_document(doc.name, doc.text)
    return CorpusDocument(doc.name, markdown_text(doc.text) if doc.kind == "markdown"
                          else doc.text)


#: What a page's text leaves out besides scripts, styles and tooltips: code, and markup
#: that is not prose. Terms already annotated count as uses.
_HTML_SKIP = ("code", "pre", "kbd", "samp", "var", "svg", "math", "template", "noscript")


def _html_document(name: str, source: str) -> CorpusDocument:
    from .documents.html import page_text

    page = page_text(source, _HTML_SKIP)
    return CorpusDocument(name, page.text, page.lines)


_CAPS = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
#: 2 to 8 capitals, a word of their own: after an elided article (*l’ONU*) but not inside
#: *PRUD'HOMMES*, and not joined to other words by ``&``, ``@`` or a hyphen.
_ACRONYM = re.compile(rf"(?<![\w&@-])(?<!\w\w['’])[{_CAPS}]{{2,8}}(?![\w&@]|['’]\w|-\w)")
_SHOUTING_WORD = re.compile(rf"\b[{_CAPS}]{{2,}}\b")


def _shouting_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines written in capitals (headings, legal titles): three or more words
    and most letters capitals. Their words are not acronyms."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        letters = [c for c in line if c.isalpha()]
        if len(_SHOUTING_WORD.findall(line)) >= 3 and letters and (
            sum(c.isupper() for c in letters) >= 0.6 * len(letters)
        ):
            spans.append((pos, pos + len(line)))
        pos += len(line)
    return spans


def _corpus_rules(glossary: Glossary, docs: Sequence[CorpusDocument], options: MatchOptions,
                  top: int) -> Iterator[Finding]:
    """``unused-entry`` and ``undefined-acronym``: the glossary against the corpus."""
    from .policy import apply_policies

    matcher = compile_glossary(glossary, options)
    variants = matcher.variants

    def entry_of(m: tuple[int, int, int, bool]) -> Entry:
        return variants[m[2]].form.entry

    used: Counter[str] = Counter()
    acronyms = _AcronymTally()
    for doc in docs:
        found = matcher.scan(doc.text)  # every occurrence; not_in phrases then apply
        used.update(entry_of(m).id for m in apply_policies(found, entry_of, doc.text,
                                                            occurrences="all"))
        acronyms.add(doc, found)
    n_docs = f"{len(docs)} document{'s' if len(docs) != 1 else ''}"
    for entry in glossary.entries:
        if not used[entry.id]:
            yield _finding("unused-entry",
                           f"entry '{entry.id}' ('{entry.term}') is never used in the corpus "
                           f"({n_docs})", entry, None,
                           "check its forms against the texts, or drop it from this glossary")
    yield from acronyms.undefined(docs, top)


@dataclass
class _AcronymTally:
    """The acronyms of the corpus that no glossary match covers: how often each occurs,
    where first, and in which documents."""

    counts: Counter[str] = field(default_factory=Counter)
    first: dict[str, tuple[CorpusDocument, int]] = field(default_factory=dict)
    in_docs: dict[str, set[str]] = field(default_factory=dict)

    def add(self, doc: CorpusDocument, found: Sequence[tuple[int, int, int, bool]]) -> None:
        """Count the acronyms of ``doc`` outside the glossary's matches ``found``, lines
        in capitals, common words and Roman numerals."""
        words = common_words()
        covered = [(m[0], m[1]) for m in found]
        shouting = _shouting_lines(doc.text)
        k = j = 0
        for m in _ACRONYM.finditer(doc.text):
            s = m.start()
            while k < len(covered) and covered[k][1] <= s:
                k += 1
            if k < len(covered) and covered[k][0] <= s:
                continue  # part of a glossary match: defined
            while j < len(shouting) and shouting[j][1] <= s:
                j += 1
            if j < len(shouting) and shouting[j][0] <= s:
                continue
            token = m.group(0)
            if token.lower() in words or roman_numeral(token):
                continue
            self.counts[token] += 1
            self.first.setdefault(token, (doc, s))
            self.in_docs.setdefault(token, set()).add(doc.name)

    def undefined(self, docs: Sequence[CorpusDocument], top: int) -> Iterator[Finding]:
        """``undefined-acronym`` for the ``top`` most frequent acronyms seen at least
        twice, leaving out words and names set in capitals."""
        counts = self.counts
        reported = 0
        names = _name_counter(docs, [t for t, n in counts.most_common() if n >= 2][: 4 * top])
        for token, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if reported >= top or n < 2:
                break
            if names(token) >= n:
                continue  # a word or name set in capitals: *Hugo*, *libellé* are as frequent
            doc, offset = self.first[token]
            spread = len(self.in_docs[token])
            reported += 1
            yield Finding(
                "warning", "undefined-acronym",
                f"'{token}' appears {n} times in the corpus ({spread} document"
                f"{'s' if spread != 1 else ''}) and the glossary does not define it",
                doc.name, doc.line_at(offset), f"add an entry for {token}, or --ignore "
                "undefined-acronym")


def _name_counter(docs: Sequence[CorpusDocument], tokens: Sequence[str]
                  ) -> Callable[[str], int]:
    """How often each token occurs as a word or a name across the corpus: in lower case
    or in Titlecase (*libellé*, *Hugo* for *LIBELLÉ*, *HUGO*)."""
    counts: Counter[str] = Counter()
    if tokens:
        spellings = {s for t in tokens for s in (t.title(), t.lower())}
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(spellings))) + r")\b")
        for doc in docs:
            counts.update(pattern.findall(doc.text))
    return lambda token: counts[token.title()] + counts[token.lower()]


def error_finding(exc: GlossatorError) -> Finding:
    """A glossary that cannot be loaded, as a ``load-error`` finding."""
    return Finding("error", "load-error", exc.message, exc.file, exc.line, exc.hint)

