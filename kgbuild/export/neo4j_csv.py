"""The knowledge graph as CSV files for `neo4j-admin database import full`, the bulk path for large graphs.

One node file per label and one relationship file per type, in neo4j-admin's header format (`id:ID`,
`confidence:double`, `aliases:string[]`, `:START_ID`, `:END_ID`), and `import.sh` with the exact command.
Node ids are globally unique (they start with their kind: "paper/...", "method/..."), so one id space serves.
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path
from typing import Any

from kgbuild.graph.model import EdgeKind, KnowledgeGraph
from kgbuild.graph.property import edge_properties, labels, node_properties

ARRAY_DELIMITER = "|"
# neo4j-admin's array delimiter cannot be escaped inside a value; such a character becomes a look-alike.
_DELIMITER_STANDIN = "\u00a6"


def _type_suffix(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, list) for v in present):
        return ":string[]"
    if present and all(isinstance(v, bool) for v in present):
        return ":boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return ":long"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return ":double"
    return ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, _DELIMITER_STANDIN) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)


def write_neo4j_csv(graph: KnowledgeGraph, out_dir: Path, database: str = "neo4j") -> Path:
    """Write the CSVs and import.sh into `out_dir`; returns the path of import.sh."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_labels: dict[tuple[str, ...], list[tuple[str, dict[str, Any]]]] = {}
    for node in graph.nodes.values():
        by_labels.setdefault(labels(node), []).append((node.id, node_properties(node)))
    args = ["neo4j-admin", "database", "import", "full", "--overwrite-destination",
            f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true"]
    for node_labels, nodes in sorted(by_labels.items()):
        keys = sorted({k for _, props in nodes for k in props})
        header = ["id:ID", *(f"{k}{_type_suffix([props.get(k) for _, props in nodes])}" for k in keys)]
        filename = f"nodes_{node_labels[0]}.csv"
        _write(out_dir / filename, header, [[node_id, *(props.get(k) for k in keys)] for node_id, props in nodes])
        args.append(f"--nodes={':'.join(node_labels)}={filename}")
    support = graph.support()
    by_kind: dict[EdgeKind, list[Any]] = {}
    for edge in graph.edges.values():
        by_kind.setdefault(edge.kind, []).append(edge)
    for kind, edges in sorted(by_kind.items()):
        rows = [(e.source, e.target, edge_properties(e, support[(e.kind, e.target)])) for e in edges]
        keys = list(rows[0][2])
        header = [":START_ID", ":END_ID", *(f"{k}{_type_suffix([r[2][k] for r in rows])}" for k in keys)]
        filename = f"relationships_{kind.value}.csv"
        _write(out_dir / filename, header, [[s, t, *(props[k] for k in keys)] for s, t, props in rows])
        args.append(f"--relationships={kind.value}={filename}")
    args.append(database)
    script = out_dir / "import.sh"
    script.write_text(
        "#!/bin/sh\n"
        "# Bulk import of the kgbuild graph into an empty Neo4j 5 database (stop the database first).\n"
        "# Run from this folder on the Neo4j host, then start the database and run `kgbuild neo4j init`.\n"
        'cd "$(dirname "$0")"\n' + " \\\n  ".join(shlex.quote(a) for a in args) + "\n", encoding="utf-8")
    script.chmod(0o755)
    return script


__all__ = ["ARRAY_DELIMITER", "write_neo4j_csv"]
