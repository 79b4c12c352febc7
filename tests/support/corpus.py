"""The shared corpus of real French text and the real public glossary of acronyms.

It lives at ``../shared/corpus`` beside the checkout (or beside the folder of its
worktrees), or at ``$GLOSSATOR_CORPUS``, as ``benchmarks/benchlib.py`` finds it; the tests
that read it skip, naming where to put it, when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("GLOSSATOR_CORPUS") or next(
    (p for p in (REPO.parent / "shared" / "corpus", REPO.parents[1] / "shared" / "corpus")
     if p.is_dir()), REPO.parent / "shared" / "corpus"))
#: The public list of French acronyms (5 550 rows).
SIGLES = CORPUS / "glossaries" / "sigles.csv"


def require(path: Path) -> Path:
    """``path`` in the corpus, or a skip that says where the corpus goes."""
    if not path.exists():
        pytest.skip(f"needs the shared corpus' {path} (put the corpus at ../shared/corpus "
                    "beside the checkout or set GLOSSATOR_CORPUS)")
    return path
