"""JSON spans for pipelines (schema version 1, described in the README)."""

from __future__ import annotations

import json

from ..model import AnnotatedText

__all__ = ["render"]


def render(doc: AnnotatedText, *, indent: int | None = 2, source: str | None = None) -> str:
    """``{"version", "text", "annotations": [{start, end, surface, entry, …}]}`` as JSON."""
    data = doc.to_dict()
    if source is not None:
        data = {"version": data.pop("version"), "source": source, **data}
    return json.dumps(data, ensure_ascii=False, indent=indent)
