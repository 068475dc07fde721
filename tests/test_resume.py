"""A build killed with SIGKILL mid-extraction and started again: same outputs, fewer batches extracted. The whole
sample corpus (304 papers), extracted by the hand-made pipeline (tests/handmade.py): model-free and deterministic."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, SAMPLE

from kgbuild.sinks import load_state

OUTPUTS = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "extractions.jsonl", "state/papers.jsonl",
           "state/extractions.jsonl", "state/entities.json")


def test_a_killed_build_resumes_to_the_same_outputs(sample_build, handmade_pipeline, prefect_harness, tmp_path):
    from flows.build_graph import build_graph_flow

    out = tmp_path / "out"
    script = ("from flows.build_graph import build_graph_flow\n"
              f"build_graph_flow(inputs=[{str(SAMPLE)!r}], out_dir={str(out)!r}, batch_size=8, "
              f"pipeline={handmade_pipeline!r})\n")
    # Its own Prefect home, whose first ephemeral server migrates a fresh database (as `kgbuild build` does, allow
    # for a busy machine), and its own session: the kill takes the run's ephemeral API server down with it.
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    batches = out / "state" / "batches"
    deadline = time.monotonic() + 300
    try:
        while len(list(batches.glob("*.jsonl"))) < 5:
            assert run.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no extraction batch within 5 minutes"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the session this test started: the build and its server
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    kept = load_state(out).extractions
    assert 40 <= len(kept) < 304  # at least five batches of 8 survived the kill; the run was not finished

    summary = build_graph_flow(inputs=[str(SAMPLE)], out_dir=str(out), batch_size=8, pipeline=handmade_pipeline)
    assert summary.papers_extracted == 304 - len(kept)  # completed batches are not extracted again
    first, _ = sample_build
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (first / name).read_bytes(), name
    assert list(batches.glob("*")) == []  # folded into state/extractions.jsonl
