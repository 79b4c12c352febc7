"""The service's named glossaries: loaded and compiled once, swapped whole when a file
changes.

Each name holds one :class:`Loaded` value at a time. A reload builds the new value aside
(read, check, compile) and only then replaces the old one, in one assignment: a request
sees the old glossary or the new one, never half of either. A file that no longer loads
keeps the old value serving and is reported once (until it changes again).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..annotate import Annotator
from ..errors import GlossaryError, GlossatorError, UsageError, os_reason
from ..glossary import Glossary
from ..loaders import check_glossary_file, read_glossaries
from ..model import GlossaryProblems
from .config import GlossarySpec

__all__ = ["Glossaries", "Loaded", "UnknownGlossary"]

#: ``(path, mtime_ns, size)`` of each file: what the poller compares.
Stamp = tuple[tuple[str, int, int], ...]


class UnknownGlossary(UsageError):
    """A request names a glossary the service does not have."""


@dataclass(frozen=True)
class Loaded:
    """One glossary as it serves: the glossary, its version (a digest of its files'
    bytes) and the stamp of its files when they were read."""

    spec: GlossarySpec
    glossary: Glossary
    version: str
    stamp: Stamp

    def annotator(self, *, occurrences: str = "first", max_per_entry: int | None = None,
                  accents: str = "strict", inflect: bool = True,
                  cache_dir: str | None = None, senses: str = "all",
                  domain: tuple[str, ...] = ()) -> Annotator:
        """An annotator of this glossary (its matcher is compiled once per options, what
        the senses learn of it once)."""
        return Annotator(self.glossary, occurrences=occurrences, max_per_entry=max_per_entry,
                         accents=accents, inflect=inflect, cache_dir=cache_dir,
                         senses=senses, domain=domain)


def _stamp(files: tuple[str, ...]) -> Stamp:
    """The stamp of ``files`` now (an ``OSError`` for a missing one)."""
    stamps = []
    for path in files:
        st = os.stat(path)
        stamps.append((path, st.st_mtime_ns, st.st_size))
    return tuple(stamps)


def _digest(files: tuple[str, ...]) -> str:
    """The version of a glossary: a digest of its files' names and bytes, in order."""
    h = hashlib.sha256()
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        h.update(os.path.basename(path).encode() + b"\0" + len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:16]


class Glossaries:
    """The named glossaries of the service, and their reloading.

    ``warn`` receives the warnings of a glossary's first load (one line each); ``log``
    the one line of a reload, done or failed; ``on_reload(name, ok)`` counts them.
    """

    def __init__(self, specs: tuple[GlossarySpec, ...], *, cache_dir: str | None = None,
                 strict: bool = False, warn: Callable[[str], None] = lambda _: None,
                 log: Callable[[str], None] = lambda _: None,
                 on_reload: Callable[[str, bool], None] = lambda _n, _ok: None) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.cache_dir = cache_dir
        self.strict = strict
        self._warn = warn
        self.log = log
        self.on_reload = on_reload
        self._current: dict[str, Loaded] = {}
        self._failed: dict[str, Stamp | None] = {}  # the stamp that failed, logged once
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def load_all(self) -> None:
        """Load and compile every glossary (an error stops the service before it starts)."""
        for spec in self.specs.values():
            self._current[spec.name] = self._load(spec, first=True)

    def _load(self, spec: GlossarySpec, first: bool = False) -> Loaded:
        """Read, check and compile ``spec``'s files (a ``GlossatorError`` if they fail)."""
        for name in spec.files:  # a missing file in the words of annotate's -g
            check_glossary_file(name)
        try:
            stamp = _stamp(spec.files)
            version = _digest(spec.files)
        except OSError as exc:
            raise GlossaryError(f"the glossary file cannot be read: {os_reason(exc)}",
                                file=exc.filename or spec.files[0]) from None
        glossary = read_glossaries(list(spec.files), format=spec.format,
                                   encoding=spec.encoding, cache_dir=self.cache_dir)
        GlossaryProblems.check(glossary.diagnostics, strict=self.strict)
        for d in glossary.diagnostics if first else ():
            self._warn(d.describe())
        loaded = Loaded(spec, glossary, version, stamp)
        loaded.annotator(cache_dir=self.cache_dir)  # compiled now, not by a first request
        return loaded

    def names(self) -> list[str]:
        """The names of the glossaries, in the order they were given."""
        return list(self.specs)

    def get(self, name: str) -> Loaded:
        """The glossary ``name`` as it serves now."""
        loaded = self._current.get(name)
        if loaded is None:
            known = ", ".join(self.specs)
            raise UnknownGlossary(f"unknown glossary '{name}'", hint=f"the glossaries: {known}")
        return loaded

    def poll(self) -> list[str]:
        """Reload each glossary whose files changed since it was read; the names
        reloaded."""
        reloaded = []
        for name, spec in self.specs.items():
            try:
                stamp: Stamp | None = _stamp(spec.files)
            except OSError:
                stamp = None
            if stamp == self._current[name].stamp or (
                    name in self._failed and self._failed[name] == stamp):
                continue
            if self._reload(name, spec, stamp):
                reloaded.append(name)
        return reloaded

    def _reload(self, name: str, spec: GlossarySpec, stamp: Stamp | None) -> bool:
        """Build ``name`` again and swap it in; on failure keep the old one and log once."""
        started = time.perf_counter()
        try:
            loaded = self._load(spec)
        except GlossatorError as exc:
            self._failed[name] = stamp
            self.log(f"glossary '{name}' not reloaded, version "
                      f"{self._current[name].version} still serves: {exc}")
            self.on_reload(name, False)
            return False
        self._current[name] = loaded  # the swap: one assignment
        self._failed.pop(name, None)
        self.log(f"glossary '{name}' reloaded: version {loaded.version}, "
                  f"{len(loaded.glossary)} entr{'y' if len(loaded.glossary) == 1 else 'ies'}, "
                  f"{(time.perf_counter() - started) * 1000:.0f} ms")
        self.on_reload(name, True)
        return True

    def start_polling(self, interval: float) -> None:
        """Poll the files every ``interval`` seconds in a daemon thread."""
        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.poll()
                except Exception as exc:  # the poller must outlive any surprise
                    self.log(f"glossary poller: {type(exc).__name__}: {exc}")

        self._thread = threading.Thread(target=loop, name="glossator-reload", daemon=True)
        self._thread.start()

    def stop_polling(self) -> None:
        """Stop the poller (it finishes the reload it is in)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
