"""The runnable examples in examples/ run and do what they say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support.spark import require_spark

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, timeout: float = 120) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cms_pipeline(tmp_path: Path) -> None:
    out = run("examples/cms_pipeline.py", "examples/site", str(tmp_path))
    assert "5 terms" in out
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    source = (ROOT / "examples" / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('role="tooltip"') == 5
    assert "<code>ESS</code>" in page and '<abbr title="société coopérative et participative">' \
        "SCOP</abbr>" in page
    assert len(page) > len(source) and (tmp_path / "glossator.css").exists()
    # the page links what it needs, once (before, it linked nothing: definitions showed
    # inline in the sentence)
    assert page.count('<link rel="stylesheet" href="glossator.css">') == 1
    assert page.count('<script defer src="glossator.js"></script>') == 1
    assert (tmp_path / "glossator.js").exists()


def test_spacy_pipeline() -> None:
    out = run("examples/spacy_pipeline.py")
    assert "pole-territorial-de-cooperation-economique" in out and "inflected" in out
    assert "ess" in out and "elision" in out


def test_pyspark_partitions() -> None:
    # Spark in local mode, two Python workers: the same partition function as Dask's,
    # by mapPartitions and by mapInPandas (the example checks that they agree)
    require_spark()
    out = run("examples/pyspark_partitions.py", timeout=600).splitlines()
    assert out[0].startswith("0 [('ESS', 'ess'), ('PTCE', 'ptce')] <p>Le Labo de l’<span")
    assert out[2] == "2 [] <p>Aucun terme ici.</p>"
    # the first occurrence of each entry, per text
    assert out[3].startswith("3 [('ESS', 'ess'), ('PTCE', 'ptce')]")
    assert len(out) == 4
