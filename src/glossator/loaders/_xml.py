"""XML glossaries (TBX, SKOS in RDF/XML): decoding and a safe first parse.

The text is decoded by :func:`glossator.loaders.yaml.decode` with, in this order, the
encoding the caller gives (``--glossary-encoding``), the one a UTF-16 or UTF-32 BOM says,
the one the XML declaration names, or UTF-8. It is then parsed by defusedxml: entity
declarations are refused (no "billion laughs"), and no external entity or DTD is ever
fetched.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import GlossaryError
from .yaml import decode

__all__ = ["parse_xml", "xml_text"]

_DECLARATION = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARED_ENCODING = re.compile(
    r"""^(\ufeff?\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def xml_text(data: bytes, name: str, encoding: str | None = None) -> str:
    """The text of an XML file; its declaration's ``encoding`` is removed once applied."""
    if encoding is None and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        from ..reading import wide_unicode

        wide = wide_unicode(data)  # XML names itself by its BOM: UTF-16 or UTF-32
        encoding = wide[1] if wide is not None else None
    if encoding is None:
        declared = _DECLARATION.match(data[:512])
        if declared is not None:
            encoding = declared.group(1).decode("ascii")
            import codecs

            try:
                codecs.lookup(encoding)
            except LookupError:
                raise GlossaryError(f"the XML declaration names an unknown encoding "
                                    f"'{encoding}'", file=name, line=1,
                                    hint="declare UTF-8, or pass --glossary-encoding") from None
            if codecs.lookup(encoding).name == "utf-8":
                encoding = None  # keep decode's UTF-8 messages
    text = decode(data, name, encoding)
    return _DECLARED_ENCODING.sub(r"\1", text, count=1)


def parse_xml(text: str, name: str, hint: str) -> Any:
    """Parse ``text`` with defusedxml into an ElementTree element, or raise GlossaryError."""
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring
    except ImportError:
        raise GlossaryError("reading XML glossaries needs the defusedxml package", file=name,
                            hint=hint) from None
    try:
        return fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ParseError as exc:
        line = getattr(exc, "position", (None, None))[0]
        raise GlossaryError(f"invalid XML: {exc}", file=name, line=line,
                            hint="check the markup on that line") from None
    except DefusedXmlException as exc:
        what, line = _refused(text, exc)
        raise GlossaryError(f"refused XML: {what}", file=name, line=line,
                            hint="remove the entity declarations from the file") from None


def _refused(text: str, exc: Exception) -> tuple[str, int | None]:
    """What defusedxml refused in ``text``, in words, and the line of its declaration
    (``<!ENTITY name`` for an entity; the first ``<!ENTITY`` for an external reference,
    which names no entity)."""
    entity = getattr(exc, "name", None)
    if type(exc).__name__ == "EntitiesForbidden" and isinstance(entity, str):
        what = (f"the file declares the entity '{entity}', which glossator does not expand "
                "(entities can make a small file huge, or read other files)")
        found = re.search(r"<!ENTITY\s+(?:%\s+)?" + re.escape(entity) + r"[\s>]", text)
    else:
        sysid = getattr(exc, "sysid", None)
        what = ("the file refers to an outside resource"
                + (f" ('{sysid}')" if isinstance(sysid, str) else "")
                + ", which glossator never fetches")
        found = re.search(r"<!ENTITY", text)
    return what, None if found is None else text.count("\n", 0, found.start()) + 1
