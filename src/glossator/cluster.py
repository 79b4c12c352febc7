"""Batches of files on a Dask cluster: ``glossator annotate SRC --output-dir DEST --dask
ADDRESS`` (or ``--dask local``; ``pip install 'glossator[dask]'``).

:func:`write_each` is the cluster's counterpart of :func:`glossator.runner.write_each`:
the same files, byte for byte, and the same per-input results. The annotator travels as
one :class:`~glossator.integrations.partitions.Shipped` value, a single key of the graph:
each worker fetches it once and compiles the glossary once (or maps it from a
``cache_dir`` the workers share), never once per task.

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
import copy
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .errors import GlossatorError, InputError, UsageError
from .integrations.dask import require_dask
from .integrations.partitions import Shipped

if TYPE_CHECKING:
    from .annotate import Annotator
    from .runner import DocumentJob, DocumentResult

__all__ = ["LOCAL_CLUSTER", "connect", "write_each"]

#: The keywords of a ``LocalCluster`` started here: no dashboard, and the scheduler's
#: HTTP server (health, metrics) on a free port rather than 8787, which another cluster
#: may hold (Dask then warns on stderr).
LOCAL_CLUSTER: dict[str, Any] = {
    "processes": True, "dashboard_address": None,
    "scheduler_kwargs": {"dashboard": False, "dashboard_address": "127.0.0.1:0"},
}



@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://host:8786``), or
    with ``"local"`` of a ``LocalCluster`` started here, one single-threaded worker
    process per CPU, and closed on leaving."""
    require_dask()
    from distributed import Client, LocalCluster

    from .runner import worker_count

    if address == "local":
        import logging

        # the nannies run here: their warnings (a worker slow to stop) are not the run's
        logger = logging.getLogger("distributed")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            with LocalCluster(n_workers=worker_count(0), threads_per_worker=1,
                              **LOCAL_CLUSTER) as cluster, Client(cluster) as client:
                yield client
        finally:
            logger.setLevel(level)
        return
    try:
        client = Client(address, timeout="20s")
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}",
                         hint="start one with `dask scheduler` and workers with `dask "
                         "worker ADDRESS`, or use --dask local") from None
    with client:
        yield client


#: A task takes inputs until it holds this many bytes or documents (one, if larger): tasks
#: of a tenth of a second or more, so that Dask's own cost per task stays small.
TASK_BYTES = 256 * 1024
TASK_DOCUMENTS = 32


def write_each(
    job: DocumentJob, names: Sequence[str], kinds: Sequence[str], targets: Sequence[str],
    client: Any, report: Callable[[str], None], loaded: list[bool] | None = None,
    *, on_result: Callable[[DocumentResult], None] | None = None, fail_fast: bool = False,
) -> int:
    """:func:`glossator.runner.write_each` on the Dask cluster of ``client``: the same
    files, byte for byte, each written once by this process as its result arrives; the
    number of inputs that failed (``report`` gets each one's line, in the order they
    fail). A few tasks per worker thread are in flight at a time, each holding the bytes
    of up to :data:`TASK_BYTES` of inputs, so memory stays bounded whatever the batch.
    With ``fail_fast``, the first input that fails stops the run: no task is sent after
    it, the tasks in flight are cancelled, and nothing after it is written."""
    from distributed import as_completed

    window = max(4, 2 * _threads(client))
    _check_workers(client)
    token = uuid.uuid4().hex[:12]
    keys = [_one_key(client, "job", Shipped(_without_annotator(job))),  # as _render takes
            _one_key(client, "annotator", Shipped(job.annotator))]
    errors: list[DocumentResult] = []
    tasks = enumerate(_tasks(zip(names, kinds, targets, strict=True), errors))
    running = as_completed()
    names_of: dict[str, list[str]] = {}  # the inputs of each task running
    target_of = {n: (t, job.format_of(k)) for n, k, t in zip(names, kinds, targets, strict=True)}
    failed = 0

    def submit() -> None:  # the next task, if any, and the read errors met on its way
        nonlocal failed
        if fail_fast and failed:
            return
        task = next(tasks, None)
        for error in errors:
            if on_result is not None:
                on_result(error)
            report(str(error.error))
        failed += len(errors)
        errors.clear()
        if task is not None and not (fail_fast and failed):
            future = client.submit(_render, *keys, task[1],
                                   key=f"glossator-{token}-{task[0]}", pure=False)
            names_of[future.key] = [item[0] for item in task[1]]
            running.add(future)

    try:
        for _ in range(window):
            submit()
        for future in running:
            if fail_fast and failed:
                break
            failed += _finish(future, names_of.pop(future.key), target_of, report, loaded,
                              on_result, fail_fast)
            future.release()
            submit()
    finally:
        client.cancel([*keys, *running.futures])
    # what runs killed before this one left (SIGKILL: nothing could clean up then)
    from .documents.write import remove_stale_partials

    remove_stale_partials(targets)
    return failed


def _threads(client: Any) -> int:
    """The worker threads of the cluster, once it has a worker (a minute at most)."""
    threads = sum(client.nthreads().values())
    if not threads:
        try:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
        except TimeoutError:
            raise UsageError(f"the Dask scheduler at {client.scheduler.address} has no "
                             "worker", hint="start some with `dask worker ADDRESS`") from None
        threads = sum(client.nthreads().values())
    return int(threads)


def _check_workers(client: Any) -> None:
    """The workers run this glossator: a job pickled here unpickles there the same."""
    from ._version import __version__

    try:
        versions = set(client.run(_version).values())
    except Exception as exc:  # glossator missing on a worker: whatever it raised there
        raise UsageError(f"a Dask worker cannot run this glossator: {exc}",
                         hint="install the same glossator on every worker (pip install "
                         "'glossator[dask]'), and restart them after an upgrade") from None
    if versions != {__version__}:
        raise UsageError(f"the Dask workers run glossator {', '.join(sorted(versions))}, "
                         f"this process {__version__}",
                         hint="install the same glossator on every worker")


def _version() -> str:
    from ._version import __version__

    return __version__


#: How long a run waits for a cluster without workers to get one (seconds).
WAIT_FOR_WORKERS = 60

#: One input of a task: its name, kind, bytes and target.
_Item = tuple[str, str, bytes, str]


def _tasks(inputs: Iterable[tuple[str, str, str]],
           errors: list[DocumentResult]) -> Iterator[list[_Item]]:
    """The inputs read, grouped into tasks; an input that cannot be read goes to
    ``errors``, as what became of it."""
    from .documents.read import MAX_DOCUMENT_BYTES, read_bytes
    from .runner import DocumentResult

    task: list[_Item] = []
    size = 0
    for name, kind, target in inputs:
        try:
            data = read_bytes(name, limit=MAX_DOCUMENT_BYTES)
        except GlossatorError as exc:
            errors.append(DocumentResult(name, target, error=str(exc)))
            continue
        task.append((name, kind, data, target))
        size += len(data)
        if size >= TASK_BYTES or len(task) >= TASK_DOCUMENTS:
            yield task
            task, size = [], 0
    if task:
        yield task


def _without_annotator(job: DocumentJob) -> DocumentJob:
    """``job`` without its annotator, shipped apart: a worker that built the annotator
    for one run keeps it for the next with the same glossary and options, whatever its
    output folder."""
    light = copy.copy(job)
    light.annotator = None  # type: ignore[assignment]
    return light


def _one_key(client: Any, name: str, shipped: Shipped[Any]) -> Any:
    """``shipped`` as one key of the cluster (computed again if its worker dies)."""
    with warnings.catch_warnings():
        # a large glossary makes a large annotator: Dask warns of a large graph, and
        # advises what this is, the data as one key rather than in every task
        warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
        return client.submit(_keep, shipped, key=f"glossator-{name}-{shipped.digest[:16]}",
                             pure=False)


def _keep(shipped: Shipped[Any]) -> Shipped[Any]:
    return shipped


def _render(job: Shipped[DocumentJob], annotator: Shipped[Annotator],
            items: list[_Item]) -> list[tuple[str, str, Any]]:
    """On a worker, for each input: ``(name, "ok", (output, annotations per entry))``,
    ``(name, "error", line)`` for a problem with this input, or ``(name, "usage", line)``
    for one with the options (every input would have it)."""
    from .documents.read import decode_input
    from .documents.tally import counting

    # a copy of the worker's job for this task, sharing its annotator (safe across
    # threads) but not its Markdown converter (a worker may run tasks in several threads)
    renderer = copy.copy(job.get())
    renderer.annotator = annotator.get()
    done: list[tuple[str, str, Any]] = []
    for name, kind, data, target in items:
        try:
            doc = decode_input(name, data, kind, renderer.encoding, keep_utf8=True)
            with counting() as tally:
                output = renderer.output(doc, target)
            done.append((name, "ok", (output, dict(tally))))
        except UsageError as exc:
            return [(name, "usage", str(exc))]
        except GlossatorError as exc:
            done.append((name, "error", str(exc)))
    return done


def _finish(future: Any, names: list[str], target_of: dict[str, tuple[str, str]],
            report: Callable[[str], None], loaded: list[bool] | None,
            on_result: Callable[[DocumentResult], None] | None,
            fail_fast: bool = False) -> int:
    """Write the outputs (each where and in the format ``target_of`` says) of one finished
    task (whose inputs are ``names``); the number of its inputs that failed (with
    ``fail_fast``, the first failure ends it: the inputs after it are not written).
    ``on_result`` gets what became of each input, as a local batch's
    :func:`~glossator.runner.write_each` gives it."""
    from distributed import KilledWorker

    from .runner import DocumentResult, input_size, write_output

    try:
        done = future.result()
    except KilledWorker:  # Dask gave up after distributed.scheduler.allowed-failures
        done = [(name, "error", InputError("the Dask workers annotating it kept dying "
                                           "(out of memory?)", file=name).describe())
                for name in names]
    failed = 0
    for name, status, result in done:
        if status == "usage":
            raise UsageError(result)
        target, fmt = target_of[name]
        outcome = DocumentResult(name, target, input_size(name))
        if status == "ok":
            (body, encoding, bom, loads), outcome.counts = result
            try:
                outcome.same = not write_output(outcome.target, body, encoding, bom, fmt)
                outcome.loads_assets = loads
            except GlossatorError as exc:
                outcome.error = str(exc)
        else:
            outcome.error = result
        if on_result is not None:
            on_result(outcome)
        if outcome.error is not None:
            report(outcome.error)
            failed += 1
            if fail_fast:
                break
        elif loaded is not None:
            loaded.append(outcome.loads_assets)
    return failed
