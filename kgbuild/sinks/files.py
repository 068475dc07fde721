"""The output folder: the RDF store and its exports, GraphML, extraction JSONL, run summary, quarantine report and
the state that the next run builds on."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kgbuild.export import write_graphml
from kgbuild.extract.contract import write_jsonl
from kgbuild.graph import KnowledgeGraph, to_networkx
from kgbuild.model import IngestResult, PaperExtraction, Quarantined
from kgbuild.sinks.rdf_files import INDEX_FILE, update_rdf_outputs
from kgbuild.sinks.state import RECIPE_FILE, STATE_DIR, CorpusState, ExtractionPlan, save_recipe, save_state
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
# In the state folder: the fingerprint of the corpus whose graph the folder holds, with that run's summary.
RUN_FILE = "run.json"


def write_quarantine(records: Iterable[Quarantined], path: Path) -> int:
    """Write the quarantine report (JSON lines: path, line, stage, reason); a file that already says the same
    is left untouched, so that a run that changes nothing rewrites nothing."""
    lines = [json.dumps({"path": q.path, "line": q.line, "stage": q.stage, "reason": q.reason}, ensure_ascii=False)
             + "\n" for q in records]
    text = "".join(lines).encode("utf-8")
    if not path.exists() or path.read_bytes() != text:
        path.write_bytes(text)
    return len(lines)


def _write_summary(summary: RunSummary, paths: dict[str, Path]) -> None:
    # Names relative to the folder, so that a moved or copied output folder stays self-consistent.
    summary.outputs = dict(OUTPUT_FILES)
    paths["summary_json"].write_text(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    paths["summary_text"].write_text(render_text(summary), encoding="utf-8")


def _run_counts(summary: RunSummary, ingested: IngestResult, plan: ExtractionPlan | None) -> None:
    summary.papers, summary.files = len(ingested.papers), dict(ingested.per_file)
    summary.duplicates, summary.quarantined = ingested.duplicates, len(ingested.quarantined)
    if plan is None:  # no plan: every paper of the run was extracted
        summary.papers_extracted = summary.papers_new = len(ingested.papers)
        summary.papers_reextracted = 0
    else:
        summary.papers_extracted = len(plan.papers)
        summary.papers_new, summary.papers_reextracted = plan.new, plan.reextracted


def up_to_date_summary(out_dir: Path, ingested: IngestResult, plan: ExtractionPlan,
                       fingerprint: str) -> RunSummary | None:
    """The run's summary if the folder already holds the graph of this corpus (same fingerprint, nothing extracted,
    every output present), writing only the summary and quarantine report; None if the folder must be updated."""
    paths = {name: out_dir / filename for name, filename in OUTPUT_FILES.items()}
    run_file = out_dir / STATE_DIR / RUN_FILE
    # A folder from before build recipes were recorded (state/build.json) is written once more to record it.
    recipe = out_dir / STATE_DIR / RECIPE_FILE
    if plan.papers or not run_file.exists() or not recipe.exists() or not all(p.exists() for p in paths.values()):
        return None
    last = json.loads(run_file.read_text(encoding="utf-8"))
    if last.get("fingerprint") != fingerprint:
        return None
    summary = RunSummary(**last["summary"])
    _run_counts(summary, ingested, plan)
    summary.paper_graphs_written, summary.paper_graphs_unchanged = 0, summary.corpus_papers
    summary.graphs_replaced, summary.up_to_date = 0, True
    write_quarantine(ingested.quarantined, paths["quarantine"])
    _write_summary(summary, paths)
    return summary


def write_output_folder(out_dir: Path, ingested: IngestResult, state: CorpusState,
                        extractions: list[PaperExtraction], graph: KnowledgeGraph,
                        plan: ExtractionPlan | None = None, fingerprint: str | None = None,
                        aliases_file: str | None = None, include_generic: bool = False) -> RunSummary:
    """Update the folder's store and files with the graph of the whole corpus, rewriting only what changed.

    `extractions` are the resolved extractions of every paper in `state`; `ingested` is this run's input and
    `plan` what this run extracted of it (default: all). `fingerprint` (`corpus_fingerprint` of the state) is
    recorded last, so that the next run with the same corpus can tell that nothing needs rewriting.
    `aliases_file` and `include_generic` are what the graph was resolved and linked with: recorded (the alias
    file copied into the folder), so that exports and loads of the folder give this graph.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / filename for name, filename in OUTPUT_FILES.items()}
    run_file = paths["state"] / RUN_FILE
    run_file.unlink(missing_ok=True)  # until this run has finished, the folder is not known to be up to date
    paths["state"].mkdir(parents=True, exist_ok=True)
    rdf = update_rdf_outputs(graph, paths["store"], {fmt: paths[name] for name, fmt in RDF_EXPORTS.items()},
                             paths["state"] / INDEX_FILE)
    save_recipe(out_dir, aliases_file, include_generic)
    save_state(state, out_dir)
    write_graphml(to_networkx(graph), paths["graphml"])
    write_jsonl(extractions, paths["extractions"])
    write_quarantine(ingested.quarantined, paths["quarantine"])
    summary = summarise(ingested, extractions, graph, triples=rdf.quads)
    _run_counts(summary, ingested, plan)
    summary.corpus_papers = len(state.papers)
    summary.graphs_replaced = rdf.store.graphs_replaced
    summary.paper_graphs_written, summary.paper_graphs_unchanged = rdf.paper_graphs_written, rdf.paper_graphs_unchanged
    _write_summary(summary, paths)
    if fingerprint is not None:
        run_file.write_text(json.dumps({"fingerprint": fingerprint, "summary": summary.as_dict()}, indent=1,
                                       ensure_ascii=False) + "\n", encoding="utf-8")
    return summary
