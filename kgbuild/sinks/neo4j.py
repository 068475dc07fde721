"""The Neo4j sink: the knowledge graph as a Neo4j 5 property graph, loaded in idempotent batches.

Labels Paper, Method, Dataset, Metric, Task (the four also `Entity`), Claim and Result; relationship types as in
`EdgeKind` (`(:Paper)-[:USES]->(:Method)`, `(:Claim)-[:ABOUT]->(:Entity)`, ...), each carrying its provenance
(paper, field, span, extractor), confidence, mention count and support. Every statement is `UNWIND $rows ...
MERGE`, so loading the same graph twice changes nothing.

A paper's subgraph (its node, claims, results and outgoing relationships) has a fingerprint stored on the Paper
node once the paper is fully loaded. A reload skips papers whose fingerprint is unchanged and, for a changed
paper, deletes that paper's relationships, claims and results before loading them again: nothing else is
touched. Batches that completed are recorded in a ledger file, so that after a failure a rerun picks up where
the load stopped; MERGE makes a repeated batch harmless anyway.

The Cypher here runs on Neo4j 5 and on FalkorDB (which the tests use); Neo4j-only schema statements are in
`SCHEMA_STATEMENTS`, run by `kgbuild neo4j init`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from kgbuild.graph.build import paper_node_id
from kgbuild.graph.model import EdgeKind, KnowledgeGraph
from kgbuild.graph.property import ENDPOINTS, ENTITY_KINDS, ENTITY_LABEL, edge_properties, node_properties
from kgbuild.settings import Settings

log = logging.getLogger("kgbuild.neo4j")

SCHEMA_STATEMENTS: tuple[str, ...] = (
    *(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
      for label in ("Paper", "Method", "Dataset", "Metric", "Task", "Claim", "Result")),
    # ABOUT targets and the library's entity lookups match on :Entity.
    "CREATE INDEX entity_id IF NOT EXISTS FOR (n:Entity) ON (n.id)",
    "CREATE INDEX claim_paper IF NOT EXISTS FOR (n:Claim) ON (n.paper_id)",
    "CREATE INDEX result_paper IF NOT EXISTS FOR (n:Result) ON (n.paper_id)",
    "CREATE INDEX claim_type IF NOT EXISTS FOR (n:Claim) ON (n.claim_type)",
    "CREATE INDEX paper_date IF NOT EXISTS FOR (n:Paper) ON (n.date)",
    "CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:Method|Dataset|Metric|Task) "
    "ON EACH [n.name, n.search_text]",
)


def node_statement(label: str) -> str:
    extra = f" SET n:{ENTITY_LABEL}" if label in {k.value for k in ENTITY_KINDS} else ""
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props{extra}"


def relationship_statement(kind: EdgeKind) -> str:
    source, target = ENDPOINTS[kind]
    return (f"UNWIND $rows AS row MATCH (a:{source} {{id: row.source}}) MATCH (b:{target} {{id: row.target}}) "
            f"MERGE (a)-[r:{kind.value}]->(b) SET r += row.props")


FINGERPRINTS = "UNWIND $rows AS row MATCH (p:Paper {id: row.id}) RETURN p.id AS id, p.fingerprint AS fingerprint"
SET_FINGERPRINTS = "UNWIND $rows AS row MATCH (p:Paper {id: row.id}) SET p.fingerprint = row.fingerprint"
# A changed paper loses what was read from it: its outgoing relationships, claims and results.
DELETE_PAPER_RELATIONSHIPS = "UNWIND $rows AS row MATCH (p:Paper {id: row.id})-[r]->() DELETE r"
DELETE_PAPER_CLAIMS = "UNWIND $rows AS row MATCH (c:Claim {paper_id: row.paper_id}) DETACH DELETE c"
DELETE_PAPER_RESULTS = "UNWIND $rows AS row MATCH (n:Result {paper_id: row.paper_id}) DETACH DELETE n"


class CypherRunner(Protocol):
    """Runs one parameterised statement in a write transaction and returns its records as dicts."""

    def write(self, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

    def read(self, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]: ...


class Neo4jLoadError(RuntimeError):
    """A load that failed after the driver's retries; says where it stopped and how to resume."""


def redact(uri: str) -> str:
    """The URI without any user:password part, for messages and logs."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass(slots=True)
class PaperRows:
    """Everything read from one paper, as statement rows, with the fingerprint of it all."""

    paper_id: str
    node_id: str  # the Paper node's id, "paper/<paper_id>"
    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # label -> rows
    relationships: dict[EdgeKind, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        payload = json.dumps([self.nodes, {k.value: v for k, v in self.relationships.items()}], sort_keys=True,
                             ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:24]


def graph_rows(graph: KnowledgeGraph) -> tuple[dict[str, list[dict[str, Any]]], dict[str, PaperRows]]:
    """Entity node rows by label, and each paper's rows (by paper id)."""
    support = graph.support()
    entities: dict[str, list[dict[str, Any]]] = {}
    papers: dict[str, PaperRows] = {}
    for node in graph.nodes.values():
        row = {"id": node.id, "props": node_properties(node)}
        if node.kind in ENTITY_KINDS:
            entities.setdefault(node.kind.value, []).append(row)
        else:
            pid = str(node.properties["paper_id"])
            paper = papers.setdefault(pid, PaperRows(pid, paper_node_id(pid)))
            paper.nodes.setdefault(node.kind.value, []).append(row)
    for edge in graph.edges.values():
        paper = papers[edge.provenance.paper_id]
        props = edge_properties(edge, support[(edge.kind, edge.target)])
        paper.relationships.setdefault(edge.kind, []).append({"source": edge.source, "target": edge.target,
                                                              "props": props})
    return entities, papers


@dataclass(slots=True)
class LoadReport:
    papers_loaded: int = 0
    papers_unchanged: int = 0
    papers_replaced: int = 0
    batches_run: int = 0
    batches_skipped: int = 0
    rows_written: int = 0


class BatchLedger:
    """Which batches completed: a file of batch keys, so that a failed load's rerun skips them."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.done: set[str] = set()
        if path is not None and path.exists():
            self.done = set(json.loads(path.read_text(encoding="utf-8"))["done"])

    def record(self, key: str) -> None:
        self.done.add(key)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"done": sorted(self.done)}) + "\n", encoding="utf-8")

    def clear(self) -> None:
        self.done.clear()
        if self.path is not None and self.path.exists():
            self.path.unlink()


class Neo4jLoader:
    """Loads a KnowledgeGraph through a `CypherRunner` in batches of at most `batch_size` rows and, when set,
    `max_batch_bytes` of JSON parameters (FalkorDB's Bolt port breaks on payloads over ~4 KB)."""

    def __init__(self, runner: CypherRunner, *, batch_size: int = 500, max_batch_bytes: int | None = None,
                 ledger: Path | None = None, target: str = "neo4j",
                 on_batch: Callable[[int], None] | None = None) -> None:
        self.runner = runner
        self.batch_size = batch_size
        self.max_batch_bytes = max_batch_bytes
        self.ledger = BatchLedger(ledger)
        self.target = target
        self.on_batch = on_batch  # called after each completed batch (progress bars, tests)

    def run(self, graph: KnowledgeGraph) -> LoadReport:
        report = LoadReport()
        entities, papers = graph_rows(graph)
        stored = self._stored_fingerprints([rows.node_id for rows in papers.values()])
        changed = [rows for rows in papers.values() if stored.get(rows.node_id) not in (None, rows.fingerprint)]
        to_load = [rows for rows in papers.values() if stored.get(rows.node_id) != rows.fingerprint]
        report.papers_unchanged = len(papers) - len(to_load)
        report.papers_replaced = len(changed)
        report.papers_loaded = len(to_load)
        plan: list[tuple[str, str, list[dict[str, Any]]]] = []
        ids = [{"id": rows.node_id, "paper_id": rows.paper_id} for rows in changed]
        for name, statement in (("delete relationships", DELETE_PAPER_RELATIONSHIPS),
                                ("delete claims", DELETE_PAPER_CLAIMS), ("delete results", DELETE_PAPER_RESULTS)):
            plan.append((name, statement, ids))
        for label, rows in entities.items():
            plan.append((f"{label} nodes", node_statement(label), rows))
        for label in ("Paper", "Claim", "Result"):
            plan.append((f"{label} nodes", node_statement(label),
                         [row for paper in to_load for row in paper.nodes.get(label, [])]))
        for kind in EdgeKind:
            plan.append((f"{kind.value} relationships", relationship_statement(kind),
                         [row for paper in to_load for row in paper.relationships.get(kind, [])]))
        plan.append(("paper fingerprints", SET_FINGERPRINTS,
                     [{"id": paper.node_id, "fingerprint": paper.fingerprint} for paper in to_load]))
        batches = [(name, statement, batch) for name, statement, rows in plan for batch in self._batches(rows)]
        for number, (name, statement, batch) in enumerate(batches, start=1):
            key = hashlib.sha256(json.dumps([statement, batch], sort_keys=True, default=str).encode()).hexdigest()
            if key in self.ledger.done:
                report.batches_skipped += 1
                continue
            try:
                self.runner.write(statement, batch)
            except Exception as error:
                raise Neo4jLoadError(
                    f"{self.target}: load failed at batch {number} of {len(batches)} ({name}, {len(batch)} rows): "
                    f"{type(error).__name__}: {error}. {len(self.ledger.done)} batches are loaded and recorded in "
                    f"{self.ledger.path or 'memory'}; run the load again to finish it") from None
            self.ledger.record(key)
            report.batches_run += 1
            report.rows_written += len(batch)
            if self.on_batch is not None:
                self.on_batch(number)
        log.info("loaded %d papers (%d replaced, %d unchanged) into %s in %d batches",
                 report.papers_loaded, report.papers_replaced, report.papers_unchanged, self.target,
                 report.batches_run)
        self.ledger.clear()  # complete: the fingerprints now say what is loaded
        return report

    def _stored_fingerprints(self, node_ids: Sequence[str]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for batch in self._batches([{"id": node_id} for node_id in node_ids]):
            try:
                records = self.runner.read(FINGERPRINTS, batch)
            except Exception as error:
                raise Neo4jLoadError(f"{self.target}: cannot read what is loaded already: "
                                     f"{type(error).__name__}: {error}") from None
            out.update({r["id"]: r["fingerprint"] for r in records})
        return out

    def _batches(self, rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        batch: list[dict[str, Any]] = []
        size = 0
        for row in rows:
            row_bytes = len(json.dumps(row, ensure_ascii=False, default=str).encode())
            if batch and (len(batch) >= self.batch_size
                          or (self.max_batch_bytes is not None and size + row_bytes > self.max_batch_bytes)):
                yield batch
                batch, size = [], 0
            batch.append(row)
            size += row_bytes
        if batch:
            yield batch


class BoltRunner:
    """A `CypherRunner` on the official neo4j driver: managed transactions, retried by the driver."""

    def __init__(self, driver: Any, database: str | None = None) -> None:
        self.driver = driver
        self.database = database

    def write(self, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self.driver.session(database=self.database) as session:
            return session.execute_write(_run, statement, rows)

    def read(self, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self.driver.session(database=self.database) as session:
            return session.execute_read(_run, statement, rows)

    def query(self, statement: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """A read-only statement with named parameters (a saved query), its records as dicts."""
        with self.driver.session(database=self.database) as session:
            return session.execute_read(lambda tx: tx.run(statement, dict(parameters)).data())


def _run(tx: Any, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return tx.run(statement, rows=rows).data()


def bolt_driver(uri: str, user: str | None, password: str | None, retry_seconds: float = 30.0) -> Any:
    """The official driver for `uri`; no auth when no password is given (local test servers)."""
    from neo4j import GraphDatabase

    # Credentials written into the URI (bolt://user:pw@host) are taken out of it: the driver refuses them there,
    # and a URI ends up in messages.
    parts = urlsplit(uri)
    user = user if parts.username is None else parts.username
    password = password or parts.password
    auth = (user or "neo4j", password) if password else None
    return GraphDatabase.driver(redact(uri), auth=auth, max_transaction_retry_time=retry_seconds,
                                connection_acquisition_timeout=retry_seconds, connection_timeout=min(retry_seconds, 5))


LEDGER_FILE = "neo4j-load.json"


@contextmanager
def configured_runner(settings: Settings) -> Iterator[BoltRunner]:
    """A runner on the Neo4j database the settings name, its driver closed on exit; the password comes from the
    environment or a Prefect Secret block and appears in no message."""
    if not settings.neo4j_uri:
        raise ValueError("no Neo4j database configured: set KGBUILD_NEO4J_URI (and KGBUILD_NEO4J_PASSWORD)")
    driver = bolt_driver(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_secret(),
                         settings.neo4j_retry_seconds)
    try:
        yield BoltRunner(driver, settings.neo4j_database)
    finally:
        driver.close()


def load_graph(graph: KnowledgeGraph, settings: Settings, ledger: Path | None = None) -> LoadReport:
    """Load `graph` into the Neo4j database the settings name."""
    with configured_runner(settings) as runner:
        loader = Neo4jLoader(runner, batch_size=settings.neo4j_batch_size,
                             max_batch_bytes=settings.neo4j_max_batch_bytes, ledger=ledger,
                             target=redact(str(settings.neo4j_uri)))
        return loader.run(graph)


def render_load_markdown(report: LoadReport) -> str:
    """The Neo4j load's counts, as a section of the run's markdown artifact."""
    rows = (("papers loaded", report.papers_loaded), ("papers replaced", report.papers_replaced),
            ("papers unchanged", report.papers_unchanged), ("write batches run", report.batches_run),
            ("write batches skipped (done before)", report.batches_skipped), ("rows written", report.rows_written))
    return "\n".join(["## Neo4j", "", "| what | count |", "|---|---:|", *(f"| {k} | {v} |" for k, v in rows)]) + "\n"


def init_schema(runner: CypherRunner) -> list[str]:
    """Create the Neo4j 5 constraints and indexes (idempotent); returns the statements run."""
    for statement in SCHEMA_STATEMENTS:
        runner.write(statement, [])
    return list(SCHEMA_STATEMENTS)


__all__ = [
    "LEDGER_FILE", "SCHEMA_STATEMENTS", "BoltRunner", "CypherRunner", "LoadReport", "Neo4jLoadError", "Neo4jLoader",
    "PaperRows", "bolt_driver", "configured_runner", "graph_rows", "init_schema", "load_graph", "node_statement",
    "redact", "relationship_statement", "render_load_markdown",
]
