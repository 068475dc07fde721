"""Subgraph selection on the hand-made corpus's graph (tests/handmade.py): exact members of selections worked out by
hand, entity lookup, saved-query seeds, the CLI and the Prefect flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from handmade import DETR_PAPER, LORA_PAPER, NYSTROM_PAPER, PAPER_IDS, PRUNING_PAPER, QA_PAPER, VIT_PAPER
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
from kgbuild.sinks.saved_queries import cypher_node_refs, folder_store, saved_query_seeds, sparql_node_refs

LORA = "method/lora"
# LoRA's claims (paper 1: its contribution and a finding; paper 2: two findings; paper 3: one) and results.
LORA_CLAIMS = (f"claim/{LORA_PAPER}/abstract/100-243", f"claim/{LORA_PAPER}/abstract/244-336",
               f"claim/{QA_PAPER}/abstract/110-195", f"claim/{QA_PAPER}/abstract/196-254",
               f"claim/{VIT_PAPER}/abstract/154-225")
LORA_RESULTS = (f"result/{LORA_PAPER}/abstract/277-282", f"result/{QA_PAPER}/abstract/123-127")
PAPER_NODES = {pid: f"paper/{pid}" for pid in PAPER_IDS}


@pytest.fixture(scope="module")
def built_folder(handmade_build) -> Path:
    return handmade_build[0]


@pytest.fixture(scope="module")
def index(handmade_graph) -> GraphIndex:
    return GraphIndex(handmade_graph)


def ids(subgraph) -> set[str]:
    return set(subgraph.graph.nodes)


def paper_owned(index: GraphIndex, *papers: str) -> set[str]:
    """Every node of these papers: the paper, its claims and results, and the entities it names."""
    nodes = {f"paper/{p}" for p in papers}
    owned = {n for n in index.graph.nodes if n.split("/")[0] in ("claim", "result") and n.split("/")[1] in papers}
    named = {t for (s, _, t) in index.graph.edges if s in nodes | owned}
    return nodes | owned | named


def test_one_hop_of_lora_is_its_papers_claims_and_results(index):
    sub = select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=1))
    assert ids(sub) == {LORA, PAPER_NODES[LORA_PAPER], PAPER_NODES[QA_PAPER], PAPER_NODES[VIT_PAPER], *LORA_CLAIMS,
                        *LORA_RESULTS}
    assert sub.seeds == (LORA,)
    # Paper 1 proposes LoRA (its title's name, "We propose"), so it does not also use it; papers 2 and 3 use it.
    assert sub.counts() == ({"Paper": 3, "Method": 1, "Claim": 5, "Result": 2},
                            {"PROPOSES": 1, "USES": 2, "CLAIMS": 5, "ABOUT": 5, "REPORTS": 2, "OF_METHOD": 2})
    # Induced: every edge of the corpus between two selected nodes, and no other.
    corpus = index.graph.edges
    assert set(sub.graph.edges) == {k for k in corpus if k[0] in ids(sub) and k[2] in ids(sub)}


def test_two_hops_of_lora_are_all_of_its_papers(index):
    sub = select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=2))
    assert ids(sub) == paper_owned(index, LORA_PAPER, QA_PAPER, VIT_PAPER)
    assert sub.counts() == (
        {"Paper": 3, "Method": 6, "Dataset": 3, "Metric": 3, "Task": 2, "Claim": 9, "Result": 4},
        {"PROPOSES": 2, "USES": 7, "EVALUATES_ON": 3, "ADDRESSES": 2, "MEASURES": 3, "CLAIMS": 9, "ABOUT": 16,
         "REPORTS": 4, "OF_METHOD": 4, "ON_DATASET": 4, "FOR_METRIC": 4})


def test_a_confidence_threshold_drops_edges_claims_and_results_before_traversal(index):
    # The ruler's mentions are 0.5; ABOUT and result links take the lower of the two ends' confidences.
    sub = select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=2, min_confidence=0.5))
    assert ids(sub) == paper_owned(index, QA_PAPER, VIT_PAPER) | {LORA}
    assert min(e.provenance.confidence for e in sub.graph.edges.values()) == 0.5
    assert len(sub.graph.edges) == 23 + 18  # every edge of papers 2 and 3
    # Paper 1's LoRA is typed through its acronym definition, with less confidence: traversal did not pass it.
    assert [index.graph.edges[(PAPER_NODES[p], kind, LORA)].provenance.confidence < 0.5
            for p, kind in ((LORA_PAPER, EdgeKind.PROPOSES), (QA_PAPER, EdgeKind.USES), (VIT_PAPER, EdgeKind.USES))
            ] == [True, False, False]
    # Every edge to LoRA is at most 0.5: above that, nothing is reached.
    assert ids(select_subgraph(index, SubgraphQuery(entities=("LoRA",), hops=2, min_confidence=0.6))) == {LORA}
    # Claims and results under the threshold go, with their edges: at 0.85, the findings of 0.92 and 0.95 stay.
    claims = select_subgraph(index, SubgraphQuery(node_kinds=("Claim",), min_confidence=0.85))
    assert {n.properties["confidence"] for n in claims.graph.nodes.values()} == {0.92, 0.95}


def test_a_date_window_keeps_the_papers_dated_in_it_with_their_claims_and_results(index):
    sub = select_subgraph(index, SubgraphQuery(since="2023"))
    assert ids(sub) == paper_owned(index, QA_PAPER, VIT_PAPER)  # 2023-11 and 2024
    owned = [n for n in sub.graph.nodes.values() if n.kind in (NodeKind.CLAIM, NodeKind.RESULT)]
    assert len(owned) == 3 + 2 + 3 + 1  # claims and results of paper 2, then of paper 3
    # Entities come with the papers that name them, and only those.
    named = {e.target for e in sub.graph.edges.values()}
    assert {n.id for n in sub.graph.nodes.values() if n.kind.value in ("Method", "Dataset", "Metric", "Task")} == \
        {t for t in named if not t.startswith(("claim/", "result/"))}
    # A year-only date (Nyströmformer's "2021") is in a window its year overlaps; 2021-06-17 and 2020-05 too.
    until = select_subgraph(index, SubgraphQuery(until="2021-06", node_kinds=("Paper",)))
    assert ids(until) == {PAPER_NODES[LORA_PAPER], PAPER_NODES[DETR_PAPER], PAPER_NODES[NYSTROM_PAPER]}
    # Undated papers are out of any window: knowledge distillation's only paper has no date.
    assert ids(select_subgraph(index, SubgraphQuery(entities=("knowledge distillation",), hops=2, since="2000"))) \
        == {"method/knowledge-distillation"}


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
    sub = select_subgraph(index, SubgraphQuery(entities=("GLUE",), hops=2, node_kinds=("Method", "Metric")))
    # GLUE's papers (1 and 7), their methods and metric, and GLUE itself (the seed); not their claims and results.
    assert ids(sub) == {"dataset/glue", PAPER_NODES[LORA_PAPER], PAPER_NODES[PRUNING_PAPER], LORA,
                        "method/transformer", "method/roberta", "method/structured-pruning", "metric/accuracy"}
    # Paper 1 proposes LoRA; paper 7 studies structured pruning, which is using it, not proposing it.
    assert sub.counts() == ({"Paper": 2, "Method": 4, "Dataset": 1, "Metric": 1},
                            {"PROPOSES": 1, "USES": 4, "EVALUATES_ON": 2, "MEASURES": 2})
    kept = {n for n in ids(sub) if not n.startswith("paper/")}
    for paper in (n for n in ids(sub) if n.startswith("paper/")):
        assert len({t for (s, _, t) in sub.graph.edges if s == paper} & kept) >= 2


def test_entities_are_found_by_name_alias_id_or_iri_case_insensitively(index):
    for ref in ("LoRA", "lora", "LoRAs", "low-rank adaptation", "Low-Rank  Adaptation", LORA, node_iri(LORA)):
        assert index.entities_named(ref) == [LORA], ref
    assert index.entities_named("nyströmformer") == ["method/nystr%C3%B6mformer"]
    assert index.entities_named(node_iri("method/nystr%C3%B6mformer")) == ["method/nystr%C3%B6mformer"]
    with pytest.raises(UnknownEntityError, match=r"no entity named 'LoRa adaptr'; closest known names: 'LoRA', "):
        index.entities_named("LoRa adaptr")


def test_a_name_several_kinds_share_selects_all_of_them_unless_kinds_narrow_it():
    graph = KnowledgeGraph()
    for node in (Node("paper/p", NodeKind.PAPER, "p", {"paper_id": "p", "title": "p", "abstract": "", "source": "x:1"}),
                 Node("method/sota", NodeKind.METHOD, "SOTA", {"name": "SOTA", "aliases": "", "papers": 1}),
                 Node("dataset/sota", NodeKind.DATASET, "SOTA", {"name": "SOTA", "aliases": "", "papers": 1})):
        graph.add_node(node)
    index = GraphIndex(graph)
    assert index.entities_named("SOTA") == ["dataset/sota", "method/sota"]
    assert select_subgraph(index, SubgraphQuery(entities=("sota",), hops=0)).seeds == ("dataset/sota", "method/sota")
    narrowed = select_subgraph(index, SubgraphQuery(entities=("SOTA",), hops=0, node_kinds=("Method",)))
    assert narrowed.seeds == ("method/sota",)


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
    # Text seeds are papers whose title or abstract holds the text (any case).
    assert ids(select_subgraph(index, SubgraphQuery(text="nyström METHOD", hops=0))) == {PAPER_NODES[NYSTROM_PAPER]}
    with pytest.raises(SelectionError, match="the query's seeds match nothing: text 'no such phrase anywhere'"):
        select_subgraph(index, SubgraphQuery(text="no such phrase anywhere"))


def test_the_subgraph_rdf_is_part_of_the_corpus_rdf_with_corpus_wide_support(index):
    accuracy = "metric/accuracy"
    # Since 2022: of accuracy's three papers (1, 6, 7), only the pruning paper (2022-09-14).
    sub = select_subgraph(index, SubgraphQuery(entities=("accuracy",), hops=1, since="2022"))
    assert ids(sub) == {accuracy, PAPER_NODES[PRUNING_PAPER], f"claim/{PRUNING_PAPER}/abstract/64-141",
                        f"result/{PRUNING_PAPER}/abstract/118-123"}
    quads = set(sub.quads())
    assert quads <= set(graph_quads(index.graph))
    measures = sum(1 for (_, kind, target) in sub.graph.edges if kind is EdgeKind.MEASURES and target == accuracy)
    statement = statement_iri(EdgeKind.MEASURES, accuracy)
    support = [q.object.value for q in quads if q.graph_name.value == STATEMENTS_GRAPH
               and q.subject.value == statement and q.predicate.value == str(KG.support)]
    assert (support, measures) == (["3"], 1)
    assert sub.graph.nodes[accuracy].properties["papers"] == 3  # the corpus's count, not the slice's


def test_a_saved_sparql_query_seeds_the_claims_it_returns(index, built_folder):
    query = (ROOT / "queries" / "claims_about.rq").read_text(encoding="utf-8")
    refs = sparql_node_refs(folder_store(built_folder), query, {"name": "LoRA"})
    assert refs == [node_iri(c) for c in sorted(LORA_CLAIMS)]
    seeds = saved_query_seeds(index, built_folder, ROOT / "queries" / "claims_about.rq", params=["name=lora"])
    sub = select_subgraph(index, SubgraphQuery(node_ids=tuple(seeds), hops=0))
    assert ids(sub) == set(LORA_CLAIMS)


def test_a_saved_cypher_query_seeds_the_nodes_it_returns(neo4j_db, index):
    from kgbuild.sinks.neo4j import Neo4jLoader

    Neo4jLoader(neo4j_db, batch_size=200).run(index.graph)
    statement = ("// Methods used by the papers that evaluate on a dataset.\n"
                 "MATCH (d:Dataset {name: $dataset})<-[:EVALUATES_ON]-(:Paper)-[:USES]->(m:Method)\n"
                 "RETURN DISTINCT m ORDER BY m.id LIMIT $limit")
    # GLUE's papers use the Transformer and RoBERTa (1; LoRA it proposes), RoBERTa and structured pruning (7).
    refs = cypher_node_refs(neo4j_db, statement, {"dataset": "GLUE", "limit": "2"})
    assert refs == ["method/roberta", "method/structured-pruning"]
    ids_only = cypher_node_refs(neo4j_db, "MATCH (m:Method {name: $name}) RETURN m.id AS id",
                                {"name": "LoRA"})
    assert known_nodes(index, ids_only) == [LORA]


def test_cli_exports_a_selection_and_reports_it(built_folder, tmp_path):
    target = tmp_path / "lora.json"
    done = kgbuild("export", str(built_folder), "--entity", "LoRA", "--hops", "2", "--min-confidence", "0.5",
                   "--format", "json", "--out", str(target))
    assert done.returncode == 0, done.stderr
    # Papers 2 and 3 with all of theirs (see the confidence test above).
    assert ("selected 22 nodes (Paper 2, Method 5, Dataset 2, Metric 2, Task 2, Claim 6, Result 3)"
            in done.stdout)
    assert ("41 edges (PROPOSES 1, USES 5, EVALUATES_ON 2, ADDRESSES 2, MEASURES 2, CLAIMS 6, ABOUT 11, REPORTS 3, "
            "OF_METHOD 3, ON_DATASET 3, FOR_METRIC 3)") in done.stdout
    data = json.loads(target.read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["edges"])) == (22, 41)
    done = kgbuild("export", str(built_folder), "--entity", "LoRa adaptr", "--format", "csv", "--out", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("kgbuild: export: no entity named 'LoRa adaptr'; closest known names: 'LoRA'")
    done = kgbuild("export", str(built_folder), "--since", "2024", "--format", "nq", "--out", str(tmp_path / "x"))
    assert (done.returncode, done.stderr.strip()) == (2, "kgbuild: export: --format nq is a whole-store format; a "
                                                         "subgraph is written as one of graphml, gexf, json, csv, "
                                                         "ttl, jsonld")


def test_the_export_flow_writes_the_same_selection(prefect_harness, built_folder, index, tmp_path):
    from flows.export_subgraph import export_subgraph_flow

    target = tmp_path / "glue.graphml"
    counts = export_subgraph_flow(str(built_folder), str(target), "graphml", entities=["GLUE"], hops=2,
                                  node_kinds=["Method", "Metric"])
    assert counts == {"nodes": {"Paper": 2, "Method": 4, "Dataset": 1, "Metric": 1},
                      "edges": {"PROPOSES": 1, "USES": 4, "EVALUATES_ON": 2, "MEASURES": 2}}
    import networkx as nx

    read = nx.read_graphml(target, force_multigraph=True)
    expected = select_subgraph(index, SubgraphQuery(entities=("GLUE",), hops=2, node_kinds=("Method", "Metric")))
    assert set(read.nodes) == ids(expected)
    assert read.number_of_edges() == len(expected.graph.edges) == 1 + 4 + 2 + 2
