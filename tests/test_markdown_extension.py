"""The Python-Markdown extension (glossator.integrations.markdown) and Markdown CLI input.

The central property, as for HTML documents: removing glossator's markup from the output
gives back what Python-Markdown produces without the extension, with the other extensions
(toc, attr_list, abbr, footnotes, fenced_code) on.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import markdown
import pytest

import glossator
from glossator.errors import UsageError
from glossator.integrations import markdown as gmd
from glossator.integrations.markdown import GlossatorExtension
from glossator.store.glossaries import Store
from support.cli import RunCli, WriteFile
from support.markup import strip_glossator_markup, terms

ESS_DEF = "Économie sociale et solidaire, au sens de la loi."
SMALL_YAML = f"""\
- term: ESS
  definition: "{ESS_DEF}"
- term: PTCE
  definition: "Pôle territorial de coopération économique."
- term: économie
  definition: "Science des richesses."
"""
OTHERS = ["toc", "attr_list", "abbr", "footnotes", "fenced_code"]


@pytest.fixture
def small(tmp_path: Path) -> str:
    path = tmp_path / "lexique.yaml"
    path.write_text(SMALL_YAML, encoding="utf-8")
    return str(path)


def convert(text: str, glossary: object, *, extensions: list[str] | None = None,
            **config: object) -> str:
    """Convert with glossator (and ``extensions``); check the strip property on the way."""
    others = list(extensions or [])
    out = markdown.markdown(text, extensions=[*others, "glossator"],
                            extension_configs={"glossator": {"glossary": glossary, **config}})
    assert strip_glossator_markup(out) == markdown.markdown(text, extensions=others)
    return out


# -- the bundled glossary, the entry point ---------------------------------------------

def test_no_config_uses_the_bundled_glossary() -> None:
    out = markdown.markdown("Le Labo de l’ESS publie.", extensions=["glossator"])
    assert 'class="glossator"' in out
    assert 'role="tooltip"' in out
    assert terms(out) == ["ESS"]
    bundled = glossator.load_glossary()
    definition = " ".join(bundled["ess"].definition.split())
    assert definition.replace("'", "&#x27;") in out
    assert strip_glossator_markup(out) == "<p>Le Labo de l’ESS publie.</p>"


def test_entry_point_works_without_importing_glossator() -> None:
    code = ("import sys, markdown; assert 'glossator' not in sys.modules; "
            "html = markdown.markdown('l’ESS', extensions=['glossator']); "
            "assert 'glossator.integrations.markdown' in sys.modules; print(html)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          encoding="utf-8", check=False)
    assert proc.returncode == 0, proc.stderr
    assert 'role="tooltip"' in proc.stdout
    assert terms(proc.stdout) == ["ESS"]


def test_dotted_name_and_instance(small: str) -> None:
    by_name = markdown.markdown("l’ESS", extensions=["glossator.integrations.markdown"],
                                extension_configs={"glossator.integrations.markdown":
                                                   {"glossary": small}})
    by_instance = markdown.markdown("l’ESS", extensions=[GlossatorExtension(glossary=small)])
    assert by_name == by_instance
    assert ESS_DEF in by_name


# -- what is never annotated -------------------------------------------------------------

NEVER = {
    "inline code": "Un `ESS` de code.",
    "fenced code": "```\nESS fenced\n```",
    "indented code": "    ESS indented",
    "link text": "Voir [l’ESS](https://ess.fr).",
    "autolink": "Voir <https://ess.fr>.",
    "autolink text": "Voir <https://example.org/ESS>.",
    "image alt": "![Logo ESS](logo.png \"ESS\")",
    "heading": "## L’ESS en bref",
    "setext heading": "L’ESS en bref\n=============",
    "raw a": "<a href=\"/ess\">ESS</a> brut.",
    "raw block a": "<p><a href=\"/ess\">ESS</a></p>",
    "abbr": "Les ESS.\n\n*[ESS]: Économie sociale et solidaire",
    "noglossary via attr_list": "L’ESS ici.\n{: .noglossary }",
}


@pytest.mark.parametrize("source", NEVER.values(), ids=NEVER.keys())
def test_never_annotated(source: str, small: str) -> None:
    out = convert(source + "\n\nTexte : PTCE.", small, extensions=OTHERS, occurrences="all")
    assert terms(out) == ["PTCE"]  # the control term in plain text is annotated


def test_skipped_text_does_not_take_the_first_occurrence(small: str) -> None:
    out = convert("## L’ESS\n\nUn `ESS`, [ESS](/x), puis l’ESS et l’ESS.", small)
    assert terms(out) == ["ESS"]
    assert out.index('data-glossator-entry="ess"') > out.index("puis")


def test_raw_html_blocks_are_never_annotated(small: str) -> None:
    # a raw HTML block is left exactly as the writer typed it; text between inline raw
    # tags is Markdown text and is annotated, unless the tag is skipped (a raw <a>)
    source = ('<div class="encadre">L’ESS dans un bloc brut.</div>\n\n'
              '<div data-glossator="off">Le PTCE ici.</div>\n\nUn <span>PTCE</span> en ligne, '
              'un <a href="/x">PTCE</a> lié.\n\nEnfin l’ESS et l&rsquo;ESS.')
    out = convert(source, small, occurrences="all")
    assert terms(out) == ["PTCE", "ESS", "ESS"]
    assert '<div class="encadre">L’ESS dans un bloc brut.</div>' in out
    assert '<div data-glossator="off">Le PTCE ici.</div>' in out
    assert '<p>Un <span><span class="glossator" data-glossator-entry="ptce">' in out
    assert '<a href="/x">PTCE</a>' in out
    assert strip_glossator_markup(out) == markdown.markdown(source)


def test_footnote_text_is_annotated(small: str) -> None:
    out = convert("Un texte[^1].\n\n[^1]: Une note sur l’ESS.", small,
                  extensions=["footnotes"])
    assert terms(out) == ["ESS"]
    assert 'class="footnote"' in out


def test_character_references_are_restored_before_annotating() -> None:
    # after amp_substitute (priority 20): "&nbsp;" is a reference again, not a placeholder
    glossary = glossator.Glossary.from_dicts([
        {"term": "économie solidaire", "definition": "Une économie."},
    ])
    text = "Une économie&nbsp;solidaire, l&rsquo;économie solidaire."
    out = markdown.markdown(text, extensions=[GlossatorExtension(glossary=glossary)])
    assert terms(out) == ["économie&nbsp;solidaire"]
    assert strip_glossator_markup(out) == markdown.markdown(text)


# -- config --------------------------------------------------------------------------------

def test_glossary_file_and_list_of_files(small: str, tmp_path: Path) -> None:
    out = convert("Le Labo de l’ESS.", small)
    assert ESS_DEF in out
    other = tmp_path / "autre.yaml"
    other.write_text('- term: ESS\n  definition: "Autre définition."\n', encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate term across files may warn
        merged = convert("Le Labo de l’ESS.", [small, str(other)])
        skipped = convert("Le Labo de l’ESS.", [small, str(other)], senses="skip")
    # a second definition of ESS is a second sense: both are shown, numbered, or none
    assert f"1. {ESS_DEF} 2. Autre définition." in merged
    assert "Autre définition." not in skipped and ESS_DEF not in skipped


def test_occurrences_first_section_all(small: str) -> None:
    # sections of a Markdown page are its h1-h3 headings, as in HTML documents
    text = "## Un\n\nL’ESS et l’ESS.\n\nEncore l’ESS.\n\n## Deux\n\nL’ESS."
    assert terms(convert(text, small)) == ["ESS"]
    assert terms(convert(text, small, occurrences="section")) == ["ESS", "ESS"]
    assert terms(convert(text, small, occurrences="all")) == ["ESS", "ESS", "ESS", "ESS"]


def test_accents(small: str) -> None:
    text = "L’economie du lieu."
    assert terms(convert(text, small)) == []
    assert terms(convert(text, small, accents="fold")) == ["economie"]


def test_skip_and_id_prefix(small: str) -> None:
    text = "L’ESS ici.\n{: .note }\n\nLe PTCE là."
    out = convert(text, small, extensions=["attr_list"], skip=[".note"], id_prefix="doc2-")
    assert terms(out) == ["PTCE"]
    assert 'aria-describedby="doc2-1"' in out and 'id="doc2-1"' in out


def test_each_convert_is_a_document_and_compiles_once(
    small: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []

    class Counting(glossator.Annotator):
        def __init__(self, *args: Any, **kw: Any) -> None:
            built.append(self)
            super().__init__(*args, **kw)

    monkeypatch.setattr(gmd, "Annotator", Counting)
    md = markdown.Markdown(extensions=["glossator"],
                           extension_configs={"glossator": {"glossary": small}})
    first = md.convert("L’ESS et l’ESS.")
    second = md.convert("Encore l’ESS, puis l’ESS.")
    md.reset()
    third = md.convert("Toujours l’ESS.")
    assert len(built) == 1
    for out in (first, second, third):
        assert terms(out) == ["ESS"]
        assert 'id="glossator-1"' in out  # ids restart with each document
    assert second.index("glossator-term") < second.index("puis")


def test_a_ready_annotator(small: str) -> None:
    annotator = glossator.Annotator(glossator.load_glossary(small), occurrences="all")
    out = markdown.markdown("l’ESS, l’ESS", extensions=[GlossatorExtension(annotator=annotator)])
    assert terms(out) == ["ESS", "ESS"]


def test_bad_config_is_reported_when_the_markdown_is_built(small: str) -> None:
    with pytest.raises(KeyError, match="unknown config key 'glosary'"):
        GlossatorExtension(glosary=small)
    with pytest.raises(UsageError, match="occurrences"):
        markdown.Markdown(extensions=[GlossatorExtension(glossary=small, occurrences="most")])
    with pytest.raises(UsageError, match="simple selector"):
        markdown.Markdown(extensions=[GlossatorExtension(glossary=small, skip=["div p"])])
    with pytest.raises(UsageError, match="cannot start an HTML id"):
        markdown.Markdown(extensions=[GlossatorExtension(glossary=small, id_prefix="1 x")])
    with pytest.raises(UsageError, match="'glossary' config"):
        markdown.Markdown(extensions=[GlossatorExtension(glossary=3)])


# -- alongside other extensions ------------------------------------------------------------

DOCUMENT = """\
# L’ESS et les PTCE {: #intro .titre }

[TOC]

## Les PTCE en France

Le Labo de l’ESS[^labo] publie un guide sur les PTCE et l’économie.
{: .lead data-role="chapo" }

Les HTML et l’ESS encore, avec `ESS` et [l’ESS](https://ess.fr "ESS").

```python
ess = "ESS"  # PTCE
```

- une coopérative ESS
- un PTCE

<div class="encadre">Un encadré sur l’économie &amp; les PTCE.</div>

*[HTML]: Hyper Text Markup Language

[^labo]: Le Labo de l’ESS, un think tank de l’ESS.
"""


def test_output_minus_glossator_is_the_output_without_it(small: str) -> None:
    plain_md = markdown.Markdown(extensions=OTHERS)
    plain = plain_md.convert(DOCUMENT)
    md = markdown.Markdown(extensions=[*OTHERS, "glossator"],
                           extension_configs={"glossator": {"glossary": small,
                                                            "occurrences": "all"}})
    out = md.convert(DOCUMENT)
    assert strip_glossator_markup(out) == plain
    found = terms(out)
    assert found.count("ESS") >= 3 and "PTCE" in found and "économie" in found
    # toc: heading ids, the table of contents and its tokens are those without glossator
    assert '<h1 class="titre" id="intro">' in out
    assert '<h2 id="les-ptce-en-france">Les PTCE en France</h2>' in out
    assert md.toc == plain_md.toc  # type: ignore[attr-defined]
    assert md.toc_tokens == plain_md.toc_tokens  # type: ignore[attr-defined]
    # attr_list kept, abbr untouched, footnote text annotated, back-links untouched
    assert '<p class="lead" data-role="chapo">' in out
    assert '<abbr title="Hyper Text Markup Language">HTML</abbr>' in out
    footnotes = out[out.index('<div class="footnote">'):]
    assert "glossator-term" in footnotes
    assert '<pre><code class="language-python">ess = &quot;ESS&quot;  # PTCE' in out


# -- the command line ------------------------------------------------------------------------

MD_FILE = """\
# Le guide de l’ESS

Le Labo de l’ESS publie.

```
ESS dans du code
```
"""


def test_cli_annotates_a_markdown_file(cli: RunCli, write: WriteFile, small: str) -> None:
    write("doc.md", MD_FILE)
    result = cli("annotate", "doc.md", "-g", small)
    assert result.code == 0, result.err
    out = result.out
    assert terms(out) == ["ESS"]
    assert 'role="tooltip"' in out and ESS_DEF in out
    assert "<pre><code>ESS dans du code\n</code></pre>" in out
    assert "<h1>Le guide de l’ESS</h1>" in out
    assert strip_glossator_markup(out).strip() == markdown.markdown(MD_FILE,
                                                                   extensions=["extra"])
    assert "<html" not in out


def test_cli_markdown_on_stdin_and_several_files(cli: RunCli, write: WriteFile, small: str) -> None:
    result = cli("annotate", "--input-format", "markdown", "-g", small,
                 stdin="L’ESS et `ESS`.".encode())
    assert result.code == 0, result.err
    assert terms(result.out) == ["ESS"]
    assert "<code>ESS</code>" in result.out
    write("a.markdown", "L’ESS ici.\n")
    write("b.md", "L’ESS là.\n")
    result = cli("annotate", "a.markdown", "b.md", "-g", small, "--output-dir", "out")
    assert result.code == 0, result.err
    for name in ("a", "b"):  # each file is one document: its first ESS is annotated
        assert terms((Path("out") / f"{name}.html").read_text(encoding="utf-8")) == ["ESS"]


def test_cli_markdown_usage_errors(cli: RunCli, write: WriteFile, small: str) -> None:
    write("doc.md", MD_FILE)
    for argv, needle in [
        (["--standalone", "-f", "text"], "--standalone goes with --format html"),
        (["-f", "json"], "Markdown input is written as HTML"),
        (["--root", "main"], "--root goes with HTML input"),
    ]:
        result = cli("annotate", "doc.md", "-g", small, *argv)
        assert result.code == 2, (argv, result.out)
        assert needle in result.err and "Traceback" not in result.err


def test_cli_markdown_skip_and_text_input_format(cli: RunCli, write: WriteFile, small: str) -> None:
    write("doc.md", "Le Labo de l’ESS publie.\n")
    assert terms(cli("annotate", "doc.md", "-g", small, "--skip", "p").out) == []
    as_text = cli("annotate", "doc.md", "-g", small, "--input-format", "text", "-f", "text")
    assert as_text.code == 0
    assert "<p>" not in as_text.out and "ESS" in as_text.out


def test_cli_markdown_standalone_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from glossator.cli import main

    doc = tmp_path / "note.md"
    doc.write_text("# Titre\n\nLe Labo de l’ESS.\n", encoding="utf-8")
    assert main(["annotate", str(doc), "--standalone"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and "<title>note</title>" in out
    assert ".glossator-tip" in out and 'role="tooltip"' in out
    assert "<h1" in out and out.count("<main>") == 1


def test_cli_css_prints_the_stylesheet(capsys: pytest.CaptureFixture[str]) -> None:
    from glossator.cli import main
    from glossator.render.html import stylesheet

    assert main(["css"]) == 0
    assert capsys.readouterr().out == stylesheet()


def test_cache_dir_keeps_the_compiled_glossary(small: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = convert("Le Labo de l’ESS.", small, cache_dir=str(cache))
    assert {p.name.split("-")[0] for p in cache.iterdir()} == {"glossary", "matcher"}
    from glossator.integrations.markdown import GlossatorExtension

    ext = GlossatorExtension(glossary=small, cache_dir=str(cache))
    assert isinstance(ext.annotator.glossary._table, Store)  # read from the cache
    assert convert("Le Labo de l’ESS.", small, cache_dir=str(cache)) == first
