"""The output folder: the RDF store and its exports, GraphML, extraction JSONL, run summary, quarantine report and
the state that the next run builds on."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kgbuild.export import write_graphml
from kgbuild.extract.contract import write_jsonl
from kgbuild.graph import KnowledgeGraph, graph_quads, to_networkx
from kgbuild.model import IngestResult, PaperExtraction, Quarantined
from kgbuild.sinks.state import STATE_DIR, CorpusState, save_state
from kgbuild.sinks.store import GraphStore
from kgbuild.sinks.summary import RunSummary, render_text, summarise

STORE_DIR = "store"
OUTPUT_FILES = {
    "turtle": "graph.ttl",
    "trig": "graph.trig",
    "jsonld": "graph.jsonld",
    "graphml": "graph.graphml",
    "extractions": "extractions.jsonl",
    "summary_json": "summary.json",
    "summary_text": "summary.txt",
    "quarantine": "quarantine.jsonl",
    "store": STORE_DIR,
    "state": STATE_DIR,
}
RDF_EXPORTS = {"turtle": "ttl", "trig": "trig", "jsonld": "jsonld"}


def write_quarantine(records: Iterable[Quarantined], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for q in records:
            handle.write(json.dumps({"path": q.path, "line": q.line, "stage": q.stage, "reason": q.reason},
                                    ensure_ascii=False) + "\n")
            count += 1
    return count


def write_output_folder(out_dir: Path, ingested: IngestResult, state: CorpusState,
                        extractions: list[PaperExtraction], graph: KnowledgeGraph,
                        extracted: int | None = None) -> RunSummary:
    """Update the folder's store with the graph of the whole corpus and rewrite the files from it.

    `extractions` are the resolved extractions of every paper in `state`; `ingested` is this run's input, of
    which `extracted` papers went through extraction (default: all).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / filename for name, filename in OUTPUT_FILES.items()}
    store = GraphStore(paths["store"])
    try:
        update = store.replace_graphs(graph_quads(graph))
        for name, fmt in RDF_EXPORTS.items():
            store.export(paths[name], fmt)
    finally:
        store.close()
    save_state(state, out_dir)
    write_graphml(to_networkx(graph), paths["graphml"])
    write_jsonl(extractions, paths["extractions"])
    write_quarantine(ingested.quarantined, paths["quarantine"])
    summary = summarise(ingested, extractions, graph, triples=update.quads_after)
    summary.corpus_papers = len(state.papers)
    summary.papers_extracted = len(ingested.papers) if extracted is None else extracted
    summary.graphs_replaced = update.graphs_replaced
    # Names relative to the folder, so that a moved or copied output folder stays self-consistent.
    summary.outputs = dict(OUTPUT_FILES)
    paths["summary_json"].write_text(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    paths["summary_text"].write_text(render_text(summary), encoding="utf-8")
    return summary
