"""The stylesheet and script of whole pages (``--assets``, documents/assets.py): spliced
into the head byte for byte, never twice, nothing for a fragment; where the files go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import glossator
from glossator.documents.assets import add_assets, asset_files, asset_prefix
from glossator.documents.html import annotate_html, page_head
from glossator.errors import UsageError
from glossator.render.html import script, stylesheet

ANNOTATOR = glossator.Annotator(glossator.Glossary.from_dicts(
    [{"term": "ESS", "definition": "Économie sociale et solidaire."}]))
LINK = '<link rel="stylesheet" href="glossator.css">'
SCRIPT = '<script defer src="glossator.js"></script>'


def annotated(page: str) -> str:
    out = annotate_html(page, ANNOTATOR)
    assert out != page
    return out


def test_one_element_a_line_with_the_indentation_of_the_head() -> None:
    page = annotated("<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n"
                     "    <title>t</title>\n  </head>\n  <body><p>L’ESS</p></body>\n</html>\n")
    out = add_assets(page, "link", "../")
    assert out == page.replace(
        "  </head>", '    <link rel="stylesheet" href="../glossator.css">\n'
        '    <script defer src="../glossator.js"></script>\n  </head>')


@pytest.mark.parametrize("head", [
    "<head><title>t</title></head>",
    "<head><title>t</title>",  # </head> left out: before the body's first tag
    "<HEAD><TITLE>t</TITLE></HEAD>",
])
def test_on_one_line_right_before_the_body(head: str) -> None:
    page = annotated(f"<html>{head}<body><p>L’ESS</p></body></html>")
    out = add_assets(page, "link")
    at = page.index("</head>") if "</head>" in page else (
        page.index("</HEAD>") if "</HEAD>" in page else page.index("<body>"))
    assert out == page[:at] + LINK + SCRIPT + page[at:]


def test_what_only_looks_like_the_end_of_the_head_is_skipped() -> None:
    page = annotated('<html><head><!-- </head> --><script>var s = "</head>";</script>'
                     "<style>p::after { content: '</head>' }</style><title>x</title></head>"
                     "<body><p>L’ESS</p></body></html>")
    out = add_assets(page, "link")
    assert out.count(LINK) == 1
    assert out.index(LINK) == page.index("</head><body>")


def test_never_twice() -> None:
    page = annotated("<html><head><title>t</title></head><body><p>L’ESS</p></body></html>")
    for assets in ("link", "inline"):
        once = add_assets(page, assets)
        assert once != page and add_assets(once, assets) == once
    # a theme's own link to a glossator.css, whatever its path, and a <style> holding it
    themed = page.replace("</head>", '<link href="/static/css/glossator.css?v=3" '
                          'rel="stylesheet"></head>')
    assert add_assets(themed, "link") == themed.replace("</head>", f"{SCRIPT}</head>")
    inlined = add_assets(page, "inline")
    assert add_assets(inlined, "link") == inlined.replace("</head>", f"{SCRIPT}</head>")
    both = add_assets(page, "link")
    assert add_assets(both, "inline") == both


def test_a_fragment_and_a_page_without_terms_get_nothing() -> None:
    fragment = annotated("<p>L’ESS</p>")
    assert add_assets(fragment, "link") == fragment
    no_head = annotated("<html><body><p>L’ESS</p></body></html>")
    assert page_head(no_head) is None and add_assets(no_head, "inline") == no_head
    plain = "<html><head><title>t</title></head><body><p>Rien.</p></body></html>"
    assert add_assets(plain, "link") == plain


def test_inline_and_none() -> None:
    page = annotated("<html><head></head><body><p>L’ESS</p></body></html>")
    assert add_assets(page, "inline") == page.replace(
        "</head>", f"<style>\n{stylesheet()}</style></head>")
    assert add_assets(page, "none") == page
    assert add_assets(page, "none", script_too=True) == page.replace(
        "</head>", f"{SCRIPT}</head>")
    with pytest.raises(UsageError):
        add_assets(page, "external")


def test_the_prefix_from_each_page_to_the_root() -> None:
    assert asset_prefix("out", "out/index.html") == ""
    assert asset_prefix("out", "out/a/index.html") == "../"
    assert asset_prefix("out/", "out/a/b/page.htm") == "../../"
    assert asset_prefix(".", "page.html") == ""
    assert asset_files("link") == {"glossator.css": stylesheet(), "glossator.js": script()}
    assert asset_files("inline") == {} and asset_files("inline", True) == {
        "glossator.js": script()}


def test_the_assets_are_ascii() -> None:
    """A CSS file takes the encoding of the page that links it unless told otherwise:
    ASCII reads the same from a windows-1252 page."""
    assert stylesheet().isascii() and script().isascii()


# -- the command line --------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "glossator", "annotate", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


PAGE = ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>t</title>\n</head>\n<body>\n<p>Le Labo de l’ESS.</p>\n</body>\n</html>\n")


def test_in_place_writes_the_files_at_the_root_of_the_site(tmp_path: Path) -> None:
    site = tmp_path / "public"
    (site / "blog" / "2026").mkdir(parents=True)
    (site / "index.html").write_text(PAGE, "utf-8")
    (site / "blog" / "2026" / "post.html").write_text(PAGE, "utf-8")
    assert run("public", "--in-place", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in site.iterdir()) == [
        "blog", "glossator.css", "glossator.js", "index.html"]
    post = (site / "blog" / "2026" / "post.html").read_text("utf-8")
    assert '<link rel="stylesheet" href="../../glossator.css">\n' in post
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert run("public", "--in-place", cwd=tmp_path).returncode == 0
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_stylesheet_of_your_own_is_kept(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(PAGE, "utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "glossator.css").write_text(".glossator-tip { color: red }\n")
    done = run("site", "--output-dir", "out", cwd=tmp_path)
    assert done.returncode == 0
    assert "was not written by glossator and is kept" in done.stderr
    assert (tmp_path / "out" / "glossator.css").read_text() == ".glossator-tip { color: red }\n"
    assert (tmp_path / "out" / "glossator.js").read_text("utf-8") == script()


def test_standard_output_and_devices_inline_the_stylesheet(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, "utf-8")
    done = run("page.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "<style>\n/* glossator" in done.stdout and "<script" not in done.stdout
    # -o to a device: written in place, and nothing written beside it
    assert run("page.html", "-o", "/dev/null", cwd=tmp_path).returncode == 0
    assert not Path("/dev/glossator.css").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
    refused = run("page.html", "--assets", "link", cwd=tmp_path)
    assert refused.returncode == 2 and "--assets link" in refused.stderr
