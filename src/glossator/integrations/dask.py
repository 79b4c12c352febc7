"""glossator on Dask: collections annotated partition by partition
(``pip install 'glossator[dask]'``).

:func:`annotate_bag` annotates a Dask bag of texts (or of records with a ``"text"``
field), :func:`annotate_column` a Dask dataframe column of texts; each gives the rendered
output and the annotations of each text (the spans of the JSON output). Batches of files
on a cluster (``glossator annotate --dask``) are :mod:`glossator.cluster`'s.

The annotator travels as one :class:`~glossator.integrations.partitions.Shipped`
value, a single key of the graph: each worker fetches it once and compiles the glossary
once (or maps it from a ``cache_dir`` the workers share), never once per task, and keeps
it for the next run with the same glossary and options.

Dask is imported by the functions, never by ``import glossator``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .partitions import Shipped, annotate_records

if TYPE_CHECKING:
    from ..annotate import Annotator

__all__ = ["INSTALL_HINT", "annotate_bag", "annotate_column", "require_dask"]

#: How to install what this module needs.
INSTALL_HINT = "pip install 'glossator[dask]'"


def require_dask() -> None:
    """A :class:`~glossator.errors.UsageError` saying how to install Dask, if it is not."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError("Dask is not installed", hint=INSTALL_HINT) from None


def _shipped_key(shipped: Shipped[Any]) -> Any:
    """``shipped`` as one key of a Dask graph, named after its digest."""
    from dask import delayed

    return delayed(shipped, name=f"glossator-annotator-{shipped.digest[:16]}", pure=True)


def annotate_bag(bag: Any, annotator: Annotator, fmt: str = "html", **options: Any) -> Any:
    """The bag of dictionaries :func:`~glossator.integrations.partitions.annotate_records`
    makes of ``bag``'s records (texts, or mappings with a ``"text"`` field): for each,
    ``output`` (``fmt``, an HTML fragment by default) and ``annotations``, in the same
    partitions and order.

    >>> import dask.bag as db
    >>> from glossator import Annotator, Glossary
    >>> g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    >>> texts = db.from_sequence(["L’ESS.", "Rien."], npartitions=2)
    >>> [len(r["annotations"]) for r in annotate_bag(texts, Annotator(g)).compute()]
    [1, 0]
    """
    require_dask()
    shipped = _shipped_key(Shipped(annotator))
    return bag.map_partitions(_bag_partition, shipped, fmt, options)


def _bag_partition(records: Any, shipped: Shipped[Annotator], fmt: str,
                   options: dict[str, Any]) -> list[dict[str, Any]]:
    return list(annotate_records(records, shipped, fmt, **options))


def annotate_column(texts: Any, annotator: Annotator, fmt: str = "html",
                    **options: Any) -> Any:
    """A Dask dataframe of two columns, with the index of the series ``texts``: ``output``
    (each text rendered in ``fmt``) and ``annotations`` (a list of span dictionaries, as
    in the JSON output). A missing text (``None``, ``NaN``) gives an empty output.

    >>> import dask.dataframe as dd, pandas as pd
    >>> from glossator import Annotator, Glossary
    >>> g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."}])
    >>> df = dd.from_pandas(pd.DataFrame({"text": ["L’ESS.", "Rien."]}), npartitions=1)
    >>> out = annotate_column(df["text"], Annotator(g)).compute()
    >>> [[a["surface"] for a in spans] for spans in out["annotations"]]
    [['ESS'], []]
    >>> out["output"].tolist()[1].strip()
    '<p>Rien.</p>'
    """
    require_dask()
    import pandas as pd

    meta = pd.DataFrame({"output": pd.Series(dtype=object),
                         "annotations": pd.Series(dtype=object)})
    shipped = _shipped_key(Shipped(annotator))
    return texts.map_partitions(_frame_partition, shipped, fmt, options, meta=meta)


def _frame_partition(texts: Any, shipped: Shipped[Annotator], fmt: str,
                     options: dict[str, Any]) -> Any:
    import pandas as pd

    records = ["" if not isinstance(t, str) else t for t in texts]
    done = list(annotate_records(records, shipped, fmt, **options))
    return pd.DataFrame({"output": pd.Series([r["output"] for r in done], dtype=object),
                         "annotations": pd.Series([r["annotations"] for r in done],
                                                  dtype=object)}).set_axis(texts.index)
