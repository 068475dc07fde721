"""The build flow: ingest → extract (mapped over batches) → resolve → graph → output folder.

The output folder accumulates: its state holds the papers of earlier runs, so resolution and the graph always
cover the folder's whole corpus, and this run's papers replace earlier records of the same id.
The extraction batches run on the flow's threads, or on a Dask cluster (flows/runners.py); everything else runs
in the flow's process.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.runners import completed_results, extraction_runner
from kgbuild.extract import ExtractorSpec, batched, prepare_extractor, shared_extractor
from kgbuild.graph import KnowledgeGraph, build_graph
from kgbuild.model import IngestResult, Paper, PaperExtraction
from kgbuild.resolve import Resolution, load_aliases, resolve
from kgbuild.settings import Settings
from kgbuild.sinks import CorpusState, RunSummary, load_state, render_markdown, write_output_folder
from kgbuild.sinks.files import up_to_date_summary
from kgbuild.sinks.lock import FolderLock
from kgbuild.sinks.neo4j import LEDGER_FILE, LoadReport, load_graph, render_load_markdown
from kgbuild.sinks.state import ExtractionPlan, corpus_fingerprint, save_batch
from kgbuild.sources import FieldNames, identify, ingest

# Stage outputs are large in-memory objects: never hash or persist them as cache keys. They are passed to tasks
# `quote`d, so that Prefect does not walk them looking for futures (seconds per task on a corpus of thousands).
stage = task(cache_policy=NO_CACHE, persist_result=False)
io_stage = task(cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=1)


@io_stage
def ingest_inputs(inputs: list[str], settings: Settings) -> IngestResult:
    names = FieldNames.with_overrides(settings.title_field, settings.abstract_field, settings.id_field)
    result = ingest(inputs, settings.input_format, names)
    logger = get_run_logger()
    for record in result.quarantined:
        logger.warning("quarantined %s", record.message())
    logger.info("ingested %d papers from %d files (%d duplicates merged, %d quarantined)",
                len(result.papers), len(result.per_file), result.duplicates, len(result.quarantined))
    return result


@stage
def extract_batch(batch: list[Paper], spec: ExtractorSpec) -> list[PaperExtraction]:
    # A spec, not the loaded extractor: see kgbuild/extract/spec.py. In the flow's process this is the extractor
    # the flow loaded; a Dask worker loads it on its first batch.
    return shared_extractor(spec).run(batch)


@io_stage
def checkpoint_batch(extractions: list[PaperExtraction], out_dir: str) -> None:
    save_batch(extractions, Path(out_dir))  # a rerun after a crash does not extract this batch again


@io_stage
def load_folder_state(out_dir: str) -> CorpusState:
    return load_state(Path(out_dir))


@stage
def match_known_papers(ingested: IngestResult, state: CorpusState) -> IngestResult:
    """This run's papers under the ids the folder knows them by (kgbuild.sources.identify)."""
    papers = identify(ingested.papers, state.papers.values())
    matched = sum(1 for before, after in zip(ingested.papers, papers, strict=True) if before.id != after.id)
    get_run_logger().info("event=identified papers=%d known_under_another_id=%d", len(papers), matched)
    return replace(ingested, papers=papers)


@stage
def update_corpus(state: CorpusState, ingested: IngestResult, extractions: list[PaperExtraction]) -> CorpusState:
    state.update(ingested.papers, extractions)
    return state


@stage
def check_up_to_date(out_dir: str, ingested: IngestResult, state: CorpusState, plan: ExtractionPlan,
                     settings: Settings) -> tuple[str, RunSummary | None]:
    fingerprint = corpus_fingerprint(state, settings.aliases_file, settings.include_generic)
    summary = up_to_date_summary(Path(out_dir), ingested, plan, fingerprint)
    if summary is not None:
        get_run_logger().info("event=up-to-date corpus_papers=%d fingerprint=%s", len(state.papers), fingerprint[:16])
    return fingerprint, summary


@stage
def resolve_entities(state: CorpusState, settings: Settings) -> Resolution:
    curated = load_aliases(settings.aliases_file) if settings.aliases_file else ()
    resolution = resolve(state.corpus()[1], curated, state.registry)
    get_run_logger().info("event=resolved papers=%d entities=%d", len(state.papers), len(resolution.entities))
    return resolution


@stage
def link_graph(state: CorpusState, resolution: Resolution, settings: Settings) -> KnowledgeGraph:
    return build_graph(state.corpus()[0], resolution.extractions, resolution.entities, settings.include_generic)


@io_stage
def write_outputs(out_dir: str, ingested: IngestResult, state: CorpusState, resolution: Resolution,
                  graph: KnowledgeGraph, plan: ExtractionPlan, fingerprint: str, settings: Settings) -> RunSummary:
    summary = write_output_folder(Path(out_dir), ingested, state, resolution.extractions, graph, plan, fingerprint,
                                  settings.aliases_file, settings.include_generic)
    get_run_logger().info("event=written paper_graphs_written=%d paper_graphs_unchanged=%d triples=%d",
                          summary.paper_graphs_written, summary.paper_graphs_unchanged, summary.triples)
    return summary


@io_stage
def load_into_neo4j(out_dir: str, graph: KnowledgeGraph, settings: Settings) -> LoadReport:
    report = load_graph(graph, settings, Path(out_dir) / LEDGER_FILE)
    get_run_logger().info("event=neo4j-loaded papers_loaded=%d papers_replaced=%d papers_unchanged=%d "
                          "papers_removed=%d entities_written=%d entities_removed=%d rows=%d",
                          report.papers_loaded, report.papers_replaced, report.papers_unchanged,
                          report.papers_removed, report.entities_written, report.entities_removed,
                          report.rows_written)
    return report


@flow(name="kgbuild-build-graph", log_prints=True)
def build_graph_flow(
    inputs: list[str],
    out_dir: str,
    input_format: str | None = None,
    batch_size: int | None = None,
    pipeline: str | None = None,
    aliases_file: str | None = None,
    load_neo4j: bool = False,
    dask_address: str | None = None,
    dask_workers: int | None = None,
) -> RunSummary:
    overrides = {k: v for k, v in (("input_format", input_format), ("batch_size", batch_size),
                                   ("pipeline", pipeline), ("aliases_file", aliases_file),
                                   ("dask_address", dask_address), ("dask_workers", dask_workers)) if v is not None}
    settings = Settings(**overrides)
    ingested = ingest_inputs(inputs, settings)
    # This run owns the folder from reading its state to its last write: a second run waits (kgbuild.sinks.lock).
    with FolderLock(out_dir, settings.lock_wait_seconds, get_run_logger().warning):
        state = load_folder_state(out_dir)
        ingested = match_known_papers(quote(ingested), quote(state))
        spec = prepare_extractor(settings)
        # Incremental: papers whose text and extractor are unchanged since the folder's last run keep their
        # extraction.
        plan = state.plan_extraction(ingested.papers, spec.info)
        get_run_logger().info("event=plan papers=%d new=%d reextracted=%d unchanged=%d", len(ingested.papers),
                              plan.new, plan.reextracted, plan.unchanged)
        batches = list(batched(plan.papers, settings.batch_size))
        with extraction_runner(settings) as runner:
            futures = runner.map(extract_batch, {"batch": batches, "spec": unmapped(spec)})
            # Checkpointed here, in the process that owns the output folder, as each batch comes back.
            for done, batch in enumerate(completed_results(futures), start=1):
                checkpoint_batch(batch, out_dir)
                get_run_logger().info("event=extracted batch=%d/%d papers=%d", done, len(batches), len(batch))
        extractions = [x for batch in futures.result() for x in batch]  # raises the error of a failed batch
        state = update_corpus(quote(state), quote(ingested), quote(extractions))
        # A rerun over the same corpus (nothing new, nothing changed) rewrites nothing.
        fingerprint, summary = check_up_to_date(out_dir, quote(ingested), quote(state), quote(plan), settings)
        if summary is None or load_neo4j:
            resolution = resolve_entities(quote(state), settings)
            graph = link_graph(quote(state), quote(resolution), settings)
        if summary is None:
            summary = write_outputs(out_dir, quote(ingested), quote(state), quote(resolution), quote(graph),
                                    quote(plan), fingerprint, settings)
        # Published before the Neo4j load, so that the run's counts are on record even if the database is down.
        create_markdown_artifact(key="kgbuild-run-summary", markdown=render_markdown(summary),
                                 description="Counts of the kgbuild build run")
        if load_neo4j:  # the database named by KGBUILD_NEO4J_URI; the password from env or a Prefect Secret block
            report = load_into_neo4j(out_dir, quote(graph), settings)
            create_markdown_artifact(key="kgbuild-run-summary",
                                     markdown=render_markdown(summary) + "\n" + render_load_markdown(report),
                                     description="Counts of the kgbuild build run")
    return summary
