"""The options of ``POST /v1/annotate``, checked as ``glossator annotate`` checks its own.

A request's options are turned into the command line's ``argparse`` namespace and go
through the very checks ``annotate`` runs (:mod:`glossator.plan`), so a request is
refused for what the CLI refuses, and the :class:`~glossator.runner.DocumentJob` it builds
is the one the CLI would build: the output is the CLI's, byte for byte. The CLI's message
is then put in the service's words (:data:`API_WORDS`, :func:`in_api_words`): the
members a request sets (``'max_per_entry'``, ``'format': "html"``), not the flags of a
command line the caller has not got.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..documents.read import Document
from ..errors import UsageError
from ..plan import (
    assets_mode,
    check_markup_options,
    check_options,
    input_kinds,
    output_format,
    render_options,
)
from ..runner import DocumentJob
from .config import DEFAULT_NAME
from .glossaries import Loaded

__all__ = ["API_WORDS", "DEFAULTS", "OPTION_MEMBERS", "AnnotateRequest", "from_json",
           "from_query", "in_api_words"]

#: Every option of ``POST /v1/annotate`` and its default.
DEFAULTS: dict[str, Any] = {
    "text": None, "input_format": "text", "format": "html", "glossary": DEFAULT_NAME,
    "occurrences": "first", "max_per_entry": None, "accents": "strict", "inflect": True,
    "markup": "glossator", "link_to": None, "standalone": False, "title": None,
    "rich_definitions": False, "skip": [], "root": None, "refresh": False, "senses": "all",
    "domain": [], "assets": "none",
}

_STRINGS = ("input_format", "format", "glossary", "occurrences", "accents", "markup",
            "senses", "assets")
_OPTIONAL_STRINGS = ("link_to", "title", "root")
_BOOLS = ("inflect", "standalone", "rich_definitions", "refresh")
_CHOICES = {"input_format": ("text", "html", "markdown"), "accents": ("strict", "fold"),
            "senses": ("all", "skip", "first"),
            # ``link`` writes glossator.css beside the pages: the service writes no file
            "assets": ("none", "inline")}

#: The options of ``glossator annotate`` a request sets, by the member (or query string
#: parameter) that sets it: what a message of its checks names is named so instead.
OPTION_MEMBERS = {
    "--input-format": "input_format", "-f": "format", "--format": "format",
    "--occurrences": "occurrences", "--max-per-entry": "max_per_entry",
    "--accents": "accents", "--no-inflect": "inflect", "--markup": "markup",
    "--link-to": "link_to", "--standalone": "standalone", "--title": "title",
    "--rich-definitions": "rich_definitions", "--skip": "skip", "--root": "root",
    "--refresh": "refresh", "--senses": "senses", "--domain": "domain",
    "--assets": "assets",
}

#: The phrases of those messages that say what to do with a command line, as a request
#: says it: (the CLI's words, the JSON mode's, the raw mode's). Longest first; what is
#: left, a lone option, is named by :data:`OPTION_MEMBERS`.
API_WORDS: tuple[tuple[str, str, str], ...] = (
    ("drop -f/--format, or use --input-format text",
     "drop 'format', or send the text with 'input_format': \"text\"",
     "drop 'format', or send the body as text/plain"),
    ("give a .html file or --input-format html", "send it with 'input_format': \"html\"",
     "send the body as text/html"),
    ("add -f html or -f markdown", "add 'format': \"html\" or \"markdown\"",
     "add format=html or format=markdown"),
    ("add -f html", "add 'format': \"html\"", "add format=html"),
    ("add --standalone", "add 'standalone': true", "add standalone=true"),
    ("--format html", "'format': \"html\"", "format=html"),
    ("Markdown input needs Python-Markdown: <stdin>",
     "this service cannot read Markdown: it has not got Python-Markdown",
     "this service cannot read Markdown: it has not got Python-Markdown"),
)

#: A command line's option in a message (``-f``, ``--max-per-entry``).
_OPTION = re.compile(r"(?<![\w-])(?:-f|--[a-z][a-z-]*)(?![\w-])")


def in_api_words(error: UsageError, raw: bool) -> UsageError:
    """``error``, raised by ``glossator annotate``'s checks, in the words of a request:
    of the JSON mode, or (``raw``) of the raw mode and its query string."""
    def say(text: str) -> str:
        for cli, in_json, in_raw in API_WORDS:
            text = text.replace(cli, in_raw if raw else in_json)
        return _OPTION.sub(lambda m: f"'{OPTION_MEMBERS[m.group()]}'"
                           if m.group() in OPTION_MEMBERS else m.group(), text)

    return UsageError(say(error.message), file=error.file, line=error.line,
                      hint=say(error.hint) if error.hint else None)


@dataclass(frozen=True)
class AnnotateRequest:
    """A request's options, checked: the text, the glossary's name, and the rest."""

    text: str
    glossary: str
    options: dict[str, Any]
    #: Whether the options came in a query string (the raw mode), not a JSON body.
    raw: bool = False

    @property
    def kind(self) -> str:
        """``text``, ``html`` or ``markdown``: how the text is read."""
        kind: str = self.options["input_format"]
        return kind

    def job(self, loaded: Loaded, cache_dir: str | None) -> tuple[DocumentJob, Document]:
        """The job ``glossator annotate - -f FORMAT …`` would run, and the document (as
        if read from standard input)."""
        try:
            return self._job(loaded, cache_dir)
        except UsageError as exc:
            raise in_api_words(exc, self.raw) from None

    def _job(self, loaded: Loaded, cache_dir: str | None) -> tuple[DocumentJob, Document]:
        """:meth:`job`, its messages in the CLI's words."""
        args = self._namespace()
        o = self.options
        annotator = loaded.annotator(occurrences=o["occurrences"],
                                     max_per_entry=o["max_per_entry"], accents=o["accents"],
                                     inflect=o["inflect"], cache_dir=cache_dir,
                                     senses=o["senses"], domain=tuple(o["domain"]))
        job = DocumentJob(annotator, o["format"], render_options(args, o["format"], False),
                          standalone=o["standalone"], title=o["title"], markup=args.markup,
                          rich_definitions=o["rich_definitions"], link_to=o["link_to"],
                          skip=tuple(o["skip"]), root=o["root"], refresh=o["refresh"],
                          assets=assets_mode(args))
        return job, Document("<stdin>", self.kind, self.text)

    def _namespace(self) -> argparse.Namespace:
        """The options as ``glossator annotate``'s parser would have left them."""
        o = self.options
        return argparse.Namespace(
            command="annotate", files=["-"], format=o["format"],
            input_format=o["input_format"], standalone=o["standalone"], title=o["title"],
            markup=None if o["markup"] == "glossator" else o["markup"],
            rich_definitions=o["rich_definitions"], link_to=o["link_to"],
            skip=list(o["skip"]), root=o["root"], refresh=o["refresh"], script=False,
            explain=False,
            output=None, output_dir=None, in_place=False, output_encoding=None, jobs=1,
            width=None, color="never", terminal_style="notes", assets=o["assets"],
        )

    def check(self) -> None:
        """The checks of ``glossator annotate``, in its order (a ``UsageError``, in the
        request's words)."""
        try:
            self._check()
        except UsageError as exc:
            raise in_api_words(exc, self.raw) from None

    def _check(self) -> None:
        """:meth:`check`, its messages in the CLI's words."""
        args = self._namespace()
        check_options(args)
        kinds = input_kinds(args, ["-"])
        check_markup_options(args, kinds)
        output_format(args, kinds, False)
        if self.options["max_per_entry"] is not None and self.options["max_per_entry"] < 1:
            raise UsageError("--max-per-entry must be at least 1")


def _checked(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` with their types and choices checked."""
    for key in _STRINGS:
        if not isinstance(options[key], str):
            raise UsageError(f"'{key}' must be a string")
    for key in _OPTIONAL_STRINGS:
        if options[key] is not None and not isinstance(options[key], str):
            raise UsageError(f"'{key}' must be a string or null")
    for key in _BOOLS:
        if not isinstance(options[key], bool):
            raise UsageError(f"'{key}' must be true or false")
    limit = options["max_per_entry"]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise UsageError("'max_per_entry' must be an integer or null")
    skip = options["skip"]
    if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
        raise UsageError("'skip' must be a list of selectors")
    if isinstance(options["domain"], str):  # one domain, as --domain takes it
        options["domain"] = [options["domain"]]
    domain = options["domain"]
    if not isinstance(domain, list) or not all(isinstance(d, str) for d in domain):
        raise UsageError("'domain' must be a domain or a list of domains")
    for key, choices in _CHOICES.items():
        if options[key] not in choices:
            raise UsageError(f"'{key}' must be one of {', '.join(choices)}, "
                             f"not '{options[key]}'")
    return options


def from_json(data: Any) -> AnnotateRequest:
    """The request of a JSON body (an object with ``text`` and options)."""
    if not isinstance(data, dict):
        raise UsageError("the body must be a JSON object with a 'text' member")
    unknown = sorted(set(data) - set(DEFAULTS))
    if unknown:
        raise UsageError(f"unknown option '{unknown[0]}'",
                         hint=f"the options: {', '.join(DEFAULTS)}")
    if not isinstance(data.get("text"), str):
        raise UsageError("'text' must be a string: the document to annotate")
    options = _checked({**DEFAULTS, **data})
    request = AnnotateRequest(options.pop("text"), options["glossary"], options)
    request.check()
    return request


def from_query(text: str, params: Mapping[str, Sequence[str]]) -> AnnotateRequest:
    """The request of a raw HTML body, its options in the query string (``skip``
    repeatable; booleans ``true``/``false``)."""
    options: dict[str, Any] = {**DEFAULTS, "input_format": "html"}
    for key, values in params.items():
        if key not in DEFAULTS or key == "text":
            raise UsageError(f"unknown option '{key}'",
                             hint=f"the options: {', '.join(k for k in DEFAULTS if k != 'text')}")
        if key in ("skip", "domain"):
            options[key] = list(values)
            continue
        value = values[-1]
        if key in _BOOLS:
            if value.lower() not in ("true", "false", "1", "0"):
                raise UsageError(f"'{key}' must be true or false")
            options[key] = value.lower() in ("true", "1")
        elif key == "max_per_entry":
            try:
                options[key] = int(value) if value not in ("", "null") else None
            except ValueError:
                raise UsageError("'max_per_entry' must be an integer") from None
        else:
            options[key] = value
    options = _checked(options)
    request = AnnotateRequest(text, options["glossary"], options, raw=True)
    request.check()
    return request
