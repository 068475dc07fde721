"""Scheduled operation on a real Prefect server: `kgbuild serve` on a one-minute cron, and prefect.yaml on a pool.

A `prefect server start` subprocess on 127.0.0.1 with its own PREFECT_HOME and scheduler settings, separate from the
session's test harness. Every wait is bounded, and a failure shows the tail of the processes' logs. The runs extract
with the hand-made pipeline (tests/handmade.py), passed as the deployment's `pipeline` parameter.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, SAMPLE, SEED_FILES
from handmade import CORPUS, NODES, PIPELINE_NAME, PIPELINE_VERSION

BIN = Path(sys.executable).parent
HEALTH_WAIT = 120  # a fresh venv's first server start creates and migrates its database
DEPLOYMENT_WAIT = 120  # kgbuild serve imports spaCy and the flow before it registers the deployment
SCHEDULE_WAIT = 60  # the server schedules a new deployment within 5 s (recent-deployments loop); backstop below
RUN_WAIT = 180  # from the run's scheduled time: start (poll every 2 s) plus one build of 7 papers (~20 s here)
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(home: Path, **settings: str) -> dict[str, str]:
    # Our own test session's PREFECT_* (its temporary home, log level) must not leak into the servers and clients.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="INFO",
               **settings)
    return env


def _tail(*logs: Path, lines: int = 40) -> str:
    parts = []
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no log)"
        parts.append(f"--- {log.name} (last {lines} lines) ---\n" + "\n".join(text.splitlines()[-lines:]))
    return "\n".join(parts)


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        # Its own session, so that stopping it also stops the flow-run processes it started.
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _signal(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole session already ended
        os.killpg(process.pid, sig)  # the session _start gave it: only processes this test started


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    _signal(process, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _signal(process, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for(what: str, seconds: float, probe: Callable[[], object], logs: tuple[Path, ...],
              processes: tuple[subprocess.Popen, ...] = ()) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{process.args[:3]} exited with {process.returncode} while waiting for {what}\n"
                            + _tail(*logs))
        try:
            result = probe()
        except httpx.HTTPError:
            result = None
        if result:
            return result
        time.sleep(2)
    pytest.fail(f"no {what} within {seconds:.0f} s\n" + _tail(*logs))


class Server:
    def __init__(self, url: str, log: Path, client_home: Path):
        self.url, self.log, self.client_home = url, log, client_home
        self.http = httpx.Client(base_url=url, timeout=30)

    def client_env(self, **settings: str) -> dict[str, str]:
        return _env(self.client_home, PREFECT_API_URL=self.url, **settings)

    def deployment(self, name: str) -> dict | None:
        found = self.http.post("/deployments/filter", json={"deployments": {"name": {"any_": [name]}}}).json()
        return found[0] if found else None

    def first_run(self, deployment_id: str) -> dict | None:
        runs = self.http.post("/flow_runs/filter", json={
            "flow_runs": {"deployment_id": {"any_": [deployment_id]}}, "sort": "EXPECTED_START_TIME_ASC", "limit": 1,
        }).json()
        return runs[0] if runs else None

    def finished_run(self, run_id: str) -> dict | None:
        run = self.http.get(f"/flow_runs/{run_id}").json()
        return run if run["state_type"] in TERMINAL else None

    def prefect(self, *args: str, log: Path, timeout: float = 120) -> None:
        with log.open("ab") as out:
            done = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=ROOT, env=self.client_env(),
                                  stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
        assert done.returncode == 0, f"prefect {' '.join(args)} exited with {done.returncode}\n" + _tail(log)


def test_deployment_parameters_are_absolute_and_globs_stay_globs(tmp_path, monkeypatch):
    from flows.serve import deployment_parameters

    monkeypatch.chdir(tmp_path)
    # The glob reaches every run unexpanded: each run's ingest matches it again (tests/test_sources_globs.py).
    assert deployment_parameters(["inbox/*.jsonl", str(SAMPLE)], "out", batch_size=16) == {
        "inputs": [str(tmp_path / "inbox" / "*.jsonl"), str(SAMPLE)], "out_dir": str(tmp_path / "out"),
        "load_neo4j": False, "batch_size": 16,
    }


def test_kgbuild_serve_without_a_server_says_so(tmp_path):
    # Prefect's ephemeral API runs no scheduler: serving to it would never run the cron.
    command = [str(BIN / "kgbuild"), "serve", "sample/seeds", "--out", str(tmp_path), "--cron", "* * * * *"]
    done = subprocess.run(command, cwd=ROOT, env=_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("kgbuild: error: NoPrefectServer: kgbuild serve needs a Prefect server: "
                                  "set PREFECT_API_URL")


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("prefect-server")
    port, log = _free_port(), tmp / "server.log"
    env = _env(tmp / "server-home",
               # The full scheduler pass as a backstop to the recent-deployments one (default every 60 s).
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="10")
    process = _start([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port),
                      "--no-ui"], env, log)
    try:
        server = Server(f"http://127.0.0.1:{port}/api", log, tmp / "client-home")
        _wait_for("healthy Prefect server", HEALTH_WAIT, lambda: server.http.get("/health").status_code == 200,
                  (log,), (process,))
        yield server
        server.http.close()
    finally:
        _stop(process)


def test_kgbuild_serve_runs_the_build_on_its_cron(prefect_server, handmade_pipeline, tmp_path):
    server, out, serve_log = prefect_server, tmp_path / "out", tmp_path / "serve.log"
    logs = (serve_log, server.log)
    # A relative input (made absolute in the deployment): the hand-made corpus, 8 records.
    serve = _start([str(BIN / "kgbuild"), "serve", str(CORPUS.relative_to(ROOT)), "--out", str(out), "--cron",
                    "* * * * *", "--pipeline", handmade_pipeline], server.client_env(PREFECT_RUNNER_POLL_FREQUENCY="2"),
                   serve_log)
    try:
        deployment = _wait_for("deployment kgbuild-build-graph/kgbuild", DEPLOYMENT_WAIT,
                               lambda: server.deployment("kgbuild"), logs, (serve,))
        assert deployment["entrypoint"] == "flows.build_graph.build_graph_flow"
        assert [(s["schedule"]["cron"], s["active"]) for s in deployment["schedules"]] == [("* * * * *", True)]
        # Absolute paths: runs do not depend on where the server or the UI starts them from.
        parameters = {"inputs": [str(CORPUS)], "out_dir": str(out), "load_neo4j": False, "pipeline": handmade_pipeline}
        assert deployment["parameters"] == parameters

        run = _wait_for("run scheduled by the server", SCHEDULE_WAIT,
                        lambda: server.first_run(deployment["id"]), logs, (serve,))
        # Created by the cron schedule, not by a client: the server's scheduler made it.
        assert run["auto_scheduled"] is True
        assert run["created_by"]["type"] == "SCHEDULE"
        due = datetime.fromisoformat(run["expected_start_time"])
        assert due.second == 0 and due.microsecond == 0  # on a minute boundary, as "* * * * *" says
        wait = (due - datetime.now(UTC)).total_seconds() + RUN_WAIT
        assert wait <= 60 + RUN_WAIT  # the next minute boundary at the latest
        finished = _wait_for(f"end of run {run['name']} (due {due:%H:%M:%S})", wait,
                             lambda: server.finished_run(run["id"]), logs, (serve,))
        # Stop serving before reading the folder: the next minute's run would start writing into it.
        _stop(serve)
        assert (finished["state_type"], finished["state_name"]) == ("COMPLETED", "Completed"), _tail(*logs)
        assert finished["parameters"] == parameters
        assert finished["deployment_id"] == deployment["id"]

        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert (summary["papers"], summary["duplicates"], summary["quarantined"]) == (7, 1, 0)
        assert (summary["corpus_papers"], summary["papers_extracted"]) == (7, 7)
        assert summary["nodes"] == NODES
        extractor = json.loads((out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()[0])["extractor"]
        assert (extractor["name"], extractor["version"]) == (PIPELINE_NAME, PIPELINE_VERSION)
        artifacts = server.http.post("/artifacts/filter", json={"artifacts": {
            "key": {"any_": ["kgbuild-run-summary"]}, "flow_run_id": {"any_": [run["id"]]}}}).json()
        assert len(artifacts) == 1 and "| papers | 7 |" in artifacts[0]["data"]
    finally:
        _stop(serve)


def test_prefect_yaml_deploys_the_build_to_a_process_pool(prefect_server, handmade_pipeline, tmp_path):
    server, log = prefect_server, tmp_path / "prefect.log"
    out = tmp_path / "out"
    server.prefect("work-pool", "create", "kgbuild", "--type", "process", "--overwrite", log=log)
    # As README says for the compose volume: parameters overridden at deploy time (here, away from the checkout).
    server.prefect("--no-prompt", "deploy", "--all", "--params", json.dumps({"out_dir": str(out)}), log=log)
    deployment = server.deployment("nightly")
    assert deployment["entrypoint"] == "flows.build_graph.build_graph_flow"
    assert deployment["work_pool_name"] == "kgbuild"
    assert deployment["parameters"] == {"inputs": ["sample/seeds"], "out_dir": str(out), "load_neo4j": False}
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in deployment["schedules"]] == [
        ("0 3 * * *", "UTC", True)]
    assert deployment["global_concurrency_limit"]["limit"] == 1
    # The worker runs flows in the folder deploy ran from, so the relative inputs are this checkout's.
    assert deployment["pull_steps"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT.resolve())}}]

    # One small run through a process worker, as `prefect worker start --pool kgbuild` would run the nightly one.
    server.prefect("deployment", "run", "kgbuild-build-graph/nightly",
                   "--param", f"inputs={json.dumps([str(SEED_FILES['lines'])])}",
                   "--param", f"pipeline={handmade_pipeline}", log=log)
    server.prefect("worker", "start", "--pool", "kgbuild", "--run-once", log=log, timeout=RUN_WAIT)
    runs = server.http.post("/flow_runs/filter", json={
        "flow_runs": {"deployment_id": {"any_": [deployment["id"]]}, "state": {"type": {"any_": sorted(TERMINAL)}}},
    }).json()
    assert [(r["state_name"], r["work_pool_name"], r["auto_scheduled"]) for r in runs] == [
        ("Completed", "kgbuild", False)], _tail(log, server.log)
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["papers"] == 11
    extractor = json.loads((out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()[0])["extractor"]
    assert extractor["name"] == PIPELINE_NAME
