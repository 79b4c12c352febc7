"""The packed tables and the file format of the disk caches (glossator._columns)."""

from __future__ import annotations

import itertools
import os
from array import array
from pathlib import Path
from typing import Any, cast
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator.store import columns
from glossator.store.columns import (
    Groups,
    Packed,
    Rows,
    check_ints,
    pack_bytes,
    read_sections,
    write_sections,
)


def test_rows_decode_each_row_once_and_only_when_read() -> None:
    rows = [("ESS", 1, None), ("économie sociale", 2, ("a", True)), ("", -3, ())]
    packed = Rows(*Rows.pack(rows), width=3)
    assert len(packed) == 3 and packed._memo == {}
    assert packed[1] == rows[1] and list(packed._memo) == [1]
    assert packed[1] is packed[1] and packed[-1] == rows[2]
    assert list(packed) == rows and packed[0:2] == rows[:2]
    with pytest.raises(IndexError):
        packed[3]


def test_groups_and_packed_bytes_round_trip() -> None:
    groups = [(0,), (), (4, 1, 7), (2,)]
    g = Groups(*Groups.pack(groups))
    assert [tuple(x) for x in g] == groups and tuple(g[-2]) == (4, 1, 7)
    g.check(0, 8)
    with pytest.raises(ValueError):
        g.check(0, 7)
    items = [b" ess", None, b" \xc3\xa9conomie sociale", b""]
    p = Packed(*pack_bytes(items))
    assert list(p) == [b" ess", b"", b" \xc3\xa9conomie sociale", b""]
    with pytest.raises(IndexError):
        p[4]


@pytest.mark.parametrize("offsets", [
    array("q", [0, 2]),  # does not reach the end
    array("q", [1, 4]),  # does not start at 0
    array("q", [0, 3, 1, 4]),  # goes back
    array("q", [0, 9, 4]),  # past the end
])
def test_offsets_that_do_not_fit_are_refused(offsets: array[int]) -> None:
    with pytest.raises(ValueError):
        Rows(b"\xe9\x00\x00\x00", offsets.tobytes(), width=1)
    with pytest.raises(ValueError):
        Packed(b"abcd", offsets.tobytes())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**31), 2**31 - 1), max_size=20),
       st.integers(-5, 5), st.integers(-5, 50), st.booleans(), st.sampled_from([4, 8]))
def test_the_c_bounds_check_agrees_with_python(
    values: list[int], lo: int, hi: int, rising: bool, itemsize: int
) -> None:
    data = array("i" if itemsize == 4 else "q", values).tobytes()
    expected = all(lo <= v < hi for v in values) and (
        not rising or all(a <= b for a, b in itertools.pairwise(values)))

    def ok() -> bool:
        try:
            check_ints(data, itemsize, lo, hi, rising)
        except ValueError:
            return False
        return True

    assert ok() == expected
    with mock.patch.object(columns, "ACCELERATOR", None):  # the Python check
        assert ok() == expected


def test_sections_are_written_aligned_and_read_in_place(tmp_path: Path) -> None:
    path = tmp_path / "t.cache"
    sections = [b"abc", b"", array("q", [1, 2]).tobytes(), b"\x00" * 9]
    write_sections(path, ("v", 1, None), sections)
    header, views = read_sections(path)
    assert header == ("v", 1, None) and [bytes(v) for v in views] == sections
    assert all(isinstance(v, memoryview) and v.readonly for v in views)
    assert views[2].cast("q").tolist() == [1, 2]
    assert not list(tmp_path.glob("*.tmp"))


def _crc32c_reference(data: bytes, crc: int = 0) -> int:
    """CRC-32C (Castagnoli), a bit at a time."""
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def test_the_c_crc32c_is_crc32c() -> None:
    from glossator.matching.native import ACCELERATOR

    if ACCELERATOR is None:
        pytest.skip("the scanner module is not built (GLOSSATOR_PURE_PYTHON?)")
    data = bytes(range(256)) * 3 + b"fin"
    for hardware in (True, False):  # the CPU's instruction (where it has it), the table
        assert ACCELERATOR.crc32c(b"123456789", 0, hardware) == 0xE3069283  # check value
        for n in (0, 1, 7, 8, 9, 64, 65, len(data)):
            assert ACCELERATOR.crc32c(data[:n], 0, hardware) == _crc32c_reference(data[:n])
            half = ACCELERATOR.crc32c(data[:n // 2], 0, hardware)  # continued, as zlib's
            assert (ACCELERATOR.crc32c(data[n // 2:n], half, hardware)
                    == ACCELERATOR.crc32c(data[:n]))


@pytest.mark.parametrize("kind", ["crc32c", "zlib"])
def test_a_file_says_which_checksum_it_carries(tmp_path: Path, kind: str) -> None:
    """Written with the CPU's CRC-32C where the C module has it, else zlib's CRC-32
    (marked in the four bytes after it); either is read back, and checked: a byte
    changed anywhere is a damaged file. A file checked with CRC-32C is stale, not
    damaged, where the C module is not built (it is written again)."""
    from glossator.matching.native import ACCELERATOR

    if kind == "crc32c" and not (ACCELERATOR and ACCELERATOR.crc32c_hardware()):
        pytest.skip("no C module, or a CPU without the crc32 instruction")
    path = tmp_path / "t.cache"
    with mock.patch.object(columns, "ACCELERATOR", ACCELERATOR if kind == "crc32c" else None):
        write_sections(path, ("v",), [b"abc" * 100])
    data = path.read_bytes()
    assert data[20:24] == (b"C\0\0\0" if kind == "crc32c" else bytes(4))
    assert read_sections(path)[0] == ("v",)
    for at in (30, len(data) - 1):
        path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
        with pytest.raises(columns.DamagedCache, match="checksum"):
            read_sections(path)
    path.write_bytes(data[:20] + b"X\0\0\0" + data[24:])  # no checksum it knows
    with pytest.raises(columns.DamagedCache):
        read_sections(path)
    path.write_bytes(data)
    if kind == "crc32c":
        with mock.patch.object(columns, "ACCELERATOR", None), \
                pytest.raises(ValueError, match="CRC-32C") as stale:
            read_sections(path)
        assert not isinstance(stale.value, columns.DamagedCache)


@pytest.mark.parametrize("data", [b"", b"GLOSSATR", b"NOTOURS!" + bytes(8),
                                  b"GLOSSATR" + (10**6).to_bytes(8, "little")])
def test_what_is_not_a_cache_file_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "t.cache"
    path.write_bytes(data)
    with pytest.raises((ValueError, EOFError)):
        read_sections(path)


def test_a_section_past_the_end_of_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.cache"
    write_sections(path, None, [b"x" * 100])
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError):
        read_sections(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root to give a file to another user")
def test_a_cache_file_of_another_user_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "t.cache"
    write_sections(path, ("v",), [b"abc"])
    assert read_sections(path)[0] == ("v",)
    os.chown(path, 12345, 12345)
    with pytest.raises(ValueError, match="another user"):
        read_sections(path)


# --- marshal records walked before they are read (columns.loads) ----------------------

#: Records of the values glossator writes, with marshal's back-references in them: a
#: string twice, the empty tuple shared, a dict, a set.
_SHARED = "partagé"
PLAIN_VALUES = [
    ("ESS", "Économie sociale", "ess", None, (), None, None, None, (), (), None, None, (),
     None, ("g.yaml", 3), (1, 2)),
    (_SHARED, True, False, (False, _SHARED)),
    {"auteur": ["équipe", {"version": 2}], "tags": {"a", "b"}, "f": frozenset({(1, 2)})},
    [(), (), ((), ())],
    (2**200, -(2**70), 1.5, b"\x00\xff", "é" * 300, ...),
]


def _self(kind: bytes) -> bytes:
    """A container of one item (marshal type ``kind``, numbered) holding itself."""
    return bytes([kind[0] | 0x80]) + (b"\x01" if kind == b")" else b"\x01\0\0\0") + \
        b"r\0\0\0\0"


def _doubling(levels: int) -> bytes:
    """A list whose k-th item is a tuple of the (k-1)-th twice: 2**levels values in
    about 12 bytes a level."""
    out = b"[" + levels.to_bytes(4, "little") + b"\xa9\x00"
    for k in range(1, levels):
        ref = b"r" + (k - 1).to_bytes(4, "little")
        out += b"\xa9\x02" + ref + ref
    return out


#: Records marshal would read, each refused by the walk (the first ones crashed the
#: process with SIGSEGV in marshal.loads or when their value was hashed).
FORGED_RECORDS = {
    "frozenset-holding-a-tuple-holding-itself": b">\x01\0\0\0" + _self(b")"),
    "set-holding-a-tuple-holding-itself": b"<\x01\0\0\0" + _self(b")"),
    "dict-keyed-by-a-tuple-holding-itself": b"{" + _self(b")") + b"N0",
    "tuple-holding-itself": _self(b")"),
    "big-tuple-holding-itself": _self(b"("),
    "list-holding-itself": _self(b"["),
    "reference-to-nothing-numbered": b"\xa9\x02Nr\x05\0\0\0",
    "negative-reference": b"\xa9\x01r\xff\xff\xff\xff",
    "references-doubling-40-times": _doubling(40),
    "nested-101-deep": b")\x01" * 101 + b"N",
    "code-object": b"c" + bytes(40),
}


@pytest.fixture(params=["C", "Python"])
def walk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``columns.loads`` with the C walk (the scanner module's ``plain_marshal``), then
    with the Python one."""
    from glossator.matching.native import ACCELERATOR
    from glossator.store import columns

    if request.param == "C":
        if getattr(ACCELERATOR, "plain_marshal", None) is None:
            pytest.skip("the scanner module is not built (GLOSSATOR_PURE_PYTHON?)")
    else:
        monkeypatch.setattr(columns, "ACCELERATOR", None)
    return str(request.param)


@pytest.mark.parametrize("value", PLAIN_VALUES, ids=range(len(PLAIN_VALUES)))
def test_records_of_plain_values_are_read_back(walk: str, value: Any) -> None:
    import marshal

    from glossator.store.columns import loads

    assert loads(marshal.dumps(value)) == value


@pytest.mark.parametrize("case", list(FORGED_RECORDS))
def test_a_forged_record_is_refused_before_marshal_reads_it(walk: str, case: str) -> None:
    from glossator.store.columns import loads

    with pytest.raises(ValueError):
        loads(FORGED_RECORDS[case])


def _mutants(seed: int, count: int) -> list[bytes]:
    import marshal
    import random

    rnd = random.Random(seed)
    records = [marshal.dumps(v) for v in cast(list[Any], PLAIN_VALUES)]
    out = []
    for _ in range(count):
        r = bytearray(rnd.choice(records))
        for _ in range(rnd.randint(1, 4)):
            at = rnd.randrange(len(r) + 1)
            if rnd.random() < 0.6 and at < len(r):
                r[at] = rnd.choice((rnd.randrange(256), 0x72, 0xA9, 0x3E, 0x7B, 0x30, 0x80 | r[at]))
            else:
                r[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 6)))
        out.append(bytes(r))
    return out


def test_the_c_marshal_walk_agrees_with_the_python_one() -> None:
    """The same verdict on 20 000 mutants of real records (reference flags, references,
    sets and dicts planted among them)."""
    from glossator.matching.native import ACCELERATOR
    from glossator.store import columns

    check = getattr(ACCELERATOR, "plain_marshal", None)
    if check is None:
        pytest.skip("the scanner module is not built (GLOSSATOR_PURE_PYTHON?)")

    def python(data: bytes) -> bool:
        try:
            columns._walk(data)
        except ValueError:
            return False
        return True

    differ = [m for m in _mutants(17, 20000)
              if check(m, columns._MAX_DEPTH, columns._EXPANSION) != python(m)]
    assert differ == []


def test_rows_read_in_c_are_rows_read_in_python(walk: str) -> None:
    """``Rows.load`` (``_scan.load_row`` in C, then the Python steps): the same rows, the
    same refusals of forged ones, kinds and widths; a forged record never reaches
    marshal."""
    import marshal

    from glossator.errors import CacheError

    good = [("ESS", 1, None), ("économie sociale", 2, ("a", True)), ("", -3, ())]
    forged = [*FORGED_RECORDS.values(), marshal.dumps(("a", 1)), marshal.dumps(["a", 1, 2]),
              marshal.dumps(("a", "b", None)), b""]
    parts = [marshal.dumps(r) for r in good] + forged
    blob = b"".join(parts)
    offsets = array("q", itertools.accumulate(map(len, parts), initial=0)).tobytes()
    rows = Rows(blob, offsets, 3, "forged.cache", (str, int, (tuple, type(None))))
    assert [rows.load(i) for i in range(3)] == good
    assert rows.load(-len(parts)) == good[0]
    assert rows.load_many([2, 0, 2]) == [good[2], good[0], good[2]]
    assert rows.load_many([]) == []
    for i in range(3, len(parts)):
        with pytest.raises(CacheError, match=r"forged\.cache"):
            rows.load(i)
        with pytest.raises(CacheError, match=r"forged\.cache"):  # found among others
            rows.load_many([0, 1, i, 2])
    for outside in (len(parts), -len(parts) - 1):
        with pytest.raises(IndexError):
            rows.load(outside)


def test_load_row_refuses_arguments_that_do_not_fit() -> None:
    import marshal

    from glossator.matching.native import ACCELERATOR

    load_row = getattr(ACCELERATOR, "load_row", None)
    if load_row is None:
        pytest.skip("the scanner module is not built (GLOSSATOR_PURE_PYTHON?)")
    blob = marshal.dumps(("a", 1))
    offsets = array("q", [0, len(blob)])
    assert load_row(blob, offsets, 0, 2, None, 100, 16) == ("a", 1)
    assert load_row(blob, offsets, 0, 2, (str, int), 100, 16) == ("a", 1)
    assert load_row(blob, offsets, 0, 2, (int, int), 100, 16) is None
    assert load_row(blob, array("q", [0, len(blob) + 1]), 0, 2, None, 100, 16) is None
    assert load_row(blob, array("q", [3, 1]), 0, 2, None, 100, 16) is None
    with pytest.raises(ValueError):  # kinds not one per value
        load_row(blob, offsets, 0, 2, (str,), 100, 16)
    with pytest.raises(ValueError):
        load_row(blob, b"\0" * 12, 0, 2, None, 100, 16)
    with pytest.raises(ValueError):
        load_row(blob, offsets, 0, 2, None, 0, 16)
    with pytest.raises(IndexError):
        load_row(blob, offsets, 1, 2, None, 100, 16)
    with pytest.raises(TypeError):  # a failing isinstance is raised, not swallowed
        load_row(blob, offsets, 0, 2, ("not a type", int), 100, 16)
    load_rows = ACCELERATOR.load_rows
    assert load_rows(blob, offsets, array("q", [0, 0]), 2, None, 100, 16) == [("a", 1)] * 2
    assert load_rows(blob, offsets, array("q", [0]), 2, (int, int), 100, 16) is None
    with pytest.raises(IndexError):
        load_rows(blob, offsets, array("q", [0, 1]), 2, None, 100, 16)
    with pytest.raises(IndexError):
        load_rows(blob, offsets, array("q", [-1]), 2, None, 100, 16)
    with pytest.raises(ValueError):  # int64 indices
        load_rows(blob, offsets, b"\0" * 4, 2, None, 100, 16)
    with pytest.raises(TypeError):
        load_rows(blob, offsets, array("q", [0]), 2, ("not a type", int), 100, 16)


def test_rows_read_are_out_of_the_collectors_sight_when_they_can_be() -> None:
    """A row of strs, numbers, None and tuples of them is untracked as it is read (as the
    collector would untrack it the first time it walked it: it can be in no cycle), its
    inner tuples too; a row holding a list stays tracked, as does the list."""
    import gc
    import marshal

    from glossator.matching.native import ACCELERATOR

    if getattr(ACCELERATOR, "load_rows", None) is None:
        pytest.skip("the scanner module is not built (GLOSSATOR_PURE_PYTHON?)")
    flat = ("a", ("b", 1, ("c", None)), 2.5, True, ())
    nested = ("a", ("b", [1]))
    blob = marshal.dumps(flat) + marshal.dumps(nested)
    offsets = array("q", [0, len(marshal.dumps(flat)), len(blob)])
    for row in (ACCELERATOR.load_row(blob, offsets, 0, 5, None, 100, 16),
                *ACCELERATOR.load_rows(blob, offsets, array("q", [0]), 5, None, 100, 16)):
        assert row == flat
        assert not gc.is_tracked(row) and not gc.is_tracked(row[1])
    kept = ACCELERATOR.load_row(blob, offsets, 1, 2, None, 100, 16)
    assert kept == nested and gc.is_tracked(kept) and gc.is_tracked(kept[1][1])


def test_no_python_code_sees_a_list_of_rows_half_made() -> None:
    """``_scan.load_rows`` runs Python code while it reads rows (a kind's
    ``__instancecheck__``; a collection's callbacks): the list it returns is made once
    every row is there, so such code never finds one with empty slots (it crashed the
    interpreter through ``gc.get_objects``). In a child: a crash would end the run."""
    import subprocess
    import sys

    from glossator.matching.native import ACCELERATOR

    if ACCELERATOR is None:
        pytest.skip("the scanner module is not built (GLOSSATOR_PURE_PYTHON?)")
    child = """
import gc, marshal
from array import array
from glossator.matching.native import ACCELERATOR as A
part = marshal.dumps(("a", 1))
offsets = array("q", [0, len(part)]).tobytes()
SIZE = 4321
class Meta(type):
    def __instancecheck__(cls, obj):
        for o in gc.get_objects():
            if type(o) is list and len(o) == SIZE:
                o[-1]  # a half-made list would hold NULL here
        return True
class K(metaclass=Meta):
    pass
rows = A.load_rows(part, offsets, array("q", [0]) * SIZE, 2, (K, K), 100, 16)
print(len(rows), rows[-1])
"""
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["4321", "('a',", "1)"]
