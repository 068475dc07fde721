"""Writers for graph file formats; each writes deterministically (same graph, same bytes)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    # lxml writer: typed keys (a float stays a float), and much faster than the pure-Python one.
    nx.write_graphml_lxml(graph, path, encoding="utf-8", prettyprint=True, named_key_ids=True)
