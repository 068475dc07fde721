"""Writers for graph file formats; each writes deterministically (same graph, same bytes)."""

from __future__ import annotations

import csv
import json
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


# GEXF reads node and edge attributes named "start" and "end" as time spells (a dynamic graph): the character
# offsets of claims, results and edges are written under these names instead.
GEXF_RENAMED = {"start": "span_start", "end": "span_end"}


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 (Gephi) with typed attributes; `start`/`end` become `span_start`/`span_end` (GEXF_RENAMED).
    `nx.read_gexf(path)` reads it back with the same types (edge keys as `networkx_key` when no two edges join the
    same nodes). The one exception to determinism here: networkx writes the day's date as `lastmodifieddate`."""
    renamed = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        renamed.add_node(node, **{GEXF_RENAMED.get(k, k): v for k, v in data.items()})
    for source, target, key, data in graph.edges(keys=True, data=True):
        renamed.add_edge(source, target, key=key, **{GEXF_RENAMED.get(k, k): v for k, v in data.items()})
    nx.write_gexf(renamed, path)


def write_node_link_json(graph: nx.MultiDiGraph, path: Path) -> None:
    """networkx node-link JSON ("nodes", "edges" with "key"): `nx.node_link_graph(json.load(f), edges="edges")`
    reads it back; JSON keeps ints, floats and booleans apart."""
    document = nx.node_link_data(graph, edges="edges")
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


# CSV header convention: a column is `name:type` when its values are numbers or booleans (`confidence:double`,
# `start:long`, `flag:boolean`, the neo4j-admin style) and plain `name` when they are strings; a missing value
# is an empty cell. `pandas_dtypes` turns a header into the dtypes that read each column back as it was written.
CSV_TYPES = {"long": "Int64", "double": "float64", "boolean": "boolean"}
NODE_COLUMNS = ("id", "kind", "label")
EDGE_COLUMNS = ("source", "target", "kind")


def _csv_column(name: str, values: list[Any]) -> str:
    kind = _graphml_type(values)
    return name if kind == "string" else f"{name}:{kind}"


def _csv_table(path: Path, fixed: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    values: dict[str, list[Any]] = {}
    for row in rows:
        for name, value in row.items():
            if name not in fixed:
                values.setdefault(name, []).append(value)
    names = [*fixed, *sorted(values)]
    header = [*fixed, *(_csv_column(n, values[n]) for n in sorted(values))]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if (v := row.get(n)) is None else _text_cell(v) for n in names])


def _text_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def write_csv_tables(graph: nx.MultiDiGraph, folder: Path) -> tuple[Path, Path]:
    """`nodes.csv` (id, kind, label, then every property) and `edges.csv` (source, target, kind, then provenance
    and confidence) in `folder`, typed in the header (see CSV_TYPES); returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes, edges = folder / "nodes.csv", folder / "edges.csv"
    _csv_table(nodes, NODE_COLUMNS, [{"id": node, **data} for node, data in graph.nodes(data=True)])
    _csv_table(edges, EDGE_COLUMNS, [{"source": s, "target": t, **data} for s, t, data in graph.edges(data=True)])
    return nodes, edges


def pandas_dtypes(path: Path) -> dict[str, str]:
    """The pandas dtype of each column of a kgbuild CSV, from its header: `pd.read_csv(path,
    dtype=pandas_dtypes(path), keep_default_na=False, na_values=[""])` reads numbers as numbers (Int64 for long
    columns with gaps) and strings as strings, even "2106.09685"."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    return {column: CSV_TYPES.get(column.rpartition(":")[2], "string") if ":" in column else "string"
            for column in header}
