"""Batches of documents on one machine: the inputs (files, folders, glob patterns, a list
of paths), the progress bar, the closing summary and its JSON report, and the manifest of
``--incremental`` runs. The work itself is the runner's (:func:`glossator.runner.write_each`).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .errors import InputError, UsageError, os_reason
from .runner import DocumentResult

__all__ = ["MANIFEST_NAME", "REPORT_VERSION", "Manifest", "Progress", "Summary",
           "file_digest", "input_paths", "settings_digest", "shown"]

#: The manifest ``--incremental`` keeps in the output folder (hidden: never an input).
MANIFEST_NAME = ".glossator-manifest.json"
#: The version of the manifest's and the report's JSON shapes.
REPORT_VERSION = 1
_MAGIC = frozenset("*?[")
#: What a terminal would act on (controls, DEL, C1, BiDi embeddings, overrides and
#: isolates, lone surrogates): shown as a visible escape in the summary's lines, which
#: quote entry ids and paths (the convention of issue 16's ``text/inert.py``).
_ACTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(text: str) -> str:
    """``text`` with every character a terminal acts on as a visible escape (``\\x1b``)."""
    return _ACTIVE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)


# -- inputs -----------------------------------------------------------------------------

def input_paths(files: Sequence[str], files_from: str | None = None,
                null: bool = False) -> list[str]:
    """The paths to annotate: ``files`` (a pattern such as ``site/**/*.html`` that names
    no file is expanded, in name order), then those listed in ``files_from`` (``-``:
    standard input), one a line, or separated by NUL characters with ``null`` (``find
    -print0``). An empty list is standard input."""
    paths: list[str] = []
    for name in files:
        if name != "-" and _MAGIC & set(name) and not os.path.lexists(name):
            found = sorted(glob.glob(name, recursive=True))
            if not found:
                raise InputError("no file matches this pattern", file=name,
                                 hint="quote the pattern, or check it")
            paths.extend(found)
        else:
            paths.append(name)
    if files_from is not None:
        if files_from == "-" and "-" in paths:
            raise UsageError("--files-from - reads the list on standard input, which "
                             "cannot be an input too")
        listed = _listed(files_from, null)
        if not listed and not paths:
            raise InputError("lists no file", file=files_from)
        paths.extend(listed)
    return paths


def _list_error(exc: OSError, source: str) -> InputError:
    """The one-line error for the list of files ``source`` (``--files-from``) that
    cannot be read."""
    import errno

    what = "the list of files given to --files-from"
    if exc.errno == errno.ENOENT:
        return InputError(f"no such file: {what}", file=source,
                          hint="check its name; --files-from - reads the list on "
                          "standard input")
    if exc.errno == errno.EISDIR:
        return InputError(f"is a folder, not {what}", file=source,
                          hint="name a file with one path a line, or give the folder "
                          "itself as an input")
    return InputError(f"{what} cannot be read: {os_reason(exc)}", file=source)


def _listed(source: str, null: bool) -> list[str]:
    """The paths listed in ``source`` (``-``: standard input)."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise _list_error(exc, source) from None
    text = os.fsdecode(data)
    items = text.split("\0") if null else text.splitlines()
    return [p for p in items if p.strip()]


# -- progress ---------------------------------------------------------------------------

class Progress:
    """A progress bar on standard error (``rich``, imported only then): files done and
    left, MB/s, the time left. Silent when standard error is not a terminal, or
    ``enabled`` is false (``-q``)."""

    def __init__(self, sizes: Sequence[int], enabled: bool = True,
                 stream: TextIO | None = None) -> None:
        stream = stream or sys.stderr
        self._files = len(sizes)
        self._done = 0
        self._bar: Any = None
        if not (enabled and stream.isatty() and len(sizes) > 1):
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )
        from rich.progress import (
            Progress as Bar,
        )

        self._bar = Bar(TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.fields[files]}"), TransferSpeedColumn(),
                        TimeRemainingColumn(), console=Console(file=stream),
                        transient=True)
        self._task = self._bar.add_task("annotating", total=max(1, sum(sizes)),
                                        files=self._label())
        self._bar.start()

    def _label(self) -> str:
        return f"{self._done}/{self._files} files, {self._files - self._done} left"

    def advance(self, result: DocumentResult) -> None:
        """One more input done (or failed, or unchanged)."""
        self._done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=result.size, files=self._label())

    def close(self) -> None:
        """Take the bar off the terminal."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# -- summary and report -----------------------------------------------------------------

@dataclass
class Summary:
    """What a batch did, as the closing summary and ``--report`` tell it."""

    started: float = field(default_factory=time.monotonic)
    results: list[DocumentResult] = field(default_factory=list)
    seconds: float | None = None
    #: the term of an entry id, for the summary's lines (``None``: the ids alone)
    term_of: Callable[[str], str | None] | None = None

    def add(self, result: DocumentResult) -> None:
        """One more input's result."""
        self.results.append(result)

    def finish(self) -> None:
        """The batch is over: the time stops."""
        self.seconds = time.monotonic() - self.started

    def counts(self) -> dict[str, int]:
        """Files read, written, unchanged and failed: *unchanged* are those
        ``--incremental`` skipped (not read) and those whose output held the same bytes
        already (read, and left as they were)."""
        failed = sum(r.error is not None for r in self.results)
        skipped = sum(r.unchanged for r in self.results)
        same = sum(r.same and r.error is None for r in self.results)
        return {"read": len(self.results) - skipped, "written":
                len(self.results) - failed - skipped - same, "unchanged": skipped + same,
                "failed": failed}

    def entries(self) -> dict[str, int]:
        """Annotations per entry id, most first (ties by id)."""
        total: dict[str, int] = {}
        for r in self.results:
            for key, n in r.counts.items():
                total[key] = total.get(key, 0) + n
        return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_json(self) -> dict[str, Any]:
        """The report (``--report``): see docs/cli.md for its shape."""
        entries = self.entries()
        size = sum(r.size for r in self.results if not r.unchanged)
        seconds = round(self.seconds if self.seconds is not None else 0.0, 3)
        return {
            "version": REPORT_VERSION,
            "files": self.counts(),
            "bytes": size,
            "seconds": seconds,
            "annotations": {"total": sum(entries.values()), "entries": entries,
                            "top": [[k, n] for k, n in list(entries.items())[:10]]},
            "documents": [{"input": r.name, "output": r.target, "status":
                           "failed" if r.error is not None else
                           "unchanged" if r.unchanged or r.same else "written",
                           "bytes": r.size, "annotations": sum(r.counts.values()),
                           **({"error": r.error} if r.error is not None else {})}
                          for r in self.results],
        }

    def lines(self) -> list[str]:
        """The closing summary, one screen at most."""
        c = self.counts()
        seconds = self.seconds if self.seconds is not None else 0.0
        size = sum(r.size for r in self.results if not r.unchanged)
        rate = f", {size / 1e6 / seconds:.1f} MB/s" if seconds > 0 and size else ""
        out = [f"glossator: {_count(c['read'], 'file')} read, {c['written']} written, "
               f"{c['unchanged']} unchanged, {c['failed']} failed in {seconds:.1f} s "
               f"({size / 1e6:.1f} MB{rate})"]
        entries = self.entries()
        if entries:
            total = sum(entries.values())
            out.append(f"glossator: {_count(total, 'annotation')} of "
                       f"{_count(len(entries), 'entry', 'entries')}; the most frequent:")
            top = [(shown(self._named(k)), n) for k, n in list(entries.items())[:10]]
            width = max(len(k) for k, _ in top)
            out += [f"  {k:<{width}}  {n}" for k, n in top]
        return out

    def _named(self, entry_id: str) -> str:
        """How the summary names an entry: its term, with its id where the term alone
        does not say it (an explicit id, a sense: ``CA (ca-2)``); the id without
        :attr:`term_of`."""
        from .anchors import SENSES_SUFFIX

        first = entry_id.removesuffix(SENSES_SUFFIX)
        term = self.term_of(first) if self.term_of is not None else None
        if term is None:
            return entry_id
        if first != entry_id:  # shown with every sense: no one entry
            return f"{term} (every sense)"
        from .text.normalize import slugify

        return term if slugify(term) == entry_id else f"{term} ({entry_id})"

    def write_report(self, path: str) -> None:
        """The report as JSON, written whole or not at all."""
        from .documents.write import write_file

        write_file(path, json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n")


def _count(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun, in the plural but for 1 (``1 entry``, ``3 entries``)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


# -- --incremental ----------------------------------------------------------------------

def file_digest(path: str) -> str:
    """The SHA-256 of a file's bytes, read in pieces (``""`` if it cannot be read: then
    it is done again, and its own error said there)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def settings_digest(options: dict[str, Any], glossaries: Iterable[str]) -> str:
    """What decides every output besides the input: glossator's version, the options
    (``options``: plain values), and the glossary files' bytes (the bundled glossary is
    glossator's version)."""
    from ._version import __version__

    digest = hashlib.sha256(json.dumps(
        {"glossator": __version__, "options": options}, sort_keys=True, default=str,
    ).encode())
    for name in glossaries:
        digest.update(name.encode())
        digest.update(file_digest(name).encode())
    return digest.hexdigest()


class Manifest:
    """The manifest of an ``--incremental`` run, in folder ``root``: the settings'
    digest, and for each output (by its path under ``root``) the digest of the input it
    was made from, and that input's path (from ``root``). An input whose digest is the
    one recorded, with its output still there, is not done again; other settings redo
    everything."""

    def __init__(self, root: str, settings: str) -> None:
        self.root = root
        self.path = str(Path(root) / MANIFEST_NAME)
        self.settings = settings
        self.files: dict[str, str] = {}
        #: each output's input, as a path from the root (none in a manifest before them)
        self.sources: dict[str, str] = {}
        #: why everything is done again (``None`` when the manifest was used)
        self.reason: str | None = None
        #: the outputs an earlier run recorded with other settings (then set aside)
        self.earlier: list[str] = []
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(Path(self.path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.reason = f"no manifest in {shown(self.root)} yet: annotating everything"
            return
        except (OSError, ValueError):
            self.reason = f"{shown(self.path)} is damaged: annotating everything"
            return
        if (not isinstance(data, dict) or data.get("version") != REPORT_VERSION
                or not isinstance(data.get("files"), dict)
                or not all(isinstance(v, str) for v in data["files"].values())):
            self.reason = f"{shown(self.path)} is damaged: annotating everything"
            return
        sources = data.get("sources", {})
        if not isinstance(sources, dict) or not all(isinstance(v, str)
                                                    for v in sources.values()):
            self.reason = f"{shown(self.path)} is damaged: annotating everything"
            return
        if data.get("settings") != self.settings:
            self.reason = "the glossary, the options or glossator changed: annotating everything"
            self.earlier = sorted(data["files"])
            return
        self.files = dict(data["files"])
        self.sources = {k: v for k, v in sources.items() if k in self.files}

    def key(self, target: str) -> str:
        """The name of ``target`` in the manifest: its path under the root."""
        return os.path.relpath(os.path.abspath(target), os.path.abspath(self.root))

    def unchanged(self, target: str, digest: str) -> bool:
        """Whether ``target`` was made from an input with ``digest`` and is still there."""
        return (bool(digest) and self.files.get(self.key(target)) == digest
                and os.path.isfile(target))

    def record(self, target: str, digest: str | None) -> None:
        """``target`` is now made from an input with ``digest`` (``None``: it failed)."""
        if digest:
            self.files[self.key(target)] = digest
        else:
            self.files.pop(self.key(target), None)
            self.sources.pop(self.key(target), None)

    def made_from(self, target: str, source: str) -> None:
        """``target`` is this run's output of the input file ``source``."""
        self.sources[self.key(target)] = self.key(source)

    def orphans(self, targets: Iterable[str]) -> list[str]:
        """The outputs an earlier run made whose input file is gone, and which this run
        (making ``targets``) did not make: still there, each named once, then dropped
        from the manifest (an output whose input was merely left out of this run stays
        recorded, and one gone is dropped quietly)."""
        root, made = Path(self.root), {self.key(t) for t in targets}
        found = []
        for key, source in list(self.sources.items()):
            if key in made or (root / source).exists():
                continue
            if (root / key).is_file():
                found.append(str(root / key))
            del self.sources[key]
            self.files.pop(key, None)
        return sorted(found)

    def left_behind(self) -> list[str]:
        """The outputs an earlier run made with other settings that this run did not
        make again and that are still there (under the root): after ``-f text`` follows
        ``-f html``, say, each ``x.html`` beside its new ``x.txt``."""
        root = Path(self.root)
        return [str(root / key) for key in self.earlier
                if key not in self.files and (root / key).is_file()]

    def save(self) -> None:
        """Write the manifest, whole or not at all."""
        from .documents.write import write_file

        body = {"version": REPORT_VERSION, "settings": self.settings,
                "files": dict(sorted(self.files.items())),
                "sources": dict(sorted(self.sources.items()))}
        write_file(self.path, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
