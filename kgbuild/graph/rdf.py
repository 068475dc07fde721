"""The knowledge graph as RDF, in our ontology and the vocabularies it reuses.

Each edge becomes a direct triple (paper kg:usesMethod method) that queries
use, plus a `kg:Assertion` (an `rdf:Statement`) that carries its provenance:
the paper it was read from, field, character span, confidence and the
extractor that produced it. IRIs are derived from content, never from
counters or run times, so the same input always gives the same graph.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from kgbuild.graph.model import EdgeKind, KnowledgeGraph, Node, NodeKind
from kgbuild.graph.vocab import DCTERMS, FABIO, KG, KGR, MLS, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

NODE_CLASSES: dict[NodeKind, tuple[URIRef, ...]] = {
    NodeKind.PAPER: (FABIO.ResearchPaper, SCHEMA.ScholarlyArticle),
    NodeKind.METHOD: (KG.Method, MLS.Algorithm),
    NodeKind.DATASET: (KG.Dataset, MLS.Dataset),
    NodeKind.METRIC: (KG.Metric, MLS.EvaluationMeasure),
    NodeKind.TASK: (KG.Task, MLS.Task),
    NodeKind.CLAIM: (SCHEMA.Claim,),
    NodeKind.RESULT: (KG.Result, MLS.ModelEvaluation),
}
EDGE_PREDICATES: dict[EdgeKind, URIRef] = {
    EdgeKind.PROPOSES: KG.proposes,
    EdgeKind.USES: KG.usesMethod,
    EdgeKind.EVALUATES_ON: KG.evaluatesOn,
    EdgeKind.ADDRESSES: KG.addressesTask,
    EdgeKind.MEASURES: KG.measures,
    EdgeKind.CLAIMS: KG.statesClaim,
    EdgeKind.ABOUT: SCHEMA.about,
    EdgeKind.REPORTS: KG.reportsResult,
    EdgeKind.OF_METHOD: KG.ofMethod,
    EdgeKind.ON_DATASET: KG.onDataset,
    EdgeKind.FOR_METRIC: MLS.specifiedBy,
}
DATE_TYPES = {"year-month-day": XSD.date, "year-month": XSD.gYearMonth, "year": XSD.gYear,
              "month-day": XSD.gMonthDay, "month": XSD.gMonth}


def node_iri(node_id: str) -> URIRef:
    """Readable, percent-safe IRI for a node id such as "method/low-rank adaptation"."""
    return KGR[quote(node_id, safe="/:-._~")]


def _add_node(g: Graph, node: Node) -> URIRef:
    iri = node_iri(node.id)
    for cls in NODE_CLASSES[node.kind]:
        g.add((iri, RDF.type, cls))
    p = node.properties
    if node.kind is NodeKind.PAPER:
        g.add((iri, DCTERMS.identifier, Literal(p["paper_id"])))
        if p["title"]:
            g.add((iri, DCTERMS.title, Literal(p["title"])))
        g.add((iri, DCTERMS.abstract, Literal(p["abstract"])))
        g.add((iri, KG.sourceRecord, Literal(p["source"])))
        if "date" in p:
            precision = str(p["date_precision"])
            # "Mar 16" with no year is not a publication date (xsd:gMonthDay recurs every year): only a
            # date with its year is dcterms:issued; a yearless one is kept apart as what the listing said.
            date_property = DCTERMS.issued if precision.startswith("year") else KG.partialDate
            g.add((iri, date_property, Literal(p["date"], datatype=DATE_TYPES[precision])))
            g.add((iri, KG.datePrecision, Literal(precision)))
        for name in str(p.get("authors", "")).split("; "):
            if name:
                g.add((iri, SCHEMA.author, Literal(name)))
        for key, pred in (("author_count", KG.authorCount), ("upvotes", KG.upvotes), ("arxiv_id", KG.arxivId)):
            if key in p:
                g.add((iri, pred, Literal(p[key])))
        if "url" in p:
            g.add((iri, SCHEMA.url, Literal(p["url"], datatype=XSD.anyURI)))
    elif node.kind is NodeKind.CLAIM:
        g.add((iri, RDF.type, KG.Contribution if p["claim_type"] == "contribution" else KG.Finding))
        g.add((iri, SCHEMA.text, Literal(p["text"])))
        g.add((iri, KG.confidence, Literal(p["confidence"])))
    elif node.kind is NodeKind.RESULT:
        g.add((iri, MLS.hasValue, Literal(p["value"])))
        g.add((iri, KG.confidence, Literal(p["confidence"])))
    else:
        g.add((iri, SKOS.prefLabel, Literal(p["name"])))
        g.add((iri, RDFS.label, Literal(p["name"])))
        for alias in str(p.get("aliases", "")).split(" | "):
            if alias:
                g.add((iri, SKOS.altLabel, Literal(alias)))
        g.add((iri, KG.support, Literal(p["papers"])))
    return iri


def to_rdf(graph: KnowledgeGraph) -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("kg", KG._NS), ("kgr", KGR), ("fabio", FABIO), ("mls", MLS), ("schema", SCHEMA),
                       ("dcterms", DCTERMS), ("prov", PROV), ("skos", SKOS), ("xsd", XSD), ("rdf", RDF),
                       ("rdfs", RDFS)):
        g.bind(prefix, ns)
    for node in graph.nodes.values():
        _add_node(g, node)
    for edge in graph.edges.values():
        s, p, o = node_iri(edge.source), EDGE_PREDICATES[edge.kind], node_iri(edge.target)
        g.add((s, p, o))
        prov = edge.provenance
        extractor = node_iri(f"extractor/{prov.extractor}/{prov.extractor_version}")
        # The extractor is part of the assertion's identity: two versions asserting one triple are two assertions.
        digest = hashlib.sha256(f"{s}|{p}|{o}|{extractor}".encode()).hexdigest()[:20]
        a = KGR[f"assertion/{digest}"]
        g.add((a, RDF.type, KG.Assertion))
        g.add((a, RDF.subject, s))
        g.add((a, RDF.predicate, p))
        g.add((a, RDF.object, o))
        g.add((a, PROV.wasDerivedFrom, node_iri(f"paper/{prov.paper_id}")))
        g.add((a, PROV.wasAttributedTo, extractor))
        g.add((a, KG.field, Literal(prov.field)))
        g.add((a, KG.startOffset, Literal(prov.start)))
        g.add((a, KG.endOffset, Literal(prov.end)))
        g.add((a, KG.confidence, Literal(prov.confidence)))
        g.add((a, KG.mentionCount, Literal(prov.mentions)))
        g.add((extractor, RDF.type, KG.Extractor))
        g.add((extractor, RDFS.label, Literal(f"{prov.extractor} {prov.extractor_version}")))
    return g
