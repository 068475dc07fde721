"""The build flow on the Prefect test harness: outputs, their round trips, determinism, artifact."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from conftest import SAMPLE, SEED_FILES

from kgbuild.graph import build_graph, to_networkx
from kgbuild.graph.vocab import FABIO, KG, MLS, SCHEMA
from kgbuild.sinks import OUTPUT_FILES, STORE_DIR
from kgbuild.sinks.state import STATE_DIR, STATE_FILES

RDF_TYPE = rdflib.RDF.type


def test_summary_counts_the_seed_corpus(seed_build):
    out, summary = seed_build
    assert summary.papers == 304
    assert summary.duplicates == 3
    assert summary.quarantined == 0
    assert summary.nodes["Paper"] == 304
    assert summary.entities == {k: summary.nodes[k] for k in ("Method", "Dataset", "Metric", "Task")}
    assert summary.nodes["Claim"] == summary.claims["contribution"] + summary.claims["finding"]
    assert summary.nodes["Result"] == summary.results
    assert json.loads((out / "summary.json").read_text())["papers"] == 304
    assert (out / "quarantine.jsonl").read_text() == ""
    text = (out / "summary.txt").read_text()
    assert "papers" in text and f"{summary.triples}" in text


def test_extraction_jsonl_is_one_line_per_paper_in_input_order(seed_build, seed_ingest):
    out, _ = seed_build
    records = [json.loads(line) for line in (out / "extractions.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == [p.id for p in seed_ingest.papers]


def test_turtle_parses_and_uses_the_ontology_classes(seed_build):
    out, summary = seed_build
    g = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(g) == summary.triples
    count = {cls: len(set(g.subjects(RDF_TYPE, cls))) for cls in (
        FABIO.ResearchPaper, SCHEMA.ScholarlyArticle, KG.Method, MLS.Algorithm, KG.Dataset, KG.Metric, KG.Task,
        SCHEMA.Claim, KG.Result)}
    assert count == {
        FABIO.ResearchPaper: 304, SCHEMA.ScholarlyArticle: 304, KG.Method: summary.nodes["Method"],
        MLS.Algorithm: summary.nodes["Method"], KG.Dataset: summary.nodes["Dataset"],
        KG.Metric: summary.nodes["Metric"], KG.Task: summary.nodes["Task"], SCHEMA.Claim: summary.nodes["Claim"],
        KG.Result: summary.nodes["Result"],
    }
    # One provenance record per edge.
    assert len(set(g.subjects(RDF_TYPE, KG.Assertion))) == sum(summary.edges.values())


def test_graphml_loads_with_the_in_memory_graph_counts(seed_build, seed_ingest, seed_extractions):
    out, summary = seed_build
    in_memory = to_networkx(build_graph(seed_ingest.papers, seed_extractions.extractions,
                                        seed_extractions.entities))
    loaded = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert (loaded.number_of_nodes(), loaded.number_of_edges()) == (
        in_memory.number_of_nodes(), in_memory.number_of_edges())
    assert loaded.number_of_nodes() == sum(summary.nodes.values())
    assert loaded.number_of_edges() == sum(summary.edges.values())
    # Attribute types survive the file: a confidence stays a float, an offset an int.
    _, _, data = next(iter(loaded.edges(data=True)))
    assert isinstance(data["confidence"], float) and isinstance(data["start"], int)


def test_running_twice_gives_byte_identical_outputs(seed_build, prefect_harness, tmp_path):
    from flows.build_graph import build_graph_flow

    first, _ = seed_build
    build_graph_flow(inputs=[str(SAMPLE)], out_dir=str(tmp_path), batch_size=50)
    for filename in OUTPUT_FILES.values():
        if filename not in (STORE_DIR, STATE_DIR):  # the store's own files are RocksDB's business
            assert (tmp_path / filename).read_bytes() == (first / filename).read_bytes(), filename
    for filename in STATE_FILES.values():
        assert (tmp_path / STATE_DIR / filename).read_bytes() == (first / STATE_DIR / filename).read_bytes()


def test_flow_publishes_a_markdown_artifact_with_the_counts(seed_build):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    _, summary = seed_build
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["kgbuild-run-summary"])))
    # Other tests' builds publish under the same key: this build's artifact is the one with its counts.
    ours = [a for a in artifacts if f"| RDF triples | {summary.triples} |" in a.data]
    assert ours
    assert ours[0].type == "markdown"
    assert "| papers | 304 |" in ours[0].data


def test_bad_input_is_quarantined_and_the_rest_still_builds(prefect_harness, tmp_path):
    from flows.build_graph import build_graph_flow

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "title": "T", "abstract": "x"\n', encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    summary = build_graph_flow(inputs=[str(SEED_FILES["lines"]), str(broken), str(tmp_path / "empty.txt")],
                               out_dir=str(out))
    assert summary.papers == 11
    assert summary.quarantined == 2
    assert summary.partial
    report = [json.loads(line) for line in (out / "quarantine.jsonl").read_text().splitlines()]
    assert [(Path(r["path"]).name, r["line"], r["stage"]) for r in report] == [
        ("broken.jsonl", 1, "ingest"), ("empty.txt", None, "ingest")]
    assert report[0]["reason"].startswith("broken JSON line: Expecting ',' delimiter")


@pytest.mark.parametrize("batch_size", [1, 7])
def test_batch_size_does_not_change_the_extractions(prefect_harness, tmp_path, batch_size):
    from flows.build_graph import build_graph_flow

    build_graph_flow(inputs=[str(SEED_FILES["lines"])], out_dir=str(tmp_path / "a"), batch_size=batch_size)
    build_graph_flow(inputs=[str(SEED_FILES["lines"])], out_dir=str(tmp_path / "b"), batch_size=64)
    assert (tmp_path / "a" / "graph.ttl").read_bytes() == (tmp_path / "b" / "graph.ttl").read_bytes()
    assert (tmp_path / "a" / "extractions.jsonl").read_bytes() == (tmp_path / "b" / "extractions.jsonl").read_bytes()


def test_dates_keep_exactly_what_the_listing_states(seed_build, seed_ingest):
    from kgbuild.graph import node_iri
    from kgbuild.graph.vocab import DCTERMS, XSD

    out, _ = seed_build
    g = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    by_title = {p.title.split(":")[0]: rdflib.URIRef(node_iri(f"paper/{p.id}")) for p in seed_ingest.papers}
    maestro, zo2 = by_title["Maestro"], by_title["ZO2"]
    assert list(g.objects(maestro, DCTERMS.issued)) == [rdflib.Literal("2023-08-28", datatype=XSD.date)]
    # "Mar 16" has no year: no publication date is invented, the listing's partial date is kept.
    assert list(g.objects(zo2, DCTERMS.issued)) == []
    assert list(g.objects(zo2, KG.partialDate)) == [rdflib.Literal("--03-16", datatype=XSD.gMonthDay)]
    assert list(g.objects(zo2, KG.datePrecision)) == [rdflib.Literal("month-day")]
