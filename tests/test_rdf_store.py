"""The RDF side of a build: SHACL shapes, the Oxigraph store, its exports and their round trips, incremental runs. On
builds with the hand-made pipeline (tests/handmade.py), of the hand-made corpus and of the sample's listings."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from conftest import ROOT, SEED_FILES
from handmade import EDGES, PAPER_IDS
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, SH

from kgbuild.export import jsonld_context
from kgbuild.graph.vocab import DCTERMS, KG, SCHEMA, SKOS
from kgbuild.sinks import STORE_DIR, GraphStore
from kgbuild.sinks.lock import LOCK_FILE

SHAPES = ROOT / "ontology" / "shapes.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
LOCK = Path("state") / LOCK_FILE


def rdflib_term(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> rdflib.term.Node:
    """pyoxigraph term -> rdflib term, directly (no serialiser in between, so that round trips test something)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == str(rdflib.XSD.string):
            return rdflib.Literal(term.value)  # RDF 1.1 simple literal, as rdflib's parsers give it
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise AssertionError(f"kgbuild writes no blank nodes: {term}")


def store_quads(folder: Path) -> set[tuple]:
    store = GraphStore(folder / STORE_DIR, read_only=True)
    try:
        return {(rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object),
                 rdflib_term(q.graph_name)) for q in store}
    finally:
        store.close()


def union_graph(quads: set[tuple]) -> rdflib.Graph:
    g = rdflib.Graph()
    for s, p, o, _ in quads:
        g.add((s, p, o))
    return g


@pytest.fixture(scope="module")
def built_quads(handmade_build):
    return store_quads(handmade_build[0])


@pytest.fixture(scope="module")
def built_graph(built_quads):
    return union_graph(built_quads)


def shacl_violations(graph: rdflib.Graph) -> tuple[bool, set[tuple[str, str]]]:
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES), inference="none")
    results = {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)))
               for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)}
    return conforms, results


# --- shapes ---------------------------------------------------------------------------------------------------

def test_the_graph_conforms_to_the_shapes(built_graph):
    assert shacl_violations(built_graph) == (True, set())


def break_on_purpose(broken: rdflib.Graph) -> tuple[rdflib.term.Node, ...]:
    """Break a built graph in place four ways, returning the nodes broken: a paper without its abstract, an
    assertion with a confidence above 1, a method with a second preferred name (so rdfs:label no longer equals
    it), a claim both finding and contribution."""
    paper = min(broken.subjects(DCTERMS.abstract, None))
    broken.remove((paper, DCTERMS.abstract, None))
    assertion = min(broken.subjects(rdflib.RDF.type, KG.Assertion))
    broken.set((assertion, KG.confidence, rdflib.Literal(1.5)))
    entity = min(broken.subjects(rdflib.RDF.type, KG.Method))
    broken.add((entity, SKOS.prefLabel, rdflib.Literal("a second preferred name")))
    claim = min(broken.subjects(rdflib.RDF.type, KG.Finding))
    broken.add((claim, rdflib.RDF.type, KG.Contribution))
    return paper, assertion, entity, claim


def test_a_graph_broken_on_purpose_is_reported(built_graph):
    broken = rdflib.Graph()
    for triple in built_graph:
        broken.add(triple)
    paper, assertion, entity, claim = break_on_purpose(broken)
    conforms, violations = shacl_violations(broken)
    assert not conforms
    assert violations == {
        (str(paper), str(DCTERMS.abstract)),
        (str(assertion), str(KG.confidence)),
        (str(entity), str(SKOS.prefLabel)),
        (str(entity), str(rdflib.RDFS.label)),  # rdfs:label must equal the preferred name
        (str(claim), "None"),  # exactly one of Contribution and Finding: a node-level constraint
    }


# --- exports --------------------------------------------------------------------------------------------------

def test_turtle_from_the_store_is_isomorphic_to_the_store(handmade_build, built_graph, built_quads):
    out, summary = handmade_build
    assert len(built_quads) == len(built_graph) == summary.triples
    assert isomorphic(rdflib.Graph().parse(out / "graph.ttl", format="turtle"), built_graph)


def test_trig_carries_every_quad_with_its_paper_graph(handmade_build, built_quads):
    out, _ = handmade_build
    dataset = rdflib.Dataset().parse(out / "graph.trig", format="trig")
    assert set(dataset.quads()) == built_quads
    graphs = {str(g) for *_, g in built_quads}
    kgr = "https://w3id.org/kgbuild/resource/"
    # One per paper, the entities, the statements, the extractors.
    assert graphs == {*(f"{kgr}graph/paper/{pid}" for pid in PAPER_IDS), f"{kgr}graph/entities",
                      f"{kgr}graph/statements", f"{kgr}graph/extractors"}


def test_jsonld_embeds_the_published_context_and_expands_to_the_store(handmade_build, built_quads):
    out, _ = handmade_build
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    assert jsonld_context() == json.loads(CONTEXT.read_text(encoding="utf-8"))
    dataset = rdflib.Dataset().parse(out / "graph.jsonld", format="json-ld")
    assert set(dataset.quads()) == built_quads


def test_every_assertion_carries_its_provenance(built_graph):
    query = """
        PREFIX kg: <https://w3id.org/kgbuild/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT (COUNT(?a) AS ?n) WHERE {
            ?a a kg:Assertion ; prov:wasDerivedFrom ?paper ; prov:wasAttributedTo ?agent ;
               prov:wasGeneratedBy ?activity ; kg:field ?field ; kg:startOffset ?s ; kg:endOffset ?e ;
               kg:confidence ?c ; kg:sharedStatement ?st .
            ?st kg:support ?support ; kg:object ?o .
            ?a rdf:object ?o .
            ?activity prov:used ?paper ; prov:wasAssociatedWith ?agent .
        }"""
    [(complete,)] = built_graph.query(query)
    assert int(complete) == len(set(built_graph.subjects(rdflib.RDF.type, KG.Assertion))) == sum(EDGES.values())


# --- incremental runs -----------------------------------------------------------------------------------------

def iris(quads: set[tuple]) -> set[str]:
    return {str(t) for q in quads for t in q if isinstance(t, rdflib.URIRef)}


def latest_run_artifact() -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(
            any_=["kgbuild-run-summary"])), sort=ArtifactSort.CREATED_DESC, limit=1)
    return str(artifact.data)


def test_a_new_extractor_or_changed_text_means_re_extraction(handmade_ingest, handmade_extractor):
    from kgbuild.model import ExtractorInfo
    from kgbuild.sinks import CorpusState

    extractor = handmade_extractor
    papers = handmade_ingest.papers[:3]
    state = CorpusState()
    state.update(papers, extractor.run(papers))
    assert state.to_extract(papers, extractor.info) == []
    changed = replace(papers[1], abstract=papers[1].abstract + " We also release code.")
    assert state.to_extract([papers[0], changed], extractor.info) == [changed]
    retuned = ExtractorInfo(extractor.info.name, extractor.info.version, "another-config")
    assert state.to_extract(papers, retuned) == papers


def folder_files(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of an output folder but the run's summary and the lock every run takes (kgbuild.sinks.lock):
    its bytes and modification time."""
    return {str(f.relative_to(out)): (f.read_bytes(), f.stat().st_mtime_ns) for f in sorted(out.rglob("*"))
            if f.is_file() and f.name not in ("summary.json", "summary.txt") and f.relative_to(out) != LOCK}


def rewritten_from_scratch(out: Path, inputs: list[str], copy: Path, pipeline: str) -> Path:
    """A copy of the folder with its store, export files, graph index and fingerprint removed, built again from its
    state (same papers, extractions and entity registry): every graph written and serialised anew."""
    from flows.build_graph import build_graph_flow

    shutil.copytree(out, copy)
    shutil.rmtree(copy / "store")
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "state/rdf-index.json", "state/run.json"):
        (copy / name).unlink()
    summary = build_graph_flow(inputs=inputs, out_dir=str(copy), pipeline=pipeline)
    assert (summary.papers_extracted, summary.paper_graphs_unchanged) == (0, 0)
    return copy


GRAPH_FILES = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.graphml", "extractions.jsonl",
               "state/papers.jsonl", "state/extractions.jsonl", "state/entities.json")


def test_same_input_twice_rewrites_nothing_and_a_new_listing_extracts_only_its_papers(prefect_harness,
                                                                                      handmade_pipeline, tmp_path):
    from flows.build_graph import build_graph_flow

    def build(inputs: list[str], folder: Path):
        return build_graph_flow(inputs=inputs, out_dir=str(folder), pipeline=handmade_pipeline)

    out = tmp_path / "out"
    first = build([str(SEED_FILES["lines"])], out)
    before, files = store_quads(out), folder_files(out)
    again = build([str(SEED_FILES["lines"])], out)
    assert (again.triples, again.corpus_papers) == (first.triples, 11)
    assert (first.papers_extracted, again.papers_extracted) == (11, 0)  # nothing changed: nothing re-extracted
    assert (again.up_to_date, again.paper_graphs_written, again.paper_graphs_unchanged) == (True, 0, 11)
    assert folder_files(out) == files  # not one byte, and not one file rewritten (store included)
    assert "no output was rewritten" in latest_run_artifact()

    both = [str(SEED_FILES["lines"]), str(SEED_FILES["with_metadata"])]
    added = build(both, out)
    after = store_quads(out)
    assert (added.papers, added.papers_extracted, added.corpus_papers) == (37, 26, 37)  # only the new file's
    assert (added.papers_new, added.papers_reextracted) == (26, 0)
    assert (added.paper_graphs_written, added.paper_graphs_unchanged) == (26, 11)
    assert ("| papers extracted | 26 |\n| papers unchanged | 11 |\n| papers new | 26 |\n"
            "| papers re-extracted | 0 |") in latest_run_artifact()
    assert iris(before) <= iris(after)
    # Updated graph by graph, with its export files spliced, the folder holds what writing it from scratch gives.
    scratch = rewritten_from_scratch(out, both, tmp_path / "scratch", handmade_pipeline)
    assert after == store_quads(scratch)
    for name in GRAPH_FILES:
        assert (out / name).read_bytes() == (scratch / name).read_bytes(), name
    # And the same graph as one run over both files, but for IRIs minted by the first run (kept stable).
    fresh = tmp_path / "fresh"
    build(both, fresh)
    assert len(after) == len(store_quads(fresh))


def test_an_edited_export_file_is_rewritten_from_the_store(prefect_harness, handmade_pipeline, tmp_path):
    from flows.build_graph import build_graph_flow

    out = tmp_path / "out"
    build_graph_flow(inputs=[str(SEED_FILES["lines"])], out_dir=str(out), pipeline=handmade_pipeline)
    (out / "graph.trig").write_text("# someone's notes\n", encoding="utf-8")  # its recorded hash no longer holds
    (out / "graph.ttl").unlink()
    both = [str(SEED_FILES["lines"]), str(SEED_FILES["with_metadata"])]
    summary = build_graph_flow(inputs=both, out_dir=str(out), pipeline=handmade_pipeline)
    assert (summary.paper_graphs_written, summary.paper_graphs_unchanged) == (26, 11)
    scratch = rewritten_from_scratch(out, both, tmp_path / "scratch", handmade_pipeline)
    for name in ("graph.ttl", "graph.trig", "graph.jsonld"):
        assert (out / name).read_bytes() == (scratch / name).read_bytes(), name


def test_a_re_extracted_paper_replaces_its_triples(prefect_harness, handmade_pipeline, tmp_path):
    from flows.build_graph import build_graph_flow

    def version(abstract: str) -> Path:
        path = tmp_path / f"v{len(list(tmp_path.glob('v*.jsonl')))}.jsonl"
        path.write_text(json.dumps({"id": "arXiv:2402.07733", "title": "Rescaling Low-Rank Updates for ViT",
                                    "abstract": abstract}) + "\n", encoding="utf-8")
        return path

    def build(inputs: list[Path], folder: Path):
        return build_graph_flow(inputs=[str(p) for p in inputs], out_dir=str(folder), pipeline=handmade_pipeline)

    out = tmp_path / "out"
    # The hand-made pipeline knows ScaLoRA and Scaled Low-Rank Adaptation (tests/handmade.py); the shipped lexicon
    # knows neither, so only a definition in the text makes them one.
    old = ("We introduce Scaled Low-Rank Adaptation, which rescales each low-rank update by a learned factor. "
           "ScaLoRA reduces the number of trainable parameters by 10,000 times.")
    new = ("We introduce Scaled Low-Rank Adaptation (ScaLoRA). Compared to full fine-tuning of ViT, ScaLoRA reduces "
           "GPU memory by 3 times and performs on-par or better than LoRA on ImageNet.")
    build([version(old), SEED_FILES["lines"]], out)
    newer = version(new)
    summary = build([newer], out)
    quads = store_quads(out)
    paper = rdflib.URIRef("https://w3id.org/kgbuild/resource/paper/arxiv:2402.07733")
    abstracts = [o for s, p, o, _ in quads if s == paper and p == DCTERMS.abstract]
    assert abstracts == [rdflib.Literal(new)]
    claims = {str(o) for s, p, o, _ in quads if p == SCHEMA.text}
    assert not any("10,000 times" in c for c in claims)
    assert "ScaLoRA reduces the number of trainable parameters by 10,000 times." not in claims
    assert summary.corpus_papers == 12
    assert (summary.papers_new, summary.papers_reextracted, summary.paper_graphs_written) == (0, 1, 1)
    # The first version named Scaled Low-Rank Adaptation and ScaLoRA apart (two keys, minted in that order); the
    # second defines the acronym, so they merge. The older key survives (named ScaLoRA now: the defined acronym), and
    # the other IRI, published by the first run, stays and says where it went.
    kgr = "https://w3id.org/kgbuild/resource/"
    survivor, retired = rdflib.URIRef(f"{kgr}method/scaled-low-rank-adaptation"), rdflib.URIRef(f"{kgr}method/scalora")
    assert {(p, o) for s, p, o, _ in quads if s == retired} == {(DCTERMS.isReplacedBy, survivor),
                                                                (OWL.sameAs, survivor)}
    assert {o for s, p, o, _ in quads if s == survivor and p == SKOS.prefLabel} == {rdflib.Literal("ScaLoRA")}
    # Otherwise the folder holds what one run over the final input gives.
    fresh = tmp_path / "fresh"
    build([version(new), SEED_FILES["lines"]], fresh)
    assert len(quads) == len(store_quads(fresh)) + 2
    # The merge rewrote entity subjects of the corpus graph piece by piece: the files are what a fresh write gives.
    scratch = rewritten_from_scratch(out, [str(newer)], tmp_path / "scratch", handmade_pipeline)
    assert quads == store_quads(scratch)
    for name in ("graph.ttl", "graph.trig", "graph.jsonld"):
        assert (out / name).read_bytes() == (scratch / name).read_bytes(), name


def test_a_run_that_fails_after_writing_the_store_is_undone_by_the_next(handmade_ingest, handmade_extractor,
                                                                        tmp_path):
    """The store holds the failed run's graph, the index the last complete run's; the next run (back to the
    earlier corpus) must not take the failed run's subjects for up to date."""
    from kgbuild.graph import build_graph
    from kgbuild.model import Paper, SourceRef
    from kgbuild.resolve import resolve
    from kgbuild.sinks.rdf_files import update_rdf_outputs

    # Names Low-Rank Adaptation without defining an acronym: its own entity, until LoRA's paper defines "LoRA".
    long_form = Paper(id="arxiv:2312.04410", title="", source=SourceRef("test", 1, "jsonl"),
                      abstract="Low-Rank Adaptation of a frozen Transformer trains small update matrices per layer.")

    def graph_of(papers):
        resolution = resolve(handmade_extractor.run(papers), known=())
        return build_graph(papers, resolution.extractions, resolution.entities)

    lora_paper, *others = handmade_ingest.papers
    small, large = graph_of([*others, long_form]), graph_of([lora_paper, *others, long_form])
    assert "method/low-rank-adaptation" in small.nodes and "method/low-rank-adaptation" not in large.nodes

    def write(graph, folder: Path):
        exports = {fmt: folder / f"graph.{fmt}" for fmt in ("ttl", "trig", "jsonld")}
        return update_rdf_outputs(graph, folder / "store", exports, folder / "rdf-index.json")

    out, scratch = tmp_path / "out", tmp_path / "scratch"
    out.mkdir()
    scratch.mkdir()
    write(small, out)
    (out / "graph.jsonld.tmp").mkdir()  # the JSON-LD file cannot be written: the run fails after the store
    with pytest.raises(IsADirectoryError):
        write(large, out)
    (out / "graph.jsonld.tmp").rmdir()
    again = write(small, out)
    # One of the seven papers' graphs was rewritten by the failed run (resolved with LoRA's paper, its method is
    # LoRA's IRI there): its digest had been taken out of the index first, so it is written back.
    assert (again.paper_graphs_written, again.paper_graphs_unchanged) == (1, 6)
    fresh = write(small, scratch)
    assert again.quads == fresh.quads == len(store_quads(out))
    assert store_quads(out) == store_quads(scratch)
    for fmt in ("ttl", "trig", "jsonld"):
        assert (out / f"graph.{fmt}").read_bytes() == (scratch / f"graph.{fmt}").read_bytes(), fmt
