"""RDF vocabularies: our own terms (ontology/kgbuild.ttl) and the published ones we reuse."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace, URIRef

FABIO = Namespace("http://purl.org/spar/fabio/")
MLS = Namespace("http://www.w3.org/ns/mls#")
SCHEMA = Namespace("https://schema.org/")
# Instances (papers, entities, claims, results, assertions) live under this base.
KGR = Namespace("https://w3id.org/kgbuild/resource/")


class KG(DefinedNamespace):
    """Terms defined in ontology/kgbuild.ttl; referencing an undefined one raises AttributeError."""

    _NS = Namespace("https://w3id.org/kgbuild/ontology#")
    _fail = True

    # classes
    Method: URIRef
    Dataset: URIRef
    Metric: URIRef
    Task: URIRef
    Contribution: URIRef
    Finding: URIRef
    Result: URIRef
    Assertion: URIRef
    Extractor: URIRef
    Extraction: URIRef
    SharedStatement: URIRef
    # paper -> entity / claim / result
    proposes: URIRef
    usesMethod: URIRef
    evaluatesOn: URIRef
    addressesTask: URIRef
    measures: URIRef
    statesClaim: URIRef
    reportsResult: URIRef
    # result -> entity
    ofMethod: URIRef
    onDataset: URIRef
    comparedTo: URIRef
    # result values
    resultKind: URIRef
    numericValue: URIRef
    unit: URIRef
    # provenance and scores
    confidence: URIRef
    support: URIRef
    mentionCount: URIRef
    field: URIRef
    startOffset: URIRef
    endOffset: URIRef
    sharedStatement: URIRef
    predicate: URIRef
    object: URIRef
    # paper metadata
    arxivId: URIRef
    authorCount: URIRef
    upvotes: URIRef
    datePrecision: URIRef
    partialDate: URIRef
    sourceRecord: URIRef


__all__ = ["DCTERMS", "FABIO", "KG", "KGR", "MLS", "OWL", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "XSD"]
