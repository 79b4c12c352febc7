"""A light start: the public API imported on first use, one command's code per run, and
the bundled glossary kept compiled in the user's cache folder (never a stale one).

Each check runs a fresh interpreter: what a process has imported is the point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import glossator

SMALL = "En juin 2017, le Labo de l’ESS publiait son rapport sur les PTCE.\n"


def _python(code: str, env: dict[str, str] | None = None, stdin: str = "") -> str:
    result = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True,
                            text=True, env=env, check=True)
    return result.stdout.strip()


def _env(cache: Path | None, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GLOSSATOR_NO_CACHE"}
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    env.update(more)
    return env


def test_every_public_name_is_importable_and_is_its_module_s() -> None:
    code = ("import importlib, glossator\n"
            "bad = [n for n in glossator.__all__ if n != '__version__' and "
            "getattr(glossator, n) is not getattr(importlib.import_module("
            "'glossator.' + glossator._WHERE[n]), n)]\n"
            "print(bad, sorted(set(glossator.__all__) - set(dir(glossator))))")
    assert _python(code) == "[] []"
    for name in glossator.__all__:
        exec(f"from glossator import {name}", {})


def test_dir_shows_the_public_names_not_the_package_s_own_imports() -> None:
    code = ("import glossator\n"
            "print(sorted(n for n in dir(glossator) if not n.startswith('__')) == "
            "sorted(set(glossator.__all__) - {'__version__'}))\n"
            "import glossator.loaders\n"
            "print('loaders' in dir(glossator))")
    assert _python(code) == "True\nTrue"


def test_import_glossator_loads_no_layer_below() -> None:
    code = ("import sys, glossator\n"
            "print(sorted(m for m in sys.modules if m.startswith('glossator.')))")
    assert _python(code) == "['glossator._version']"


def test_annotate_and_render_stay_the_functions_once_their_modules_are_loaded() -> None:
    code = ("import glossator, glossator.annotate, glossator.render, glossator.render.html\n"
            "g = glossator.Glossary.from_dicts([{'term': 'ESS', 'definition': 'É.'}])\n"
            "print(glossator.render(glossator.annotate('L’ESS', g), 'text'))")
    assert _python(code) == "L’ESS ESS É."


def test_the_modules_behind_annotate_and_render_are_reached_through_them() -> None:
    # docs/python.md names glossator.render.write and glossator.render.html: the function
    # carries its module's public names and subpackages; and the import statement that
    # goes through the function finds the subpackage
    code = ("import glossator.render.json as j, glossator\n"
            "import glossator.render.html\n"
            "from glossator.render import write\n"
            "r, a = glossator.render, glossator.annotate\n"
            "print(j.__name__, r.json is j, r.write is write, r.html.__name__,\n"
            "      a.Annotator is glossator.Annotator, callable(r))")
    assert _python(code) == "glossator.render.json True True glossator.render.html True True"
    late = ("import glossator\n"
            "glossator.render\n"  # the module loaded first, its subpackage afterwards
            "import glossator.render.markdown as m\n"
            "print(glossator.render.markdown is m)")
    assert _python(late) == "True"


def test_a_command_loads_only_its_own_module(tmp_path: Path) -> None:
    code = ("import sys, io, contextlib\nfrom glossator.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['annotate', '-', '-f', 'text'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('glossator.cli.')))")
    out = _python(code, _env(tmp_path), SMALL)
    assert out == "['glossator.cli.annotate', 'glossator.cli.common']"


def _annotate(cache: Path | None, damaged: bool = False, **env: str) -> str:
    result = subprocess.run([sys.executable, "-m", "glossator", "annotate", "-", "-f", "text"],
                            input=SMALL, capture_output=True, text=True,
                            env=_env(cache, **env), check=True)
    if damaged:  # one line says so, and the cache is built again
        (line,) = result.stderr.splitlines()
        assert line.startswith("glossator: warning: ") and "damaged" in line
    else:
        assert result.stderr == ""
    return result.stdout


def test_the_bundled_glossary_is_kept_compiled_and_read_back(tmp_path: Path) -> None:
    plain = _annotate(tmp_path, GLOSSATOR_NO_CACHE="1")
    assert not (tmp_path / "glossator").exists()
    assert _annotate(tmp_path) == plain  # compiled, then written
    files = sorted(p.name for p in (tmp_path / "glossator").iterdir())
    assert [f.split("-")[0] for f in files] == ["glossary", "matcher"]
    code = ("import sys, io, contextlib\nfrom glossator.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['annotate', '-', '-f', 'text'])\n"
            "print('yaml' in sys.modules, 'glossator.loaders.yaml' in sys.modules)")
    assert _python(code, _env(tmp_path), SMALL) == "False False"  # read back, not parsed
    assert _annotate(tmp_path) == plain


def test_a_damaged_or_unusable_cache_never_changes_the_output(tmp_path: Path) -> None:
    plain = _annotate(tmp_path, GLOSSATOR_NO_CACHE="1")
    _annotate(tmp_path)
    for path in (tmp_path / "glossator").iterdir():
        path.write_bytes(path.read_bytes()[:100])  # cut short: not a cache file any more
    assert _annotate(tmp_path, damaged=True) == plain
    assert _annotate(tmp_path) == plain  # and rewritten
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _annotate(blocked) == plain  # $XDG_CACHE_HOME/glossator cannot be made


def test_a_glossary_given_is_not_cached_unless_asked(tmp_path: Path) -> None:
    glossary = tmp_path / "g.csv"
    glossary.write_text("term,definition\nLabo,Laboratoire.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    result = subprocess.run(
        [sys.executable, "-m", "glossator", "annotate", "-", "-g", str(glossary)],
        input=SMALL, capture_output=True, text=True, env=_env(cache), check=True)
    assert "Laboratoire." in result.stdout
    assert not (cache / "glossator").exists()


#: Standard-library modules that ``glossator annotate`` on a small file does without: each
#: costs a large share of a bare ``python -c pass`` (dataclasses brings inspect, ast and
#: dis; pathlib brings urllib.parse and ipaddress; hashlib loads OpenSSL; argparse brings
#: gettext and locale, and building the parser costs as much again).
NOT_AT_START = ("dataclasses", "inspect", "typing", "pathlib", "urllib.parse", "hashlib",
                "ast", "dis", "copy", "argparse", "gettext", "locale")


def test_annotate_on_a_small_file_does_not_import_the_heavy_standard_modules(
    tmp_path: Path,
) -> None:
    small = tmp_path / "small.txt"
    small.write_text(SMALL, encoding="utf-8")
    # as the installed `glossator` script starts (it imports re first)
    code = ("import re, sys, io, contextlib\nfrom glossator.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    assert main(['annotate', {str(small)!r}]) == 0\n"
            "assert 'PTCE' in out.getvalue()\n"
            f"print(sorted(m for m in {NOT_AT_START!r} if m in sys.modules))")
    # twice: the first run compiles the bundled glossary into the cache, the second
    # reads it back, as every run after the first does
    _python(code, _env(tmp_path))
    assert _python(code, _env(tmp_path)) == "[]"


@given(st.lists(st.sampled_from(["a", "b.txt", ".", "..", "", ".x", "x.", "a.b.c", "é.HTML",
                                 "/"]), max_size=5).map("/".join))
def test_suffix_of_is_pathlib_s_suffix(name: str) -> None:
    from pathlib import Path

    from glossator.reading import suffix_of

    assert suffix_of(name) == Path(name).suffix


def test_a_lazy_pattern_is_compiled_on_first_use_and_then_is_the_pattern() -> None:
    import re

    from glossator._lazy import lazy_pattern

    space: dict[str, object] = {}
    space["WORD"] = lazy_pattern(space, "WORD", r"\w+", re.IGNORECASE)
    space["RAW"] = lazy_pattern(space, "RAW", rb"\xc3.")
    stand_in = space["WORD"]
    assert not isinstance(stand_in, re.Pattern)
    assert stand_in.findall("L’ESS, é") == ["L", "ESS", "é"]  # type: ignore[attr-defined]
    assert space["WORD"] == re.compile(r"\w+", re.IGNORECASE)  # the module's name now
    assert stand_in.pattern == r"\w+"  # type: ignore[attr-defined]  # (held elsewhere)
    assert space["RAW"].search("é".encode()) is not None  # type: ignore[attr-defined]
    assert isinstance(space["RAW"], re.Pattern)


def test_every_stand_in_of_the_modules_compiles_and_takes_its_place() -> None:
    import re

    from glossator import anchors, policy, senses
    from glossator._lazy import _LazyPattern
    from glossator.documents import read, write
    from glossator.matching import compile as compiling
    from glossator.text import french, normalize

    for module in (anchors, policy, senses, read, write, compiling, french, normalize):
        for name, value in list(vars(module).items()):
            if isinstance(value, _LazyPattern):
                value.pattern  # noqa: B018 - compiles it
            if isinstance(value, _LazyPattern | re.Pattern):
                assert isinstance(vars(module)[name], re.Pattern), name
