"""What glossator inserts in an output, per markup preset: strip it off, list the terms.

The central property of the HTML tests: removing the inserted markup from an annotated
page gives back the input byte for byte. :func:`strip_glossator_markup` and
:func:`strip_markup` remove it; :func:`terms` and :func:`annotated_terms` list the source
text of each annotated term.
"""

from __future__ import annotations

import re

# the term's source may hold inline formatting (économie <em>sociale</em>): matched lazily
# up to the tooltip, which only glossator writes
_INSERTED = re.compile(
    r'<span class="glossator" data-glossator-entry="[^"]*">'
    r'<span class="glossator-term" tabindex="0" aria-describedby="[^"]*">(.*?)</span>'
    r'<span class="glossator-tip" role="tooltip" id="[^"]*"> '
    r'<span class="glossator-title">[^<]*</span> '
    r'<span class="glossator-definition">[^<]*</span> '
    r'(?:<span class="glossator-source">(?:[^<]|<a href="[^"]*">[^<]*</a>)*</span> )?'
    r'</span></span>', re.S
)
#: The stylesheet and script linked from a whole page's head (--assets link, the default
#: when the command line writes files), each on its own line or not
_ASSETS = re.compile(r'[ \t]*<link rel="stylesheet" href="(?:\.\./)*glossator\.css">\n?'
                     r'|[ \t]*<script defer src="(?:\.\./)*glossator\.js"></script>\n?')
_TERM = re.compile(r'aria-describedby="[^"]*">(.*?)</span><span class="glossator-tip"', re.S)


def strip_glossator_markup(output: str) -> str:
    """``output`` without the markup glossator inserted: the term's source text stays,
    and the links to the stylesheet and script in the head go."""
    return _ASSETS.sub("", _INSERTED.sub(lambda m: m.group(1), output))


def terms(output: str) -> list[str]:
    """The source text of each annotated term, in order."""
    return _TERM.findall(output)


_SPIP = re.compile(
    r'<a class="cs_glossaire" data-glossator-entry="[^"]*">'
    r'<span class="gl_mot" tabindex="0" aria-describedby="[^"]*">([^<]*)</span>'
    r'<span class="gl_dl" role="tooltip" id="[^"]*"> '
    r'<span class="gl_dt">[^<]*</span> '
    r'<span class="gl_dd">[^<]*</span> (?:<span class="glossator-source">[^<]*</span> )?'
    r'</span></a>'
)
_ABBR = re.compile(r'<abbr data-glossator-entry="[^"]*" title="[^"<>]*">([^<]*)</abbr>')


def strip_markup(output: str, markup: str) -> str:
    """``output`` without what glossator inserted with preset ``markup``."""
    if markup == "glossator":
        return strip_glossator_markup(output)
    stripped = (_SPIP if markup == "spip" else _ABBR).sub(lambda m: m.group(1), output)
    return strip_glossator_markup(stripped)  # the assets in the head


def annotated_terms(output: str, markup: str) -> list[str]:
    """The source text of each term annotated with preset ``markup``, in order."""
    pattern = {"spip": _SPIP, "abbr": _ABBR}.get(markup)
    if pattern is None:
        return re.findall(r'aria-describedby="[^"]*">([^<]*)</span>', output)
    return pattern.findall(output)
