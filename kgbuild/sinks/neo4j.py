"""The Neo4j sink: the knowledge graph as a Neo4j 5 property graph, loaded in idempotent batches.

Labels Paper, Method, Dataset, Metric, Task (the four also `Entity`), Claim and Result; relationship types as in
`EdgeKind` (`(:Paper)-[:USES]->(:Method)`, `(:Claim)-[:ABOUT]->(:Entity)`, ...), each carrying its provenance
(paper, field, span, extractor), confidence and mention count. Corpus-wide counts (how many papers use an entity)
are properties of the entity (`kgbuild.graph.property.entity_support`). Every statement is `UNWIND $rows ...
MERGE`, so loading the same graph twice changes nothing.

A load leaves the database holding exactly the graph it was given, and writes only what changed: each paper's
subgraph (its node, claims, results and outgoing relationships) and each entity node carry a fingerprint of
what was loaded. An unchanged paper or entity is not written; a changed paper loses its relationships, claims and
results before they are loaded again; papers and entities the graph no longer has (merged away, removed) are
deleted with their relationships. Batches that completed are recorded in a ledger file, so that after a failure
a rerun picks up where the load stopped; MERGE makes a repeated batch harmless anyway.

The schema (`SCHEMA_STATEMENTS`, run by `kgbuild neo4j init`) is Neo4j 5's: uniqueness constraints on `id`
and the full-text index `entity_names` over names and aliases that the library queries (queries/*.cypher) use.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from kgbuild.graph.model import EdgeKind, KnowledgeGraph
from kgbuild.graph.property import ENDPOINTS, ENTITY_KINDS, ENTITY_LABEL, PaperRows, graph_rows
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
    """MERGE on id, then the node's properties are exactly the row's: a property the graph dropped goes too."""
    extra = f", n:{ENTITY_LABEL}" if label in {k.value for k in ENTITY_KINDS} else ""
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n = row.props, n.id = row.id{extra}"


def relationship_statement(kind: EdgeKind) -> str:
    source, target = ENDPOINTS[kind]
    return (f"UNWIND $rows AS row MATCH (a:{source} {{id: row.source}}) MATCH (b:{target} {{id: row.target}}) "
            f"MERGE (a)-[r:{kind.value}]->(b) SET r += row.props")


# What is loaded: every paper and entity with its fingerprint (None: a paper whose load did not complete).
STORED = ("MATCH (n:Paper) RETURN n.id AS id, true AS paper, n.fingerprint AS fingerprint UNION ALL "
          "MATCH (n:Entity) RETURN n.id AS id, false AS paper, n.fingerprint AS fingerprint")
SET_FINGERPRINTS = "UNWIND $rows AS row MATCH (p:Paper {id: row.id}) SET p.fingerprint = row.fingerprint"
# A changed paper loses what was read from it: its outgoing relationships, claims and results.
DELETE_PAPER_RELATIONSHIPS = "UNWIND $rows AS row MATCH (p:Paper {id: row.id})-[r]->() DELETE r"
DELETE_PAPER_CLAIMS = "UNWIND $rows AS row MATCH (c:Claim {paper_id: row.paper_id}) DETACH DELETE c"
DELETE_PAPER_RESULTS = "UNWIND $rows AS row MATCH (n:Result {paper_id: row.paper_id}) DETACH DELETE n"
# A paper or an entity the graph no longer has goes, with its relationships (matched by label: indexed).
DELETE_PAPERS = "UNWIND $rows AS row MATCH (n:Paper {id: row.id}) DETACH DELETE n"
DELETE_ENTITIES = f"UNWIND $rows AS row MATCH (n:{ENTITY_LABEL} {{id: row.id}}) DETACH DELETE n"


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
class LoadReport:
    papers_loaded: int = 0  # new and changed papers
    papers_unchanged: int = 0
    papers_replaced: int = 0  # changed papers, whose earlier subgraph was deleted first
    papers_removed: int = 0  # loaded before, not in the graph now
    entities_written: int = 0  # new and changed entity nodes
    entities_removed: int = 0  # merged away or no longer named by any paper
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
    `max_batch_bytes` of JSON parameters (long abstracts make large transactions)."""

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
        stored_papers, stored_entities = self._stored()
        # A paper without a fingerprint is one an interrupted load began: the ledger's rerun completes it.
        changed = [rows for rows in papers.values() if stored_papers.get(rows.node_id) not in (None, rows.fingerprint)]
        to_load = [rows for rows in papers.values() if stored_papers.get(rows.node_id) != rows.fingerprint]
        loaded_ids = {rows.node_id for rows in papers.values()}
        gone_papers = sorted(set(stored_papers) - loaded_ids)
        entity_ids = {row["id"] for rows in entities.values() for row in rows}
        gone_entities = sorted(set(stored_entities) - entity_ids)
        report.papers_unchanged = len(papers) - len(to_load)
        report.papers_replaced = len(changed)
        report.papers_loaded = len(to_load)
        report.papers_removed = len(gone_papers)
        report.entities_removed = len(gone_entities)
        plan: list[tuple[str, str, list[dict[str, Any]]]] = []
        ids = [{"id": rows.node_id, "paper_id": rows.paper_id} for rows in changed]
        ids += [{"id": node_id, "paper_id": node_id.removeprefix("paper/")} for node_id in gone_papers]
        for name, statement in (("delete relationships", DELETE_PAPER_RELATIONSHIPS),
                                ("delete claims", DELETE_PAPER_CLAIMS), ("delete results", DELETE_PAPER_RESULTS)):
            plan.append((name, statement, ids))
        plan.append(("delete papers the graph no longer has", DELETE_PAPERS, [{"id": i} for i in gone_papers]))
        plan.append(("delete entities the graph no longer has", DELETE_ENTITIES,
                     [{"id": i} for i in gone_entities]))
        for label, rows in entities.items():
            changed_rows = [row for row in rows if stored_entities.get(row["id"]) != row["props"]["fingerprint"]]
            report.entities_written += len(changed_rows)
            plan.append((f"{label} nodes", node_statement(label), changed_rows))
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
        log.info("loaded %d papers (%d replaced, %d unchanged, %d removed) and %d entities (%d removed) into %s in "
                 "%d batches", report.papers_loaded, report.papers_replaced, report.papers_unchanged,
                 report.papers_removed, report.entities_written, report.entities_removed, self.target,
                 report.batches_run)
        self.ledger.clear()  # complete: the fingerprints now say what is loaded
        return report

    def _stored(self) -> tuple[dict[str, str | None], dict[str, str | None]]:
        """The fingerprints of the papers and of the entities loaded already, by node id."""
        try:
            records = self.runner.read(STORED, [])
        except Exception as error:
            raise Neo4jLoadError(f"{self.target}: cannot read what is loaded already: "
                                 f"{type(error).__name__}: {error}") from None
        papers = {r["id"]: r["fingerprint"] for r in records if r["paper"]}
        return papers, {r["id"]: r["fingerprint"] for r in records if not r["paper"]}

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
    # No server notifications: on an empty database every statement would log "label does not exist" warnings.
    return GraphDatabase.driver(redact(uri), auth=auth, max_transaction_retry_time=retry_seconds,
                                connection_acquisition_timeout=retry_seconds, connection_timeout=min(retry_seconds, 5),
                                notifications_min_severity="OFF")


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
    """Load `graph` into the Neo4j database the settings name, its schema ensured first (the uniqueness
    constraints serve the loader's MERGEs, the full-text index the library queries)."""
    target = redact(str(settings.neo4j_uri))
    with configured_runner(settings) as runner:
        try:
            init_schema(runner)
        except Exception as error:
            raise Neo4jLoadError(f"{target}: cannot ensure the schema: {type(error).__name__}: {error}") from None
        loader = Neo4jLoader(runner, batch_size=settings.neo4j_batch_size,
                             max_batch_bytes=settings.neo4j_max_batch_bytes, ledger=ledger, target=target)
        return loader.run(graph)


def render_load_markdown(report: LoadReport) -> str:
    """The Neo4j load's counts, as a section of the run's markdown artifact."""
    rows = (("papers loaded", report.papers_loaded), ("papers replaced", report.papers_replaced),
            ("papers unchanged", report.papers_unchanged), ("papers removed", report.papers_removed),
            ("entities written", report.entities_written), ("entities removed", report.entities_removed),
            ("write batches run", report.batches_run),
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
