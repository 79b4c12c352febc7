"""Annotating real saved HTML pages in place (run by hand).

    .venv/bin/python benchmarks/html_pages.py [--runs 15] [--cli-runs 5] [--json FILE|-]

The pages are the real ones of ``tests/data/pages/`` (Debian documentation in French and
LibreOffice's French help, with scripts, menus, forms and entities; see the README there).
Each page is annotated with ``glossator.documents.html.annotate_html``, the glossary
compiled beforehand, first with the bundled glossary, then with the small glossary of
computing terms of that folder, which finds terms in every page: the median and best wall
time of ``--runs`` runs after one warm-up. Then the whole command, ``glossator annotate
PAGE.html -o OUT.html`` (interpreter start, imports, glossary, annotation, writing), the
median of ``--cli-runs``. The load average is printed: on a shared machine the figures
move with it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import REPO, environment, fmt, markdown_table, write_results

PAGES = REPO / "tests" / "data" / "pages"
GLOSSARY = PAGES / "informatique.yaml"


def _median_best(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), min(times)


def bench_page(path: Path, runs: int, cli_runs: int, tmp: Path) -> list[dict[str, Any]]:
    """The records of one page: one per glossary."""
    import glossator
    from glossator.documents.html import annotate_html

    data = gzip.decompress(path.read_bytes())
    html = data.decode("utf-8")
    name = path.name.removesuffix(".gz")
    page = tmp / name
    page.write_bytes(data)
    records = []
    for label, source in (("bundled", None), ("informatique.yaml", GLOSSARY)):
        annotator = glossator.Annotator(glossator.load_glossary(source) if source else None)
        out = annotate_html(html, annotator)  # warm-up: compiles the glossary
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            annotate_html(html, annotator)
            times.append(time.perf_counter() - t)
        median, best = _median_best(times)
        cmd = [sys.executable, "-m", "glossator", "annotate", str(page), "-o",
               str(tmp / "out.html")]
        if source is not None:
            cmd[4:4] = ["-g", str(source)]
        cli = []
        for _ in range(cli_runs):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            cli.append(time.perf_counter() - t)
        records.append({
            "page": name, "bytes": len(data), "glossary": label,
            "start_tags": html.count("<") - html.count("</") - html.count("<!"),
            "scripts": html.lower().count("<script"),
            "annotations": out.count('role="tooltip"'),
            "median_ms": median * 1000, "best_ms": best * 1000,
            "mb_per_s": len(data) / median / 1e6,
            "cli_median_ms": statistics.median(cli) * 1000,
        })
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None,
                        help="where to write the records (default results/html-pages-DATE"
                        ".json; '-': nowhere)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        records = [r for page in sorted(PAGES.glob("*.html.gz"))
                   for r in bench_page(page, args.runs, args.cli_runs, Path(tmp))]
    load_after = os.getloadavg()
    print(markdown_table(
        ["page", "KiB", "scripts", "glossary", "terms", "median ms", "best ms", "MB/s",
         "command ms"],
        [(r["page"], fmt(r["bytes"] / 1024), r["scripts"], r["glossary"], r["annotations"],
          fmt(r["median_ms"]), fmt(r["best_ms"]), fmt(r["mb_per_s"]),
          fmt(r["cli_median_ms"])) for r in records]))
    print(f"\nload average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}, "
          f"on {os.cpu_count()} CPUs")
    write_results({"environment": environment(), "runs": args.runs,
                   "cli_runs": args.cli_runs, "load_average": [load_before, load_after],
                   "records": records}, args.json, "html-pages")


if __name__ == "__main__":
    main()
