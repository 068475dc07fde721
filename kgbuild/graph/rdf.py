"""The knowledge graph as RDF quads, in our ontology and the vocabularies it reuses.

Each edge becomes a direct triple (paper kg:usesMethod method) that queries use, plus a `kg:Assertion` (an
`rdf:Statement` reifying it) that carries its provenance: the paper it was read from, field, character span,
confidence, the extractor, the extraction activity (`prov:wasGeneratedBy`), and the `kg:SharedStatement` it makes
("uses LoRA"), whose `kg:support` counts the papers making it. Reification, as CS-KG does, because it is plain
RDF 1.1: every triplestore, SHACL engine and serialisation carries it unchanged, which RDF-star does not yet.

Quads are grouped in named graphs by what replaces them: one graph per paper (its metadata, claims, results,
edges and their assertions: a function of that paper alone), and three recomputed from the whole corpus on each
run: the canonical entities, the shared statements with their support, and the extractors. A re-extracted paper
is replaced by dropping and rewriting its graph; a new paper leaves every other paper's graph as it was.

IRIs are derived from content, never from counters or run times, so the same input gives the same graph.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kgbuild.graph.model import Edge, EdgeKind, KnowledgeGraph, Node, NodeKind, Provenance
from kgbuild.graph.property import list_property
from kgbuild.graph.vocab import DCTERMS, FABIO, KG, KGR, MLS, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

NODE_CLASSES: dict[NodeKind, tuple[str, ...]] = {
    NodeKind.PAPER: (FABIO.ResearchPaper, SCHEMA.ScholarlyArticle),
    NodeKind.METHOD: (KG.Method, MLS.Algorithm),
    NodeKind.DATASET: (KG.Dataset, MLS.Dataset),
    NodeKind.METRIC: (KG.Metric, MLS.EvaluationMeasure),
    NodeKind.TASK: (KG.Task, MLS.Task),
    NodeKind.CLAIM: (SCHEMA.Claim,),
    NodeKind.RESULT: (KG.Result, MLS.ModelEvaluation),
}
EDGE_PREDICATES: dict[EdgeKind, str] = {
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
    EdgeKind.COMPARED_TO: KG.comparedTo,
}
DATE_TYPES = {"year-month-day": XSD.date, "year-month": XSD.gYearMonth, "year": XSD.gYear,
              "month-day": XSD.gMonthDay, "month": XSD.gMonth}
PREFIXES = {"kg": str(KG._NS), "kgr": str(KGR), "fabio": str(FABIO), "mls": str(MLS), "schema": str(SCHEMA),
            "dcterms": str(DCTERMS), "prov": str(PROV), "skos": str(SKOS), "owl": str(OWL), "xsd": str(XSD),
            "rdf": str(RDF), "rdfs": str(RDFS)}
ENTITIES_GRAPH = f"{KGR}graph/entities"
STATEMENTS_GRAPH = f"{KGR}graph/statements"
EXTRACTORS_GRAPH = f"{KGR}graph/extractors"
CORPUS_GRAPHS = (ENTITIES_GRAPH, STATEMENTS_GRAPH, EXTRACTORS_GRAPH)
PAPER_KINDS = (NodeKind.PAPER, NodeKind.CLAIM, NodeKind.RESULT)
# Changes whenever the quads made from the same nodes and edges change, so that stored paper graphs are rewritten.
GRAPH_LAYOUT = "kgbuild-rdf-3"


@lru_cache(maxsize=1 << 16)  # entity IRIs recur in every paper that mentions them
def node_iri(node_id: str) -> str:
    """Readable, percent-safe IRI for a node id such as "method/low-rank-adaptation" or "paper/arxiv:2106.09685"."""
    return f"{KGR}{quote(node_id, safe='/:-._~%')}"


def paper_graph_iri(paper_id: str) -> str:
    """The named graph holding everything read from one paper."""
    return node_iri(f"graph/paper/{paper_id}")


def double_lexical(value: float) -> str:
    """An xsd:double as the store writes it back (3.0 -> "3", 1e-05 -> "0.00001"), so that a file written from
    the graph and one written from the store are the same bytes."""
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


class _Terms:
    """pyoxigraph terms, cached: a million-triple graph reuses a few dozen predicates and classes."""

    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = ox.NamedNode(str(value))
        return node

    def lit(self, value: str | int | float | bool, datatype: str | None = None) -> ox.Literal:
        if datatype is not None:
            return ox.Literal(str(value), datatype=self.iri(datatype))
        if isinstance(value, bool):
            return ox.Literal("true" if value else "false", datatype=self.iri(XSD.boolean))
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=self.iri(XSD.integer))
        if isinstance(value, float):
            return ox.Literal(double_lexical(value), datatype=self.iri(XSD.double))
        return ox.Literal(value)


def _node_triples(t: _Terms, node: Node) -> Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    s = t.iri(node_iri(node.id))
    rdf_type, p = t.iri(RDF.type), node.properties
    for cls in NODE_CLASSES[node.kind]:
        yield s, rdf_type, t.iri(cls)
    if node.kind is NodeKind.PAPER:
        yield s, t.iri(DCTERMS.identifier), t.lit(p["paper_id"])
        if p["title"]:
            yield s, t.iri(DCTERMS.title), t.lit(p["title"])
        yield s, t.iri(DCTERMS.abstract), t.lit(p["abstract"])
        yield s, t.iri(KG.sourceRecord), t.lit(p["source"])
        if "date" in p:
            precision = str(p["date_precision"])
            # "Mar 16" with no year is not a publication date (xsd:gMonthDay recurs every year): only a
            # date with its year is dcterms:issued; a yearless one is kept apart as what the listing said.
            date_property = DCTERMS.issued if precision.startswith("year") else KG.partialDate
            yield s, t.iri(date_property), t.lit(p["date"], DATE_TYPES[precision])
            yield s, t.iri(KG.datePrecision), t.lit(precision)
        for name in list_property(node, "authors"):
            yield s, t.iri(SCHEMA.author), t.lit(name)
        for key, pred in (("author_count", KG.authorCount), ("upvotes", KG.upvotes), ("arxiv_id", KG.arxivId)):
            if key in p:
                yield s, t.iri(pred), t.lit(p[key])
        if "url" in p:
            yield s, t.iri(SCHEMA.url), t.lit(p["url"], XSD.anyURI)
    elif node.kind is NodeKind.CLAIM:
        yield s, rdf_type, t.iri(KG.Contribution if p["claim_type"] == "contribution" else KG.Finding)
        yield s, t.iri(SCHEMA.text), t.lit(p["text"])
        yield s, t.iri(KG.confidence), t.lit(float(p["confidence"]))
    elif node.kind is NodeKind.RESULT:
        yield s, t.iri(MLS.hasValue), t.lit(p["value"])
        yield s, t.iri(KG.resultKind), t.lit(p["result_kind"])
        if "number" in p:
            yield s, t.iri(KG.numericValue), t.lit(float(p["number"]))
        if "unit" in p:
            yield s, t.iri(KG.unit), t.lit(p["unit"])
        yield s, t.iri(KG.confidence), t.lit(float(p["confidence"]))
    else:
        yield s, t.iri(SKOS.prefLabel), t.lit(p["name"])
        yield s, t.iri(RDFS.label), t.lit(p["name"])
        for alias in list_property(node, "aliases"):
            yield s, t.iri(SKOS.altLabel), t.lit(alias)
        yield s, t.iri(KG.support), t.lit(int(p["papers"]))
        for iri in list_property(node, "same_as"):
            yield s, t.iri(OWL.sameAs), t.iri(iri)
        for old in list_property(node, "replaces"):
            # A key merged into this entity by a later run: its IRI stays valid and says where it went.
            yield t.iri(node_iri(old)), t.iri(DCTERMS.isReplacedBy), s
            yield t.iri(node_iri(old)), t.iri(OWL.sameAs), s


class _PaperIndex:
    """The nodes and edges of each paper's named graph, found in one pass over the graph."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.nodes: dict[str, list[Node]] = defaultdict(list)
        self.edges: dict[str, list[Edge]] = defaultdict(list)
        self.entities: list[Node] = []
        for node in graph.nodes.values():
            if node.kind in PAPER_KINDS:
                self.nodes[str(node.properties["paper_id"])].append(node)
            else:
                self.entities.append(node)
        for edge in graph.edges.values():
            self.edges[edge.provenance.paper_id].append(edge)


def statement_iri(kind: EdgeKind, target: str) -> str:
    """What many papers can state alike, e.g. "uses LoRA": the same predicate and object, the same IRI."""
    digest = hashlib.sha256(f"{EDGE_PREDICATES[kind]}|{node_iri(target)}".encode()).hexdigest()[:20]
    return f"{KGR}statement/{digest}"


def _agent_iri(prov: Provenance) -> str:
    return node_iri(f"extractor/{prov.extractor}/{prov.extractor_version}")


def _paper_quads(t: _Terms, graph: KnowledgeGraph, paper_id: str, nodes: list[Node], edges: list[Edge]
                 ) -> Iterator[ox.Quad]:
    g = t.iri(paper_graph_iri(paper_id))
    for node in nodes:
        for s, p, o in _node_triples(t, node):
            yield ox.Quad(s, p, o, g)
    rdf_type, paper = t.iri(RDF.type), node_iri(f"paper/{paper_id}")
    activities: dict[str, str] = {}  # extractor -> this paper's extraction activity, hashed once
    for edge in edges:
        prov = edge.provenance
        s, p, o = t.iri(node_iri(edge.source)), t.iri(EDGE_PREDICATES[edge.kind]), t.iri(node_iri(edge.target))
        yield ox.Quad(s, p, o, g)
        agent = _agent_iri(prov)
        # The extractor is part of the assertion's identity: two versions asserting one triple are two assertions.
        digest = hashlib.sha256(f"{s.value}|{p.value}|{o.value}|{agent}".encode()).hexdigest()[:20]
        a = t.iri(f"{KGR}assertion/{digest}")
        new_activity = agent not in activities
        if new_activity:
            activities[agent] = f"{KGR}extraction/{_activity_id(graph, paper_id, agent)}"
        activity = activities[agent]
        for pred, obj in (
            (rdf_type, t.iri(KG.Assertion)),
            (t.iri(RDF.subject), s), (t.iri(RDF.predicate), p), (t.iri(RDF.object), o),
            (t.iri(PROV.wasDerivedFrom), t.iri(paper)),
            (t.iri(PROV.wasAttributedTo), t.iri(agent)),
            (t.iri(PROV.wasGeneratedBy), t.iri(activity)),
            (t.iri(KG.field), t.lit(prov.field)),
            (t.iri(KG.startOffset), t.lit(prov.start)),
            (t.iri(KG.endOffset), t.lit(prov.end)),
            (t.iri(KG.confidence), t.lit(float(prov.confidence))),
            (t.iri(KG.mentionCount), t.lit(prov.mentions)),
            (t.iri(KG.sharedStatement), t.iri(statement_iri(edge.kind, edge.target))),
        ):
            yield ox.Quad(a, pred, obj, g)
        if new_activity:
            act = t.iri(activity)
            yield ox.Quad(act, rdf_type, t.iri(KG.Extraction), g)
            yield ox.Quad(act, t.iri(PROV.used), t.iri(paper), g)
            yield ox.Quad(act, t.iri(PROV.wasAssociatedWith), t.iri(agent), g)


class _CorpusUnit:
    """What some quads of a corpus-wide graph are made from (an entity, a shared statement, an extractor), with
    the subjects those quads have: an entity's node also writes the replaced IRIs it absorbed."""

    __slots__ = ("graph", "key", "make", "subjects")

    def __init__(self, graph: str, subjects: tuple[str, ...], key: str,
                 make: Callable[[_Terms], Iterator[ox.Quad]]) -> None:
        self.graph, self.subjects, self.key, self.make = graph, subjects, key, make


def _entity_nodes(graph: KnowledgeGraph) -> list[Node]:
    return [node for node in graph.nodes.values() if node.kind not in PAPER_KINDS]


def _corpus_units(graph: KnowledgeGraph, entities: list[Node],
                  support: Mapping[tuple[EdgeKind, str], int] | None = None) -> Iterator[_CorpusUnit]:
    """The graphs every run recomputes from the whole corpus: entities, shared statements, extractors."""
    for node in entities:
        subjects = (node_iri(node.id), *(node_iri(old) for old in list_property(node, "replaces")))

        def entity(t: _Terms, node: Node = node) -> Iterator[ox.Quad]:
            g = t.iri(ENTITIES_GRAPH)
            for s, p, o in _node_triples(t, node):
                yield ox.Quad(s, p, o, g)

        yield _CorpusUnit(ENTITIES_GRAPH, subjects,
                          repr((node.id, node.kind.value, node.label, sorted(node.properties.items()))), entity)
    # Support is a count over the whole corpus: kept here, not in the paper graphs, so that a new paper about
    # LoRA changes one statement's count instead of the graph of every paper that uses LoRA.
    for (kind, target), count in sorted((graph.support() if support is None else support).items()):
        iri = statement_iri(kind, target)

        def statement(t: _Terms, iri: str = iri, kind: EdgeKind = kind, target: str = target, count: int = count
                      ) -> Iterator[ox.Quad]:
            g, st = t.iri(STATEMENTS_GRAPH), t.iri(iri)
            yield ox.Quad(st, t.iri(RDF.type), t.iri(KG.SharedStatement), g)
            yield ox.Quad(st, t.iri(KG.predicate), t.iri(EDGE_PREDICATES[kind]), g)
            yield ox.Quad(st, t.iri(KG.object), t.iri(node_iri(target)), g)
            yield ox.Quad(st, t.iri(KG.support), t.lit(count), g)

        yield _CorpusUnit(STATEMENTS_GRAPH, (iri,), repr((kind.value, target, count)), statement)
    agents = sorted({(_agent_iri(e.provenance), f"{e.provenance.extractor} {e.provenance.extractor_version}")
                     for e in graph.edges.values()})
    for agent, label in agents:

        def extractor(t: _Terms, agent: str = agent, label: str = label) -> Iterator[ox.Quad]:
            g = t.iri(EXTRACTORS_GRAPH)
            yield ox.Quad(t.iri(agent), t.iri(RDF.type), t.iri(KG.Extractor), g)
            yield ox.Quad(t.iri(agent), t.iri(RDFS.label), t.lit(label), g)

        yield _CorpusUnit(EXTRACTORS_GRAPH, (agent,), repr((agent, label)), extractor)


def corpus_subject_digests(graph: KnowledgeGraph) -> dict[str, dict[str, str]]:
    """For each corpus-wide graph, a digest of each subject's quads (graph IRI -> subject IRI -> hex), computed
    from what the quads are made from: a new paper changes the support of a few statements and entities, and a
    run rewrites only those subjects of these large graphs."""
    keys: dict[str, dict[str, list[str]]] = {g: defaultdict(list) for g in CORPUS_GRAPHS}
    for unit in _corpus_units(graph, _entity_nodes(graph)):
        for subject in unit.subjects:
            keys[unit.graph][subject].append(unit.key)
    return {g: {subject: hashlib.sha256("\x00".join([GRAPH_LAYOUT, *sorted(parts)]).encode()).hexdigest()[:24]
                for subject, parts in sorted(by_subject.items())}
            for g, by_subject in keys.items()}


def corpus_quads(graph: KnowledgeGraph, subjects: Mapping[str, Collection[str]] | None = None
                 ) -> Iterator[ox.Quad]:
    """The quads of the corpus-wide graphs; with `subjects` (graph IRI -> subject IRIs), only those subjects'."""
    t = _Terms()
    for unit in _corpus_units(graph, _entity_nodes(graph)):
        if subjects is None:
            yield from unit.make(t)
            continue
        wanted = subjects.get(unit.graph, ())
        if any(s in wanted for s in unit.subjects):
            yield from (q for q in unit.make(t) if q.subject.value in wanted)


def graph_quads(graph: KnowledgeGraph, papers: Collection[str] | None = None, corpus_graphs: bool = True, *,
                corpus: KnowledgeGraph | None = None) -> Iterator[ox.Quad]:
    """The quads of the graph, in named graphs: one per paper, and the entities, statements and extractors graphs.

    With `papers`, only those papers' graphs are made: what an incremental run writes when the other papers'
    graphs are unchanged; `corpus_graphs=False` leaves out the three corpus-wide graphs (see `corpus_quads`).

    With `corpus`, `graph` is a part of that graph (a subgraph export): corpus-wide values keep the corpus's
    values instead of being recounted on the part (each shared statement's `kg:support`, the extraction activity
    of a paper whose Paper node was left out), so the quads are a subset of the corpus's quads.
    """
    t, index = _Terms(), _PaperIndex(graph)
    whole = corpus if corpus is not None else graph
    ids = index.nodes.keys() if papers is None else [p for p in index.nodes if p in papers]
    for paper_id in ids:
        yield from _paper_quads(t, whole, paper_id, index.nodes[paper_id], index.edges.get(paper_id, []))
    if corpus_graphs:
        support = graph.support()
        if corpus is not None:
            counts = corpus.support()
            support = {key: counts[key] for key in support}
        for unit in _corpus_units(graph, index.entities, support):
            yield from unit.make(t)


def paper_graph_digests(graph: KnowledgeGraph) -> dict[str, str]:
    """A digest of each paper graph's content (paper id -> hex): equal digests, equal quads.

    Computed from the nodes and edges the quads are made from, several times faster than making the quads, so
    that a run can tell which paper graphs it must rewrite.
    """
    index = _PaperIndex(graph)
    digests = {}
    for paper_id, nodes in index.nodes.items():
        h = hashlib.sha256(GRAPH_LAYOUT.encode())
        for node in nodes:
            h.update(repr((node.id, node.kind.value, sorted(node.properties.items()))).encode())
        for edge in index.edges.get(paper_id, []):
            h.update(repr((edge.kind.value, edge.source, edge.target, edge.provenance)).encode())
        digests[paper_id] = h.hexdigest()[:32]
    return digests


def _activity_id(graph: KnowledgeGraph, paper_id: str, agent: str) -> str:
    """The extraction of one paper's text by one extractor version: the same text and version, the same id."""
    props = graph.nodes[f"paper/{paper_id}"].properties
    text = f"{agent}\n{props['title']}\n{props['abstract']}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def to_dataset(quads: Iterator[ox.Quad] | list[ox.Quad]) -> Dataset:
    """The quads as an rdflib Dataset (for SHACL and the rdflib API), via an N-Quads round trip."""
    dataset = Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
    return dataset


def to_rdf(graph: KnowledgeGraph) -> Graph:
    """All triples of the graph, named graphs merged, as one rdflib Graph."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in graph_quads(graph)}
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return g
