"""Compact, lazily decoded tables, and the file format of the disk caches.

A glossary of 100 000 entries compiles to hundreds of thousands of small rows (entries,
forms, variants, candidate lists). Unmarshalling them all as Python objects would cost
most of a cached start, although one run looks at a handful of them. So a cache file is a
few flat sections (:func:`write_sections`), mapped into memory when it is read
(:func:`read_sections`): only the pages a run touches are read from disk, nothing is
copied, and processes that read the same cache share its pages. Over the sections:

* :class:`Rows`: rows of plain values, each marshalled on its own, decoded on first use;
* :class:`Groups`: lists of small integers (candidates per pattern);
* :class:`Packed`: byte strings (patterns) end to end;
* :func:`ints`: an array of 32-bit integers, read in place.

Everything is plain bytes and :mod:`marshal`, so reading a cache runs no code. The header
holds a CRC-32 of the rest of the file, checked when the file is opened: a damaged
file (a disk error, a truncated copy, a stray write) is refused then, as
:class:`DamagedCache`, and its reader removes it and builds it again. Offsets and indices
are range-checked too (in C when the scanner module is built), so that even a file whose
checksum was recomputed cannot make a reader index out of its tables. A CRC, not a
cryptographic digest: a digest without a secret key protects nothing against someone who
can write the file (they compute it again), and a CRC-32 checks 30 MB in about a fifth of
the time BLAKE2b takes, on every cached start.

Why :mod:`marshal` for files in a directory that may be shared: ``marshal.loads`` builds
plain values and never runs code, and the readers check the type and width of every row
they decode. It is not meant for hostile data, so a file is only read if it belongs to the
user who runs glossator (a cache file another user wrote is ignored), is checked against
its digest before any byte of it is unmarshalled, and every record is walked before
``marshal.loads`` sees it (:func:`loads`: no code objects, no count beyond its bytes, no
reference to a value still being built). See docs/robustness.md.
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import mmap
import os
import stat
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence

from .._typing import overload
from ..matching.native import ACCELERATOR, pack_bytes
from ..matching.native import pack_offsets as _pack_offsets

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DamagedCache", "Groups", "Packed", "Rows", "check_ints", "damaged", "drop_damaged",
    "ints", "loads", "pack_bytes", "read_sections", "write_sections",
]

#: The first bytes of a cache file, then the header's length (64-bit little-endian) and
#: the checksum of everything after these 24 bytes, then 4 bytes saying which checksum
#: (:data:`_CRC32C`, or zero bytes for zlib's CRC-32; checked too: every byte counts).
_MAGIC = b"GLOSSAT2"
#: What the files of earlier versions start with: stale, not damaged.
_OLD_MAGICS = (b"GLOSSATR",)
_HEAD = struct.Struct("<8sQI4s")
_PAD = bytes(4)
#: What the four bytes after the checksum say when it is a CRC-32C (Castagnoli), which
#: the C module computes with the CPU's instruction, several times faster than zlib's
#: CRC-32 (a sixth of a cached run's time with a large glossary); zero bytes: zlib's.
_CRC32C = b"C\0\0\0"


def _checksum() -> tuple[Any, bytes]:
    """How a file written now is checked: the function, and the mark saying which."""
    if ACCELERATOR is not None and ACCELERATOR.crc32c_hardware():
        return ACCELERATOR.crc32c, _CRC32C
    return zlib.crc32, _PAD


class DamagedCache(ValueError):
    """A cache file that is not what glossator wrote: its checksum, its layout or one of
    its tables is wrong. Its reader removes it (:func:`drop_damaged`) and builds it again."""
#: Sections start at multiples of this, so that integer arrays are read aligned.
_ALIGN = 8


def write_sections(
    path: str | os.PathLike[str], header: Any, sections: Sequence[bytes | memoryview]
) -> None:
    """Write ``header`` (plain values) and ``sections`` atomically to ``path``
    (``OSError`` if it cannot be written)."""
    import tempfile
    from pathlib import Path  # writing: not at start-up

    target = Path(path)

    sizes = [memoryview(s).nbytes for s in sections]
    places: list[tuple[int, int]] = []  # relative to the first section, after the header
    at = 0
    for size in sizes:
        places.append((at, size))
        at += -(-size // _ALIGN) * _ALIGN
    meta = marshal.dumps((header, places))
    start = -(-(_HEAD.size + len(meta)) // _ALIGN) * _ALIGN
    target.parent.mkdir(parents=True, exist_ok=True)
    # a fresh name: nothing another user placed there is followed, and two writers of the
    # same file do not write into each other's
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        crc, (checksum, mark) = 0, _checksum()
        with os.fdopen(fd, "wb") as out:
            out.write(_HEAD.pack(_MAGIC, len(meta), 0, _PAD))
            for part in (meta, b"\0" * (start - _HEAD.size - len(meta)),
                         *itertools.chain.from_iterable(
                             (s, b"\0" * (-n % _ALIGN))
                             for s, n in zip(sections, sizes, strict=True))):
                out.write(part)
                crc = checksum(part, crc)
            out.seek(0)
            out.write(_HEAD.pack(_MAGIC, len(meta), crc, mark))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_sections(path: str | os.PathLike[str]) -> tuple[Any, list[memoryview]]:
    """The header and sections :func:`write_sections` wrote to ``path``, the sections as
    read-only views of the mapped file.

    ``OSError`` or ``ValueError`` if it cannot be read, was written by another version,
    or, where files have owners, belongs to another user; :class:`DamagedCache` (a
    ``ValueError``) if it is not what glossator wrote: its checksum does not match, or
    its layout is wrong.
    """
    # O_NONBLOCK: a FIFO put in a cache file's place does not block the open
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        status = os.fstat(f.fileno())
        size = status.st_size
        if hasattr(os, "geteuid") and status.st_uid != os.geteuid():
            # written by someone else (a shared or world-writable directory): not trusted
            raise ValueError("a cache file of another user")
        if not stat.S_ISREG(status.st_mode):  # a FIFO, a device: not what glossator wrote
            raise DamagedCache("not a glossator cache file")
        head = f.read(_HEAD.size)
        if head[:8] in _OLD_MAGICS:
            raise ValueError("a cache file of an earlier version")
        if len(head) < _HEAD.size or not head.startswith(_MAGIC):
            raise DamagedCache("not a glossator cache file")
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(data)
    _, length, crc, pad = _HEAD.unpack_from(view)
    if pad == _CRC32C and ACCELERATOR is None:
        raise ValueError("a cache file checked with the C module's CRC-32C")  # stale here
    checksum = ACCELERATOR.crc32c if pad == _CRC32C else zlib.crc32
    if (pad not in (_PAD, _CRC32C) or length > size - _HEAD.size
            or checksum(view[_HEAD.size:]) != crc):
        raise DamagedCache("damaged cache file (its checksum does not match)")
    try:
        header, places = loads(view[_HEAD.size : _HEAD.size + length])
    except (EOFError, ValueError, TypeError, MemoryError):
        raise DamagedCache("damaged cache file (its header does not decode)") from None
    start = -(-(_HEAD.size + length) // _ALIGN) * _ALIGN
    sections = []
    if not (isinstance(places, list | tuple)
            and all(isinstance(p, list | tuple) and len(p) == 2 for p in places)):
        raise DamagedCache("damaged cache file (its table of sections does not decode)")
    for offset, n in places:
        if not (type(offset) is int and type(n) is int and offset >= 0 and n >= 0
                and start + offset + n <= size):
            raise DamagedCache("damaged cache file (a section is out of the file)")
        sections.append(view[start + offset : start + offset + n])
    return header, sections


#: marshal's type codes (the flag 0x80 off) of values that no reference flag numbers.
_SINGLETONS = frozenset(map(ord, "NTF.S"))
#: ... of numbers of a fixed size after the code.
_FIXED = {ord("i"): 4, ord("g"): 8, ord("y"): 16}
#: ... of strings and bytes: a 32-bit length, or (z, Z) one byte.
_SIZED = frozenset(map(ord, "utaAs"))
_SHORT = frozenset(map(ord, "zZ"))
#: ... of containers with a 32-bit count of items (tuple, list, set, frozenset).
_COUNTED = frozenset(map(ord, "([<>"))
_SMALL_TUPLE, _DICT, _NULL, _LONG, _REF = ord(")"), ord("{"), ord("0"), ord("l"), ord("r")
_FLAG = 0x80
_MAX_DEPTH = 100
#: How many values a record may stand for, references expanded, per byte of it.
_EXPANSION = 16


def loads(data: bytes | memoryview) -> Any:
    """``marshal.loads(data)`` for a record of plain values, checked first
    (``ValueError`` if it is not one).

    ``marshal.loads`` trusts what it reads. It trusts counts: 150 crafted bytes declaring
    a list of 1.5 billion items make it reserve 12 GB (found by fuzzing the cache
    reader). It trusts back-references: 29 bytes making a tuple hold itself inside a
    frozenset crash the process (SIGSEGV: hashing the tuple recurses without end, found
    by fuzzing too), and a chain of references to shared tuples can stand for a value
    exponentially larger than its bytes. So every record is walked first, and refused
    unless it is exactly one value of the plain types glossator writes (no code
    objects), every count fits in the bytes left, every reference names a value already
    complete, it nests at most :data:`_MAX_DEPTH` deep and stands for at most
    :data:`_EXPANSION` values a byte, references expanded. In C when the scanner module
    has the walk (``plain_marshal``), else here.
    """
    buf = bytes(data)
    check = getattr(ACCELERATOR, "plain_marshal", None)
    if check is not None:
        if not check(buf, _MAX_DEPTH, _EXPANSION):
            raise ValueError("not a record of plain values")
    else:
        _walk(buf)
    return marshal.loads(buf)


def _walk(buf: bytes) -> None:
    """Raise ``ValueError`` unless ``buf`` is one marshal value as :func:`loads` says."""
    end, at, count = len(buf), 0, 0
    budget = _EXPANSION * end + 256
    refs: list[tuple[int, int] | None] = []  # (depth, values) of each numbered value
    # per open container: items left (-1: a dict's, to its NULL), its number or -1, its
    # deepest item, the count of values when it opened
    stack = [[1, -1, 0, 0]]
    while stack:
        frame = stack[-1]
        if frame[0] == 0:
            stack.pop()
            _closed(stack, refs, frame, count)
            continue
        if at >= end:
            raise ValueError("truncated marshal data")
        code, flag = buf[at] & 0x7F, buf[at] & _FLAG
        if frame[0] == -1 and code == _NULL:
            frame[0] = 0
            at += 1
            continue
        if frame[0] > 0:
            frame[0] -= 1
        at, depth, values = _value(buf, at + 1, code, flag, refs, stack, count)
        count += values
        if depth > frame[2]:
            frame[2] = depth
        if len(stack) + depth > _MAX_DEPTH or count > budget or at > end:
            raise ValueError("marshal data too deep, too large or truncated")
    if at != end:
        raise ValueError("marshal data followed by more bytes")


def _closed(stack: list[list[int]], refs: list[tuple[int, int] | None], frame: list[int],
            count: int) -> None:
    """Container ``frame`` is complete: its number (if any) may now be referred to."""
    depth = frame[2] + 1
    if frame[1] >= 0:
        refs[frame[1]] = (depth, count - frame[3])
    if stack and depth > stack[-1][2]:
        stack[-1][2] = depth


def _value(buf: bytes, at: int, code: int, flag: int, refs: list[tuple[int, int] | None],
           stack: list[list[int]], count: int) -> tuple[int, int, int]:
    """Where the value of marshal type ``code`` whose bytes start at ``at`` ends, its
    depth and how many values it stands for (a container is pushed on ``stack`` and
    counts as one: its items follow)."""
    end = len(buf)
    if code in _SINGLETONS:
        return at, 0, 1
    if code == _REF:
        (n,) = struct.unpack_from("<i", buf, at) if at + 4 <= end else (-1,)
        done = refs[n] if 0 <= n < len(refs) else None
        if done is None:  # no such value, or one still open: it would hold itself
            raise ValueError("marshal data with a reference to no complete value")
        return at + 4, done[0], done[1]
    if code in _COUNTED or code in (_SMALL_TUPLE, _DICT):
        if code == _DICT:
            size = -1
        elif code == _SMALL_TUPLE:
            size = buf[at] if at < end else 0
            at += 1
        else:
            (size,) = struct.unpack_from("<i", buf, at) if at + 4 <= end else (-1,)
            at += 4
            if size < 0 or size > end - at:  # each item takes a byte at least
                raise ValueError("marshal data with a count beyond its end")
        stack.append([size, len(refs) if flag else -1, -1, count])
        if flag:
            refs.append(None)
        return at, 0, 1
    at = _scalar_end(buf, at, code)
    if flag:
        refs.append((0, 1))
    return at, 0, 1


def _scalar_end(buf: bytes, at: int, code: int) -> int:
    """Where the number, string or bytes of marshal type ``code`` whose bytes start at
    ``at`` ends (``ValueError`` for a type glossator does not write)."""
    end = len(buf)
    if code in _FIXED:
        return at + _FIXED[code]
    if code in _SHORT:
        return at + 1 + (buf[at] if at < end else 0)
    if not (code in _SIZED or code == _LONG):
        raise ValueError(f"marshal data of a type glossator does not write ({code})")
    size: int = struct.unpack_from("<i", buf, at)[0] if at + 4 <= end else -1
    at += 4
    if code == _LONG:
        size = 2 * abs(size)  # digits of 15 bits, two bytes each
    if size < 0 or size > end - at:
        raise ValueError("marshal data with a size beyond its end")
    return at + size


#: The cache folders already said to be unwritable in this process (one warning each).
_UNWRITABLE: set[str] = set()


def write_kept(path: str, cache_dir: str | os.PathLike[str], header: tuple[object, ...],
               sections: Sequence[bytes | memoryview]) -> None:
    """:func:`write_sections`, for a cache that may fail to keep it: then a run goes on
    without it, and one :class:`~glossator.errors.GlossatorWarning` per folder and
    process says why (a file in its place, a read-only or full disk). Before, nothing
    did: every run read and compiled its glossary again, in silence."""
    try:
        write_sections(path, header, sections)
    except OSError as exc:
        folder = os.fspath(cache_dir)
        if folder in _UNWRITABLE:
            return
        _UNWRITABLE.add(folder)
        import warnings

        from ..errors import GlossatorWarning

        warnings.warn(f"cache folder {folder}: {folder_problem(folder, exc)}; nothing is "
                      "cached there", GlossatorWarning, stacklevel=3)


def folder_problem(folder: str, exc: OSError) -> str:
    """Why ``folder`` could not be made or written (``exc``), as the warnings say it: a
    file in its place, else the system's reason."""
    from ..errors import os_reason

    if os.path.exists(folder) and not os.path.isdir(folder):
        return "a file, not a folder"
    return os_reason(exc)


def drop_damaged(path: str | os.PathLike[str]) -> None:
    """Remove the damaged cache file ``path`` (its reader builds it again), with one
    :class:`~glossator.errors.GlossatorWarning` saying so."""
    import warnings

    from ..errors import GlossatorWarning

    try:
        os.unlink(path)
        done = "removed; it is being built again"
    except FileNotFoundError:
        done = "removed; it is being built again"
    except OSError as exc:
        done = f"could not be removed ({exc.strerror}); delete it"
    warnings.warn(f"{path}: this cache file was damaged and {done}", GlossatorWarning,
                  stacklevel=3)


def damaged(source: str | os.PathLike[str] | None) -> Exception:
    """The error for a cache file found damaged after it was opened (a row that does not
    decode): the file is removed, so that the next run rebuilds it."""
    from ..errors import CacheError

    if source is None:
        return CacheError("a cached table is damaged")
    try:
        os.unlink(source)
    except OSError:  # Windows keeps a mapped file
        return CacheError("this cache file is damaged", file=os.fspath(source),
                          hint="delete it and run the command again")
    return CacheError("this cache file was damaged and has been removed",
                      file=os.fspath(source), hint="run the command again to rebuild it")


def check_ints(
    data: memoryview | bytes | array[int], itemsize: int, lo: int, hi: int,
    rising: bool = False,
) -> None:
    """Raise ``ValueError`` unless every integer of ``data`` is in ``[lo, hi)`` (and, with
    ``rising``, none is smaller than the one before)."""
    if ACCELERATOR is not None:
        ok = ACCELERATOR.in_bounds(data, itemsize, lo, hi, rising)
    else:
        values = memoryview(data).cast("B").cast("i" if itemsize == 4 else "q")
        ok = all(lo <= v < hi for v in values) and (
            not rising or all(a <= b for a, b in itertools.pairwise(values))
        )
    if not ok:
        raise ValueError("damaged table")


def ints(data: memoryview | bytes, count: int | None = None) -> memoryview:
    """``data`` read in place as 32-bit integers (``count`` of them, if given)."""
    if len(data) % 4:
        raise ValueError("damaged table")
    values = memoryview(data).cast("i")
    if count is not None and len(values) != count:
        raise ValueError("damaged table")
    return values


def _offsets(data: memoryview | bytes, end: int) -> Sequence[int]:
    """Offsets kept in ``data``: from 0, rising, to ``end``."""
    if len(data) % 8 or len(data) < 8:
        raise ValueError("damaged table")
    offsets = memoryview(data).cast("q")
    if offsets[0] != 0 or offsets[-1] != end:
        raise ValueError("damaged table")
    check_ints(data, 8, 0, end + 1, rising=True)
    return offsets


class Rows(Sequence["Any"]):
    """A sequence of rows, each kept as its own marshal record in one blob and decoded
    (once) when it is first read.

    ``width`` is the number of values each row must have, ``source`` the file the blob
    was read from: a row that does not decode to a tuple of that width raises the error
    of :func:`damaged` (one line, naming the file, which is removed). With ``kinds``, the
    type of each value too (marshal can give any of its types from forged bytes, a class
    such as ``StopIteration`` among them).
    """

    __slots__ = ("_blob", "_kinds", "_limits", "_memo", "_offsets", "_source", "_width")

    def __init__(
        self, blob: memoryview | bytes, offsets: memoryview | bytes, width: int,
        source: str | os.PathLike[str] | None = None,
        kinds: tuple[type | tuple[type, ...], ...] | None = None,
        limits: tuple[tuple[int, int], ...] = (),
    ) -> None:
        self._blob = memoryview(blob)
        self._offsets = _offsets(offsets, len(blob))
        self._memo: dict[int, Any] = {}
        self._width = width
        self._source = source
        self._kinds = kinds
        #: (field, n): that field of every row is an index into a table of n items
        self._limits = limits

    @staticmethod
    def pack(rows: Iterable[Any]) -> tuple[bytes, bytes]:
        """The blob and offsets that hold ``rows`` (plain values marshal can write)."""
        parts = [marshal.dumps(row) for row in rows]
        return b"".join(parts), _pack_offsets(map(len, parts))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        row = self._memo.get(index)
        if row is None:
            row = self._memo[index] = self.load(index)
        return row

    def load(self, index: int) -> Any:
        """Row ``index`` decoded afresh (not kept: for callers that keep what they build)."""
        offsets = self._offsets
        if index < 0:
            index += len(offsets) - 1
        load_row = getattr(ACCELERATOR, "load_row", None)
        if load_row is not None:  # the same steps in one C call
            row = load_row(self._blob, offsets, index, self._width, self._kinds,
                           _MAX_DEPTH, _EXPANSION)
            if row is None or not self._in_limits(row):
                raise damaged(self._source)
            return row
        if not 0 <= index < len(offsets) - 1:
            raise IndexError("row index out of range")
        start, end = offsets[index], offsets[index + 1]
        part = self._blob[start:end]
        try:
            row = loads(part)
        except (EOFError, ValueError, TypeError, MemoryError):
            row = None
        if type(row) is not tuple or len(row) != self._width or (
                self._kinds is not None
                and not all(map(isinstance, row, self._kinds))) or not self._in_limits(row):
            raise damaged(self._source)
        return row

    def _all_in_limits(self, rows: list[tuple[Any, ...]]) -> bool:
        """:meth:`_in_limits` of every row of ``rows``, a field at a time (one Python
        call for all: a call a row was a tenth of a large glossary's first document)."""
        try:
            for field, n in self._limits:
                values = [row[field] for row in rows]
                if values and (min(values) < 0 or max(values) >= n):
                    return False
        except TypeError:  # (a value that is not a number: :meth:`load` says which)
            return False
        return True

    def _in_limits(self, row: tuple[Any, ...]) -> bool:
        """Whether each index field of ``row`` is inside its table."""
        return not self._limits or all(0 <= row[field] < n for field, n in self._limits)

    def take(self, indices: Sequence[int]) -> list[Any]:
        """Rows ``indices`` (not negative), those not read yet read in one go
        (:meth:`preload`) and kept, as reading them one by one would."""
        self.preload(indices)
        memo = self._memo
        return [memo[i] for i in indices]

    def preload(self, indices: Iterable[int]) -> None:
        """Decode rows ``indices`` not read yet, in one go, and keep them (as reading
        them one by one would)."""
        memo = self._memo
        todo = [i for i in indices if i not in memo]
        if todo:
            memo.update(zip(todo, self.load_many(todo), strict=True))

    def load_many(self, indices: Sequence[int]) -> list[Any]:
        """Rows ``indices`` decoded afresh (not kept), in one C call where built: as
        :meth:`load` gives them, one by one, and the same error for a damaged one. The
        indices are not negative (``IndexError`` where built: unlike :meth:`load`, this
        does not count from the end; its callers hold indices, not positions)."""
        load_rows = getattr(ACCELERATOR, "load_rows", None)
        if load_rows is not None:
            rows = load_rows(self._blob, self._offsets, array("q", indices), self._width,
                             self._kinds, _MAX_DEPTH, _EXPANSION)
            if rows is not None and self._all_in_limits(rows):
                return list(rows)
        return [self.load(i) for i in indices]  # (and which one is damaged)

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]


class Groups(Sequence[Sequence[int]]):
    """A sequence of short integer lists kept as one flat int32 array and its offsets."""

    __slots__ = ("_flat", "_offsets")

    def __init__(self, flat: memoryview | bytes, offsets: memoryview | bytes) -> None:
        self._flat = ints(flat)
        self._offsets = _offsets(offsets, len(self._flat))

    @staticmethod
    def pack(groups: Iterable[Iterable[int]]) -> tuple[bytes, bytes]:
        """The flat array and offsets that hold ``groups``."""
        flat = array("i")
        sizes = []
        for group in groups:
            before = len(flat)
            flat.extend(group)
            sizes.append(len(flat) - before)
        return flat.tobytes(), _pack_offsets(sizes)

    def check(self, lo: int, hi: int) -> None:
        """Raise ``ValueError`` unless every integer is in ``[lo, hi)``."""
        check_ints(self._flat, 4, lo, hi)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> Sequence[int]: ...

    @overload
    def __getitem__(self, index: slice) -> list[Sequence[int]]: ...

    def __getitem__(self, index: int | slice) -> Sequence[int] | list[Sequence[int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("group index out of range")
        return self._flat[self._offsets[index] : self._offsets[index + 1]]


class Packed(Sequence[bytes]):
    """The byte strings :func:`pack_bytes` kept, each copied out when it is read."""

    __slots__ = ("_blob", "_offsets")

    def __init__(self, blob: memoryview | bytes, offsets: memoryview | bytes) -> None:
        self._blob = memoryview(blob)
        self._offsets = _offsets(offsets, len(blob))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("index out of range")
        return bytes(self._blob[self._offsets[index] : self._offsets[index + 1]])
