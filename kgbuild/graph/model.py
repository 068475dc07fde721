"""The property graph every sink writes: typed nodes, typed edges, provenance on each edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

Scalar = str | int | float | bool


class NodeKind(StrEnum):
    PAPER = "Paper"
    METHOD = "Method"
    DATASET = "Dataset"
    METRIC = "Metric"
    TASK = "Task"
    CLAIM = "Claim"
    RESULT = "Result"


class EdgeKind(StrEnum):
    PROPOSES = "PROPOSES"  # Paper -> Method/Dataset the paper introduces as its own (never also USES/EVALUATES_ON)
    USES = "USES"  # Paper -> Method
    EVALUATES_ON = "EVALUATES_ON"  # Paper -> Dataset
    ADDRESSES = "ADDRESSES"  # Paper -> Task
    MEASURES = "MEASURES"  # Paper -> Metric
    CLAIMS = "CLAIMS"  # Paper -> Claim
    ABOUT = "ABOUT"  # Claim -> Method/Dataset/Metric/Task
    REPORTS = "REPORTS"  # Paper -> Result
    OF_METHOD = "OF_METHOD"  # Result -> Method
    ON_DATASET = "ON_DATASET"  # Result -> Dataset
    FOR_METRIC = "FOR_METRIC"  # Result -> Metric
    COMPARED_TO = "COMPARED_TO"  # relative Result -> the Method it is a difference to (the baseline)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an edge was read: the paper, the field and span of its first mention, and by what."""

    paper_id: str
    field: str
    start: int
    end: int
    extractor: str
    extractor_version: str
    confidence: float
    mentions: int = 1


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: NodeKind
    label: str
    properties: dict[str, Scalar] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    provenance: Provenance


@dataclass(slots=True)
class KnowledgeGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, EdgeKind, str], Edge] = field(default_factory=dict)

    def add_node(self, node: Node) -> None:
        self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: Edge) -> None:
        """One edge per (source, kind, target); repeated mentions raise its count and keep the best confidence."""
        key = (edge.source, edge.kind, edge.target)
        seen = self.edges.get(key)
        if seen is None:
            self.edges[key] = edge
            return
        p, q = seen.provenance, edge.provenance
        best = max(p.confidence, q.confidence)
        self.edges[key] = Edge(seen.source, seen.target, seen.kind,
                               Provenance(p.paper_id, p.field, p.start, p.end, p.extractor,
                                          p.extractor_version, best, p.mentions + q.mentions))

    def support(self) -> dict[tuple[EdgeKind, str], int]:
        """How many papers make a statement with this edge kind about this target ("how many papers use LoRA")."""
        papers: dict[tuple[EdgeKind, str], set[str]] = {}
        for edge in self.edges.values():
            papers.setdefault((edge.kind, edge.target), set()).add(edge.provenance.paper_id)
        return {key: len(ids) for key, ids in papers.items()}

    def count_nodes(self) -> dict[str, int]:
        counts: dict[str, int] = {kind.value: 0 for kind in NodeKind}
        for node in self.nodes.values():
            counts[node.kind.value] += 1
        return counts

    def count_edges(self) -> dict[str, int]:
        counts: dict[str, int] = {kind.value: 0 for kind in EdgeKind}
        for edge in self.edges.values():
            counts[edge.kind.value] += 1
        return counts
