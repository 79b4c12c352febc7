"""CSV and TSV glossaries: a header row naming the columns, then one entry per row.

``term`` and ``definition`` columns are required; any other entry field may be a column
(``aliases``, ``tags`` and ``not_in`` hold several values separated by ``|``). Unknown
columns are ignored with one warning. Excel exports are read as they come: a UTF-8 BOM, and
``;`` as the separator (detected from the header row), are accepted; French booleans
(``VRAI``/``FAUX``, ``oui``/``non``) are understood. A column named ``url_source``,
``source_url``, ``source_link`` or ``lien_source`` is the ``url`` column
(:data:`COLUMN_SYNONYMS`).
"""

from __future__ import annotations

import csv
import difflib
import io

from ..entries import CSV_SYNTAX, ENTRY_KEYS, entries_from_data, error_diagnostic
from ..errors import GlossaryError
from ..glossary import Glossary
from ..model import Diagnostic, GlossaryProblems, Location
from .yaml import decode

__all__ = ["COLUMN_SYNONYMS", "load", "load_tsv"]

#: Columns holding several values, separated by ``|``.
LIST_COLUMNS = frozenset({"aliases", "tags", "domain", "not_in"})
_FLAG_COLUMNS = frozenset({"case_sensitive", "inflect", "hyphen_variants"})
_FRENCH_FLAGS = {"vrai": "true", "faux": "false", "oui": "true", "non": "false"}
_SEPARATORS = (",", ";", "\t")
#: Other names of a column that real glossaries give it, read as the entry key they mean:
#: the public French acronym list (sigles.csv) calls its source's link ``url_source``.
COLUMN_SYNONYMS = {"url_source": "url", "source_url": "url", "lien_source": "url",
                   "source_link": "url"}
_HEADER_HINT = "the first row must name the columns, e.g. term,definition,aliases"


def _decode(data: bytes, name: str, encoding: str | None) -> str:
    return decode(data, name, encoding, hint="the file is in another encoding, probably "
                  "Windows-1252 as Excel's 'CSV' export writes: read it with "
                  "--glossary-encoding cp1252, or re-save it as 'CSV UTF-8'")


def _separator(text: str, default: str) -> str:
    """The separator of the header row: the most frequent of ``,`` ``;`` and tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > counts[default] else default


def _suggest(names: list[str]) -> str:
    if len(names) == 1:
        close = difflib.get_close_matches(names[0], ENTRY_KEYS, n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
    return "known columns: " + ", ".join(ENTRY_KEYS)


def _read(data: bytes, name: str, default_separator: str, encoding: str | None) -> Glossary:
    text = _decode(data, name, encoding)
    separator = _separator(text, default_separator)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator,
                        strict=True)
    diagnostics: list[Diagnostic] = []
    items: list[dict[str, object]] = []
    lines: list[dict[str, int]] = []
    columns: list[str | None] = []  # the entry key of each column, None when ignored
    header_line = 0
    previous_end = 0
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not header_line:
                header_line = start
                columns = _header(row, name, start, diagnostics)
                continue
            if any(cell.strip() for cell in row[len(columns):]):
                diagnostics.append(_ragged(row, len(columns), separator, name, start,
                                           previous_end))
                continue
            if separator == "\t" and previous_end > start:
                diagnostics.extend(_taken_in(row, name, start, previous_end))
            items.append(_item(columns, row))
            lines.append({"": start})
    except csv.Error as exc:
        diagnostics.append(error_diagnostic(GlossaryError(
            f"invalid CSV: {_csv_problem(str(exc))}", file=name, line=previous_end + 1,
            hint="a field that contains a double quote must be quoted, "
            'and the quote doubled: "le ""tiers-lieu"""')))
        GlossaryProblems.check(diagnostics)
    if not header_line:
        raise GlossaryError("the glossary is empty", file=name, line=1, hint=_HEADER_HINT)
    entries = entries_from_data(items, name, diagnostics, lines, CSV_SYNTAX)
    return Glossary(entries, diagnostics=diagnostics)


def _csv_problem(message: str) -> str:
    """The csv module's message said in the reader's terms."""
    if "unexpected end of data" in message:
        return "a double quote opened on this row is never closed"
    if "expected after '\"'" in message:
        return "a quoted field goes on after its closing double quote"
    return message


def _taken_in(row: list[str], name: str, start: int, end: int) -> list[Diagnostic]:
    """A warning for a quoted field of a tab-separated row that holds a line break and
    then a tab: most likely the rows after a stray double quote, read as one field up to
    the next quote that can close it (a definition may hold a line break and a tab, which
    glossator's own TSV writes quoted, so it is said, not refused)."""
    for cell in row:
        brk = cell.find("\n")
        if brk >= 0 and "\t" in cell[brk:]:
            return [Diagnostic(
                "warning", f"a double quote opens a field on this row that only closes on "
                f"line {end}: lines {start + 1}-{end} are read as part of it, not as rows",
                Location(name, start), 'a field that starts with a double quote is quoted, '
                'as in CSV: if that quote is a stray one, remove it, or quote the whole '
                'field and double the quotes inside it: "le ""tiers-lieu"""', "glossary-warning")]
    return []


def _ragged(row: list[str], columns: int, separator: str, name: str, start: int,
            end: int) -> Diagnostic:
    """A row with more fields than the header: an error naming the row's first line (and
    its last, for a row whose quoted fields hold line breaks)."""
    span = f" (lines {start}-{end})" if end > start else ""
    return Diagnostic(
        "error", f"this row{span} has {len(row)} fields but the header has {columns}",
        Location(name, start), f"put the fields that contain '{separator}' in double quotes",
        "load-error")


def _rename(missing: list[str], cells: list[str]) -> str:
    """How to name the required columns: ``rename 'terme' to 'term'`` for a header cell
    close to one (accents and case aside), else the usual header."""
    import unicodedata

    def plain(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", text.lower())
                       if not unicodedata.combining(c))

    renames = []
    for key in missing:
        close = difflib.get_close_matches(key, [plain(c) for c in cells], n=1, cutoff=0.7)
        if close:
            cell = next(c for c in cells if plain(c) == close[0])
            renames.append(f"'{cell}' to '{key}'")
    if not renames:
        return _HEADER_HINT
    return f"the column names are English: rename {' and '.join(renames)}"


def _header(
    row: list[str], name: str, line: int, diagnostics: list[Diagnostic]
) -> list[str | None]:
    """Map each column of the header row to an entry key (None: ignored)."""
    columns: list[str | None] = []
    unknown: list[str] = []
    for cell in row:
        key = cell.strip().lower().replace(" ", "_").replace("-", "_")
        key = COLUMN_SYNONYMS.get(key, key)
        if key in ENTRY_KEYS:
            if key in columns:
                diagnostics.append(Diagnostic(
                    "warning", f"column '{key}' appears twice; the last one is used",
                    Location(name, line), code="duplicate-key"))
            columns.append(key)
        else:
            columns.append(None)
            if cell.strip():
                unknown.append(cell.strip())
    missing = [key for key in ("term", "definition") if key not in columns]
    if missing:  # both at once
        cells = [cell.strip() for cell in row if cell.strip()]
        raise GlossaryError(
            f"the header row has no {' and no '.join(map(repr, missing))} column (it has: "
            f"{', '.join(cells)})", file=name, line=line, hint=_rename(missing, cells),
        )
    if unknown:
        names = ", ".join(f"'{u}'" for u in unknown)
        diagnostics.append(Diagnostic(
            "warning",
            f"unknown column{'s' if len(unknown) > 1 else ''} {names} "
            f"{'are' if len(unknown) > 1 else 'is'} ignored",
            Location(name, line), _suggest(unknown), "unknown-key"))
    return columns


def _item(columns: list[str | None], row: list[str]) -> dict[str, object]:
    """The raw entry of one row: blank optional cells are left out."""
    item: dict[str, object] = {}
    for key, cell in zip(columns, row, strict=False):
        if key is None:
            continue
        value = cell.strip()
        if key in LIST_COLUMNS:
            if value:
                item[key] = [part.strip() for part in value.split("|")]  # "a||b": warned
            else:
                item.pop(key, None)
        elif key in _FLAG_COLUMNS and value.lower() in _FRENCH_FLAGS:
            item[key] = _FRENCH_FLAGS[value.lower()]
        elif value or key in ("term", "definition"):
            item[key] = value
        else:
            item.pop(key, None)
    for required in ("term", "definition"):
        item.setdefault(required, "")  # a short row: say "is empty", not "is missing"
    return item


def load(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a CSV glossary (``,`` or ``;`` or tab separated, detected from the header)."""
    return _read(data, name, ",", encoding)


def load_tsv(data: bytes, name: str, encoding: str | None = None) -> Glossary:
    """Read a TSV glossary (tab separated unless the header row says otherwise)."""
    return _read(data, name, "\t", encoding)
