"""``glossator annotate`` end to end against the peers' bare scans (run by hand).

    .venv/bin/python benchmarks/end_to_end.py --mb 4                 # speed, ~5 min
    .venv/bin/python benchmarks/end_to_end.py --mb 4 --memory        # peak memory too
    .venv/bin/python benchmarks/end_to_end.py --mb 1 --sizes 10 --rounds 3   # a quick look
    .venv/bin/python benchmarks/end_to_end.py --mb 4 --cold    # each round a first document
    .venv/bin/python benchmarks/end_to_end.py --mb 4 --cold --cold-index   # … of a new process

For each glossary size (10 — the fixed ESS list —, 1 000, 10 000 and 100 000 terms drawn
with a fixed seed from ``../shared/corpus/terms``, see ``benchlib.draw_glossary``), every
case below runs once per round, round-robin, in this one process, on the same text (the
corpus text, or its first ``--mb`` MB):

* ``bytes.count``: one C pass over the UTF-8 bytes (the byte-pass limit);
* each installed peer's bare scan (pyahocorasick, ahocorasick-rs, flashtext2, flashtext;
  ``pip install -e '.[bench]'``): matches found, nothing rendered;
* glossator's bare scan (``Matcher.iter_spans``, counted);
* ``glossator annotate -f text|json|html --occurrences all|first``: what the command does
  after reading the file (the document as it reads it, ``decode_input``: its text and,
  read from UTF-8, those bytes; then ``DocumentJob.render_into``: find, choose, render,
  and write the UTF-8 to the output as it is made), with the glossary compiled before
  the clock starts; ``--sink`` says where it writes: ``devnull`` (default, ``os.devnull`` opened
  once) or ``file`` (a temporary file, rewritten each time, as ``-o`` does minus the
  rename);
* with ``--str-path``, each of those again as ``DocumentJob.render`` (the library's
  path: the output made whole as one ``str``, not encoded nor written);
* with ``--python-renderers``, each of those again with the renderers' C loop
  (``glossator.render._splice``) turned off: the same command as it was before that loop,
  in the same rounds;
* with ``--per-entry-makers``, each of those again with the JSON pieces and tooltip
  templates of a document's new codes and entries made one call at a time, as before
  session 7 (``_splice.json_pieces`` and ``_splice.templates`` left out: the renderers
  then take their per-entry path, which is kept), in the same rounds.

Each figure is the median over the rounds, with the slowest round beside it; every
ratio is against the best peer's bare scan, taken round by round (so that the machine's
drift cancels out). ``--memory`` also runs each case in its own interpreter and reports its
peak resident memory (``VmHWM``) against glossator's streaming scan of the same text:
there an ``annotate`` case is the command's own path from the file on
(``DocumentJob.convert``: read the file, annotate, write the output file whole or not at
all; a text file written as ``text`` is annotated piece by piece, as the command does).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_CORPUS,
    MB,
    draw_glossaries,
    environment,
    fmt,
    load_bytes,
    markdown_table,
    rss_peak_mb,
    write_results,
)

FORMATS = ("text", "json", "html")
OCCURRENCES = ("all", "first")
PEERS = ("pyahocorasick", "ahocorasick-rs", "flashtext2", "flashtext")


# ---------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------


def _peer(name: str, terms: list[str]) -> Callable[[str], int] | None:
    """The bare scan of peer ``name`` over ``terms`` (case-insensitive, longest match), as
    a function of the text returning the match count; ``None`` when it is not installed."""
    try:
        if name == "pyahocorasick":
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for t in terms:
                automaton.add_word(t.lower(), len(t))
            automaton.make_automaton()
            return lambda text: sum(1 for _ in automaton.iter_long(text.lower()))
        if name == "ahocorasick-rs":
            import ahocorasick_rs

            ac = ahocorasick_rs.AhoCorasick(
                [t.lower() for t in terms], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
            return lambda text: len(ac.find_matches_as_indexes(text.lower()))
        if name == "flashtext2":
            import flashtext2

            kp2 = flashtext2.KeywordProcessor(False)
            for t in terms:
                kp2.add_keyword(t)
            return lambda text: len(kp2.extract_keywords_with_span(text))
        if name == "flashtext":
            from flashtext import KeywordProcessor

            kp = KeywordProcessor()
            for t in terms:
                kp.add_keyword(t)
            return lambda text: len(kp.extract_keywords(text, span_info=True))
    except ImportError:
        return None
    raise ValueError(f"unknown peer {name}")


def _glossary(terms: list[str]) -> Any:
    import glossator

    return glossator.Glossary.from_dicts(
        [{"term": t, "definition": f"Définition de {t}."} for t in terms])


def _sink_file(sink: str) -> Any:
    """``os.devnull``, or a new temporary file (removed at exit), open for the run."""
    if sink == "devnull":
        return open(os.devnull, "wb")
    import atexit

    fd, path = tempfile.mkstemp(prefix="glossator-e2e-")
    atexit.register(os.unlink, path)
    return os.fdopen(fd, "wb")


def _forget(job: Any, index: bool = False) -> None:
    """Empty what the renderers keep from one document to the next of a process: the JSON
    pieces and the HTML templates kept with the matcher (``Matcher.variants.memo``), and
    the process-wide HTML templates of a tree before those moved there; with ``index``,
    the policies' entry index too (``kept.EntryIndex``: built per matcher, learning each
    entry the first time it is met), as a new process starts without it."""
    from glossator.render import html

    matcher = job.annotator.matcher
    memo = getattr(matcher.variants, "memo", None)
    if memo is not None:
        memo.clear()
    if index and hasattr(matcher, "_policy_index"):
        matcher._policy_index = None
    templates = getattr(html, "_TEMPLATES", None)
    if templates is not None:
        templates.clear()


def _from_cache(terms: list[str]) -> Callable[[], tuple[Any, str]]:
    """A function that reads the glossary of ``terms`` as a new process does with
    ``--cache-dir``: from the glossary cache (its entries not built), with its cache
    directory (the matcher's tables kept there too); the caches are written now."""
    import atexit
    import csv
    import shutil

    from glossator import compile_glossary
    from glossator.loaders import read_glossary

    where = tempfile.mkdtemp(prefix="glossator-e2e-cache-")
    atexit.register(shutil.rmtree, where, True)
    path = os.path.join(where, "glossary.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["term", "definition"])
        out.writerows([t, f"Définition de {t}."] for t in terms)
    cache = os.path.join(where, "cache")
    compile_glossary(read_glossary(path, cache_dir=cache), cache_dir=cache)

    def fresh() -> tuple[Any, str]:
        return read_glossary(path, cache_dir=cache), cache

    return fresh


def _annotate(glossary: Any, fmt_: str, occurrences: str, python_renderers: bool = False,
              sink: str = "devnull", cold: bool | str = False,
              per_entry: bool = False,
              fresh: Callable[[], tuple[Any, str]] | None = None) -> Callable[[str], int]:
    """What ``glossator annotate -f FMT --occurrences OCC`` does with a text it has read
    (``python_renderers``: with the renderers' C loop turned off): written to ``sink``
    (``devnull``, ``file``) as the command writes it, or made as a ``str`` (``str``);
    ``cold``: each time as a matcher's first document (:func:`_forget`; ``"index"``: the
    policies' entry index forgotten too); ``per_entry``:
    with the renderers' batch makers left out (:func:`_per_entry`); ``fresh`` (with
    ``cold == "index"``): each time a new glossary and annotator from the caches
    (:func:`_from_cache`), as a new process has them."""
    from importlib import import_module

    from glossator.documents.read import Document

    new_job = _job_maker(glossary, fmt_, occurrences, fresh if cold == "index" else None)
    jobs = [new_job()]
    modules = [import_module(f"glossator.render.{m}") for m in ("text", "json", "html")]
    if sink == "str":
        def once(text: str) -> int:
            return len(jobs[0].render(Document("bench.txt", "text", text)))
    else:
        out = _sink_file(sink)

        def once(text: str) -> int:
            if sink == "file":
                out.seek(0)
                out.truncate()
            doc = _document(text)
            job = jobs[0]
            if hasattr(job, "render_into"):
                job.render_into(doc, out.write)
            else:  # a tree before it: what its command did (render, encode, write)
                from glossator.documents.write import encode, terminated

                out.write(encode(terminated(job.render(doc))))
            return out.tell()

    def run(text: str) -> int:
        if cold:  # (emptied already by run.before in the rounds: then nearly free)
            _forget(jobs[0], cold == "index")
        if per_entry:
            with _per_entry(modules):
                return once(text)
        if not python_renderers:
            return once(text)
        kept = [m.SPLICE for m in modules]
        for m in modules:
            m.SPLICE = None
        try:
            return once(text)
        finally:
            for m, splice in zip(modules, kept, strict=True):
                m.SPLICE = splice

    if cold:
        # what a one-shot command pays: nothing kept from an earlier document; emptied
        # before the clock starts (freeing what the last round kept is a cost of that
        # round's process ending, as the glossary's is, not of the next document)
        def before() -> None:
            if fresh is not None and cold == "index":
                # the last one freed before the next is read (a process ending frees it,
                # off the next one's clock): a glossary and its matcher hold each other,
                # and frozen (new_job) they would never be collected
                jobs[0] = None
                gc.unfreeze()
                gc.collect()
                jobs[0] = new_job()
            _forget(jobs[0], cold == "index")

        run.before = before  # type: ignore[attr-defined]
    return run


def _job_maker(glossary: Any, fmt_: str, occurrences: str,
               fresh: Callable[[], tuple[Any, str]] | None) -> Callable[[], Any]:
    """A function making the command's job for ``glossary`` (or, with ``fresh``, for the
    glossary read again from the caches, with its matcher loaded from there)."""
    from glossator import Annotator
    from glossator.runner import DocumentJob

    def new_job() -> Any:
        if fresh is None:
            return DocumentJob(Annotator(glossary, occurrences=occurrences), fmt_)
        read, cache = fresh()
        job = DocumentJob(Annotator(read, occurrences=occurrences, cache_dir=cache), fmt_)
        gc.freeze()  # as the command does, once loaded (cli.common.loaded)
        return job

    return new_job


def _cold(args: argparse.Namespace) -> bool | str:
    """What ``--cold`` and ``--cold-index`` ask of :func:`_annotate`."""
    return "index" if args.cold and args.cold_index else bool(args.cold)


@contextlib.contextmanager
def _per_entry(modules: list[Any]) -> Iterator[None]:
    """The renderers of ``modules`` without their batch makers (the entry table's class
    they test for replaced by one nothing is an instance of): one call per new code or
    entry, as before session 7."""
    class _Nothing:
        pass

    kept = [(m, m.__dict__.get("_Entries")) for m in modules]
    try:
        for m, found in kept:
            if found is not None:
                m._Entries = _Nothing
        yield
    finally:
        for m, found in kept:
            if found is not None:
                m._Entries = found


def _scan(glossary: Any) -> Callable[[str], int]:
    from glossator import compile_glossary

    matcher = compile_glossary(glossary)
    return lambda text: sum(len(batch) for batch in matcher.iter_spans(text))


def cases(terms: list[str], args: argparse.Namespace) -> dict[str, Callable[[str], int]]:
    """Every case of one glossary size, by name, each a function of the text."""
    out: dict[str, Callable[[str], int]] = {}
    out["bytes.count"] = lambda text: 0  # replaced by the byte pass (see _round)
    for name in args.peers:
        scan = _peer(name, terms)
        if scan is not None:
            out[f"peer:{name}"] = scan
    glossary = _glossary(terms)
    out["glossator scan"] = _scan(glossary)
    fresh = _from_cache(terms) if _cold(args) == "index" else None
    for f in args.formats:
        for occ in args.occurrences:
            out[f"annotate -f {f} --occurrences {occ}"] = _annotate(glossary, f, occ,
                                                                     sink=args.sink,
                                                                     cold=_cold(args),
                                                                     fresh=fresh)
            if args.str_path:
                out[f"annotate -f {f} --occurrences {occ} (str)"] = _annotate(
                    glossary, f, occ, sink="str")
            if args.python_renderers:
                out[f"annotate -f {f} --occurrences {occ} (Python renderers)"] = _annotate(
                    glossary, f, occ, python_renderers=True, sink=args.sink)
            if args.per_entry_makers:
                out[f"annotate -f {f} --occurrences {occ} (per-entry makers)"] = _annotate(
                    glossary, f, occ, sink=args.sink, cold=_cold(args), per_entry=True,
                    fresh=fresh)
    return out


# ---------------------------------------------------------------------------------------
# Speed: round-robin in this process
# ---------------------------------------------------------------------------------------


#: How a case is timed (``--clock``): wall time, or the CPU time of this thread, which a
#: machine shared with other busy processes disturbs less.
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.thread_time}
_clock = time.perf_counter


def timed(name: str, call: Callable[[str], int], text: str, data: bytes,
          clock: Callable[[], float]) -> float:
    """One run of case ``name`` on ``text`` (``bytes.count``: the byte pass over
    ``data``), after its ``before`` (off the clock), in seconds of ``clock``."""
    before = getattr(call, "before", None)
    if before is not None:  # (--cold: the memos emptied, off the clock)
        before()
    t0 = clock()
    if name == "bytes.count":
        data.count(b" ")
    else:
        call(text)
    return clock() - t0


def _round(todo: dict[str, Callable[[str], int]], text: str, data: bytes,
           times: dict[str, list[float]]) -> None:
    for name, call in todo.items():
        times.setdefault(name, []).append(timed(name, call, text, data, _clock))


#: What the command has of each text timed (by its id) once it has read the file: the
#: text decoded from its bytes, and those bytes where ``decode_input`` keeps them (they
#: are its UTF-8). Made before the clock starts, as reading the file is not timed.
_READ: dict[int, tuple[str, bytes]] = {}


def _document(text: str) -> Any:
    """A new document of ``text`` as the command has it after reading the file
    (:data:`_READ`; the scan takes its bytes), else made of the str alone."""
    from glossator.documents.read import Document

    read = _READ.get(id(text))
    if read is not None and read[0] is text:
        return Document("bench.txt", "text", text, "utf-8", b"", read[1])
    return Document("bench.txt", "text", text)


def _read_as_the_command(text: str, data: bytes) -> None:
    """Put in :data:`_READ` what the command reads from ``data``."""
    from glossator.documents.read import decode_input

    try:
        read = decode_input("bench.txt", data, keep_utf8=True)
    except TypeError:  # (a tree before it)
        read = decode_input("bench.txt", data)
    _READ.clear()
    utf8 = getattr(read, "utf8", None)
    if read.text == text and utf8 is not None:
        _READ[id(text)] = (text, utf8)  # (around the very str object the cases are handed)


def speed(size: int, terms: list[str], text: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Time every case of one size round-robin; one record per case."""
    data = text.encode("utf-8")
    _read_as_the_command(text, data)
    todo = cases(terms, args)
    for call in todo.values():  # warm up (and compile lazily built tables)
        call(text[:10_000])
    # as the command does once its glossary is loaded (cli.common.loaded): what lives as
    # long as the process is moved out of the collector's sight, not walked by each of
    # its full collections
    gc.freeze()
    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        _round(todo, text, data, times)
    peers = [n for n in todo if n.startswith("peer:")]
    best = min(peers, key=lambda n: statistics.median(times[n])) if peers else None
    records = []
    for name, ts in times.items():
        rec: dict[str, Any] = {"size": size, "case": name, "median_s": statistics.median(ts),
                               "slowest_s": max(ts), "mb_s": len(data) / MB / statistics.median(ts)}
        if best is not None:
            per_round = [b / t for b, t in zip(times[best], ts, strict=True)]
            rec["best_peer"] = best
            rec["x_best_peer"] = statistics.median(per_round)
            rec["x_best_peer_worst"] = min(per_round)
        rec["of_byte_pass"] = statistics.median(
            [b / t for b, t in zip(times["bytes.count"], ts, strict=True)])
        records.append(rec)
    return records


# ---------------------------------------------------------------------------------------
# Memory: one interpreter per case
# ---------------------------------------------------------------------------------------


def name_is_scan(name: str) -> bool:
    """Whether case ``name`` is a scan (handed the text read), not the command."""
    return name == "glossator scan" or name.startswith("peer:")


def _command(glossary: Any, fmt_: str, occurrences: str, path: Path) -> Callable[[str], int]:
    """``glossator annotate -f FMT --occurrences OCC FILE -o OUT`` from the file on
    (``DocumentJob.convert``); called with a short text, it annotates that (a warm-up)."""
    from glossator import Annotator
    from glossator.runner import DocumentJob

    job = DocumentJob(Annotator(glossary, occurrences=occurrences), fmt_)
    target = path.with_name(f"out-{fmt_}-{occurrences}")

    def run(text: str) -> int:
        source = path
        if text:
            source = path.with_name("warm-up.txt")
            source.write_text(text, encoding="utf-8")
        job.convert((str(source), "text", str(target)))
        return target.stat().st_size

    return run


def _child(args: argparse.Namespace) -> None:
    """Run one case on the text file and print its peak memory as JSON (``--child``)."""
    terms = json.loads(Path(args.child_terms).read_text(encoding="utf-8"))
    glossary = _glossary(terms)
    name = args.child
    if name_is_scan(name):
        text = Path(args.child_text).read_text(encoding="utf-8")
        warm = text[:10_000]
    else:  # the command reads the file itself: the peak is its own
        with open(args.child_text, encoding="utf-8") as f:
            warm = f.read(10_000)
        text = ""
    if name == "glossator scan":
        call = _scan(glossary)
    elif name.startswith("peer:"):
        peer = _peer(name[5:], terms)
        assert peer is not None
        call = peer
    else:
        _, _, f, _, occ = name.split()
        call = _command(glossary, f, occ, Path(args.child_text))
    call(warm)
    before = rss_peak_mb()
    t0 = time.perf_counter()
    call(text)
    print(json.dumps({"case": name, "peak_mb": rss_peak_mb(), "before_mb": before,
                      "s": time.perf_counter() - t0}))


def memory(size: int, terms: list[str], text_file: Path, args: argparse.Namespace,
           tmp: Path) -> list[dict[str, Any]]:
    """Peak resident memory of each glossator case (and the scan) in its own interpreter."""
    terms_file = tmp / f"terms-{size}.json"
    terms_file.write_text(json.dumps(terms), encoding="utf-8")
    names = ["glossator scan"] + [f"annotate -f {f} --occurrences {o}"
                                  for f in args.formats for o in args.occurrences]
    records = []
    for name in names:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name, "--child-text", str(text_file),
             "--child-terms", str(terms_file)],
            capture_output=True, text=True, check=False, env=dict(os.environ))
        if proc.returncode != 0:
            records.append({"size": size, "case": name, "error": proc.stderr[-2000:]})
            continue
        rec = json.loads(proc.stdout.strip().splitlines()[-1])
        rec["size"] = size
        records.append(rec)
    scan = next((r for r in records if r["case"] == "glossator scan" and "peak_mb" in r), None)
    for r in records:
        if scan is not None and "peak_mb" in r:
            r["x_scan_peak"] = r["peak_mb"] / scan["peak_mb"]
    return records


# ---------------------------------------------------------------------------------------


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mb", type=float, default=4.0, help="MB of corpus text (default 4)")
    p.add_argument("--sizes", type=lambda v: [int(x) for x in _csv(v)],
                   default=[10, 1000, 10000, 100000])
    p.add_argument("--rounds", type=int, default=5, help="rounds (median, slowest)")
    p.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                   help="wall time (default), or this thread's CPU time (steadier on a "
                        "shared machine; every case here runs in this thread)")
    p.add_argument("--formats", type=_csv, default=list(FORMATS))
    p.add_argument("--occurrences", type=_csv, default=list(OCCURRENCES))
    p.add_argument("--peers", type=_csv, default=list(PEERS))
    p.add_argument("--memory", action="store_true",
                   help="also measure the peak memory of each case in its own interpreter")
    p.add_argument("--memory-only", action="store_true", help="--memory, without the timings")
    p.add_argument("--sink", choices=("devnull", "file"), default="devnull",
                   help="where the annotate cases write: os.devnull (default) or a "
                        "temporary file")
    p.add_argument("--cold", action="store_true",
                   help="each annotate case as a one-shot command's document: what the "
                        "renderers keep per matcher and per process is emptied before it "
                        "(off the clock)")
    p.add_argument("--cold-index", action="store_true",
                   help="with --cold, each annotate case as the first document of a new "
                        "process run with --cache-dir: the glossary read again from its "
                        "cache (no entry built yet), the matcher loaded from its own, "
                        "nothing learnt (off the clock)")
    p.add_argument("--str-path", action="store_true",
                   help="also time each annotate case as DocumentJob.render (a str)")
    p.add_argument("--python-renderers", action="store_true",
                   help="also time each annotate case with the renderers' C loop off")
    p.add_argument("--per-entry-makers", action="store_true",
                   help="also time each annotate case with the JSON pieces and tooltip "
                        "templates made one call per code or entry (as before session 7)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--json", type=Path, help="records file ('-': none; default "
                                             "benchmarks/results/end_to_end-<date>.json)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--child-text", help=argparse.SUPPRESS)
    p.add_argument("--child-terms", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def _print_speed(records: list[dict[str, Any]]) -> None:
    header = ["entries", "case", "MB/s", "slowest MB/s", "× best peer (slowest)",
              "× byte pass"]
    rows = []
    for r in records:
        mb = r["mb_s"] * r["median_s"]
        rows.append([r["size"], r["case"], fmt(r["mb_s"]), fmt(mb / r["slowest_s"]),
                     f"{fmt(r.get('x_best_peer'))} ({fmt(r.get('x_best_peer_worst'))})",
                     f"{r['of_byte_pass']:.2%}"])
    print(markdown_table(header, rows))


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print Markdown tables."""
    args = parse_args(argv)
    if args.child:
        _child(args)
        return
    global _clock
    _clock = CLOCKS[args.clock]
    data = load_bytes(args.corpus, args.mb)
    text = data.decode("utf-8")
    glossaries = draw_glossaries(args.corpus, args.sizes, args.seed)
    result: dict[str, Any] = {"environment": environment(), "mb": len(data) / MB,
                              "rounds": args.rounds, "clock": args.clock, "speed": [],
                              "memory": []}
    for size in args.sizes if not args.memory_only else ():
        terms = list(glossaries[size].terms)
        print(f"# {size} entries", file=sys.stderr, flush=True)
        result["speed"] += speed(size, terms, text, args)
    if result["speed"]:
        print(f"text: {len(data) / MB:.1f} MB; {args.rounds} rounds, round-robin, "
              f"{args.clock} clock; MB/s "
              "median (slowest round); ratios per round against the best peer's bare scan")
        _print_speed(result["speed"])
    if args.memory or args.memory_only:
        with tempfile.TemporaryDirectory(prefix="glossator-e2e-") as tmp:
            text_file = Path(tmp) / "text.txt"
            text_file.write_bytes(data)
            for size in args.sizes:
                result["memory"] += memory(size, list(glossaries[size].terms), text_file,
                                           args, Path(tmp))
        print()
        print(markdown_table(
            ["entries", "case", "peak MiB", "× streaming scan"],
            [[r["size"], r["case"], fmt(r.get("peak_mb")), fmt(r.get("x_scan_peak"))]
             for r in result["memory"]]))
    write_results(result, args.json, "end_to_end")


if __name__ == "__main__":
    main()
