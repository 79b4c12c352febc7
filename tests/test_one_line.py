"""``one_line``: the fast path for text already on one line agrees with the folding."""

from __future__ import annotations

import sys

import pytest

from glossator.text.normalize import _one_line, one_line


@pytest.mark.parametrize(("text", "shown"), [
    ("  Économie\n sociale\t et solidaire ", "Économie sociale et solidaire"),
    ("Article\u00a0L.\u00a0123 : « ESS »", "Article\u00a0L.\u00a0123 : « ESS »"),
    ("deux  espaces", "deux espaces"),
    ("a\u00a0\u00a0b", "a b"),  # a run of no-break spaces is a run like another
    ("1\u202f000 €", "1\u202f000 €"),
    ("", ""),
    (" ", ""),
    ("déjà sur une ligne", "déjà sur une ligne"),
])
def test_one_line(text: str, shown: str) -> None:
    assert one_line(text) == shown


def test_the_shortcut_gives_what_the_folding_gives_for_every_character() -> None:
    # the shortcut returns a printable text as it is: if some white space were printable,
    # a text holding it would be returned unfolded
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        for text in (c, f"a{c}b", f" a{c}", f"a{c} ", f"{c}{c}x"):
            assert one_line(text) == _one_line(text), hex(code)
