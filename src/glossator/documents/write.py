"""Writing outputs: whole or not at all, in the encoding asked for.

Every file glossator writes goes through :func:`write_file`: the bytes go to a hidden file
beside the target, which then replaces it, so an interrupted run never leaves a truncated
output.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, UsageError

__all__ = ["check_targets", "current_umask", "encode", "partial_files", "terminated", "write_file"]


def terminated(text: str) -> str:
    """``text`` ending with a line break (unless empty)."""
    return text if text.endswith("\n") or not text else text + "\n"


def encode(body: str, encoding: str = "utf-8", bom: bytes = b"") -> bytes:
    """``body`` in ``encoding`` after ``bom``: characters it lacks become HTML character
    references."""
    return bom + body.encode(encoding, errors="xmlcharrefreplace")


def write_file(path: str, body: str, encoding: str = "utf-8", bom: bytes = b"") -> None:
    """Write ``body`` to ``path`` (:func:`encode`); ``InputError`` if it cannot be.

    A regular file is written whole or not at all: the bytes go to a new hidden file
    beside it (:func:`partial_files` finds those), which then replaces it, so an
    interrupted run never leaves a truncated output. A file replaced keeps its
    permissions; a new file gets those any program's new file gets, ``0666`` less the
    umask (``0644`` under the usual ``022``), so a web server running as another user
    can read the pages (the hidden file itself starts as ``0600``). A symbolic
    link is followed (the file it points to is replaced); a device or a pipe
    (``-o /dev/stdout``) is written in place.
    """
    import tempfile

    data = encode(body, encoding, bom)
    target = Path(os.path.realpath(path))
    try:
        if target.exists() and not target.is_file():
            target.write_bytes(data)
            return
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_PARTIAL,
                                       dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            try:  # a file replaced keeps its mode; a new one gets 0666 less the umask
                mode = stat.S_IMODE(target.stat().st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~current_umask()
            os.chmod(partial, mode)
            os.replace(partial, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
    except OSError as exc:
        raise InputError(exc.strerror or "cannot be written", file=path) from None


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux's
    ``/proc/self/status``); elsewhere set and restored at once."""
    with contextlib.suppress(OSError, ValueError), \
            open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The suffix of the files :func:`write_file` writes before they are complete.
_PARTIAL = ".glossator-partial"


def partial_files(path: str) -> list[Path]:
    """The files :func:`write_file` left beside ``path`` unfinished (a run stopped while
    it wrote)."""
    from glob import escape

    target = Path(os.path.realpath(path))
    return list(target.parent.glob(f".{escape(target.name)}.*{_PARTIAL}"))


def check_targets(inputs: Sequence[str], targets: Sequence[str],
                  twice_hint: str | None = None, *,
                  read: Sequence[tuple[str, str]] = ()) -> None:
    """Refuse to write over a file the run reads, or to write two outputs to the same file.

    Both happen silently otherwise: ``--output-dir .`` replaces ``a.txt`` by its annotated
    text, ``-o g.yaml -g g.yaml`` the glossary, and ``x/a.txt y/a.txt --output-dir out``
    keeps only the second output. ``inputs`` are the documents; ``read`` the other files
    read, each with what it is (``("g.yaml", "glossary")``). Files are compared by their
    real path and, when they exist, by device and inode, so that ``./a.txt``, a symbolic
    link or a hard link to a file read is caught too. ``twice_hint`` replaces the advice
    for the second case.
    """
    protected = [(name, "an input file") for name in inputs] + [
        (name, f"the {what} {name}") for name, what in read]
    paths: dict[str, str] = {}
    nodes: dict[tuple[int, int], str] = {}
    for name, what in protected:
        real, node = _identity(name)
        paths.setdefault(real, what)
        if node is not None:
            nodes.setdefault(node, what)
    seen: set[str] = set()
    for target in targets:
        real, node = _identity(target)
        what = paths.get(real) or (nodes.get(node) if node is not None else None)
        if what is not None:
            raise UsageError(f"the output {target} would overwrite {what}",
                             hint="write the output elsewhere")
        if real in seen:
            raise UsageError(f"two inputs would be written to the same output {target}",
                             hint=twice_hint or "give their folder instead (its tree is "
                             "kept under --output-dir), or annotate them separately")
        seen.add(real)


def _identity(name: str) -> tuple[str, tuple[int, int] | None]:
    """The real path of ``name`` (symbolic links followed; a loop left as it is), and
    its device and inode if it exists."""
    real = os.path.realpath(name)
    try:
        status = os.stat(real)
    except (OSError, ValueError):
        return real, None
    return real, (status.st_dev, status.st_ino)
