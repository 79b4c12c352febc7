"""Writing outputs: whole or not at all, in the encoding asked for.

Every file glossator writes goes through :func:`write_file`: the bytes go to a hidden file
beside the target, which then replaces it, so an interrupted run never leaves a truncated
output.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence

from .._lazy import lazy_pattern
from ..errors import InputError, UsageError, os_reason

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

__all__ = [
    "STALE_AFTER", "check_output_file", "check_targets", "current_umask", "encode",
    "folder_error",
    "partial_files", "remove_stale_partials", "terminated", "write_error", "write_file",
    "write_parts", "write_with",
]


def terminated(text: str) -> str:
    """``text`` ending with a line break (unless empty)."""
    return text if text.endswith("\n") or not text else text + "\n"


def encode(body: str, encoding: str = "utf-8", bom: bytes = b"", fmt: str = "html") -> bytes:
    """``body`` in ``encoding`` after ``bom``. A character the encoding lacks is written
    as output format ``fmt`` can write it: an HTML character reference in HTML and
    Markdown (and what is not an annotated output: pages' assets, reports); a ``\\uXXXX``
    escape in JSON (every such character is inside one of its strings); a ``?`` in the
    ``terminal`` view, as a terminal that cannot show it would; in ``text`` output, which
    has no way to write it, it is an error naming it. (A lone surrogate, which UTF-8
    lacks, is a reference in every format, as the renderers' C loop writes it.)"""
    if encoding == "utf-8" or fmt not in ("json", "text", "terminal"):
        return bom + body.encode(encoding, errors="xmlcharrefreplace")
    if fmt == "json":
        return bom + body.encode(encoding, errors=_json_escapes())
    if fmt == "terminal":
        return bom + body.encode(encoding, errors="replace")
    try:
        return bom + body.encode(encoding)
    except UnicodeEncodeError as exc:
        c = exc.object[exc.start]
        line = exc.object.count("\n", 0, exc.start) + 1
        raise InputError(
            f"the output cannot be written in {encoding}: it has {c!r} (U+{ord(c):04X}) on "
            f"line {line}, which {fmt} output has no other way to write",
            hint="use --output-encoding utf-8, or -f html, markdown or json, which write "
                 "it as a reference") from None


#: The codec error handler :func:`encode` names for JSON (registered once, when first used).
_JSON_ERRORS = "glossator.json"


def _json_escapes() -> str:
    """The name of a codec error handler that writes each character an encoding lacks as
    JSON's ``\\uXXXX`` escape (a pair of them, by UTF-16 surrogates, above U+FFFF)."""
    import codecs

    try:
        codecs.lookup_error(_JSON_ERRORS)
    except LookupError:
        codecs.register_error(_JSON_ERRORS, _json_escape)
    return _JSON_ERRORS


def _json_escape(exc: UnicodeError) -> tuple[str, int]:
    """What :func:`_json_escapes` writes for the characters ``exc`` names."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for c in exc.object[exc.start:exc.end]:
        n = ord(c)
        if n > 0xFFFF:
            n -= 0x10000
            out.append(f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}")
        else:
            out.append(f"\\u{n:04x}")
    return "".join(out), exc.end


def write_file(path: str, body: str, encoding: str = "utf-8", bom: bytes = b"", *,
               clean: bool = True, fmt: str = "html") -> bool:
    """Write ``body`` to ``path`` (:func:`encode`, for output format ``fmt``);
    ``InputError`` if it cannot be.

    A regular file is written whole or not at all: the bytes go to a new hidden file
    beside it (:func:`partial_files` finds those), which then replaces it, so an
    interrupted run never leaves a truncated output. A file replaced keeps its
    permissions; a new file gets those any program's new file gets, ``0666`` less the
    umask (``0644`` under the usual ``022``), so a web server running as another user
    can read the pages (the hidden file itself starts as ``0600``). A symbolic
    link is followed (the file it points to is replaced); a device or a pipe
    (``-o /dev/stdout``) is written in place.

    Once the file is written, the hidden files that earlier runs killed while writing
    it left behind are removed (:func:`remove_stale_partials`); ``clean=False`` leaves
    that to the caller, which writes many files and cleans once per directory.
    Whether the file was written: one that holds these bytes already is left as it was.
    """
    return write_parts(path, [encode(body, encoding, bom, fmt)], clean=clean)


def write_parts(path: str, parts: Iterable[bytes], *, clean: bool = True) -> bool:
    """Write the bytes of ``parts`` to ``path`` as they come (a streamed document), as
    :func:`write_file` writes: whole or not at all, stale partial files of ``path``
    removed after (unless ``clean`` is false). An error raised while ``parts`` is
    produced leaves the target as it was."""

    def produce(write: Callable[[bytes], object]) -> None:
        for data in parts:
            write(data)

    return write_with(path, produce, clean=clean)


def write_with(path: str, produce: Callable[[Callable[[bytes], object]], object], *,
               clean: bool = True) -> bool:
    """:func:`write_parts` for a writer that pushes: ``produce(write)`` hands its bytes
    to ``write`` as it makes them (a renderer's sink); whole or not at all, as
    :func:`write_file` writes. An error raised by ``produce`` leaves the target as it
    was (the hidden file is removed). Whether the target was written: a regular file
    that already holds exactly these bytes is left as it was, its time too, and no
    hidden file is made beside it (:class:`_Unless`), so a site's build, a sync or
    ``make`` sees the page, and its folder, unchanged."""
    from pathlib import Path  # writing a file: not at start-up

    target = Path(os.path.realpath(path))
    try:
        if target.exists() and not target.is_file():
            with target.open("wb") as device:
                produce(device.write)
            return True
        with _Unless(target) as out:
            produce(out.write)
            written = out.finish()
    except OSError as exc:
        raise write_error(exc, path) from None
    if clean:
        remove_stale_partials([path])
    return written


class _Unless:
    """The bytes of a new version of ``target``, compared with it as they come: while
    they are its bytes, nothing is written; at the first that differs (or when the new
    version ends first or runs on), a hidden file beside it gets the part the two share
    (copied from the target) and then the rest, and :meth:`finish` puts it in the
    target's place, with the target's permissions (a new file: ``0666`` less the
    umask)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.old: BinaryIO | None = None
        self.same = 0  # bytes of the target matched so far
        self.out: BinaryIO | None = None
        self.partial: str | None = None

    def __enter__(self) -> _Unless:
        # (gone, or not readable: written over as before, whole)
        with contextlib.suppress(OSError):
            self.old = self.target.open("rb")
        if self.old is None:
            self._diverge()
        return self

    def write(self, data: bytes) -> None:
        """Take the next bytes of the new version."""
        if self.out is None:
            assert self.old is not None
            if self.old.read(len(data)) == data:
                self.same += len(data)
                return
            self._diverge()
        assert self.out is not None
        self.out.write(data)

    def _diverge(self) -> None:
        """Start the hidden file, with the bytes the new version shares with the old."""
        import tempfile

        fd, self.partial = tempfile.mkstemp(prefix=f".{self.target.name}.{_writer()}.",
                                            suffix=_PARTIAL, dir=self.target.parent)
        self.out = os.fdopen(fd, "wb")
        if self.old is not None and self.same:
            self.old.seek(0)
            left = self.same
            while left:
                block = self.old.read(min(left, 1 << 20))
                if not block:
                    break
                self.out.write(block)
                left -= len(block)

    def finish(self) -> bool:
        """Put the new version in place, unless it is the target's bytes; whether it
        was."""
        if self.out is None:
            assert self.old is not None
            if not self.old.read(1):
                return False  # the same bytes: nothing written
            self._diverge()  # the old one runs on: the new one is shorter
        assert self.out is not None and self.partial is not None
        self.out.close()
        try:  # a file replaced keeps its mode; a new one gets 0666 less the umask
            mode = stat.S_IMODE(self.target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~current_umask()
        os.chmod(self.partial, mode)
        os.replace(self.partial, self.target)
        self.partial = None
        return True

    def __exit__(self, *exc: object) -> None:
        if self.old is not None:
            self.old.close()
        if self.out is not None:
            self.out.close()
        if self.partial is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.partial)


def check_output_file(path: str, folder_hint: str | None = None,
                      missing_hint: str | None = None) -> None:
    """Raise now, before any work, the error :func:`write_error` would give for ``path``
    when what is wrong shows without writing: ``path`` is a folder, or its folder is
    missing (or is a file)."""
    import errno

    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise write_error(IsADirectoryError(errno.EISDIR, "is a folder"), path, folder_hint)
    if not os.path.isdir(folder):
        code = errno.ENOTDIR if _a_file_above(path) else errno.ENOENT
        raise write_error(OSError(code, "no folder"), path, missing_hint=missing_hint)


def write_error(exc: OSError, path: str, folder_hint: str | None = None,
                missing_hint: str | None = None) -> InputError:
    """The one-line error for the file ``path`` that ``exc`` kept from being written:
    what is wrong with it (its folder missing, a folder itself…) and the fix.
    ``folder_hint`` is the advice when ``path`` is a folder (its name, quoted for a
    shell, stands for ``{path}``), ``missing_hint`` another way out when its folder is
    missing (``{folder}``: the folder's)."""
    import errno

    folder = os.path.dirname(path) or "."
    if exc.errno == errno.ENOENT and not os.path.isdir(folder):
        fix = f"create it first: mkdir -p {_quoted(folder)}"
        if missing_hint:
            fix += "; or " + missing_hint.replace("{folder}", _quoted(folder))
        return InputError(f"cannot be written: the folder {folder} does not exist",
                          file=path, hint=fix)
    if exc.errno == errno.EISDIR or os.path.isdir(path):
        return InputError("is a folder, not a file", file=path,
                          hint=(folder_hint or "name a file to write").replace(
                              "{path}", _quoted(path)))
    if exc.errno == errno.ENOTDIR:
        above = _a_file_above(path) or "a folder of it"
        return InputError(f"cannot be written: {above} is a file, not a folder",
                          file=path, hint="name a file in a folder")
    reason = os_reason(exc)
    return InputError(f"cannot be written: {reason}", file=path,
                      hint="write it to a folder you can write to"
                      if reason == "permission denied" else None)


def folder_error(exc: OSError, folder: str, option: str | None = None) -> InputError:
    """The one-line error for the folder ``folder`` (given by ``option``, if any) that
    ``exc`` kept from being made: a file in its place, permission denied…, and the fix."""
    import errno

    fix = (f"{option} names the folder to write into: give a new one or an existing one"
           if option else "move that file out of the way")
    if exc.errno == errno.EEXIST or (exc.errno == errno.ENOTDIR and os.path.isfile(folder)):
        return InputError("is a file, not a folder", file=folder, hint=fix)
    if exc.errno == errno.ENOTDIR:
        above = _a_file_above(folder) or "a folder of it"
        return InputError(f"cannot be made: {above} is a file, not a folder", file=folder,
                          hint=fix)
    reason = os_reason(exc)
    return InputError(f"cannot be made: {reason}", file=folder,
                      hint="choose a folder you can write to"
                      if reason == "permission denied" else None)


def _a_file_above(path: str) -> str | None:
    """The first folder of ``path``, from the top, that is a file (named as in ``path``),
    if one is."""
    head = path
    above = []
    while head and head != os.path.dirname(head):
        head = os.path.dirname(head)
        above.append(head)
    return next((h for h in reversed(above) if h and os.path.isfile(h)), None)


def _quoted(name: str) -> str:
    """``name`` as a shell reads it (quoted only if it has to be)."""
    import shlex  # an error message: not at start-up

    return shlex.quote(name)


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
#: A partial file's name: ``.<target>.<host>-<pid>.<random>.glossator-partial``.
_PARTIAL_NAME = lazy_pattern(globals(), "_PARTIAL_NAME",
    r"\.(?P<target>.+)\.(?P<host>[0-9a-f]{6})-(?P<pid>[0-9]{1,10})\.[a-z0-9_]{8}"
    + re.escape(_PARTIAL) + r"\Z", re.DOTALL)
#: A partial file older than this (seconds) is stale whoever wrote it: no run takes a
#: day to write one file, and a run on another machine cannot be asked whether it lives.
STALE_AFTER = 24 * 3600


def _host() -> str:
    """Six hex digits standing for this machine (its host name digested)."""
    import hashlib
    import socket

    return hashlib.blake2b(socket.gethostname().encode("utf-8", "replace"),
                           digest_size=3).hexdigest()


def _writer() -> str:
    """``<host>-<pid>``: who writes a partial file, in its name."""
    return f"{_host()}-{os.getpid()}"


def partial_files(path: str) -> list[Path]:
    """The files :func:`write_file` left beside ``path`` unfinished (a run stopped while
    it wrote)."""
    from glob import escape
    from pathlib import Path

    target = Path(os.path.realpath(path))
    return list(target.parent.glob(f".{escape(target.name)}.*{_PARTIAL}"))


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a process of another user counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _is_stale(entry: os.DirEntry[str], host: str, pid: int, now: float) -> bool:
    """Whether partial file ``entry`` was left by a run that is over: a regular file (not
    a link) of this user, written on this machine by a process that no longer runs, or
    older than :data:`STALE_AFTER`."""
    try:
        status = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISREG(status.st_mode):
        return False
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return False
    if now - status.st_mtime > STALE_AFTER:
        return True
    return host == _host() and not _alive(pid)


def remove_stale_partials(targets: Iterable[str]) -> int:
    """Remove the partial files that runs killed while writing one of ``targets`` left
    beside it (SIGKILL, a power cut: nothing could clean up); the number removed.

    A partial file names its target, the machine and the process that wrote it
    (``.page.html.<host>-<pid>.<random>.glossator-partial``). It is removed only if it is
    a regular file of this user for one of ``targets``, and either its process is gone
    from this machine or it is older than a day: a run still writing, here or on another
    machine sharing the folder, keeps its file. Each folder is listed once.
    """
    import time

    folders: dict[str, set[str]] = {}
    for target in targets:
        real = os.path.realpath(target)
        folders.setdefault(os.path.dirname(real), set()).add(os.path.basename(real))
    now = time.time()
    removed = 0
    for folder, names in folders.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            found = _PARTIAL_NAME.match(entry.name) if entry.name.endswith(_PARTIAL) else None
            if (found is None or found["target"] not in names
                    or not _is_stale(entry, found["host"], int(found["pid"]), now)):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


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
        clash = paths.get(real) or (nodes.get(node) if node is not None else None)
        if clash is not None:
            raise UsageError(f"the output {target} would overwrite {clash}",
                             hint="write the output elsewhere")
        if real in seen:
            raise UsageError(f"two inputs would be written to the same output {target}",
                             hint=twice_hint or "give their folder instead (its tree is "
                             "kept under --output-dir), or annotate them separately")
        seen.add(real)


def _identity(name: str) -> tuple[str, tuple[int, int] | None]:
    """The real path of ``name`` (symbolic links followed; a loop left as it is), and
    its device and inode if it exists."""
    try:
        real = os.path.realpath(name)
        status = os.stat(real)
    except ValueError:  # a NUL in the name: no file has it
        return name, None
    except OSError:
        return real, None
    return real, (status.st_dev, status.st_ino)
