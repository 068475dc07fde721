"""The Neo4j sink on a real Neo4j 5 (tests/neo4j_engine.py), over Bolt with the official driver and authentication:
the graph read back equal, property by property (hostile strings included); loads that write only what changed
and leave exactly the given graph; resume after the server is killed mid-load; the schema step; the Cypher
library's rows and its use of the full-text index; the CLI and the flow against the server.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from handmade import CORPUS, DETR_PAPER, EDGES, LORA_PAPER, NODES, PIPELINE_NAME, QA_PAPER, TIMES, VIT_PAPER, WMT14
from neo4j_engine import free_port

from kgbuild.graph import KnowledgeGraph, build_graph
from kgbuild.graph.model import NodeKind
from kgbuild.graph.property import graph_rows
from kgbuild.sinks.neo4j import (
    LEDGER_FILE,
    SCHEMA_STATEMENTS,
    BoltRunner,
    Neo4jLoader,
    Neo4jLoadError,
    bolt_driver,
    init_schema,
)
from kgbuild.sinks.saved_queries import cypher_example_params, cypher_statement

QUERIES = Path(__file__).resolve().parents[1] / "queries"
Nodes = dict[str, tuple[frozenset[str], dict[str, Any]]]
Relationships = dict[tuple[str, str, str], dict[str, Any]]


def expected(graph: KnowledgeGraph) -> tuple[Nodes, Relationships]:
    """Every node (labels, properties) and relationship (properties) the loader is to leave in Neo4j."""
    entities, papers = graph_rows(graph)
    nodes: Nodes = {}
    for label, rows in entities.items():
        for row in rows:
            nodes[row["id"]] = (frozenset({label, "Entity"}), {**row["props"], "id": row["id"]})
    relationships: Relationships = {}
    for paper in papers.values():
        for label, rows in paper.nodes.items():
            for row in rows:
                extra = {"fingerprint": paper.fingerprint} if label == "Paper" else {}
                nodes[row["id"]] = (frozenset({label}), {**row["props"], "id": row["id"], **extra})
        for kind, rows in paper.relationships.items():
            for row in rows:
                relationships[(row["source"], kind.value, row["target"])] = row["props"]
    def present(props: dict[str, Any]) -> dict[str, Any]:
        return {p: v for p, v in props.items() if v is not None}  # Neo4j stores no null

    return ({k: (labels, present(props)) for k, (labels, props) in nodes.items()},
            {k: present(props) for k, props in relationships.items()})


def stored(runner: BoltRunner) -> tuple[Nodes, Relationships]:
    nodes = {r["props"]["id"]: (frozenset(r["labels"]), r["props"]) for r in runner.read(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", [])}
    relationships = {(r["a"], r["type"], r["b"]): r["props"] for r in runner.read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props", [])}
    return nodes, relationships


def assert_holds_exactly(runner: BoltRunner, graph: KnowledgeGraph) -> None:
    """The database holds the graph, every label and property equal, and nothing else."""
    want_nodes, want_relationships = expected(graph)
    got_nodes, got_relationships = stored(runner)
    assert sorted(set(got_nodes) ^ set(want_nodes)) == []
    assert sorted(set(got_relationships) ^ set(want_relationships)) == []
    assert [differences(k, got_nodes[k], want_nodes[k]) for k in want_nodes if got_nodes[k] != want_nodes[k]][:3] == []
    assert [differences(k, got_relationships[k], want_relationships[k]) for k in want_relationships
            if got_relationships[k] != want_relationships[k]][:3] == []


def differences(key: object, got: Any, want: Any) -> tuple[object, dict[str, tuple[Any, Any]]]:
    """What differs between two (labels, properties) or two property dicts, as (stored, expected) per key."""
    if isinstance(got, tuple):
        labels = {"labels": (sorted(got[0]), sorted(want[0]))} if got[0] != want[0] else {}
        return key, {**labels, **differences(key, got[1], want[1])[1]}
    return key, {k: (got.get(k), want.get(k)) for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)}


def without_paper(graph: KnowledgeGraph, paper_id: str) -> KnowledgeGraph:
    """The graph as it was before `paper_id` was added: its nodes and edges gone, and entities only it named."""
    own = {n.id for n in graph.nodes.values() if n.properties.get("paper_id") == paper_id}
    edges = [e for e in graph.edges.values() if e.provenance.paper_id != paper_id]
    named = {e.target for e in edges} | {e.source for e in edges}
    sub = KnowledgeGraph()
    for node in graph.nodes.values():
        is_entity = node.kind in (NodeKind.METHOD, NodeKind.DATASET, NodeKind.METRIC, NodeKind.TASK)
        if node.id not in own and (not is_entity or node.id in named):
            sub.add_node(node)
    for edge in edges:
        sub.add_edge(edge)
    return sub


def entities_named_by(graph: KnowledgeGraph, paper_id: str) -> set[str]:
    entity_ids = {n.id for n in graph.nodes.values()
                  if n.kind in (NodeKind.METHOD, NodeKind.DATASET, NodeKind.METRIC, NodeKind.TASK)}
    return {e.target for e in graph.edges.values() if e.provenance.paper_id == paper_id and e.target in entity_ids}


# --- the graph, read back equal ---------------------------------------------------------------------------------

def test_the_hand_made_graph_reads_back_equal_and_a_second_load_writes_nothing(neo4j_db, handmade_graph):
    first = Neo4jLoader(neo4j_db, batch_size=200).run(handmade_graph)
    assert (first.papers_loaded, first.entities_written, first.papers_removed, first.entities_removed) == (
        7, 27, 0, 0)
    assert_holds_exactly(neo4j_db, handmade_graph)
    counts = {r["label"]: r["n"] for r in neo4j_db.read(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n", [])}
    assert counts == {**NODES, "Entity": 27}
    types = {r["type"]: r["n"] for r in neo4j_db.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", [])}
    assert types == {kind: n for kind, n in EDGES.items() if n}
    again = Neo4jLoader(neo4j_db, batch_size=200).run(handmade_graph)
    assert (again.papers_loaded, again.papers_unchanged, again.entities_written, again.rows_written) == (0, 7, 0, 0)
    assert_holds_exactly(neo4j_db, handmade_graph)


def test_the_sample_graph_reads_back_equal(neo4j_db, sample_build):
    from kgbuild.sinks import folder_graph

    graph = folder_graph(sample_build[0])
    report = Neo4jLoader(neo4j_db, batch_size=500).run(graph)
    assert report.papers_loaded == graph.count_nodes()["Paper"] == 304
    assert_holds_exactly(neo4j_db, graph)
    again = Neo4jLoader(neo4j_db, batch_size=500).run(graph)
    assert (again.papers_unchanged, again.rows_written) == (304, 0)
    # What FalkorDB's Bolt port could not carry: apostrophes and backslashes, and rows of any size.
    texts = neo4j_db.read("MATCH (p:Paper) WHERE p.abstract CONTAINS \"'\" RETURN count(p) AS n", [])
    assert texts[0]["n"] > 0


HOSTILE = [  # (title, abstract): what a listing may hold and a Cypher string must never be pasted around
    ("It's a \"quoted\" title with a back\\slash and $x {param}", "We propose LoRA-Q\u2019s method. It improves "
     "accuracy on GLUE by 2 points."),
    ("'}) MATCH (n) DETACH DELETE n //", "Injection in a title: the Transformer is used on COCO."),
    ("Unicode: Nystr\u00f6mformer, \u6ce8\u610f\u529b, \U0001f600, \u05e2\u05d1\u05e8\u05d9\u05ea, e\u0301",
     "Tabs\tand\nnewlines, NBSP\u00a0here, a zero-width\u200bjoiner; ResNet on ImageNet reaches 80.1% top-1 "
     "accuracy."),
]


def test_hostile_strings_read_back_equal(neo4j_db, handmade_extractor, tmp_path):
    from kgbuild.resolve import resolve
    from kgbuild.sources import ingest

    listing = tmp_path / "hostile.jsonl"
    listing.write_text("".join(json.dumps({"id": f"h{i}", "title": t, "abstract": a}, ensure_ascii=False) + "\n"
                               for i, (t, a) in enumerate(HOSTILE)), encoding="utf-8")
    papers = ingest([listing]).papers
    resolution = resolve(handmade_extractor.run(papers), known=())
    graph = build_graph(papers, resolution.extractions, resolution.entities)
    Neo4jLoader(neo4j_db).run(graph)
    assert_holds_exactly(neo4j_db, graph)
    titles = {r["id"]: r["title"] for r in neo4j_db.query("MATCH (p:Paper) RETURN p.paper_id AS id, p.title AS title",
                                                          {})}
    assert titles == {f"h{i}": t for i, (t, _) in enumerate(HOSTILE)}
    [(abstract,)] = [(r["a"],) for r in neo4j_db.query("MATCH (p:Paper {paper_id: 'h2'}) RETURN p.abstract AS a", {})]
    assert abstract == HOSTILE[2][1]


# --- loads that write what changed and leave exactly the graph ---------------------------------------------------

def test_adding_one_paper_writes_that_paper_and_the_entities_it_names(neo4j_db, sample_build):
    from kgbuild.sinks import folder_graph

    graph = folder_graph(sample_build[0])
    newest = max(str(n.properties["paper_id"]) for n in graph.nodes.values() if n.kind is NodeKind.PAPER)
    before = without_paper(graph, newest)
    Neo4jLoader(neo4j_db).run(before)
    report = Neo4jLoader(neo4j_db).run(graph)
    named = entities_named_by(graph, newest)
    assert (report.papers_loaded, report.papers_replaced, report.papers_unchanged) == (1, 0, 303)
    # The entities it names get a new count of papers (or are new); no other node is written.
    assert report.entities_written == len(named) > 0
    assert_holds_exactly(neo4j_db, graph)


def test_a_re_extracted_paper_replaces_its_own_subgraph(neo4j_db, handmade_ingest, handmade_resolution):
    papers, entities = handmade_ingest.papers, handmade_resolution.entities
    extractions = handmade_resolution.extractions
    Neo4jLoader(neo4j_db).run(build_graph(papers, extractions, entities))
    qa = next(i for i, x in enumerate(extractions) if x.paper_id == QA_PAPER)
    x = extractions[qa]
    assert [r.value for r in x.results] == ["91.3", "90.8"]

    def reextracted(**changes: object) -> KnowledgeGraph:
        return build_graph(papers, [*extractions[:qa], replace(x, **changes), *extractions[qa + 1:]], entities)

    others = "MATCH (p:Paper)-[r]->() WHERE p.paper_id <> $paper RETURN count(r) AS n"
    untouched = neo4j_db.query(others, {"paper": QA_PAPER})
    # Re-extracted without its last finding and its result 90.8 (adapter tuning's).
    after = reextracted(claims=x.claims[:-1], results=x.results[:1])
    report = Neo4jLoader(neo4j_db).run(after)
    assert (report.papers_replaced, report.papers_unchanged) == (1, 6)
    assert_holds_exactly(neo4j_db, after)
    assert neo4j_db.query(others, {"paper": QA_PAPER}) == untouched
    # Without any result, LoRA has one paper fewer stating a result of it: LoRA's node is rewritten, and no other
    # paper's relationships (the counts are the entity's, not every relationship's).
    after = reextracted(claims=x.claims[:-1], results=())
    report = Neo4jLoader(neo4j_db).run(after)
    assert (report.papers_replaced, report.papers_unchanged) == (1, 6)
    assert neo4j_db.query("MATCH (m:Method {name: 'LoRA'}) RETURN m.papers_of_method AS n", {}) == [{"n": 1}]
    assert_holds_exactly(neo4j_db, after)


def test_papers_and_entities_that_go_leave_no_orphans(neo4j_db, handmade_graph):
    Neo4jLoader(neo4j_db).run(handmade_graph)
    # The machine-translation paper leaves the folder: its node, claims and results go, and WMT14 and machine
    # translation, which only it named.
    smaller = without_paper(handmade_graph, "hash:89dbe10ad0eef463")
    report = Neo4jLoader(neo4j_db).run(smaller)
    assert (report.papers_removed, report.entities_removed) == (1, len(set(handmade_graph.nodes) - set(
        smaller.nodes)) - len([n for n in handmade_graph.nodes.values()
                               if n.properties.get("paper_id") == "hash:89dbe10ad0eef463"]))
    assert neo4j_db.query("MATCH (d:Dataset {name: $name}) RETURN d.id AS id", {"name": WMT14}) == []
    # An entity merged into another: ViT's statements now name the Transformer; ViT's node goes.
    merged = KnowledgeGraph()
    for node in smaller.nodes.values():
        if node.id != "method/vit":
            merged.add_node(node)
    for edge in smaller.edges.values():
        target = "method/transformer" if edge.target == "method/vit" else edge.target
        if (edge.kind, edge.source, target) not in {(e.kind, e.source, e.target) for e in merged.edges.values()}:
            merged.add_edge(replace(edge, target=target))
    report = Neo4jLoader(neo4j_db).run(merged)
    assert (report.entities_removed, report.papers_replaced) == (1, 1)  # ViT; ScaLoRA's paper, which used it
    assert_holds_exactly(neo4j_db, merged)
    assert neo4j_db.query("MATCH (n) WHERE NOT (n)--() RETURN n.id AS id", {}) == []


def test_a_load_resumes_after_the_server_is_killed_midway(neo4j_engine, handmade_graph, tmp_path):
    server = neo4j_engine.start("killed")
    driver = bolt_driver(server.bolt_uri, "neo4j", server.password, retry_seconds=2)
    ledger = tmp_path / LEDGER_FILE

    def kill_after_five(batch: int) -> None:
        if batch == 5:
            server.kill()  # SIGKILL: the server dies with the load half done

    try:
        with pytest.raises(Neo4jLoadError) as error:
            Neo4jLoader(BoltRunner(driver), batch_size=100, ledger=ledger, target=server.bolt_uri,
                        on_batch=kill_after_five).run(handmade_graph)
    finally:
        driver.close()
    # One batch per entity label (4), per paper-owned label (3), per relationship type (11), and the fingerprints:
    # the server dies after the Paper nodes.
    assert re.match(rf"{re.escape(server.bolt_uri)}: load failed at batch 6 of 19 \(Claim nodes, 19 rows\): "
                    rf"ServiceUnavailable: .*5 batches are loaded and recorded in {re.escape(str(ledger))}; run the "
                    "load again to finish it", str(error.value), re.DOTALL)
    assert len(json.loads(ledger.read_text())["done"]) == 5
    restarted = neo4j_engine.start("restarted", copy_from=server.home)  # the killed server's files, recovered
    driver = bolt_driver(restarted.bolt_uri, "neo4j", restarted.password)
    try:
        runner = BoltRunner(driver)
        assert runner.read("MATCH (n:Paper) RETURN count(n) AS n", []) == [{"n": 7}]  # the five batches survived
        report = Neo4jLoader(runner, batch_size=100, ledger=ledger).run(handmade_graph)
        # The Paper batch is skipped by the ledger; the four entity batches are not needed at all (the entities'
        # fingerprints say they are loaded); the other 14 run.
        assert (report.batches_skipped, report.batches_run, report.entities_written) == (1, 14, 0)
        assert_holds_exactly(runner, handmade_graph)
        assert not ledger.exists()  # complete: the paper fingerprints say what is loaded
    finally:
        driver.close()
        restarted.stop()


def test_the_csv_export_imports_with_neo4j_admin_into_the_graph_bolt_loads(neo4j_engine, neo4j_db, sample_build,
                                                                             tmp_path):
    from kgbuild.export.neo4j_csv import write_neo4j_csv
    from kgbuild.sinks import folder_graph

    graph = folder_graph(sample_build[0])
    script = write_neo4j_csv(graph, tmp_path / "csv")
    # The command import.sh gives, as written there, run by Neo4j's own neo4j-admin.
    command = script.read_text(encoding="utf-8").split("\n", 4)[-1].replace("\\\n", " ")
    args = shlex.split(command)
    assert args[:4] == ["neo4j-admin", "database", "import", "full"]
    home = tmp_path / "import-home"
    done = neo4j_engine.admin(home, *args[1:], cwd=script.parent)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "IMPORT DONE" in done.stdout
    imported = neo4j_engine.start("imported", copy_from=home)
    driver = bolt_driver(imported.bolt_uri, "neo4j", imported.password)
    try:
        assert_holds_exactly(BoltRunner(driver), graph)  # every label, property and relationship
        Neo4jLoader(neo4j_db).run(graph)
        assert stored(BoltRunner(driver)) == stored(neo4j_db)  # the same graph as loaded over Bolt
        # The fingerprints came with the import: a load after it writes nothing.
        report = Neo4jLoader(BoltRunner(driver)).run(graph)
        assert (report.papers_unchanged, report.rows_written) == (304, 0)
    finally:
        driver.close()
        imported.stop()


def test_the_schema_step_twice(neo4j_db):
    assert init_schema(neo4j_db) == list(SCHEMA_STATEMENTS)
    init_schema(neo4j_db)
    names = {r["name"] for r in neo4j_db.read("SHOW CONSTRAINTS YIELD name RETURN name", [])}
    assert names == {"paper_id", "method_id", "dataset_id", "metric_id", "task_id", "claim_id", "result_id"}
    indexes = {r["name"]: r["type"] for r in neo4j_db.read("SHOW INDEXES YIELD name, type RETURN name, type", [])}
    assert indexes["entity_names"] == "FULLTEXT"
    assert {"entity_id", "claim_paper", "result_paper", "claim_type", "paper_date"} <= set(indexes)


# --- the Cypher library -------------------------------------------------------------------------------------------

def run_library(runner: BoltRunner, name: str, **params: object) -> list[list]:
    """queries/<name>.cypher with its example values, or the given ones, as rows."""
    text = (QUERIES / f"{name}.cypher").read_text(encoding="utf-8")
    assert text.startswith("// "), f"{name}: the first line says what the query is for"
    records = runner.query(cypher_statement(text), {**cypher_example_params(text), **params})
    return [list(record.values()) for record in records]


@pytest.fixture
def library(neo4j_db, handmade_graph):
    """Runs a library query (`run_library`) on the hand-made graph."""
    init_schema(neo4j_db)
    Neo4jLoader(neo4j_db).run(handmade_graph)

    def run(name: str, **params: object) -> list[list]:
        return run_library(neo4j_db, name, **params)

    run.runner = neo4j_db
    return run


def test_every_library_query_is_tested():
    tested = {"top_methods_per_task", "datasets_with_method", "findings_comparing_methods",
              "method_dataset_cooccurrence", "papers_per_month", "paper_neighbourhood", "methods_beating_baseline"}
    assert {p.stem for p in QUERIES.glob("*.cypher")} == tested


def test_top_methods_per_task(library):
    # Image classification: only ScaLoRA's paper addresses it, which uses LoRA and ViT and proposes ScaLoRA.
    assert library("top_methods_per_task") == [["LoRA", 1], ["ScaLoRA", 1], ["ViT", 1]]
    assert library("top_methods_per_task", task="natural language understanding") == [
        ["RoBERTa", 1], ["structured pruning", 1]]


def test_datasets_with_method(library):
    # The Transformer's four papers evaluate on four datasets.
    assert library("datasets_with_method") == [["COCO", 1], ["GLUE", 1], ["Long Range Arena", 1], [WMT14, 1]]
    assert library("datasets_with_method", method="roberta") == [["GLUE", 2], ["SQuAD", 1]]
    # A name with the characters a full-text query treats specially is looked up, not parsed.
    assert library("datasets_with_method", method='Trans"former\\') == []
    assert library("datasets_with_method", method="Transformer OR RoBERTa") == []


def test_findings_comparing_methods(library):
    # The documented pair is not in this corpus; LoRA and adapter tuning are compared by two findings of paper 2.
    assert library("findings_comparing_methods") == []
    rows = library("findings_comparing_methods", methodA="LoRA", methodB="adapter tuning")
    assert rows == [[QA_PAPER, "LoRA also trains 40% fewer parameters than adapter tuning.", 0.84],
                    [QA_PAPER, "LoRA obtains 91.3 F1 score on SQuAD, higher than the 90.8 F1 score of adapter tuning.",
                     0.6]]
    # By an alias, and with the methods the other way round.
    assert library("findings_comparing_methods", methodA="adapter tuning", methodB="low-rank adaptation") == rows
    assert library("findings_comparing_methods", methodA="ScaLoRA", methodB="LoRA") == [
        [VIT_PAPER, "On ImageNet, ScaLoRA reaches 85.2% top-1 accuracy and outperforms LoRA.", 0.92]]


def test_methods_beating_baseline(neo4j_db, margins_graph):
    # The margins corpus (tests/conftest.py): ScaLoRA and RoBERTa beat LoRA on GLUE, DETR beats Faster R-CNN on COCO.
    init_schema(neo4j_db)
    Neo4jLoader(neo4j_db).run(margins_graph)

    def run(**params: object) -> list[list]:
        return run_library(neo4j_db, "methods_beating_baseline", **params)

    rows = [["ScaLoRA", "LoRA", "GLUE", "accuracy", "1.7 points", 1.7, "points", "margins:1"],
            ["RoBERTa", "LoRA", "GLUE", "accuracy", "0.9 points", 0.9, "points", "margins:2"]]
    assert run() == rows
    assert run(baseline="lora", dataset="glue") == rows
    assert run(baseline="Faster R-CNN", dataset="COCO") == [
        ["DETR", "Faster R-CNN", "COCO", "mAP", "2.5", 2.5, None, "margins:3"]]
    assert run(baseline="ScaLoRA") == []


def test_method_dataset_cooccurrence(library):
    # Only RoBERTa and GLUE are named together by two papers (1 and 7).
    assert library("method_dataset_cooccurrence") == [["RoBERTa", "GLUE", 2]]
    assert library("method_dataset_cooccurrence", minPapers=1, limit=3) == [
        ["RoBERTa", "GLUE", 2], ["DETR", "COCO", 1], ["Faster R-CNN", "COCO", 1]]


def test_papers_per_month(library):
    # Four papers have a month (2 full dates, 2 year-months); 2024 and 2021 are years only, one paper has no date.
    assert library("papers_per_month") == [["2020-05", 1], ["2021-06", 1], ["2022-09", 1], ["2023-11", 1]]


def test_paper_neighbourhood(library):
    detect = "On COCO, DETR achieves 42.0 mAP, on par with a tuned Faster R-CNN baseline."
    train = f"Training DETR takes 3{TIMES} longer than training Faster R-CNN."
    present = "We present DETR, which treats object detection as direct set prediction."
    assert library("paper_neighbourhood", paper=DETR_PAPER) == [
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


def plan_operators(plan: dict) -> list[tuple[str, str]]:
    """(operator, details) of every operator in an EXPLAIN plan, root first."""
    args = plan.get("args", {})
    out = [(plan["operatorType"].split("@")[0], str(args.get("Details", "")))]
    for child in plan.get("children", []):
        out += plan_operators(child)
    return out


@pytest.mark.parametrize("name", ["top_methods_per_task", "datasets_with_method", "findings_comparing_methods",
                                  "methods_beating_baseline"])
def test_name_lookups_use_the_full_text_index(library, name):
    text = (QUERIES / f"{name}.cypher").read_text(encoding="utf-8")
    with library.runner.driver.session() as session:
        summary = session.run("EXPLAIN " + cypher_statement(text), cypher_example_params(text)).consume()
    operators = plan_operators(summary.plan)
    calls = [details for op, details in operators if op == "ProcedureCall"]
    assert calls and all("db.index.fulltext.queryNodes" in details for details in calls), operators
    # No scan of every node or of a whole label: the names are found through the index, the rest by expanding.
    assert [op for op, _ in operators if op in {"AllNodesScan", "NodeByLabelScan"}] == [], operators


def test_every_library_file_runs_as_pasted_into_browser():
    # Browser runs a multi-statement file statement by statement: `:param name => value;` lines, then the query.
    for path in QUERIES.glob("*.cypher"):
        text = path.read_text(encoding="utf-8")
        commands = [line for line in text.splitlines() if line.startswith(":")]
        assert all(re.fullmatch(r":param \w+ => ('[^']*'|\d+);", line) for line in commands), path.name
        params = set(re.findall(r"\$(\w+)", cypher_statement(text)))
        assert params == set(cypher_example_params(text)), path.name
        assert text.rstrip().endswith(";"), path.name


# --- the CLI, the flow and failures ----------------------------------------------------------------------------

def server_env(neo4j_server) -> dict[str, str]:
    server, _ = neo4j_server
    return {"KGBUILD_NEO4J_URI": server.bolt_uri, "KGBUILD_NEO4J_USER": server.user,
            "KGBUILD_NEO4J_PASSWORD": server.password}


def test_the_cli_against_neo4j(neo4j_server, neo4j_db, handmade_build, handmade_graph, tmp_path):
    from test_cli import kgbuild

    out, _ = handmade_build
    env = server_env(neo4j_server)
    done = kgbuild("neo4j", "init", env=env)
    assert (done.returncode, done.stdout.strip()) == (
        0, f"kgbuild: {len(SCHEMA_STATEMENTS)} constraints and indexes ensured on {env['KGBUILD_NEO4J_URI']}")
    done = kgbuild("load", "neo4j", "--from", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("kgbuild: 7 papers loaded (0 replaced), 0 unchanged, 0 removed; 27 entities "
                                  "written, 0 removed; "), done.stdout
    assert neo4j_db.read("MATCH (p:Paper) RETURN count(p) AS n", []) == [{"n": 7}]
    done = kgbuild("load", "neo4j", "--from", str(out), env=env)
    assert done.stdout.startswith("kgbuild: 0 papers loaded (0 replaced), 7 unchanged, 0 removed; 0 entities "
                                  "written, 0 removed; 0 batches, 0 rows"), done.stdout
    assert env["KGBUILD_NEO4J_PASSWORD"] not in done.stdout + done.stderr
    # A saved Cypher query's values are checked before it runs; one that returns names, not nodes, says so.
    target = tmp_path / "task.json"
    library_file = QUERIES / "top_methods_per_task.cypher"
    done = kgbuild("export", str(out), "--cypher", str(library_file), "--hops", "0", "--format", "json", "--out",
                   str(target), env=env)
    assert (done.returncode, done.stderr.strip()) == (2, f"kgbuild: export: {library_file} needs a value for $limit, "
                                                         "$task: pass --param limit=10 --param task=image "
                                                         "classification")
    done = kgbuild("export", str(out), "--cypher", str(library_file), "--param", "task=image classification",
                   "--param", "limit=5", "--hops", "0", "--format", "json", "--out", str(target), env=env)
    assert done.returncode == 2 and "returned no node of the graph" in done.stderr, done.stderr
    seeds = tmp_path / "seeds.cypher"
    seeds.write_text("// Methods by name.\n:param name => 'LoRA';\n\nMATCH (m:Method {name: $name}) RETURN m.id AS id;"
                     "\n", encoding="utf-8")
    done = kgbuild("export", str(out), "--cypher", str(seeds), "--param", "name=ViT", "--hops", "0",
                   "--format", "json", "--out", str(target), env=env)
    assert done.returncode == 0, done.stderr
    assert [n["id"] for n in json.loads(target.read_text(encoding="utf-8"))["nodes"]] == ["method/vit"]


def test_build_loads_neo4j(neo4j_server, neo4j_db, handmade_pipeline, tmp_path):
    from test_cli import kgbuild

    done = kgbuild("build", str(CORPUS), "--out", str(tmp_path / "out"), "--pipeline", handmade_pipeline,
                   "--load-neo4j", env=server_env(neo4j_server))
    assert done.returncode == 0, done.stderr
    counts = {r["label"]: r["n"] for r in neo4j_db.read(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n", [])}
    assert counts["Paper"] == 7 and counts["Claim"] == NODES["Claim"]


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


def test_a_wrong_password_is_refused_and_not_printed(neo4j_server, handmade_build):
    from test_cli import kgbuild

    out, _ = handmade_build
    server, _ = neo4j_server
    env = {"KGBUILD_NEO4J_URI": server.bolt_uri, "KGBUILD_NEO4J_PASSWORD": PASSWORD,
           "KGBUILD_NEO4J_RETRY_SECONDS": "1"}
    done = kgbuild("load", "neo4j", "--from", str(out), env=env)
    assert done.returncode == 1
    assert "AuthError" in done.stderr and PASSWORD not in done.stdout + done.stderr


def test_the_cli_keeps_the_password_out_of_its_output(handmade_build, tmp_path):
    from test_cli import kgbuild

    out, _ = handmade_build
    port = free_port()
    env = {"KGBUILD_NEO4J_URI": f"bolt://neo4j:{PASSWORD}@127.0.0.1:{port}", "KGBUILD_NEO4J_PASSWORD": PASSWORD,
           "KGBUILD_NEO4J_RETRY_SECONDS": "1"}
    done = kgbuild("load", "neo4j", "--from", str(out), env=env)
    assert done.returncode == 1
    assert (f"kgbuild: error: Neo4jLoadError: bolt://127.0.0.1:{port}: cannot ensure the schema: "
            "ServiceUnavailable") in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


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
    assert f"bolt://127.0.0.1:{port}: cannot" in text  # the error is logged...
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


def test_a_flow_run_loads_neo4j_and_counts_the_writes_in_its_artifact(prefect_harness, neo4j_server, neo4j_db,
                                                                      handmade_pipeline, tmp_path, monkeypatch):
    from test_rdf_store import latest_run_artifact

    from flows.build_graph import build_graph_flow

    for key, value in server_env(neo4j_server).items():
        monkeypatch.setenv(key, value)
    summary = build_graph_flow(inputs=[str(CORPUS)], out_dir=str(tmp_path / "out"), load_neo4j=True,
                               pipeline=handmade_pipeline)
    assert neo4j_db.read("MATCH (p:Paper) RETURN count(p) AS n", []) == [{"n": summary.papers}] == [{"n": 7}]
    artifact = latest_run_artifact()
    assert "## Neo4j" in artifact and "| papers loaded | 7 |\n| papers replaced | 0 |" in artifact
    assert f"| entities written | {NODES['Method'] + NODES['Dataset'] + NODES['Metric'] + NODES['Task']} |" in artifact
    [rows] = [int(line.split("|")[2]) for line in artifact.splitlines() if line.startswith("| rows written")]
    # every node and relationship, and one fingerprint row per paper
    assert rows == sum(summary.nodes.values()) + sum(summary.edges.values()) + 7
    assert PIPELINE_NAME in {r["x"] for r in neo4j_db.read("MATCH ()-[r]->() RETURN DISTINCT r.extractor AS x", [])}
    assert LORA_PAPER in {r["id"] for r in neo4j_db.read("MATCH (p:Paper) RETURN p.paper_id AS id", [])}
