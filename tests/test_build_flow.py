"""The build flow on the Prefect test harness: outputs, their round trips, determinism, artifact. On the hand-made
corpus and pipeline (tests/handmade.py), and on the whole sample corpus with that pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from conftest import SAMPLE
from handmade import (
    CORPUS,
    EDGES,
    LORA_PAPER,
    MT_PAPER,
    NODES,
    PAPER_IDS,
    PIPELINE_NAME,
    PIPELINE_VERSION,
    QA_PAPER,
    VIT_PAPER,
    VIT_TITLE,
)

from kgbuild.graph import to_networkx
from kgbuild.graph.vocab import FABIO, KG, MLS, SCHEMA
from kgbuild.sinks import OUTPUT_FILES, STORE_DIR
from kgbuild.sinks.state import STATE_DIR, STATE_FILES

RDF_TYPE = rdflib.RDF.type


def test_summary_counts_the_hand_made_corpus(handmade_build):
    out, summary = handmade_build
    # 8 records, the eighth a second listing of the third paper.
    assert (summary.papers, summary.duplicates, summary.quarantined) == (7, 1, 0)
    assert summary.nodes == NODES
    assert summary.edges == EDGES
    assert summary.entities == {"Method": 11, "Dataset": 6, "Metric": 5, "Task": 5}
    # Mentions per paper: methods 7+7+7+9+2+5+3, datasets 1+2+1+1+1+1+1, metrics 1+2+1+1+1+1+1, tasks 0+1+1+1+1+0+1.
    assert summary.entity_mentions == {"Method": 40, "Dataset": 8, "Metric": 8, "Task": 5}
    assert (summary.claims, summary.results) == ({"contribution": 6, "finding": 13}, 10)
    assert json.loads((out / "summary.json").read_text())["papers"] == 7
    assert (out / "quarantine.jsonl").read_text() == ""
    text = (out / "summary.txt").read_text()
    assert "papers" in text and f"{summary.triples}" in text


def test_extraction_jsonl_is_one_line_per_paper_in_input_order(handmade_build):
    out, _ = handmade_build
    records = [json.loads(line) for line in (out / "extractions.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == list(PAPER_IDS)
    assert {(r["extractor"]["name"], r["extractor"]["version"]) for r in records} == {(PIPELINE_NAME,
                                                                                       PIPELINE_VERSION)}
    # Resolved: the bare LoRA of papers 2 and 3 is the LoRA paper 1 defines.
    assert [m["canonical"] for r in records for m in r["entities"] if m["text"] == "LoRA"] == ["LoRA"] * 9


def test_turtle_parses_and_uses_the_ontology_classes(handmade_build):
    out, summary = handmade_build
    g = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(g) == summary.triples
    count = {cls: len(set(g.subjects(RDF_TYPE, cls))) for cls in (
        FABIO.ResearchPaper, SCHEMA.ScholarlyArticle, KG.Method, MLS.Algorithm, KG.Dataset, KG.Metric, KG.Task,
        SCHEMA.Claim, KG.Contribution, KG.Finding, KG.Result)}
    assert count == {
        FABIO.ResearchPaper: 7, SCHEMA.ScholarlyArticle: 7, KG.Method: 11, MLS.Algorithm: 11, KG.Dataset: 6,
        KG.Metric: 5, KG.Task: 5, SCHEMA.Claim: 19, KG.Contribution: 6, KG.Finding: 13, KG.Result: 10,
    }
    # One provenance record per edge.
    assert len(set(g.subjects(RDF_TYPE, KG.Assertion))) == sum(EDGES.values()) == 125


def test_graphml_loads_with_the_in_memory_graph_counts(handmade_build, handmade_graph):
    out, summary = handmade_build
    in_memory = to_networkx(handmade_graph)
    loaded = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert (loaded.number_of_nodes(), loaded.number_of_edges()) == (
        in_memory.number_of_nodes(), in_memory.number_of_edges()) == (63, 125)
    assert set(loaded.nodes) == set(in_memory.nodes)
    assert loaded.number_of_nodes() == sum(summary.nodes.values())
    assert loaded.number_of_edges() == sum(summary.edges.values())
    # Attribute types survive the file: a confidence stays a float, an offset an int.
    _, _, data = next(iter(loaded.edges(data=True)))
    assert isinstance(data["confidence"], float) and isinstance(data["start"], int)
    # Text survives too: the title with an apostrophe, quotes and a backslash, and a non-ASCII entity name.
    assert loaded.nodes[f"paper/{VIT_PAPER}"]["title"] == VIT_TITLE
    assert loaded.nodes["method/nystr%C3%B6mformer"]["label"] == "Nyströmformer"


def test_running_twice_gives_byte_identical_outputs(sample_build, handmade_pipeline, prefect_harness, tmp_path):
    """The whole sample corpus (304 papers), built again with another batch size."""
    from flows.build_graph import build_graph_flow

    first, summary = sample_build
    assert (summary.papers, summary.papers_extracted) == (304, 304)
    build_graph_flow(inputs=[str(SAMPLE)], out_dir=str(tmp_path), batch_size=50, pipeline=handmade_pipeline)
    for filename in OUTPUT_FILES.values():
        if filename not in (STORE_DIR, STATE_DIR):  # the store's own files are RocksDB's business
            assert (tmp_path / filename).read_bytes() == (first / filename).read_bytes(), filename
    for filename in STATE_FILES.values():
        assert (tmp_path / STATE_DIR / filename).read_bytes() == (first / STATE_DIR / filename).read_bytes()


def test_flow_publishes_a_markdown_artifact_with_the_counts(handmade_build):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    _, summary = handmade_build
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["kgbuild-run-summary"])))
    # Other tests' builds publish under the same key: this build's artifact is the one with its counts.
    ours = [a for a in artifacts if f"| RDF triples | {summary.triples} |" in a.data]
    assert ours
    assert ours[0].type == "markdown"
    assert "| papers | 7 |" in ours[0].data and "| duplicates merged | 1 |" in ours[0].data


def test_bad_input_is_quarantined_and_the_rest_still_builds(prefect_harness, handmade_pipeline, tmp_path):
    from flows.build_graph import build_graph_flow

    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "title": "T", "abstract": "x"\n', encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    summary = build_graph_flow(inputs=[str(CORPUS), str(broken), str(tmp_path / "empty.txt")], out_dir=str(out),
                               pipeline=handmade_pipeline)
    assert summary.papers == 7
    assert summary.nodes == NODES
    assert summary.quarantined == 2
    assert summary.partial
    report = [json.loads(line) for line in (out / "quarantine.jsonl").read_text().splitlines()]
    assert [(Path(r["path"]).name, r["line"], r["stage"]) for r in report] == [
        ("broken.jsonl", 1, "ingest"), ("empty.txt", None, "ingest")]
    assert report[0]["reason"].startswith("broken JSON line: Expecting ',' delimiter")


@pytest.mark.parametrize("batch_size", [1, 3])
def test_batch_size_does_not_change_the_extractions(prefect_harness, handmade_pipeline, handmade_build, tmp_path,
                                                    batch_size):
    from flows.build_graph import build_graph_flow

    summary = build_graph_flow(inputs=[str(CORPUS)], out_dir=str(tmp_path), batch_size=batch_size,
                               pipeline=handmade_pipeline)
    assert summary.papers_extracted == 7
    built, _ = handmade_build  # batches of 64: one
    assert (tmp_path / "graph.ttl").read_bytes() == (built / "graph.ttl").read_bytes()
    assert (tmp_path / "extractions.jsonl").read_bytes() == (built / "extractions.jsonl").read_bytes()


def test_dates_keep_exactly_what_the_listing_states(handmade_build, sample_build, seed_ingest):
    from kgbuild.graph import node_iri
    from kgbuild.graph.vocab import DCTERMS, XSD

    def dates(g: rdflib.Graph, paper: rdflib.URIRef) -> tuple[list, list, list]:
        return (list(g.objects(paper, DCTERMS.issued)), list(g.objects(paper, KG.partialDate)),
                list(g.objects(paper, KG.datePrecision)))

    g = rdflib.Graph().parse(handmade_build[0] / "graph.ttl", format="turtle")
    paper = {pid: rdflib.URIRef(node_iri(f"paper/{pid}")) for pid in PAPER_IDS}
    assert dates(g, paper[LORA_PAPER]) == ([rdflib.Literal("2021-06-17", datatype=XSD.date)], [],
                                           [rdflib.Literal("year-month-day")])
    assert dates(g, paper[QA_PAPER]) == ([rdflib.Literal("2023-11", datatype=XSD.gYearMonth)], [],
                                         [rdflib.Literal("year-month")])
    assert dates(g, paper[VIT_PAPER]) == ([rdflib.Literal("2024", datatype=XSD.gYear)], [], [rdflib.Literal("year")])
    assert dates(g, paper[MT_PAPER]) == ([], [], [])  # no date given: none invented
    # The sample's Daily Papers listings: "Mar 16" has no year; the listing's partial date is kept, not completed.
    g = rdflib.Graph().parse(sample_build[0] / "graph.ttl", format="turtle")
    by_title = {p.title.split(":")[0]: rdflib.URIRef(node_iri(f"paper/{p.id}")) for p in seed_ingest.papers}
    assert dates(g, by_title["Maestro"]) == ([rdflib.Literal("2023-08-28", datatype=XSD.date)], [],
                                             [rdflib.Literal("year-month-day")])
    assert dates(g, by_title["ZO2"]) == ([], [rdflib.Literal("--03-16", datatype=XSD.gMonthDay)],
                                         [rdflib.Literal("month-day")])


def test_exports_and_loads_of_a_folder_give_the_graph_its_build_wrote(prefect_harness, handmade_pipeline, tmp_path,
                                                                      monkeypatch):
    """The build's alias file is recorded with the folder: an export in a shell without KGBUILD_ALIASES_FILE gives
    the store's entities, and another alias file is refused with the command that applies it."""
    import csv

    from test_cli import kgbuild

    from flows.build_graph import build_graph_flow
    from kgbuild.sinks import folder_graph

    wikidata = "http://www.wikidata.org/entity/Q112011522"
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(f"- name: LoRA\n  type: Method\n  aliases: [LoRA adapters]\n  same_as: [{wikidata}]\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    build_graph_flow(inputs=[str(CORPUS)], out_dir=str(out), pipeline=handmade_pipeline, aliases_file=str(aliases))
    aliases.unlink()  # the folder keeps its own copy
    monkeypatch.delenv("KGBUILD_ALIASES_FILE", raising=False)
    store = rdflib.Dataset()
    store.parse(out / "graph.trig", format="trig")
    assert any(store.quads((None, rdflib.OWL.sameAs, rdflib.URIRef(wikidata), None)))
    assert folder_graph(out).nodes["method/lora"].properties["same_as"] == wikidata
    done = kgbuild("export", str(out), "--entity", "LoRA", "--hops", "0", "--format", "json", "--out",
                   str(tmp_path / "lora.json"))
    assert done.returncode == 0, done.stderr
    [lora] = [n for n in json.loads((tmp_path / "lora.json").read_text(encoding="utf-8"))["nodes"]
              if n["id"] == "method/lora"]
    assert (lora["same_as"], "LoRA adapters" in lora["aliases"]) == (wikidata, True)
    done = kgbuild("export", str(out), "--format", "neo4j-csv", "--out", str(tmp_path / "csv"))
    assert done.returncode == 0, done.stderr
    with (tmp_path / "csv" / "nodes_Method.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id:ID"]: row for row in csv.DictReader(handle)}
    assert rows["method/lora"]["same_as:string[]"] == wikidata
    other = tmp_path / "other.yaml"
    other.write_text("- name: ViT\n  type: Method\n", encoding="utf-8")
    done = kgbuild("load", "neo4j", "--from", str(out), "--aliases", str(other),
                   env={"KGBUILD_NEO4J_URI": "bolt://127.0.0.1:9"})
    assert done.returncode == 1
    assert (f"{out} was built with {aliases}, not {other}: rebuild with `kgbuild build … --out {out} --aliases "
            f"{other}` to apply it") in done.stderr
