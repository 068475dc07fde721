"""The Neo4j sink on a real Cypher engine: FalkorDB through its own client (the whole graph of the hand-made corpus,
tests/handmade.py) and through its Bolt port with the official neo4j driver (the part of the graph that port can
carry).

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
from falkordb_server import FalkorDBServer, NativeRunner, counts, free_port
from handmade import (
    CORPUS,
    DETR_PAPER,
    EDGES,
    LORA_PAPER,
    NODES,
    PIPELINE_NAME,
    QA_PAPER,
    TIMES,
    VIT_PAPER,
    WMT14,
)

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
def loaded(falkordb, handmade_graph):
    """The hand-made corpus's graph, loaded through FalkorDB's own client: (falkordb graph, first load report)."""
    graph = falkordb.graph("kgbuild_handmade")
    report = Neo4jLoader(NativeRunner(graph), batch_size=200).run(handmade_graph)
    return graph, report


# --- the full graph through FalkorDB's own client --------------------------------------------------------------

def test_the_graph_loads_with_the_in_memory_counts(loaded, handmade_graph):
    graph, report = loaded
    assert (report.papers_loaded, report.papers_replaced, report.papers_unchanged) == (7, 0, 0)
    assert counts(graph) == expected_counts(handmade_graph) == (
        {**NODES, "Entity": 27}, {kind: n for kind, n in EDGES.items() if n})


def test_loading_again_changes_nothing(loaded, handmade_graph):
    graph, _ = loaded
    again = Neo4jLoader(NativeRunner(graph), batch_size=200).run(handmade_graph)
    assert (again.papers_loaded, again.papers_unchanged, again.rows_written) == (0, 7, 27)  # the entities' MERGE
    assert counts(graph) == expected_counts(handmade_graph)


def test_a_re_extracted_paper_replaces_its_relationships_and_nothing_else(falkordb, handmade_ingest,
                                                                          handmade_resolution):
    graph = falkordb.graph("kgbuild_replace")
    papers, entities = handmade_ingest.papers, handmade_resolution.entities
    extractions = handmade_resolution.extractions
    Neo4jLoader(NativeRunner(graph)).run(build_graph(papers, extractions, entities))
    qa = next(i for i, x in enumerate(extractions) if x.paper_id == QA_PAPER)
    x = extractions[qa]
    assert [r.value for r in x.results] == ["91.3", "90.8"]

    def reextracted(**changes: object) -> KnowledgeGraph:
        return build_graph(papers, [*extractions[:qa], replace(x, **changes), *extractions[qa + 1:]], entities)

    # The question-answering paper re-extracted without its last finding and its result 90.8 (adapter tuning's):
    # nothing another paper states changes, so only its own relationships, claims and results are replaced.
    others = "MATCH (p:Paper)-[r]->() WHERE p.paper_id <> $rows RETURN count(r)"
    untouched = graph.query(others, {"rows": QA_PAPER}).result_set[0][0]
    after = reextracted(claims=x.claims[:-1], results=x.results[:1])
    report = Neo4jLoader(NativeRunner(graph)).run(after)
    assert (report.papers_replaced, report.papers_unchanged) == (1, 6)
    assert counts(graph) == expected_counts(after)
    assert graph.query(others, {"rows": QA_PAPER}).result_set[0][0] == untouched
    assert graph.query("MATCH (:Paper {paper_id: $rows})-[:CLAIMS]->(c) RETURN c.text ORDER BY c.start",
                       {"rows": QA_PAPER}).result_set == [[c.text] for c in x.claims[:-1]]
    assert graph.query("MATCH (r:Result {paper_id: $rows}) RETURN r.value ORDER BY r.start",
                       {"rows": QA_PAPER}).result_set == [["91.3"]]
    # Without any result, the paper no longer says a result is LoRA's: the support of the LoRA paper's "82.1% is
    # LoRA's" drops from 2 papers to 1, so that paper's relationships are rewritten too.
    after = reextracted(claims=x.claims[:-1], results=())
    report = Neo4jLoader(NativeRunner(graph)).run(after)
    assert (report.papers_replaced, report.papers_unchanged) == (2, 5)
    assert counts(graph) == expected_counts(after)
    assert graph.query("MATCH ()-[r:OF_METHOD]->(:Method {name: 'LoRA'}) RETURN r.paper_id, r.support").result_set == [
        [LORA_PAPER, 1]]


def test_every_relationship_carries_provenance_confidence_and_support(loaded, handmade_ingest):
    graph, _ = loaded
    [(name, field, start, end, confidence, support, extractor)] = graph.query(
        f"MATCH (:Paper {{paper_id: '{DETR_PAPER}'}})-[r:ADDRESSES]->(t:Task) "
        "RETURN t.name, r.field, r.start, r.end, r.confidence, r.support, r.extractor").result_set
    detr = next(p for p in handmade_ingest.papers if p.id == DETR_PAPER)
    assert (name, field, start, end, detr.abstract[start:end]) == (
        "object detection", "abstract", 30, 46, "object detection")
    assert (confidence, support, extractor) == (0.5, 1, PIPELINE_NAME)
    # Support counts the papers stating it: four papers use the Transformer.
    assert graph.query("MATCH (:Paper)-[r:USES]->(:Method {name: 'Transformer'}) RETURN collect(DISTINCT r.support)"
                       ).result_set == [[[4]]]
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


def run_library(graph, name: str, **params: object) -> list[list]:
    """A library query with its documented parameters, or the given ones in their place."""
    statement, documented = library_query(name)
    return graph.query(statement, {**documented, **params}).result_set


def test_every_library_query_is_tested():
    tested = {"top_methods_per_task", "datasets_with_method", "findings_comparing_methods",
              "method_dataset_cooccurrence", "papers_per_month", "paper_neighbourhood", "methods_beating_baseline"}
    assert {p.stem for p in QUERIES.glob("*.cypher")} == tested


def test_top_methods_per_task(loaded):
    # Image classification: only ScaLoRA's paper addresses it, which uses LoRA and ViT and proposes ScaLoRA.
    assert run_library(loaded[0], "top_methods_per_task") == [["LoRA", 1], ["ScaLoRA", 1], ["ViT", 1]]
    assert run_library(loaded[0], "top_methods_per_task", task="natural language understanding") == [
        ["RoBERTa", 1], ["structured pruning", 1]]


def test_datasets_with_method(loaded):
    # The Transformer's four papers evaluate on four datasets.
    assert run_library(loaded[0], "datasets_with_method") == [["COCO", 1], ["GLUE", 1], ["Long Range Arena", 1],
                                                              [WMT14, 1]]
    assert run_library(loaded[0], "datasets_with_method", method="roberta") == [["GLUE", 2], ["SQuAD", 1]]


def test_findings_comparing_methods(loaded):
    # The documented pair is not in this corpus; LoRA and adapter tuning are compared by two findings of paper 2.
    assert run_library(loaded[0], "findings_comparing_methods") == []
    rows = run_library(loaded[0], "findings_comparing_methods", methodA="LoRA", methodB="adapter tuning")
    assert rows == [[QA_PAPER, "LoRA also trains 40% fewer parameters than adapter tuning.", 0.84],
                    [QA_PAPER, "LoRA obtains 91.3 F1 score on SQuAD, higher than the 90.8 F1 score of adapter tuning.",
                     0.6]]
    # By an alias, and with the methods the other way round.
    assert run_library(loaded[0], "findings_comparing_methods", methodA="adapter tuning",
                       methodB="low-rank adaptation") == rows
    assert run_library(loaded[0], "findings_comparing_methods", methodA="ScaLoRA", methodB="LoRA") == [
        [VIT_PAPER, "On ImageNet, ScaLoRA reaches 85.2% top-1 accuracy and outperforms LoRA.", 0.92]]


def test_methods_beating_baseline(falkordb, margins_graph):
    # The margins corpus (tests/conftest.py): ScaLoRA and RoBERTa beat LoRA on GLUE, DETR beats Faster R-CNN on COCO.
    graph = falkordb.graph("kgbuild_margins")
    Neo4jLoader(NativeRunner(graph)).run(margins_graph)
    rows = [["ScaLoRA", "LoRA", "GLUE", "accuracy", "1.7 points", 1.7, "points", "margins:1"],
            ["RoBERTa", "LoRA", "GLUE", "accuracy", "0.9 points", 0.9, "points", "margins:2"]]
    assert run_library(graph, "methods_beating_baseline") == rows
    assert run_library(graph, "methods_beating_baseline", baseline="lora", dataset="glue") == rows
    assert run_library(graph, "methods_beating_baseline", baseline="Faster R-CNN", dataset="COCO") == [
        ["DETR", "Faster R-CNN", "COCO", "mAP", "2.5", 2.5, None, "margins:3"]]
    assert run_library(graph, "methods_beating_baseline", baseline="ScaLoRA") == []


def test_method_dataset_cooccurrence(loaded):
    # Only RoBERTa and GLUE are named together by two papers (1 and 7).
    assert run_library(loaded[0], "method_dataset_cooccurrence") == [["RoBERTa", "GLUE", 2]]
    rows = run_library(loaded[0], "method_dataset_cooccurrence", minPapers=1, limit=3)
    assert rows == [["RoBERTa", "GLUE", 2], ["DETR", "COCO", 1], ["Faster R-CNN", "COCO", 1]]


def test_papers_per_month(loaded):
    # Four papers have a month (2 full dates, 2 year-months); 2024 and 2021 are years only, one paper has no date.
    assert run_library(loaded[0], "papers_per_month") == [["2020-05", 1], ["2021-06", 1], ["2022-09", 1],
                                                          ["2023-11", 1]]


def test_paper_neighbourhood(loaded):
    detect = "On COCO, DETR achieves 42.0 mAP, on par with a tuned Faster R-CNN baseline."
    train = f"Training DETR takes 3{TIMES} longer than training Faster R-CNN."
    present = "We present DETR, which treats object detection as direct set prediction."
    assert run_library(loaded[0], "paper_neighbourhood", paper=DETR_PAPER) == [
        ["ADDRESSES", "Task", "object detection", 0.5, None, None],
        *(["CLAIMS", "Claim", detect, 0.6, "ABOUT", e] for e in ("COCO", "DETR", "Faster R-CNN", "mAP")),
        *(["CLAIMS", "Claim", train, 0.84, "ABOUT", e] for e in ("DETR", "Faster R-CNN")),
        *(["CLAIMS", "Claim", present, 0.8, "ABOUT", e] for e in ("DETR", "object detection")),
        ["EVALUATES_ON", "Dataset", "COCO", 0.5, None, None],
        ["MEASURES", "Metric", "mAP", 0.5, None, None],
        ["PROPOSES", "Method", "DETR", 0.5, None, None],
        ["REPORTS", "Result", f"3{TIMES}", 0.65, "OF_METHOD", "DETR"],
        ["REPORTS", "Result", "42.0", 0.85, "FOR_METRIC", "mAP"],
        ["REPORTS", "Result", "42.0", 0.85, "OF_METHOD", "DETR"],
        ["REPORTS", "Result", "42.0", 0.85, "ON_DATASET", "COCO"],
        ["USES", "Method", "Faster R-CNN", 0.5, None, None],
        ["USES", "Method", "Transformer", 0.5, None, None],
    ]


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


def test_the_bolt_path_loads_what_the_port_can_carry(falkordb, bolt_driver_session, handmade_graph):
    falkordb.graph("falkordb").query("MATCH (n) DETACH DELETE n")  # every Bolt database maps to this graph
    sub = bolt_safe(handmade_graph, max_row_bytes=2500)
    # All but ScaLoRA's paper (its title has an apostrophe and a backslash), with its 3 claims and 1 result; non-ASCII
    # text (Nyströmformer, WMT14 English-German with an en dash, 3x with a multiplication sign) goes over Bolt.
    assert sub.count_nodes() == {**NODES, "Paper": 6, "Claim": 16, "Result": 9}
    loader = Neo4jLoader(BoltRunner(bolt_driver_session), batch_size=50, max_batch_bytes=3000)
    first = loader.run(sub)
    assert counts(falkordb.graph("falkordb")) == expected_counts(sub)
    again = Neo4jLoader(BoltRunner(bolt_driver_session), batch_size=50, max_batch_bytes=3000).run(sub)
    assert (first.papers_loaded, again.papers_loaded, again.papers_unchanged) == (
        sub.count_nodes()["Paper"], 0, sub.count_nodes()["Paper"])
    assert counts(falkordb.graph("falkordb")) == expected_counts(sub)


# --- failures ------------------------------------------------------------------------------------------------

PASSWORD = "kg-Pa55word-never-printed"


def test_a_server_that_is_down_gives_one_clear_error_without_the_password(handmade_graph, caplog):
    port = free_port()  # nothing listens here
    driver = bolt_driver(f"bolt://127.0.0.1:{port}", "neo4j", PASSWORD, retry_seconds=1)
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(Neo4jLoadError) as error:
            Neo4jLoader(BoltRunner(driver), target=f"bolt://127.0.0.1:{port}").run(handmade_graph)
    finally:
        driver.close()
    message = str(error.value)
    assert message.startswith(f"bolt://127.0.0.1:{port}: cannot read what is loaded already: ServiceUnavailable")
    assert PASSWORD not in message and PASSWORD not in caplog.text


def test_the_cli_keeps_the_password_out_of_its_output(handmade_build, tmp_path):
    from test_cli import kgbuild

    out, _ = handmade_build
    port = free_port()
    env = {"KGBUILD_NEO4J_URI": f"bolt://neo4j:{PASSWORD}@127.0.0.1:{port}", "KGBUILD_NEO4J_PASSWORD": PASSWORD,
           "KGBUILD_NEO4J_RETRY_SECONDS": "1"}
    done = kgbuild("load", "neo4j", "--from", str(out), env=env)
    assert done.returncode == 1
    assert f"kgbuild: error: Neo4jLoadError: bolt://127.0.0.1:{port}: cannot read what is loaded" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_a_load_that_stops_midway_resumes_without_duplicates(handmade_graph, tmp_path):
    server = FalkorDBServer(free_port(), free_port(), tmp_path).start()
    try:
        ledger = tmp_path / LEDGER_FILE

        def stop_after_five(batch: int) -> None:
            if batch == 5:
                server.shutdown(save=True)  # the server goes away mid-load, with what it has on disk

        with pytest.raises(Neo4jLoadError) as error:
            Neo4jLoader(NativeRunner(server.graph("kg")), batch_size=100, ledger=ledger,
                        on_batch=stop_after_five).run(handmade_graph)
        # One batch per entity label (4), per paper-owned label (3), per relationship type (11), and the fingerprints:
        # the server stops after the Paper nodes.
        assert re.match(r"neo4j: load failed at batch 6 of 19 \(Claim nodes, 19 rows\): ConnectionError: .*5 batches "
                        rf"are loaded and recorded in {re.escape(str(ledger))}; run the load again to finish it",
                        str(error.value))
        assert len(json.loads(ledger.read_text())["done"]) == 5
        server.start()
        report = Neo4jLoader(NativeRunner(server.graph("kg")), batch_size=100, ledger=ledger).run(handmade_graph)
        assert (report.batches_skipped, report.batches_run) == (5, 14)
        assert counts(server.graph("kg")) == expected_counts(handmade_graph)
        assert not ledger.exists()  # complete: the paper fingerprints say what is loaded
    finally:
        server.shutdown()


def test_a_flow_run_keeps_the_password_out_of_its_logs_and_artifacts(prefect_harness, handmade_pipeline, tmp_path,
                                                                     monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    from flows.build_graph import build_graph_flow

    port = free_port()
    monkeypatch.setenv("KGBUILD_NEO4J_URI", f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("KGBUILD_NEO4J_PASSWORD", PASSWORD)
    monkeypatch.setenv("KGBUILD_NEO4J_RETRY_SECONDS", "1")
    state = build_graph_flow(inputs=[str(CORPUS)], out_dir=str(tmp_path), load_neo4j=True,
                             pipeline=handmade_pipeline, return_state=True)
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


def test_a_flow_run_loads_over_bolt_and_counts_the_writes_in_its_artifact(prefect_harness, handmade_pipeline,
                                                                          tmp_path, monkeypatch):
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
        summary = build_graph_flow(inputs=[str(listing)], out_dir=str(tmp_path / "out"), load_neo4j=True,
                                   pipeline=handmade_pipeline)
        [(papers,)] = graph.query("MATCH (p:Paper) RETURN count(p)").result_set
        assert papers == summary.papers == 2
        # The hand-made pipeline finds accuracy and GLUE in the first paper, the Transformer, ImageNet and top-1
        # accuracy in the second; a contribution and a finding (with the result "2 points") in the first, the
        # result 88.5 in the second (no cue: not a claim).
        assert {k: n for k, n in summary.nodes.items() if n} == {"Paper": 2, "Method": 1, "Dataset": 2, "Metric": 2,
                                                                  "Claim": 2, "Result": 2}
        assert sum(summary.edges.values()) == 16
        artifact = latest_run_artifact()
        assert "## Neo4j" in artifact and "| papers loaded | 2 |\n| papers replaced | 0 |" in artifact
        [(rows,)] = [(int(line.split("|")[2]),) for line in artifact.splitlines() if line.startswith("| rows written")]
        # every node and relationship, and one fingerprint row per paper
        assert rows == 11 + 16 + 2
    finally:
        server.shutdown()
