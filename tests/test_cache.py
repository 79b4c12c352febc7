"""The disk cache of loaded glossaries (glossator.store) and of compiled matchers."""

from __future__ import annotations

import os
import subprocess
import sys
from array import array
from pathlib import Path
from typing import Any

import pytest

from glossator import GlossatorWarning, compile_glossary, loaders
from glossator.loaders import read_glossary
from glossator.store.glossaries import Store

GLOSSARY = """\
entries:
  - term: ESS
    title: Économie sociale et solidaire
    definition: Mode d'entreprendre.
    aliases: [E.S.S.]
    tags: [sigle]
    url: https://example.org/ess
  - term: économie sociale
    definition: Le secteur historique.
    not_in: ["Labo de l'économie sociale"]
  - term: ESS
    definition: Mode d'entreprendre.  # the same again: a duplicate, with a warning
  - term: coopérative
    definition: Entreprise de ses membres.
    defintion: typo
"""


def _write(tmp_path: Path, text: str = GLOSSARY) -> Path:
    path = tmp_path / "g.yaml"
    path.write_text(text, "utf-8")
    return path


def test_a_cached_glossary_is_the_glossary_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path)
    cache = tmp_path / "cache"
    first = read_glossary(path, cache_dir=cache)
    again = read_glossary(path, cache_dir=cache)
    plain = read_glossary(path)
    for g in (first, again):
        assert g.entries == plain.entries
        assert [e.origin for e in g.entries] == [e.origin for e in plain.entries]
        assert [e.key_lines for e in g.entries] == [e.key_lines for e in plain.entries]
        assert [str(d) for d in g.diagnostics] == [str(d) for d in plain.diagnostics]
        assert g.forms() == plain.forms()
        assert g.name == plain.name and g.metadata == plain.metadata
    assert len(plain.warnings) == 2  # the duplicate and the typo survive the cache
    text = "L'ESS et l’économie sociale, des coopératives."
    assert compile_glossary(again).spans(text) == compile_glossary(plain).spans(text)


def test_the_second_read_does_not_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path)
    read_glossary(path, cache_dir=tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(loaders, "parse_glossary", fail)
    assert read_glossary(path, cache_dir=tmp_path)["ess"].title == "Économie sociale et solidaire"


def test_a_changed_file_or_encoding_is_a_miss(tmp_path: Path) -> None:
    path = _write(tmp_path)
    read_glossary(path, cache_dir=tmp_path)
    path.write_text(GLOSSARY.replace("Le secteur historique.", "Autre chose."), "utf-8")
    assert read_glossary(path, cache_dir=tmp_path)["economie-sociale"].definition == (
        "Autre chose.")
    assert len(list(tmp_path.glob("glossary-*.cache"))) == 1  # the new content replaced it
    read_glossary(path, cache_dir=tmp_path, encoding="utf-8-sig")  # another source
    assert len(list(tmp_path.glob("glossary-*.cache"))) == 2


def test_a_new_version_of_a_file_replaces_the_old_one_and_its_matchers(
    tmp_path: Path
) -> None:
    from glossator import Annotator

    cache = tmp_path / "cache"
    path = _write(tmp_path)
    other = tmp_path / "autre.yaml"
    other.write_text("- term: PTCE\n  definition: Pôle.\n", "utf-8")

    def run(*files: Path) -> None:
        from glossator.loaders import read_glossaries

        glossary = read_glossaries(files, cache_dir=cache)
        for accents in ("strict", "fold"):
            Annotator(glossary, accents=accents, cache_dir=str(cache))

    run(path)
    run(other)
    run(path, other)
    before = {p.name for p in cache.iterdir()}
    assert len(before) == 3 + 6  # two files and their merge, each with two matchers
    path.write_text(GLOSSARY.replace("Le secteur historique.", "Autre chose."), "utf-8")
    run(path)
    after = {p.name for p in cache.iterdir()}
    # the old version of g.yaml and its two matchers are gone, the rest stays (the merge
    # is replaced when it is next asked for)
    assert len(after) == len(before) and len(after - before) == 3
    assert {n for n in before - after if n.startswith("matcher-")} != set()
    run(path, other)
    assert len({p.name for p in cache.iterdir()}) == len(before)


def test_a_damaged_cache_file_is_read_past(tmp_path: Path) -> None:
    path = _write(tmp_path)
    read_glossary(path, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("glossary-*.cache")
    for junk in (b"", b"\x00garbage", cached.read_bytes()[:100]):
        cached.write_bytes(junk)
        with pytest.warns(GlossatorWarning, match="damaged and removed"):
            assert read_glossary(path, cache_dir=tmp_path)["ess-2"].definition == (
                "Mode d'entreprendre.")


def test_the_cli_with_a_cache_gives_the_same_output_and_warnings(tmp_path: Path) -> None:
    path = _write(tmp_path)
    doc = tmp_path / "doc.txt"
    doc.write_text("L'ESS et l’économie sociale.\n", "utf-8")
    cmd = [sys.executable, "-m", "glossator", "annotate", str(doc), "-g", str(path),
           "-f", "json", "--cache-dir", str(tmp_path / "c")]
    runs = [subprocess.run(cmd, capture_output=True, text=True, check=True) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stderr == runs[1].stderr and "defintion" in runs[1].stderr
    assert len(list((tmp_path / "c").glob("glossary-*.cache"))) == 1
    assert len(list((tmp_path / "c").glob("*.cache"))) == 2  # and the compiled matcher


def test_the_python_restore_gives_the_same_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glossator.matching import scan as matcher

    path = _write(tmp_path)
    read_glossary(path, cache_dir=tmp_path)
    with_c = read_glossary(path, cache_dir=tmp_path)
    monkeypatch.setattr(matcher, "ACCELERATOR", None)
    without = read_glossary(path, cache_dir=tmp_path)
    assert with_c.entries == without.entries and with_c.forms() == without.forms()
    assert [e.origin for e in with_c.entries] == [e.origin for e in without.entries]


def test_the_c_restore_refuses_what_it_cannot_fill() -> None:
    from glossator.matching import scan as matcher
    from glossator.model import Location

    if matcher.ACCELERATOR is None:
        off = os.environ.get("GLOSSATOR_PURE_PYTHON", "") not in ("", "0")
        assert off, "the C scanner glossator._scan is not in use: reinstall glossator to build it"
        pytest.skip("GLOSSATOR_PURE_PYTHON is set: the C scanner is off on purpose")
    with pytest.raises(TypeError):
        matcher.ACCELERATOR.restore(dict, [()])  # no object slots
    with pytest.raises(ValueError):
        matcher.ACCELERATOR.restore(Location, [("a.yaml",)])  # one value short
    (loc,) = matcher.ACCELERATOR.restore(Location, [("a.yaml", 3)])
    assert loc == Location("a.yaml", 3) and str(loc) == "a.yaml:3"
    # each row one value short, its extra put in slot `at`
    made = matcher.ACCELERATOR.restore(Location, [("a.yaml",), ("b.yaml",)], -1, None, 1,
                                       [3, 4])
    assert made == (Location("a.yaml", 3), Location("b.yaml", 4))
    assert matcher.ACCELERATOR.restore(Location, [(3,)], -1, None, 0, ["c.yaml"]) == (
        Location("c.yaml", 3),)
    for at, extras in ((1, [3, 4, 5]), (2, [3, 4]), (-1, [3, 4])):  # not one a row, slot
        with pytest.raises(ValueError):
            matcher.ACCELERATOR.restore(Location, [("a.yaml",), ("b.yaml",)], -1, None, at,
                                        extras)
    with pytest.raises(ValueError):  # a full row and an extra: one value too many
        matcher.ACCELERATOR.restore(Location, [("a.yaml", 3)], -1, None, 1, [4])
    with pytest.raises(TypeError):
        matcher.ACCELERATOR.restore(Location, [("a.yaml", 3)], -1, "not a class")


def test_what_the_c_restore_builds_is_out_of_the_collectors_sight(tmp_path: Path) -> None:
    """Entries, their origins and forms built from the cache hold only strs, numbers,
    None and untracked tuples: they are untracked as built (the classes are frozen: they
    can be in no cycle), so that the collections a document starts do not walk them
    until they reach the oldest generation; an instance holding a list stays tracked."""
    import gc

    from glossator.matching import scan as matcher
    from glossator.model import Location

    if matcher.ACCELERATOR is None:
        pytest.skip("the C scanner is not built")
    path = _write(tmp_path)
    read_glossary(path, cache_dir=tmp_path)
    glossary = read_glossary(path, cache_dir=tmp_path)
    assert isinstance(glossary._table, Store)
    entries, forms = glossary.entries, glossary.forms()
    assert entries and forms
    assert not any(map(gc.is_tracked, entries)) and not any(map(gc.is_tracked, forms))
    assert not any(gc.is_tracked(e.origin) for e in entries if e.origin is not None)
    (held,) = matcher.ACCELERATOR.restore(Location, [("a.yaml", [3])])
    assert gc.is_tracked(held)
    assert read_glossary(path).entries == entries  # (and equal to the parsed ones)


_RESTORE_UNDER_COLLECTIONS = """
import gc
from glossator.glossary import Form
from glossator.matching.scan import ACCELERATOR as A
from glossator.model import Entry

class S:
    __slots__ = ("a", "b")

class L:
    __slots__ = ("file", "line")

N = 3000
owners = [Entry(term="t%d" % i, definition="d", id="t%d" % i) for i in range(N)]
rows = [("t", False, False, (True, ["t"]))] * N  # (a list: each form stays tracked)
seen = 0

def shrink(phase, info):  # the extras list restore() reads, emptied by a collection
    if phase == "start" and owners:
        owners.clear()

def walk(phase, info):  # the tuple restore() fills, looked at by a collection
    global seen
    if phase == "start":
        for o in gc.get_objects():
            if type(o) is tuple and len(o) == N:
                seen += 1
                for x in o:
                    type(x)

gc.set_threshold(5, 1, 1)
gc.collect()  # (the counts from zero: the first collection comes inside restore)
gc.callbacks.append(shrink)
made = A.restore(Form, rows, -1, None, 1, owners)
assert not owners  # (emptied while restore ran)
assert len(made) == N and all(f.entry.term == "t%d" % i for i, f in enumerate(made))
gc.callbacks[:] = [walk]
made = A.restore(S, [(("f", [i]), i) for i in range(N)], 0, L)
assert len(made) == N and made[7].a.line == [7] and gc.is_tracked(made)
plain = A.restore(S, [("a", 1)] * 3)  # not a frozen class: kept in the collector's sight
assert all(map(gc.is_tracked, plain))
print("ok", seen)
"""


def test_restore_survives_collections_that_change_its_inputs_or_look_at_its_result(
) -> None:
    """``_scan.restore`` makes an instance a row, and each may start a collection whose
    callbacks run Python code: one that empties the extras list, or walks
    ``gc.get_objects()`` into the tuple being filled, must find no empty slot (both
    crashed: the lists are read from snapshots, the tuple is untracked until full). An
    instance of a class that is not frozen stays tracked. In a child: a crash would end
    the run."""
    from glossator.matching import scan as matcher

    if matcher.ACCELERATOR is None:
        pytest.skip("the C scanner is not built")
    done = subprocess.run([sys.executable, "-c", _RESTORE_UNDER_COLLECTIONS],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def _cached(tmp_path: Path) -> tuple[Path, Path]:
    """The glossary file and its cache directory, filled by a first run."""
    path = _write(tmp_path)
    cache = tmp_path / "cache"
    compile_glossary(read_glossary(path, cache_dir=cache), cache_dir=str(cache))
    return path, cache


def test_a_run_from_the_cache_builds_only_the_entries_it_finds(tmp_path: Path) -> None:
    from glossator import Annotator

    path, cache = _cached(tmp_path)
    glossary = read_glossary(path, cache_dir=cache)
    store = glossary._table
    assert isinstance(store, Store)  # read from the cache, not parsed
    doc = Annotator(glossary, cache_dir=str(cache)).annotate("Les coopératives.")
    assert [a.entry.id for a in doc] == ["cooperative"]
    built = [e for e in store._entries if e is not None]
    assert [e.id for e in built] == ["cooperative"]
    # what was built alone is the very object the full list holds
    assert glossary.entries[3] is built[0] and glossary["cooperative"] is built[0]
    assert glossary.entries == read_glossary(path).entries


def test_a_glossary_from_the_cache_answers_like_the_parsed_one(tmp_path: Path) -> None:
    import pickle

    path, cache = _cached(tmp_path)
    plain = read_glossary(path)
    cached = read_glossary(path, cache_dir=cache)
    assert isinstance(cached._table, Store)
    assert len(cached) == len(plain) == 4
    assert "ess-2" in cached and "nope" not in cached and 3 not in cached
    assert cached["economie-sociale"].not_in == ("Labo de l'économie sociale",)
    with pytest.raises(KeyError):
        cached["nope"]
    assert cached.form_entry_ids() == plain.form_entry_ids() == [
        "ess", "economie-sociale", "ess-2", "cooperative"]
    again = pickle.loads(pickle.dumps(cached))
    assert again.entries == plain.entries and list(again.forms()) == plain.forms()
    assert list(cached.merge(plain)) == list(plain.merge(plain))
    assert repr(cached) == repr(plain)


def _damage(path: Path, index: int, section: bytes) -> None:
    from glossator.store.columns import read_sections, write_sections

    header, sections = read_sections(path)
    kept = [bytes(s) for s in sections]
    kept[index] = section
    write_sections(path, header, kept)


@pytest.mark.parametrize("index, section", [
    (1, b"\x00" * 8),  # entry offsets that do not reach the end of the rows
    (1, (b"\x00" * 8 + b"\xff" * 8) * 3),  # offsets beyond the rows
    (4, b"\x40\x42\x0f\x00" * 5),  # forms of an entry that does not exist (1 000 000)
    (4, b"\xff\xff\xff\xff" * 5),  # a negative entry index
    (5, b"\x09\x00\x00\x00"),  # a winning form that does not exist
    (2, b""),  # the forms' rows
])
def test_a_damaged_section_is_refused_when_the_cache_is_opened(
    tmp_path: Path, index: int, section: bytes
) -> None:
    path, cache = _cached(tmp_path)
    (cached,) = cache.glob("glossary-*.cache")
    _damage(cached, index, section)
    with pytest.warns(GlossatorWarning, match="damaged and removed"):
        glossary = read_glossary(path, cache_dir=cache)
    assert not isinstance(glossary._table, Store)  # parsed again
    assert glossary.entries == read_glossary(path).entries
    assert isinstance(read_glossary(path, cache_dir=cache)._table, Store)  # and the cache mended


def test_the_cache_keeps_the_traits_the_c_policies_read_of_every_entry(
    tmp_path: Path
) -> None:
    from glossator.policy import entry_traits

    path, cache = _cached(tmp_path)
    glossary = read_glossary(path, cache_dir=cache)
    traits = glossary.entry_traits()
    assert traits is not None and read_glossary(path).entry_traits() is None
    flags = bytes(traits[0])
    caps, heads = (array("q", bytes(t)) for t in traits[1:])
    plain = read_glossary(path).entries
    assert [(flags[i], caps[i], heads[2 * i], heads[2 * i + 1])
            for i in range(len(plain))] == [entry_traits(e) for e in plain]
    store = glossary._table
    assert isinstance(store, Store) and all(e is None for e in store._entries)  # no entry


@pytest.mark.parametrize("index, fill", [
    (7, b"\x00"),  # a flag byte without "known"
    (7, b"\x21"),  # a flag no rule has
    (8, b"\xfe" + b"\xff" * 7),  # a cap of -2
])
def test_damaged_traits_are_refused_when_the_cache_is_opened(
    tmp_path: Path, index: int, fill: bytes
) -> None:
    from glossator.store.columns import read_sections

    path, cache = _cached(tmp_path)
    (cached,) = cache.glob("glossary-*.cache")
    size = len(read_sections(cached)[1][index])
    _damage(cached, index, fill * (size // len(fill)))
    with pytest.warns(GlossatorWarning, match="damaged and removed"):
        glossary = read_glossary(path, cache_dir=cache)
    assert not isinstance(glossary._table, Store)  # parsed again
    for short in (b"", b"\x01" * 100):  # one byte per entry: not fewer, not more
        _damage(next(cache.glob("glossary-*.cache")), 7, short)
        with pytest.warns(GlossatorWarning, match="damaged and removed"):
            read_glossary(path, cache_dir=cache)


@pytest.mark.parametrize("what", ["ids", "entry", "variant"])
def test_a_damaged_row_found_on_use_is_a_one_line_error_and_the_file_goes(
    tmp_path: Path, what: str
) -> None:
    from glossator import Annotator
    from glossator.errors import CacheError
    from glossator.render import render
    from glossator.store.columns import read_sections

    path, cache = _cached(tmp_path)
    (cached,) = cache.glob("matcher-*.cache" if what == "variant" else "glossary-*.cache")
    index = {"ids": 6, "entry": 0, "variant": 4}[what]
    size = len(read_sections(cached)[1][index])
    _damage(cached, index, b"\xff" * size)  # the offsets still fit: found on use
    glossary = read_glossary(path, cache_dir=cache)
    with pytest.raises(CacheError) as error:
        if what == "ids":
            glossary["ess"]
        else:  # found by the first reader of the row: the policies for an entry, the
            # JSON renderer for a variant (-f text reads none)
            render(Annotator(glossary, cache_dir=str(cache)).annotate("Des coopératives."),
                   "json")
    message = str(error.value)
    assert message == (f"{cached}: this cache file was damaged and has been removed "
                       "(run the command again to rebuild it)")
    assert not cached.exists()
    glossary = read_glossary(path, cache_dir=cache)
    assert len(Annotator(glossary, cache_dir=str(cache)).annotate("Des coopératives.")) == 1


def _forge_rows(cached: Path, blob: int, change: Any) -> None:
    """Rewrite the rows of section ``blob`` (and its offsets, the next one) of ``cached``
    through ``change`` (a row to a row), its checksum made anew: a forged file."""
    import marshal

    from glossator.store.columns import Rows, read_sections, write_sections

    header, sections = read_sections(cached)
    kept = [bytes(x) for x in sections]
    at = memoryview(kept[blob + 1]).cast("q")
    new = [change(marshal.loads(kept[blob][at[i]:at[i + 1]])) for i in range(len(at) - 1)]
    kept[blob], kept[blob + 1] = Rows.pack(new)
    write_sections(cached, header, kept)


@pytest.mark.parametrize("what", ["origin", "form"])
def test_a_forged_row_of_the_right_kinds_is_a_damaged_file_not_a_traceback(
    tmp_path: Path, what: str
) -> None:
    """A row whose values have the right types but do not hold together (an origin that
    is not a (file, line) pair; a variant's form index outside the forms), in a file
    whose checksum is valid: the one-line error that removes the file, as for any
    damaged row, not an exception from deep inside."""
    from glossator import Annotator
    from glossator.errors import CacheError
    from glossator.render import render
    from glossator.store.glossaries import _ORIGIN_INDEX

    path, cache = _cached(tmp_path)
    if what == "origin":
        (cached,) = cache.glob("glossary-*.cache")
        _forge_rows(cached, 0, lambda r: (*r[:_ORIGIN_INDEX], ("a", "b", "c"),
                                          *r[_ORIGIN_INDEX + 1:]))
    else:
        (cached,) = cache.glob("matcher-*.cache")
        _forge_rows(cached, 4, lambda r: (10**6, *r[1:]))
    glossary = read_glossary(path, cache_dir=cache)
    with pytest.raises(CacheError) as error:
        render(Annotator(glossary, cache_dir=str(cache)).annotate("Des coopératives."),
               "json")
    assert str(error.value) == (f"{cached}: this cache file was damaged and has been "
                                "removed (run the command again to rebuild it)")
    assert not cached.exists()


def test_the_pure_python_scanner_reads_the_same_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glossator.matching import scan as matcher
    from glossator.store.columns import Rows

    path, cache = _cached(tmp_path)
    text = "L'ESS et l’économie sociale, des coopératives."
    expected = compile_glossary(read_glossary(path)).spans(text)
    monkeypatch.setattr(matcher, "ACCELERATOR", None)
    glossary = read_glossary(path, cache_dir=cache)
    assert isinstance(glossary._table, Store)
    compiled = compile_glossary(glossary, cache_dir=str(cache))
    assert isinstance(compiled._raw_variants, Rows)  # the tables came from the cache
    assert compiled.spans(text) == expected


def test_the_cli_reports_a_damaged_cache_in_one_line_and_the_next_run_works(
    tmp_path: Path,
) -> None:
    from glossator.store.columns import read_sections

    path = _write(tmp_path)
    doc = tmp_path / "doc.txt"
    doc.write_text("Des coopératives.\n", "utf-8")
    cmd = [sys.executable, "-m", "glossator", "annotate", str(doc), "-g", str(path),
           "-f", "json", "-q", "--cache-dir", str(tmp_path / "c")]
    good = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    as_text = [*cmd[:-4], "text", *cmd[-3:]]
    text = subprocess.run(as_text, capture_output=True, text=True, check=True).stdout
    (cached,) = (tmp_path / "c").glob("matcher-*.cache")
    _damage(cached, 4, b"\xff" * len(read_sections(cached)[1][4]))
    # -f text reads no variant row (a row is checked when read): the same text out
    assert subprocess.run(as_text, capture_output=True, text=True, check=True).stdout == text
    bad = subprocess.run(cmd, capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        f"glossator: error: {cached}: this cache file was damaged and has been removed "
        "(run the command again to rebuild it)"]
    assert subprocess.run(cmd, capture_output=True, text=True, check=True).stdout == good


def test_merged_glossaries_are_cached_too(tmp_path: Path) -> None:
    from glossator.loaders import read_glossaries

    first = _write(tmp_path)
    second = tmp_path / "more.yaml"
    second.write_text("entries:\n  - term: coopérative\n    definition: Autre sens.\n"
                      "  - term: PTCE\n    definition: Pôle.\n", "utf-8")
    cache = tmp_path / "cache"
    plain = read_glossaries([first, second])
    filled = read_glossaries([first, second], cache_dir=cache)
    assert not isinstance(filled._table, Store)  # merged, then kept
    again = read_glossaries([first, second], cache_dir=cache)
    assert isinstance(again._table, Store)  # the merged glossary itself came from the cache
    for g in (filled, again):
        assert g.entries == plain.entries and list(g.forms()) == plain.forms()
        assert [str(d) for d in g.diagnostics] == [str(d) for d in plain.diagnostics]
    assert "the later entry applies" in str(again.diagnostics[-1])  # across the files
    assert again["cooperative-2"].definition == "Autre sens."
    # the other order is another glossary
    other = read_glossaries([second, first], cache_dir=cache)
    assert not isinstance(other._table, Store) and other.entries != again.entries
    assert len(list(cache.glob("glossary-*.cache"))) == 4


def test_a_pickled_annotator_finds_its_tables_in_the_cache(tmp_path: Path) -> None:
    # what a worker process started with spawn (macOS, Windows) receives
    import pickle

    from glossator import Annotator
    from glossator.store.columns import Rows

    path, cache = _cached(tmp_path)
    annotator = Annotator(read_glossary(path, cache_dir=cache), cache_dir=str(cache))
    again = pickle.loads(pickle.dumps(annotator))
    assert again.cache_dir == str(cache) and again.glossary.digest is not None
    assert isinstance(again.matcher._raw_variants, Rows)  # loaded, not compiled
    text = "L'ESS et des coopératives."
    assert [(a.start, a.entry.id) for a in again.annotate(text)] == [
        (a.start, a.entry.id) for a in annotator.annotate(text)] != []


def test_threads_sharing_a_cached_glossary_build_each_entry_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    from concurrent.futures import ThreadPoolExecutor

    from glossator import Annotator, Entry, Glossary
    from glossator.store.columns import Rows

    terms = [f"terme{i}" for i in range(300)]
    source = tmp_path / "g.yaml"
    source.write_text("".join(f"- term: {t}\n  definition: Sens de {t}.\n" for t in terms),
                      "utf-8")
    cache = tmp_path / "c"
    Annotator(read_glossary(source, cache_dir=cache), cache_dir=str(cache))
    glossary: Glossary = read_glossary(source, cache_dir=cache)
    annotator = Annotator(glossary, cache_dir=str(cache), occurrences="all")
    text = " ".join(reversed(terms)) + ". " + " ".join(terms)

    def run(_: int) -> list[Entry]:
        return [a.entry for a in annotator.annotate(text)]

    load = Rows.load

    def slow_load(self: Rows, index: int) -> object:
        time.sleep(0.0005)  # a row read from a cold disk: other threads run meanwhile
        return load(self, index)

    monkeypatch.setattr(Rows, "load", slow_load)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(run, range(16)))
    for entries in zip(*results, strict=True):
        assert all(e is entries[0] for e in entries)  # one object per entry
    assert glossary.entries[5] is glossary["terme5"] is next(
        e for e in results[0] if e.id == "terme5")


def test_the_same_file_however_named_is_one_source_and_two_files_are_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first, second = tmp_path / "p1", tmp_path / "p2"
    for folder in (first, second):
        folder.mkdir()
        _write(folder)
    monkeypatch.chdir(first)
    read_glossary("g.yaml", cache_dir=cache)
    monkeypatch.chdir(second)  # another project's g.yaml, same shared cache
    read_glossary("g.yaml", cache_dir=cache)
    assert len(list(cache.glob("glossary-*.cache"))) == 2  # neither replaced the other
    (second / "g.yaml").write_text(GLOSSARY + "  - term: PTCE\n    definition: Pôle.\n",
                                   "utf-8")
    read_glossary("./g.yaml", cache_dir=cache)  # the same file, named otherwise
    assert len(list(cache.glob("glossary-*.cache"))) == 2  # its old version went


def test_a_matcher_cache_pointing_past_the_forms_is_rebuilt(tmp_path: Path) -> None:
    from glossator.store.columns import read_sections, write_sections

    path, cache = _cached(tmp_path)
    (matcher_file,) = cache.glob("matcher-*.cache")
    header, sections = read_sections(matcher_file)
    kept = [bytes(s) for s in sections]
    kept[6] = b"\x07\x00\x00\x00" * (len(kept[6]) // 4)  # every variant's form: 7 of 4
    write_sections(matcher_file, header, kept)
    glossary = read_glossary(path, cache_dir=cache)
    with pytest.warns(GlossatorWarning, match="damaged and removed"):
        m = compile_glossary(glossary, cache_dir=str(cache))
    assert m.spans("L'ESS et des coopératives.") == [(2, 5, "ess-2"), (13, 25, "cooperative")]
    assert read_sections(matcher_file)[1][6] != kept[6]  # and the file was mended


def test_the_bundled_glossary_is_cached_too(tmp_path: Path) -> None:
    from glossator import Annotator

    Annotator(cache_dir=str(tmp_path))
    again = Annotator(cache_dir=str(tmp_path))
    assert isinstance(again.glossary._table, Store)
    assert {p.name.split("-")[0] for p in tmp_path.iterdir()} == {"glossary", "matcher"}
    assert all(p.name.count("-") == 2 for p in tmp_path.iterdir())  # a source: pruned later


def test_a_damaged_file_that_cannot_be_removed_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from glossator.store.columns import damaged

    def refuse(path: object) -> None:
        raise PermissionError("in use")

    monkeypatch.setattr(os, "unlink", refuse)
    error = damaged(tmp_path / "x.cache")
    assert str(error) == f"{tmp_path / 'x.cache'}: this cache file is damaged " \
        "(delete it and run the command again)"


def test_cache_keys_hash_as_hashlib_small_inputs_without_it() -> None:
    import hashlib

    from glossator.store import LARGE, sha256

    for size, more in ((0, 0), (100, 0), (100, LARGE), (LARGE + 1, 0)):
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        digest = sha256(data[:50], more=size - 50 + more if size > 50 else more)
        digest.update(data[50:])
        assert digest.hexdigest() == hashlib.sha256(data).hexdigest(), size
    # a large glossary file is hashed by OpenSSL's (4 times faster than the built-in)
    assert type(sha256(b"k", more=LARGE)) is type(hashlib.sha256())


SENSES_GLOSSARY = """\
entries:
  - term: CAE
    definition: Coopérative d'activité et d'emploi.
  - term: CAE
    definition: Contrat d'accompagnement dans l'emploi.
    not_in: ["la CAE du coin, celle qui est près de la gare"]
  - term: coopérative
    definition: Entreprise de ses membres, qui en sont à la fois les associés et les usagers.
"""


def test_a_cached_run_reads_no_row_for_what_it_knows_of_the_whole_glossary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The forms two entries claim, the longest definition and not_in phrase, and how
    far a match reaches are kept in the caches' headers: a run from the cache gets them
    without decoding a row (at 100 000 entries, reading every form, entry, pattern and
    variant for them took most of a one-shot run), and they are the parsed glossary's."""
    from glossator.store import columns

    path = _write(tmp_path, SENSES_GLOSSARY)
    cache = tmp_path / "cache"
    compile_glossary(read_glossary(path, cache_dir=cache), cache_dir=str(cache))
    plain = read_glossary(path)
    fresh = compile_glossary(plain)
    decoded: list[int] = []
    load = columns.Rows.load

    def counted(self: columns.Rows, i: int) -> object:
        decoded.append(i)
        return load(self, i)

    monkeypatch.setattr(columns.Rows, "load", counted)
    cached = read_glossary(path, cache_dir=cache)
    assert isinstance(cached._table, Store)
    assert cached.has_shared_forms() and cached.shared_forms() == plain.shared_forms()
    longest = max(len(e.definition) for e in plain)
    assert cached.text_extents() == plain.text_extents() == (longest, len(
        "la CAE du coin, celle qui est près de la gare"))
    matcher = compile_glossary(cached, cache_dir=str(cache))
    assert matcher.reach() == fresh.reach() > 0
    assert decoded == []


@pytest.mark.parametrize("shared", [
    ((("x",), (0, 1)),),  # a key that is not (case-sensitive, text)
    (((False, "cae"), (0, 9)),),  # no entry 9
    (((False, "cae"), (0,)),),  # one entry does not share
    (((False, "cae"), (1, 0)),),  # not in rising order
    (((False, "cae"), (True, 2)),),  # a bool where an index belongs
    (((False, "cae"), (0, 1)), ((False, "cae"), (0, 2))),  # a form twice
    tuple(((False, f"f{i}"), (0, 1)) for i in range(4)),  # more than the forms
    [((False, "cae"), (0, 1))],  # a list
])
def test_shared_forms_that_do_not_hold_are_refused(shared: object) -> None:
    from glossator.store import glossaries

    assert glossaries._shared_of((((False, "cae"), (0, 2)),), 3, 3)
    with pytest.raises(ValueError):
        glossaries._shared_of(shared, 3, 3)


@pytest.mark.parametrize("extents", [(1, -2), "12", (True, 0), (1, 2, 3), (2**40, 0)])
def test_lengths_that_do_not_hold_are_refused(extents: object) -> None:
    from glossator.store import glossaries

    assert glossaries._extents_of((3, 0)) == (3, 0)
    with pytest.raises(ValueError):
        glossaries._extents_of(extents)


@pytest.mark.parametrize("kind", ["glossary", "matcher"])
def test_a_cache_file_with_a_header_that_does_not_hold_is_rebuilt(
        tmp_path: Path, kind: str) -> None:
    """A cache file whose checksum holds but whose header's new fields do not (a forged
    or damaged file) is dropped with a warning and made again; the run's output is the
    one a fresh glossary gives."""
    from glossator import Annotator
    from glossator.render import render
    from glossator.store.columns import read_sections, write_sections

    path = _write(tmp_path, SENSES_GLOSSARY)
    cache = tmp_path / "cache"
    compile_glossary(read_glossary(path, cache_dir=cache), cache_dir=str(cache))
    (target,) = cache.glob(f"{kind}-*.cache")
    header, sections = read_sections(target)
    bad = (*header[:-1], (True, 0) if kind == "glossary" else 2**40)
    write_sections(str(target), bad, [bytes(s) for s in sections])
    text = "La CAE et les coopératives."
    expected = render(Annotator(read_glossary(path), occurrences="all").annotate(text), "json")
    with pytest.warns(GlossatorWarning):
        glossary = read_glossary(path, cache_dir=cache)
        got = render(Annotator(glossary, occurrences="all", cache_dir=str(cache))
                     .annotate(text), "json")
    assert got == expected
    assert read_sections(next(cache.glob(f"{kind}-*.cache")))[0][-1] == header[-1]


@pytest.mark.parametrize("command", ["annotate", "explain"])
def test_a_cache_folder_that_cannot_be_used_is_said_and_the_run_goes_on(
        tmp_path: Path, command: str) -> None:
    """``--cache-dir`` naming a file (or a place that cannot be made) was ignored in
    silence: each run read and compiled the glossary again, with no word why."""
    (tmp_path / "a-file").write_text("", "utf-8")
    (tmp_path / "doc.txt").write_text("Les PTCE.\n", "utf-8")
    (tmp_path / "blocked").write_text("", "utf-8")
    alone = subprocess.run([sys.executable, "-m", "glossator", command, "doc.txt"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    for folder, why in (("a-file", "a file, not a folder"),
                        ("blocked/sub", "not a directory")):
        done = subprocess.run(
            [sys.executable, "-m", "glossator", command, "doc.txt", "--cache-dir", folder],
            cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout == alone
        assert done.stderr == (f"glossator: warning: --cache-dir {folder}: {why}; nothing "
                               "is cached (give a folder glossator may write, or leave the "
                               "option out)\n")
        quiet = subprocess.run(
            [sys.executable, "-m", "glossator", command, "doc.txt", "--cache-dir", folder,
             "-q"], cwd=tmp_path, capture_output=True, text=True)
        assert quiet.returncode == 0 and quiet.stderr == ""
    made = subprocess.run([sys.executable, "-m", "glossator", command, "doc.txt",
                           "--cache-dir", "new/cache"], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    assert made.stderr == "" and list((tmp_path / "new" / "cache").glob("*.cache"))


def test_a_cache_folder_the_library_cannot_write_is_said_once(tmp_path: Path) -> None:
    """``load_glossary(..., cache_dir=<a file>)`` and ``Annotator(cache_dir=…)`` cached
    nothing, in silence (the CLI checks its --cache-dir itself). One GlossatorWarning
    per folder and process now says so; the results are the same."""
    import glossator

    path = tmp_path / "g.csv"
    path.write_text("term,definition\nESS,Économie sociale.\n", "utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", "utf-8")
    with pytest.warns(GlossatorWarning) as record:
        glossary = read_glossary(str(path), cache_dir=str(blocker))
        annotator = glossator.Annotator(glossary, cache_dir=str(blocker))
    messages = [str(w.message) for w in record]
    assert messages == [f"cache folder {blocker}: a file, not a folder; nothing is cached "
                        "there"]
    assert [a.surface for a in annotator.annotate("L'ESS.")] == ["ESS"]
    assert blocker.read_text("utf-8") == ""
