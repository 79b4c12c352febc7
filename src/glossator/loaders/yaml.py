"""YAML glossaries, read safely and with line numbers.

The file is *composed* (parsed to nodes) but never *constructed*: no Python object is ever
built from a tag, every scalar stays the text the author wrote (``NO``, ``ON`` and ``2014``
stay strings), and each node keeps its line for messages.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..entries import WrittenNumber, entries_from_data, split_document
from ..errors import GlossaryError
from ..glossary import Glossary
from ..model import Diagnostic, GlossaryProblems, Location

__all__ = ["load"]

_STANDARD_TAG = "tag:yaml.org,2002:"
#: The tags a glossary may use, implicitly or explicitly (``!!str NO``). Any other tag, even
#: one in the ``tag:yaml.org,2002:`` namespace such as ``!!python/object/apply``, is refused.
_ALLOWED_TAGS = frozenset(
    _STANDARD_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge",
                 "value")
)
_NUMBER_TAGS = frozenset({_STANDARD_TAG + "int", _STANDARD_TAG + "float"})
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def decode(data: bytes, name: str, encoding: str | None = None, hint: str | None = None
           ) -> str:
    """Decode a text glossary, or say clearly why not.

    By default the file must be UTF-8 (with or without BOM); ``encoding`` (the CLI's
    ``--glossary-encoding``) names another codec. ``hint`` replaces the fix offered for a
    byte that is not UTF-8.
    """
    from ..reading import decode_text

    return decode_text(
        data, name, encoding, error=GlossaryError, option="--glossary-encoding",
        binary="this is a binary file, not a text glossary",
        binary_hint="give a glossary saved as text: YAML, JSON, TOML, CSV, TBX or SKOS",
        hint="check --glossary-encoding" if encoding is not None
        else hint or "save the file as UTF-8, or give its encoding with --glossary-encoding",
    )


class _Walker:
    """Turn composed nodes into plain data: strings, lists and dicts, never other objects.

    A node reached again through a YAML alias (``*name``) yields the value already built, so
    an "alias bomb" costs no more than the file's size; an alias inside its own anchor is an
    error rather than an endless recursion.
    """

    def __init__(self, name: str, diagnostics: list[Diagnostic]) -> None:
        self.name = name
        self.diagnostics = diagnostics
        self._done: dict[int, Any] = {}
        self._active: set[int] = set()

    def value(self, node: yaml.Node) -> Any:
        """The plain value of ``node``, built once per node."""
        key = id(node)
        if key in self._done:
            return self._done[key]
        if key in self._active:
            raise GlossaryError(
                "a YAML alias refers to the value that contains it", file=self.name,
                line=node.start_mark.line + 1, hint="copy the value instead of using an alias",
            )
        self._active.add(key)
        try:
            result = self._build(node)
        finally:
            self._active.discard(key)
        self._done[key] = result
        return result

    def _build(self, node: yaml.Node) -> Any:
        tag = node.tag or ""
        if tag not in _ALLOWED_TAGS:  # never built; reported with the others
            shown = "!!" + tag[len(_STANDARD_TAG):] if tag.startswith(_STANDARD_TAG) else tag
            self.diagnostics.append(Diagnostic(
                "error", f"unsupported YAML tag '{shown}'",
                Location(self.name, node.start_mark.line + 1),
                "remove the tag; plain values are enough", "load-error"))
            return None
        if isinstance(node, yaml.ScalarNode):
            if tag == _STANDARD_TAG + "null":
                return None
            if tag in _NUMBER_TAGS:
                return WrittenNumber(node.value)
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.value(n) for n in node.value]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(self.value(key_node))
                if key in out:
                    self.diagnostics.append(
                        Diagnostic("warning", f"key '{key}' appears twice; the last one is used",
                                   Location(self.name, key_node.start_mark.line + 1),
                                   code="duplicate-key")
                    )
                out[key] = self.value(value_node)
            return out
        raise GlossaryError("unexpected YAML node", file=self.name, line=node.start_mark.line + 1)


_OPENERS = {"quoted scalar": "quote", "flow sequence": "'['", "flow mapping": "'{'"}


def _syntax_error(exc: yaml.MarkedYAMLError, name: str, text: str) -> GlossaryError:
    """The YAML syntax error ``exc`` as one message at the line to fix: where an unclosed
    quote or bracket opens, else where the parser stopped."""
    problem, context = exc.problem or "invalid YAML", exc.context or ""
    stop, start = exc.problem_mark, exc.context_mark
    opener = next((o for what, o in _OPENERS.items() if what in context), None)
    if "escape" in problem and start is not None:  # "\\ud800" alone, or "\\q"
        return GlossaryError(
            f"invalid YAML: {problem} in the quoted value at column {start.column + 1}",
            file=name, line=start.line + 1,
            hint="fix the \\ escape; a lone surrogate is no character (an emoji is a "
            "pair, \\ud83d\\ude00), and a backslash is written \\\\")
    if opener is not None and start is not None:
        at = f"line {stop.line + 1}" if stop is not None else "the end"
        if "end of stream" in problem:
            at = "the end of the file"
        return GlossaryError(
            f"invalid YAML: the {opener} opened at column {start.column + 1} is never "
            f"closed (the parser reached {at})", file=name, line=start.line + 1,
            hint="close it; inside single quotes a quote is doubled ('l''ESS'), inside "
            "double quotes it is escaped (\\\")" if opener == "quote" else "close it, or "
            "quote the whole value if it only starts with a bracket")
    mark = stop or start
    where = f" (column {mark.column + 1})" if mark is not None else ""
    problem, hint = _plainly(problem, _line_before(text, mark))
    return GlossaryError(f"invalid YAML: {problem}{where}", file=name,
                         line=mark.line + 1 if mark is not None else None, hint=hint)


def _reader_error(exc: yaml.reader.ReaderError, name: str, text: str) -> GlossaryError:
    """A character YAML refuses in its text (a control character: a bell, an escape, DEL,
    a C1 control) as one message at its line and column, with the fix. PyYAML gives only
    its offset in the text."""
    code = exc.character if isinstance(exc.character, int) else (
        ord(exc.character) if isinstance(exc.character, str) and len(exc.character) == 1
        else -1)
    at = exc.position if isinstance(exc.position, int) and exc.position >= 0 else 0
    if not (at < len(text) and ord(text[at]) == code):
        # libyaml counts bytes of the text in UTF-8; the Python reader, characters
        at = len(text.encode("utf-8", "surrogatepass")[:at].decode("utf-8", "ignore"))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    what = f"U+{code:04X}, a control character," if code >= 0 else "a character"
    escape = (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") if code >= 0 else ""
    return GlossaryError(
        f"invalid YAML: {what} at column {column}, which YAML does not take in its text",
        file=name, line=line,
        hint="delete it" + (f"; to keep it, write it as an escape in a double-quoted value "
                            f"(\"{escape}\")" if escape else ""))


def _line_before(text: str, mark: Any) -> str:
    """The text of ``mark``'s line before its column."""
    if mark is None:
        return ""
    lines = text.splitlines()
    return lines[mark.line][: mark.column] if mark.line < len(lines) else ""


_INDENT_HINT = "indent each key of an entry like its 'term:', under the '- ' of the entry"
_QUOTE_HINT = ("inside single quotes a quote is doubled ('l''ESS'), inside double quotes it "
               "is escaped (\\\"), or quote the value with the other kind")


def _plainly(problem: str, before: str) -> tuple[str, str]:
    """PyYAML's ``problem`` said as what to look for, and the fix (``before``: the line
    up to where the parser stopped)."""
    if "mapping values are not allowed" in problem:
        return ("a ': ' inside a value that is not quoted", 'put the whole value in double '
                'quotes: definition: "Domaine : économie"')
    if "expected key" in problem and ("'" in before or '"' in before):
        return "the value goes on after its closing quote", _QUOTE_HINT
    if "expected key" in problem or "expected '-' indicator" in problem:
        return "this line is not indented like the lines of its entry", _INDENT_HINT
    if "tab" in problem:
        return problem, "indent with spaces, not tabs"
    return problem, ("check indentation and quoting on that line; a value holding ': ' "
                     "or starting with a quote or bracket must be quoted whole")


def load(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a YAML glossary: a list of entries, or a mapping with metadata and ``entries``."""
    text = decode(data, name, encoding)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, name, text) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not take
        raise _reader_error(exc, name, text) from None
    except yaml.YAMLError as exc:
        raise GlossaryError(f"invalid YAML: {exc}", file=name) from None
    diagnostics: list[Diagnostic] = []
    walker = _Walker(name, diagnostics)
    line = root.start_mark.line + 1 if root is not None else 1
    data_value = walker.value(root) if root is not None else None
    GlossaryProblems.check(diagnostics)  # the refused tags, all of them
    keys = {str(k.value): k.start_mark.line + 1
            for k, _ in (root.value if isinstance(root, yaml.MappingNode) else ())}
    items, metadata = split_document(data_value, name, line, diagnostics, key_lines=keys)
    lines: list[dict[str, int]] = []
    seq = _entries_node(root)
    if seq is not None:
        for node in seq.value:
            where = {"": node.start_mark.line + 1}
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    where[str(k.value)] = k.start_mark.line + 1
                    if isinstance(v, yaml.SequenceNode):  # aliases.0, aliases.1…
                        for i, item in enumerate(v.value):
                            where[f"{k.value}.{i}"] = item.start_mark.line + 1
            lines.append(where)
    entries = entries_from_data(items, name, diagnostics, lines)
    glossary_name = metadata.get("name") or metadata.get("title")
    return Glossary(entries, name=str(glossary_name) if glossary_name else None,
                    metadata=metadata, diagnostics=diagnostics)


def _entries_node(root: yaml.Node | None) -> yaml.SequenceNode | None:
    if isinstance(root, yaml.SequenceNode):
        return root
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if k.value == "entries" and isinstance(v, yaml.SequenceNode):
                return v
    return None
