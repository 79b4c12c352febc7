"""The C scanner's tables, generated from the Python ones: ``python -m glossator.matching.tables``.

``_scan.c`` includes ``_scan_tables.h``, which this module writes from
:mod:`glossator.text.chars` and the byte tables :mod:`glossator.matching.fold` derives from
it, so that the C scanner never retypes a character list. The header is committed (an
install needs no Python step before compiling); ``tests/test_scanner.py`` regenerates it
in memory and fails while the committed file is out of date.

``python -m glossator.matching.tables --check`` only compares, and exits with 1 if the
file would change.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..text.chars import ELIDING_WORDS
from .fold import (
    _APOSTROPHE_LAST,
    _INVISIBLE,
    _JOINER,
    _LETTER,
    _SEPARATOR_TAILS,
    _TABLE,
    _UPPER,
    _WIDE_SPACES,
    _WORD,
    _WS_TABLE,
    fold_form,
    nfc_suspect_bytes,
)

__all__ = ["COMMAND", "HEADER", "header", "main"]

#: The file this module writes, next to ``_scan.c``.
HEADER = Path(__file__).with_name("_scan_tables.h")
#: The command that writes it.
COMMAND = "python -m glossator.matching.tables"

#: The longest byte sequence a ``SeqRange`` holds (UTF-8 needs at most 4).
_MAX_SEQ = 4
#: The longest eliding word an ``ElidingWord`` holds.
_MAX_WORD = 7


def _require(ok: bool, why: str) -> None:
    """Refuse to write a header the C code would misread."""
    if not ok:
        raise ValueError(why)


def _byte_array(name: str, values: Sequence[int], comment: str) -> str:
    """A ``static const uint8_t name[256]`` literal, 16 values a line, with its comment."""
    _require(len(values) == 256 and all(0 <= v < 256 for v in values), f"{name}: not bytes")
    out = [*_comment(comment), f"static const uint8_t {name}[256] = {{"]
    for row in range(0, 256, 16):
        cells = ", ".join(f"0x{v:02X}" for v in values[row : row + 16])
        out.append(f"    /* {row:02X} */ {cells},")
    out.append("};")
    return "\n".join(out)


def _comment(text: str) -> list[str]:
    """``text`` as the lines of a C block comment."""
    lines = text.splitlines()
    if len(lines) == 1:
        return [f"/* {lines[0]} */"]
    return [f"/* {lines[0]}", *(f" * {line}" for line in lines[1:-1]), f" * {lines[-1]} */"]


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}"


def _ranges(seqs: Iterable[bytes]) -> list[tuple[bytes, int, int, list[str]]]:
    """The UTF-8 sequences ``seqs``, sorted, runs that differ only in a consecutive last
    byte merged: ``(head, lo, hi, characters)``."""
    out: list[tuple[bytes, int, int, list[str]]] = []
    for seq in sorted(set(seqs)):
        ch = seq.decode("utf-8")
        _require(len(ch) == 1, f"{seq!r} is not one character")
        _require(len(seq) <= _MAX_SEQ, f"{_name(ch)} is longer than a SeqRange holds")
        head, last = seq[:-1], seq[-1]
        if out and out[-1][0] == head and out[-1][2] + 1 == last:
            out[-1] = (head, out[-1][1], last, [*out[-1][3], ch])
        else:
            out.append((head, last, last, [ch]))
    return out


def _seq_table(name: str, seqs: Iterable[bytes], comment: str) -> str:
    """A ``static const SeqRange name[]`` literal of the sequences ``seqs``, its count
    ``N_name`` and the longest sequence's length ``MAX_LEN_name``."""
    rows = _ranges(seqs)
    out = [*_comment(comment), f"static const SeqRange {name}[] = {{"]
    for head, lo, hi, members in rows:
        lead = head[0] if head else lo
        mid = ", ".join(f"0x{b:02X}" for b in head[1:]) or "0"
        what = _name(members[0]) if len(members) == 1 else (
            f"{_name(members[0])} .. {_name(members[-1])}")
        out.append(f"    {{{len(head) + 1}, 0x{lead:02X}, {{{mid}}}, 0x{lo:02X}, 0x{hi:02X}}},"
                   f" /* {what} */")
    longest = max(len(head) + 1 for head, _, _, _ in rows)
    out += ["};", f"#define N_{name} {len(rows)}", f"#define MAX_LEN_{name} {longest}"]
    return "\n".join(out)


def _eliding_table() -> str:
    words = list(dict.fromkeys(ELIDING_WORDS))
    for w in words:  # compared with the folded text, a run of ASCII letters
        _require(w.isascii() and w.isalpha() and fold_form(w) == w.encode(),
                 f"eliding word {w!r} is not lower-case ASCII letters")
        _require(len(w) <= _MAX_WORD, f"eliding word {w!r} is longer than ElidingWord holds")
    out = [*_comment(
        "The words French elides before a vowel (chars.ELIDING_WORDS), as they are in the\n"
        "folded text: the l of l'ESS, the jusqu of jusqu'aux. elision() compares the\n"
        "letters before an apostrophe with each."
    ), "static const ElidingWord ELIDING[] = {"]
    out += [f'    {{{len(w)}, "{w}"}},' for w in words]
    out += ["};", f"#define N_ELIDING {len(words)}"]
    return "\n".join(out)


def _tables() -> list[tuple[str, list[int], str]]:
    """The 256-byte class arrays: name, values, what they mean."""
    run_space = [1 if _WS_TABLE[b] == 0x20 else 0 for b in range(256)]
    leads = {seq[0] for seq in _INVISIBLE} | {seq[0] for seq, _ in _WIDE_SPACES}
    leads_nfc = sorted(nfc_suspect_bytes())
    return [
        ("WORD", list(_WORD),
         "fold._WORD: 1 for ASCII letters and digits, 2 for every byte >= 0x80 (the\n"
         "character it belongs to then decides), 0 for the rest."),
        ("JOINER", list(_JOINER),
         "fold._JOINER: the joiners (chars.JOINERS: - & @ _), which the fold keeps inside\n"
         "a token."),
        ("UPPER", list(_UPPER),
         "fold._UPPER: A-Z and the lead bytes of Latin capitals (C3, C5): a capital may\n"
         "start here."),
        ("LETTER", list(_LETTER),
         "fold._LETTER: the ASCII letters (elided words are runs of them)."),
        ("SPACE", [1 if b < 0x80 and chr(b).isspace() else 0 for b in range(256)],
         "The single bytes str.split() splits on (what fold._flat joins into one space):\n"
         "ASCII white space and the separators 1C..1F; 0 for every byte >= 0x80."),
        ("FOLD", [_TABLE[b] if b < 0x80 else b for b in range(256)],
         "fold._TABLE for ASCII (lower case, or a space for punctuation); bytes >= 0x80\n"
         "are left as they are, unlike _TABLE: C reads FOLD only for ASCII bytes of a\n"
         "form."),
        ("RUN_SPACE", run_space,
         "The white space of fold._WS_TABLE (space, tab, line breaks, form feed, vertical\n"
         "tab): the ASCII bytes runs between words are made of (see edits())."),
        ("EDIT_STOP", [1 if run_space[b] or b in leads else 0 for b in range(256)],
         "Bytes where an edit may begin (see edits()): RUN_SPACE, and the lead bytes of\n"
         "the wide spaces (chars.SPACES) and the invisible characters (chars.INVISIBLE)."),
        ("PREP_STOP", [1 if run_space[b] or b in leads or b in nfc_suspect_bytes()
                       else 0 for b in range(256)],
         "EDIT_STOP, and the lead bytes of what NFC may change (NFC_SUSPECT): where\n"
         "prepare() stops."),
        ("NFC_LEAD", [leads_nfc.index(b) + 1 if b in leads_nfc else 0 for b in range(256)],
         "fold.nfc_suspect_bytes: for the lead bytes of what NFC may change, 1 + their row\n"
         "of NFC_SECOND; 0 for the rest. Read by nfc_suspect_at()."),
        ("TEXT_FOLD", list(_TABLE),
         "fold._TABLE, the fold of a text (bytes.translate): ASCII lower case, punctuation\n"
         "and separator bytes to a space, continuation bytes 80..9E shifted by 0x20."),
        ("SEP_LEAD", _separator_leads(),
         "The lead bytes of the separators fold.fold_text blanks whole\n"
         "(fold._SEPARATOR_TAILS), as the length of their sequences; 0 for the rest."),
    ]


def _separators() -> list[int]:
    """The code points of the separators :func:`fold.fold_text` blanks whole."""
    cps = []
    for lead, width, tails in _SEPARATOR_TAILS:
        for tail in tails:
            seq = lead + tail
            _require(len(seq) == width + 1, f"{seq!r}: a separator of another length")
            cps.append(ord(seq.decode("utf-8")))
    return sorted(cps)


def _separator_leads() -> list[int]:
    out = [0] * 256
    for lead, width, _ in _SEPARATOR_TAILS:
        _require(lead[0] in (0xC2, 0xE2) or lead[0] >= 0xF0,
                 f"separator lead 0x{lead[0]:02X}: neither C2, E2 nor a four-byte lead")
        out[lead[0]] = width + 1
    return out


def _separator_tables() -> str:
    """The separators :func:`fold.fold_text` blanks whole: a bitmap of U+0080..U+00BF (the
    C2 lead), one of U+2000..U+2FFF (E2), and the ranges beyond U+FFFF, for is_separator()."""
    cps = _separators()
    c2 = sum(1 << (c - 0x80) for c in cps if 0x80 <= c < 0xC0)
    e2 = [0] * 512
    for c in cps:
        if 0x2000 <= c < 0x3000:
            e2[(c - 0x2000) >> 3] |= 1 << ((c - 0x2000) & 7)
    _require(all(0x80 <= c < 0xC0 or 0x2000 <= c < 0x3000 or c >= 0x10000 for c in cps),
             "a separator outside U+0080..U+00BF, U+2000..U+2FFF and the astral planes")
    ranges: list[list[int]] = []
    for c in (c for c in cps if c >= 0x10000):
        if ranges and ranges[-1][1] + 1 == c:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    out = [*_comment(
        "The separators fold.fold_text blanks whole (fold._SEPARATOR_TAILS), by code\n"
        "point: U+0080..U+00BF as bits of SEP_C2, U+2000..U+2FFF as bits of SEP_E2, and\n"
        "the ranges beyond U+FFFF. Read by separator_len()."),
        f"static const uint64_t SEP_C2 = 0x{c2:016X}u;",
        "static const uint8_t SEP_E2[512] = {"]
    for row in range(0, 512, 16):
        out.append("    " + ", ".join(f"0x{v:02X}" for v in e2[row : row + 16]) + ",")
    out += ["};", "static const uint32_t SEP_ASTRAL[][2] = {"]
    out += [f"    {{0x{lo:05X}, 0x{hi:05X}}}," for lo, hi in ranges]
    out += ["};", f"#define N_SEP_ASTRAL {len(ranges)}"]
    return "\n".join(out)


def _nfc_tables() -> str:
    """fold.nfc_suspect_bytes as NFC_SECOND (one row of 64 a lead byte in NFC_LEAD, by
    second byte) and NFC_THIRD (bits of the third bytes, for the rows that need them)."""
    seconds = nfc_suspect_bytes()
    thirds: list[int] = []
    rows: list[list[int]] = []
    for lead in sorted(seconds):
        row = [0] * 64
        for second, ends in seconds[lead].items():
            _require(0x80 <= second < 0xC0, f"0x{lead:02X} 0x{second:02X}: not UTF-8")
            if ends is None or len(ends) == 64:
                row[second & 0x3F] = 1
            else:
                thirds.append(sum(1 << (b & 0x3F) for b in ends))
                row[second & 0x3F] = len(thirds) + 1
        rows.append(row)
    _require(len(thirds) + 1 < 256, "too many NFC_THIRD rows for a byte")
    out = [*_comment(
        "What NFC may change (fold.NFC_SUSPECT_RANGES), by UTF-8 bytes: the row\n"
        "NFC_LEAD[lead] - 1 of NFC_SECOND, indexed by the second byte's low six bits, is 0\n"
        "(no suspect), 1 (a suspect) or 2 + the row of NFC_THIRD, whose bit (third byte &\n"
        "63) says. Read by nfc_suspect_at()."),
        f"static const uint8_t NFC_SECOND[{len(rows)}][64] = {{"]
    for row in rows:
        out.append("    {" + ", ".join(str(v) for v in row) + "},")
    out += ["};", f"static const uint64_t NFC_THIRD[{len(thirds)}] = {{"]
    out += [f"    0x{bits:016X}u," for bits in thirds]
    out.append("};")
    return "\n".join(out)


def header() -> str:
    """The text of ``_scan_tables.h``, from the tables as they are now."""
    parts = [
        "\n".join(_comment(
            f"Generated by `{COMMAND}` (src/glossator/matching/tables.py)\n"
            "from glossator/text/chars.py and glossator/matching/fold.py. Do not edit: change\n"
            "those and run the command again (tests/test_scanner.py fails until then).\n"
            "Included once, by _scan.c."
        )),
        "#ifndef GLOSSATOR_SCAN_TABLES_H\n#define GLOSSATOR_SCAN_TABLES_H\n\n#include <stdint.h>",
        *(_byte_array(name, values, comment) for name, values, comment in _tables()),
        "\n".join(_comment(
            "UTF-8 sequences of one character each that differ only in their last byte:\n"
            "lead, then mid[0 .. len-3], then a last byte in lo..hi (a one-byte sequence is\n"
            "its lead, and lo = hi = lead). A table is sorted by bytes, so by lead; no\n"
            "sequence is a prefix of another."
        )) + "\ntypedef struct {\n    uint8_t len;  /* bytes in each sequence */\n"
        "    uint8_t lead; /* the first byte */\n"
        f"    uint8_t mid[{_MAX_SEQ - 2}]; /* the bytes between the first and the last */\n"
        "    uint8_t lo, hi; /* the range of the last byte */\n} SeqRange;",
        _seq_table("INVISIBLE_SEQS", _INVISIBLE,
                   "The invisible characters looked through inside words (chars.INVISIBLE,\n"
                   "fold._INVISIBLE): edits() cuts them. Read by invisible_at()."),
        _seq_table("WIDE_SPACE_SEQS", (seq for seq, _ in _WIDE_SPACES),
                   "The spaces beyond ASCII (chars.SPACES, fold._WIDE_SPACES): in a run\n"
                   "between words, like ASCII white space. Read by wide_space_at()."),
        _seq_table("APOSTROPHE_SEQS", _APOSTROPHE_LAST.values(),
                   "The apostrophes an elided word ends with (fold._APOSTROPHE_LAST, what\n"
                   "the Python scanner's _verify reads). Read by elision(), backwards from\n"
                   "their last byte."),
        f"typedef struct {{\n    uint8_t len;\n    char text[{_MAX_WORD + 1}];\n}} ElidingWord;",
        _eliding_table(),
        _separator_tables(),
        _nfc_tables(),
        "#endif /* GLOSSATOR_SCAN_TABLES_H */",
    ]
    return "\n\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``_scan_tables.h`` (or, with ``--check``, say whether it is up to date)."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = header().encode("ascii")
    current = HEADER.read_bytes() if HEADER.is_file() else None
    if args == ["--check"]:
        if current != text:
            print(f"{HEADER} is out of date: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if args:
        print(f"usage: {COMMAND} [--check]", file=sys.stderr)
        return 2
    if current != text:
        HEADER.write_bytes(text)
        print(f"wrote {HEADER}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
