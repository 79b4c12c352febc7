"""The value classes written without dataclasses (``glossator._values``) keep what their
dataclass versions gave: equality, hash, repr, immutability, pickling, ``replace``,
``fields``, ``asdict``, pattern matching, and dataclass subclasses."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any, ClassVar

import pytest

from glossator._values import Record, Value
from glossator.model import AnnotatedText, Annotation, Diagnostic, Entry, Location

ENTRY = Entry("ESS", "Économie sociale.", "ess", aliases=("E.S.S.",),
              origin=Location("g.csv", 3), key_lines=(("term", 3),))
ANNOTATION = Annotation(4, 7, "ESS", ENTRY, "ESS", "exact")
VALUES: list[Any] = [
    Location("g.csv", 3), Location(),
    Diagnostic("warning", "unknown key", Location("g.csv", 2), "drop it", "unknown-key"),
    ENTRY, ANNOTATION, AnnotatedText("Les ESS", (ANNOTATION,)),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_equal_to_a_copy_with_the_same_hash(value: Any) -> None:
    twin = dataclasses.replace(value)
    assert twin == value
    assert not twin != value  # noqa: SIM202 - __ne__ follows __eq__
    assert twin is not value
    assert hash(twin) == hash(value)
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value) == value
    assert value != (1, 2) and value.__eq__(object()) is NotImplemented


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_immutable(value: Any) -> None:
    name = dataclasses.fields(value)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"):
        setattr(value, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field"):
        delattr(value, name)
    with pytest.raises(AttributeError):
        value.__dict__  # noqa: B018 - slots: no instance dictionary


def test_repr_as_a_dataclass_leaves_out_what_it_did() -> None:
    assert repr(Location("g.csv", 3)) == "Location(file='g.csv', line=3)"
    assert repr(Diagnostic("error", "m")) == (
        "Diagnostic(level='error', message='m', location=None, hint=None, code=None)")
    assert repr(ENTRY) == (
        "Entry(term='ESS', definition='Économie sociale.', id='ess', title=None, "
        "aliases=('E.S.S.',), case_sensitive=None, url=None, source=None, tags=(), "
        "domains=(), inflect=None, hyphen_variants=None, not_in=(), max_occurrences=None, "
        "origin=Location(file='g.csv', line=3))")  # key_lines is not shown


def test_entry_compares_without_its_origin_and_key_lines() -> None:
    plain = Entry("ESS", "Économie sociale.", "ess", aliases=("E.S.S.",))
    assert plain == ENTRY and hash(plain) == hash(ENTRY)
    assert Entry("ESS", "autre", "ess") != ENTRY
    assert hash(Location("a", 1)) == hash(("a", 1))  # as a dataclass hashes


def test_replace_fields_asdict_and_match() -> None:
    changed = dataclasses.replace(ANNOTATION, end=8, surface="ESS ")
    assert (changed.start, changed.end, changed.surface, changed.entry) == (
        4, 8, "ESS ", ENTRY)
    assert [f.name for f in dataclasses.fields(Location)] == ["file", "line"]
    assert [f.name for f in dataclasses.fields(Entry) if not f.compare] == [
        "origin", "key_lines"]
    assert dataclasses.is_dataclass(ENTRY)
    assert dataclasses.asdict(Location("a", 1)) == {"file": "a", "line": 1}
    match Location("a", 1):
        case Location(file, line):
            assert (file, line) == ("a", 1)
        case _:
            pytest.fail("no match")


class _Job(Record):
    """A mutable record with a default made by a function."""

    _factories: ClassVar[dict[str, Any]] = {"options": dict}

    def __init__(self, name: str, options: dict[str, int] | None = None) -> None:
        self.name = name
        self.options = {} if options is None else options


@dataclasses.dataclass
class _Dying(_Job):
    victim: str = ""


def test_a_record_is_mutable_unhashable_and_a_dataclass_base() -> None:
    job = _Job("a")
    job.name = "b"
    assert job == _Job("b", {}) and job != _Job("b", {"x": 1})
    assert repr(job) == "_Job(name='b', options={})"
    with pytest.raises(TypeError):
        hash(job)
    assert dataclasses.replace(job, name="c") == _Job("c")
    dying = _Dying(**dataclasses.asdict(job), victim="v")
    assert (dying.name, dying.options, dying.victim) == ("b", {}, "v")
    assert pickle.loads(pickle.dumps(dying)) == dying
    assert _Dying("n").options == {}  # the factory, not a shared default


class Spot(Location):
    """A subclass that adds no field."""

    __slots__ = ()


def test_a_value_subclass_of_nothing_new_keeps_its_base_fields() -> None:
    assert repr(Spot("a", 1)) == "Spot(file='a', line=1)"
    assert Spot("a", 1) != Location("a", 1)  # other class, as dataclasses compare
    assert isinstance(Location(), Value)
