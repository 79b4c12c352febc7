"""Shared pieces of the benchmarks: the corpus, the glossaries, the tools, the worker runs.

Used by ``peers.py``, ``scaling.py`` and ``disagreements.py`` (run by hand, never by the
test suite). The corpus is ``../shared/corpus`` beside the repository (see its README):
the text is every file of ``text/`` concatenated in path order; the glossaries are drawn
from glossator import compile_glossary
from ``terms/`` with a fixed seed.

Sizes are in MB of 10**6 bytes of UTF-8 text, and throughputs in MB/s of the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
#: ``$GLOSSATOR_CORPUS``, else ``../shared/corpus`` beside the checkout (or beside the
#: folder of its worktrees).
DEFAULT_CORPUS = Path(os.environ.get("GLOSSATOR_CORPUS") or next(
    (p for p in (REPO.parent / "shared" / "corpus", REPO.parents[1] / "shared" / "corpus")
     if p.is_dir()), REPO.parent / "shared" / "corpus"))
WORKER = BENCH_DIR / "worker.py"
MB = 1_000_000

#: The fixed 10-term glossary of the social and solidarity economy (corpus README).
ESS10: tuple[str, ...] = (
    "économie sociale et solidaire", "ESS", "PTCE", "utilité sociale", "coopérative",
    "association", "contrat de travail", "SCOP", "salarié", "chemin de fer",
)

#: The 20 acronyms of the social and solidarity economy added to the corpus acronyms.
ESS_ACRONYMS: tuple[str, ...] = (
    "ACI", "CAE", "CDDI", "CRESS", "CUMA", "DLA", "EBE", "EITI", "ESAT", "ESS",
    "ESUS", "ETTI", "GEIQ", "IAE", "PTCE", "SCIC", "SCOP", "SIAE", "TZCLD", "UDES",
)

#: Shares of a drawn glossary (corpus README): acronyms, multiword, single words.
SHARE_ACRONYMS = 0.05
SHARE_MULTIWORD = 0.35

_WORD_RE = re.compile(r"\w+(?:['-]\w+)*")


# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------


def require_corpus(corpus: Path, *parts: str) -> Path:
    """``corpus``, if it holds ``parts`` (``"text"``, ``"terms"``…); else stop the script
    with one line saying what it needs."""
    for part in parts or ("",):
        if not (corpus / part).exists():
            raise SystemExit(
                f"{Path(sys.argv[0]).name}: needs the shared corpus, and {corpus / part} is "
                "missing (put the corpus at ../shared/corpus beside the checkout, set "
                "GLOSSATOR_CORPUS, or pass --corpus DIR where the script takes it)")
    return corpus


def corpus_files(corpus: Path) -> list[Path]:
    """Every text file of the corpus, in path order."""
    require_corpus(corpus, "text")
    files = sorted((corpus / "text").rglob("*.txt"))
    if not files:
        raise SystemExit(f"no text under {corpus / 'text'} (see --corpus)")
    return files


def cut_at_line(data: bytes, nbytes: int) -> bytes:
    """The longest prefix of ``data`` of at most ``nbytes`` that ends a line (or all of it)."""
    if nbytes >= len(data):
        return data
    end = data.rfind(b"\n", 0, nbytes)
    return data[: end + 1] if end >= 0 else data[:nbytes]


def load_bytes(corpus: Path, mb: float | None = None) -> bytes:
    """The corpus text as UTF-8 bytes, or its first ``mb`` MB (cut after a line)."""
    data = b"".join(p.read_bytes() for p in corpus_files(corpus))
    return data if mb is None else cut_at_line(data, int(mb * MB))


def repeat_to(data: bytes, nbytes: int) -> bytes:
    """``data`` repeated as often as needed and cut after a line, to about ``nbytes``."""
    if not data.endswith(b"\n"):
        data += b"\n"
    copies = -(-nbytes // len(data))
    return cut_at_line(data * copies, nbytes)


def sample(data: bytes, nbytes: int, pieces: int = 8) -> bytes:
    """About ``nbytes`` of ``data`` in ``pieces`` runs of whole lines spread evenly over it.

    Used to time the slow peers on a part of the text that has the same genre mix as the
    whole (legal codes, novels, technical prose), rather than on the first megabyte only.
    """
    if nbytes >= len(data):
        return data
    step = len(data) // pieces
    size = nbytes // pieces
    out = []
    for i in range(pieces):
        start = data.find(b"\n", i * step) + 1 if i else 0
        out.append(cut_at_line(data[start:], size))
    return b"".join(out)


# ---------------------------------------------------------------------------------------
# Glossaries
# ---------------------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _plain_apostrophes(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u02bc", "'")


def term_key(term: str) -> str:
    """The comparison key of a term: NFC, plain apostrophes, casefolded."""
    return _plain_apostrophes(unicodedata.normalize("NFC", term)).casefold()


@dataclass(frozen=True)
class TermPools:
    """The term lists of ``corpus/terms``, cleaned and sorted (so that draws are stable)."""

    acronyms: list[str]
    curated_multiword: list[str]  # FranceTerme + Mythes
    ngrams: list[str]
    attested_words: list[str]  # wfrench words that occur in the corpus text
    other_words: list[str]  # the rest of wfrench

    @classmethod
    def load(cls, corpus: Path) -> TermPools:
        """Read and clean the lists; the corpus vocabulary is read file by file."""
        terms = require_corpus(corpus, "terms") / "terms"
        acronyms = [line.split("\t")[0] for line in _lines(terms / "corpus-acronyms.txt")]
        franceterme = [
            line.split("\t")[0] for line in _lines(terms / "franceterme-2020-2025.tsv")[1:]
        ]
        # multiword FranceTerme terms, without the headings of the official decisions
        franceterme = [
            t for t in franceterme
            if 2 <= len(t.split()) <= 6 and "," not in t
            and not t.startswith(("Recommandation", "Décision"))
        ]
        mythes = [t for t in _lines(terms / "mythes-fr-mwe.txt") if " " in t]
        ngrams = [line.split("\t")[0] for line in _lines(terms / "corpus-ngrams.txt")]
        vocabulary: set[str] = set()
        for path in corpus_files(corpus):
            text = _plain_apostrophes(path.read_text(encoding="utf-8")).lower()
            vocabulary.update(_WORD_RE.findall(text))
        for token in [t for t in vocabulary if "'" in t or "-" in t]:  # l'homme: homme too
            vocabulary.update(re.split(r"['-]", token))
        words = sorted(set(_lines(terms / "wfrench.txt")))
        return cls(
            acronyms=sorted(set(acronyms) | set(ESS_ACRONYMS)),
            curated_multiword=sorted(set(franceterme) | set(mythes)),
            ngrams=sorted(set(ngrams)),
            attested_words=[w for w in words if term_key(w) in vocabulary],
            other_words=[w for w in words if term_key(w) not in vocabulary],
        )


@dataclass(frozen=True)
class DrawnGlossary:
    """A list of terms and where they came from."""

    size: int
    terms: list[str]
    composition: dict[str, int]

    @property
    def sha256(self) -> str:
        """Fingerprint of the term list, to compare runs."""
        return hashlib.sha256("\n".join(self.terms).encode()).hexdigest()[:16]


def draw_glossary(pools: TermPools | None, size: int, seed: int) -> DrawnGlossary:
    """The glossary of ``size`` terms: the fixed ESS list for 10, else a seeded draw.

    Shares: 5 % acronyms (at most the 337 of the pool: the rest goes to single words),
    35 % multiword (half FranceTerme + Mythes, half corpus n-grams: the n-grams make up for
    the 1 740 curated terms at large sizes), the rest single words (half attested in the
    corpus, half from the rest of wfrench). Terms differ case-insensitively, and the draw
    depends only on ``seed`` and ``size``.
    """
    if size == len(ESS10):
        return DrawnGlossary(size, list(ESS10), {"ess-fixed": size})
    if pools is None:
        raise ValueError("term pools are needed for a drawn glossary")
    rng = random.Random(f"glossator-bench-{seed}-{size}")
    chosen: dict[str, str] = {}
    composition: dict[str, int] = {}

    def take(name: str, pool: Sequence[str], wanted: int) -> int:
        unique: dict[str, str] = {}
        for t in pool:
            unique.setdefault(term_key(t), t)
        candidates = [t for k, t in unique.items() if k not in chosen]
        picked = rng.sample(candidates, min(wanted, len(candidates)))
        for t in picked:
            chosen[term_key(t)] = t
        composition[name] = len(picked)
        return wanted - len(picked)

    n_acronyms = min(round(size * SHARE_ACRONYMS), len(pools.acronyms))
    n_multi = round(size * SHARE_MULTIWORD)
    n_single = size - n_acronyms - n_multi
    short = take("acronyms", pools.acronyms, n_acronyms)
    short = take("franceterme+mythes", pools.curated_multiword, n_multi // 2)
    short = take("corpus n-grams", pools.ngrams, n_multi - n_multi // 2 + short)
    short += take("attested words", pools.attested_words, n_single // 2)
    short = take("wfrench words", pools.other_words, n_single - n_single // 2 + short)
    if short:
        raise ValueError(f"the term lists are too small for {size} entries")
    terms = list(chosen.values())
    rng.shuffle(terms)
    return DrawnGlossary(size, terms, composition)


def draw_glossaries(corpus: Path, sizes: Iterable[int], seed: int) -> dict[int, DrawnGlossary]:
    """The glossaries of ``sizes`` (the term lists are read only when a draw needs them)."""
    sizes = list(sizes)
    pools = TermPools.load(corpus) if any(s != len(ESS10) for s in sizes) else None
    return {s: draw_glossary(pools, s, seed) for s in sizes}


# ---------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------


def is_acronym(term: str) -> bool:
    """All-capital terms (glossator matches them case-sensitively)."""
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


#: A match as (start, end, term) in code points of the text.
Span = tuple[int, int, str]


@dataclass(frozen=True)
class Tool:
    """How to build one matcher and scan a text with it.

    ``build(terms, info)`` returns the compiled object (and may record sub-timings in
    ``info``); ``scan(obj, text)`` returns the matches, whatever their type (only their
    number is used in timings); ``spans(obj, text)`` gives them as :data:`Span`. When
    ``prepare`` is set, ``scan`` gets ``prepare(text)`` instead of ``text``, made untimed.
    """

    name: str
    label: str
    build: Callable[[list[str], dict[str, Any]], Any]
    scan: Callable[[Any, Any], Sequence[Any]]
    spans: Callable[[Any, str], list[Span]] | None = None
    prepare: Callable[[str], Any] | None = None
    note: str = ""


def _build_glossator(terms: list[str], info: dict[str, Any]) -> Any:
    import glossator

    t0 = time.perf_counter()
    g = glossator.Glossary.from_dicts([{"term": t, "definition": "-"} for t in terms])
    t1 = time.perf_counter()
    m = glossator.compile_glossary(g)
    info["from_dicts_s"] = t1 - t0
    info["compile_s"] = time.perf_counter() - t1
    info["src_sha256"] = glossator_src_sha256(Path(glossator.__file__).parent)
    info["src_path"] = str(Path(glossator.__file__).parent)
    info["diagnostics"] = len(g.diagnostics)
    if g.diagnostics:
        info["first_diagnostic"] = str(g.diagnostics[0])
    info["forms"] = len(getattr(m, "forms", ()))
    return m


def _scan_glossator(m: Any, text: str) -> Sequence[Any]:
    # (start, end, entry id) for every match, like flashtext's span_info output, built a
    # megabyte at a time (iter_spans) and counted, so that memory stays flat
    return range(sum(len(batch) for batch in m.iter_spans(text)))


def _spans_glossator(m: Any, text: str) -> list[Span]:
    variants = m.variants
    return [(s, e, variants[v].form.text) for s, e, v, _ in m.scan(text)]


def _build_flashtext(terms: list[str], info: dict[str, Any]) -> Any:
    from flashtext import KeywordProcessor

    kp = KeywordProcessor()  # case-insensitive by default
    for t in terms:
        kp.add_keyword(t)
    return kp


def _scan_flashtext(kp: Any, text: str) -> Sequence[Any]:
    return kp.extract_keywords(text, span_info=True)  # type: ignore[no-any-return]


def _spans_flashtext(kp: Any, text: str) -> list[Span]:
    return [(s, e, t) for t, s, e in kp.extract_keywords(text, span_info=True)]


def _build_pyahocorasick(terms: list[str], info: dict[str, Any]) -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for t in terms:
        low = t.lower()
        automaton.add_word(low, (len(low), t))
    automaton.make_automaton()
    return automaton


def _scan_pyahocorasick(automaton: Any, text: str) -> Sequence[Any]:
    return list(automaton.iter_long(text.lower()))


def _spans_pyahocorasick(automaton: Any, text: str) -> list[Span]:
    return [(e + 1 - n, e + 1, t) for e, (n, t) in automaton.iter_long(text.lower())]


def _build_spacy(terms: list[str], info: dict[str, Any]) -> Any:
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("fr")
    nlp.max_length = 10**9
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("TERM", list(nlp.tokenizer.pipe(terms)))
    return nlp, matcher


def _scan_spacy(built: Any, text: str) -> Sequence[Any]:
    nlp, matcher = built
    return matcher(nlp.make_doc(text))  # type: ignore[no-any-return]


def _build_regex(terms: list[str], info: dict[str, Any]) -> Any:
    re.purge()  # the module caches compiled patterns: a rebuild must really compile
    alternation = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE)


def _scan_regex(pattern: Any, text: str) -> Sequence[Any]:
    return pattern.findall(text)  # type: ignore[no-any-return]


def _spans_regex(pattern: Any, text: str) -> list[Span]:
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


#: A table that folds ASCII capitals and maps other ASCII punctuation to a space.
_FOLD = bytes(
    (b + 32 if 65 <= b <= 90 else (b if b >= 128 or chr(b).isalnum() else 32))
    for b in range(256)
)


def _scan_bytes(_: Any, data: bytes) -> Sequence[Any]:
    data.translate(_FOLD)
    return ()


def _scan_lower(_: Any, text: str) -> Sequence[Any]:
    text.lower()
    return ()


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool("bytes", "byte scan (limit)", lambda _terms, _info: None, _scan_bytes,
             prepare=str.encode,
             note="`bytes.translate` of the UTF-8 bytes (encoded untimed)"),
        Tool("lower", "`str.lower()` of the text", lambda _terms, _info: None, _scan_lower),
        Tool("glossator", "glossator", _build_glossator, _scan_glossator, _spans_glossator,
             note="`Glossary.from_dicts` + `compiled()`; `Matcher.iter_spans` (batches, counted)"),
        Tool("flashtext", "flashtext", _build_flashtext, _scan_flashtext, _spans_flashtext,
             note="`extract_keywords(span_info=True)`, case-insensitive"),
        Tool("pyahocorasick", "pyahocorasick", _build_pyahocorasick, _scan_pyahocorasick,
             _spans_pyahocorasick, note="`iter_long` over `text.lower()` (lowering timed)"),
        Tool("spacy", "spaCy PhraseMatcher, LOWER", _build_spacy, _scan_spacy,
             note="blank `fr`, tokenization timed"),
        Tool("regex", "one `re` alternation with `\\b`", _build_regex, _scan_regex,
             _spans_regex, note="longest first, IGNORECASE"),
    )
}


# ---------------------------------------------------------------------------------------
# Worker runs and reporting
# ---------------------------------------------------------------------------------------


def _proc_status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 2**10  # kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def rss_now_mb() -> float:
    """Resident memory of this process now (``VmRSS``), else its peak so far."""
    now = _proc_status_mb("VmRSS")
    return now if now is not None else rss_peak_mb()


def rss_peak_mb() -> float:
    """Peak resident memory of this process, in MiB.

    On Linux this is ``VmHWM``, the high-water mark of this program's own memory: the
    ``ru_maxrss`` of a child started by a big parent still holds the parent's resident size
    at the fork (Linux carries it over the exec). Elsewhere, ``ru_maxrss``.
    """
    hwm = _proc_status_mb("VmHWM")
    if hwm is not None:
        return hwm
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def snapshot_glossator(folder: Path) -> Path:
    """Copy glossator's sources under ``folder``; return the directory to import them from.

    Others may edit ``src/`` while a benchmark runs: the workers import this frozen copy
    (through ``PYTHONPATH``), so that every row of one run measures the same code.
    """
    dest = folder / "glossator-src"
    shutil.copytree(REPO / "src" / "glossator", dest / "glossator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run_worker(
    tool: str, text_file: Path, terms_file: Path | None, *, repeat: int,
    budget: float, timeout: float, glossator_src: Path | None = None,
) -> dict[str, Any]:
    """Time ``tool`` in a fresh interpreter (see ``worker.py``); failures become a record.

    ``glossator_src``: a directory (from :func:`snapshot_glossator`) to import glossator
    from instead of the installed one.
    """
    cmd = [sys.executable, str(WORKER), tool, str(text_file),
           "--repeat", str(repeat), "--budget", str(budget)]
    if terms_file is not None:
        cmd += ["--terms", str(terms_file)]
    env = dict(os.environ)
    if glossator_src is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(glossator_src), env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              check=False, env=env)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "error": f"timeout: killed after {timeout:.0f} s"}
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"tool": tool, "error": f"exit {proc.returncode}: {tail}",
                "stderr": proc.stderr[-4000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def glossator_src_sha256(src: Path = REPO / "src" / "glossator") -> str:
    """Fingerprint of glossator's Python sources (they may change while benchmarks run)."""
    digest = hashlib.sha256()
    for path in sorted(src.rglob("*.py")):
        digest.update(path.relative_to(src).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def environment() -> dict[str, Any]:
    """Machine, interpreter, library versions and the glossator source benchmarked."""
    from importlib import metadata

    versions = {}
    for dist in ("glossator", "ahocorasick-rs", "flashtext", "pyahocorasick", "spacy"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None

    def git(*args: str) -> str:
        try:
            out = subprocess.run(["git", "--no-optional-locks", *args], cwd=REPO,
                                 capture_output=True, text=True, check=True, timeout=30)
            return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {
        "date": date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
        "glossator_commit": git("rev-parse", "--short", "HEAD"),
        "glossator_src_modified": git("diff", "--name-only", "HEAD", "--", "src").split(),
        "glossator_src_sha256": glossator_src_sha256(),
    }


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; numbers are right-aligned."""
    rows = [[str(c) for c in r] for r in rows]
    align = ["---:" if rows and all(_numeric(r[i]) for r in rows) else "---"
             for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _numeric(cell: str) -> bool:
    return bool(re.fullmatch(r"[-–~≈<>]?\s?[\d\s,.]+\s?\S{0,3}|–|", cell))


def fmt(x: float | None, digits: int = 3) -> str:
    """A number with about ``digits`` significant digits, thousands separated; ``–`` for None."""
    if x is None:
        return "–"
    if x == 0:
        return "0"
    if abs(x) >= 10 ** (digits - 1):
        return f"{x:,.0f}".replace(",", " ")
    return f"{x:.{digits}g}"


def write_results(result: dict[str, Any], target: Path | None, stem: str) -> None:
    """Write ``result`` as JSON to ``target`` (default ``results/STEM-DATE.json``; ``-``: none)."""
    if target == Path("-"):
        return
    path = target or RESULTS_DIR / f"{stem}-{result['environment']['date']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nrecords written to {path}", file=sys.stderr)
