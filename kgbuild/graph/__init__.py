"""Graph stage: papers, extractions and canonical entities linked into one typed graph.

`build_graph` makes the `KnowledgeGraph`; `to_rdf` and `to_networkx` give the
same graph as RDF (our ontology) and as a networkx multigraph.
"""

from kgbuild.graph.build import build_graph, paper_node_id
from kgbuild.graph.convert import to_networkx
from kgbuild.graph.model import Edge, EdgeKind, KnowledgeGraph, Node, NodeKind, Provenance
from kgbuild.graph.rdf import PREFIXES, graph_quads, node_iri, paper_graph_iri, to_dataset, to_rdf

__all__ = [
    "PREFIXES",
    "Edge",
    "EdgeKind",
    "KnowledgeGraph",
    "Node",
    "NodeKind",
    "Provenance",
    "build_graph",
    "graph_quads",
    "node_iri",
    "paper_graph_iri",
    "paper_node_id",
    "to_dataset",
    "to_networkx",
    "to_rdf",
]
