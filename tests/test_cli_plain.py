"""``glossator annotate FILE...`` with no option but ``-f FORMAT`` is read without
argparse (``glossator.cli._plain_annotate``, ``glossator.cli.annotate.plain_args``): it
must give what the parser gives, so that the run is the same; any other command line
goes through the parser."""

from __future__ import annotations

import pytest

from glossator.cli import _plain_annotate, build_parser
from glossator.cli.annotate import plain_args
from support.cli import RunCli, WriteFile

TEXT = "En juin 2017, le Labo de l’ESS publiait son rapport sur les PTCE.\n"


@pytest.mark.parametrize("words", [
    [], ["a.txt"], ["-"], ["a.txt", "b c.md", "", "é.html"], ["x=1", "@list", "annotate"],
    ["a.txt", "-f", "html"], ["-f", "json", "a.txt", "-"], ["--format", "terminal"],
    ["-f", "text"], ["a", "b", "--format", "nope"], ["-f", ""],
])
@pytest.mark.parametrize("cache_dir", [None, "/tmp/cache"])
def test_plain_args_are_what_the_parser_makes(
    words: list[str], cache_dir: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cache_dir is None:
        monkeypatch.delenv("GLOSSATOR_CACHE_DIR", raising=False)
    else:
        monkeypatch.setenv("GLOSSATOR_CACHE_DIR", cache_dir)
    parsed = vars(build_parser("annotate").parse_args(["annotate", *words]))
    plain = _plain_annotate(["annotate", *words])
    assert plain is not None
    # every option, in the parser's order, with its default (an option added to the
    # parser must be added to cli.annotate._DEFAULTS)
    assert list(vars(plain).items()) == list(parsed.items())


def test_two_runs_do_not_share_a_default_list() -> None:
    first, second = plain_args([]), plain_args([])
    first.glossary.append("g.yaml")
    assert second.glossary == [] and plain_args([]).domain == []


@pytest.mark.parametrize("words", [
    [], ["explain", "a.txt"], ["annotate", "-q", "a.txt"], ["annotate", "a.txt", "--"],
    ["annotate", "--help"], ["annotate", "-", "-f", "text", "-q"], ["annotate", "-1"],
    ["--version"], ["annotat", "a.txt"], ["annotate", "a.txt", "-f", "html", "b.txt"],
    ["annotate", "-f"], ["annotate", "a.txt", "-f", "-x"], ["annotate", "-ftext", "a"],
    ["annotate", "--format=text", "a"], ["annotate", "--form", "text", "a"],
    ["annotate", "-f", "x", "a", "-f", "y"], ["annotate", "-f", "-", "a"],
    ["annotate", "-f", "-f"],
])
def test_any_other_command_line_goes_through_the_parser(words: list[str]) -> None:
    assert _plain_annotate(words) is None


def test_the_plain_form_annotates_as_the_parsed_one(cli: RunCli, write: WriteFile) -> None:
    write("small.txt", TEXT)
    plain = cli("annotate", "small.txt")
    parsed = cli("annotate", "small.txt", "--occurrences", "first")  # the default, parsed
    assert plain.code == parsed.code == 0 and plain.err == parsed.err == ""
    assert plain.out == parsed.out and "Pôle territorial" in plain.out
    html = cli("annotate", "small.txt", "-f", "html")
    assert html == cli("annotate", "-f", "html", "small.txt", "--occurrences", "first")
    assert "<abbr" in html.out or "glossator" in html.out
    missing = cli("annotate", "missing.txt")
    assert missing.code == 1 and missing.err == cli("annotate", "missing.txt", "-q").err
    unknown = cli("annotate", "small.txt", "-f", "nope")  # checked by run, as before
    assert unknown == cli("annotate", "small.txt", "-f", "nope", "--occurrences", "first")
    assert unknown.code == 2 and "nope" in unknown.err
