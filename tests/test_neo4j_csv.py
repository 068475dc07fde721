"""The neo4j-admin bulk-import CSVs of the hand-made corpus's graph (tests/handmade.py): header syntax, unique ids,
every relationship end present, text and numbers as written."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from handmade import DETR_PAPER, EDGES, MT_PAPER, NODES, PRUNING_PAPER, QA_PAPER, VIT_PAPER, VIT_TITLE

from kgbuild.export.neo4j_csv import ARRAY_DELIMITER, write_neo4j_csv

# neo4j-admin header fields: name[:type] for properties, id:ID, :START_ID, :END_ID.
PROPERTY_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:(long|double|boolean|string|string\[\]))?$")


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def test_neo4j_admin_csvs_of_the_hand_made_graph(handmade_graph, tmp_path):
    script = write_neo4j_csv(handmade_graph, tmp_path)
    ids: list[str] = []
    node_counts = {}
    for path in sorted(tmp_path.glob("nodes_*.csv")):
        header, rows = read(path)
        assert header[0] == "id:ID", path.name
        assert all(PROPERTY_FIELD.match(field) for field in header[1:]), (path.name, header)
        assert all(len(row) == len(header) for row in rows), path.name
        ids += [row[0] for row in rows]
        node_counts[path.stem.removeprefix("nodes_")] = len(rows)
    assert len(ids) == len(set(ids)) == len(handmade_graph.nodes) == 63
    assert node_counts == {k: v for k, v in handmade_graph.count_nodes().items() if v} == NODES
    known = set(ids)
    relationship_counts = {}
    for path in sorted(tmp_path.glob("relationships_*.csv")):
        header, rows = read(path)
        assert header[:2] == [":START_ID", ":END_ID"], path.name
        assert all(PROPERTY_FIELD.match(field) for field in header[2:]), (path.name, header)
        assert "confidence:double" in header and "start:long" in header and "support:long" not in header
        assert all(row[0] in known and row[1] in known for row in rows), path.name
        relationship_counts[path.stem.removeprefix("relationships_")] = len(rows)
    assert relationship_counts == {k: v for k, v in handmade_graph.count_edges().items() if v} == {
        k: v for k, v in EDGES.items() if v}
    # Aliases are a string array; the import command names every file, the labels and the delimiter.
    header, rows = read(tmp_path / "nodes_Method.csv")
    aliases = header.index("aliases:string[]")
    lora = next(row for row in rows if row[0] == "method/lora")
    assert (lora[header.index("name")], lora[aliases].split(ARRAY_DELIMITER)) == ("LoRA", ["Low-Rank Adaptation"])
    assert (lora[header.index("papers:long")], lora[header.index("papers_uses:long")]) == ("3", "2")
    # Text as written: quotes and a backslash in a title, numbers typed in the header.
    header, rows = read(tmp_path / "nodes_Paper.csv")
    paper = next(row for row in rows if row[0] == f"paper/{VIT_PAPER}")
    assert paper[header.index("title")] == VIT_TITLE
    header, rows = read(tmp_path / "relationships_ADDRESSES.csv")
    # Five papers address a task, each named once by the ruler (confidence 0.5).
    assert sorted((row[0], row[1], row[header.index("confidence:double")]) for row in rows) == [
        (f"paper/{DETR_PAPER}", "task/object-detection", "0.5"),
        (f"paper/{PRUNING_PAPER}", "task/natural-language-understanding", "0.5"),
        (f"paper/{QA_PAPER}", "task/question-answering", "0.5"),
        (f"paper/{VIT_PAPER}", "task/image-classification", "0.5"),
        (f"paper/{MT_PAPER}", "task/machine-translation", "0.5"),
    ]
    command = script.read_text(encoding="utf-8")
    assert "neo4j-admin \\\n  database \\\n  import \\\n  full \\\n  neo4j \\\n" in command
    assert "--nodes=Method:Entity=nodes_Method.csv" in command and "--nodes=Paper=nodes_Paper.csv" in command
    assert "--relationships=USES=relationships_USES.csv" in command
    assert command.rstrip().endswith("--relationships=USES=relationships_USES.csv")
