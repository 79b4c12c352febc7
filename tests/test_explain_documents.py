"""``glossator explain`` gives, for text, HTML and Markdown alike, exactly the matches and
fates that ``glossator annotate`` acts on: the same reader, the same path, the reasons
recorded where the decisions are made."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from glossator.cli import main

GLOSSARY = textwrap.dedent("""\
    - term: ESS
      definition: Économie sociale et solidaire.
    - term: PTCE
      definition: Pôles territoriaux de coopération économique.
    - term: économie sociale
      definition: Les coopératives, mutuelles, associations et fondations.
      not_in: ["Labo de l'économie sociale"]
    - term: coopérative
      definition: Une entreprise dont les associés sont les membres.
    """)

PAGE = textwrap.dedent("""\
    <!DOCTYPE html>
    <html lang="fr"><head><title>L’ESS et les PTCE</title>
    <script>var ESS = "PTCE";</script></head>
    <body>
    <h1>Les PTCE</h1>
    <p>Le Labo de l’ESS publie un rapport sur les <a href="/ptce">PTCE</a>.</p>
    <p>Une <em>coopérative</em> relève de l’<b>économie</b> sociale, comme les PTCE.</p>
    <p class="noglossary">ESS et coopératives ici ne comptent pas.</p>
    <p>Le Labo de l’économie sociale parle encore de l’ESS et des coopératives.</p>
    <p>Déjà : <span class="glossator" data-glossator-entry="ptce"><span class="glossator-term"
    tabindex="0" aria-describedby="glossator-1">PTCE</span><span class="glossator-tip"
    role="tooltip" id="glossator-1"> PTCE défini </span></span>.</p>
    <pre><code>ESS = PTCE</code></pre>
    </body></html>
    """)

MARKDOWN = textwrap.dedent("""\
    # L’ESS et les PTCE

    Le Labo de l’ESS publie un rapport sur les PTCE et les `ESS` du code.

    Une coopérative relève de l’économie sociale ; l’ESS aussi.

        ESS dans un bloc de code

    Les [PTCE](https://example.org) et les coopératives.
    """)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _explain(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    assert main(["explain", *argv, "-f", "json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _annotated_in_html(html: str, existing: str | None) -> list[tuple[str, str]]:
    """(entry, visible text of the term) of each tooltip glossator wrote in ``html``, but
    the one the page had already (id ``existing``)."""
    found = []
    for m in re.finditer(r'<span class="glossator" data-glossator-entry="([^"]+)">'
                         r'<span class="glossator-term"[^>]*aria-describedby="([^"]+)"[^>]*>'
                         r'(.*?)</span><span\s+class="glossator-tip"', html, re.S):
        if m.group(2) != existing:
            found.append((m.group(1), re.sub(r"<[^>]+>", "", m.group(3))))
    return found


@pytest.mark.parametrize("suffix, text", [(".html", PAGE), (".md", MARKDOWN)])
def test_explain_reports_what_annotate_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, text: str
) -> None:
    glossary = str(_write(tmp_path, "g.yaml", GLOSSARY))
    doc = _write(tmp_path, f"doc{suffix}", text)
    out = tmp_path / "out.html"
    assert main(["annotate", str(doc), "-g", glossary, "-o", str(out)]) == 0
    capsys.readouterr()
    annotated = _annotated_in_html(out.read_text(encoding="utf-8"),
                                   "glossator-1" if suffix == ".html" else None)
    rows = _explain(capsys, str(doc), "-g", glossary)
    assert [(r["entry"], r["surface"]) for r in rows if r["annotated"]] == annotated
    assert len(annotated) >= 3, "the page has annotations to compare"
    for row in rows:
        assert not row["annotated"] or row["reason"] == ""
        assert row["annotated"] or row["reason"], row
        if row["entry"] != "economie-sociale":
            # offsets are in the document's source (a term across <b> spans the tag)
            assert text[int(row["start"]):int(row["end"])] == row["surface"]
    if suffix == ".md":  # placed in the prose, not in the heading that says the same
        assert [(r["line"], r["surface"]) for r in rows][:2] == [(3, "ESS"), (3, "PTCE")]


def test_explain_leaves_out_what_annotate_never_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary = str(_write(tmp_path, "g.yaml", GLOSSARY))
    page = _write(tmp_path, "page.html", PAGE)
    rows = _explain(capsys, str(page), "-g", glossary)
    lines = {int(r["line"]) for r in rows}
    # not the <title> (line 2), the script (3), the heading (5), the class noglossary
    # paragraph (8), the code (13)
    assert lines.isdisjoint({2, 3, 5, 8, 13}), rows
    reasons = {(r["surface"], r["reason"]) for r in rows if not r["annotated"]}
    assert ("économie sociale", "inside a phrase listed in not_in") in reasons
    # the tooltip the page had already counts as an occurrence, and is not wrapped again
    assert [(r["surface"], r["annotated"]) for r in rows if r["line"] == 11] == [
        ("PTCE", False)]
    assert ("ESS", "not the first occurrence (first)") in reasons


def test_explain_reads_a_page_in_its_own_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary = str(_write(tmp_path, "g.yaml", GLOSSARY))
    page = tmp_path / "latin1.html"
    page.write_bytes('<meta charset="iso-8859-1"><p>Une coopérative de l’ESS.</p>'
                     .replace("’", "'").encode("iso-8859-1"))
    rows = _explain(capsys, str(page), "-g", glossary)
    assert [(r["surface"], r["annotated"]) for r in rows] == [
        ("coopérative", True), ("ESS", True)]


def test_annotate_explain_takes_every_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary = str(_write(tmp_path, "g.yaml", GLOSSARY))
    page = _write(tmp_path, "page.html", PAGE)
    assert main(["annotate", "--explain", str(page), "-g", glossary, "-f", "json"]) == 0
    via_annotate = capsys.readouterr().out
    assert via_annotate == "".join(
        json.dumps(r, ensure_ascii=False) + "\n"
        for r in _explain(capsys, str(page), "-g", glossary))
