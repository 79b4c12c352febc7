"""The character tables of written French, each defined once.

Every module that must know what an apostrophe, a no-break space or an eliding word is
takes it from here; the C scanner gets the same tables through the header generated
from this module (``python -m glossator.matching.tables``), never retyped.
"""

from __future__ import annotations

__all__ = [
    "APOSTROPHES",
    "DASHES",
    "ELIDING_WORDS",
    "ELISION_APOSTROPHES",
    "ELISION_MARKS",
    "HYPHENS",
    "INVISIBLE",
    "JOINERS",
    "SPACES",
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
#: Spaces other than the ASCII ones that count as one plain space for matching: no-break
#: (U+00A0), narrow no-break (U+202F), figure, thin, hair, en, em…, ideographic.
SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
#: Invisible characters that may sit inside a word and are looked through: the soft
#: hyphen, zero-width space and joiners, the word joiner and the byte-order mark.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
#: Characters that join the parts of one token and stay in a folded form
#: (*non-lucratif*, *R&D*, *@glossator*, *snake_case*).
JOINERS = "-&@_"
#: Hyphens and minus signs: what sorts and compares as the hyphen-minus ``-``.
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
#: Dashes that set off a phrase (*— PTCE —*).
DASHES = "\u2013\u2014"
#: The words French elides before a vowel, in lower case: the ``l`` of *l'ESS*, the
#: ``jusqu`` of *jusqu'aux*.
ELIDING_WORDS = (
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
    "presqu", "quelqu",
)
