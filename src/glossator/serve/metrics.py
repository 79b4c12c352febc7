"""The service's counters, written in Prometheus's text exposition format (version 0.0.4).

No client library: a few counters, a gauge and one histogram, kept under a lock and
written out by :meth:`Metrics.render`. Each worker process counts its own requests.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import defaultdict

__all__ = ["BUCKETS", "Metrics"]

#: The upper bounds of the latency histogram, in seconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _label(value: str) -> str:
    """A label value escaped as the text format wants it."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Metrics:
    """Requests by route and status, their latency, annotations made, glossary reloads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: defaultdict[tuple[str, str, int], int] = defaultdict(int)
        self._buckets: defaultdict[str, list[int]] = defaultdict(
            lambda: [0] * (len(BUCKETS) + 1))
        self._sums: defaultdict[str, float] = defaultdict(float)
        self._annotations = 0
        self._documents = 0
        self._reloads: defaultdict[tuple[str, str], int] = defaultdict(int)
        self._in_flight = 0

    def started(self) -> None:
        """A request came in."""
        with self._lock:
            self._in_flight += 1

    def finished(self, route: str, method: str, status: int, seconds: float) -> None:
        """A request was answered."""
        with self._lock:
            self._in_flight -= 1
            self._requests[route, method, status] += 1
            self._buckets[route][bisect_left(BUCKETS, seconds)] += 1
            self._sums[route] += seconds

    def annotated(self, terms: int) -> None:
        """A document was annotated, with ``terms`` annotations."""
        with self._lock:
            self._documents += 1
            self._annotations += terms

    def reloaded(self, glossary: str, ok: bool) -> None:
        """A glossary was reloaded, or failed to."""
        with self._lock:
            self._reloads[glossary, "ok" if ok else "failed"] += 1

    def render(self, entries: dict[str, int]) -> str:
        """The text exposition; ``entries`` gives each glossary's entry count."""
        with self._lock:
            out = [
                "# HELP glossator_requests_total HTTP requests answered, by route and status.",
                "# TYPE glossator_requests_total counter",
            ]
            out += [f'glossator_requests_total{{route="{_label(r)}",method="{m}",'
                    f'status="{s}"}} {n}' for (r, m, s), n in sorted(self._requests.items())]
            out += self._histogram()
            out += [
                "# HELP glossator_requests_in_flight Requests being answered now.",
                "# TYPE glossator_requests_in_flight gauge",
                f"glossator_requests_in_flight {self._in_flight}",
                "# HELP glossator_documents_total Documents annotated.",
                "# TYPE glossator_documents_total counter",
                f"glossator_documents_total {self._documents}",
                "# HELP glossator_annotations_total Terms annotated in those documents.",
                "# TYPE glossator_annotations_total counter",
                f"glossator_annotations_total {self._annotations}",
                "# HELP glossator_glossary_reloads_total Glossary reloads, by result.",
                "# TYPE glossator_glossary_reloads_total counter",
            ]
            out += [f'glossator_glossary_reloads_total{{glossary="{_label(g)}",'
                    f'result="{r}"}} {n}' for (g, r), n in sorted(self._reloads.items())]
        out += ["# HELP glossator_glossary_entries Entries of each glossary serving now.",
                "# TYPE glossator_glossary_entries gauge"]
        out += [f'glossator_glossary_entries{{glossary="{_label(g)}"}} {n}'
                for g, n in entries.items()]
        return "\n".join(out) + "\n"

    def _histogram(self) -> list[str]:
        """The latency histogram's lines (the lock is held)."""
        out = ["# HELP glossator_request_duration_seconds Time to answer a request.",
               "# TYPE glossator_request_duration_seconds histogram"]
        for route in sorted(self._buckets):
            counts = self._buckets[route]
            name = f'route="{_label(route)}"'
            total = 0
            for bound, count in zip((*BUCKETS, float("inf")), counts, strict=True):
                total += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                out.append(f'glossator_request_duration_seconds_bucket{{{name},le="{le}"}} '
                           f"{total}")
            out.append(f"glossator_request_duration_seconds_sum{{{name}}} "
                       f"{self._sums[route]:.6f}")
            out.append(f"glossator_request_duration_seconds_count{{{name}}} {total}")
        return out
