"""The character tables of written French, each defined once.

Every module that must know what an apostrophe, a no-break space or an eliding word is
takes it from here; the C scanner gets the same tables through the header generated
from this module (``python -m glossator.matching.tables``), never retyped.
"""

from __future__ import annotations

__all__ = [
    "APOSTROPHES",
    "ASCII_WHITESPACE",
    "DASHES",
    "ELIDING_WORDS",
    "ELISION_APOSTROPHES",
    "ELISION_MARKS",
    "HYPHENS",
    "INVISIBLE",
    "JOINERS",
    "PUNCTUATION_SPACES",
    "SEPARATOR_BLOCKS",
    "SEPARATOR_FORMATS",
    "SPACES",
    "TOKEN_SIGNS",
    "WORD_HYPHENS",
]

#: The apostrophes French text elides with: ``'``, ``’`` (U+2019) and ``ʼ`` (U+02BC).
#: A form written with ``'`` matches a text written with any of them.
ELISION_APOSTROPHES = "'\u2019\u02bc"
#: What a text may write after an elided word (*l’ESS*): the three apostrophes above, and
#: the opening quote ``‘`` that word processors put in their place.
ELISION_MARKS = ELISION_APOSTROPHES + "\u2018"
#: Every character texts use as an apostrophe: the three above, and the opening quote
#: ``‘`` and the prime ``′`` that word processors and OCR put in their place.
APOSTROPHES = ELISION_APOSTROPHES + "\u2018\u2032"
#: The white space that HTML and Markdown collapse or drop: a line made only of these is
#: blank. A line of other spaces (no-break, narrow no-break, em…) is not: those are
#: characters the author typed, often to keep a blank line, and they are kept.
ASCII_WHITESPACE = " \t\n\r\f\v"
#: Spaces other than the ASCII ones that count as one plain space for matching: no-break
#: (U+00A0), narrow no-break (U+202F), figure, thin, hair, en, em…, ideographic.
SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
#: The spaces French typography puts before *! ? : ;* and inside *« »*: plain, no-break
#: (U+00A0) and narrow no-break (U+202F). A form's punctuation written with one of them
#: (FranceTerme's *à rejouer\u00a0!*) is found with any of them.
PUNCTUATION_SPACES = " \u00a0\u202f"
#: Invisible characters that may sit inside a word and are looked through: the soft
#: hyphen, zero-width space and joiners, the word joiner and the byte-order mark.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
#: Characters that join the parts of one token and stay in a folded form
#: (*non-lucratif*, *R&D*, *@glossator*, *snake_case*).
JOINERS = "-&@_"
#: Blocks of code points where every punctuation mark, symbol or space (Unicode categories
#: P, S and Z) separates words wherever it stands, so that a term may start right after
#: it, glued or not: *—ESS—*, *•coopérative*, *…ESS*, *”ESS*, *·*, *§*, *×*, *→*. They
#: are Latin-1's signs, the blocks from general punctuation to the miscellaneous symbols
#: and arrows, supplemental punctuation, and the emoji planes' symbols (playing cards,
#: the regional indicators of flags, pictographs, emoticons, transport…: *🇩🇪ESS*).
SEPARATOR_BLOCKS = ((0x00A1, 0x00FF), (0x2000, 0x2BFF), (0x2E00, 0x2E7F), (0x1F000, 0x1FAFF))
#: Format characters (Unicode category Cf) that separate words as a space does wherever
#: they stand: the bidirectional marks, embeddings, overrides and isolates (*⁧PTCE⁩*,
#: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), and the tag characters that
#: spell a subdivision flag after 🏴 (U+E0020–U+E007F). Unlike ``INVISIBLE`` they are
#: not looked through: a word never continues across one.
SEPARATOR_FORMATS = (
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    + "".join(map(chr, range(0xE0020, 0xE0080)))
)
#: Signs of those blocks that stay part of a token rather than separate words: the degree
#: sign of *°C* and *n°*, and the hyphen and non-breaking hyphen (U+2010, U+2011), which
#: join words as ``-`` does (*non\u2011lucratif*).
TOKEN_SIGNS = "\u00b0\u2010\u2011"
#: Hyphens and minus signs: what sorts and compares as the hyphen-minus ``-``.
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
#: The hyphens that join the parts of a word: ``-``, and the hyphen and non-breaking
#: hyphen (U+2010, U+2011) that typeset text puts in its place (*non\u2011lucratif*). A
#: form written with ``-`` is found with any of them.
WORD_HYPHENS = "-\u2010\u2011"
#: Dashes that set off a phrase (*— PTCE —*).
DASHES = "\u2013\u2014"
#: The words French elides before a vowel, in lower case: the ``l`` of *l'ESS*, the
#: ``jusqu`` of *jusqu'aux*.
ELIDING_WORDS = (
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
    "presqu", "quelqu",
)
