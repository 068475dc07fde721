"""Subgraph selection on the seed graph: exact members of small selections, entity lookup, saved-query seeds,
the CLI and the Prefect flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import kgbuild

from kgbuild.export.select import (
    GraphIndex,
    SelectionError,
    SubgraphQuery,
    UnknownEntityError,
    known_nodes,
    select_subgraph,
)
from kgbuild.graph import EdgeKind, KnowledgeGraph, Node, NodeKind, node_iri
from kgbuild.graph.rdf import STATEMENTS_GRAPH, graph_quads, statement_iri
from kgbuild.graph.vocab import KG
from kgbuild.sinks import folder_graph
from kgbuild.sinks.saved_queries import cypher_node_refs, folder_store, saved_query_seeds, sparql_node_refs

LORA = "method/low-rank-adaptation"
# The three seed papers that use LoRA (none of them dated).
MOS, VB_LORA, S2FT = "hash:d9234231404a77ce", "hash:7de02a2894c86550", "hash:badc2598f9d94b2b"


@pytest.fixture(scope="module")
def seed_folder(seed_build) -> Path:
    return seed_build[0]


@pytest.fixture(scope="module")
def index(seed_folder) -> GraphIndex:
    return GraphIndex(folder_graph(seed_folder))


def ids(subgraph) -> set[str]:
    return set(subgraph.graph.nodes)


def test_one_hop_of_lora_is_its_papers_claims_and_results(index):
    sub = select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=1))
    assert ids(sub) == {
        LORA, f"paper/{MOS}", f"paper/{VB_LORA}", f"paper/{S2FT}",
        f"claim/{MOS}/abstract/935-1102", f"claim/{VB_LORA}/abstract/977-1098",
        f"claim/{S2FT}/abstract/898-1235", f"claim/{S2FT}/abstract/1236-1452",
        f"result/{VB_LORA}/abstract/1034-1038", *(f"result/{S2FT}/abstract/{span}" for span in
                                                  ("1089-1093", "1098-1102", "1167-1172", "1352-1360", "1410-1413")),
    }
    assert sub.seeds == (LORA,)
    assert sub.counts() == ({"Paper": 3, "Method": 1, "Claim": 4, "Result": 6},
                            {"USES": 3, "CLAIMS": 4, "ABOUT": 4, "REPORTS": 6, "OF_METHOD": 6})
    # Induced: every edge of the corpus between two selected nodes, and no other.
    corpus = index.graph.edges
    assert set(sub.graph.edges) == {k for k in corpus if k[0] in ids(sub) and k[2] in ids(sub)}


def test_a_confidence_threshold_drops_edges_claims_and_results_before_traversal(index):
    sub = select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=2, min_confidence=0.8))
    assert ids(sub) == {LORA, f"paper/{S2FT}", f"claim/{S2FT}/abstract/1453-1648", "method/large-language-models",
                        "method/transformer-blocks", "metric/generalization-ability", "task/optimization"}
    assert min(e.provenance.confidence for e in sub.graph.edges.values()) >= 0.8
    # The other two papers use LoRA with less confidence: traversal did not pass through them.
    assert [index.graph.edges[(f"paper/{p}", EdgeKind.USES, LORA)].provenance.confidence < 0.8
            for p in (MOS, VB_LORA, S2FT)] == [True, True, False]
    assert ids(select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=2, min_confidence=0.95))) == {LORA}


def test_a_date_window_keeps_the_papers_dated_in_it_with_their_claims_and_results(index):
    sub = select_subgraph(index, SubgraphQuery(since="2024"))
    papers = {n for n in ids(sub) if n.startswith("paper/")}
    assert papers == {"paper/hash:7ddc92c4e5fc10e7", "paper/hash:2733423009cba25b", "paper/hash:82f68b0fb4e6b8dc",
                      "paper/hash:4033b9174617b295"}
    owned = [n for n in sub.graph.nodes.values() if n.kind in (NodeKind.CLAIM, NodeKind.RESULT)]
    assert {f"paper/{n.properties['paper_id']}" for n in owned} <= papers
    assert len(owned) == sum(1 for n in index.graph.nodes.values() if n.kind in (NodeKind.CLAIM, NodeKind.RESULT)
                             and f"paper/{n.properties['paper_id']}" in papers)
    # Entities come with the papers that name them, and only those.
    named = {e.target for e in sub.graph.edges.values()}
    assert {n.id for n in sub.graph.nodes.values() if n.kind.value in ("Method", "Dataset", "Metric", "Task")} == \
        {t for t in named if not t.startswith(("claim/", "result/"))}
    until = select_subgraph(index, SubgraphQuery(until="2017-11", node_kinds=("Paper",)))
    assert ids(until) == {"paper/hash:a5f0ae2c80cf7efb", "paper/hash:e7b23d8933f4d2c2"}  # 2015-11-19, 2017-11-13
    # Undated (and yearless "--03-16") papers are out of any window: LoRA's papers are undated.
    assert ids(select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=2, since="2000"))) == {LORA}


def test_partial_dates_are_in_a_window_their_interval_overlaps():
    graph = KnowledgeGraph()
    for paper_id, iso in (("y", "2023"), ("ym-in", "2023-06"), ("ym-out", "2023-05"), ("d", "2023-06-15"),
                          ("yearless", "--06-15"), ("undated", None)):
        props = {"paper_id": paper_id, "title": paper_id, "abstract": "", "source": "x:1"}
        graph.add_node(Node(f"paper/{paper_id}", NodeKind.PAPER, paper_id, {**props, **({"date": iso} if iso else {})}))
    window = SubgraphQuery(since="2023-06", until="2023-06-20")
    assert ids(select_subgraph(graph, window)) == {"paper/y", "paper/ym-in", "paper/d"}
    assert ids(select_subgraph(graph, SubgraphQuery(since="2023-06-16"))) == {"paper/y", "paper/ym-in"}


def test_node_kinds_keep_the_papers_that_connect_kept_nodes(index):
    sub = select_subgraph(index, SubgraphQuery(entities=("ImageNet",), hops=2, node_kinds=("Method", "Metric")))
    assert sub.counts()[0] == {"Paper": 17, "Method": 143, "Dataset": 1, "Metric": 20}
    kept = {n for n in ids(sub) if not n.startswith("paper/")}
    for paper in (n for n in ids(sub) if n.startswith("paper/")):
        assert len({t for (s, _, t) in sub.graph.edges if s == paper} & kept) >= 2
    # No method or metric is isolated: each is stated by a paper of the selection.
    assert kept - {"dataset/imagenet"} == {t for (s, _, t) in sub.graph.edges if s.startswith("paper/")} - \
        {"dataset/imagenet"}


def test_entities_are_found_by_name_alias_id_or_iri_case_insensitively(index):
    for ref in ("LoRA", "lora", "low-rank adaptation", "Low-Rank  Adaptation", LORA, node_iri(LORA)):
        assert index.entities_named(ref) == [LORA], ref
    assert index.entities_named("SOTA") == ["dataset/sota", "method/sota"]
    narrowed = select_subgraph(index, SubgraphQuery(entities=("SOTA",), hops=0, node_kinds=("Method",)))
    assert narrowed.seeds == ("method/sota",)
    with pytest.raises(UnknownEntityError, match=r"no entity named 'LoRa adaptr'; closest known names: 'LoRA', "):
        index.entities_named("LoRa adaptr")


@pytest.mark.parametrize(("query", "message"), [
    (dict(since="2023-13"), "bad date '2023-13'"),
    (dict(until="last year"), "bad date 'last year': expected an ISO year, year-month or date"),
    (dict(since="2024", until="2023"), "empty date window: since 2024 is after until 2023"),
    (dict(node_kinds=("Methods",)), "unknown node kind 'Methods': expected one of Paper, Method"),
    (dict(hops=-1), "hops must be 0 or more"),
    (dict(min_confidence=1.5), "min_confidence must be between 0 and 1"),
])
def test_bad_queries_say_what_is_wrong(query, message):
    with pytest.raises(SelectionError, match=message):
        SubgraphQuery(**query)


def test_seeds_that_match_nothing_are_an_error_not_the_whole_graph(index):
    with pytest.raises(SelectionError, match="the query's seeds match nothing: text 'no such phrase anywhere'"):
        select_subgraph(index, SubgraphQuery(text="no such phrase anywhere"))


def test_the_subgraph_rdf_is_part_of_the_corpus_rdf_with_corpus_wide_support(index):
    accuracy = "metric/accuracy"
    sub = select_subgraph(index, SubgraphQuery(entities=("accuracy",), hops=1, since="2023"))
    quads = set(sub.quads())
    assert quads <= set(graph_quads(index.graph))
    measures = sum(1 for (_, kind, target) in sub.graph.edges if kind is EdgeKind.MEASURES and target == accuracy)
    statement = statement_iri(EdgeKind.MEASURES, accuracy)
    support = [q.object.value for q in quads if q.graph_name.value == STATEMENTS_GRAPH
               and q.subject.value == statement and q.predicate.value == str(KG.support)]
    assert support == [str(index.support()[(EdgeKind.MEASURES, accuracy)])]
    assert index.support()[(EdgeKind.MEASURES, accuracy)] > measures > 0
    assert sub.graph.nodes[accuracy].properties["papers"] == 49  # the corpus's count, not the slice's


def test_a_saved_sparql_query_seeds_the_claims_it_returns(index, seed_folder):
    query = (ROOT / "queries" / "claims_about.rq").read_text(encoding="utf-8")
    refs = sparql_node_refs(folder_store(seed_folder), query, {"name": "LoRA"})
    claims = [f"claim/{MOS}/abstract/935-1102", f"claim/{VB_LORA}/abstract/977-1098",
              f"claim/{S2FT}/abstract/898-1235", f"claim/{S2FT}/abstract/1236-1452"]
    assert refs == [node_iri(c) for c in sorted(claims)]
    seeds = saved_query_seeds(index, seed_folder, ROOT / "queries" / "claims_about.rq", params=["name=lora"])
    sub = select_subgraph(index, SubgraphQuery(node_ids=tuple(seeds), hops=0))
    assert ids(sub) == set(claims)


def test_a_saved_cypher_query_seeds_the_nodes_it_returns(falkordb, index):
    from falkordb_server import NativeRunner

    from kgbuild.sinks.neo4j import Neo4jLoader

    graph = falkordb.graph("kgbuild_select")
    Neo4jLoader(NativeRunner(graph), batch_size=200).run(index.graph)
    statement = ("// Methods used by the papers that evaluate on a dataset.\n"
                 "MATCH (d:Dataset {name: $dataset})<-[:EVALUATES_ON]-(:Paper)-[:USES]->(m:Method)\n"
                 "RETURN DISTINCT m ORDER BY m.id LIMIT $limit")
    refs = cypher_node_refs(NativeRunner(graph), statement, {"dataset": "ImageNet", "limit": "3"})
    edges = index.graph.edges
    on_imagenet = {s for (s, kind, t) in edges if kind is EdgeKind.EVALUATES_ON and t == "dataset/imagenet"}
    assert refs == sorted({t for (s, kind, t) in edges if kind is EdgeKind.USES and s in on_imagenet})[:3]
    ids_only = cypher_node_refs(NativeRunner(graph), "MATCH (m:Method {name: $name}) RETURN m.id AS id",
                                {"name": "low-rank adaptation"})
    assert known_nodes(index, ids_only) == [LORA]


def test_cli_exports_a_selection_and_reports_it(seed_folder, tmp_path):
    target = tmp_path / "lora.json"
    done = kgbuild("export", str(seed_folder), "--entity", "LoRA", "--hops", "2", "--min-confidence", "0.8",
                   "--format", "json", "--out", str(target))
    assert done.returncode == 0, done.stderr
    assert "selected 7 nodes (Paper 1, Method 3, Metric 1, Task 1, Claim 1)" in done.stdout
    assert "6 edges (USES 3, ADDRESSES 1, MEASURES 1, CLAIMS 1)" in done.stdout
    data = json.loads(target.read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["edges"])) == (7, 6)
    done = kgbuild("export", str(seed_folder), "--entity", "LoRa adaptr", "--format", "csv", "--out", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("kgbuild: export: no entity named 'LoRa adaptr'; closest known names: 'LoRA'")
    done = kgbuild("export", str(seed_folder), "--since", "2024", "--format", "nq", "--out", str(tmp_path / "x"))
    assert (done.returncode, done.stderr.strip()) == (2, "kgbuild: export: --format nq is a whole-store format; a "
                                                         "subgraph is written as one of graphml, gexf, json, csv, "
                                                         "ttl, jsonld")


def test_the_export_flow_writes_the_same_selection(prefect_harness, seed_folder, index, tmp_path):
    from flows.export_subgraph import export_subgraph_flow

    target = tmp_path / "imagenet.graphml"
    counts = export_subgraph_flow(str(seed_folder), str(target), "graphml", entities=["ImageNet"], hops=2,
                                  node_kinds=["Method", "Metric"])
    assert counts == {"nodes": {"Paper": 17, "Method": 143, "Dataset": 1, "Metric": 20},
                      "edges": {"PROPOSES": 18, "USES": 154, "EVALUATES_ON": 17, "MEASURES": 30}}
    import networkx as nx

    read = nx.read_graphml(target, force_multigraph=True)
    expected = select_subgraph(index, SubgraphQuery(entities=("ImageNet",), hops=2, node_kinds=("Method", "Metric")))
    assert set(read.nodes) == ids(expected)
    assert read.number_of_edges() == len(expected.graph.edges)
