"""Several inputs written to one output (standard output or one ``-o`` file).

Each document of one HTML output has tooltip ids of its own, each document of one
Markdown output footnote labels of its own, and the first document is written exactly as
when it is alone; ``--standalone`` with several inputs to one output is refused.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support.cli import RunCli, WriteFile

GLOSSARY = """\
- term: CAE
  definition: "Coopérative d’activité et d’emploi."
- term: SCOP
  definition: "Société coopérative et participative."
"""
TEXT_A = "La CAE et la SCOP.\nEncore une CAE.\n"
TEXT_B = "Une SCOP, puis une CAE.\n"


@pytest.fixture
def inputs(write: WriteFile) -> None:
    """``g.yaml``, ``a.txt`` and ``b.txt`` in the working directory."""
    write("g.yaml", GLOSSARY)
    write("a.txt", TEXT_A)
    write("b.txt", TEXT_B)


class _Ids(HTMLParser):
    """The ``id``, ``aria-describedby`` and ``href="#…"`` values of an HTML text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.described_by: list[str] = []
        self.fragments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.append(value)
            elif name == "aria-describedby":
                self.described_by.extend(value.split())
            elif name == "href" and value.startswith("#"):
                self.fragments.append(value[1:])


def _renumbered(html: str, number: int, prefix: str = "gl-") -> str:
    """``html`` (one document alone) with its tooltip ids as document ``number`` of a
    stream has them: ``gl-1`` becomes ``gl-2-1``."""
    return re.sub(re.escape(prefix) + r"(?=[0-9]+\")", f"{prefix}{number}-", html)


def _assert_documents_hold_their_own_ids(documents: list[str]) -> None:
    """No id twice in the whole stream; every ``aria-describedby`` and ``href="#…"`` of a
    document names an id of that same document."""
    parsed = [_Ids(doc) for doc in documents]
    every_id = [i for p in parsed for i in p.ids]
    assert len(every_id) == len(set(every_id)), every_id
    for doc, p in zip(documents, parsed, strict=True):
        assert p.described_by, doc  # something was annotated in each document
        for target in (*p.described_by, *p.fragments):
            assert target in p.ids, f"{target!r} is not an id of its own document"


@pytest.mark.parametrize("where", ["stdout", "-o", "--jobs 2"])
def test_html_tooltip_ids_differ_between_documents_of_one_output(
    cli: RunCli, inputs: None, tmp_path: Path, where: str
) -> None:
    alone_a = cli("annotate", "a.txt", "-g", "g.yaml", "-f", "html").out
    alone_b = cli("annotate", "b.txt", "-g", "g.yaml", "-f", "html").out
    argv = ["annotate", "a.txt", "b.txt", "a.txt", "-g", "g.yaml", "-f", "html"]
    if where == "-o":
        result = cli(*argv, "-o", "out.html")
        out = (tmp_path / "out.html").read_text(encoding="utf-8")
    else:
        result = cli(*argv, *(["-j", "2"] if where == "--jobs 2" else []))
        out = result.out
    assert result.code == 0, result.err
    documents = [alone_a, _renumbered(alone_b, 2), _renumbered(alone_a, 3)]
    assert out == "".join(documents)  # the first exactly as alone, the others renumbered
    assert 'id="gl-2-1"' in documents[1] and 'id="gl-3-2"' in documents[2]
    _assert_documents_hold_their_own_ids(documents)


PAGE_A = """<!DOCTYPE html>
<html lang="fr"><head><title>A</title></head>
<body><p id="glossator-7">La CAE et la SCOP.</p></body></html>
"""
PAGE_B = """<!DOCTYPE html>
<html lang="fr"><head><title>B</title></head>
<body><p id="glossator-2-1">Une SCOP, puis une CAE.</p></body></html>
"""


@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_html_pages_in_one_output_keep_their_ids_apart(
    cli: RunCli, write: WriteFile, suffix: str
) -> None:
    # .txt: the same pages read with --input-format html
    write("g.yaml", GLOSSARY)
    write(f"a{suffix}", PAGE_A)
    write(f"b{suffix}", PAGE_B)
    given = ["--input-format", "html"] if suffix == ".txt" else []
    alone = cli("annotate", f"a{suffix}", "-g", "g.yaml", *given)
    both = cli("annotate", f"a{suffix}", f"b{suffix}", "-g", "g.yaml", *given)
    assert both.code == 0, both.err
    assert both.out.startswith(alone.out)  # the first page exactly as alone
    first, second = alone.out, both.out[len(alone.out):]
    # ids already in a page are passed: the first page's after glossator-7, the
    # second's after glossator-2-1
    assert 'id="glossator-8"' in first
    assert 'id="glossator-2-2"' in second and 'id="glossator-1"' not in second
    _assert_documents_hold_their_own_ids([first, second])


MARKDOWN = "La CAE publie[^1].\n\n[^1]: Une note.\n"


def test_markdown_inputs_in_one_output_keep_tooltip_and_footnote_ids_apart(
    cli: RunCli, write: WriteFile
) -> None:
    pytest.importorskip("markdown", reason="pip install -e '.[test]'")
    write("g.yaml", GLOSSARY)
    write("a.md", MARKDOWN)
    write("b.md", MARKDOWN)
    alone = cli("annotate", "a.md", "-g", "g.yaml")
    both = cli("annotate", "a.md", "b.md", "-g", "g.yaml")
    assert both.code == 0, both.err
    assert both.out.startswith(alone.out)
    first, second = alone.out, both.out[len(alone.out):]
    assert 'id="fn:1"' in first and 'id="fn-2:1"' in second
    assert 'id="glossator-2-1"' in second
    _assert_documents_hold_their_own_ids([first, second])
    # the next run of the same converter is a first document again
    assert cli("annotate", "b.md", "-g", "g.yaml").out == alone.out


def _read_markdown(out: str, reader: str) -> str:
    """The HTML that ``reader`` makes of ``out`` with footnotes."""
    if reader == "python-markdown":
        markdown = pytest.importorskip("markdown", reason="pip install -e '.[test]'")
        return str(markdown.markdown(out, extensions=["footnotes"]))
    markdown_it = pytest.importorskip("markdown_it", reason="pip install -e '.[test]'")
    footnote = pytest.importorskip("mdit_py_plugins.footnote",
                                   reason="pip install -e '.[test]'")
    return str(markdown_it.MarkdownIt("commonmark").use(footnote.footnote_plugin).render(out))


@pytest.mark.parametrize("reader", ["python-markdown", "markdown-it"])
def test_markdown_footnotes_of_each_document_of_one_output_resolve(
    cli: RunCli, inputs: None, reader: str
) -> None:
    alone = cli("annotate", "a.txt", "-g", "g.yaml", "-f", "markdown").out
    result = cli("annotate", "a.txt", "b.txt", "a.txt", "-g", "g.yaml", "-f", "markdown")
    assert result.code == 0, result.err
    assert result.out.startswith(alone)  # the first document exactly as alone
    definitions = re.findall(r"^\[\^([^\]]+)\]:", result.out, re.MULTILINE)
    assert len(definitions) == 6 and len({d.casefold() for d in definitions}) == 6
    assert {"2.cae", "2.scop", "3.cae", "3.scop"} <= set(definitions)
    html = _read_markdown(result.out, reader)
    assert "[^" not in html  # every reference found its definition
    parsed = _Ids(html)
    assert len(parsed.ids) == len(set(parsed.ids))
    assert all(target in parsed.ids for target in parsed.fragments)
    notes = re.findall(r"<li id=\"fn", html)
    assert len(notes) == 6  # one note per term per document, none lost to a duplicate


@pytest.mark.parametrize("output", [None, "two.html"])
def test_standalone_with_several_inputs_to_one_output_is_refused(
    cli: RunCli, inputs: None, tmp_path: Path, output: str | None
) -> None:
    result = cli("annotate", "a.txt", "b.txt", "-g", "g.yaml", "-f", "html", "--standalone",
                 *(["-o", output] if output else []))
    assert result.code == 2
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glossator: error: --standalone"), result.err
    assert "2 pages in one file" in lines[0] and "--output-dir" in lines[0]
    assert output is None or not (tmp_path / output).exists()
    assert list(tmp_path.glob("*.html")) == []


def test_standalone_with_several_inputs_and_output_dir_writes_one_page_each(
    cli: RunCli, inputs: None, tmp_path: Path
) -> None:
    result = cli("annotate", "a.txt", "b.txt", "-g", "g.yaml", "--standalone",
                 "--output-dir", "out", "-q")
    assert result.code == 0, result.err
    for name in ("a.html", "b.html"):
        page = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert page.count("<!DOCTYPE html>") == 1 and 'id="gl-1"' in page


def test_markdown_renderer_document_number() -> None:
    from glossator import Glossary, annotate, render
    from glossator.errors import UsageError

    glossary = Glossary.from_dicts([{"term": "CAE", "definition": "Coopérative."}])
    doc = annotate("La CAE.", glossary)
    assert render(doc, "markdown", document=1) == render(doc, "markdown")
    assert "[^3.cae]" in render(doc, "markdown", document=3)
    with pytest.raises(UsageError):
        render(doc, "markdown", document=0)


def test_a_job_numbers_only_the_documents_it_is_told_to() -> None:
    # one DocumentJob (one Markdown converter per process) renders document 2, then a
    # document alone again: the second rendering is the first's, numbered ids and all gone
    pytest.importorskip("markdown", reason="pip install -e '.[test]'")
    from glossator import Annotator, Glossary
    from glossator.documents.read import Document
    from glossator.runner import DocumentJob, numbered_prefix

    job = DocumentJob(Annotator(Glossary.from_dicts(
        [{"term": "CAE", "definition": "Coopérative."}])), "html")
    doc = Document("a.md", "markdown", MARKDOWN)
    alone = job.render(doc)
    second = job.render(doc, number=2)
    assert job.render(doc) == alone
    assert second == alone.replace("glossator-1", "glossator-2-1").replace(
        "fn:1", "fn-2:1").replace("fnref:1", "fnref-2:1")
    page = Document("p.html", "html", "<p>Une CAE.</p>")
    assert 'id="glossator-3-1"' in job.render(page, number=3)
    assert 'id="glossator-1"' in job.render(page)
    assert numbered_prefix("gl-", 1) == "gl-" and numbered_prefix("gl-", 12) == "gl-12-"
