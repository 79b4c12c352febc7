"""Every command that reads glossaries honours --glossary-encoding (a cp1252 CSV)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [
    ["annotate", "{doc}", "-g", "{gl}", "-f", "text"],
    ["explain", "{doc}", "-g", "{gl}"],
    ["check", "{gl}"],
    ["convert", "{gl}", "-", "--to", "yaml"],
    ["index", "{gl}", "-f", "markdown"],
    ["suggest", "{doc}", "-g", "{gl}"],
    ["strip", "{doc}", "-g", "{gl}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_cp1252_glossary_reads_with_the_option_and_not_without(
    tmp_path: Path, command: list[str]
) -> None:
    gl = tmp_path / "lexique.csv"
    gl.write_bytes("term;definition\nÉtat;Personne morale de droit public.\n".encode("cp1252"))
    doc = tmp_path / "doc.txt"
    doc.write_text("L’État décide.\n", "utf-8")
    args = [a.format(doc=doc, gl=gl) for a in command]

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "glossator", *args, *extra],
                              capture_output=True, text=True)

    refused = run()
    # check reports on stdout (so that `check > report.txt` works), the others on stderr
    assert refused.returncode == 1
    assert "--glossary-encoding cp1252" in refused.stderr + refused.stdout
    accepted = run("--glossary-encoding", "cp1252")
    assert accepted.returncode == 0, accepted.stderr
    if command[0] in ("convert", "index"):
        assert "Personne morale de droit public" in accepted.stdout
