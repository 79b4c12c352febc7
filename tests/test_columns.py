"""The packed tables and the file format of the disk caches (glossator._columns)."""

from __future__ import annotations

import itertools
import os
from array import array
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossator.matching import scan as matcher
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
    if matcher.ACCELERATOR is not None:
        saved, matcher.ACCELERATOR = matcher.ACCELERATOR, None
        try:
            assert ok() == expected
        finally:
            matcher.ACCELERATOR = saved


def test_sections_are_written_aligned_and_read_in_place(tmp_path: Path) -> None:
    path = tmp_path / "t.cache"
    sections = [b"abc", b"", array("q", [1, 2]).tobytes(), b"\x00" * 9]
    write_sections(path, ("v", 1, None), sections)
    header, views = read_sections(path)
    assert header == ("v", 1, None) and [bytes(v) for v in views] == sections
    assert all(isinstance(v, memoryview) and v.readonly for v in views)
    assert views[2].cast("q").tolist() == [1, 2]
    assert not list(tmp_path.glob("*.tmp"))


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
