"""The OWL ontology (ontology/kgbuild.ttl) against vocab.KG and against the RDF the real stages write (on the
hand-made corpus and pipeline, tests/handmade.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL

from kgbuild.graph.vocab import FABIO, KG, MLS, RDF, RDFS, SCHEMA

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "kgbuild.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/kgbuild/ontology")
KG_NS = str(KG._NS)
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
# Not `XSD.string`: a DefinedNamespace at module level warns when pytest probes it for attributes.
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")

ENTITY_CLASSES = {KG.Method: MLS.Algorithm, KG.Dataset: MLS.Dataset, KG.Metric: MLS.EvaluationMeasure,
                  KG.Task: MLS.Task, KG.Result: MLS.ModelEvaluation}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY, format="turtle")
    return g


@pytest.fixture(scope="module")
def output(handmade_graph) -> Graph:
    """The RDF of the hand-made corpus (tests/handmade.py): every kind of node and edge, authors, upvotes, dates of
    every precision."""
    from kgbuild.graph import to_rdf

    return to_rdf(handmade_graph)


def kg_terms() -> list[URIRef]:
    return [KG[name] for name in KG.__annotations__]


def in_kg(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(KG_NS)


def class_members(ontology: Graph, cls: URIRef | BNode) -> set[URIRef]:
    """The named classes (or datatypes) a domain/range stands for: itself, or the members of its owl:unionOf."""
    union = ontology.value(cls, OWL.unionOf)
    if union is None:
        assert isinstance(cls, URIRef), f"anonymous class without owl:unionOf: {cls}"
        return {cls}
    return {m for m in Collection(ontology, union) if isinstance(m, URIRef)}


def superclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    return {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}


def types_of(output: Graph, ontology: Graph, node: URIRef) -> set[URIRef]:
    """Asserted types of a node in the output, closed under the ontology's rdfs:subClassOf."""
    asserted = {t for t in output.objects(node, RDF.type) if isinstance(t, URIRef)}
    return set().union(*(superclasses(ontology, t) for t in asserted)) if asserted else set()


# --- (a) the file ----------------------------------------------------------------------------------------------------


def test_ontology_parses_and_has_header(ontology: Graph) -> None:
    assert set(ontology.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY_IRI}
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)) == "0.1.0"
    for prop in (URIRef("http://purl.org/dc/terms/title"), URIRef("http://purl.org/dc/terms/description"),
                 RDFS.comment):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    assert list(ontology.objects(None, OWL.imports)) == []


# --- (b) every KG term is declared, and nothing else in kg: ----------------------------------------------------------


def test_every_kg_term_is_declared_with_type_label_and_comment(ontology: Graph) -> None:
    assert kg_terms()
    for term in kg_terms():
        declared = set(ontology.objects(term, RDF.type)) & DECLARATION_TYPES
        name = str(term).removeprefix(KG_NS)
        if name[0].isupper():
            assert declared == {OWL.Class}, f"{name}: {declared}"
        else:
            assert declared in ({OWL.ObjectProperty}, {OWL.DatatypeProperty}), f"{name}: {declared}"
        labels = list(ontology.objects(term, RDFS.label))
        comments = list(ontology.objects(term, RDFS.comment))
        assert len(labels) == 1 and str(labels[0]).strip(), f"{name}: labels {labels}"
        assert len(comments) == 1 and len(str(comments[0]).strip()) > 20, f"{name}: comments {comments}"


def test_ontology_declares_no_kg_term_missing_from_vocab(ontology: Graph) -> None:
    declared = {s for s in ontology.subjects(RDF.type, None) if in_kg(s)}
    mentioned = {t for triple in ontology for t in triple if in_kg(t)}
    assert declared == set(kg_terms())
    assert mentioned == set(kg_terms())


def test_alignment_to_reused_vocabularies(ontology: Graph) -> None:
    expected = {**ENTITY_CLASSES, KG.Contribution: SCHEMA.Claim, KG.Finding: SCHEMA.Claim, KG.Assertion: RDF.Statement,
                KG.Extractor: URIRef("http://www.w3.org/ns/prov#SoftwareAgent")}
    for cls, parent in expected.items():
        assert (cls, RDFS.subClassOf, parent) in ontology, f"{cls} is not a subclass of {parent}"
    for prop in (KG.proposes, KG.usesMethod, KG.evaluatesOn, KG.addressesTask, KG.measures, KG.statesClaim,
                 KG.reportsResult):
        assert ontology.value(prop, RDFS.domain) == FABIO.ResearchPaper, prop
    # Proposing a method is not using it: neither is a sub-property of the other.
    assert (KG.proposes, RDFS.subPropertyOf, None) not in ontology
    assert (KG.usesMethod, RDFS.subPropertyOf, None) not in ontology


# --- (c) the RDF the real stages write uses only declared terms, consistently ----------------------------------------


def test_output_uses_only_declared_kg_terms(ontology: Graph, output: Graph) -> None:
    predicates = {p for p in output.predicates() if in_kg(p)}
    classes = {o for o in output.objects(None, RDF.type) if in_kg(o)}
    # The input is rich enough to exercise the core of the ontology; otherwise the check below proves little.
    assert predicates >= {KG.proposes, KG.usesMethod, KG.evaluatesOn, KG.addressesTask, KG.measures, KG.statesClaim,
                          KG.reportsResult, KG.ofMethod, KG.onDataset, KG.confidence, KG.support, KG.mentionCount,
                          KG.sharedStatement, KG.predicate, KG.object,
                          KG.field, KG.startOffset, KG.endOffset, KG.authorCount, KG.upvotes, KG.datePrecision,
                          KG.sourceRecord}
    assert classes == {KG.Method, KG.Dataset, KG.Metric, KG.Task, KG.Contribution, KG.Finding, KG.Result,
                       KG.Assertion, KG.Extractor, KG.Extraction, KG.SharedStatement}
    undeclared_predicates = {p for p in predicates
                             if not set(ontology.objects(p, RDF.type)) & {OWL.ObjectProperty, OWL.DatatypeProperty}}
    undeclared_classes = {c for c in classes if (c, RDF.type, OWL.Class) not in ontology}
    assert undeclared_predicates == set()
    assert undeclared_classes == set()


def test_entity_nodes_carry_ml_schema_classes(ontology: Graph, output: Graph) -> None:
    for kg_class, mls_class in ENTITY_CLASSES.items():
        kg_nodes = set(output.subjects(RDF.type, kg_class))
        assert kg_nodes, f"no {kg_class} in the output"
        assert set(output.subjects(RDF.type, mls_class)) == kg_nodes, kg_class
        assert (kg_class, RDFS.subClassOf, mls_class) in ontology
    claims = set(output.subjects(RDF.type, SCHEMA.Claim))
    contributions = set(output.subjects(RDF.type, KG.Contribution))
    findings = set(output.subjects(RDF.type, KG.Finding))
    assert contributions and findings
    assert contributions | findings == claims
    assert contributions & findings == set()


def test_output_respects_property_kinds_domains_and_ranges(ontology: Graph, output: Graph) -> None:
    problems = []
    for s, p, o in output:
        if not in_kg(p):
            continue
        kinds = set(ontology.objects(p, RDF.type))
        if isinstance(o, Literal):
            if OWL.DatatypeProperty not in kinds:
                problems.append(f"{p} has literal {o!r} but is not a datatype property")
            rng = ontology.value(p, RDFS.range)
            if rng is not None and (o.datatype or XSD_STRING) not in class_members(ontology, rng):
                problems.append(f"{p} range {rng} but {o!r}")
        else:
            if OWL.ObjectProperty not in kinds:
                problems.append(f"{p} has resource {o} but is not an object property")
            rng = ontology.value(p, RDFS.range)
            if rng is not None and not types_of(output, ontology, o) & class_members(ontology, rng):
                problems.append(f"{p} range {rng} but {o} has types {types_of(output, ontology, o)}")
        dom = ontology.value(p, RDFS.domain)
        if dom is not None and not types_of(output, ontology, s) & class_members(ontology, dom):
            problems.append(f"{p} domain {dom} but {s} has types {types_of(output, ontology, s)}")
    assert problems == []
