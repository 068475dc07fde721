"""The knowledge graph as a networkx MultiDiGraph (node and edge kinds as attributes)."""

from __future__ import annotations

import networkx as nx

from kgbuild.graph.model import KnowledgeGraph


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for node in graph.nodes.values():
        g.add_node(node.id, kind=node.kind.value, label=node.label, **node.properties)
    for edge in graph.edges.values():
        p = edge.provenance
        g.add_edge(edge.source, edge.target, key=edge.kind.value, kind=edge.kind.value, paper_id=p.paper_id,
                   field=p.field, start=p.start, end=p.end, extractor=p.extractor,
                   extractor_version=p.extractor_version, confidence=p.confidence, mentions=p.mentions)
    return g
