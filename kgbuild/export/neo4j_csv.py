"""The knowledge graph as CSV files for `neo4j-admin database import full`, the bulk path for large graphs.

One node file per label and one relationship file per type, in neo4j-admin's header format (`id:ID`,
`confidence:double`, `aliases:string[]`, `:START_ID`, `:END_ID`), and `import.sh` with the exact command.
Node ids are globally unique (they start with their kind: "paper/...", "method/..."), so one id space serves.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from kgbuild.graph.model import EdgeKind, KnowledgeGraph, NodeKind
from kgbuild.graph.property import ENTITY_KINDS, ENTITY_LABEL, graph_rows

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
    """One CSV field. A missing value is an empty field; an empty string is quoted (`""`), which neo4j-admin
    keeps as an empty string where it reads an empty field as no property."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, _DELIMITER_STANDIN) for v in value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if text == "" or any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for cells in [header, *rows]:
            handle.write(",".join(_cell(v) for v in cells) + "\n")


def write_neo4j_csv(graph: KnowledgeGraph, out_dir: Path, database: str = "neo4j") -> Path:
    """Write the CSVs and import.sh into `out_dir`; returns the path of import.sh. The rows are the Neo4j loader's
    (`graph_rows`), fingerprints included, so a `kgbuild load neo4j` after the import writes only what changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entities, papers = graph_rows(graph)
    by_label: dict[str, list[dict[str, Any]]] = dict(entities)
    relationships: dict[EdgeKind, list[dict[str, Any]]] = {}
    for paper in papers.values():
        for label, rows in paper.nodes.items():
            if label == NodeKind.PAPER.value:
                rows = [{"id": row["id"], "props": {**row["props"], "fingerprint": paper.fingerprint}} for row in rows]
            by_label.setdefault(label, []).extend(rows)
        for kind, rows in paper.relationships.items():
            relationships.setdefault(kind, []).extend(rows)
    # The database comes first: after the last --relationships it would be read as one more file of that list.
    args = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination",
            f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true"]
    entity_labels = {kind.value for kind in ENTITY_KINDS}
    for label, nodes in sorted(by_label.items()):
        keys = sorted({k for row in nodes for k in row["props"]})
        header = ["id:ID", *(f"{k}{_type_suffix([row['props'].get(k) for row in nodes])}" for k in keys)]
        filename = f"nodes_{label}.csv"
        _write(out_dir / filename, header, [[row["id"], *(row["props"].get(k) for k in keys)] for row in nodes])
        node_labels = f"{label}:{ENTITY_LABEL}" if label in entity_labels else label
        args.append(f"--nodes={node_labels}={filename}")
    for kind, rows in sorted(relationships.items()):
        keys = list(rows[0]["props"])
        header = [":START_ID", ":END_ID", *(f"{k}{_type_suffix([r['props'][k] for r in rows])}" for k in keys)]
        filename = f"relationships_{kind.value}.csv"
        _write(out_dir / filename, header, [[r["source"], r["target"], *(r["props"][k] for k in keys)] for r in rows])
        args.append(f"--relationships={kind.value}={filename}")
    script = out_dir / "import.sh"
    script.write_text(
        "#!/bin/sh\n"
        "# Bulk import of the kgbuild graph into an empty Neo4j 5 database (stop the database first).\n"
        "# Run from this folder on the Neo4j host, then start the database and run `kgbuild neo4j init`.\n"
        'cd "$(dirname "$0")"\n' + " \\\n  ".join(shlex.quote(a) for a in args) + "\n", encoding="utf-8")
    script.chmod(0o755)
    return script


__all__ = ["ARRAY_DELIMITER", "write_neo4j_csv"]
