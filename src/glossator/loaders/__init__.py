"""Glossary loaders, one module per format, found by file suffix in a registry.

A loader is a function ``(data: bytes, name: str) -> Glossary``. Third-party packages add
formats through the ``glossator.loaders`` entry-point group (name = format, value =
``module:function``); :func:`register_loader` does the same at run time.

When the caller names the file's encoding (``--glossary-encoding``), a loader that takes an
``encoding`` keyword receives it (the built-in ones do: XML formats need the bytes); any
other loader receives the text re-encoded as UTF-8.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from functools import cache
from importlib import import_module

from ..errors import GlossaryError, GlossatorWarning, UsageError
from ..glossary import Glossary
from ..model import Diagnostic, GlossaryProblems, Location
from ..reading import suffix_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "Loader", "available_formats", "check_glossary_file", "load_glossary", "parse_glossary",
    "read_glossary", "register_loader",
]

Loader = Callable[[bytes, str], Glossary]

#: format name -> (suffixes, "module:function") for the built-in loaders (imported lazily)
_BUILTIN: dict[str, tuple[tuple[str, ...], str]] = {
    "yaml": ((".yaml", ".yml"), "glossator.loaders.yaml:load"),
    "json": ((".json",), "glossator.loaders.json:load"),
    "toml": ((".toml",), "glossator.loaders.toml:load"),
    "csv": ((".csv",), "glossator.loaders.csv:load"),
    "tsv": ((".tsv",), "glossator.loaders.csv:load_tsv"),
    "tbx": ((".tbx",), "glossator.loaders.tbx:load"),
    "skos": ((), "glossator.loaders.skos:load"),
    "skos-ttl": ((".ttl",), "glossator.loaders.skos:load_turtle"),
    "skos-rdfxml": ((".rdf",), "glossator.loaders.skos:load_rdfxml"),
}
_REGISTERED: dict[str, tuple[tuple[str, ...], Loader]] = {}
_ENTRY_POINTS_LOADED = False

#: Glossary files larger than this are refused (a glossary of 100 000 entries is ~20 MB).
MAX_GLOSSARY_BYTES = 256 * 1024 * 1024


def register_loader(name: str, suffixes: tuple[str, ...], loader: Loader) -> None:
    """Make ``loader`` read glossaries of format ``name`` and files ending in ``suffixes``."""
    _REGISTERED[name] = (tuple(s.lower() for s in suffixes), loader)


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    from importlib.metadata import entry_points

    for ep in entry_points(group="glossator.loaders"):
        if ep.name not in _REGISTERED and ep.name not in _BUILTIN:
            fn = ep.load()
            suffixes = tuple(getattr(fn, "suffixes", (f".{ep.name}",)))
            register_loader(ep.name, suffixes, fn)


def available_formats() -> list[str]:
    """Names of the glossary formats that can be read."""
    _load_entry_points()
    return sorted({*_BUILTIN, *_REGISTERED})


def _resolve(name: str) -> Loader:
    if name in _REGISTERED:
        return _REGISTERED[name][1]
    module, _, func = _BUILTIN[name][1].partition(":")
    fn: Loader = getattr(import_module(module), func)
    return fn


def _format_for(path: str, fmt: str | None) -> str:
    if fmt is not None:
        if fmt in _BUILTIN or fmt in _REGISTERED:
            return fmt  # without reading the installed packages' entry points (slow)
        if fmt not in available_formats():  # (asked for: a usage error, as -f's)
            raise UsageError(
                f"unknown glossary format '{fmt}'",
                hint=f"use one of: {', '.join(available_formats())}",
            )
        return fmt
    suffix = suffix_of(path).lower()
    for name, (suffixes, _) in {**_BUILTIN, **_REGISTERED}.items():
        if suffix in suffixes:
            return name
    _load_entry_points()
    for name, (suffixes, _) in _REGISTERED.items():
        if suffix in suffixes:
            return name
    raise GlossaryError(
        f"cannot tell the glossary format from the suffix '{suffix or '(none)'}'",
        file=path,
        hint=f"rename the file or pass --glossary-format ({', '.join(available_formats())})",
    )


def check_glossary_file(name: str) -> None:
    """Raise the ``GlossaryError`` of ``name`` when it is no glossary file: missing, or
    a folder (the words every command uses)."""
    if os.path.isdir(name):  # before the suffix: a folder has none to tell a format by
        raise GlossaryError("is a directory, not a glossary file", file=name,
                            hint="name a glossary file, e.g. DIR/glossaire.yaml")
    if not os.path.lexists(name):
        raise GlossaryError("no such glossary file", file=name)


def read_glossary(
    path: str | os.PathLike[str], *, format: str | None = None, encoding: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Glossary:
    """Read one glossary file, returning it with its diagnostics (no warnings emitted).

    ``encoding`` names the file's encoding (default: UTF-8, or what an XML file declares).
    With ``cache_dir``, the checked glossary is kept there (:mod:`glossator.cache`) and
    the next read of the same bytes skips parsing and checking.
    """
    from ..reading import read_bytes

    name = os.fspath(path)
    check_glossary_file(name)
    fmt = _format_for(name, format)
    data = read_bytes(name, limit=MAX_GLOSSARY_BYTES, error=GlossaryError,
                      what="glossary file")
    if cache_dir is None:
        return parse_glossary(data, name, fmt, encoding=encoding)
    from ..store.glossaries import glossary_digest, load_cached_glossary, save_cached_glossary

    digest = glossary_digest(data, name, fmt, encoding)
    glossary = load_cached_glossary(cache_dir, digest)
    if glossary is None:
        glossary = parse_glossary(data, name, fmt, encoding=encoding)
        save_cached_glossary(cache_dir, digest, glossary)
        glossary.digest = digest
    return glossary


def parse_glossary(
    data: bytes, name: str, format: str, *, encoding: str | None = None
) -> Glossary:
    """Read a glossary of ``format`` from ``data`` (``name`` is used in messages)."""
    from .._gc import paused_gc

    with paused_gc():  # a large glossary is millions of acyclic objects
        return _parse(data, name, format, encoding)


def _parse(data: bytes, name: str, format: str, encoding: str | None) -> Glossary:
    fmt = _format_for(name, format)
    loader = _resolve(fmt)
    if encoding is None:
        glossary = loader(data, name)
    elif _takes_encoding(loader):
        glossary = loader(data, name, encoding=encoding)  # type: ignore[call-arg]
    else:
        from .yaml import decode

        glossary = loader(decode(data, name, encoding).encode("utf-8"), name)
    if not len(glossary):  # an empty list is no more use than an empty file
        _no_entries(glossary, name, fmt)
    return glossary


#: How to add an entry, by format, for the error of a glossary without any.
_ADD_ENTRIES = {
    "yaml": "add entries, each '- term: …' followed by 'definition: …'",
    "json": 'add entries to the array: {"term": "…", "definition": "…"}',
    "toml": 'add entries, each an [[entries]] line with term = "…" and definition = "…"',
    "csv": "add one row per entry under the header row",
    "tsv": "add one row per entry under the header row",
    "tbx": "add <termEntry> elements with a French term and a definition",
}


def _no_entries(glossary: Glossary, name: str, fmt: str) -> None:
    """Raise the error of a glossary without a usable entry, with the warnings that say
    why each entry was skipped."""
    skipped = sum(d.code in ("skipped-entry", "skipped-concept") for d in glossary.diagnostics)
    why = (f": each of its entries is skipped ({skipped} warning{'s' * (skipped > 1)})"
           if skipped else "")
    hint = _ADD_ENTRIES.get(fmt, "add entries, each with a term and a definition")
    raise GlossaryProblems([*glossary.diagnostics, Diagnostic(
        "error", f"the glossary has no entries{why}", Location(name, None if skipped else 1), hint,
        "load-error")])


@cache
def _takes_encoding(loader: Loader) -> bool:
    import inspect

    try:
        return "encoding" in inspect.signature(loader).parameters
    except (TypeError, ValueError):
        return False


def load_glossary(
    *paths: str | os.PathLike[str],
    format: str | None = None,
    strict: bool = False,
    encoding: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Glossary:
    """Load and merge glossary files; a form two files define
    differently keeps both definitions, as senses.

    Problems that do not stop loading (an unknown key, a duplicate term) are emitted as
    :class:`~glossator.errors.GlossatorWarning` and kept in ``Glossary.diagnostics``;
    with ``strict=True`` they raise, all at once, :class:`~glossator.model.GlossaryProblems`
    (a :class:`~glossator.errors.GlossaryError`).
    ``encoding`` names the files' encoding (default: UTF-8); with ``cache_dir``, checked
    glossaries are kept there (:func:`read_glossaries`).
    With no path, the bundled glossary of the French social and solidarity economy is used.
    """
    if not paths:
        paths = (bundled_glossary_path(),)
    glossary = read_glossaries(paths, format=format, encoding=encoding, cache_dir=cache_dir)
    GlossaryProblems.check(glossary.diagnostics, strict=strict)
    for diagnostic in glossary.diagnostics:
        warnings.warn(str(diagnostic), GlossatorWarning, stacklevel=2)
    return glossary


def read_glossaries(
    paths: Sequence[str | os.PathLike[str]], *, format: str | None = None,
    encoding: str | None = None, cache_dir: str | os.PathLike[str] | None = None,
) -> Glossary:
    """Read glossary files and merge them (the later file wins a clash), with their
    diagnostics, emitting no warning.

    With ``cache_dir``, each file is read through the cache (:func:`read_glossary`) and
    so is the merged glossary, keyed by the files' own keys in order: a run over the same
    files skips the merge, which checks every form again.
    """
    glossaries = []
    failed: list[Diagnostic] = []  # every file is read: the problems of each, at once
    for path in paths:
        try:
            glossaries.append(read_glossary(path, format=format, encoding=encoding,
                                            cache_dir=cache_dir))
        except GlossaryProblems as exc:
            failed.extend(exc.diagnostics)
        except GlossaryError as exc:
            from ..entries import error_diagnostic  # the entry rules: only on a failure

            failed.append(error_diagnostic(exc))
    if failed:
        raise GlossaryProblems(failed)
    if len(glossaries) == 1:
        return glossaries[0]
    digests = [g.digest for g in glossaries]
    if cache_dir is None or None in digests:
        return glossaries[0].merge(*glossaries[1:])
    from ..store.glossaries import load_cached_glossary, merged_digest, save_cached_glossary

    digest = merged_digest([d for d in digests if d is not None])
    merged = load_cached_glossary(cache_dir, digest)
    if merged is None:
        merged = glossaries[0].merge(*glossaries[1:])
        save_cached_glossary(cache_dir, digest, merged)
        merged.digest = digest
    return merged


def bundled_glossary_path(name: str = "ess-fr") -> Path:
    """Path of a glossary shipped with glossator (``ess-fr`` by default)."""
    from pathlib import Path

    return Path(bundled_glossary_file(name))


def bundled_glossary_file(name: str = "ess-fr") -> str:
    """:func:`bundled_glossary_path` as a string, without importing :mod:`pathlib`
    (the command line's default glossary, at start-up)."""
    here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for folder in (os.path.join(here, "_glossaries"),
                   os.path.join(os.path.dirname(os.path.dirname(here)), "glossaries")):
        candidate = os.path.join(folder, f"{name}.yaml")
        if os.path.isfile(candidate):
            return candidate
    raise GlossaryError(f"bundled glossary '{name}' is missing from this installation",
                        hint="reinstall glossator")
