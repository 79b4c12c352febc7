"""Hostile typography and hostile text: terms are found whatever surrounds them, and no
character of the input is lost or turned into active markup on the way out.

Matching cases run through both scanners (C and pure Python); output cases through the
command line, checked with :mod:`support.hostile`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from glossator.glossary import Glossary
from glossator.loaders import parse_glossary
from glossator.matching import scan
from support.cli import RunCli
from support.hostile import (
    fails_cleanly,
    inert_html,
    nothing_lost,
    page_kept,
    run_bounded,
    succeeds_cleanly,
)

GLOSSARY = ("term,definition\nESS,Économie sociale et solidaire.\nPTCE,Pôle territorial.\n"
            "économie sociale,Le secteur historique.\n")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return parse_glossary(GLOSSARY.encode(), "g.csv", "csv")


def _both(glossary: Glossary, text: str, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The spans found in ``text`` by the C scanner, checked equal to the Python one's."""
    with monkeypatch.context() as patch:
        patch.setattr(scan, "ACCELERATOR", None)
        pure = scan.Matcher(glossary, None)
    assert pure._trie is None
    fast = scan.Matcher(glossary, None)
    found = fast.spans(text)
    assert pure.spans(text) == found, text
    return found


# --- terms next to emoji, flags and bidirectional controls -----------------------------

#: text, then the terms that must be found in it, in order
FOUND: dict[str, tuple[str, tuple[str, ...]]] = {
    "flag-fr-glued": ("🇫🇷ESS", ("ESS",)),
    "flag-de-glued": ("🇩🇪ESS", ("ESS",)),
    "flag-es-glued": ("🇪🇸PTCE", ("PTCE",)),
    "flag-ua-glued": ("🇺🇦ESS", ("ESS",)),
    "flag-then-space": ("🇩🇪 ESS", ("ESS",)),
    "two-flags-two-terms": ("🇫🇷ESS, 🇩🇪PTCE", ("ESS", "PTCE")),
    "flag-after-term": ("ESS🇩🇪", ("ESS",)),
    "flag-in-parentheses": ("(🇩🇪)ESS", ("ESS",)),
    "tag-flag-scotland": ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007fESS",
                          ("ESS",)),
    "zwj-rainbow-flag": ("🏳️\u200d🌈ESS", ("ESS",)),
    "thumbs-up": ("👍ESS", ("ESS",)),
    "skin-tone-modifier": ("👍🏽ESS", ("ESS",)),
    "heart-with-vs16": ("❤️ESS", ("ESS",)),
    "playing-card": ("🃏ESS", ("ESS",)),
    "mahjong-tile": ("🀄ESS", ("ESS",)),
    "emoticon-between-terms": ("ESS😀PTCE", ("ESS", "PTCE")),
    "rli-pdi-around": ("\u2067PTCE\u2069", ("PTCE",)),
    "lri-pdi-around": ("\u2066ESS\u2069", ("ESS",)),
    "fsi-pdi-around": ("\u2068ESS\u2069", ("ESS",)),
    "rlo-pdf-around": ("\u202ePTCE\u202c", ("PTCE",)),
    "lro-pdf-around": ("\u202dESS\u202c", ("ESS",)),
    "rle-pdf-around": ("\u202bESS\u202c", ("ESS",)),
    "lre-pdf-around": ("\u202aESS\u202c", ("ESS",)),
    "lrm-before": ("\u200eESS", ("ESS",)),
    "rlm-before": ("\u200fESS", ("ESS",)),
    "alm-before": ("\u061cESS", ("ESS",)),
    "lrm-after-before-dot": ("ESS\u200e.", ("ESS",)),
    "elided-then-isolate": ("l’\u2068ESS\u2069", ("ESS",)),
    "elided-then-lri": ("l'\u2066ESS", ("ESS",)),
    "isolates-around-multiword": ("\u2067économie sociale\u2069", ("économie sociale",)),
    "emoji-before-multiword": ("🇩🇪économie sociale", ("économie sociale",)),
}


@pytest.mark.parametrize("case", list(FOUND), ids=list(FOUND))
def test_a_term_is_found_after_emoji_flags_and_bidi_controls(
    glossary: Glossary, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    text, wanted = FOUND[case]
    spans = _both(glossary, text, monkeypatch)
    assert [text[s:e] for s, e, _ in spans] == list(wanted)


@pytest.mark.parametrize("text", ["E\u2066SS", "XESS", "ESS\u0301"],
                         ids=["isolate-inside-word", "inside-a-word", "combining-accent"])
def test_a_control_inside_a_word_does_not_join_a_term_to_it(
    glossary: Glossary, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    assert _both(glossary, text, monkeypatch) == []


def test_the_cli_finds_terms_after_flags_and_isolates(
    write: Any, cli: RunCli
) -> None:
    write("g.csv", GLOSSARY)
    text = "🇩🇪ESS et \u2067PTCE\u2069.\n"
    write("t.txt", text)
    result = cli("annotate", "t.txt", "-g", "g.csv", "-f", "json", "--occurrences", "all")
    succeeds_cleanly(result.code, result.err)
    nothing_lost(text, result.out, "json")
    import json

    assert [a["surface"] for a in json.loads(result.out)["annotations"]] == ["ESS", "PTCE"]


# --- page mode: what is never annotated -------------------------------------------------

@pytest.mark.parametrize("tag", ["var", "code", "kbd", "samp"])
def test_var_code_kbd_and_samp_are_skipped_in_page_mode(
    write: Any, cli: RunCli, tag: str
) -> None:
    write("g.csv", GLOSSARY)
    page = f"<p><{tag}>ESS</{tag}> et PTCE.</p>\n".encode()
    write("p.html", page)
    result = cli("annotate", "p.html", "-g", "g.csv", "--markup", "abbr")
    succeeds_cleanly(result.code, result.err)
    assert f"<{tag}>ESS</{tag}>" in result.out and 'title="PTCE' in result.out
    page_kept(page, result.out.encode())


# --- lines of spaces that are characters ------------------------------------------------

SPACE_LINES = {
    "nbsp": "\u00a0", "nnbsp": "\u202f", "figure-space": "\u2007", "em-space": "\u2003",
    "ideographic-space": "\u3000", "thin-space": "\u2009", "nbsp-nnbsp": "\u00a0\u202f",
    "nbsp-and-tab": "\t\u00a0",
}


@pytest.mark.parametrize("fmt", ["html", "markdown"])
@pytest.mark.parametrize("space", list(SPACE_LINES))
def test_a_line_of_only_unicode_spaces_survives_html_and_markdown_output(
    write: Any, cli: RunCli, space: str, fmt: str
) -> None:
    write("g.csv", GLOSSARY)
    text = f"L'ESS\n{SPACE_LINES[space]}\nPTCE\n"
    write("t.txt", text)
    markup = ("--markup", "abbr") if fmt == "html" else ()
    result = cli("annotate", "t.txt", "-g", "g.csv", "-f", fmt, *markup)
    succeeds_cleanly(result.code, result.err)
    nothing_lost(text, result.out, fmt)


@pytest.mark.parametrize("space", ["nbsp", "nnbsp", "em-space"])
def test_a_block_of_only_unicode_spaces_survives_markdown_input(
    write: Any, cli: RunCli, space: str
) -> None:
    write("g.csv", GLOSSARY)
    source = f"L'ESS\n\n{SPACE_LINES[space]}\n\nPTCE\n"
    write("t.md", source)
    result = cli("annotate", "t.md", "-g", "g.csv")
    succeeds_cleanly(result.code, result.err)
    assert result.out.count("<p>") == 3
    ref = f"&#x{ord(SPACE_LINES[space]):X};"
    assert f"<p>{ref}</p>" in result.out


# --- hostile text through every output format ------------------------------------------

HOSTILE_TEXTS: dict[str, str] = {
    "script-tag": "<script>alert(1)</script> L'ESS.\n",
    "img-onerror": "ESS <img src=x onerror=alert(1)> PTCE\n",
    "javascript-url": "javascript:alert(1) ESS\n",
    "markdown-link-js": "[ESS](javascript:alert(1)) et [x]: javascript:alert(2)\n",
    "markdown-footnote-forgery": "ESS[^ess] et [^ess]: <img src=x onerror=alert(3)>\n",
    "html-comment-open": "<!-- ESS\nPTCE -->\n",
    "entities": "&lt;ESS&gt; &amp; &#x3C;script&#x3E; PTCE\n",
    "crlf-lines": "L'ESS\r\net PTCE\r\n",
    "cr-only-lines": "L'ESS\ret PTCE\r",
    "bom-first": "\ufeffESS et PTCE\n",
    "zero-width-inside": "E\u200bSS et P\u00adTCE\n",
    "escape-and-del": "ESS \x1b[2J\x7f PTCE\n",
    "c1-controls": "ESS \x9b31m PTCE\n",
    "bidi-override-around-all": "\u202eESS et PTCE\u202c\n",
    "only-spaces": "   \n\t\n",
    "empty": "",
    "no-final-newline": "ESS",
    "markdown-specials": "*ESS* _PTCE_ `ESS` # ESS | PTCE ~ESS~ \\ESS\n",
    "numbered-list-start": "1. ESS\n- PTCE\n+ ESS\n",
    "angle-brackets": "<ESS> </PTCE> <<ESS>>\n",
    "quotes-in-text": "\"ESS\" 'PTCE' « ESS » “PTCE”\n",
    "long-line-many-terms": "ESS PTCE " * 5000 + "\n",
}


@pytest.mark.parametrize("fmt", ["json", "html", "markdown"])
@pytest.mark.parametrize("case", list(HOSTILE_TEXTS))
def test_hostile_text_keeps_every_character_and_stays_inert(
    write: Any, cli: RunCli, case: str, fmt: str
) -> None:
    write("g.csv", GLOSSARY)
    text = HOSTILE_TEXTS[case]
    write("t.txt", text)
    markup = ("--markup", "abbr") if fmt == "html" else ()
    result = cli("annotate", "t.txt", "-g", "g.csv", "-f", fmt, *markup,
                 "--occurrences", "all")
    succeeds_cleanly(result.code, result.err)
    source = text.removeprefix("\ufeff")
    if fmt == "html":
        inert_html(result.out)
        assert "<script" not in result.out.lower() and "<img" not in result.out.lower()
    if fmt == "json" or "\r" not in text:  # CR: the HTML and Markdown lines are CR-free
        nothing_lost(source, result.out, fmt)


# --- bytes that are no text: refused with the line -----------------------------------

BAD_BYTES: dict[str, tuple[bytes, str]] = {
    "invalid-byte": (b"ESS\n\xff PTCE\n", "t.txt:2:"),
    "overlong-slash": (b"ESS \xc0\xaf\n", "t.txt:1:"),
    "encoded-surrogate": (b"ok\nok\nESS \xed\xa0\x80\n", "t.txt:3:"),
    "truncated-sequence": (b"ESS \xe2\x80", "t.txt:1:"),
    "nul-byte": (b"ESS\x00PTCE\n", "binary"),
    "utf16-le": ("ESS et PTCE\n".encode("utf-16"), ""),
    "lone-continuation": (b"\x80ESS\n", "t.txt:1:"),
    "beyond-unicode": (b"ESS \xf4\x90\x80\x80\n", "t.txt:1:"),
}


@pytest.mark.parametrize("case", list(BAD_BYTES))
def test_bytes_that_are_not_utf8_are_refused_in_one_line(
    write: Any, cli: RunCli, case: str
) -> None:
    write("g.csv", GLOSSARY)
    data, where = BAD_BYTES[case]
    write("t.txt", data)
    result = cli("annotate", "t.txt", "-g", "g.csv")
    line = fails_cleanly(result.code, result.err, expected=1)
    assert "t.txt" in line and where in line


# --- hostile pages in page mode: byte-exact and idempotent -----------------------------

PAGES: dict[str, bytes] = {
    "deep-nesting": b"<div>" * 3000 + b"L'ESS" + b"</div>" * 3000,
    "unclosed-tags": b"<p>ESS<p><b>PTCE<i>ESS",
    "broken-tag": b"<p <p ESS > PTCE\n",
    "unclosed-comment": b"<p>ESS</p><!-- PTCE",
    "unclosed-script": b"<p>ESS</p><script>PTCE ESS",
    "cdata": b"<p>ESS</p><![CDATA[PTCE ESS]]><p>PTCE</p>",
    "term-in-attribute": b'<p title="ESS">PTCE</p><img alt="ESS">',
    "term-in-title-and-textarea": b"<title>ESS</title><textarea>ESS</textarea><p>PTCE</p>",
    "bad-entities": b"<p>&#xZZ;ESS &ESS; &#99999999; PTCE&</p>",
    "windows-1252": '<meta charset="windows-1252"><p>L’ESS coûte €</p>'.encode("cp1252"),
    "latin1-bom-less-utf16-declared": b'<meta charset="utf-16"><p>ESS</p>',
    "mixed-case-tags": b"<P>ESS</p><CODE>PTCE</CODE><Var>ESS</VAR>",
    "nul-free-control-chars": b"<p>ESS \x1b[31m PTCE\x7f</p>",
    "stray-end-tags": b"</p></div>ESS</span></a>PTCE",
    "svg-and-math": b"<svg><text>ESS</text></svg><math><mi>PTCE</mi></math><p>ESS</p>",
    "template-noscript": b"<template>ESS</template><noscript>PTCE</noscript><p>ESS</p>",
    "processing-instruction": b"<?xml version='1.0'?><p>ESS</p><?php echo 'PTCE'; ?>",
    "doctype-junk": b"<!DOCTYPE html PUBLIC \"ESS\"><p>PTCE</p>",
    "bidi-in-page": "<p>\u2067PTCE\u2069 et 🇩🇪ESS</p>".encode(),
}


@pytest.mark.parametrize("case", list(PAGES))
def test_a_hostile_page_is_kept_byte_for_byte_and_annotating_twice_changes_nothing(
    write: Any, cli: RunCli, tmp_path: Path, case: str
) -> None:
    write("g.csv", GLOSSARY)
    page = PAGES[case]
    write("p.html", page)
    first = cli("annotate", "p.html", "-g", "g.csv", "--markup", "abbr", "-o", "once.html")
    succeeds_cleanly(first.code, first.err)
    once = (tmp_path / "once.html").read_bytes()
    page_kept(page, once, encoding="cp1252" if case == "windows-1252" else "utf-8")
    inert_html(once.decode("utf-8", "replace"), page.decode("utf-8", "replace"))
    second = cli("annotate", "once.html", "-g", "g.csv", "--markup", "abbr", "-o",
                 "twice.html")
    succeeds_cleanly(second.code, second.err)
    assert (tmp_path / "twice.html").read_bytes() == once


def test_a_long_line_of_terms_stays_within_the_bounds(tmp_path: Path) -> None:
    (tmp_path / "g.csv").write_text(GLOSSARY, "utf-8")
    (tmp_path / "t.txt").write_text("L'ESS et les PTCE, " * 100_000 + "\n", "utf-8")
    out = run_bounded("annotate", "t.txt", "-g", "g.csv", "-f", "json", "--occurrences",
                      "all", cwd=tmp_path)
    succeeds_cleanly(out.code, out.err)
    assert out.out.count(b'"surface"') == 200_000
