"""A real Neo4j 5 for the tests: Neo4j 5.26 Community from Maven Central, started in-process by the small launcher
in tests/engines/neo4j (neo4j-harness with Browser and neo4j-admin's import tool), on 127.0.0.1, with
authentication, in a folder of the test session's own.

Maven resolves the launcher's classpath (artifacts cached in ~/.m2); Java 17 runs the launcher's one source file.
Without Java and Maven the tests may use a database given by KGBUILD_TEST_NEO4J_URI instead (one the tests own
outright, e.g. a `docker compose up -d neo4j` kept for them): they refuse it unless it is empty or holds only what
they wrote. With neither, the Neo4j tests are skipped and the session's summary says so.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

ENGINE_DIR = Path(__file__).parent / "engines" / "neo4j"
LAUNCHER = ENGINE_DIR / "Neo4jTestServer.java"
START_SECONDS = 180  # a cold JVM on a busy 2-core machine; the server is usually up in 10-20 s
EXTERNAL_URI = "KGBUILD_TEST_NEO4J_URI"


class EngineUnavailable(RuntimeError):
    """Neither Java 17 with Maven nor a test-owned database: the reason the Neo4j tests are skipped."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolve_classpath(cache: Path) -> str:
    """The launcher's classpath from tests/engines/neo4j/pom.xml; Maven fetches what ~/.m2 lacks. A Maven failure is
    an error, not a reason to skip: the machine has the tools and the tests were meant to run."""
    java, mvn = shutil.which("java"), shutil.which("mvn")
    if java is None or mvn is None:
        raise EngineUnavailable(f"{'java' if java is None else 'mvn'} is not on PATH: install Java 17 and Maven to "
                                f"run Neo4j 5 in the tests, or set {EXTERNAL_URI} to a database they may own")
    out = cache / "neo4j-classpath.txt"
    if not out.exists():
        done = subprocess.run([mvn, "-q", "-B", "-f", str(ENGINE_DIR / "pom.xml"), "dependency:build-classpath",
                               f"-Dmdep.outputFile={out}"], capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            raise RuntimeError(f"Maven could not resolve Neo4j's test server (tests/engines/neo4j/pom.xml):\n"
                               f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return out.read_text(encoding="utf-8").strip()


@dataclass
class Neo4jProcess:
    """One running launcher: its addresses, password, server home and the process itself."""

    bolt_uri: str
    http_uri: str
    home: Path
    version: str
    password: str
    user: str = "neo4j"
    process: subprocess.Popen | None = None
    log: Path | None = None

    def stop(self) -> None:
        """Close the server cleanly (end of its input), then wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: the server dies mid-whatever, as a crashed machine's would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


class Neo4jEngine:
    """Starts launchers from one resolved classpath; each server gets a folder under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.classpath = resolve_classpath(root)

    def start(self, name: str, copy_from: Path | None = None) -> Neo4jProcess:
        """A new server in `root/name`; with `copy_from`, a server home whose databases it starts with."""
        work = self.root / name
        work.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(18)
        args = ["java", "-Xmx2g", "-cp", self.classpath, str(LAUNCHER), str(work), password, str(free_port()),
                str(free_port())]
        if copy_from is not None:
            args.append(str(copy_from))
        log = work.with_suffix(".log")
        with log.open("wb") as stderr:
            process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_SECONDS)
        if not line or not line[0].strip():
            process.kill()
            process.wait()
            raise RuntimeError(f"the Neo4j test server did not start within {START_SECONDS} s "
                               f"(exit {process.returncode}); its log, {log}:\n"
                               f"{log.read_text(errors='replace')[-6000:]}")
        info = json.loads(line[0])
        return Neo4jProcess(info["bolt"].rstrip("/"), info["http"].rstrip("/"), Path(info["home"]), info["version"],
                            password, process=process, log=log)

    def admin(self, home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """`neo4j-admin <args>` (Neo4j's own AdminTool) with `home` as NEO4J_HOME (its conf/ created empty)."""
        (home / "conf").mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
        return subprocess.run(["java", "-cp", self.classpath, "org.neo4j.cli.AdminTool", *args], env=env, cwd=cwd,
                              capture_output=True, text=True, timeout=600)


def external_server() -> Neo4jProcess | None:
    """The test-owned database named by KGBUILD_TEST_NEO4J_URI (with _USER and _PASSWORD), if any."""
    uri = os.environ.get(EXTERNAL_URI)
    if not uri:
        return None
    return Neo4jProcess(uri, "", Path(), "", os.environ.get("KGBUILD_TEST_NEO4J_PASSWORD", ""),
                        user=os.environ.get("KGBUILD_TEST_NEO4J_USER", "neo4j"))
