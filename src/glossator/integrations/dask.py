"""glossator on Dask: collections annotated partition by partition, and ``glossator
annotate --dask`` batches run on a cluster (``pip install 'glossator[dask]'``).

* :func:`annotate_bag` annotates a Dask bag of texts (or of records with a ``"text"``
  field), :func:`annotate_column` a Dask dataframe column of texts; each gives the
  rendered output and the annotations of each text (the spans of the JSON output).
* :func:`write_each` is the cluster's counterpart of :func:`glossator.runner.write_each`,
  used by ``glossator annotate --output-dir DEST --dask ADDRESS``.

In both, the annotator travels as one :class:`~glossator.integrations.partitions.Shipped`
value, a single key of the graph: each worker fetches it once and compiles the glossary
once (or maps it from a ``cache_dir`` the workers share), never once per task.

``write_each`` keeps every file on the client's side: the client reads each input and
sends its bytes in a task; a worker decodes, annotates and renders it and sends the
output back; the client writes it, whole or not at all (:func:`glossator.runner.write_output`),
once, when its first result arrives. A worker that dies (killed, out of memory) takes
no file with it: Dask runs its tasks again elsewhere, and nothing it half did was on
disk. The workers need glossator installed, nothing else: no shared filesystem.

Dask is imported by the functions, never by ``import glossator``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import GlossatorError, InputError, UsageError
from .partitions import Shipped, annotate_records

if TYPE_CHECKING:
    from ..annotate import Annotator
    from ..runner import DocumentJob

__all__ = ["annotate_bag", "annotate_column", "connect", "write_each"]

#: How to install what this module needs.
INSTALL_HINT = "pip install 'glossator[dask]'"


def _require() -> None:
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
    _require()
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
    >>> out = annotate_column(df["text"], Annotator(g), fmt="text").compute()
    >>> out["output"].tolist()
    ['L’ESS [Économie sociale.].', 'Rien.']
    """
    _require()
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


# -- glossator annotate --dask ----------------------------------------------------------


@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://host:8786``), or
    with ``"local"`` of a ``LocalCluster`` started here, one single-threaded worker
    process per CPU, and closed on leaving."""
    _require()
    from distributed import Client, LocalCluster

    from ..runner import worker_count

    if address == "local":
        with LocalCluster(n_workers=worker_count(0), threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="20s")
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}",
                         hint="start one with `dask scheduler` and workers with `dask "
                         "worker ADDRESS`, or use --dask local") from None
    with client:
        yield client


def write_each(
    job: DocumentJob, names: Sequence[str], kinds: Sequence[str], targets: Sequence[str],
    client: Any, report: Callable[[str], None], loaded: list[bool] | None = None,
) -> int:
    """:func:`glossator.runner.write_each` on the Dask cluster of ``client``: the same
    files, byte for byte, each written once by this process as its result arrives; the
    number of inputs that failed (``report`` gets each one's line, in the order they
    fail)."""
    from distributed import as_completed

    token = uuid.uuid4().hex[:12]
    shipped = Shipped(job)
    job_key = client.submit(_keep, shipped, key=f"glossator-job-{shipped.digest[:16]}",
                            pure=False)
    window = max(8, 4 * sum(client.nthreads().values()))
    todo = iter(enumerate(zip(names, kinds, targets, strict=True)))
    where: dict[str, tuple[str, str]] = {}
    running = as_completed()
    failed = 0

    def submit() -> None:  # the next input that can be read, as a task
        nonlocal failed
        for i, (name, kind, target) in todo:
            try:
                data = _read(name)
            except GlossatorError as exc:
                failed += 1
                report(str(exc))
                continue
            future = client.submit(_render, job_key, name, kind, data, target,
                                   key=f"glossator-{token}-{i}", pure=False)
            where[future.key] = (name, target)
            running.add(future)
            return

    try:
        for _ in range(window):
            submit()
        for future in running:
            failed += _finish(future, *where.pop(future.key), report, loaded)
            future.release()
            submit()
    finally:
        client.cancel([job_key, *running.futures])
    return failed


def _read(name: str) -> bytes:
    from ..documents.read import MAX_DOCUMENT_BYTES, read_bytes

    return read_bytes(name, limit=MAX_DOCUMENT_BYTES)


def _keep(shipped: Shipped[DocumentJob]) -> Shipped[DocumentJob]:
    return shipped


def _render(job: Shipped[DocumentJob], name: str, kind: str, data: bytes,
            target: str) -> tuple[str, Any]:
    """On a worker: ``("ok", output)``, ``("error", line)`` for a problem with this input,
    or ``("usage", line)`` for one with the options (every input would have it)."""
    from ..documents.read import decode_input

    renderer = job.get()
    try:
        return "ok", renderer.output(decode_input(name, data, kind, renderer.encoding), target)
    except UsageError as exc:
        return "usage", str(exc)
    except GlossatorError as exc:
        return "error", str(exc)


def _finish(future: Any, name: str, target: str, report: Callable[[str], None],
            loaded: list[bool] | None) -> int:
    """Write the output of one finished task; 1 if its input failed, else 0."""
    from distributed import KilledWorker

    from ..runner import write_output

    try:
        status, result = future.result()
    except KilledWorker:
        report(InputError("the Dask workers annotating it kept dying (out of memory?)",
                          file=name).describe())
        return 1
    if status == "usage":
        raise UsageError(result)
    if status == "error":
        report(result)
        return 1
    body, encoding, bom, loads = result
    try:
        write_output(target, body, encoding, bom)
    except GlossatorError as exc:
        report(str(exc))
        return 1
    if loaded is not None:
        loaded.append(loads)
    return 0
