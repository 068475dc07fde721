"""A selected subgraph written in the format a user asked for: property-graph formats from its networkx view,
RDF formats from its quads (with corpus-wide support values, see `Subgraph.quads`)."""

from __future__ import annotations

from pathlib import Path

from kgbuild.export.formats import write_csv_tables, write_gexf, write_graphml, write_node_link_json
from kgbuild.export.rdf import write_rdf
from kgbuild.export.select import SelectionError, Subgraph

# format -> what it is; csv writes a folder (nodes.csv, edges.csv), the others one file.
SUBGRAPH_FORMATS = {
    "graphml": "typed GraphML (networkx, Gephi, yEd, Cytoscape)",
    "gexf": "GEXF 1.2 (Gephi; start/end offsets as span_start/span_end)",
    "json": "networkx node-link JSON",
    "csv": "a folder with nodes.csv and edges.csv, types in the header (pandas)",
    "ttl": "RDF Turtle, named graphs merged",
    "jsonld": "JSON-LD with kgbuild's context embedded",
}


def write_subgraph(subgraph: Subgraph, out: Path, fmt: str) -> list[Path]:
    """Write `subgraph` as `fmt` (a key of SUBGRAPH_FORMATS) to `out` (a folder for csv); returns the files."""
    if fmt not in SUBGRAPH_FORMATS:
        raise SelectionError(f"unknown subgraph format {fmt!r}: expected one of {', '.join(SUBGRAPH_FORMATS)}")
    if fmt == "csv":
        return list(write_csv_tables(subgraph.networkx(), out))
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("ttl", "jsonld"):
        write_rdf(subgraph.quads(), out, fmt)
    else:
        writer = {"graphml": write_graphml, "gexf": write_gexf, "json": write_node_link_json}[fmt]
        writer(subgraph.networkx(), out)
    return [out]


__all__ = ["SUBGRAPH_FORMATS", "write_subgraph"]
