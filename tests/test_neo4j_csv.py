"""The neo4j-admin bulk-import CSVs of the seed graph: header syntax, unique ids, every relationship end present."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from kgbuild.export.neo4j_csv import ARRAY_DELIMITER, write_neo4j_csv

# neo4j-admin header fields: name[:type] for properties, id:ID, :START_ID, :END_ID.
PROPERTY_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:(long|double|boolean|string|string\[\]))?$")


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def test_neo4j_admin_csvs_of_the_seed_graph(seed_graph_model, tmp_path):
    script = write_neo4j_csv(seed_graph_model, tmp_path)
    ids: list[str] = []
    node_counts = {}
    for path in sorted(tmp_path.glob("nodes_*.csv")):
        header, rows = read(path)
        assert header[0] == "id:ID", path.name
        assert all(PROPERTY_FIELD.match(field) for field in header[1:]), (path.name, header)
        assert all(len(row) == len(header) for row in rows), path.name
        ids += [row[0] for row in rows]
        node_counts[path.stem.removeprefix("nodes_")] = len(rows)
    assert len(ids) == len(set(ids)) == len(seed_graph_model.nodes)
    assert node_counts == {k: v for k, v in seed_graph_model.count_nodes().items() if v}
    known = set(ids)
    relationship_counts = {}
    for path in sorted(tmp_path.glob("relationships_*.csv")):
        header, rows = read(path)
        assert header[:2] == [":START_ID", ":END_ID"], path.name
        assert all(PROPERTY_FIELD.match(field) for field in header[2:]), (path.name, header)
        assert "confidence:double" in header and "start:long" in header and "support:long" in header
        assert all(row[0] in known and row[1] in known for row in rows), path.name
        relationship_counts[path.stem.removeprefix("relationships_")] = len(rows)
    assert relationship_counts == {k: v for k, v in seed_graph_model.count_edges().items() if v}
    # Aliases are a string array; the import command names every file, the labels and the delimiter.
    header, rows = read(tmp_path / "nodes_Method.csv")
    aliases = header.index("aliases:string[]")
    lora = next(row for row in rows if row[0] == "method/low-rank-adaptation")
    assert sorted(lora[aliases].split(ARRAY_DELIMITER)) == ["LoRA", "Low-Rank Adaptation"]
    command = script.read_text(encoding="utf-8")
    assert "neo4j-admin \\\n  database \\\n  import \\\n  full" in command
    assert "--nodes=Method:Entity=nodes_Method.csv" in command and "--nodes=Paper=nodes_Paper.csv" in command
    assert "--relationships=USES=relationships_USES.csv" in command
    assert command.rstrip().endswith("neo4j")
