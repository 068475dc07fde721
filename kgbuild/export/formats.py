"""Writers for graph file formats; each writes deterministically (same graph, same bytes)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

GRAPHML_HEADER = ('<?xml version="1.0" encoding="utf-8"?>\n'
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


def _graphml_type(values: Iterable[Any]) -> str:
    """The GraphML type of an attribute from all its values: a float stays a float, an int an int."""
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    return "string"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """Typed GraphML (key types from the values), streamed: networkx's own writers take seconds per 100k edges
    building a tree first. `nx.read_graphml(path, force_multigraph=True)` reads it back with the same types."""
    node_values: dict[str, list[Any]] = {}
    for _, data in graph.nodes(data=True):
        for name, value in data.items():
            node_values.setdefault(name, []).append(value)
    edge_values: dict[str, list[Any]] = {}
    for *_, data in graph.edges(keys=True, data=True):
        for name, value in data.items():
            edge_values.setdefault(name, []).append(value)
    # Markup that repeats on every node and edge is made once.
    opening = {scope: {name: f"<data key={quoteattr(f'{scope}.{name}')}>" for name in values}
               for scope, values in (("node", node_values), ("edge", edge_values))}
    ids = {node: quoteattr(str(node)) for node in graph.nodes}
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(GRAPHML_HEADER)
        for scope, values in (("node", node_values), ("edge", edge_values)):
            for name in sorted(values):
                out.write(f'<key id={quoteattr(f"{scope}.{name}")} for="{scope}" attr.name={quoteattr(name)} '
                          f'attr.type="{_graphml_type(values[name])}"/>\n')
        out.write('<graph edgedefault="directed">\n')
        tags = opening["node"]
        for node, data in graph.nodes(data=True):
            out.write(f"<node id={ids[node]}>")
            out.write("".join(f"{tags[k]}{_text(v)}</data>" for k, v in data.items()))
            out.write("</node>\n")
        tags = opening["edge"]
        for source, target, key, data in graph.edges(keys=True, data=True):
            out.write(f"<edge source={ids[source]} target={ids[target]} id={quoteattr(str(key))}>")
            out.write("".join(f"{tags[k]}{_text(v)}</data>" for k, v in data.items()))
            out.write("</edge>\n")
        out.write("</graph>\n</graphml>\n")
