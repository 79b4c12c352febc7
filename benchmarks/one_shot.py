"""A one-shot ``glossator annotate`` of a large file with a large cached glossary, as a
user runs it (run by hand).

    .venv/bin/python benchmarks/one_shot.py                       # ~2 min
    .venv/bin/python benchmarks/one_shot.py --baseline OTHER/src  # against another tree

``end_to_end.py`` times what the command does after the glossary is loaded and compiled,
in a process that has annotated before. This times the whole command, each run a new
process: interpreter start, imports, the glossary and its compiled tables read from the
cache (``--cache-dir``, filled by a first run that is not timed), choosing, writing. The
glossary is the ``--entries`` terms drawn as ``peers.py`` draws them (``Définition de
TERM.``), the text the corpus's first ``--mb`` MB.

Cases, run round-robin (``--rounds``), each one a new process, CPU time of the child
(user + system, ``os.wait4``), median with the slowest round, and the ratio to the peer
round by round:

* ``peer one-shot``: what a user of pyahocorasick runs for the same job: a script that
  reads the term list, builds the automaton and scans the text (lowered), counting the
  matches (nothing written);
* ``glossator annotate -f FMT`` for each ``--formats``, writing to ``/dev/null``;
* with ``--baseline SRC``, each again with that tree's ``src`` first on ``PYTHONPATH``
  (its own caches, filled first too).

This tree's ``src`` is put first on ``PYTHONPATH`` too, so that the script times the
tree it belongs to; each tree must load its C modules (the script stops if one falls
back to pure Python), and the baseline's commit is recorded with the figures.

Prints a Markdown table and writes the records to
``benchmarks/results/one_shot-<date>.json`` (``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from benchlib import DEFAULT_CORPUS, draw_glossaries, environment, load_bytes

PEER = """
import sys, ahocorasick
terms = open(sys.argv[1], encoding="utf-8").read().split("\\n")
automaton = ahocorasick.Automaton()
for t in terms:
    if t:
        automaton.add_word(t.lower(), len(t))
automaton.make_automaton()
text = open(sys.argv[2], encoding="utf-8").read()
print(sum(1 for _ in automaton.iter_long(text.lower())))
"""


def _cpu(cmd: list[str], env: dict[str, str]) -> float:
    """The CPU seconds (user + system) of one run of ``cmd``, its output discarded."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return usage.ru_utime + usage.ru_stime


def _cases(tmp: Path, formats: list[str], baseline: Path | None,
           ) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Every case by name: its command and environment."""
    glossator = [sys.executable, "-m", "glossator", "annotate"]
    # bytecode written by the untimed first run, as an installed package has it (with
    # PYTHONDONTWRITEBYTECODE set, every run of a tree would compile what changed since
    # its .pyc files were last written: tens of milliseconds, unevenly between trees)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cases = {"peer one-shot": ([sys.executable, "-c", PEER, str(tmp / "terms.txt"),
                                str(tmp / "text.txt")], env)}
    trees = [("", HERE.parent / "src")] + ([(" (baseline)", baseline)] if baseline else [])
    for label, src in trees:
        tree_env = {**env, "PYTHONPATH": str(src)}
        _check_native(tree_env, src)
        cache = tmp / ("cache-base" if label else "cache")
        for fmt in formats:
            cases[f"glossator annotate -f {fmt}{label}"] = (
                [*glossator, "--cache-dir", str(cache), "-g", str(tmp / "g.csv"), "-f", fmt,
                 str(tmp / "text.txt")], tree_env)
    return cases


HERE = Path(__file__).resolve().parent

#: What each tree must load (the script stops where one falls back to pure Python).
NATIVE = ("from glossator.matching.native import ACCELERATOR\n"
          "from glossator.render import splice\n"
          "assert ACCELERATOR is not None and splice.SPLICE is not None")


def _check_native(env: dict[str, str], src: Path) -> None:
    """Stop unless the glossator of ``src`` loads its C scanner and C renderer."""
    done = subprocess.run([sys.executable, "-c", NATIVE], env=env, capture_output=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"{src}: the C modules do not load (build them first)")


def _commit(src: Path) -> str | None:
    """The commit of the tree holding ``src``, if it is a git checkout."""
    done = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() or None


def _write_inputs(tmp: Path, entries: int, mb: float, corpus: Path) -> None:
    import csv

    terms = draw_glossaries(corpus, [entries], 1)[entries].terms
    with open(tmp / "g.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["term", "definition"])
        for t in terms:
            out.writerow([t, f"Définition de {t}."])
    (tmp / "terms.txt").write_text("\n".join(terms), "utf-8")
    (tmp / "text.txt").write_bytes(load_bytes(corpus, mb))


def main() -> None:
    """Time the cases round-robin and print the table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--mb", type=float, default=4)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--formats", default="text,json,html")
    p.add_argument("--baseline", type=Path, help="another tree's src directory")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--json", type=Path, help="records file ('-': none)")
    args = p.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    with tempfile.TemporaryDirectory(prefix="glossator-one-shot-") as name:
        tmp = Path(name)
        _write_inputs(tmp, args.entries, args.mb, args.corpus)
        cases = _cases(tmp, formats, args.baseline)
        for cmd, env in cases.values():  # fill the caches, the page cache, the .pyc files
            _cpu(cmd, env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.rounds):
            for case, (cmd, env) in cases.items():
                times[case].append(_cpu(cmd, env))
    peer = times["peer one-shot"]
    print(f"{args.entries} entries, {args.mb} MB; {args.rounds} rounds, round-robin; CPU s "
          "of each new process, median (slowest round); × the peer one-shot per round")
    print("| case | s | slowest s | × peer (slowest) |\n|---|---:|---:|---|")
    records = []
    for case, ts in times.items():
        ratios = [a / b for a, b in zip(peer, ts, strict=True)]
        rec = {"case": case, "median_s": statistics.median(ts), "slowest_s": max(ts),
               "x_peer": statistics.median(ratios), "x_peer_worst": min(ratios)}
        records.append(rec)
        print(f"| {case} | {rec['median_s']:.3f} | {rec['slowest_s']:.3f} | "
              f"{rec['x_peer']:.2f} ({rec['x_peer_worst']:.2f}) |")
    if str(args.json) != "-":
        path = args.json or (Path(__file__).parent / "results"
                             / f"one_shot-{date.today().isoformat()}.json")
        baseline = None if args.baseline is None else {
            "src": str(args.baseline), "commit": _commit(args.baseline)}
        path.write_text(json.dumps({"environment": environment(), "entries": args.entries,
                                    "mb": args.mb, "rounds": args.rounds,
                                    "baseline": baseline, "cases": records}, indent=2)
                        + "\n", "utf-8")
        print(f"\nrecords written to {path}")


if __name__ == "__main__":
    main()
