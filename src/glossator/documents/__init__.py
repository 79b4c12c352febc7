"""Existing documents annotated in place: the input's own bytes are kept, markup is inserted.

* :mod:`glossator.documents.html` — :func:`~glossator.documents.html.annotate_html`, for an
  HTML page or fragment (a CMS template, a scraped article).
"""

from __future__ import annotations

__all__: list[str] = []
