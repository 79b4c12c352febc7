"""CSV and TSV glossaries: a header row with the columns in use, then one row per entry.

Lists (``aliases``, ``tags``, ``not_in``) are joined with ``|``, as the CSV loader reads
them. A value that itself contains ``|`` cannot be written that way, and there is no escape
for it in the format: the writer refuses it with the entry's name, rather than write a file
that reads back differently.
"""

from __future__ import annotations

import csv
import io
import re

from ..errors import GlossaryError
from ..glossary import Glossary
from . import ENTRY_ORDER, entry_record

__all__ = ["formula_cells", "write_csv", "write_tsv"]

_LISTS = ("aliases", "tags", "domain", "not_in")
#: How a cell a spreadsheet would run as a formula starts: ``=``, ``@``, or ``+``/``-``
#: before anything but a space (``+ de 50 salariés`` is text), or a tab or CR.
_FORMULA = re.compile(r"[=@\t\r]|[+-][^ ]")


def _write(glossary: Glossary, delimiter: str) -> str:
    records = [entry_record(e) for e in glossary]
    used = {key for record in records for key in record}
    columns = [key for key in ENTRY_ORDER if key in used or key in ("term", "definition")]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for entry, record in zip(glossary, records, strict=True):
        row = []
        for key in columns:
            value = record.get(key)
            if key in _LISTS and value:
                bad = next((v for v in value if "|" in v), None)
                if bad is not None:
                    raise GlossaryError(
                        f"entry '{entry.term}': the {key} value '{bad}' contains '|', which "
                        "separates values in a CSV cell", file=entry.origin.file
                        if entry.origin else None,
                        line=entry.origin.line if entry.origin else None,
                        hint="write the glossary as YAML, JSON or TOML, or remove the '|'")
                value = "|".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            row.append("" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue()


def formula_cells(glossary: Glossary) -> list[str]:
    """The cells of ``glossary`` written as CSV or TSV that a spreadsheet opening the file
    would take for formulas (``=HYPERLINK(…)``), as ``"'ESS' definition"``: written as
    they are (glossator reads them back so), and worth a warning."""
    found = []
    for entry in glossary:
        for key, value in entry_record(entry).items():
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and _FORMULA.match(v) for v in values):
                found.append(f"'{entry.term}' {key}")
    return found


def write_csv(glossary: Glossary) -> str:
    """The glossary as CSV (comma separated, UTF-8, fields quoted where needed)."""
    return _write(glossary, ",")


def write_tsv(glossary: Glossary) -> str:
    """The glossary as TSV (tab separated)."""
    return _write(glossary, "\t")
