"""The output folder: RDF, GraphML, extraction JSONL, run summary and quarantine report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kgbuild.export import write_graphml, write_turtle
from kgbuild.extract.contract import write_jsonl
from kgbuild.graph import KnowledgeGraph, to_networkx, to_rdf
from kgbuild.model import IngestResult, PaperExtraction, Quarantined
from kgbuild.sinks.summary import RunSummary, render_text, summarise

OUTPUT_FILES = {
    "turtle": "graph.ttl",
    "graphml": "graph.graphml",
    "extractions": "extractions.jsonl",
    "summary_json": "summary.json",
    "summary_text": "summary.txt",
    "quarantine": "quarantine.jsonl",
}


def write_quarantine(records: Iterable[Quarantined], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for q in records:
            handle.write(json.dumps({"path": q.path, "line": q.line, "stage": q.stage, "reason": q.reason},
                                    ensure_ascii=False) + "\n")
            count += 1
    return count


def write_output_folder(out_dir: Path, ingested: IngestResult, extractions: list[PaperExtraction],
                        graph: KnowledgeGraph) -> RunSummary:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / filename for name, filename in OUTPUT_FILES.items()}
    rdf = to_rdf(graph)
    write_turtle(rdf, paths["turtle"])
    write_graphml(to_networkx(graph), paths["graphml"])
    write_jsonl(extractions, paths["extractions"])
    write_quarantine(ingested.quarantined, paths["quarantine"])
    summary = summarise(ingested, extractions, graph, triples=len(rdf))
    # Names relative to the folder, so that a moved or copied output folder stays self-consistent.
    summary.outputs = dict(OUTPUT_FILES)
    paths["summary_json"].write_text(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    paths["summary_text"].write_text(render_text(summary), encoding="utf-8")
    return summary
