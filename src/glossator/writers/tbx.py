"""TBX-Basic glossaries (ISO 30042:2008, the ``martif`` structure most tools read).

One ``termEntry`` per entry, with the entry's ``id`` when it is an XML name; in its French
``langSet`` the definition (``descrip type="definition"``, in a ``descripGrp`` with its
``admin type="source"``), then the term marked ``preferredTerm-admn-sts`` and each alias
marked ``admittedTerm-admn-sts``; the ``url`` is an ``xref type="externalCrossReference"``.
All text is escaped; characters XML 1.0 cannot hold (most control characters) are refused.
"""

from __future__ import annotations

import re

from ..errors import GlossaryError
from ..glossary import Glossary
from ..model import Entry
from . import is_xml_name

__all__ = ["escape_xml", "write_tbx"]

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"}


def escape_xml(text: str, what: str = "a value") -> str:
    """``text`` escaped for XML content and attribute values; refuse what XML cannot hold."""
    bad = _NOT_XML.search(text)
    if bad is not None:
        raise GlossaryError(f"{what} contains the character U+{ord(bad.group()):04X}, which "
                            "XML cannot hold", hint="remove it, or write YAML or JSON instead")
    return re.sub(r'[&<>"\r]', lambda m: _ESCAPES[m.group()], text)


def _concept(entry: Entry) -> list[str]:
    def x(text: str) -> str:
        return escape_xml(text, f"the entry '{entry.term}'")

    attrs = f' id="{x(entry.id)}"' if is_xml_name(entry.id) else ""
    out = [f"      <termEntry{attrs}>"]
    if entry.url:
        out.append(f'        <xref type="externalCrossReference" target="{x(entry.url)}">'
                   f"{x(entry.url)}</xref>")
    out.append('        <langSet xml:lang="fr">')
    definition = f'<descrip type="definition">{x(entry.definition)}</descrip>'
    if entry.source:
        out.append(f"          <descripGrp>{definition}"
                   f'<admin type="source">{x(entry.source)}</admin></descripGrp>')
    else:
        out.append(f"          {definition}")
    for form, status in ((entry.term, "preferredTerm"),
                         *((alias, "admittedTerm") for alias in entry.aliases)):
        out.append(f"          <tig><term>{x(form)}</term><termNote type="
                   f'"administrativeStatus">{status}-admn-sts</termNote></tig>')
    out += ["        </langSet>", "      </termEntry>"]
    return out


def write_tbx(glossary: Glossary) -> str:
    """The glossary as a TBX-Basic document in UTF-8."""
    title = (f"      <titleStmt><title>{escape_xml(glossary.name, 'the name')}</title>"
             "</titleStmt>") if glossary.name else None
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">',
        '<martif type="TBX-Basic" xml:lang="fr">',
        "  <martifHeader>",
        "    <fileDesc>",
        *([title] if title else []),
        "      <sourceDesc><p>Written by glossator</p></sourceDesc>",
        "    </fileDesc>",
        '    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>',
        "  </martifHeader>",
        "  <text>",
        "    <body>",
    ]
    for entry in glossary:
        lines += _concept(entry)
    lines += ["    </body>", "  </text>", "</martif>"]
    return "\n".join(lines) + "\n"
