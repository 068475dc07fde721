"""The Neo4j sink on a real Cypher engine: FalkorDB through its own client (the full seed graph) and through its
Bolt port with the official neo4j driver (the part of the graph that port can carry).

What FalkorDB cannot show, and tests/test_neo4j_server.py shows on a real Neo4j 5 when NEO4J_URI is set: the
Neo4j 5 schema statements (constraints, full-text index), rollback of a failed transaction, and strings with
apostrophes or backslashes over Bolt.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEED_FILES
from falkordb_server import FalkorDBServer, NativeRunner, counts, free_port

from kgbuild.graph import KnowledgeGraph, build_graph
from kgbuild.graph.model import NodeKind
from kgbuild.sinks.neo4j import (
    LEDGER_FILE,
    BoltRunner,
    Neo4jLoader,
    Neo4jLoadError,
    bolt_driver,
    graph_rows,
)

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def expected_counts(graph: KnowledgeGraph) -> tuple[dict[str, int], dict[str, int]]:
    nodes = graph.count_nodes()
    entities = sum(nodes[k] for k in ("Method", "Dataset", "Metric", "Task"))
    edges = {kind: n for kind, n in graph.count_edges().items() if n}
    return {**nodes, "Entity": entities}, edges


@pytest.fixture(scope="module")
def loaded(falkordb, seed_graph_model):
    """The full seed graph, loaded through FalkorDB's own client: (falkordb graph, first load report)."""
    graph = falkordb.graph("kgbuild_seed")
    report = Neo4jLoader(NativeRunner(graph), batch_size=200).run(seed_graph_model)
    return graph, report


# --- the full graph through FalkorDB's own client --------------------------------------------------------------

def test_the_seed_graph_loads_with_the_in_memory_counts(loaded, seed_graph_model):
    graph, report = loaded
    assert (report.papers_loaded, report.papers_replaced, report.papers_unchanged) == (304, 0, 0)
    assert counts(graph) == expected_counts(seed_graph_model)


def test_loading_again_changes_nothing(loaded, seed_graph_model):
    graph, _ = loaded
    again = Neo4jLoader(NativeRunner(graph), batch_size=200).run(seed_graph_model)
    assert (again.papers_loaded, again.papers_unchanged) == (0, 304)
    assert counts(graph) == expected_counts(seed_graph_model)


def test_a_re_extracted_paper_replaces_its_relationships_and_nothing_else(falkordb, seed_ingest, seed_extractions):
    graph = falkordb.graph("kgbuild_replace")
    before = build_graph(seed_ingest.papers, seed_extractions.extractions, seed_extractions.entities)
    Neo4jLoader(NativeRunner(graph)).run(before)
    # SQLNet's paper re-extracted: one claim and one entity mention fewer.
    sqlnet = next(i for i, p in enumerate(seed_ingest.papers) if p.title.startswith("SQLNet"))
    changed = list(seed_extractions.extractions)
    x = changed[sqlnet]
    changed[sqlnet] = replace(x, claims=x.claims[:-1], results=())
    after = build_graph(seed_ingest.papers, changed, seed_extractions.entities)
    others = "MATCH (p:Paper)-[r]->() WHERE p.paper_id <> $rows RETURN count(r)"
    untouched = graph.query(others, {"rows": x.paper_id}).result_set[0][0]
    report = Neo4jLoader(NativeRunner(graph)).run(after)
    assert (report.papers_replaced, report.papers_unchanged) == (1, 303)
    assert counts(graph) == expected_counts(after)
    assert graph.query(others, {"rows": x.paper_id}).result_set[0][0] == untouched
    assert graph.query("MATCH (r:Result {paper_id: $rows}) RETURN count(r)", {"rows": x.paper_id}).result_set == [[0]]


def test_every_relationship_carries_provenance_confidence_and_support(loaded, seed_ingest):
    graph, _ = loaded
    [(name, field, start, end, confidence, support, extractor)] = graph.query(
        "MATCH (:Paper {paper_id: 'hash:e7b23d8933f4d2c2'})-[r:ADDRESSES]->(t:Task) "
        "RETURN t.name, r.field, r.start, r.end, r.confidence, r.support, r.extractor").result_set
    sqlnet = next(p for p in seed_ingest.papers if p.id == "hash:e7b23d8933f4d2c2")
    assert (name, field, sqlnet.abstract[start:end]) == ("WikiSQL task", "abstract", "WikiSQL task")
    assert (confidence, support, extractor) == (0.6602, 1, "kgbuild_sci")
    missing = graph.query("MATCH ()-[r]->() WHERE r.paper_id IS NULL OR r.confidence IS NULL OR r.support IS NULL "
                          "OR r.start IS NULL OR r.extractor_version IS NULL RETURN count(r)").result_set
    assert missing == [[0]]


# --- the Cypher library --------------------------------------------------------------------------------------

def library_query(name: str) -> tuple[str, dict]:
    """A queries/*.cypher file: its statement and the example parameters it documents (`// :param x => v`)."""
    text = (QUERIES / f"{name}.cypher").read_text(encoding="utf-8")
    params = {k: (v[1:-1] if v.startswith("'") else int(v))
              for k, v in re.findall(r"^// :param (\w+) => (.+)$", text, re.MULTILINE)}
    assert text.startswith("// "), f"{name}: the first line says what the query is for"
    return "\n".join(line for line in text.splitlines() if not line.startswith("//")), params


def run_library(graph, name: str) -> list[list]:
    statement, params = library_query(name)
    return graph.query(statement, params).result_set


def test_every_library_query_is_tested():
    tested = {"top_methods_per_task", "datasets_with_method", "findings_comparing_methods",
              "method_dataset_cooccurrence", "papers_per_month", "paper_neighbourhood"}
    assert {p.stem for p in QUERIES.glob("*.cypher")} == tested


def test_top_methods_per_task(loaded):
    rows = run_library(loaded[0], "top_methods_per_task")
    assert len(rows) == 10
    assert rows[0] == ["deep neural networks", 2]
    assert all(papers == 1 for _, papers in rows[1:])


def test_datasets_with_method(loaded):
    assert run_library(loaded[0], "datasets_with_method") == [["ImageNet", 1]]


def test_findings_comparing_methods(loaded):
    [(paper, finding, confidence)] = run_library(loaded[0], "findings_comparing_methods")
    assert paper == "hash:5d87816f3db2d176"
    assert finding.startswith("Extensive empirical evaluations of the proposed method on a wide range of search")
    assert confidence == 0.9419


def test_method_dataset_cooccurrence(loaded):
    rows = run_library(loaded[0], "method_dataset_cooccurrence")
    assert len(rows) == 25
    assert rows[:3] == [["Neural Architecture Search", "ImageNet", 5], ["deep neural networks", "CIFAR-10", 4],
                        ["neural networks", "ImageNet", 4]]
    assert min(papers for *_, papers in rows) >= 2


def test_papers_per_month(loaded):
    rows = run_library(loaded[0], "papers_per_month")
    assert len(rows) == 19
    assert rows[0] == ["2015-11", 1]
    assert sum(papers for _, papers in rows) == 22


def test_paper_neighbourhood(loaded):
    rows = run_library(loaded[0], "paper_neighbourhood")
    assert len(rows) == 19
    assert rows[0] == ["ADDRESSES", "Task", "WikiSQL task", 0.6602, None, None]
    assert ["CLAIMS", "Claim", "By combining all these novel techniques, we show that SQLNet can outperform the "
            "prior art by 9% to 13% on the WikiSQL task.", 0.8822, "ABOUT", "SQLNet"] in rows


# --- over Bolt, with the official driver ---------------------------------------------------------------------

def bolt_safe(graph: KnowledgeGraph, max_row_bytes: int) -> KnowledgeGraph:
    """The part of the graph FalkorDB's Bolt port can carry: no apostrophe or backslash in any string, rows
    small enough for its ~4 KB parameter limit."""
    _, papers = graph_rows(graph)

    def ok(value: object) -> bool:
        text = json.dumps(value, ensure_ascii=False)
        return "'" not in text and "\\\\" not in text and len(text.encode()) <= max_row_bytes

    keep = {n.id for n in graph.nodes.values() if ok(n.properties) and ok(n.label)}
    papers_ok = {f"paper/{pid}" for pid, rows in papers.items() if f"paper/{pid}" in keep}
    sub = KnowledgeGraph()
    for node in graph.nodes.values():
        in_paper = node.kind not in (NodeKind.METHOD, NodeKind.DATASET, NodeKind.METRIC, NodeKind.TASK)
        if node.id in keep and (not in_paper or f"paper/{node.properties['paper_id']}" in papers_ok):
            sub.add_node(node)
    for edge in graph.edges.values():
        if edge.source in sub.nodes and edge.target in sub.nodes:
            sub.add_edge(edge)
    return sub


def test_the_bolt_path_loads_what_the_port_can_carry(falkordb, bolt_driver_session, seed_graph_model):
    falkordb.graph("falkordb").query("MATCH (n) DETACH DELETE n")  # every Bolt database maps to this graph
    sub = bolt_safe(seed_graph_model, max_row_bytes=2500)
    assert sub.count_nodes()["Paper"] >= 200  # most of the corpus: the check below is about real data
    loader = Neo4jLoader(BoltRunner(bolt_driver_session), batch_size=50, max_batch_bytes=3000)
    first = loader.run(sub)
    assert counts(falkordb.graph("falkordb")) == expected_counts(sub)
    again = Neo4jLoader(BoltRunner(bolt_driver_session), batch_size=50, max_batch_bytes=3000).run(sub)
    assert (first.papers_loaded, again.papers_loaded, again.papers_unchanged) == (
        sub.count_nodes()["Paper"], 0, sub.count_nodes()["Paper"])
    assert counts(falkordb.graph("falkordb")) == expected_counts(sub)


# --- failures ------------------------------------------------------------------------------------------------

PASSWORD = "kg-Pa55word-never-printed"


def test_a_server_that_is_down_gives_one_clear_error_without_the_password(seed_graph_model, caplog):
    port = free_port()  # nothing listens here
    driver = bolt_driver(f"bolt://127.0.0.1:{port}", "neo4j", PASSWORD, retry_seconds=1)
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(Neo4jLoadError) as error:
            Neo4jLoader(BoltRunner(driver), target=f"bolt://127.0.0.1:{port}").run(seed_graph_model)
    finally:
        driver.close()
    message = str(error.value)
    assert message.startswith(f"bolt://127.0.0.1:{port}: cannot read what is loaded already: ServiceUnavailable")
    assert PASSWORD not in message and PASSWORD not in caplog.text


def test_the_cli_keeps_the_password_out_of_its_output(seed_build, tmp_path):
    from test_cli import kgbuild

    out, _ = seed_build
    port = free_port()
    env = {"KGBUILD_NEO4J_URI": f"bolt://neo4j:{PASSWORD}@127.0.0.1:{port}", "KGBUILD_NEO4J_PASSWORD": PASSWORD,
           "KGBUILD_NEO4J_RETRY_SECONDS": "1"}
    done = kgbuild("load", "neo4j", "--from", str(out), env=env)
    assert done.returncode == 1
    assert f"kgbuild: error: Neo4jLoadError: bolt://127.0.0.1:{port}: cannot read what is loaded" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_a_load_that_stops_midway_resumes_without_duplicates(seed_graph_model, tmp_path):
    server = FalkorDBServer(free_port(), free_port(), tmp_path).start()
    try:
        ledger = tmp_path / LEDGER_FILE

        def stop_after_five(batch: int) -> None:
            if batch == 5:
                server.shutdown(save=True)  # the server goes away mid-load, with what it has on disk

        with pytest.raises(Neo4jLoadError) as error:
            Neo4jLoader(NativeRunner(server.graph("kg")), batch_size=100, ledger=ledger,
                        on_batch=stop_after_five).run(seed_graph_model)
        assert re.match(r"neo4j: load failed at batch 6 of \d+ \(.*\): ConnectionError: .*5 batches are loaded and "
                        rf"recorded in {re.escape(str(ledger))}; run the load again to finish it", str(error.value))
        assert len(json.loads(ledger.read_text())["done"]) == 5
        server.start()
        report = Neo4jLoader(NativeRunner(server.graph("kg")), batch_size=100, ledger=ledger).run(seed_graph_model)
        assert report.batches_skipped == 5
        assert counts(server.graph("kg")) == expected_counts(seed_graph_model)
        assert not ledger.exists()  # complete: the paper fingerprints say what is loaded
    finally:
        server.shutdown()


def test_a_flow_run_keeps_the_password_out_of_its_logs_and_artifacts(prefect_harness, tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    from flows.build_graph import build_graph_flow

    port = free_port()
    monkeypatch.setenv("KGBUILD_NEO4J_URI", f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("KGBUILD_NEO4J_PASSWORD", PASSWORD)
    monkeypatch.setenv("KGBUILD_NEO4J_RETRY_SECONDS", "1")
    state = build_graph_flow(inputs=[str(SEED_FILES["lines"])], out_dir=str(tmp_path), load_neo4j=True,
                             return_state=True)
    assert state.is_failed()
    APILogHandler().flush()  # logs reach the API in the background
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(
            flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])))
        artifacts = client.read_artifacts()
    text = "\n".join(log.message for log in logs)
    assert f"bolt://127.0.0.1:{port}: cannot read what is loaded already" in text  # the error is logged...
    assert PASSWORD not in text  # ...without the password
    assert all(PASSWORD not in str(artifact.data) for artifact in artifacts)


def test_the_password_can_come_from_a_prefect_secret_block(prefect_harness, monkeypatch):
    from prefect.blocks.system import Secret

    from kgbuild.settings import Settings

    Secret(value=PASSWORD).save("kgbuild-neo4j-test", overwrite=True)
    monkeypatch.delenv("KGBUILD_NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("KGBUILD_NEO4J_PASSWORD_BLOCK", "kgbuild-neo4j-test")
    settings = Settings()
    assert settings.neo4j_secret() == PASSWORD
    assert PASSWORD not in repr(settings) and PASSWORD not in settings.model_dump_json()


def test_a_flow_run_loads_over_bolt_and_counts_the_writes_in_its_artifact(prefect_harness, tmp_path, monkeypatch):
    from test_rdf_store import latest_run_artifact

    from flows.build_graph import build_graph_flow

    # Its own server: the flow closes its driver, after which this Bolt port refuses the session's driver.
    server = FalkorDBServer(free_port(), free_port(), tmp_path).start()
    listing = tmp_path / "listing.jsonl"  # short, plain text: what FalkorDB's Bolt port can carry
    listing.write_text("".join(json.dumps({"id": f"p{i}", "title": title, "abstract": abstract}) + "\n" for i, (
        title, abstract) in enumerate([
            ("Sparse adapters", "We propose SparseAdapter, a method for fine-tuning large language models. "
             "It improves accuracy on GLUE by 2 points."),
            ("Vision transformers at scale", "We train a Vision Transformer on ImageNet and report top-1 accuracy "
             "of 88.5 percent."),
        ])), encoding="utf-8")
    monkeypatch.setenv("KGBUILD_NEO4J_URI", f"bolt://127.0.0.1:{server.bolt_port}")
    monkeypatch.setenv("KGBUILD_NEO4J_MAX_BATCH_BYTES", "3000")
    try:
        # Connected before the flow: once a Bolt driver has closed, this server stops answering new connections.
        graph = server.graph("falkordb")  # every Bolt database maps to this graph
        graph.query("RETURN 1")
        summary = build_graph_flow(inputs=[str(listing)], out_dir=str(tmp_path / "out"), load_neo4j=True)
        [(papers,)] = graph.query("MATCH (p:Paper) RETURN count(p)").result_set
        assert papers == summary.papers == 2
        artifact = latest_run_artifact()
        assert "## Neo4j" in artifact and "| papers loaded | 2 |\n| papers replaced | 0 |" in artifact
        [(rows,)] = [(int(line.split("|")[2]),) for line in artifact.splitlines() if line.startswith("| rows written")]
        # every node and relationship, and one fingerprint row per paper
        assert rows == sum(summary.nodes.values()) + sum(summary.edges.values()) + 2
    finally:
        server.shutdown()
