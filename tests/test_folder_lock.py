"""One run at a time per output folder (kgbuild.sinks.lock): a second run waits for the first and then reads what
it wrote, so two runs into one folder lose nothing; a run that waited too long says who holds the folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from handmade import CORPUS

from kgbuild.sinks import load_state
from kgbuild.sinks.lock import FolderBusy, FolderLock
from kgbuild.sources import ingest


def test_a_second_holder_waits_then_says_who_holds_the_folder(tmp_path):
    told: list[str] = []
    with FolderLock(tmp_path), pytest.raises(FolderBusy) as error, FolderLock(tmp_path, wait_seconds=1.0,
                                                                              on_wait=told.append):
        pass
    holder = json.dumps({"pid": os.getpid()})[:-1]  # the lock file names the holding process
    assert str(error.value).startswith(f"{tmp_path}: another run holds this output folder ({holder}, \"since\": ")
    assert str(error.value).endswith("; waited 1 s (KGBUILD_LOCK_WAIT_SECONDS)")
    assert len(told) == 1
    assert told[0].startswith(f"{tmp_path}: waiting for the run that holds this output folder ({holder}")
    with FolderLock(tmp_path, wait_seconds=0):  # released: free at once
        pass


def test_two_builds_into_one_folder_lose_nothing(handmade_pipeline, tmp_path):
    lines = CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "monday.jsonl", tmp_path / "tuesday.jsonl"
    first.write_text("".join(lines[:3]), encoding="utf-8")
    second.write_text("".join(lines[3:]), encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    logs = [tmp_path / "monday.log", tmp_path / "tuesday.log"]
    # The test holds the folder while both builds start, so that both must wait for it and then for each other.
    with FolderLock(out):
        runs = [subprocess.Popen([sys.executable, "-m", "kgbuild.cli", "build", str(listing), "--out", str(out),
                                  "--pipeline", handmade_pipeline], stdout=log.open("w"), stderr=subprocess.STDOUT,
                                 env=env) for listing, log in zip((first, second), logs, strict=True)]
        deadline = time.monotonic() + 300
        while not all("waiting for the run that holds this output folder" in log.read_text() for log in logs):
            assert time.monotonic() < deadline, [log.read_text()[-2000:] for log in logs]
            assert all(run.poll() is None for run in runs), [log.read_text()[-2000:] for log in logs]
            time.sleep(0.5)
    assert [run.wait(timeout=600) for run in runs] == [0, 0], [log.read_text()[-3000:] for log in logs]
    state = load_state(Path(out))
    # Every paper of both listings (the corpus's 8 records are 7 papers: one is listed twice).
    assert sorted(state.papers) == sorted(state.extractions) == sorted(p.id for p in ingest([CORPUS]).papers)
    assert len(state.papers) == 7
