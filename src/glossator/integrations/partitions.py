"""Annotating partitions of texts, the same way on any engine that maps a function over
them (Dask, Spark, a process pool of one's own).

Two pieces, neither of which imports an engine:

* :class:`Shipped` carries an :class:`~glossator.annotate.Annotator` (or a
  :class:`~glossator.runner.DocumentJob`) to worker processes as bytes, and builds it
  **once per process** however many tasks, retries or copies of it arrive there: the
  glossary is compiled once per worker (or mapped from a shared ``cache_dir``), never
  once per task.
* :func:`annotate_records` annotates the records of one partition, each a text or a
  mapping with a ``"text"`` field, into dictionaries holding the rendered ``output``
  and the ``annotations``, in the shape of the JSON output's spans.

>>> from glossator import Annotator, Glossary
>>> g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
>>> shipped = Shipped(Annotator(g))
>>> [r["annotations"][0]["surface"] for r in annotate_records(["L’ESS."], shipped, fmt="text")]
['ESS']
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ..annotate import Annotator

__all__ = ["Shipped", "annotate_records"]

_T = TypeVar("_T")

#: The objects built in this process, by the digest of their bytes (the latest few).
_BUILT: dict[str, Any] = {}
_BUILDING = threading.Lock()
#: How many shipped objects a process keeps built (a long-lived worker serves many runs).
_KEPT = 4


class Shipped(Generic[_T]):
    """``value`` pickled once, here; built again once per process that calls :meth:`get`.

    Pickling a ``Shipped`` copies bytes only: a Dask task, a Spark closure or a broadcast
    variable can carry it freely. The first :meth:`get` in a process unpickles the value
    (an annotator compiles its glossary then, from its ``cache_dir`` if it has one) and
    keeps it, under the digest of the bytes, for every later call in that process.
    """

    __slots__ = ("digest", "payload")

    def __init__(self, value: _T) -> None:
        self.payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.digest = hashlib.sha256(self.payload).hexdigest()
        with _BUILDING:  # here, the value is built already (Dask's threaded scheduler)
            _keep(self.digest, value)

    def get(self) -> _T:
        """The value, built in this process the first time it is asked for (the value
        itself in the process that shipped it: it is not to be changed after)."""
        with _BUILDING:  # two threads of one worker: one builds, the other waits
            value = _BUILT.get(self.digest)
            if value is None:
                value = pickle.loads(self.payload)
                _keep(self.digest, value)
        return value  # type: ignore[no-any-return]

    def __getstate__(self) -> tuple[bytes, str]:
        return self.payload, self.digest

    def __setstate__(self, state: tuple[bytes, str]) -> None:
        self.payload, self.digest = state


def _keep(digest: str, value: Any) -> None:
    while len(_BUILT) >= _KEPT:
        del _BUILT[next(iter(_BUILT))]
    _BUILT[digest] = value


def annotate_records(
    records: Iterable[str | Mapping[str, Any]],
    annotator: Annotator | Shipped[Annotator],
    fmt: str = "html",
    **options: Any,
) -> Iterator[dict[str, Any]]:
    """Each record annotated: ``{"output": ..., "annotations": [...]}``.

    A record is a text, or a mapping with a ``"text"`` field whose other fields are kept
    in the result (an id, say). ``output`` is the text rendered in format ``fmt`` with
    ``options`` (those of :func:`glossator.render.render`: an HTML fragment by default);
    ``annotations`` are the spans of the JSON output (``start``, ``end``, ``surface``,
    ``entry``, ``definition``…), offsets in code points of the text. The function takes
    an iterable and yields as it goes, the shape of a partition function for Dask's
    ``map_partitions`` and Spark's ``mapPartitions``.
    """
    from ..render import render

    if isinstance(annotator, Shipped):
        annotator = annotator.get()
    for record in records:
        if isinstance(record, str):
            text, result = record, {}
        else:
            text, result = record["text"], dict(record)
        annotated = annotator.annotate(text)
        result["output"] = render(annotated, fmt, **options)
        result["annotations"] = [a.to_dict() for a in annotated.annotations]
        yield result
