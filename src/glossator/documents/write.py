"""Writing outputs: whole or not at all, in the encoding asked for.

Every file glossator writes goes through :func:`write_file`: the bytes go to a hidden file
beside the target, which then replaces it, so an interrupted run never leaves a truncated
output.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import InputError, UsageError

__all__ = ["check_targets", "current_umask", "encode", "partial_files", "terminated", "write_file",
           "write_parts"]


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
    write_parts(path, [encode(body, encoding, bom)])


def write_parts(path: str, parts: Iterable[bytes]) -> None:
    """Write the bytes of ``parts`` to ``path`` as they come (a streamed document), as
    :func:`write_file` writes: whole or not at all. An error raised while ``parts`` is
    produced leaves the target as it was."""
    import tempfile

    target = Path(os.path.realpath(path))
    try:
        if target.exists() and not target.is_file():
            with target.open("wb") as device:
                for data in parts:
                    device.write(data)
            return
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_PARTIAL,
                                       dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                for data in parts:
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
                  twice_hint: str | None = None) -> None:
    """Refuse to write over an input file, or to write two outputs to the same file.

    Both happen silently otherwise: ``--output-dir .`` replaces ``a.txt`` by its annotated
    text, and ``x/a.txt y/a.txt --output-dir out`` keeps only the second output.
    ``twice_hint`` replaces the advice for the second case.
    """
    sources = {Path(name).resolve() for name in inputs}
    seen: set[Path] = set()
    for target in targets:
        resolved = Path(target).resolve()
        if resolved in sources:
            raise UsageError(f"the output {target} would overwrite an input file",
                             hint="write the output elsewhere")
        if resolved in seen:
            raise UsageError(f"two inputs would be written to the same output {target}",
                             hint=twice_hint or "give their folder instead (its tree is "
                             "kept under --output-dir), or annotate them separately")
        seen.add(resolved)
