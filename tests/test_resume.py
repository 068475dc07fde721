"""A build killed with SIGKILL mid-extraction and started again: same outputs, fewer batches extracted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, SAMPLE

from kgbuild.sinks import load_state

OUTPUTS = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "extractions.jsonl", "state/papers.jsonl",
           "state/extractions.jsonl", "state/entities.json")


def test_a_killed_build_resumes_to_the_same_outputs(seed_build, prefect_harness, tmp_path):
    from flows.build_graph import build_graph_flow

    out = tmp_path / "out"
    script = ("from flows.build_graph import build_graph_flow\n"
              f"build_graph_flow(inputs=[{str(SAMPLE)!r}], out_dir={str(out)!r}, batch_size=8)\n")
    # Its own Prefect home: the killed run takes its ephemeral API server down with it.
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    batches = out / "state" / "batches"
    deadline = time.monotonic() + 300
    try:
        while len(list(batches.glob("*.jsonl"))) < 5:
            assert run.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no extraction batch within 5 minutes"
            time.sleep(0.05)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    kept = load_state(out).extractions
    assert 40 <= len(kept) < 304  # at least five batches of 8 survived the kill; the run was not finished

    summary = build_graph_flow(inputs=[str(SAMPLE)], out_dir=str(out), batch_size=8)
    assert summary.papers_extracted == 304 - len(kept)  # completed batches are not extracted again
    first, _ = seed_build
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (first / name).read_bytes(), name
    assert list(batches.glob("*")) == []  # folded into state/extractions.jsonl
