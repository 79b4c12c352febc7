"""The disk cache of loaded glossaries (glossator.cache) and of compiled matchers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from glossator import loaders
from glossator.loaders import read_glossary

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
    definition: Doublon, pour avoir un avertissement.
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
    assert again.compiled().spans(text) == plain.compiled().spans(text)


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
    assert len(list(tmp_path.glob("glossary-*.marshal"))) == 2
    read_glossary(path, cache_dir=tmp_path, encoding="utf-8-sig")  # another key
    assert len(list(tmp_path.glob("glossary-*.marshal"))) == 3


def test_a_damaged_cache_file_is_read_past(tmp_path: Path) -> None:
    path = _write(tmp_path)
    read_glossary(path, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("glossary-*.marshal")
    for junk in (b"", b"\x00garbage", cached.read_bytes()[:100]):
        cached.write_bytes(junk)
        assert read_glossary(path, cache_dir=tmp_path)["ess-2"].definition == (
            "Doublon, pour avoir un avertissement.")


def test_the_cli_with_a_cache_gives_the_same_output_and_warnings(tmp_path: Path) -> None:
    path = _write(tmp_path)
    doc = tmp_path / "doc.txt"
    doc.write_text("L'ESS et l’économie sociale.\n", "utf-8")
    cmd = [sys.executable, "-m", "glossator", "annotate", str(doc), "-g", str(path),
           "-f", "json", "--cache-dir", str(tmp_path / "c")]
    runs = [subprocess.run(cmd, capture_output=True, text=True, check=True) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stderr == runs[1].stderr and "defintion" in runs[1].stderr
    assert len(list((tmp_path / "c").glob("glossary-*.marshal"))) == 1
    assert len(list((tmp_path / "c").glob("*.marshal"))) == 2  # and the compiled matcher


def test_the_python_restore_gives_the_same_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glossator import matcher

    path = _write(tmp_path)
    read_glossary(path, cache_dir=tmp_path)
    with_c = read_glossary(path, cache_dir=tmp_path)
    monkeypatch.setattr(matcher, "ACCELERATOR", None)
    without = read_glossary(path, cache_dir=tmp_path)
    assert with_c.entries == without.entries and with_c.forms() == without.forms()
    assert [e.origin for e in with_c.entries] == [e.origin for e in without.entries]


def test_the_c_restore_refuses_what_it_cannot_fill() -> None:
    from glossator import matcher
    from glossator.model import Location

    if matcher.ACCELERATOR is None:
        pytest.skip("no C scanner")
    with pytest.raises(TypeError):
        matcher.ACCELERATOR.restore(dict, [()])  # no object slots
    with pytest.raises(ValueError):
        matcher.ACCELERATOR.restore(Location, [("a.yaml",)])  # one value short
    (loc,) = matcher.ACCELERATOR.restore(Location, [("a.yaml", 3)])
    assert loc == Location("a.yaml", 3) and str(loc) == "a.yaml:3"
