"""Nothing active in any output: hostile glossary data and text against every place
glossator shows them (docs/output-formats.md, "Data is shown inert").

Invariants, each checked by a helper below:

* **terminal** (``-f terminal``, both styles, with and without colour; ``explain``'s
  table; every message on standard error): apart from glossator's own colour codes
  (``ESC [ n;… m``), no C0 control but line feed, no DEL, no C1 control, no BiDi
  embedding, override or isolate; every hostile character is there as its visible escape
  (``\\x1b``, ``\\u202e``), so nothing is lost;
* **HTML**: no character HTML forbids; the output reads back as a document; a page's own
  bytes are kept as they were (only what glossator inserts is cleaned);
* **Markdown**: footnote labels built from entry ids write no markup and keep the
  footnote structure, as two real renderers read them (markdown-it-py with its footnote
  plug-in, CommonMark; Python-Markdown with ``footnotes``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

import glossator
from glossator.text.inert import terminal_safe
from support.cli import RunCli

#: What a terminal acts on (tab and line feed aside): C0, DEL, C1, BiDi controls.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: glossator's own colour codes, the only escape sequences it writes.
OWN_SGR = re.compile(r"\x1b\[[0-9;]*m")
#: What HTML forbids in a document's text.
HTML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")

#: Hostile strings: what each would do on a terminal if it reached it raw.
PAYLOADS = {
    "csi-clear": "\x1b[2J\x1b[H",
    "csi-colour": "\x1b[31;1mrouge",
    "csi-device-status": "\x1b[6n",  # the terminal types an answer into the shell
    "csi-alt-screen": "\x1b[?1049h",
    "osc-title-bel": "\x1b]0;pwned\x07",
    "osc-title-st": "\x1b]2;pwned\x1b\\",
    "osc-unterminated": "\x1b]0;avale la suite",
    "osc8-hyperlink": "\x1b]8;;https://evil.example/\x1b\\clic\x1b]8;;\x1b\\",
    "osc52-clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "dcs": "\x1bPq#0;2;0;0;0\x1b\\",
    "reset": "\x1bc",
    "nul": "a\x00b",
    "bel": "ding\x07",
    "backspace": "abc\x08\x08\x08xyz",
    "carriage-return": "visible\rcache",
    "del": "a\x7fb",
    "c1-csi": "\x9b2J",
    "c1-osc": "\x9d0;titre\x9c",
    "c1-other": "\x80\x8d\x90\x9f",
    "bidi-rlo": "\u202eevil\u202c",
    "bidi-lro": "\u202dabc\u202c",
    "bidi-embeddings": "\u202a\u202bx\u202c",
    "bidi-isolates": "\u2066a\u2067b\u2068c\u2069",
    "vertical-tab": "a\x0bb",
    "shift-out": "\x0e\x0f",
}
IDS = list(PAYLOADS)


def terminal_inert(out: str) -> None:
    """``out`` holds no character a terminal acts on, but glossator's colour codes."""
    bare = OWN_SGR.sub("", out)
    found = ACTIVE.search(bare)
    assert found is None, f"active character {found.group()!r} in {bare!r}"


def visible_chars(out: str) -> str:
    """What a reader sees, spaces and line breaks aside (wrapping moves them)."""
    return "".join(OWN_SGR.sub("", out).split())


def shows(out: str, data: str) -> bool:
    """``data``, every active character as its visible escape, is all in ``out``. White
    space is layout: a carriage return, vertical tab, form feed or ``\x1c``–``\x1f``
    breaks a line of text, and a title or definition is shown on one line."""
    return "".join(terminal_safe(word) for word in data.split()) in visible_chars(out)


def _glossary(tmp_path: Path, **fields: str) -> Path:
    entry = {"term": "ESS", "definition": "Économie sociale.", **fields}
    path = tmp_path / "g.json"
    path.write_text(json.dumps([entry], ensure_ascii=False), "utf-8")
    return path


def _doc(payload: str, where: str) -> glossator.AnnotatedText:
    entry = {"term": "ESS", "title": "Économie sociale et solidaire",
             "definition": "Ensemble des associations."}
    entry[where] = f"avant {payload} après"
    glossary = glossator.Glossary.from_dicts([entry])
    return glossator.Annotator(glossary).annotate(f"Texte {payload} et l'ESS.\n")


# --- the terminal format --------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=IDS)
@pytest.mark.parametrize("where", ["definition", "title"])
def test_terminal_shows_hostile_glossary_and_text_inert(payload: str, where: str) -> None:
    doc = _doc(payload, where)
    for style in ("notes", "inline"):
        for color in (False, True):
            out = glossator.render(doc, "terminal", width=40, color=color, style=style)
            terminal_inert(out)
            assert shows(out, payload), (style, color, out)


@pytest.mark.parametrize("style", ["notes", "inline"])
@pytest.mark.parametrize("color", ["always", "never"])
def test_annotate_to_a_terminal_is_inert(cli: RunCli, tmp_path: Path, style: str,
                                         color: str) -> None:
    hostile = "".join(v for k, v in PAYLOADS.items() if k != "nul")
    _glossary(tmp_path, title=f"T{hostile}", definition=f"D{hostile}")
    (tmp_path / "t.txt").write_text(f"{hostile} l'ESS {hostile}\n", "utf-8")
    result = cli("annotate", "t.txt", "-g", "g.json", "-f", "terminal", "--color", color,
                 "--terminal-style", style, "--width", "60")
    assert result.code == 0, result.err
    terminal_inert(result.out)
    assert shows(result.out, f"D{hostile}") and shows(result.out, f"T{hostile}")


def test_an_unterminated_osc_swallows_nothing() -> None:
    doc = _doc("\x1b]0;titre\x07", "definition")
    out = glossator.render(doc, "terminal", width=80, color=False)
    assert "\\x1b]0;titre\\x07 après" in out  # the text after it is there, visible


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_bidi_marks_are_kept_as_they_are(mark: str) -> None:
    out = glossator.render(_doc(f"x{mark}y", "definition"), "terminal", color=False)
    assert f"x{mark}y" in out  # documented: marks reorder no run of letters


def test_lone_surrogates_in_glossary_data_are_shown_as_escapes() -> None:
    from dataclasses import replace

    entries = [{"term": "ESS", "title": "T\ud800", "definition": "a\udfffb \ud83d fin"}]
    # a glossary read or built from data refuses them (no UTF-8 output could hold them)
    with pytest.raises(glossator.GlossaryError, match="lone surrogate"):
        glossator.Glossary.from_dicts(entries)
    # an Entry made by hand still renders inert
    clean = glossator.Annotator(glossator.Glossary.from_dicts(
        [{"term": "ESS", "definition": "d"}])).annotate("L'ESS.")
    ann = clean.annotations[0]
    doc = glossator.AnnotatedText(clean.text, (replace(ann, entry=replace(
        ann.entry, title="T\ud800", definition="a\udfffb \ud83d fin")),))
    for fmt, options in (("terminal", {"color": False}), ("html", {})):
        out = glossator.render(doc, fmt, **options)
        out.encode("utf-8")  # writable: no lone surrogate left
        assert "a\\udfffb \\ud83d fin" in out and "T\\ud800" in out


def test_tab_is_layout_in_the_terminal() -> None:
    doc = glossator.Annotator(glossator.Glossary.from_dicts(
        [{"term": "ESS", "definition": "d"}])).annotate("\tl'ESS\tici")
    out = glossator.render(doc, "terminal", color=False, style="inline")
    assert out.startswith(" " * 8 + "l'ESS (ESS : d)")
    assert "\t" not in out


# --- explain's table and the messages on standard error --------------------------------

@pytest.mark.parametrize("payload", [PAYLOADS[k] for k in (
    "csi-clear", "osc-title-bel", "osc8-hyperlink", "c1-csi", "bidi-rlo", "c1-osc")],
    ids=["csi-clear", "osc-title-bel", "osc8-hyperlink", "c1-csi", "bidi-rlo", "c1-osc"])
def test_explain_table_is_inert(cli: RunCli, tmp_path: Path, payload: str) -> None:
    (tmp_path / "g.json").write_text(json.dumps(
        [{"term": "ESS", "definition": "d", "id": f"id{payload}"}]), "utf-8")
    (tmp_path / "t.txt").write_text(f"{payload} l'ESS {payload}\n", "utf-8")
    for color in ("never", "always"):
        result = cli("explain", "t.txt", "-g", "g.json", "--color", color)
        assert result.code == 0, result.err
        terminal_inert(result.out)
        terminal_inert(result.err)
        assert "\\x" in result.out or "\\u" in result.out


@pytest.mark.parametrize("payload", [PAYLOADS[k] for k in (
    "csi-clear", "osc-title-bel", "c1-csi", "bidi-rlo", "backspace")],
    ids=["csi-clear", "osc-title-bel", "c1-csi", "bidi-rlo", "backspace"])
def test_error_quoting_a_file_name_is_inert(cli: RunCli, payload: str) -> None:
    result = cli("annotate", "t.txt", "-g", f"glossaire{payload}.yaml")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    terminal_inert(result.err)
    assert shows(result.err, f"glossaire{payload}.yaml")


@pytest.mark.parametrize("payload", [PAYLOADS[k] for k in (
    "csi-clear", "osc8-hyperlink", "c1-osc", "bidi-isolates")],
    ids=["csi-clear", "osc8-hyperlink", "c1-osc", "bidi-isolates"])
def test_warning_quoting_glossary_data_is_inert(cli: RunCli, tmp_path: Path,
                                                payload: str) -> None:
    _glossary(tmp_path, url=f"ftp:{payload}")  # a url that is not http(s): a warning
    (tmp_path / "t.txt").write_text("L'ESS.\n", "utf-8")
    result = cli("annotate", "t.txt", "-g", "g.json", "-f", "text")
    assert result.code == 0
    assert "warning" in result.err
    terminal_inert(result.err)
    assert shows(result.err, payload)


def test_usage_error_quoting_an_argument_is_inert(cli: RunCli) -> None:
    result = cli("annotate", "--color", "\x1b]0;x\x07")
    assert result.code == 2
    terminal_inert(result.err)


def test_service_text_log_is_inert() -> None:
    import logging

    from glossator.serve.logs import setup_logging

    loggers = [logging.getLogger(name) for name in ("glossator.serve", "uvicorn")]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    try:
        setup_logging("text")
        handler = loggers[0].handlers[0]
    finally:
        for lg, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            lg.handlers[:], lg.level, lg.propagate = handlers, level, propagate
    record = logging.LogRecord("glossator.serve", logging.INFO, __file__, 1,
                               "%s %s %d", ("GET", "/\x1b]0;pwn\x07\u202e", 404), None)
    line = handler.format(record)
    terminal_inert(line)
    assert line == "glossator: GET /\\x1b]0;pwn\\x07\\u202e 404"


def test_check_report_is_inert(cli: RunCli, tmp_path: Path) -> None:
    _glossary(tmp_path, url="ftp:\x1b[2J", definition="déf \x1b]0;x\x07 <b>gras</b>")
    for fmt in ("text", "table"):
        result = cli("check", "g.json", "--format", fmt)
        terminal_inert(result.out)
        terminal_inert(result.err)


# --- HTML -------------------------------------------------------------------------------

HTML_PAYLOADS = {**PAYLOADS, "noncharacters": "\ufdd0\ufffe\uffff\U0001fffe",
                 "form-feed-kept": "a\x0cb"}


@pytest.mark.parametrize("payload", HTML_PAYLOADS.values(), ids=list(HTML_PAYLOADS))
@pytest.mark.parametrize("markup", ["glossator", "spip", "abbr"])
def test_html_holds_no_forbidden_character(payload: str, markup: str) -> None:
    entry = {"term": "ESS", "id": f"ess{payload}", "title": f"T{payload}",
             "definition": f"D {payload} fin", "source": f"S{payload}"}
    doc = glossator.Annotator(glossator.Glossary.from_dicts([entry])).annotate(
        f"Texte {payload} l'ESS.")
    for rich in (False, True):
        out = glossator.render(doc, "html", markup=markup, rich_definitions=rich)
        found = HTML_FORBIDDEN.search(out)
        assert found is None, f"{found.group()!r} in {out!r}"


def test_html_output_reads_back(cli: RunCli, tmp_path: Path) -> None:
    _glossary(tmp_path, title="T\x00\x1b", definition="déf\x00 \x1b[2J \x07 \x9b fin")
    (tmp_path / "t.txt").write_text("L'ESS \x1b[31m.\n", "utf-8")
    first = cli("annotate", "t.txt", "-g", "g.json", "-f", "html", "--standalone",
                "-o", "out.html")
    assert first.code == 0, first.err
    again = cli("annotate", "out.html", "-g", "g.json", "-o", "again.html")
    assert again.code == 0, again.err  # not refused as "binary"
    assert (tmp_path / "again.html").read_bytes() == (tmp_path / "out.html").read_bytes()
    assert "déf\\x00 \\x1b[2J \\x07 \\x9b fin" in (tmp_path / "out.html").read_text("utf-8")


def test_page_mode_keeps_the_page_own_bytes(cli: RunCli, tmp_path: Path) -> None:
    _glossary(tmp_path, definition="déf \x1b[2J fin")
    page = "<!DOCTYPE html><p>\x1b[31m avant l'ESS \x07 après\x0b</p>\n"
    (tmp_path / "p.html").write_text(page, "utf-8")
    result = cli("annotate", "p.html", "-g", "g.json", "-o", "out.html")
    assert result.code == 0, result.err
    out = (tmp_path / "out.html").read_text("utf-8")
    assert out.startswith("<!DOCTYPE html><p>\x1b[31m avant l'")
    assert out.endswith(" \x07 après\x0b</p>\n")
    inserted = out[len("<!DOCTYPE html><p>\x1b[31m avant l'"):-len(" \x07 après\x0b</p>\n")]
    assert HTML_FORBIDDEN.search(inserted) is None
    assert "déf \\x1b[2J fin" in inserted


# --- Markdown footnote labels -----------------------------------------------------------

HOSTILE_IDS = [
    'a"><img src=x onerror=alert(2)>',
    "x]: y",
    "a]",
    "[^b]",
    "^",
    "ligne\nsuivante",
    "<script>alert(1)</script>",
    "avec des espaces",
    "économie",
    "!!!",
    "ESS",  # the same label as "ess" for a footnote syntax (case is ignored)
    "ess",
    "ess-2",
    "a\\",
    "`code`",
    "*gras*",
]


def _markdown(ids: list[str]) -> tuple[str, int]:
    entries = [{"term": f"terme{k}", "id": entry_id, "definition": f"déf {k}"}
               for k, entry_id in enumerate(ids)]
    text = " ".join(f"terme{k}" for k in range(len(ids)))
    doc = glossator.Annotator(glossator.Glossary.from_dicts(entries)).annotate(text)
    return glossator.render(doc, "markdown"), len(doc.annotations)


def test_footnote_labels_are_in_a_safe_alphabet_and_unique() -> None:
    out, count = _markdown(HOSTILE_IDS)
    labels = re.findall(r"^\[\^([^\]]*)\]: ", out, re.M)
    assert len(labels) == count == len(HOSTILE_IDS)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", label) for label in labels), labels
    assert len({label.casefold() for label in labels}) == len(labels)
    again, _ = _markdown(HOSTILE_IDS)
    assert again == out  # deterministic


def test_footnote_labels_through_markdown_it_commonmark() -> None:
    markdown_it = pytest.importorskip("markdown_it", reason="pip install -e '.[test]'")
    footnote = pytest.importorskip("mdit_py_plugins.footnote",
                                   reason="pip install -e '.[test]'")
    out, count = _markdown(HOSTILE_IDS)
    md = markdown_it.MarkdownIt("commonmark").use(footnote.footnote_plugin)
    tokens = md.parse(out)
    inline = [t for tok in tokens for t in (tok.children or [])]
    assert sum(t.type == "footnote_ref" for t in inline) == count
    assert sum(t.type == "footnote_open" for t in tokens) == count
    assert not any(t.type.startswith("html") for t in [*tokens, *inline])
    html = md.render(out)
    assert "<img" not in html and "<script" not in html and "onerror=" not in html


def test_footnote_labels_through_python_markdown() -> None:
    markdown = pytest.importorskip("markdown", reason="pip install -e '.[test]'")
    out, count = _markdown(HOSTILE_IDS)
    html = markdown.markdown(out, extensions=["footnotes"])
    assert html.count('class="footnote-ref"') == count
    assert html.count('class="footnote-backref"') == count
    assert "<img" not in html and "<script" not in html and "onerror=" not in html


if sys.platform == "win32":  # pragma: no cover
    pytest.skip("POSIX terminals", allow_module_level=True)


# --- the glossary's own report -----------------------------------------------------------

def test_control_characters_in_a_glossary_are_reported_where_they_are(
        cli: RunCli, tmp_path: Path) -> None:
    """An escape sequence or a bell in a term, title or definition is one warning each,
    at its line, in ``check`` (failing under ``--strict``) and in ``annotate``, the same
    from the glossary cache; tab and line breaks are text, not reported."""
    (tmp_path / "g.yaml").write_text(
        "entries:\n"
        "  - term: ESS\n"
        "    title: \"Économie\\x07\"\n"
        "    definition: \"Économie \\e[31msociale\\e[0m.\"\n"
        "  - term: PTCE\n"
        "    definition: \"Pôle\\tterritorial\\nde coopération.\"\n", "utf-8")
    result = cli("check", "g.yaml", "--format", "text")
    assert result.code == 0
    lines = [line for line in result.out.splitlines() if "control-character" in line]
    assert lines == [
        "g.yaml:3: warning: entry 1: the title holds control characters (U+0007) (delete "
        "them: HTML and the terminal show them as escapes (\\x1b), text and JSON output "
        "carry them as they are) [control-character]",
        "g.yaml:4: warning: entry 1: the definition holds control characters (U+001B) "
        "(delete them: HTML and the terminal show them as escapes (\\x1b), text and JSON "
        "output carry them as they are) [control-character]"]
    assert cli("check", "g.yaml", "--strict").code == 1
    (tmp_path / "t.txt").write_text("L'ESS et les PTCE.\n", "utf-8")
    runs = [cli("annotate", "t.txt", "-g", "g.yaml", "-f", "json", "--cache-dir", "c")
            for _ in range(2)]
    for run in runs:
        assert run.code == 0
        assert run.err.count("control characters") == 2, run.err
    assert runs[0].err == runs[1].err
    assert "\x1b" not in runs[0].err  # (the warning itself is inert)


# --- the Python API's HTML options --------------------------------------------------------

@pytest.mark.parametrize("prefix", ['"><script>alert(1)</script>', "1gl-", "gl 1", "", "é-"])
def test_an_id_prefix_that_cannot_start_an_html_id_is_refused_everywhere(prefix: str) -> None:
    """``render(doc, "html", id_prefix=…)`` and ``render.write`` wrote the prefix into
    ``id`` and ``aria-describedby`` as it was (markup injection), where ``annotate_html``
    refused it."""
    from glossator.documents.html import annotate_html
    from glossator.render import write

    g = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    doc = glossator.annotate("L'ESS.", g)
    for call in (lambda: glossator.render(doc, "html", id_prefix=prefix),
                 lambda: write(doc, lambda _: None, "html", id_prefix=prefix),
                 lambda: annotate_html("<p>L'ESS.</p>", glossator.Annotator(g),
                                       id_prefix=prefix)):
        with pytest.raises(glossator.UsageError, match="cannot start an HTML id"):
            call()
    assert 'id="g_1.x-1"' in glossator.render(doc, "html", id_prefix="g_1.x-")


@pytest.mark.parametrize(("prefix", "ok"), [
    ("javascript:", False), ("data:text/javascript,", False), ('x"><script>', False),
    ("../", True), ("/static/", True), ("https://cdn.example.org/g/", True), ("", True)])
def test_the_assets_prefix_of_a_page_is_a_relative_or_web_url(prefix: str, ok: bool) -> None:
    g = glossator.Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    doc = glossator.annotate("L'ESS.", g)

    def page() -> str:
        return glossator.render(doc, "html", standalone=True, assets="link",
                                assets_prefix=prefix)

    if ok:
        assert f'<script defer src="{prefix}glossator.js"></script>' in page()
    else:
        with pytest.raises(glossator.UsageError, match="only http, https and relative"):
            page()
