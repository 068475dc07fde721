"""Export stage: graph serialisations for other tools, shared by sinks and subgraph exports.

GraphML for networkx and graph tools; Turtle, N-Triples, TriG, N-Quads and JSON-LD for RDF tools. `analytics`
(centrality, communities, co-occurrence, trends, leaderboards) and `report` (the offline HTML report) work on the
networkx form of any graph or subgraph; they are imported from their modules, as they pull in scipy and matplotlib.
"""

from kgbuild.export.formats import write_graphml
from kgbuild.export.rdf import RDF_FORMATS, jsonld_context, write_jsonld, write_rdf

__all__ = ["RDF_FORMATS", "jsonld_context", "write_graphml", "write_jsonld", "write_rdf"]
