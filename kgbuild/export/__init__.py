"""Export stage: graph serialisations for other tools, shared by sinks and subgraph exports.

GraphML, GEXF, node-link JSON and CSV for networkx, Gephi and pandas; Turtle, N-Triples, TriG, N-Quads and JSON-LD
for RDF tools; `select_subgraph` for the part of a graph a query asks for. `analytics` (centrality, communities,
co-occurrence, trends, leaderboards) and `report` (the offline HTML report) work on the networkx form of any graph
or subgraph; they are imported from their modules, as they pull in scipy and matplotlib.
"""

from kgbuild.export.formats import write_csv_tables, write_gexf, write_graphml, write_node_link_json
from kgbuild.export.rdf import RDF_FORMATS, jsonld_context, write_jsonld, write_rdf
from kgbuild.export.select import GraphIndex, SelectionError, Subgraph, SubgraphQuery, select_subgraph

__all__ = ["RDF_FORMATS", "GraphIndex", "SelectionError", "Subgraph", "SubgraphQuery", "jsonld_context",
           "select_subgraph", "write_csv_tables", "write_gexf", "write_graphml", "write_jsonld",
           "write_node_link_json", "write_rdf"]
