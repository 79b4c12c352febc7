"""The coverage-guided fuzz targets of ``fuzz_targets.py``, a short budget each in every
test run (8 seconds each); run them longer by hand (docs/robustness.md).

atheris comes with ``pip install -e '.[test]'`` on Linux x86-64. Elsewhere the test skips,
saying so; under ``CI=true`` it fails instead, so that a green CI run has fuzzed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support.browser import on_ci

HERE = Path(__file__).resolve().parent
#: Seconds of fuzzing per target in a test run (libFuzzer's -max_total_time).
BUDGET = 8


def _require_atheris() -> None:
    if importlib.util.find_spec("atheris") is None:
        reason = ("atheris is not installed (pip install -e '.[test]' installs it on Linux "
                  "x86-64): the fuzz targets did not run")
        if on_ci():
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.mark.parametrize("target", ["loaders", "html", "cache", "text"])
def test_a_short_fuzzing_run_finds_nothing(tmp_path: Path, target: str) -> None:
    _require_atheris()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    proc = subprocess.run(
        [sys.executable, str(HERE / "fuzz_targets.py"), target,
         f"-max_total_time={BUDGET}", "-timeout=10", "-rss_limit_mb=2048",
         "-print_final_stats=1", str(corpus)],
        cwd=tmp_path, capture_output=True, text=True, timeout=BUDGET + 180,
    )
    found = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(
        ("crash-", "timeout-", "oom-", "leak-")))
    assert proc.returncode == 0 and not found, (found, proc.stderr[-3000:])
    assert "Done " in proc.stderr and len(list(corpus.iterdir())) >= 2, proc.stderr[-2000:]


def test_the_seeds_of_every_target_pass_without_the_fuzzer() -> None:
    """The targets' own checks on their seeds, in this process: what a fuzzing run starts
    from is sound, with or without atheris."""
    from hostile import fuzz_targets

    for name, make in fuzz_targets.TARGETS.items():
        run = make()
        for seed in fuzz_targets.seeds(name):
            run(seed)


#: Cache regressions whose point is a header that does not decode (they stop there).
_HEADER_ONLY = {"header-frozenset-holding-a-tuple-that-holds-itself"}


def test_what_fuzzing_found_stays_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each input a fuzzing run once crashed on (``tests/data/fuzz-regressions/TARGET/``),
    through its target again: a SKOS file with an IRI ``urljoin`` refuses (``[`` opening
    an IPv6 host) gave a ValueError traceback; a matcher cache whose checksum holds but
    whose variant row has a class where bytes belong (marshal's StopIteration code) gave
    a TypeError in the middle of a scan; a cache header holding a frozenset of a tuple
    that refers to itself, and a record holding a dict keyed by a tuple still being read,
    crashed the process (SIGSEGV in marshal.loads, hashing a value that holds itself); a
    matcher cache whose trie ends a candidate inside a character gave a
    UnicodeDecodeError in the middle of a scan."""
    from glossator.store import glossaries, matchers
    from hostile import fuzz_targets

    root = HERE.parent / "data" / "fuzz-regressions"
    found = sorted(root.glob("*/*"))
    assert found, "no regression inputs"
    read: list[str] = []
    real = matchers._tables_of, glossaries._glossary_of

    def tables_of(*args: Any) -> Any:
        read.append("matcher")
        return real[0](*args)

    def glossary_of(*args: Any) -> Any:
        read.append("glossary")
        return real[1](*args)

    monkeypatch.setattr(matchers, "_tables_of", tables_of)
    monkeypatch.setattr(glossaries, "_glossary_of", glossary_of)
    for path in found:
        read.clear()
        data = path.read_bytes()
        fuzz_targets.TARGETS[path.parent.name]()(data)
        if path.parent.name == "cache" and not data[0] & 4 and path.name not in _HEADER_ONLY:
            # a cache file still reaches the reader past the version check (a file made
            # for an earlier version is stamped again when the version moves on)
            assert read, f"{path.name} no longer reaches the cache readers"
