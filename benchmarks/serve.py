"""Load test of ``glossator serve`` over loopback, against the CLI run once per page.

    python benchmarks/serve.py [--requests 20000] [--concurrency 4] [--max-seconds 900]

For a 5 KB HTML page cut from ``../shared/corpus/text`` (the Code de l'action sociale et
des familles), with the bundled glossary and with ``../shared/corpus/glossaries/sigles.csv``
(loaded non-strict: it has warnings), and with 1 and 2 workers: requests/s, p50 and p99
of ``POST /v1/annotate`` in raw mode (what a PHP plugin sends), the resident memory of
the service (all its processes) before and after the requests, and the same page through
``glossator annotate`` one call per page (with a warm ``--cache-dir``, as a PHP site would
run it), whose ratio to the service is what a PHP site gains. Everything stays on
127.0.0.1; each phase is bounded by a request count and by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: ``../shared/corpus`` beside the repository (or beside the folder of its worktrees), or
#: ``$GLOSSATOR_CORPUS``.
CORPUS = Path(os.environ.get("GLOSSATOR_CORPUS") or next(
    (p for p in (REPO.parent / "shared" / "corpus", REPO.parents[1] / "shared" / "corpus")
     if p.is_dir()), REPO.parent / "shared" / "corpus"))
SOURCE = CORPUS / "text" / "legal" / "code-de-l-action-sociale-et-des-familles.txt"
SIGLES = CORPUS / "glossaries" / "sigles.csv"
LISTENING = re.compile(r"running on http://127\.0\.0\.1:(\d+)")


def five_kb_page() -> str:
    """An HTML page of about 5 KB: paragraphs from the middle of the code."""
    text = SOURCE.read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text[len(text) // 2:].splitlines() if len(ln.strip()) > 40]
    body, size = [], 0
    for line in lines:
        para = f"<p>{html.escape(line, quote=False)}</p>\n"
        if size + len(para.encode()) > 4800:
            break
        body.append(para)
        size += len(para.encode())
    return ('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Page'
            "</title></head>\n<body>\n" + "".join(body) + "</body></html>\n")


def usable_sigles(folder: Path) -> tuple[Path, int]:
    """sigles.csv without its rows of empty term or definition (errors for glossator, CLI
    and service alike; its warnings stay): the copy and the number of rows dropped."""
    import csv

    with SIGLES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    columns = [header.index("term"), header.index("definition")]
    kept = [r for r in body if len(r) > max(columns) and all(r[c].strip() for c in columns)]
    out = folder / "sigles.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *kept])
    return out, len(body) - len(kept)


def start(glossary: list[str], workers: int, cache: str) -> tuple[subprocess.Popen[str], int]:
    """``glossator serve`` on an ephemeral port; its process and port."""
    cmd = [sys.executable, "-m", "glossator", "serve", "--port", "0", "-q", "--cache-dir",
           cache, "--workers", str(workers), "--max-concurrency", "8", *glossary]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    port, started = 0, 0
    deadline = time.monotonic() + 120
    assert proc.stderr is not None
    while time.monotonic() < deadline and (started < workers or not port):
        line = proc.stderr.readline()
        if not line:
            break
        found = LISTENING.search(line)
        port = int(found.group(1)) if found else port
        started += "Application startup complete" in line
    if not port or started < workers:
        proc.kill()
        raise SystemExit("glossator serve did not start")
    threading.Thread(target=lambda: proc.stderr.read() if proc.stderr else None,
                     daemon=True).start()  # keep draining the request log
    return proc, port


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def load(port: int, page: bytes, requests: int, concurrency: int,
         max_seconds: float) -> tuple[list[float], float]:
    """``requests`` POSTs over ``concurrency`` kept-alive connections; latencies (s) and
    the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in iter(lambda: next(counter, None), None):
            if time.monotonic() > deadline:
                break
            t = time.perf_counter()
            conn.request("POST", "/v1/annotate", page, {"Content-Type": "text/html"})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                raise SystemExit(f"status {r.status}")
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - t0


def cli_per_page(glossary: list[str], page: Path, cache: str, calls: int) -> float:
    """Mean seconds of ``glossator annotate PAGE`` run as a new process per page."""
    cmd = [sys.executable, "-m", "glossator", "annotate", str(page), "-q", "--cache-dir",
           cache, *glossary]
    subprocess.run(cmd, check=True, capture_output=True)  # warm the cache
    times = []
    for _ in range(calls):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.mean(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--cli-calls", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="time limit of each load phase")
    args = parser.parse_args()
    page_text = five_kb_page()
    page = page_text.encode("utf-8")
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "page.html"
        page_path.write_bytes(page)
        sigles, dropped = usable_sigles(Path(tmp))
        print(json.dumps({"sigles_rows_dropped_for_empty_term_or_definition": dropped}), flush=True)
        for label, glossary in (("bundled", []), ("sigles.csv", ["-g", str(sigles)])):
            cache = str(Path(tmp) / "cache")
            cli = cli_per_page(glossary, page_path, cache, args.cli_calls)
            for workers in (1, 2):
                proc, port = start(glossary, workers, cache)
                try:
                    load(port, page, 200, args.concurrency, 60)  # warm-up
                    before = rss_mb(proc.pid)
                    lat, wall = load(port, page, args.requests, args.concurrency,
                                     args.max_seconds)
                    after = rss_mb(proc.pid)
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
                lat.sort()
                row = {"glossary": label, "workers": workers, "requests": len(lat),
                       "rps": round(len(lat) / wall, 1),
                       "p50_ms": round(lat[len(lat) // 2] * 1000, 2),
                       "p99_ms": round(lat[int(len(lat) * 0.99)] * 1000, 2),
                       "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1),
                       "cli_ms_per_page": round(cli * 1000, 1),
                       "gain_throughput": round(len(lat) / wall * cli, 1),
                       "gain_latency": round(cli / lat[len(lat) // 2], 1)}
                results.append(row)
                print(json.dumps(row), flush=True)
    print(json.dumps({"page_bytes": len(page), "cpus": os.cpu_count(),
                      "loadavg_after": os.getloadavg(), "python": platform.python_version(),
                      "concurrency": args.concurrency}))


if __name__ == "__main__":
    main()
