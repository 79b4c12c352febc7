"""Renderers: text expansion rules, safe HTML, terminal, JSON schema, Markdown."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import glossator
from glossator import Glossary, annotate, render

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'
GLOSSARY = Glossary.from_dicts(
    [
        {"term": "ESS", "title": "Économie sociale et solidaire", "definition": "Le secteur."},
        {"term": "PTCE", "definition": "Pôles territoriaux."},
        {"term": "XSS", "title": '<b onclick="x">T</b>', "definition": HOSTILE},
    ]
)


def test_text_expansion_title_defaults_to_the_term() -> None:
    doc = annotate("Les PTCE.", GLOSSARY)
    assert render(doc, "text") == "Les PTCE PTCE Pôles territoriaux. ."


def test_text_expansion_uses_title_and_spaces_before_punctuation() -> None:
    doc = annotate("L’ESS, vraiment.", GLOSSARY)
    assert render(doc, "text") == "L’ESS Économie sociale et solidaire Le secteur. , vraiment."


def test_text_expansion_no_extra_space_before_white_space_or_end() -> None:
    assert render(annotate("ESS\nfin", GLOSSARY), "text") == (
        "ESS Économie sociale et solidaire Le secteur.\nfin"
    )
    assert render(annotate("voir PTCE", GLOSSARY), "text") == "voir PTCE PTCE Pôles territoriaux."


def test_text_format_leaves_unannotated_text_alone() -> None:
    text = "Rien à signaler\u00a0: «\u202fpas de sigle\u202f».\n\n  Fin.  "
    assert render(annotate(text, GLOSSARY), "text") == text


def test_html_escapes_text_titles_and_definitions() -> None:
    doc = annotate('<i>texte</i> & XSS "ici"', GLOSSARY)
    html = render(doc, "html", standalone=True)
    assert "<script" not in html.lower()
    attributes = set(re.findall(r"\s([a-z-]+)=\"", " ".join(re.findall(r"<[^>]*>", html))))
    assert attributes <= {"lang", "charset", "name", "content", "class", "tabindex",
                          "aria-describedby", "role", "id", "data-glossator-entry"}
    assert "<i>" not in html and "&lt;i&gt;texte&lt;/i&gt; &amp; " in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    # nothing but our own tags
    tags = set(re.findall(r"<(/?[a-zA-Z!]+)", html))
    assert tags <= {"!DOCTYPE", "html", "/html", "head", "/head", "meta", "title", "/title",
                    "style", "/style", "body", "/body", "main", "/main", "p", "/p", "span",
                    "/span"}


def test_html_paragraph_per_line_and_unique_ids() -> None:
    doc = annotate("ESS un\n\nPTCE deux\ntrois", GLOSSARY)
    html = render(doc, "html", id_prefix="doc1-")
    assert html.count("<p>") == 3
    assert 'id="doc1-1"' in html and 'id="doc1-2"' in html


def test_html_standalone_has_stylesheet_and_no_script() -> None:
    page = render(annotate("ESS", GLOSSARY), "html", standalone=True, title="Essai <1>")
    assert '<html lang="fr">' in page and '<meta charset="utf-8">' in page
    assert ".glossator:hover > .glossator-tip" in page
    assert ".glossator:focus-within > .glossator-tip" in page
    assert "<title>Essai &lt;1&gt;</title>" in page
    assert "<script" not in page


def test_json_schema() -> None:
    text = "l’ESS et les PTCE"
    data = json.loads(render(annotate(text, GLOSSARY), "json"))
    assert data["version"] == glossator.model.JSON_SCHEMA_VERSION == 1
    assert data["text"] == text
    first = data["annotations"][0]
    assert set(first) >= {"start", "end", "surface", "entry", "term", "title", "how"}
    assert (first["start"], first["end"], first["surface"], first["entry"]) == (2, 5, "ESS", "ess")
    assert first["how"] == "elision"
    assert [text[a["start"] : a["end"]] for a in data["annotations"]] == ["ESS", "PTCE"]


def test_terminal_plain_without_color_fits_80_columns() -> None:
    text = "Le Labo de l’ESS publie un rapport sur les PTCE. " * 4
    out = render(annotate(text, GLOSSARY), "terminal", color=False, width=80)
    assert "\x1b[" not in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "ESS[1]" in out and "PTCE[2]" in out
    assert "[1] Économie sociale et solidaire — Le secteur." in out


def test_terminal_color_and_inline_style() -> None:
    doc = annotate("l’ESS", GLOSSARY)
    colored = render(doc, "terminal", color=True, width=80)
    assert "\x1b[" in colored
    inline = render(doc, "terminal", color=False, style="inline")
    assert "l’ESS (Économie sociale et solidaire : Le secteur.)" in inline


def test_terminal_respects_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in render(annotate("ESS", GLOSSARY), "terminal")


def test_markdown_footnotes_and_escaping() -> None:
    out = render(annotate("*L’ESS* et les PTCE_x", GLOSSARY), "markdown")
    assert out.startswith("\\*L’ESS[^ess]\\* et les PTCE\\_x")
    assert "[^ess]: **Économie sociale et solidaire** — Le secteur." in out


def _read_markdown(out: str, reader: str) -> str:
    """The HTML that ``reader`` (Python-Markdown, or markdown-it in CommonMark mode) makes
    of ``out``, footnotes on."""
    if reader == "python-markdown":
        markdown = pytest.importorskip("markdown", reason="pip install -e '.[test]'")
        return str(markdown.markdown(out, extensions=["footnotes"]))
    markdown_it = pytest.importorskip("markdown_it", reason="pip install -e '.[test]'")
    footnote = pytest.importorskip("mdit_py_plugins.footnote")
    return str(markdown_it.MarkdownIt("commonmark").use(footnote.footnote_plugin).render(out))


#: Text that holds what Markdown reads as character references, written as plain text.
_REFERENCES = "1 &lt; 2 &amp; 3 &#x41; &#65; &eacute; &AMP; & fin;"


@pytest.mark.parametrize("reader", ["python-markdown", "markdown-it"])
def test_markdown_shows_character_references_of_the_text_as_written(reader: str) -> None:
    """``&lt;`` in a text or a definition is shown as ``&lt;``, not as ``<``: both real
    readers of glossator's Markdown give back the characters of the source."""
    from html import unescape

    g = Glossary.from_dicts([{"term": "ESS", "definition": f"Définition : {_REFERENCES}"}])
    out = render(annotate(f"L’ESS : {_REFERENCES}", g), "markdown")
    assert "[^ess]" in out
    html = _read_markdown(out, reader)
    shown = unescape(re.sub(r"<[^>]*>", "", html))
    assert shown.count(_REFERENCES) == 2, html  # the text, and the definition's note


#: Characters Markdown reads as markup, in plain text.
_MARKUP = "a <b>tag</b>, 2 > 1, *star* _under_ [brackets] `tick` # hash \\ back"


@pytest.mark.parametrize("reader", ["python-markdown", "markdown-it"])
def test_markdown_shows_markup_characters_of_the_text_as_written(reader: str) -> None:
    """``<b>`` in a text is shown as ``<b>``: not a tag, and with no backslash left in
    front of it (Python-Markdown, which MkDocs uses, takes no backslash escape for ``<``,
    so glossator writes ``&lt;``)."""
    from html import unescape

    html = _read_markdown(render(annotate(f"L’ESS : {_MARKUP}", GLOSSARY), "markdown"), reader)
    assert "<b>" not in html, html
    shown = unescape(re.sub(r"<[^>]*>", "", html))
    assert _MARKUP in shown, html


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(glossator.UsageError, match="unknown output format 'pdf'"):
        render(annotate("ESS", GLOSSARY), "pdf")


def test_renderer_registry_extends_by_name() -> None:
    glossator.register_renderer("count", lambda doc, **_: str(len(doc)))
    assert render(annotate("ESS PTCE", GLOSSARY), "count") == "2"
    assert "count" in glossator.available_renderers()


@pytest.mark.parametrize("fmt", ["text", "html", "markdown", "terminal"])
def test_french_no_break_spaces_of_a_definition_survive_every_format(fmt: str) -> None:
    # French typography: a no-break space before ":" and inside « »; a line break in the
    # YAML is only layout and becomes one space
    definition = "Statut\u00a0: «\u00a0entreprise\u00a0»,\n  selon la loi\u202fde 2014."
    g = Glossary.from_dicts([{"term": "ESUS", "title": "ESUS\u00a0(agrément)",
                              "definition": definition}])
    doc = annotate("Une ESUS.", g)
    out = render(doc, fmt, **({"color": False} if fmt == "terminal" else {}))
    if fmt == "terminal":  # rich may wrap lines: compare the words and their glue
        out = " ".join(out.split(" "))
    assert "Statut\u00a0: «\u00a0entreprise\u00a0», selon la loi\u202fde 2014." in (
        out.replace("\n", " ") if fmt == "terminal" else out)
    assert "ESUS\u00a0(agrément)" in out


def test_stripping_undoes_an_expansion_with_no_break_spaces() -> None:
    from glossator import strip_text

    g = Glossary.from_dicts(
        [{"term": "ESUS", "definition": "Agrément\u00a0: «\u00a0solidaire\u00a0»."}])
    text = "Une ESUS agréée."
    expanded = render(annotate(text, g), "text")
    assert "Agrément\u00a0: «\u00a0solidaire\u00a0»." in expanded
    assert strip_text(expanded, g).text == text


def test_html_escape_skips_only_text_that_needs_no_visible_escape() -> None:
    """``render.html.escape`` skips ``html_safe`` for a printable text: so every
    character ``html_safe`` escapes must be one ``str.isprintable`` refuses."""
    from glossator.render.html import escape
    from glossator.text.inert import _HTML, html_safe

    every = "".join(map(chr, range(0x110000)))
    escaped = _HTML.findall(every)
    assert len(escaped) > 100 and not any(c.isprintable() for c in escaped)
    for text in ("Définition « où » &<>\"'", "a\x85b", "\ufdd0", "x\U0010ffff", "é\x00"):
        assert escape(text) == html.escape(html_safe(text))
        assert escape(text, quote=False) == html.escape(html_safe(text), quote=False)


# --- the Python API's arguments ----------------------------------------------------------


def test_an_annotator_takes_a_glossary_s_path_as_annotate_does(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("term,definition\nESS,Économie sociale et solidaire.\n", "utf-8")
    for glossary in (str(path), path):
        doc = glossator.Annotator(glossary).annotate("L’ESS.")
        assert [a.surface for a in doc.annotations] == ["ESS"]
    with pytest.raises(glossator.GlossatorError, match=r"nope\.csv"):
        glossator.Annotator(str(tmp_path / "nope.csv"))


#: Arguments of the wrong types (typed Any: what mypy would refuse in a typed caller).
_WRONG: dict[str, Any] = {"int": 3, "str": "2", "bool": True, "bytes": b"L'ESS.",
                          "none": None, "items": ["droit", 3]}


@pytest.mark.parametrize(("call", "message"), [
    (lambda: glossator.Annotator(_WRONG["int"]), "glossary must be a Glossary, a glossary "
                                                 "file's path or None (the bundled one), not int"),
    (lambda: glossator.Annotator(max_per_entry=_WRONG["str"]), "max_per_entry must be an int "
                                                               "or None, not str"),
    (lambda: glossator.Annotator(max_per_entry=_WRONG["bool"]), "max_per_entry must be an int"),
    (lambda: glossator.Annotator(domain=_WRONG["int"]), "domain must be a str or a sequence of "
                                                        "str, not int"),
    (lambda: glossator.Annotator(domain=_WRONG["items"]), "domain must be a str or a sequence"),
    (lambda: annotate(_WRONG["bytes"]), "the text must be a str, not bytes: decode it first "
                                        "(data.decode('utf-8'))"),
    (lambda: annotate(_WRONG["none"]), "the text must be a str, not NoneType"),
    (lambda: render(_WRONG["str"], "html"), "render() takes an annotated text"),
    (lambda: glossator.Annotator().annotate_many(_WRONG["str"]),
     "annotate_many takes an iterable of texts, not one str"),
    (lambda: render(annotate("L'ESS."), "terminal", color="never"),
     "color must be True, False or None, not 'never'"),
    (lambda: render(annotate("L'ESS."), "terminal", width=_WRONG["str"]),
     "width must be an int or None, not str"),
    (lambda: glossator.Annotator(inflect=_WRONG["str"]), "inflect must be True or False, "
                                                         "not '2'"),
    (lambda: glossator.Annotator().find(_WRONG["none"]), "the text must be a str, not "
                                                         "NoneType"),
    (lambda: glossator.load_glossary().merge(_WRONG["str"]), "merge takes glossaries, not str"),
], ids=["glossary", "max-str", "max-bool", "domain", "domain-item", "bytes", "none",
        "render-str", "many-str", "color-word", "width-str", "inflect-word", "find-none",
        "merge-path"])
def test_wrong_arguments_are_type_errors_that_say_what_is_wanted(
        call: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        call()


def test_a_terminal_width_below_one_is_refused_and_colour_words_are_not_colours() -> None:
    doc = annotate("L'ESS.")
    for width in (0, -5):  # 0 wrapped at 80, -5 one character a line
        with pytest.raises(glossator.UsageError, match="width must be at least 1"):
            render(doc, "terminal", width=width)
    assert "\x1b[" not in render(doc, "terminal", color=False)
    assert "\x1b[" in render(doc, "terminal", color=True)
