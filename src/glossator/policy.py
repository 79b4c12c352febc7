"""Policies: plain functions that choose which matches become annotations.

Each takes matches sorted by position (non-overlapping: the matcher already applied
leftmost-longest) and returns the ones to keep. They are registered by name so that
options can name them (``occurrences="first"``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

__all__ = ["OCCURRENCE_POLICIES", "all_occurrences", "first_occurrence", "register_policy"]


class _HasEntryId(Protocol):
    @property
    def entry_id(self) -> str: ...


M = TypeVar("M")
Policy = Callable[[Sequence[M], Callable[[M], str]], list[M]]


def all_occurrences(matches: Sequence[M], key: Callable[[M], str]) -> list[M]:
    """Keep every match."""
    return list(matches)


def first_occurrence(matches: Sequence[M], key: Callable[[M], str]) -> list[M]:
    """Keep the first match of each entry in the document (what glossary sites do)."""
    seen: set[str] = set()
    kept: list[M] = []
    for m in matches:
        k = key(m)
        if k not in seen:
            seen.add(k)
            kept.append(m)
    return kept


#: Occurrence policies by name; ``first`` is the default.
OCCURRENCE_POLICIES: dict[str, Callable[..., list[object]]] = {
    "first": first_occurrence,
    "all": all_occurrences,
}


def register_policy(name: str, policy: Callable[..., list[object]]) -> None:
    """Make ``policy`` available as ``occurrences=name``."""
    OCCURRENCE_POLICIES[name] = policy
