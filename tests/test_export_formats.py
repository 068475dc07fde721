"""Every subgraph format read back by the tool it is for, with the node and edge counts and attribute types of
the selection: networkx for GraphML, GEXF and node-link JSON, pandas for CSV, rdflib for Turtle and JSON-LD. The
selection is LoRA's neighbourhood in the hand-made corpus (tests/handmade.py)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from handmade import QA_PAPER, VIT_PAPER, VIT_TITLE

from kgbuild.export.formats import GEXF_RENAMED, pandas_dtypes
from kgbuild.export.select import SubgraphQuery, select_subgraph
from kgbuild.export.subgraph import SUBGRAPH_FORMATS, write_subgraph
from kgbuild.graph.rdf import EDGE_PREDICATES, NODE_CLASSES
from kgbuild.graph.vocab import KG, RDF

# LoRA's 2-hop neighbourhood in the hand-made corpus (tests/handmade.py): its three papers with all their claims (9),
# results (6) and entities (14), and every edge of those papers (18 + 25 + 20); see tests/test_select.py.
NODES, EDGES = 30, 58  # two hops of LoRA (see test_select)


@pytest.fixture(scope="module")
def lora(handmade_graph):
    sub = select_subgraph(handmade_graph, SubgraphQuery(entities=("LoRA",), hops=2))
    assert (len(sub.graph.nodes), len(sub.graph.edges)) == (NODES, EDGES)
    return sub


@pytest.fixture(scope="module")
def written(lora, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    return {fmt: write_subgraph(lora, folder / (fmt if fmt == "csv" else f"lora.{fmt}"), fmt)[0]
            for fmt in SUBGRAPH_FORMATS}


def attribute_types(graph: nx.MultiDiGraph, renamed: dict[str, str] | None = None) -> tuple[dict, dict]:
    """{attribute: set of value type names} over nodes and over edges."""
    back = {v: k for k, v in (renamed or {}).items()}
    nodes: dict[str, set[str]] = {}
    for _, data in graph.nodes(data=True):
        for k, v in data.items():
            nodes.setdefault(back.get(k, k), set()).add(type(v).__name__)
    edges: dict[str, set[str]] = {}
    for *_, data in graph.edges(data=True):
        for k, v in data.items():
            edges.setdefault(back.get(k, k), set()).add(type(v).__name__)
    return nodes, edges


def test_graphml_gexf_and_json_read_back_with_the_same_counts_and_types(lora, written):
    original = lora.networkx()
    node_types, edge_types = attribute_types(original)
    assert (node_types["papers"], node_types["confidence"], node_types["start"]) == ({"int"}, {"float"}, {"int"})
    assert (edge_types["confidence"], edge_types["mentions"]) == ({"float"}, {"int"})
    readers = {
        "graphml": lambda p: nx.read_graphml(p, force_multigraph=True),
        "gexf": nx.read_gexf,
        "json": lambda p: nx.node_link_graph(json.loads(p.read_text(encoding="utf-8")), edges="edges"),
    }
    for fmt, read in readers.items():
        graph = read(written[fmt])
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (NODES, EDGES), fmt
        assert set(graph.nodes) == set(original.nodes), fmt
        read_nodes, read_edges = attribute_types(graph, GEXF_RENAMED if fmt == "gexf" else None)
        read_edges.pop("id", None)  # GEXF's own edge id
        read_edges.pop("networkx_key", None)  # the multigraph key, when GEXF reads back a graph without parallels
        assert (read_nodes, read_edges) == (node_types, edge_types), fmt
    gexf = nx.read_gexf(written["gexf"])
    claim = next(n for n, d in original.nodes(data=True) if d["kind"] == "Claim")
    assert gexf.nodes[claim]["span_start"] == original.nodes[claim]["start"]
    assert sorted(d["kind"] for *_, d in gexf.edges(data=True)) == sorted(k for *_, k in original.edges(keys=True))


def test_csv_reads_back_in_pandas_with_numbers_as_numbers(lora, written):
    import pandas as pd

    nodes_csv = written["csv"]
    edges_csv = nodes_csv.with_name("edges.csv")
    nodes = pd.read_csv(nodes_csv, dtype=pandas_dtypes(nodes_csv), keep_default_na=False, na_values=[""])
    edges = pd.read_csv(edges_csv, dtype=pandas_dtypes(edges_csv), keep_default_na=False, na_values=[""])
    assert (len(nodes), len(edges)) == (NODES, EDGES)
    assert str(nodes["papers:long"].dtype) == "Int64" and str(nodes["confidence:double"].dtype) == "float64"
    assert str(edges["start:long"].dtype) == "Int64" and str(edges["confidence:double"].dtype) == "float64"
    assert str(nodes["label"].dtype) == "string"  # a Result's label "91.3" or "82.1%" stays text
    assert nodes.set_index("id").loc[f"result/{QA_PAPER}/abstract/123-127", "label"] == "91.3"
    row = nodes.set_index("id").loc["method/lora"]
    assert (row["papers:long"], row["aliases"], row["name"]) == (3, "Low-Rank Adaptation", "LoRA")
    assert nodes.set_index("id").loc[f"paper/{VIT_PAPER}", "title"] == VIT_TITLE  # quotes and a backslash
    # Without the dtypes, pandas still reads every typed column as numbers.
    plain = pd.read_csv(edges_csv)
    assert {str(plain[c].dtype) for c in ("confidence:double", "start:long", "mentions:long")} == {"float64", "int64"}


def test_turtle_and_json_ld_read_back_in_rdflib_with_the_same_nodes_edges_and_literal_types(lora, written):
    classes = {rdflib.URIRef(str(c[0])) for c in NODE_CLASSES.values()}
    predicates = {rdflib.URIRef(str(p)) for p in EDGE_PREDICATES.values()}
    for fmt, rdf_format in (("ttl", "turtle"), ("jsonld", "json-ld")):
        graph = rdflib.Dataset(default_union=True)
        graph.parse(written[fmt], format=rdf_format)
        typed = {s for s, o in graph.subject_objects(rdflib.URIRef(str(RDF.type))) if o in classes}
        assert len(typed) == NODES, fmt
        assert len({(s, p, o) for s, p, o, _ in graph.quads() if p in predicates}) == EDGES, fmt
        confidences = {type(o.toPython()) for o in graph.objects(None, rdflib.URIRef(str(KG.confidence)))}
        supports = {type(o.toPython()) for o in graph.objects(None, rdflib.URIRef(str(KG.support)))}
        assert (confidences, supports) == ({float}, {int}), fmt
