"""A small MkDocs site with the glossator plugin, written to a folder and built.

:func:`make_site` writes ``mkdocs.yml``, ``docs/`` (the pages ``PAGES`` by default) and
the glossary ``lexique.yaml`` (``LEXIQUE`` by default); :func:`inprocess_build` builds it
in-process, which is faster than ``python -m mkdocs build``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

ESS_DEF = "Économie sociale et solidaire, au sens de la loi."
LEXIQUE = f"""\
- term: ESS
  definition: "{ESS_DEF}"
- term: PTCE
  definition: "Pôle territorial de coopération économique."
"""
INDEX = """\
# Accueil

Le Labo de l’ESS publie. L’ESS encore.

```
ESS dans du code
```

## L’ESS

Et `ESS` en ligne, puis l’ESS.
"""
OTHER = "# Autre\n\nUne autre page sur l’ESS et l’ESS.\n"
OPTOUT = "---\nglossator: false\n---\n\n# Sans\n\nIci l’ESS reste nue.\n"
PAGES = {"index.md": INDEX, "other.md": OTHER, "optout.md": OPTOUT}


def make_site(
    root: Path, plugin: dict[str, object] | Literal[False] | None = None, *,
    pages: dict[str, str] | None = None, glossary: str = LEXIQUE, search: bool = True,
) -> Path:
    """Write mkdocs.yml, docs/ and lexique.yaml under ``root``; return mkdocs.yml.

    ``plugin``: the config of the glossator plugin (a dict), ``False`` for no glossator.
    """
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in (PAGES if pages is None else pages).items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    (root / "lexique.yaml").write_text(glossary, encoding="utf-8")
    plugins: list[str | dict[str, object]] = ["search"] if search else []
    if plugin is not False:
        plugins.append({"glossator": {"glossary": "lexique.yaml"} if plugin is None else plugin})
    config = {"site_name": "Essai", "theme": "mkdocs", "plugins": plugins}
    cfg = root / "mkdocs.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return cfg


def inprocess_build(cfg: Path) -> Path:
    """Build the site of ``cfg`` in-process into ``site/`` next to it; return that folder."""
    site = cfg.parent / "site"
    build(load_config(str(cfg), site_dir=str(site)))
    return site
