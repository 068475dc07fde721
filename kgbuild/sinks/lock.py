"""One run at a time per output folder: an exclusive lock on `<folder>/state/lock`, held from reading the folder's
state until its last write. A second run into the folder waits for the first (saying so), then reads what the
first wrote, so that neither run's papers are lost. The lock is the operating system's (flock): it goes with the
process that held it, however that process ended, so no stale lock outlives a killed run."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

LOCK_FILE = "lock"
_POLL_SECONDS = 0.5


class FolderBusy(RuntimeError):
    """Another run held the folder for longer than this run would wait."""


class FolderLock:
    """`with FolderLock(folder): ...` holds the folder for this process; waits up to `wait_seconds` for a run
    holding it, calling `on_wait` once with what that run wrote into the lock file (its pid and start time)."""

    def __init__(self, out_dir: Path | str, wait_seconds: float = 3600.0,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(out_dir) / "state" / LOCK_FILE
        self.wait_seconds = wait_seconds
        self.on_wait = on_wait
        self._handle: int | None = None

    def __enter__(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self.path.read_text(encoding="utf-8", errors="replace").strip() or "another run"
                if time.monotonic() >= deadline:
                    os.close(handle)
                    raise FolderBusy(f"{self.path.parent.parent}: another run holds this output folder ({holder}); "
                                     f"waited {self.wait_seconds:g} s (KGBUILD_LOCK_WAIT_SECONDS)") from None
                if not told and self.on_wait is not None:
                    self.on_wait(f"{self.path.parent.parent}: waiting for the run that holds this output folder "
                                 f"({holder})")
                    told = True
                time.sleep(_POLL_SECONDS)
        os.ftruncate(handle, 0)
        os.write(handle, json.dumps({"pid": os.getpid(), "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}).encode())
        self._handle = handle
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._handle is not None:
            os.ftruncate(self._handle, 0)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None


__all__ = ["LOCK_FILE", "FolderBusy", "FolderLock"]
