"""The service's counters, written in Prometheus's text exposition format (version 0.0.4).

No client library: a few counters, gauges and one histogram, kept under a lock and
written out by :meth:`Metrics.render`.

With several workers (``--workers N``) a scrape reaches one of them, chosen by the
kernel, so each worker's own counts would be a random fraction of the truth. They share
a directory instead, as Prometheus's client libraries do in their multiprocess mode:
each worker writes a snapshot of its counts there (``PID.json``, replaced atomically,
within :data:`FLUSH_SECONDS` of a change and before answering a scrape), and the worker
that answers ``/metrics`` adds up every snapshot. Counters of a worker that has exited
keep counting in the sums (a counter never goes down); gauges count live workers only.
"""

from __future__ import annotations

import json
import os
import threading
from bisect import bisect_left
from collections import defaultdict
from contextlib import suppress
from pathlib import Path
from typing import Any

__all__ = ["BUCKETS", "FLUSH_SECONDS", "METHODS", "Metrics", "merge"]

#: The upper bounds of the latency histogram, in seconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

#: The methods counted by name (RFC 9110's, and PATCH); any other is counted as
#: ``other``, so that a client cannot add series without end by inventing methods.
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                     "PATCH"))

#: The longest a worker's snapshot lags behind its counts (shared directory only).
FLUSH_SECONDS = 1.0

Snapshot = dict[str, Any]


def _label(value: str) -> str:
    """A label value escaped as the text format wants it."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def merge(snapshots: list[Snapshot], live: set[int]) -> Snapshot:
    """The sum of several workers' snapshots; the gauges only over the ``live`` pids."""
    requests: defaultdict[tuple[str, str, int], int] = defaultdict(int)
    buckets: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
    sums: defaultdict[str, float] = defaultdict(float)
    reloads: defaultdict[tuple[str, str], int] = defaultdict(int)
    total = {"documents": 0, "annotations": 0, "in_flight": 0}
    for snap in snapshots:
        for route, method, status, n in snap["requests"]:
            requests[route, method, int(status)] += n
        for route, counts in snap["buckets"].items():
            buckets[route] = [a + b for a, b in zip(buckets[route], counts, strict=True)]
            sums[route] += snap["sums"][route]
        for glossary, result, n in snap["reloads"]:
            reloads[glossary, result] += n
        total["documents"] += snap["documents"]
        total["annotations"] += snap["annotations"]
        if snap["pid"] in live:
            total["in_flight"] += snap["in_flight"]
    return {"requests": [[r, m, s, n] for (r, m, s), n in requests.items()],
            "buckets": dict(buckets), "sums": dict(sums),
            "reloads": [[g, r, n] for (g, r), n in reloads.items()],
            "workers": len(live), **total}


class Metrics:
    """Requests by route and status, their latency, annotations made, glossary reloads.

    ``directory``: the folder the workers share (see the module), or None for a service
    of one process, whose counts are its own.
    """

    def __init__(self, directory: str | None = None) -> None:
        self._lock = threading.Lock()
        self._requests: defaultdict[tuple[str, str, int], int] = defaultdict(int)
        self._buckets: defaultdict[str, list[int]] = defaultdict(
            lambda: [0] * (len(BUCKETS) + 1))
        self._sums: defaultdict[str, float] = defaultdict(float)
        self._annotations = 0
        self._documents = 0
        self._reloads: defaultdict[tuple[str, str], int] = defaultdict(int)
        self._in_flight = 0
        self.directory = Path(directory) if directory else None
        self._changes = 0
        self._flushed = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def started(self) -> None:
        """A request came in."""
        with self._lock:
            self._in_flight += 1
            self._changes += 1

    def finished(self, route: str, method: str, status: int, seconds: float) -> None:
        """A request was answered (``route``: a route's template, or ``other``)."""
        method = method if method in METHODS else "other"
        with self._lock:
            self._in_flight -= 1
            self._requests[route, method, status] += 1
            self._buckets[route][bisect_left(BUCKETS, seconds)] += 1
            self._sums[route] += seconds
            self._changes += 1

    def annotated(self, terms: int) -> None:
        """A document was annotated, with ``terms`` annotations."""
        with self._lock:
            self._documents += 1
            self._annotations += terms
            self._changes += 1

    def reloaded(self, glossary: str, ok: bool) -> None:
        """A glossary was reloaded, or failed to."""
        with self._lock:
            self._reloads[glossary, "ok" if ok else "failed"] += 1
            self._changes += 1

    def snapshot(self) -> Snapshot:
        """This process's counts, as JSON-ready data."""
        with self._lock:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        """:meth:`snapshot`, the lock held."""
        return {"pid": os.getpid(), "in_flight": self._in_flight,
                "documents": self._documents, "annotations": self._annotations,
                "requests": [[r, m, s, n] for (r, m, s), n in self._requests.items()],
                "buckets": {r: list(c) for r, c in self._buckets.items()},
                "sums": dict(self._sums),
                "reloads": [[g, r, n] for (g, r), n in self._reloads.items()]}

    def flush(self) -> None:
        """Write this process's snapshot to the shared directory, if it changed."""
        if self.directory is None:
            return
        with self._lock:
            if self._changes == self._flushed:
                return
            changes, data = self._changes, json.dumps(self._snapshot())
        path = self.directory / f"{os.getpid()}.json"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)  # a reader sees the old snapshot or the new one, whole
        with self._lock:
            self._flushed = max(self._flushed, changes)

    def start_flushing(self) -> None:
        """Flush every :data:`FLUSH_SECONDS` in a daemon thread (shared directory only)."""
        if self.directory is None or self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.wait(FLUSH_SECONDS):
                with suppress(OSError):  # the next round tries again; a scrape flushes too
                    self.flush()

        self._thread = threading.Thread(target=loop, name="glossator-metrics", daemon=True)
        self._thread.start()

    def stop_flushing(self) -> None:
        """Stop the flusher, after a last flush."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with suppress(OSError):
            self.flush()

    def combined(self) -> Snapshot:
        """The counts to expose: this process's, or every worker's added up."""
        if self.directory is None:
            own = self.snapshot()
            return merge([own], {own["pid"]})
        self.flush()
        snapshots = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                snapshots.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue  # a worker's file being replaced: os.replace makes this rare
        live = {s["pid"] for s in snapshots if s["pid"] == os.getpid() or _alive(s["pid"])}
        return merge(snapshots, live)

    def render(self, entries: dict[str, int]) -> str:
        """The text exposition; ``entries`` gives each glossary's entry count."""
        data = self.combined()
        out = [
            "# HELP glossator_requests_total HTTP requests answered, by route and status.",
            "# TYPE glossator_requests_total counter",
        ]
        out += [f'glossator_requests_total{{route="{_label(r)}",method="{m}",'
                f'status="{s}"}} {n}' for r, m, s, n in sorted(data["requests"])]
        out += _histogram(data)
        out += [
            "# HELP glossator_requests_in_flight Requests being answered now.",
            "# TYPE glossator_requests_in_flight gauge",
            f"glossator_requests_in_flight {data['in_flight']}",
            "# HELP glossator_workers Worker processes counted in these metrics.",
            "# TYPE glossator_workers gauge",
            f"glossator_workers {data['workers']}",
            "# HELP glossator_documents_total Documents annotated.",
            "# TYPE glossator_documents_total counter",
            f"glossator_documents_total {data['documents']}",
            "# HELP glossator_annotations_total Terms annotated in those documents.",
            "# TYPE glossator_annotations_total counter",
            f"glossator_annotations_total {data['annotations']}",
            "# HELP glossator_glossary_reloads_total Glossary reloads, by result.",
            "# TYPE glossator_glossary_reloads_total counter",
        ]
        out += [f'glossator_glossary_reloads_total{{glossary="{_label(g)}",'
                f'result="{r}"}} {n}' for g, r, n in sorted(data["reloads"])]
        out += ["# HELP glossator_glossary_entries Entries of each glossary serving now.",
                "# TYPE glossator_glossary_entries gauge"]
        out += [f'glossator_glossary_entries{{glossary="{_label(g)}"}} {n}'
                for g, n in entries.items()]
        return "\n".join(out) + "\n"


def _histogram(data: Snapshot) -> list[str]:
    """The latency histogram's lines."""
    out = ["# HELP glossator_request_duration_seconds Time to answer a request.",
           "# TYPE glossator_request_duration_seconds histogram"]
    for route in sorted(data["buckets"]):
        counts = data["buckets"][route]
        name = f'route="{_label(route)}"'
        total = 0
        for bound, count in zip((*BUCKETS, float("inf")), counts, strict=True):
            total += count
            le = "+Inf" if bound == float("inf") else repr(bound)
            out.append(f'glossator_request_duration_seconds_bucket{{{name},le="{le}"}} '
                       f"{total}")
        out.append(f"glossator_request_duration_seconds_sum{{{name}}} "
                   f"{data['sums'][route]:.6f}")
        out.append(f"glossator_request_duration_seconds_count{{{name}}} {total}")
    return out
