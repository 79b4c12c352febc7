"""Compiled matchers kept on disk, so that the next process skips compiling.

A matcher's tables (:class:`glossator.matching.compile.Tables`) and the C scanner's trie
are kept under a digest of everything compiling depends on: the forms and their settings,
the options, glossator's version and the tables' version. The file is mapped, and its
tables stay packed: a variant or a pattern is decoded when it is first read.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

from .._gc import paused_gc
from ..errors import CacheError
from ..glossary import Form, Glossary
from ..matching.compile import (
    TABLES_VERSION,
    VARIANT_FIELDS,
    VARIANT_KINDS,
    MatchOptions,
    Tables,
)
from ..matching.scan import Matcher
from . import sha256
from .columns import (
    DamagedCache,
    Groups,
    Packed,
    Rows,
    check_ints,
    drop_damaged,
    ints,
    pack_bytes,
    read_sections,
    write_kept,
)
from .glossaries import source_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["cached_matcher"]


def _cache_key(forms: Sequence[Form], options: MatchOptions, source: str | None = None) -> str:
    """A digest of everything compiling depends on: the forms, their settings, options.

    ``source`` is the digest of the glossary file the forms were read from, when the
    glossary came through :mod:`glossator.store.glossaries`: it stands for the forms, which are then
    not hashed again.
    """
    from .._version import __version__

    digest = sha256(
        repr((TABLES_VERSION, __version__, options.accents, options.inflect,
              options.lemmas, source)).encode(),
        more=0 if source is not None else 64 * len(forms),  # about a form's repr each
    )
    if source is not None:
        return digest.hexdigest()[:32]
    for f in forms:
        e = f.entry
        digest.update(repr((f.text, f.is_alias, f.case_sensitive, e.inflect,
                            e.hyphen_variants)).encode("utf-8"))
    return digest.hexdigest()[:32]


def _load_tables(
    path: str | os.PathLike[str], n_forms: int
) -> tuple[Tables, memoryview | None] | None:
    """Compiled tables from the cache, and the C scanner's trie if it was saved too; or
    ``None`` (missing, unreadable, stale, or damaged: then removed, with a warning). The
    file is mapped and its tables stay packed: a variant or a pattern is decoded when it
    is first read."""
    try:
        header, sections = read_sections(path)
    except DamagedCache:
        drop_damaged(path)
        return None
    except (OSError, ValueError):  # missing, another user's, an earlier version's
        return None
    if not isinstance(header, tuple) or len(header) != 5 or header[0] != TABLES_VERSION:
        return None
    try:
        return _tables_of(header, sections, path, n_forms)
    except (EOFError, ValueError, TypeError, IndexError, CacheError):
        drop_damaged(path)
        return None


#: The farthest a match may reach, in folded bytes (a glossary's text is at most 256 MiB):
#: more, in a cache's header, is a damaged file's.
_MAX_REACH = 1 << 30


def _tables_of(header: tuple[Any, ...], sections: Sequence[memoryview],
               path: str | os.PathLike[str], n_forms: int) -> tuple[Tables, memoryview | None]:
    """The tables of a cache file's header and sections, every index range-checked
    (``ValueError`` if one is out of its table)."""
    _, multiword, n_variants, has_state, reach = header
    if not (type(n_variants) is int and n_variants >= 0 and type(reach) is int
            and 0 <= reach <= _MAX_REACH and len(sections) == 16):
        raise ValueError("damaged header")
    (patterns, patterns_at, cands, cands_at, variants, variants_at, variant_form, simple,
     blanked, capital_only, fast, modes, exact, exact_at, keep, state) = sections
    packed = Packed(patterns, patterns_at)
    groups = Groups(cands, cands_at)
    groups.check(0, n_variants)
    # a variant's first field is its form's index (read as one, by the renderers too)
    rows = Rows(variants, variants_at, len(VARIANT_FIELDS), path, VARIANT_KINDS,
                limits=((0, n_forms),))
    forms = ints(variant_form, n_variants)
    check_ints(forms, 4, 0, n_forms)
    fast_ = ints(fast, len(packed))
    check_ints(fast_, 4, -1, n_variants)
    keep_ = ints(keep, len(packed))  # the variant the C scanner keeps alone, or -1
    check_ints(keep_, 4, -1, n_variants)
    if not (len(simple) == len(blanked) == len(capital_only) == len(groups)
            == len(packed) == len(modes) and len(rows) == n_variants):
        raise ValueError("tables of different lengths")
    tables = Tables(
        patterns=packed, candidates=groups, variants=rows, variant_form=forms,
        simple=bytes(simple), blanked=bytes(blanked), capital_only=bytes(capital_only),
        fast=fast_, modes=modes, exact=exact, exact_at=exact_at, keep=keep,
        multiword=bool(multiword), reach=reach,
    )
    return tables, state if has_state else None


def _save_tables(path: str, tables: Tables, state: bytes | None) -> None:
    """Write compiled tables (and the trie's arrays) atomically; a cache that cannot be
    written is skipped, with one warning (:func:`~glossator.store.columns.write_kept`)."""
    t = tables
    header = (TABLES_VERSION, t.multiword, len(t.variants), state is not None, t.reach)
    sections = (
        *pack_bytes(t.patterns), *Groups.pack(t.candidates), *Rows.pack(t.variants),
        bytes(t.variant_form), t.simple, t.blanked, t.capital_only, bytes(t.fast), t.modes,
        t.exact, t.exact_at, t.keep, state or b"",
    )
    write_kept(path, os.path.dirname(path) or ".", header, sections)


def cached_matcher(
    glossary: Glossary, options: MatchOptions, cache_dir: str | os.PathLike[str]
) -> Matcher:
    """The matcher of ``glossary`` with ``options``, from the tables kept in ``cache_dir``
    when they are there and sound, else compiled and kept there for the next process.

    The file is named after the glossary's source (:func:`~.glossaries.source_of`), so
    that a new version of the glossary file removes it.
    """
    forms = glossary.forms()
    key = _cache_key(forms, options, glossary.digest)
    source = source_of(glossary.digest)
    name = f"matcher-{source}-{key}" if source else f"matcher-{key}"
    path = os.path.join(os.path.normpath(cache_dir), f"{name}.cache")  # no pathlib at start-up
    with paused_gc():  # millions of acyclic objects (see glossator._gc)
        loaded = _load_tables(path, len(forms))
    matcher = None
    if loaded is not None:
        try:
            matcher = Matcher(glossary, options, tables=loaded[0], trie_state=loaded[1])
        except (ValueError, IndexError, CacheError):  # tables the scanner refuses
            drop_damaged(path)
            loaded = None
    if matcher is None:
        matcher = Matcher(glossary, options)
    if loaded is None or not matcher.trie_restored:
        state = matcher.trie_state()
        if loaded is None or state is not None:  # new tables, or a trie they lacked
            _save_tables(path, matcher.tables, state)
    return matcher
