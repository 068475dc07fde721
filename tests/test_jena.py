"""kgbuild's RDF in a second engine, Apache Jena 5.6.0 (tests/jena_engine.py): riot validates every export
format in strict mode, ARQ answers the saved queries (queries/*.rq) on the exported TriG as kgbuild's own SPARQL
answers them on its store, and Jena's SHACL gives pySHACL's verdict on ontology/shapes.ttl, result for result.
On builds of the hand-made corpus (tests/handmade.py); skipped, saying why, without Java 17 and Maven."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from conftest import ROOT, terminal_line
from handmade import DETR_PAPER, LORA_PAPER, MT_PAPER, NYSTROM_PAPER, QA_PAPER, VIT_PAPER
from jena_engine import Jena, JenaUnavailable, ShaclReport, Solutions, bound_query, parse_json_results
from test_rdf_store import break_on_purpose

from kgbuild.cli import main as kgbuild_main
from kgbuild.graph.vocab import DCTERMS, KG, SKOS
from kgbuild.sinks import STORE_DIR, GraphStore

SHAPES = ROOT / "ontology" / "shapes.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
QUERIES = ROOT / "queries"
KGR = "https://w3id.org/kgbuild/resource/"


@pytest.fixture(scope="session")
def jena(tmp_path_factory, request) -> Jena:
    """Jena's commands on a classpath Maven resolves once per session; its version printed once. Skipped, loudly,
    without java or mvn; a Maven failure is an error."""
    try:
        engine = Jena.start(tmp_path_factory.mktemp("jena"))
    except JenaUnavailable as reason:
        terminal_line(request.config, f"Apache Jena: NOT AVAILABLE, {reason}")
        pytest.skip(str(reason))
    terminal_line(request.config, f"Apache Jena: {engine.version()} (java {engine.java})")
    return engine


def kgbuild(*args: str) -> bytes:
    """`kgbuild ARGS` in this process (the CLI's own code path): what it printed on stdout."""
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", write_through=True)
    with redirect_stdout(text):
        code = kgbuild_main(list(args))
    text.flush()
    data = buffer.getvalue()
    text.detach()
    assert code == 0, f"kgbuild {' '.join(args)}: exit {code}"
    return data


def store_quads(folder: Path) -> set[ox.Quad]:
    store = GraphStore(folder / STORE_DIR, read_only=True)
    try:
        return set(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def exports(handmade_build, tmp_path_factory) -> dict[str, Path]:
    """Every RDF file of the hand-made build: the folder's own (written chunk by chunk by the build), the five
    formats of `kgbuild export`, and the folder's JSON-LD with the shipped context file referenced instead of
    embedded."""
    out, _ = handmade_build
    folder = tmp_path_factory.mktemp("jena-exports")
    files = {"folder ttl": out / "graph.ttl", "folder trig": out / "graph.trig", "folder jsonld": out / "graph.jsonld"}
    for fmt in ("ttl", "nt", "trig", "nq", "jsonld"):
        path = folder / f"export.{fmt}"
        kgbuild("export", str(out), "--format", fmt, "--out", str(path))
        files[f"export {fmt}"] = path
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    document["@context"] = CONTEXT.as_uri()
    files["jsonld, shipped context by reference"] = folder / "by-reference.jsonld"
    files["jsonld, shipped context by reference"].write_text(json.dumps(document, ensure_ascii=False),
                                                             encoding="utf-8")
    return files


# --- riot ---------------------------------------------------------------------------------------------------------

def test_riot_validates_every_export_format_strictly(jena, handmade_build, exports):
    _, summary = handmade_build
    check = jena.validate(exports.values())
    assert (check.returncode, check.errors, check.warnings, check.messages) == (0, 0, 0, []), check.output
    # Every file parsed whole: the build's triple count in each (Turtle and N-Triples merge the named graphs,
    # and no triple is in two of them).
    assert check.counts == {str(path): summary.triples for path in exports.values()}, check.output
    assert summary.triples == 2538


def test_riot_validation_fails_on_a_warning_and_on_an_error(jena, tmp_path):
    """The control of the test above: strict validation does catch a bad literal (a warning) and a bad IRI."""
    bad_literal = tmp_path / "bad-literal.ttl"
    bad_literal.write_text('<http://e.org/a> <http://e.org/p> "0.84x"^^<http://www.w3.org/2001/XMLSchema#double> .\n',
                           encoding="utf-8")
    bad_iri = tmp_path / "bad-iri.nt"
    bad_iri.write_text("<http://e.org/a> <http://e.org/p> <http://e.org/a b> .\n", encoding="utf-8")
    check = jena.validate([bad_literal, bad_iri])
    assert (check.returncode, check.errors, check.warnings) == (1, 1, 1), check.output
    assert [m.partition(" - ")[2] for m in check.messages] == [
        "[line: 1, col: 35] Lexical form '0.84x' not valid for datatype XSD double",
        "[line: 1, col: 51] Bad character in IRI (space): <http://e.org/a[space]...>"], check.output
    assert [m.partition(": ")[0] for m in check.messages] == [str(bad_literal), str(bad_iri)]


def test_riot_reads_the_quads_of_the_store_from_trig_and_json_ld(jena, handmade_build, exports):
    out, _ = handmade_build
    stored = store_quads(out)
    graphs = {q.graph_name.value for q in stored}
    assert len(graphs) == 10  # 7 papers, the entities, the shared statements, the extractors
    for name in ("folder trig", "folder jsonld", "jsonld, shipped context by reference"):
        read = jena.nquads(exports[name])
        assert (len(read - stored), len(stored - read)) == (0, 0), (
            f"{name}: Jena reads {sorted(map(str, read - stored))[:5]} not in the store and misses "
            f"{sorted(map(str, stored - read))[:5]}")


# --- ARQ and the saved queries --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def margins_folder(margins_graph, tmp_path_factory) -> Path:
    """A folder with the store of the margins graph (conftest.margins_graph: methods beating baselines) and its
    TriG written by `kgbuild export`: the hand-made corpus has no margin over a named baseline."""
    from kgbuild.graph import graph_quads

    folder = tmp_path_factory.mktemp("jena-margins")
    store = GraphStore(folder / STORE_DIR)
    store.replace_graphs(graph_quads(margins_graph))
    store.close()
    kgbuild("export", str(folder), "--format", "trig", "--out", str(folder / "graph.trig"))
    return folder


def cli_bindings(binds: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """`--bind NAME=VALUE` as `kgbuild sparql` reads it: `<iri>` an IRI, anything else a string literal."""
    return {name: ox.NamedNode(v[1:-1]) if v.startswith("<") and v.endswith(">") else ox.Literal(v)
            for name, v in binds.items()}


def paper(pid: str) -> str:
    return f"{KGR}paper/{pid}"


INJECTION = 'LoRA" } UNION { ?s ?p ?o } #'
# (query, folder, bound values, columns checked, the rows of those columns both engines must give, and the columns
# made by GROUP_CONCAT with their separator: SPARQL leaves the order of the concatenated values to the engine.)
CASES = {
    "assertion_provenance": ("assertion_provenance", "build", {"name": "Transformer"}, ("paper", "start"),
                             [(paper(DETR_PAPER), "41"), (paper(NYSTROM_PAPER), "22"), (paper(NYSTROM_PAPER), "286"),
                              (paper(LORA_PAPER), "29"), (paper(MT_PAPER), "45")], {}),
    "claims_about": ("claims_about", "build", {"name": "LoRA"}, ("claim",),
                     [(f"{KGR}claim/{LORA_PAPER}/abstract/100-243",), (f"{KGR}claim/{LORA_PAPER}/abstract/244-336",),
                      (f"{KGR}claim/{QA_PAPER}/abstract/110-195",), (f"{KGR}claim/{QA_PAPER}/abstract/196-254",),
                      (f"{KGR}claim/{VIT_PAPER}/abstract/154-225",)], {}),
    "datasets_for_task": ("datasets_for_task", "build", {"task": "image classification"},
                          ("task", "taskName", "datasetName", "papers"),
                          [("image classification", "image classification", "ImageNet", "1")], {}),
    "findings_about_method": ("findings_about_method", "build", {"method": "LoRA"}, ("paperId", "confidence"),
                              [(VIT_PAPER, "0.92"), (LORA_PAPER, "0.84"), (QA_PAPER, "0.84"), (QA_PAPER, "0.6")], {}),
    # The long form is an alias of LoRA: the same findings.
    "findings_about_method, by alias": ("findings_about_method", "build", {"method": "low-rank adaptation"},
                                        ("paperId", "confidence"), [(VIT_PAPER, "0.92"), (LORA_PAPER, "0.84"),
                                                                    (QA_PAPER, "0.84"), (QA_PAPER, "0.6")], {}),
    # A value is a value, in both engines: quotes and braces in it do not change the query.
    "findings_about_method, quotes in the value": ("findings_about_method", "build", {"method": INJECTION},
                                                   ("paperId",), [], {}),
    "methods_beating_baseline": ("methods_beating_baseline", "margins", {"baseline": "LoRA", "dataset": "GLUE"},
                                 ("methodName", "baselineName", "datasetName", "metricName", "margin", "number",
                                  "unit", "paperId"),
                                 [("ScaLoRA", "LoRA", "GLUE", "accuracy", "1.7 points", "1.7", "points", "margins:1"),
                                  ("RoBERTa", "LoRA", "GLUE", "accuracy", "0.9 points", "0.9", "points", "margins:2")],
                                 {}),
    "methods_by_papers": ("methods_by_papers", "build", {}, ("name", "papers", "proposing"),
                          [("Transformer", "4", "0"), ("LoRA", "3", "1"), ("RoBERTa", "3", "0"), ("DETR", "1", "1"),
                           ("Faster R-CNN", "1", "0"), ("Nyströmformer", "1", "1"), ("ScaLoRA", "1", "1"),
                           ("ViT", "1", "0"), ("adapter tuning", "1", "0"), ("knowledge distillation", "1", "0"),
                           ("structured pruning", "1", "0")], {}),
    "metrics_per_dataset": ("metrics_per_dataset", "build", {}, ("datasetName", "metricName", "papers", "values"),
                            [("COCO", "mAP", "1", "42.0"), ("GLUE", "accuracy", "2", "80.4% | 82.1%"),
                             ("ImageNet", "top-1 accuracy", "1", "85.2%"),
                             ("Long Range Arena", "accuracy", "1", "58.9%"), ("SQuAD", "F1 score", "1", "90.8 | 91.3"),
                             ("WMT14 English\u2013German", "BLEU", "1", "27.9")],
                            {"values": " | "}),
}


def test_every_saved_query_is_run_by_jena():
    assert {query for query, *_ in CASES.values()} == {p.stem for p in QUERIES.glob("*.rq")}


def concat_sorted(solutions: Solutions, concatenated: dict[str, str]) -> Solutions:
    """The GROUP_CONCAT columns with their parts sorted (the engines concatenate in an order of their own)."""
    columns = {solutions.variables.index(v): sep for v, sep in concatenated.items()}
    rows = [tuple(t if i not in columns or t is None else t._replace(value=columns[i].join(sorted(
        t.value.split(columns[i])))) for i, t in enumerate(row)) for row in solutions.rows]
    return Solutions(solutions.variables, rows)


@pytest.mark.parametrize("case", CASES)
def test_arq_answers_a_saved_query_as_kgbuild_sparql_does(jena, handmade_build, margins_folder, case):
    name, where, binds, columns, expected, concatenated = CASES[case]
    folder = handmade_build[0] if where == "build" else margins_folder
    query = QUERIES / f"{name}.rq"
    # kgbuild's own answer: `kgbuild sparql` on the folder's store, with its --bind values, as JSON results.
    args = [arg for n, v in binds.items() for arg in ("--bind", f"{n}={v}")]
    ours = parse_json_results(kgbuild("sparql", str(query), "--store", str(folder), *args, "--results", "json"))
    # Jena's: ARQ on the exported TriG, the same values bound, the union of the named graphs as default graph.
    theirs = jena.select(folder / "graph.trig", query.read_text(encoding="utf-8"), cli_bindings(binds))
    assert theirs.variables == ours.variables
    # Same rows, in the same order (every query orders its rows in full), the same terms: IRIs, lexical forms,
    # datatypes (counts are xsd:integer in both, confidences xsd:double as written).
    assert concat_sorted(theirs, concatenated).rows == concat_sorted(ours, concatenated).rows
    at = [ours.variables.index(c) for c in columns]
    assert [tuple(row[i] for i in at) for row in concat_sorted(ours, concatenated).values()] == expected


def test_bound_values_are_escaped_terms_in_a_values_block():
    text = bound_query("PREFIX ex: <http://e.org/#{x}>\n# { not here\nSELECT ?n WHERE { ?s ex:p ?n }",
                       {"n": ox.Literal(INJECTION + '\n\\'), "s": ox.NamedNode("http://e.org/a")})
    assert text == ("PREFIX ex: <http://e.org/#{x}>\n# { not here\nSELECT ?n FROM <urn:x-arq:UnionGraph>\n"
                    'WHERE { VALUES (?n ?s) { ("LoRA\\" } UNION { ?s ?p ?o } #\\n\\\\" <http://e.org/a>) }\n'
                    " ?s ex:p ?n }")


# --- SHACL ----------------------------------------------------------------------------------------------------

def pyshacl_report(graph: rdflib.Graph) -> ShaclReport:
    _, report, _ = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES), inference="none")
    return ShaclReport.from_graph(report)


def test_jena_shacl_and_pyshacl_find_the_built_graph_conforms(jena, handmade_build):
    out, _ = handmade_build
    ours = pyshacl_report(rdflib.Graph().parse(out / "graph.ttl", format="turtle"))
    assert jena.shacl(SHAPES, out / "graph.ttl") == ours == ShaclReport(True, frozenset())


def test_jena_shacl_and_pyshacl_report_the_same_violations(jena, handmade_build, tmp_path):
    out, _ = handmade_build
    broken = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    # As tests/test_rdf_store.py breaks it, and a result of a third kind, and a claim no paper states.
    paper_node, assertion, entity, claim = break_on_purpose(broken)
    result = min(broken.subjects(KG.resultKind, None))
    broken.set((result, KG.resultKind, rdflib.Literal("sideways")))
    orphan = max(broken.subjects(rdflib.RDF.type, KG.Contribution))
    broken.remove((None, KG.statesClaim, orphan))
    data = tmp_path / "broken.ttl"
    broken.serialize(data, format="turtle")

    theirs, ours = jena.shacl(SHAPES, data), pyshacl_report(broken)
    sh = "http://www.w3.org/ns/shacl#"
    assert ours == ShaclReport(False, frozenset({
        (str(paper_node), str(DCTERMS.abstract), f"{sh}MinCountConstraintComponent"),
        (str(assertion), str(KG.confidence), f"{sh}MaxInclusiveConstraintComponent"),
        (str(entity), str(SKOS.prefLabel), f"{sh}MaxCountConstraintComponent"),
        (str(entity), str(rdflib.RDFS.label), f"{sh}EqualsConstraintComponent"),
        (str(claim), "None", f"{sh}XoneConstraintComponent"),  # a node-level constraint: no path
        (str(result), str(KG.resultKind), f"{sh}InConstraintComponent"),
        (str(orphan), f"^{KG.statesClaim}", f"{sh}MinCountConstraintComponent"),
    }))
    # Jena: the same verdict, and each violation on the same focus node and path, by the same constraint.
    assert theirs.conforms is False
    assert theirs.focus_paths() == ours.focus_paths()
    assert theirs == ours
