"""Coverage-guided fuzz targets (atheris, libFuzzer's engine) for the readers of
untrusted bytes: the glossary loaders, the HTML tokenizer, the cache reader, and the
scanner's preparation of a text.

Run one by hand for as long as you like (docs/robustness.md)::

    .venv/bin/python tests/hostile/fuzz_targets.py loaders -max_total_time=600 corpus/
    .venv/bin/python tests/hostile/fuzz_targets.py html -max_total_time=600 corpus-html/
    .venv/bin/python tests/hostile/fuzz_targets.py cache -max_total_time=600 corpus-cache/
    .venv/bin/python tests/hostile/fuzz_targets.py text -max_total_time=600 corpus-text/

The arguments after the target's name are libFuzzer's; an empty corpus folder is first
filled with seeds from the repository. ``tests/hostile/test_fuzz.py`` runs each target
for a few seconds in every test run. A failure is an uncaught exception (or a crash of
the C scanner): libFuzzer writes the input to ``crash-…`` in the working directory;
replay it with ``fuzz_targets.py TARGET crash-…``. A crash that kills the process before
libFuzzer can write its input (a C stack overflow does) leaves nothing; with
``GLOSSATOR_FUZZ_LAST=FILE`` in the environment, each input is written to ``FILE`` before
it runs, so that the last one is there after such a crash.

What each target holds for every input:

* ``loaders``: the first byte picks a format; ``parse_glossary`` returns a glossary (whose
  entries and forms can be read) or raises a ``GlossatorError``, nothing else;
* ``html``: annotating the page changes nothing but the inserted markup (page mode is
  byte-exact) and never raises; the tokenizer's C loop reads the page as its Python loop
  does;
* ``cache``: the first byte picks a matcher or glossary cache file; the rest is the file,
  its checksum made right so that the range checks behind it are reached. Loading it
  gives tables (or a glossary) that work, or ``None``; scanning with what loaded, or
  reading its entries, raises nothing but a ``GlossatorError``. With bit 4 of the first
  byte, the rest is one marshal record of a cache file instead: ``columns.loads`` refuses
  it, or gives a value that can be shown, hashed and compared (what readers do with a
  row) without crashing the process.
* ``text``: the C preparation of a text's bytes (``_scan.prepare``: the cuts, the NFC
  suspects, the fold, sixteen bytes at a time) gives what the Python steps give, valid
  UTF-8 or not; annotating the text decoded raises nothing and gives spans inside it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
#: The formats the ``loaders`` target picks from with an input's first byte.
FORMATS = ("csv", "tsv", "json", "yaml", "toml", "tbx", "skos-ttl", "skos-rdfxml")
GLOSSARY = b"""\
entries:
  - term: ESS
    definition: "\xc3\x89conomie sociale et solidaire."
    aliases: [E.S.S.]
  - term: "p\xc3\xb4le territorial de coop\xc3\xa9ration \xc3\xa9conomique"
    definition: Un groupement.
    aliases: [PTCE]
  - term: "coop\xc3\xa9rative"
    definition: Entreprise de ses membres.
"""
TEXT = "L'ESS, les PTCE et les coopératives ; l’E.S.S. aussi, 🇩🇪ESS, ⁧PTCE⁩."


def _loaders() -> Callable[[bytes], None]:
    from glossator.errors import GlossatorError
    from glossator.loaders import parse_glossary

    def run(data: bytes) -> None:
        if not data:
            return
        fmt = FORMATS[data[0] % len(FORMATS)]
        try:
            glossary = parse_glossary(data[1:], f"fuzz.{fmt}", fmt)
        except GlossatorError:
            return
        for entry in glossary.entries:
            assert isinstance(entry.term, str) and isinstance(entry.definition, str)
        glossary.forms()

    return run


def _html() -> Callable[[bytes], None]:
    sys.path.insert(0, str(REPO / "tests"))
    from glossator import Annotator
    from glossator.documents import html as html_module
    from glossator.documents.html import annotate_html, sniff_encoding
    from glossator.loaders import parse_glossary
    from support.markup import strip_markup

    annotator = Annotator(parse_glossary(GLOSSARY, "g.yaml", "yaml"), occurrences="all")

    def run(data: bytes) -> None:
        sniff_encoding(data)
        page = data.decode("utf-8", "replace")
        out = annotate_html(page, annotator, markup="abbr")
        assert strip_markup(out, "abbr") == strip_markup(page, "abbr"), "page changed"
        if html_module._PAGESCAN is not None:
            assert _reading(page, True) == _reading(page, False), "the C loop reads otherwise"

    return run


def _reading(page: str, native: bool) -> tuple[Any, ...]:
    """What page mode's tokenizer reads in ``page``: with the C loop or the Python loop."""
    from glossator.documents import html as html_module

    scanner = html_module._Scanner(
        page, [html_module.parse_selector(s) for s in html_module.DEFAULT_SKIP], None,
        "glossator-")
    if native:
        scanner._scan_native()
    else:
        scanner._scan_python()
    runs = [(r.start, r.end, r.counted_only, r.segs, r.jstart, r.jend, r.joined, r.lead,
             r.trail) for r in scanner.runs]
    return (scanner.parts, scanner.join_parts, runs, scanner.max_id, scanner.stack)


def _cache() -> Callable[[bytes], None]:
    import struct
    import zlib

    from glossator.errors import GlossatorError
    from glossator.loaders import parse_glossary
    from glossator.matching.compile import MatchOptions
    from glossator.matching.scan import Matcher
    from glossator.store import glossaries, matchers

    warnings.simplefilter("ignore")  # "this cache file was damaged": expected here
    folder = Path(tempfile.mkdtemp(prefix="glossator-fuzz-"))
    glossary = parse_glossary(GLOSSARY, "g.yaml", "yaml")
    options = MatchOptions()
    n_forms = len(glossary.forms())
    digest = "fuzz-0"
    paths = (folder / "matcher.cache", Path(glossaries._path(folder, digest)))

    def fixed(body: bytes) -> bytes:
        """``body`` with the checksum its head must have (the head's length left as the
        input has it: a wrong one is for the reader to catch)."""
        if len(body) < 24:
            return body
        magic, length = struct.unpack_from("<8sQ", body)
        return struct.pack("<8sQI4s", magic, length, zlib.crc32(body[24:]), bytes(4)) + body[24:]

    def run(data: bytes) -> None:
        if not data:
            return
        if data[0] & 4:
            _record(data[1:])
            return
        kind = data[0] & 1
        path = paths[kind]
        path.write_bytes(fixed(data[1:]) if data[0] & 2 == 0 else data[1:])
        try:
            if kind == 0:
                loaded = matchers._load_tables(path, n_forms)
                if loaded is not None:
                    try:
                        m = Matcher(glossary, options, tables=loaded[0], trie_state=loaded[1])
                    except (ValueError, IndexError, GlossatorError):
                        return  # what cached_matcher catches, and rebuilds
                    m.spans(TEXT)
                    m.scan_until(TEXT * 3)  # the cuts between segments read its reach
            else:
                cached = glossaries.load_cached_glossary(folder, digest)
                if cached is not None:
                    for entry in cached.entries:
                        assert isinstance(entry.definition, str)
                    cached.forms()
                    cached.sense_table()  # the header's shared forms, read back
                    assert min(cached.text_extents()) >= 0
        except GlossatorError:
            return

    return run


def _record(data: bytes) -> None:
    """One marshal record through the walk that guards ``marshal.loads``, and what a
    reader may do with the value it gives."""
    from glossator.store.columns import loads

    try:
        value = loads(data)
    except (EOFError, ValueError, TypeError, MemoryError):
        return
    repr(value)
    with contextlib.suppress(TypeError):  # a list or a dict inside: unhashable
        hash(value)
    assert value == value or value != value  # a NaN is not equal to itself


def _text() -> Callable[[bytes], None]:
    from glossator import Annotator
    from glossator.loaders import parse_glossary
    from glossator.matching import scan
    from glossator.matching.fold import fold_text, maybe_not_nfc

    annotator = Annotator(parse_glossary(GLOSSARY, "g.yaml", "yaml"), occurrences="all")
    native = scan.ACCELERATOR

    def run(data: bytes) -> None:
        runs = bool(data[:1]) and data[0] & 1 == 1
        if native is not None:
            rare = data.translate(None, bytes(range(128)))
            cut, edits = scan._edits(data, rare, runs)
            raw2, hay, news, olds, suspects = native.prepare(data, runs, 64)
            assert raw2 == b" " + cut + b" ", "cut otherwise"
            if edits is None:
                assert news is None and olds is None, "edits otherwise"
            else:
                assert list(memoryview(news).cast("q")) == edits.news, "news otherwise"
                assert list(memoryview(olds).cast("q")) == edits.olds, "olds otherwise"
            assert hay == fold_text(raw2, raw2.translate(None, bytes(range(128)))), "folded"
            valid = True
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                valid = False
            if valid:  # (on broken UTF-8 the two look at different bytes: no promise)
                assert suspects == [m.start() for m in maybe_not_nfc().finditer(data)][:65]
        text = data.decode("utf-8", "replace")
        for a in annotator.annotate(text):
            assert 0 <= a.start < a.end <= len(text) and text[a.start:a.end] == a.surface

    return run


TARGETS: dict[str, Callable[[], Callable[[bytes], None]]] = {
    "loaders": _loaders, "html": _html, "cache": _cache, "text": _text,
}


def seeds(target: str) -> list[bytes]:
    """Inputs to start ``target`` from: real files of the repository."""
    if target == "loaders":
        out = []
        for path, fmt in ((REPO / "glossaries" / "ess-fr.yaml", "yaml"),
                          (REPO / "examples" / "labo-ess.yaml", "yaml"),
                          (REPO / "tests" / "data" / "ess-sample.tbx", "tbx"),
                          (REPO / "tests" / "data" / "ess-sample.ttl", "skos-ttl"),
                          (REPO / "tests" / "data" / "ess-sample.rdf", "skos-rdfxml")):
            if path.is_file():
                out.append(bytes([FORMATS.index(fmt)]) + path.read_bytes()[:20000])
        out.append(bytes([FORMATS.index("csv")]) + b"term,definition,aliases\nESS,Def,E.S.S.\n")
        out.append(bytes([FORMATS.index("json")]) + b'[{"term": "ESS", "definition": "D"}]')
        out.append(bytes([FORMATS.index("toml")]) + b'[[entries]]\nterm = "ESS"\n'
                   b'definition = "D"\n')
        return out
    if target == "html":
        return [b"<p>L'ESS et les PTCE.</p>",
                b"<html><head><title>ESS</title></head><body><p>ESS <code>PTCE</code> "
                b"<!-- ESS --><script>ESS</script><a href='#'>ESS</a></p></body></html>",
                b'<meta charset="windows-1252"><p>coop\xe9ratives</p>']
    if target == "text":
        return [TEXT.encode(), TEXT.encode() * 3, b"\x01  \t\n\n Le\xc2\xa0: \xe2\x80\x99ESS"
                b" e\xcc\x81t\xc3\xa9 \xf0\x9f\x98\x80\xe2\x80\x94 PTCE   .",
                bytes(range(256))]
    return _cache_seeds()


def _cache_seeds() -> list[bytes]:
    """A real matcher cache file and a real glossary cache file, each behind its byte."""
    import marshal

    from glossator import compile_glossary
    from glossator.loaders import read_glossary

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "g.yaml"
        source.write_bytes(GLOSSARY)
        cache = Path(tmp) / "cache"
        compile_glossary(read_glossary(source, cache_dir=cache), cache_dir=str(cache))
        matcher = next(cache.glob("matcher-*.cache")).read_bytes()
        glossary = next(cache.glob("glossary-*.cache")).read_bytes()
        from glossator.store.columns import read_sections

        header, sections = read_sections(next(cache.glob("glossary-*.cache")))
        rows = bytes(sections[0])
        at = memoryview(bytes(sections[1])).cast("q")
        records = [rows[at[i]:at[i + 1]] for i in range(len(at) - 1)]
    return [b"\x00" + matcher, b"\x01" + glossary,
            *(b"\x04" + r for r in records[:3]), b"\x04" + marshal.dumps(header)]


def main(argv: list[str]) -> None:
    """``fuzz_targets.py TARGET [libFuzzer arguments] [CORPUS…]``."""
    import atheris

    if not argv or argv[0] not in TARGETS:
        raise SystemExit(f"usage: fuzz_targets.py {{{','.join(TARGETS)}}} [libFuzzer args]")
    target, rest = argv[0], argv[1:]
    if target == "cache" and not any(a.startswith("-dict=") for a in rest):
        rest.insert(0, f"-dict={HERE / 'cache.dict'}")  # marshal's codes (see that file)
    with atheris.instrument_imports(include=["glossator"]):
        run: Any = TARGETS[target]()  # imports glossator's modules, instrumented
    for folder in (a for a in rest if not a.startswith("-") and os.path.isdir(a)):
        if not os.listdir(folder):  # the seeds import glossator too: after, not before
            for i, seed in enumerate(seeds(target)):
                Path(folder, f"seed-{i}").write_bytes(seed)
    last = os.environ.get("GLOSSATOR_FUZZ_LAST")
    if last:
        run = _saving(run, Path(last))
    atheris.Setup([sys.argv[0], *rest], run)
    atheris.Fuzz()


def _saving(run: Callable[[bytes], None], path: Path) -> Callable[[bytes], None]:
    """``run``, writing each input to ``path`` first: a crash libFuzzer cannot catch
    (a C stack overflow) still leaves the input that caused it."""

    def saved(data: bytes) -> None:
        with open(path, "wb") as out:
            out.write(data)
        run(data)

    return saved


if __name__ == "__main__":
    main(sys.argv[1:])
