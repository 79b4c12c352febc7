"""YAML, JSON and TOML glossaries: the metadata, then ``entries``, keys in reading order.

YAML is written for people: block style, accents and typographic characters as they are
(never ``\\u00e9``), multi-line definitions as literal blocks; values that YAML would read
as something else (``NO``, ``2014``) are quoted. TOML is written by hand (the standard
library reads TOML but does not write it): one ``[[entries]]`` table per entry.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from ..errors import GlossaryError
from ..glossary import Glossary
from . import entry_record, glossary_metadata

__all__ = ["write_json", "write_toml", "write_yaml"]


class _Dumper(yaml.SafeDumper):
    """A safe dumper that writes multi-line strings as literal blocks and indents lists."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent block lists under their key (``aliases:`` then ``  - ESS``)."""
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _document(glossary: Glossary) -> dict[str, Any]:
    return {**glossary_metadata(glossary), "entries": [entry_record(e) for e in glossary]}


def write_yaml(glossary: Glossary) -> str:
    """The glossary as YAML: metadata keys, then ``entries:`` in block style."""
    text: str = yaml.dump(_document(glossary), Dumper=_Dumper, allow_unicode=True,
                          sort_keys=False, default_flow_style=False, width=88)
    return text


def write_json(glossary: Glossary) -> str:
    """The glossary as a JSON object: metadata keys, then ``entries``."""
    return json.dumps(_document(glossary), ensure_ascii=False, indent=2) + "\n"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                 "\f": "\\f", "\r": "\\r"}
_TOML_SPECIAL = re.compile(r'["\\\x00-\x1f\x7f]')


def _toml_string(text: str) -> str:
    return '"' + _TOML_SPECIAL.sub(
        lambda m: _TOML_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), text) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (str, float)):
        return _toml_string(str(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, where) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(str(k))} = {_toml_value(v, where)}"
                               for k, v in value.items() if v is not None) + "}"
    raise GlossaryError(f"{where}: TOML cannot hold {type(value).__name__} values",
                        hint="write the glossary as YAML or JSON instead")


def write_toml(glossary: Glossary) -> str:
    """The glossary as TOML: metadata keys at the top, then one ``[[entries]]`` per entry."""
    lines = [f"{_toml_key(key)} = {_toml_value(value, f'metadata {key!r}')}"
             for key, value in glossary_metadata(glossary).items()]
    for entry in glossary:
        if lines:
            lines.append("")
        lines.append("[[entries]]")
        for key, value in entry_record(entry).items():
            lines.append(f"{key} = {_toml_value(value, entry.term)}")
    return "\n".join(lines) + "\n"
