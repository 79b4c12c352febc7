"""The invariants every hostile input is checked against (``tests/hostile/``).

Each check names one promise of docs/robustness.md:

* :func:`fails_cleanly`, :func:`succeeds_cleanly`: the exit code, and what standard
  error holds: one ``glossator: error:`` line naming the problem, never a traceback;
* :func:`nothing_lost`: every character of the input is in the output (JSON: the text
  and the surfaces; HTML and Markdown: the text once the inserted markup is removed; a
  control character shown as its visible escape, ``\x1b``, counts as kept);
* :func:`inert_html`: no element or attribute in an output that runs code or loads
  anything but what glossator writes itself;
* :func:`page_kept`: page mode changes nothing but the inserted markup, byte for byte,
  and a second run changes nothing;
* :func:`run_bounded`: the command in a child process under a memory limit
  (``RLIMIT_AS``) and a generous wall-time guard: a bound, not a timing assertion.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from support.markup import strip_markup

#: The memory a bounded run may map (address space, not resident memory): generous for
#: the interpreter, the C scanner and a small input, far below what an unbounded read of
#: /dev/zero would reach.
MEMORY_LIMIT = 768 * 1024 * 1024
#: The wall time after which a bounded run counts as hung (a FIFO read blocks forever):
#: the machine is shared and slow, so this is a guard against hangs, not a speed test.
TIME_LIMIT = 120.0
#: White space that HTML and Markdown may rearrange (paragraph breaks): the characters
#: compared by :func:`nothing_lost` are all the others.
_LAYOUT = " \t\n\r\f\v"


@dataclass(frozen=True)
class Outcome:
    """What one run of ``glossator`` produced: exit code, standard output (bytes) and
    standard error (text)."""

    code: int
    out: bytes
    err: str


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(*argv: str, cwd: Path, stdin: bytes | Path | None = None,
                env: dict[str, str] | None = None) -> Outcome:
    """``glossator ARGV`` in a child process, from ``cwd``, under :data:`MEMORY_LIMIT`
    and :data:`TIME_LIMIT` (a hang fails the test rather than blocking the suite).
    ``stdin``: bytes, or a file to redirect from."""
    full_env = {**os.environ, "PYTHONWARNINGS": "default", **(env or {})}
    source = open(stdin, "rb") if isinstance(stdin, Path) else None  # noqa: SIM115
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "glossator", *argv], cwd=cwd, env=full_env,
            input=stdin if isinstance(stdin, bytes) else None,
            stdin=source if source is not None else (
                None if isinstance(stdin, bytes) else subprocess.DEVNULL),
            capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limit_memory,
        )
    finally:
        if source is not None:
            source.close()
    return Outcome(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))


def no_traceback(err: str) -> None:
    """Nothing Python prints for an uncaught exception is in ``err``."""
    assert "Traceback (most recent call last)" not in err, err
    assert not re.search(r"^\w+(Error|Exception): ", err, re.M), err


def fails_cleanly(code: int, err: str, *, expected: int | None = None,
                  mentions: tuple[str, ...] = ()) -> str:
    """A refusal: a non-zero exit (``expected`` if given), and standard error exactly one
    ``glossator: error:`` line (after any warning lines) holding every word of
    ``mentions``. Returns that line."""
    no_traceback(err)
    assert code != 0, err
    if expected is not None:
        assert code == expected, (code, err)
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("glossator: error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], err
    assert all(line.startswith("glossator: ") for line in lines), err
    for word in mentions:
        assert word in errors[0], (word, errors[0])
    return errors[0]


def succeeds_cleanly(code: int, err: str, *, warnings: int | None = None) -> None:
    """A success: exit 0, and standard error only ``glossator:`` lines (``warnings`` of
    them, if given)."""
    no_traceback(err)
    assert code == 0, err
    lines = err.splitlines()
    assert all(line.startswith("glossator: ") for line in lines), err
    if warnings is not None:
        assert len(lines) == warnings, err


def _kept(text: str) -> str:
    return "".join(c for c in text if c not in _LAYOUT)


#: A visible escape (``\x1b``, ``\u202e``, ``\U0010ffff``): how an output may show a
#: character that is not allowed to act there (a control character in HTML).
_VISIBLE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def _unescaped(text: str) -> str:
    """``text`` with the visible escapes of control and format characters read back:
    a character shown as its escape is kept, not lost."""
    import unicodedata

    def back(found: re.Match[str]) -> str:
        char = chr(int(found.group(1)[1:], 16))
        return char if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Cn") else (
            found.group())
    return _VISIBLE.sub(back, text)


def nothing_lost(source: str, output: str, fmt: str, markup: str = "abbr") -> None:
    """Every character of ``source`` is in ``output`` of format ``fmt``: ``json`` (its
    text is the source, each surface its slice), ``html`` (with preset ``markup``, the
    inserted markup removed and references decoded: the same characters apart from
    layout white space) or ``markdown`` (the same, footnote marks and notes removed)."""
    if fmt == "json":
        doc = json.loads(output)
        docs = doc if isinstance(doc, list) else [doc]
        text = "".join(d["text"] for d in docs)
        assert text.replace("\r\n", "\n") == source.replace("\r\n", "\n") or text == source
        for d in docs:
            for a in d["annotations"]:
                assert d["text"][a["start"]:a["end"]] == a["surface"], a
        return
    if fmt == "html":
        from html import unescape

        body = re.sub(r"<[^>]*>", "", strip_markup(output, markup))
        assert _kept(_unescaped(unescape(body))) == _kept(source), (source, output)
        return
    assert fmt == "markdown", fmt
    body = output.split("\n\n[^", 1)[0]  # the notes start after the text
    body = re.sub(r"(?<!\\)\[\^[^\]\\]*\]", "", body)  # glossator's footnote marks
    # the numeric references glossator writes (a line of no-break spaces), then the
    # backslash escapes of Markdown's special characters
    body = re.sub(r"&#x([0-9A-F]+);", lambda m: chr(int(m.group(1), 16)), body)
    # "<" is written "&lt;" (Python-Markdown takes no backslash before it); then the
    # "&amp;" written before what would read as a reference: "&amp;lt;" holds no "&lt;"
    body = body.replace("&lt;", "<").replace("&amp;", "&")
    body = re.sub(r"\\(.)", r"\1", _unescaped(body))
    assert _kept(body) == _kept(source), (source, output)


#: What glossator's own markup uses; any other element in an output came from data.
_ALLOWED_TAGS = frozenset(
    "html head body meta title link style script p span abbr a div br h1 h2 h3 h4 h5 h6 "
    "ul ol li dl dt dd section nav header main em strong code pre kbd samp var sup".split())
_SAFE_URL = re.compile(r"^(https?:|mailto:|#|[^:]*$)", re.I)


class _Inert(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value \
                    and not _SAFE_URL.match(value.strip()):
                self.problems.append(f"<{tag} {name}={value!r}>")


def inert_html(output: str, source: str = "") -> None:
    """No event handler, ``javascript:`` URL or script in ``output`` that ``source`` (the
    page given, for page mode) did not already hold."""
    found = _Inert()
    found.feed(output)
    found.close()
    before = _Inert()
    before.feed(source)
    before.close()
    new = [p for p in found.problems if p not in before.problems]
    assert not new, new
    assert output.lower().count("<script") <= source.lower().count("<script") + 1, output


def page_kept(before: bytes, after: bytes, markup: str = "abbr",
              encoding: str = "utf-8") -> None:
    """Page mode: ``after`` without the inserted markup is ``before``, byte for byte."""
    stripped = strip_markup(after.decode(encoding, "surrogateescape"), markup)
    assert stripped.encode(encoding, "surrogateescape") == before
