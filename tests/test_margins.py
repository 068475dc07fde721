"""Margins over baselines (relative results with the method they are stated of and the baseline they beat) in the
graph, the RDF and its shapes, the saved SPARQL query and the report, on tests/fixtures/handmade/margins.jsonl."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib

from kgbuild.export.analytics import leaderboard, margins
from kgbuild.export.report import write_report
from kgbuild.graph import to_rdf
from kgbuild.graph.convert import to_networkx
from kgbuild.graph.model import EdgeKind
from kgbuild.graph.rdf import graph_quads
from kgbuild.sinks import GraphStore

ROOT = Path(__file__).resolve().parents[1]


def test_a_margin_links_its_method_and_the_baseline_it_beats(margins_graph):
    rows = {(margins_graph.nodes[e.source].properties["value"], e.kind.value, margins_graph.nodes[e.target].label)
            for e in margins_graph.edges.values() if e.kind in (EdgeKind.OF_METHOD, EdgeKind.COMPARED_TO)}
    assert rows == {
        ("1.7 points", "OF_METHOD", "ScaLoRA"), ("1.7 points", "COMPARED_TO", "LoRA"),
        ("86.0%", "OF_METHOD", "ScaLoRA"),
        ("0.9 points", "OF_METHOD", "RoBERTa"), ("0.9 points", "COMPARED_TO", "LoRA"),
        ("2.5", "OF_METHOD", "DETR"), ("2.5", "COMPARED_TO", "Faster R-CNN"),
        ("3x", "OF_METHOD", "DETR"),  # longer than Faster R-CNN: no margin over it
        ("58.9%", "OF_METHOD", "Nyströmformer"),
        ("2.1 points", "OF_METHOD", "Nyströmformer"), ("2.1 points", "COMPARED_TO", "Transformer"),
    }


def test_a_paper_proposes_the_dataset_it_introduces_and_does_not_also_evaluate_on_it(margins_graph):
    edges = {(e.kind.value, margins_graph.nodes[e.target].label) for e in margins_graph.edges.values()
             if e.source == "paper/margins:4" and e.kind in (EdgeKind.PROPOSES, EdgeKind.EVALUATES_ON, EdgeKind.USES)}
    assert edges == {("PROPOSES", "Long Range Arena"), ("USES", "Transformer"), ("USES", "Nyströmformer")}


def test_result_values_in_rdf_conform_to_the_shapes(margins_graph):
    g = to_rdf(margins_graph)
    kg = rdflib.Namespace("https://w3id.org/kgbuild/ontology#")
    values = {(str(g.value(r, rdflib.URIRef("http://www.w3.org/ns/mls#hasValue"))), str(g.value(r, kg.resultKind)),
               g.value(r, kg.numericValue).toPython(), str(g.value(r, kg.unit)))
              for r in g.subjects(rdflib.RDF.type, kg.Result)}
    assert values == {("1.7 points", "relative", 1.7, "points"), ("86.0%", "absolute", 86.0, "%"),
                      ("0.9 points", "relative", 0.9, "points"), ("2.5", "relative", 2.5, "None"),
                      ("3x", "relative", 3.0, "x"), ("58.9%", "absolute", 58.9, "%"),
                      ("2.1 points", "relative", 2.1, "points")}
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    assert pyshacl.validate(g, shacl_graph=shapes, inference="none")[0]
    # A result kind outside the two, or a second baseline, breaks the shapes.
    result = next(r for r in g.subjects(kg.resultKind, rdflib.Literal("relative")))
    g.set((result, kg.resultKind, rdflib.Literal("better")))
    assert not pyshacl.validate(g, shacl_graph=shapes, inference="none")[0]


def test_the_saved_query_answers_which_methods_beat_a_baseline_on_a_dataset(margins_graph):
    store = GraphStore()
    store.replace_graphs(graph_quads(margins_graph))
    query = (ROOT / "queries" / "methods_beating_baseline.rq").read_text(encoding="utf-8")

    def rows(baseline: str, dataset: str) -> list[tuple]:
        solutions = store.query(query, {"baseline": ox.Literal(baseline), "dataset": ox.Literal(dataset)})
        return [tuple(None if s[v] is None else s[v].value for v in ("methodName", "baselineName", "datasetName",
                                                                      "metricName", "margin", "number", "unit",
                                                                      "paperId")) for s in solutions]

    assert rows("LoRA", "GLUE") == [("ScaLoRA", "LoRA", "GLUE", "accuracy", "1.7 points", "1.7", "points", "margins:1"),
                                    ("RoBERTa", "LoRA", "GLUE", "accuracy", "0.9 points", "0.9", "points", "margins:2")]
    assert rows("lora", "glue") == rows("LoRA", "GLUE")
    assert rows("Faster R-CNN", "COCO") == [("DETR", "Faster R-CNN", "COCO", "mAP", "2.5", "2.5", None, "margins:3")]
    assert rows("LoRA", "COCO") == rows("ScaLoRA", "GLUE") == []


def test_the_report_lists_margins_apart_from_the_leaderboard(margins_graph, tmp_path):
    graph = to_networkx(margins_graph)
    # By dataset, metric and baseline, largest margin first.
    assert [(m.method, m.baseline, m.value_text, m.dataset, m.metric) for m in margins(graph)] == [
        ("DETR", "Faster R-CNN", "2.5", "COCO", "mAP"), ("ScaLoRA", "LoRA", "1.7 points", "GLUE", "accuracy"),
        ("RoBERTa", "LoRA", "0.9 points", "GLUE", "accuracy"),
        ("Nyströmformer", "Transformer", "2.1 points", "Long Range Arena", "accuracy")]
    assert [(r.dataset, r.metric, r.value_text, r.method) for r in leaderboard(graph)] == [
        ("GLUE", "accuracy", "86.0%", "ScaLoRA"), ("Long Range Arena", "accuracy", "58.9%", "Nyströmformer")]
    summary = write_report(graph, tmp_path, title="margins")
    assert (summary.leaderboard_rows, summary.margin_rows) == (2, 4)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    for sentence in ("ScaLoRA beats LoRA by 1.7 points in accuracy on GLUE",
                     "RoBERTa beats LoRA by 0.9 points in accuracy on GLUE",
                     "DETR beats Faster R-CNN by 2.5 in mAP on COCO"):
        assert sentence in page
    assert "3x" not in (tmp_path / "data" / "margins.csv").read_text(encoding="utf-8")
