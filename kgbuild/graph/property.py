"""The property-graph view of the knowledge graph, shared by the Neo4j loader and the neo4j-admin CSV export.

Labels are node kinds (Paper, Method, Dataset, Metric, Task, Claim, Result; the four entity kinds also carry
`Entity`); relationship types are edge kinds. Multi-valued properties (aliases, authors, ...) are lists here;
every relationship carries its provenance, confidence, mention count and support.
"""

from __future__ import annotations

from typing import Any

from kgbuild.graph.model import Edge, EdgeKind, Node, NodeKind

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
            props[key] = list_property(node, key)
        else:
            props[key] = value
    if node.kind in ENTITY_KINDS:
        # One string a full-text index can search: the name and every alias.
        props["search_text"] = " | ".join([str(node.properties["name"]), *props.get("aliases", [])])
    return props


def edge_properties(edge: Edge, support: int) -> dict[str, Any]:
    p = edge.provenance
    return {"paper_id": p.paper_id, "field": p.field, "start": p.start, "end": p.end, "extractor": p.extractor,
            "extractor_version": p.extractor_version, "confidence": p.confidence, "mentions": p.mentions,
            "support": support}


__all__ = ["ENDPOINTS", "ENTITY_KINDS", "ENTITY_LABEL", "edge_properties", "joined", "labels", "list_property",
           "node_properties"]
