"""Scale-out: the extraction batches on a Dask cluster give the local run's outputs, byte for byte."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from handmade import CORPUS, NODES, PIPELINE_NAME, PIPELINE_VERSION

from kgbuild.sinks import STORE_DIR


def output_files(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder but the RDF store's (RocksDB's own files, not byte-stable)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != STORE_DIR}


def test_a_build_on_two_dask_workers_gives_the_local_outputs(sample_build, handmade_pipeline, prefect_harness,
                                                             tmp_path):
    """The whole sample corpus, extracted by the hand-made pipeline (tests/handmade.py), which each worker process
    loads from its folder."""
    from distributed import Client, LocalCluster

    from flows.build_graph import build_graph_flow

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(cluster) as client:
            client.get_task_stream()  # starts the scheduler's record of which worker ran what
            summary = build_graph_flow(inputs=[str(SAMPLE)], out_dir=str(tmp_path), batch_size=32,
                                       pipeline=handmade_pipeline, dask_address=cluster.scheduler_address)
            ran = Counter(t["worker"] for t in client.get_task_stream() if t["key"].startswith("extract_batch-"))
            workers = set(client.scheduler_info()["workers"])
    finally:
        cluster.close()
    assert sum(ran.values()) == 10  # 304 papers in batches of 32, each run once
    assert set(ran) == workers and len(workers) == 2  # both worker processes extracted
    assert summary.papers_extracted == 304
    local, _ = sample_build  # batches of 64 on threads (batch size alone changes no output: test_resume.py)
    dask = output_files(tmp_path)
    assert {"graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "extractions.jsonl", "summary.json",
            "state/papers.jsonl", "state/extractions.jsonl", "state/entities.json"} <= set(dask)
    assert list(dask) == list(output_files(local))
    for name, content in output_files(local).items():
        assert dask[name] == content, name


def test_kgbuild_build_starts_a_local_dask_cluster(prefect_harness, handmade_pipeline, tmp_path):
    """The CLI flag, a cluster the runner starts, and Prefect's temporary API server: the workers report to the
    flow's server instead of each starting one of their own."""
    from flows.build_graph import build_graph_flow

    build_graph_flow(inputs=[str(CORPUS)], out_dir=str(tmp_path / "local"), pipeline=handmade_pipeline)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_LOGGING_LEVEL": "INFO"}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([sys.executable, "-m", "kgbuild.cli", "build", str(CORPUS), "--out", str(tmp_path / "dask"),
                           "--batch-size", "2", "--dask-workers", "2", "--pipeline", handmade_pipeline],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "dask" / "summary.json").read_text())["nodes"] == NODES
    assert "Creating a new Dask cluster with `distributed.deploy.local.LocalCluster`" in done.stderr
    assert done.stderr.count("Starting temporary server") == 1
    assert output_files(tmp_path / "dask") == output_files(tmp_path / "local")


def test_a_worker_gets_a_small_spec_and_refuses_another_extractor(handmade_pipeline):
    from kgbuild.extract import ExtractorMismatch, ExtractorSpec, prepare_extractor, shared_extractor
    from kgbuild.model import ExtractorInfo
    from kgbuild.settings import Settings

    spec = prepare_extractor(Settings(pipeline=handmade_pipeline))
    assert (spec.pipeline, spec.info.name, spec.info.version) == (handmade_pipeline, PIPELINE_NAME, PIPELINE_VERSION)
    assert len(pickle.dumps(spec)) < 300 + len(handmade_pipeline)
    assert shared_extractor(pickle.loads(pickle.dumps(spec))) is shared_extractor(spec)  # loaded once per process
    other = ExtractorSpec(handmade_pipeline, 1, ExtractorInfo(PIPELINE_NAME, "0.0.1", spec.info.digest))
    with pytest.raises(ExtractorMismatch) as raised:
        shared_extractor(other)
    assert str(raised.value) == (f"pipeline {handmade_pipeline!r} loads as {spec.info} in this process, the flow "
                                 f"expects {other.info}: install the same kgbuild and pipeline here")


def test_dask_settings_exclude_each_other_and_spacy_processes():
    from pydantic import ValidationError

    from kgbuild.settings import Settings

    assert Settings(dask_workers=2).dask_workers == 2
    with pytest.raises(ValidationError, match="dask_address and dask_workers exclude each other"):
        Settings(dask_address="tcp://127.0.0.1:8786", dask_workers=2)
    with pytest.raises(ValidationError, match="n_process > 1 cannot run on Dask workers"):
        Settings(dask_workers=2, n_process=2)
