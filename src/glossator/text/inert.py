"""Data made inert for the place it is shown in: a terminal, an HTML page, a message.

A glossary or a text may hold characters that a terminal acts on (escape sequences that
clear the screen, set the window title or a hyperlink, the 8-bit CSI) or that reorder what
is shown (BiDi overrides and isolates), and characters that HTML forbids. Every output of
glossator that shows data passes it through one of the functions here, and each such
character comes out as a **visible escape**: ``\\x1b`` for a code point below U+0100
(``\\x00``, ``\\x07``, ``\\x7f``, ``\\x9b``…), ``\\u202e`` above, ``\\U0010ffff`` beyond
the BMP. No character is lost: the escape names it, and the rest of the text is untouched
(a backslash already in the text is left as it is).

* :func:`terminal_safe`: C0 controls (tab kept, and line feed where it is layout), DEL,
  C1 controls, the BiDi embeddings, overrides and isolates (U+202A–U+202E,
  U+2066–U+2069), and lone surrogates (which no encoding can write). The marks LRM,
  RLM and ALM (U+200E, U+200F, U+061C) are kept: they have no embedding level, cannot
  reverse or hide a run of letters, and Arabic or Hebrew terms need them.
* :func:`html_safe`: what HTML forbids in text and attributes: C0 controls other than
  tab, line feed, form feed and carriage return, DEL, C1 controls, noncharacters
  (U+FDD0–U+FDEF and the last two code points of every plane) and lone surrogates.
"""

from __future__ import annotations

import re

__all__ = ["BIDI_CONTROLS", "html_safe", "terminal_safe", "visible_escape"]

#: The BiDi embeddings, overrides and isolates: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI,
#: PDI. Each can reorder or hide what follows it on screen.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_TERMINAL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")
_TERMINAL_NO_NEWLINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")
_HTML = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
    + "".join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF) for p in range(1, 17))
    + "]")


def visible_escape(char: str) -> str:
    """The visible escape of one character: ``\\x1b``, ``\\u202e``, ``\\U0010ffff``."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape(match: re.Match[str]) -> str:
    return visible_escape(match.group())


def terminal_safe(text: str, *, newlines: bool = True) -> str:
    """``text`` with every character a terminal would act on shown as a visible escape.

    Tab stays; so does line feed unless ``newlines`` is false (a one-line message)."""
    pattern = _TERMINAL if newlines else _TERMINAL_NO_NEWLINE
    if text.isascii() and text.isprintable():
        return text
    return pattern.sub(_escape, text)


def html_safe(text: str) -> str:
    """``text`` with every character HTML forbids shown as a visible escape (to be
    HTML-escaped after, as any text)."""
    if text.isascii() and text.isprintable():
        return text
    return _HTML.sub(_escape, text)
