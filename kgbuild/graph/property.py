"""The property-graph view of the knowledge graph, shared by the Neo4j loader and the neo4j-admin CSV export.

Labels are node kinds (Paper, Method, Dataset, Metric, Task, Claim, Result; the four entity kinds also carry
`Entity`); relationship types are edge kinds. Multi-valued properties (aliases, authors, ...) are lists here;
every relationship carries its provenance, confidence and mention count: what one paper says.

What the whole corpus says of an entity (how many papers use it, propose it, make claims about it) sits on the
entity's node (`papers`, `papers_uses`, `papers_about`, ...), so that adding a paper changes the entities it
names and nothing another paper loaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from kgbuild.graph.model import Edge, EdgeKind, KnowledgeGraph, Node, NodeKind

ENTITY_KINDS = (NodeKind.METHOD, NodeKind.DATASET, NodeKind.METRIC, NodeKind.TASK)
ENTITY_LABEL = "Entity"
# (source label, target label) of each relationship type; ABOUT points at any entity.
ENDPOINTS: dict[EdgeKind, tuple[str, str]] = {
    EdgeKind.PROPOSES: ("Paper", ENTITY_LABEL),  # a Method or a Dataset
    EdgeKind.USES: ("Paper", "Method"),
    EdgeKind.EVALUATES_ON: ("Paper", "Dataset"),
    EdgeKind.ADDRESSES: ("Paper", "Task"),
    EdgeKind.MEASURES: ("Paper", "Metric"),
    EdgeKind.CLAIMS: ("Paper", "Claim"),
    EdgeKind.REPORTS: ("Paper", "Result"),
    EdgeKind.ABOUT: ("Claim", ENTITY_LABEL),
    EdgeKind.OF_METHOD: ("Result", "Method"),
    EdgeKind.ON_DATASET: ("Result", "Dataset"),
    EdgeKind.FOR_METRIC: ("Result", "Metric"),
    EdgeKind.COMPARED_TO: ("Result", "Method"),
}
# Joined in the in-memory graph (GraphML wants scalars): split back into lists for a property graph.
LIST_SEPARATORS = {"aliases": " | ", "same_as": " | ", "replaces": " | ", "authors": "; "}


def joined(key: str, values: tuple[str, ...] | list[str]) -> str:
    """The scalar form of a multi-valued property, as the in-memory graph (and GraphML) holds it."""
    return LIST_SEPARATORS[key].join(values)


def list_property(node: Node, key: str) -> list[str]:
    """A multi-valued property (aliases, authors, ...) of a node, as the list it was joined from."""
    return [v for v in str(node.properties.get(key, "")).split(LIST_SEPARATORS[key]) if v]


def labels(node: Node) -> tuple[str, ...]:
    return (node.kind.value, ENTITY_LABEL) if node.kind in ENTITY_KINDS else (node.kind.value,)


def node_properties(node: Node) -> dict[str, Any]:
    props: dict[str, Any] = {"kind": node.kind.value, "label": node.label}
    for key, value in node.properties.items():
        if key in LIST_SEPARATORS:
            # No empty lists: neo4j-admin's CSV import cannot tell one from a missing property, so neither path
            # writes one.
            if values := list_property(node, key):
                props[key] = values
        else:
            props[key] = value
    if node.kind in ENTITY_KINDS:
        # One string a full-text index can search: the name and every alias.
        props["search_text"] = " | ".join([str(node.properties["name"]), *props.get("aliases", [])])
    return props


def edge_properties(edge: Edge) -> dict[str, Any]:
    p = edge.provenance
    return {"paper_id": p.paper_id, "field": p.field, "start": p.start, "end": p.end, "extractor": p.extractor,
            "extractor_version": p.extractor_version, "confidence": p.confidence, "mentions": p.mentions}


def support_key(kind: EdgeKind) -> str:
    """The entity property counting the papers that state `kind` of it: "papers_uses", "papers_about", ..."""
    return f"papers_{kind.value.lower()}"


def entity_support(graph: KnowledgeGraph) -> dict[str, dict[str, int]]:
    """Per entity node id, `graph.support()` of each edge kind pointing at it, keyed `papers_uses` ("how many papers
    use LoRA"), `papers_about`, ... The node's own `papers` counts the papers mentioning it."""
    out: dict[str, dict[str, int]] = {n.id: {} for n in graph.nodes.values() if n.kind in ENTITY_KINDS}
    for (kind, target), papers in sorted(graph.support().items()):
        if target in out:
            out[target][support_key(kind)] = papers
    return out


@dataclass(slots=True)
class PaperRows:
    """Everything read from one paper, as statement rows, with the fingerprint of it all."""

    paper_id: str
    node_id: str  # the Paper node's id, "paper/<paper_id>"
    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # label -> rows
    relationships: dict[EdgeKind, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return _fingerprint([self.nodes, {k.value: v for k, v in self.relationships.items()}])


def _fingerprint(value: Any) -> str:
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def graph_rows(graph: KnowledgeGraph) -> tuple[dict[str, list[dict[str, Any]]], dict[str, PaperRows]]:
    """Entity node rows by label (their properties include the corpus-wide counts and a `fingerprint` of it all),
    and each paper's rows (by paper id)."""
    support = entity_support(graph)
    paper_nodes = {str(n.properties["paper_id"]): n.id for n in graph.nodes.values() if n.kind is NodeKind.PAPER}
    entities: dict[str, list[dict[str, Any]]] = {}
    papers: dict[str, PaperRows] = {}
    for node in graph.nodes.values():
        props = node_properties(node)
        if node.kind in ENTITY_KINDS:
            props.update(support[node.id])
            props["fingerprint"] = _fingerprint([node.kind.value, props])
            entities.setdefault(node.kind.value, []).append({"id": node.id, "props": props})
        else:
            pid = str(node.properties["paper_id"])
            paper = papers.setdefault(pid, PaperRows(pid, paper_nodes[pid]))
            paper.nodes.setdefault(node.kind.value, []).append({"id": node.id, "props": props})
    for edge in graph.edges.values():
        paper = papers[edge.provenance.paper_id]
        paper.relationships.setdefault(edge.kind, []).append({"source": edge.source, "target": edge.target,
                                                              "props": edge_properties(edge)})
    return entities, papers


__all__ = ["ENDPOINTS", "ENTITY_KINDS", "ENTITY_LABEL", "PaperRows", "edge_properties", "entity_support",
           "graph_rows", "joined", "labels", "list_property", "node_properties", "support_key"]
