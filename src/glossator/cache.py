"""A disk cache of loaded glossaries, so that a large glossary starts in a fraction of a second.

Reading and validating a glossary of 100 000 entries takes seconds (parsing, checking every
key, deriving ids and forms, looking for duplicates). With a cache directory (``--cache-dir``
or ``$GLOSSATOR_CACHE_DIR``), the result is kept as plain data, keyed by a digest of the
file's bytes, its name, format and encoding, and glossator's version: any change to any of
them is a miss. The data is written with :mod:`marshal`, so no code can run from a cache
file; a damaged or stale file is ignored and rewritten.

A glossary loaded from the cache carries its digest, which the compiled-matcher cache
(:mod:`glossator.matcher`) uses as its key instead of hashing every form again.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any, TypeVar

from ._gc import paused_gc
from .glossary import Diagnostic, Form, Glossary
from .model import Entry, Location

__all__ = ["glossary_digest", "load_cached_glossary", "save_cached_glossary"]

#: Bumped whenever the cached shape changes.
_VERSION = 1
_T = TypeVar("_T")


def glossary_digest(data: bytes, name: str, format: str, encoding: str | None) -> str:
    """The cache key of the glossary read from ``data``."""
    from . import __version__

    digest = hashlib.sha256(repr((_VERSION, __version__, name, format, encoding)).encode())
    digest.update(data)
    return digest.hexdigest()[:32]


def _path(cache_dir: str | os.PathLike[str], digest: str) -> Path:
    return Path(cache_dir) / f"glossary-{digest}.marshal"


def _location(loc: Location | None) -> tuple[str | None, int | None] | None:
    return None if loc is None else (loc.file, loc.line)


def _diagnostic(d: Diagnostic) -> tuple[Any, ...]:
    return (d.level, d.message, _location(d.location), d.hint, d.code)


def save_cached_glossary(
    cache_dir: str | os.PathLike[str], digest: str, glossary: Glossary
) -> None:
    """Keep ``glossary`` under ``digest``; a cache that cannot be written is skipped."""
    index = {id(e): i for i, e in enumerate(glossary.entries)}
    entries = tuple(
        (e.term, e.definition, e.id, e.title, e.aliases, e.case_sensitive, e.url, e.source,
         e.tags, e.inflect, e.hyphen_variants, e.not_in, e.max_occurrences,
         _location(e.origin), e.key_lines)
        for e in glossary.entries
    )
    forms = tuple((f.text, index[id(f.entry)], f.is_alias, f.case_sensitive, f.key)
                  for f in glossary._all_forms)
    state = (
        _VERSION, glossary.name, glossary.metadata, entries, forms,
        tuple(_diagnostic(d) for d in glossary._loaded),
        tuple(_diagnostic(d) for d in glossary.diagnostics),
    )
    path = _path(cache_dir, digest)
    try:
        blob = marshal.dumps(state)
    except ValueError:  # metadata marshal cannot hold: not cached
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, path)
    except OSError:
        pass


def load_cached_glossary(cache_dir: str | os.PathLike[str], digest: str) -> Glossary | None:
    """The glossary kept under ``digest``, or ``None`` (missing, damaged or stale)."""
    with paused_gc():
        return _load(cache_dir, digest)


def _load(cache_dir: str | os.PathLike[str], digest: str) -> Glossary | None:
    try:
        state = marshal.loads(_path(cache_dir, digest).read_bytes())
        version, name, metadata, entries, forms, loaded, diagnostics = state
        if version != _VERSION:
            return None
        built: tuple[Entry, ...] = _restore_all(Entry, _ENTRY_SETTERS, entries, location=True)
        all_forms: tuple[Form, ...] = _restore_all(
            Form, _FORM_SETTERS,
            [(text, built[i], alias, cs, key) for text, i, alias, cs, key in forms])
        return Glossary._restore(
            built, all_forms, name=name, metadata=metadata,
            loaded=tuple(_restore_diagnostic(d) for d in loaded),
            diagnostics=tuple(_restore_diagnostic(d) for d in diagnostics),
            digest=digest,
        )
    except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError):
        return None


def _setters(cls: type) -> tuple[Any, ...]:
    """The slot descriptors' setters of a frozen dataclass, in field order."""
    return tuple(getattr(cls, name).__set__ for name in vars(cls)["__slots__"])


_ENTRY_SETTERS = _setters(Entry)
_FORM_SETTERS = _setters(Form)
_new = object.__new__


#: The field of an entry row that holds its origin, a ``Location`` kept as a tuple.
_ORIGIN_INDEX = list(Entry.__dataclass_fields__).index("origin")


def _restore_all(
    cls: type[_T], setters: tuple[Any, ...], rows: Any, location: bool = False
) -> tuple[_T, ...]:
    """Instances of ``cls`` from rows of field values: in C when the scanner module is
    built (``glossator._scan.restore``), else one by one in Python. With ``location``,
    the origin field holds a ``(file, line)`` tuple to make a :class:`Location` of."""
    from .matcher import ACCELERATOR

    if ACCELERATOR is not None:
        if not location:
            restored: tuple[_T, ...] = ACCELERATOR.restore(cls, rows)
        else:
            restored = ACCELERATOR.restore(cls, rows, _ORIGIN_INDEX, Location)
        return restored
    if location:
        i = _ORIGIN_INDEX
        rows = [(*r[:i], Location(*r[i]) if r[i] else None, *r[i + 1:]) for r in rows]
    return tuple(_restore(cls, setters, row) for row in rows)


def _restore(cls: type[_T], setters: tuple[Any, ...], values: tuple[Any, ...]) -> _T:
    """An instance of a frozen, slotted dataclass from its field values, without running
    ``__init__`` (three times faster; the values were checked when the cache was written)."""
    obj = _new(cls)
    for set_field, value in zip(setters, values, strict=True):
        set_field(obj, value)
    return obj


def _restore_diagnostic(d: tuple[Any, ...]) -> Diagnostic:
    level, message, loc, hint, code = d
    return Diagnostic(level, message, Location(*loc) if loc else None, hint, code)
