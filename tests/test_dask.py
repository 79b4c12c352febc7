"""glossator on a real Dask cluster: ``annotate --dask`` writes what a local run writes,
the glossary is compiled once per worker, a worker killed mid-run loses nothing, and the
bag and dataframe functions give the JSON output's spans.

One ``distributed.LocalCluster`` of two worker processes serves the module (it takes a few
seconds to start); ``--dask local`` starts its own, through the command line.
"""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glossator import Annotator, Glossary
from glossator.documents.write import partial_files
from glossator.runner import DocumentJob, output_path
from support.dask_cluster import (
    DyingJob,
    compilations,
    count_compilations,
    process_id,
    require_dask,
)

TEXT = "Le Labo de l’ESS étudie les PTCE et l'économie sociale.\n"
PAGE = ("<!doctype html><html><head><meta charset=windows-1252><title>t</title></head>"
        "<body><p>Les coopératives et l'ESS, à Paris.</p></body></html>")


def _glossator(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "glossator", "annotate", *map(str, args)],
                          capture_output=True, check=False, cwd=cwd)


def _inputs(folder: Path, texts: int = 3) -> list[Path]:
    """Inputs of every kind in a tree: text, HTML in windows-1252 and UTF-8, Markdown."""
    (folder / "sub").mkdir(parents=True)
    files = []
    for i in range(texts):
        path = folder / ("sub" if i % 2 else "") / f"t{i}.txt"
        path.write_text(TEXT * (i % 7 + 1), "utf-8")
        files.append(path)
    (folder / "page1252.html").write_bytes(PAGE.encode("cp1252"))
    (folder / "sub" / "page.htm").write_text(PAGE.replace("windows-1252", "utf-8"), "utf-8")
    (folder / "m.md").write_text("# Titre\n\nLes **PTCE** et l’ESS.\n", "utf-8")
    return [*files, folder / "page1252.html", folder / "sub" / "page.htm", folder / "m.md"]


def _tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and mode, by relative path."""
    return {str(p.relative_to(folder)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    require_dask()
    from distributed import Client, LocalCluster

    from glossator.cluster import LOCAL_CLUSTER

    with LocalCluster(n_workers=2, threads_per_worker=1,
                      **LOCAL_CLUSTER) as cluster, Client(cluster) as client:
        yield client


def _timeless(stderr: bytes) -> bytes:
    """A batch's stderr without the figures of time and speed its summary gives."""
    return re.sub(rb" in [0-9.]+ s \([0-9.]+ MB, [0-9.]+ MB/s\)", b"", stderr)


def test_dask_local_writes_the_same_tree_as_a_local_run(tmp_path: Path) -> None:
    require_dask()
    _inputs(tmp_path / "in")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    here = _glossator(tmp_path / "in", "--output-dir", tmp_path / "here")
    there = _glossator(tmp_path / "in", "--output-dir", tmp_path / "there", "--dask", "local")
    assert here.returncode == there.returncode == 1, there.stderr
    # the same error for the input that is not text, and the same summary
    assert _timeless(there.stderr) == _timeless(here.stderr.replace(b"/here", b"/there"))
    assert b"files read" in there.stderr
    assert b"binary.txt" in there.stderr
    tree = _tree(tmp_path / "there")
    assert tree == _tree(tmp_path / "here")
    assert sorted(tree) == ["glossator.css", "glossator.js", "m.html", "page1252.html",
                            "sub/page.htm", "sub/t1.txt", "t0.txt", "t2.txt"]
    assert "coopératives".encode("cp1252") in tree["page1252.html"][0]


def test_incremental_and_report_on_a_cluster(tmp_path: Path, client: Any) -> None:
    import json

    _inputs(tmp_path / "in")
    address = client.scheduler.address
    report = tmp_path / "report.json"
    first = _glossator(tmp_path / "in", "--output-dir", tmp_path / "out", "--dask", address,
                       "--incremental", "--report", report)
    assert first.returncode == 0, first.stderr
    data = json.loads(report.read_text("utf-8"))
    local = tmp_path / "local.json"
    _glossator(tmp_path / "in", "--output-dir", tmp_path / "here", "--report", local)
    expected = json.loads(local.read_text("utf-8"))
    for key in ("files", "bytes", "annotations"):
        assert data[key] == expected[key]
    assert data["files"]["written"] == 6 and data["annotations"]["total"] > 0
    (tmp_path / "in" / "t0.txt").write_text("Une SCOP de plus.", "utf-8")
    again = _glossator(tmp_path / "in", "--output-dir", tmp_path / "out", "--dask", address,
                       "--incremental")
    assert again.returncode == 0 and b"1 written" in again.stderr, again.stderr


def test_fail_fast_on_a_cluster_stops_at_the_first_input_that_fails(
    tmp_path: Path, client: Any
) -> None:
    # one input per task (each over TASK_BYTES), a binary one sixth: the run stops when
    # its result comes back, the tasks in flight are cancelled, and what was written is
    # whole and what a local run writes
    from glossator.cluster import TASK_BYTES

    folder = tmp_path / "in"
    folder.mkdir()
    body = TEXT * (TASK_BYTES // len(TEXT.encode()) + 1)
    names = [folder / f"t{i:02}.txt" for i in range(20)]
    for path in names:
        path.write_text(body, "utf-8")
    bad = folder / "bad.txt"
    bad.write_bytes(b"\x00\x01 not text")
    inputs = [*names[:5], bad, *names[5:]]
    run = _glossator(*inputs, "--output-dir", tmp_path / "out", "--fail-fast", "--dask",
                     client.scheduler.address)
    assert run.returncode == 1, run.stderr
    assert b"bad.txt: this is a binary file" in run.stderr
    assert b"stopped at the first input that failed (--fail-fast);" in run.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    # at most the five before it and the tasks in flight with it (a window of four)
    assert len(written) <= 9 and "t19.txt" not in written, written
    assert not [n for n in written if n.endswith(".glossator-partial")]
    local = _glossator(names[0], "--output-dir", tmp_path / "local")
    assert local.returncode == 0, local.stderr
    whole = (tmp_path / "local" / "t00.txt").read_bytes()
    assert all((tmp_path / "out" / n).read_bytes() == whole for n in written)
    # without it, the batch goes on: every other input is written
    on = _glossator(*inputs, "--output-dir", tmp_path / "all", "--dask",
                    client.scheduler.address)
    assert on.returncode == 1 and len(list((tmp_path / "all").iterdir())) == 20


def test_in_place_on_a_cluster_rewrites_each_page_as_a_local_run(
    tmp_path: Path, client: Any
) -> None:
    site = tmp_path / "site"
    _inputs(site, texts=0)
    (site / "m.md").unlink()
    copy = tmp_path / "copy"
    _inputs(copy, texts=0)
    (copy / "m.md").unlink()
    local = _glossator(site, "--in-place")
    assert local.returncode == 0
    run = _glossator(copy, "--in-place", "--dask", client.scheduler.address)
    assert run.returncode == 0, run.stderr
    assert _timeless(run.stderr) == _timeless(local.stderr)
    assert _tree(copy) == _tree(site)


def _job_and_items(folder: Path, out: Path, texts: int) -> tuple[Any, ...]:
    """Inputs of every kind in ``folder``, and what ``write_each`` takes to write them
    under ``out`` as standalone HTML pages: the job, names, kinds and targets."""
    from glossator.documents.read import Input

    files = _inputs(folder, texts=texts)
    names = [str(f) for f in files]
    kinds = ["html" if f.suffix.startswith(".htm") else "markdown" if f.suffix == ".md"
             else "text" for f in files]
    targets = [output_path(str(out), Input(n, str(Path(n).relative_to(folder))), k, "html")
               for n, k in zip(names, kinds, strict=True)]
    g = Glossary.from_dicts([{"term": "ESS", "definition": "Économie sociale."},
                             {"term": "PTCE", "definition": "Pôle territorial."}])
    job = DocumentJob(Annotator(g), "html", {"standalone": True}, standalone=True,
                      assets="link", assets_root=str(out))
    return job, names, kinds, targets


def test_the_glossary_is_compiled_once_per_worker_not_per_task(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from glossator import cluster as dask

    monkeypatch.setattr(dask, "TASK_DOCUMENTS", 1)  # one task per input: 43 tasks
    job, names, kinds, targets = _job_and_items(tmp_path / "in", tmp_path / "out", 40)
    client.run(count_compilations)
    errors: list[str] = []
    assert dask.write_each(job, names, kinds, targets, client, errors.append) == 0
    assert errors == [] and len(_tree(tmp_path / "out")) == 43
    counts = client.run(compilations)
    # 43 tasks on two workers: at most one compilation on each, and the work was done
    assert len(counts) == 2 and set(counts.values()) <= {0, 1}, counts
    assert sum(counts.values()) >= 1
    # the same job again (a rerun), and into another folder: the workers have the
    # annotator built already
    assert dask.write_each(job, names, kinds, targets, client, errors.append) == 0
    elsewhere = [t.replace(str(tmp_path / "out"), str(tmp_path / "other")) for t in targets]
    other = replace(job, assets_root=str(tmp_path / "other"))
    assert dask.write_each(other, names, kinds, elsewhere, client, errors.append) == 0
    assert _tree(tmp_path / "other") == _tree(tmp_path / "out")
    assert client.run(compilations) == counts


def test_a_worker_killed_mid_run_loses_nothing_and_writes_nothing_twice(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import asdict

    from glossator import cluster as dask
    from glossator import runner

    here, there = tmp_path / "here", tmp_path / "there"
    job, names, kinds, targets = _job_and_items(tmp_path / "in", here, 30)
    errors: list[str] = []
    assert runner.write_each(job, names, kinds, targets, 1, errors.append) == 0
    marker = tmp_path / "died"
    fields = {**asdict(job), "annotator": job.annotator, "assets_root": str(there)}
    dying = DyingJob(**fields, victim=names[15], marker=str(marker))
    targets = [t.replace(str(here), str(there)) for t in targets]

    workers_before = set(client.run(process_id).values())
    written: list[str] = []
    write = runner.write_output

    def counted(target: str, *args: Any) -> None:
        written.append(target)
        write(target, *args)

    monkeypatch.setattr(runner, "write_output", counted)
    monkeypatch.setattr(dask, "TASK_DOCUMENTS", 2)  # 17 tasks: the victim mid-run
    loaded: list[bool] = []
    failed = dask.write_each(dying, names, kinds, targets, client, errors.append, loaded)
    assert failed == 0 and errors == []
    # the worker did die on the victim, and Dask ran its tasks again elsewhere
    assert int(marker.read_text()) in workers_before
    assert sorted(written) == sorted(targets)  # each output written once
    assert len(loaded) == len(names) and all(loaded)
    assert _tree(there) == _tree(here)
    assert not [p for t in targets for p in partial_files(t)]
    client.wait_for_workers(2, timeout=60)  # the nanny restarts the dead worker


def test_a_bag_of_texts_gets_outputs_and_the_json_spans(client: Any) -> None:
    import json

    import dask.bag as db

    from glossator.integrations.dask import annotate_bag
    from glossator.render import render

    texts: list[Any] = [TEXT, "Rien.", {"id": 7, "text": "L’ESS et les PTCE."}] * 4
    annotator = Annotator()
    out = annotate_bag(db.from_sequence(texts, npartitions=3), annotator, fmt="html")
    results = client.compute(out).result()
    assert len(results) == 12 and results[2]["id"] == 7 and "text" in results[2]
    for text, result in zip(texts, results, strict=True):
        plain = text if isinstance(text, str) else text["text"]
        local = annotator.annotate(plain)
        assert result["annotations"] == json.loads(
            annotator_json(annotator, plain))["annotations"]
        assert len(result["annotations"]) == len(local.annotations)
        assert result["output"] == render(local, "html")
    assert 'role="tooltip"' in results[0]["output"] and results[1]["output"] == "<p>Rien.</p>\n"


def annotator_json(annotator: Annotator, text: str) -> str:
    from glossator.render import render

    return render(annotator.annotate(text), "json")


def test_a_dataframe_column_of_texts(client: Any) -> None:
    import dask.dataframe as dd
    import pandas as pd

    from glossator.integrations.dask import annotate_column

    frame = pd.DataFrame({"text": [TEXT, "Rien.", None, "Les PTCE."] * 3},
                         index=range(100, 112))
    annotator = Annotator()
    out = annotate_column(dd.from_pandas(frame, npartitions=3)["text"], annotator,
                          fmt="text")
    result = client.compute(out).result()
    assert list(result.index) == list(range(100, 112))
    assert list(result.columns) == ["output", "annotations"]
    assert result.loc[101, "output"] == "Rien." and result.loc[102, "output"] == ""
    assert result.loc[100, "annotations"] == [a.to_dict() for a in annotator.annotate(TEXT)]
    assert result.loc[100, "annotations"]  # the bundled glossary knows the ESS
    assert result.loc[103, "annotations"][0]["entry"] == \
        annotator.annotate("Les PTCE.").annotations[0].entry.id


@pytest.mark.parametrize(("argv", "message"), [
    (["--dask", "local"], b"--dask goes with --output-dir"),
    (["--dask", "local", "--output-dir", "out", "-j", "2"], b"--jobs and --dask"),
])
def test_dask_options_that_do_not_fit(tmp_path: Path, argv: list[str],
                                      message: bytes) -> None:
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    run = _glossator("a.txt", *argv, cwd=tmp_path)
    assert run.returncode == 2 and message in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


def test_the_default_path_does_not_import_dask(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    code = ("import sys; from glossator.cli import main; main(['annotate', 'a.txt', "
            "'--output-dir', 'out']); print('dask' in sys.modules, "
            "'distributed' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.stdout.strip().endswith("False False"), run.stderr


def test_a_scheduler_that_cannot_be_reached_is_a_usage_error(tmp_path: Path) -> None:
    require_dask()
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    run = _glossator("a.txt", "--output-dir", "out", "--dask", "nowhere", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert run.stderr.decode().splitlines() == [
        "glossator: error: cannot reach the Dask scheduler at nowhere: missing port number "
        "in address 'nowhere' (start one with `dask scheduler` and workers with `dask "
        "worker ADDRESS`, or use --dask local)"]


def test_a_cluster_without_workers_is_a_usage_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_dask()
    from distributed import Client, LocalCluster

    from glossator import cluster as dask
    from glossator.errors import UsageError

    monkeypatch.setattr(dask, "WAIT_FOR_WORKERS", 1)
    job, names, kinds, targets = _job_and_items(tmp_path / "in", tmp_path / "out", 2)
    with LocalCluster(n_workers=0, **dask.LOCAL_CLUSTER) as cluster, Client(cluster) as client, \
            pytest.raises(UsageError, match="has no worker"):
        dask.write_each(job, names, kinds, targets, client, print)
    assert not (tmp_path / "out").exists()


def test_the_examples_in_the_docstrings_hold() -> None:
    require_dask()
    import doctest
    import importlib

    for name in ("glossator.integrations.dask", "glossator.integrations.partitions"):
        result = doctest.testmod(importlib.import_module(name))
        assert result.failed == 0 and result.attempted >= 4, name


def test_workers_with_another_glossator_are_refused(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import glossator._version
    from glossator import cluster as dask
    from glossator.errors import UsageError

    job, names, kinds, targets = _job_and_items(tmp_path / "in", tmp_path / "out", 2)
    monkeypatch.setattr(glossator._version, "__version__", "9.9")  # this process only
    with pytest.raises(UsageError, match=r"the Dask workers run glossator \S+, this "
                       r"process 9\.9 \(install the same glossator on every worker\)"):
        dask.write_each(job, names, kinds, targets, client, print)
    assert not (tmp_path / "out").exists()


def test_a_large_job_goes_without_dask_warning_of_a_large_graph(
    tmp_path: Path, client: Any
) -> None:
    import warnings

    from glossator import cluster as dask

    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    # pickled, more than the 10 MB past which Dask warns (a 100 000-entry glossary is 20)
    large = DocumentJob(Annotator(), "text", title="x" * 12_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dask.write_each(large, [str(tmp_path / "a.txt")], ["text"],
                               [str(tmp_path / "a.out")], client, print) == 0
    assert "ESS" in (tmp_path / "a.out").read_text("utf-8")
