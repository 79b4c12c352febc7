"""``glossator annotate FILE...`` with no option is read without argparse
(``glossator.cli.annotate.plain_args``): it must give what the parser gives, so that the
run is the same; any other command line goes through the parser."""

from __future__ import annotations

import pytest

from glossator.cli import _plain_annotate, build_parser
from glossator.cli.annotate import plain_args
from support.cli import RunCli, WriteFile

TEXT = "En juin 2017, le Labo de l’ESS publiait son rapport sur les PTCE.\n"


@pytest.mark.parametrize("files", [[], ["a.txt"], ["-"], ["a.txt", "b c.md", "", "é.html"],
                                   ["x=1", "@list", "annotate"]])
@pytest.mark.parametrize("cache_dir", [None, "/tmp/cache"])
def test_plain_args_are_what_the_parser_makes(
    files: list[str], cache_dir: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cache_dir is None:
        monkeypatch.delenv("GLOSSATOR_CACHE_DIR", raising=False)
    else:
        monkeypatch.setenv("GLOSSATOR_CACHE_DIR", cache_dir)
    parsed = vars(build_parser("annotate").parse_args(["annotate", *files]))
    plain = vars(plain_args(files))
    # every option, in the parser's order, with its default (an option added to the
    # parser must be added to cli.annotate._DEFAULTS)
    assert list(plain.items()) == list(parsed.items())
    assert _plain_annotate(["annotate", *files]) is not None


def test_two_runs_do_not_share_a_default_list() -> None:
    first, second = plain_args([]), plain_args([])
    first.glossary.append("g.yaml")
    assert second.glossary == [] and plain_args([]).domain == []


@pytest.mark.parametrize("words", [
    [], ["explain", "a.txt"], ["annotate", "-q", "a.txt"], ["annotate", "a.txt", "--"],
    ["annotate", "--help"], ["annotate", "-", "-f", "text"], ["annotate", "-1"],
    ["--version"], ["annotat", "a.txt"],
])
def test_any_other_command_line_goes_through_the_parser(words: list[str]) -> None:
    assert _plain_annotate(words) is None


def test_the_plain_form_annotates_as_the_parsed_one(cli: RunCli, write: WriteFile) -> None:
    write("small.txt", TEXT)
    plain = cli("annotate", "small.txt")
    parsed = cli("annotate", "small.txt", "--occurrences", "first")  # the default, parsed
    assert plain.code == parsed.code == 0 and plain.err == parsed.err == ""
    assert plain.out == parsed.out and "Pôle territorial" in plain.out
    missing = cli("annotate", "missing.txt")
    assert missing.code == 1 and missing.err == cli("annotate", "missing.txt", "-q").err
