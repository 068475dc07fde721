"""The `kgbuild` command: a thin shell over the stage functions and the Prefect flow.

Exit codes: 0 every input record was used; 3 partial success (some records
were quarantined, the rest were processed); 1 nothing usable or an error;
2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from kgbuild import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _selection_flags(parser: argparse.ArgumentParser) -> None:
    select = parser.add_argument_group("subgraph selection (see README 'Subgraph exports')")
    select.add_argument("--entity", action="append", default=[], metavar="NAME",
                        help="seed entity: name, alias, node id or IRI (repeatable)")
    select.add_argument("--hops", type=int, default=1, help="hops from the seeds, both directions (default 1)")
    select.add_argument("--types", metavar="KIND,...", help="node kinds to keep, e.g. Method,Dataset (Papers "
                                                             "linking two kept nodes stay)")
    select.add_argument("--edge-types", metavar="KIND,...", help="edge kinds to follow and keep, e.g. USES,PROPOSES")
    select.add_argument("--since", metavar="DATE", help="papers dated from this ISO year, year-month or date")
    select.add_argument("--until", metavar="DATE", help="papers dated up to this ISO year, year-month or date")
    select.add_argument("--min-confidence", type=float, metavar="X", help="drop edges, claims, results under X")
    select.add_argument("--min-support", type=int, metavar="N", help="drop entities named by fewer than N papers")
    select.add_argument("--text", help="seed the papers whose title or abstract contains this text")
    select.add_argument("--sparql", type=Path, metavar="FILE.rq", help="seed the nodes a SPARQL SELECT returns")
    select.add_argument("--cypher", type=Path, metavar="FILE.cypher",
                        help="seed the nodes (or `id` values) a Cypher query returns on Neo4j (KGBUILD_NEO4J_URI)")
    select.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter of the saved query (repeatable; <iri> for a SPARQL IRI)")


def _parser() -> argparse.ArgumentParser:
    from kgbuild.sources import FORMATS

    parser = argparse.ArgumentParser(prog="kgbuild", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"kgbuild {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("inputs", nargs="+", metavar="INPUT", help="listing files, folders or (quoted) globs")
        p.add_argument("--format", choices=FORMATS, help="force the input format (default: detect)")
        p.add_argument("--title-field", help="JSONL/CSV field holding the title")
        p.add_argument("--abstract-field", help="JSONL/CSV field holding the abstract")
        p.add_argument("--id-field", help="JSONL/CSV field holding the paper id")
        p.add_argument("--pipeline", help="extraction pipeline: built-in name or saved spaCy pipeline folder")

    build = sub.add_parser("build", help="build the knowledge graph into an output folder (runs the Prefect flow)")
    inputs(build)
    build.add_argument("--out", required=True, type=Path, metavar="DIR")
    build.add_argument("--batch-size", type=int, help="papers per extraction task")
    build.add_argument("--aliases", type=Path, metavar="FILE",
                       help="curated alias file (YAML or CSV) applied to entity resolution")
    build.add_argument("--load-neo4j", action="store_true",
                       help="also load the graph into Neo4j (KGBUILD_NEO4J_URI, KGBUILD_NEO4J_PASSWORD)")
    scale = build.add_mutually_exclusive_group()
    scale.add_argument("--dask-address", metavar="ADDRESS",
                       help="run the extraction batches on this Dask scheduler, e.g. tcp://host:8786 "
                            "(KGBUILD_DASK_ADDRESS)")
    scale.add_argument("--dask-workers", type=int, metavar="N",
                       help="run the extraction batches on a local Dask cluster of N worker processes "
                            "(KGBUILD_DASK_WORKERS)")

    serve = sub.add_parser("serve", help="serve the build flow to a Prefect server (PREFECT_API_URL), on a cron")
    inputs(serve)
    serve.add_argument("--out", required=True, type=Path, metavar="DIR")
    serve.add_argument("--cron", help='schedule, e.g. "0 3 * * *" (default: runs only when started from the server)')
    serve.add_argument("--name", default="kgbuild", help="deployment name (default: kgbuild)")
    serve.add_argument("--batch-size", type=int, help="papers per extraction task")
    serve.add_argument("--aliases", type=Path, metavar="FILE", help="curated alias file applied to every run")
    serve.add_argument("--load-neo4j", action="store_true",
                       help="also load each run's graph into Neo4j (KGBUILD_NEO4J_URI, KGBUILD_NEO4J_PASSWORD)")

    extract = sub.add_parser("extract", help="extract entities, claims and results to JSONL (no graph)")
    inputs(extract)
    extract.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl")

    evaluate = sub.add_parser("eval", help="measure extraction quality on the gold dev splits")
    evaluate.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"), help="gold data folder")
    evaluate.add_argument("--pipeline", action="append", dest="pipelines", metavar="PIPELINE",
                          help="pipeline to measure (repeatable; default: the configured one)")
    evaluate.add_argument("--out", type=Path, default=Path("docs/quality.md"), help="markdown report to write")
    evaluate.add_argument("--notes", type=Path, help="markdown appended to the report (e.g. the experiment log)")

    sparql = sub.add_parser("sparql", help="run a SPARQL query on an output folder's RDF store")
    sparql.add_argument("query", help="the query text, or a .rq file (e.g. queries/methods_by_papers.rq)")
    sparql.add_argument("--store", required=True, type=Path, metavar="DIR", help="output folder of kgbuild build")
    sparql.add_argument("--bind", action="append", default=[], metavar="NAME=VALUE",
                        help="bind ?NAME to a value: <iri>, or a string (repeatable)")
    sparql.add_argument("--results", choices=("tsv", "csv", "json"), default="tsv", help="SELECT result format")

    export = sub.add_parser("export", help="write an output folder's graph, or a subgraph of it, in one format",
                            description="With no selection flag, the whole graph: ttl, nt, trig, nq, jsonld from "
                                        "the RDF store, neo4j-csv for neo4j-admin, graphml, gexf, json, csv from "
                                        "the graph. With selection flags, the subgraph they select (formats "
                                        "graphml, gexf, json, csv, ttl, jsonld); see README 'Subgraph exports'.")
    export.add_argument("store", type=Path, metavar="DIR", help="output folder of kgbuild build")
    export.add_argument("--format", required=True,
                        choices=("ttl", "nt", "trig", "nq", "jsonld", "neo4j-csv", "graphml", "gexf", "json", "csv"),
                        help="an RDF serialisation, neo4j-csv (CSVs and import.sh for neo4j-admin), graphml, gexf, "
                             "json (networkx node-link) or csv (a folder: nodes.csv, edges.csv)")
    export.add_argument("--out", required=True, type=Path, metavar="FILE|DIR")
    _selection_flags(export)

    report = sub.add_parser("report", help="write a visual HTML report of an output folder's graph (works offline)")
    report.add_argument("store", type=Path, metavar="DIR", help="output folder of kgbuild build")
    report.add_argument("--out", required=True, type=Path, metavar="OUTDIR", help="folder for index.html and its files")
    report.add_argument("--title", help="page title (default: the output folder's name)")
    report.add_argument("--max-nodes", type=int, metavar="N",
                        help="draw at most N nodes, the best connected (default: 250); the tables cover all")
    _selection_flags(report)

    load = sub.add_parser("load", help="load an output folder's graph into a database")
    load.add_argument("target", choices=("neo4j",))
    load.add_argument("--from", dest="source", required=True, type=Path, metavar="DIR",
                      help="output folder of kgbuild build")
    load.add_argument("--batch-size", type=int, help="rows per UNWIND batch (KGBUILD_NEO4J_BATCH_SIZE)")
    load.add_argument("--aliases", type=Path, metavar="FILE", help="the alias file the build used, if any")

    neo4j = sub.add_parser("neo4j", help="Neo4j administration")
    neo4j.add_argument("action", choices=("init",), help="init: create constraints and indexes (idempotent)")

    train = sub.add_parser("train", help="rebuild the trained pipeline from configs/ and the gold train splits")
    train.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"), help="gold data folder")
    train.add_argument("--work", type=Path, default=Path("build/train"), help="folder for corpora and checkpoints")
    train.add_argument("--out", type=Path, default=None, help="where to save the pipeline (default: shipped one)")
    train.add_argument("--entities-config", type=Path, help="spaCy config of the entity model (default: shipped)")
    train.add_argument("--max-steps", type=int, help="stop each model after this many steps (smoke runs)")
    train.add_argument("--tdmsci-repeat", type=int, default=None,
                       help="times the TDMSci train sentences are used (default: the shipped mix)")
    train.add_argument("--scirex-sections", type=int, default=None,
                       help="leading sections of each SciREX paper to train on (default: the shipped mix)")
    return parser


def _settings_env(args: argparse.Namespace) -> None:
    # CLI flags are one more source for the settings object, read as KGBUILD_* variables.
    for name in ("title_field", "abstract_field", "id_field"):
        value = getattr(args, name, None)
        if value:
            os.environ[f"KGBUILD_{name.upper()}"] = value


def _exit_code(papers: int, quarantined: int) -> int:
    if papers == 0:
        return EXIT_FAILED
    return EXIT_PARTIAL if quarantined else EXIT_OK


def _run_build(args: argparse.Namespace) -> int:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A first run on a fresh Prefect home migrates the temporary server's database: on 2 busy cores that took
    # longer than Prefect's 20 s default and failed the build before it started.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from flows.build_graph import build_graph_flow
    from kgbuild.sinks import render_text

    summary = build_graph_flow(
        inputs=[str(p) for p in args.inputs], out_dir=str(args.out), input_format=args.format,
        batch_size=args.batch_size, pipeline=args.pipeline,
        aliases_file=str(args.aliases) if args.aliases else None, load_neo4j=args.load_neo4j,
        dask_address=args.dask_address, dask_workers=args.dask_workers,
    )
    print(f"\nkgbuild: graph written to {args.out}/")
    for name, filename in summary.outputs.items():
        print(f"  {name:<13} {args.out / filename}")
    print()
    print(render_text(summary), end="")
    if summary.quarantined:
        report = args.out / summary.outputs["quarantine"]
        print(f"\n{summary.quarantined} input record(s) skipped: see {report}", file=sys.stderr)
    return _exit_code(summary.papers, summary.quarantined)


def _run_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.serve import serve

    # Globs are passed on unexpanded: each scheduled run matches them again. Runs inherit this process's
    # environment, so the --*-field flags (set as KGBUILD_* by _settings_env) apply to them too.
    serve([str(p) for p in args.inputs], str(args.out), cron=args.cron, name=args.name, batch_size=args.batch_size,
          input_format=args.format, pipeline=args.pipeline, aliases_file=str(args.aliases) if args.aliases else None,
          load_neo4j=args.load_neo4j)
    return EXIT_OK


def _run_extract(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from kgbuild.extract import batched, load_extractor, write_jsonl
    from kgbuild.resolve import resolve
    from kgbuild.settings import Settings
    from kgbuild.sinks import write_quarantine
    from kgbuild.sources import FieldNames, read_records

    settings = Settings(**({"pipeline": args.pipeline} if args.pipeline else {}))
    names = FieldNames.with_overrides(settings.title_field, settings.abstract_field, settings.id_field)
    # One object per input record, in input order: merging records of one paper is `build`'s job.
    ingested = read_records(args.inputs, args.format, names)
    for record in ingested.quarantined:
        print(f"kgbuild: skipped {record.message()}", file=sys.stderr)
    extractor = load_extractor(settings=settings)
    extractions = []
    with Progress(transient=True) as progress:
        bar = progress.add_task("extracting", total=len(ingested.papers))
        for batch in batched(ingested.papers, settings.batch_size):
            extractions.extend(extractor.run(batch))
            progress.advance(bar, len(batch))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    written = write_jsonl(resolve(extractions).extractions, args.out)
    if ingested.quarantined:
        report = args.out.with_suffix(".quarantine.jsonl")
        write_quarantine(ingested.quarantined, report)
        print(f"kgbuild: {len(ingested.quarantined)} record(s) skipped, listed in {report}", file=sys.stderr)
    print(f"kgbuild: {written} records extracted to {args.out}")
    return _exit_code(written, len(ingested.quarantined))


def _run_eval(args: argparse.Namespace) -> int:
    from kgbuild.evaluation.aliases import render_alias_section
    from kgbuild.evaluation.evaluate import evaluate
    from kgbuild.evaluation.report import headline, render
    from kgbuild.extract import load_extractor
    from kgbuild.settings import Settings

    evaluations = []
    for pipeline in args.pipelines or [Settings().pipeline]:
        evaluation = evaluate(load_extractor(pipeline), args.eval_dir)
        evaluations.append(evaluation)
        print(f"{evaluation.pipeline}:")
        for key, value in headline(evaluation).items():
            print(f"  {key:<58} {value:5.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    notes = args.notes.read_text(encoding="utf-8") if args.notes else ""
    # Entity resolution is measured on alias pairs from the same shared folder (gazetteer, SciERC clusters).
    sections = [render_alias_section(args.eval_dir.parent)]
    args.out.write_text(render(evaluations, notes, sections), encoding="utf-8")
    print(f"kgbuild: report written to {args.out}")
    return EXIT_OK


def _run_train(args: argparse.Namespace) -> int:
    from kgbuild.extract.pipeline import SHIPPED_PIPELINES
    from kgbuild.training.train import SCIREX_SECTIONS, TDMSCI_REPEAT, TRAINED_PIPELINE, train

    out = args.out or SHIPPED_PIPELINES / TRAINED_PIPELINE
    configs = {"entities": args.entities_config} if args.entities_config else None
    train(args.eval_dir, args.work, out, configs=configs, max_steps=args.max_steps,
          tdmsci_repeat=args.tdmsci_repeat or TDMSCI_REPEAT, scirex_sections=args.scirex_sections or SCIREX_SECTIONS,
          log=lambda line: print(f"kgbuild: {line}"))
    return EXIT_OK


def _open_store(folder: Path):
    from kgbuild.sinks import STORE_DIR, GraphStore

    if not (folder / STORE_DIR).is_dir():
        raise FileNotFoundError(f"{folder}: no RDF store here (expected {folder / STORE_DIR}/ from kgbuild build)")
    return GraphStore(folder / STORE_DIR, read_only=True)


def _run_sparql(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    text = Path(args.query).read_text(encoding="utf-8") if args.query.endswith(".rq") else args.query
    bindings = {}
    for item in args.bind:
        name, sep, value = item.partition("=")
        if not sep or not name:
            print(f"kgbuild: --bind {item!r}: expected NAME=VALUE", file=sys.stderr)
            return EXIT_USAGE
        is_iri = value.startswith("<") and value.endswith(">")
        bindings[name.lstrip("?")] = ox.NamedNode(value[1:-1]) if is_iri else ox.Literal(value)
    result = _open_store(args.store).query(text, bindings)
    out = sys.stdout.buffer
    if isinstance(result, ox.QuerySolutions):
        formats = {"tsv": ox.QueryResultsFormat.TSV, "csv": ox.QueryResultsFormat.CSV,
                   "json": ox.QueryResultsFormat.JSON}
        result.serialize(out, formats[args.results])
    elif isinstance(result, ox.QueryBoolean):
        out.write(b"true\n" if bool(result) else b"false\n")
    else:
        result.serialize(out, ox.RdfFormat.TURTLE)
    out.flush()
    return EXIT_OK


SELECTION_FLAGS = ("entity", "types", "edge_types", "since", "until", "min_confidence", "min_support", "text",
                   "sparql", "cypher", "param")


def _has_selection(args: argparse.Namespace) -> bool:
    return any(getattr(args, name) for name in SELECTION_FLAGS)


def _kinds(text: str | None) -> tuple[str, ...] | None:
    return tuple(k.strip() for k in text.split(",") if k.strip()) if text else None


def _selected(args: argparse.Namespace):
    """The subgraph an export or report's selection flags select from the output folder's graph."""
    from kgbuild.export.select import GraphIndex, SubgraphQuery, select_subgraph
    from kgbuild.sinks.saved_queries import saved_query_seeds

    query = SubgraphQuery(entities=tuple(args.entity), hops=args.hops, node_kinds=_kinds(args.types),
                          edge_kinds=_kinds(args.edge_types), since=args.since, until=args.until,
                          min_confidence=args.min_confidence, min_support=args.min_support, text=args.text)
    index = GraphIndex(_folder_graph(args.store))
    seeds = saved_query_seeds(index, args.store, args.sparql, args.cypher, args.param)
    if seeds is not None:
        query = replace(query, node_ids=tuple(seeds))
    return select_subgraph(index, query)


def _run_subgraph_export(args: argparse.Namespace) -> int:
    from kgbuild.export.subgraph import SUBGRAPH_FORMATS, write_subgraph

    if args.format not in SUBGRAPH_FORMATS:
        raise ValueError(f"--format {args.format} is a whole-store format; a subgraph is written as one of "
                         f"{', '.join(SUBGRAPH_FORMATS)}")
    subgraph = _selected(args)
    files = write_subgraph(subgraph, args.out, args.format)
    print(f"kgbuild: selected {subgraph.describe()}".replace("\n", "\n         "))
    print(f"kgbuild: {args.format} written to {', '.join(str(f) for f in files)}")
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    if _has_selection(args) or args.format in ("graphml", "gexf", "json", "csv"):
        try:
            return _run_subgraph_export(args)
        except (ValueError, FileNotFoundError) as error:
            print(f"kgbuild: export: {error}", file=sys.stderr)
            return EXIT_USAGE
    if args.format == "neo4j-csv":
        from kgbuild.export.neo4j_csv import write_neo4j_csv

        script = write_neo4j_csv(_folder_graph(args.store, getattr(args, "aliases", None)), args.out)
        print(f"kgbuild: neo4j-admin CSVs written to {args.out}; import with {script}")
        return EXIT_OK
    args.out.parent.mkdir(parents=True, exist_ok=True)
    _open_store(args.store).export(args.out, args.format)
    print(f"kgbuild: {args.format} written to {args.out}")
    return EXIT_OK


def _run_report(args: argparse.Namespace) -> int:
    from kgbuild.export.report import write_report

    if args.max_nodes is not None and args.max_nodes < 1:
        print(f"kgbuild: --max-nodes {args.max_nodes}: expected a positive number of nodes", file=sys.stderr)
        return EXIT_USAGE
    if _has_selection(args):
        try:
            subgraph = _selected(args)
        except ValueError as error:
            print(f"kgbuild: report: {error}", file=sys.stderr)
            return EXIT_USAGE
        graph, seeds = subgraph.networkx(), subgraph.seeds
    else:
        from kgbuild.graph.convert import to_networkx

        graph, seeds = to_networkx(_folder_graph(args.store)), ()
    title = args.title or f"kgbuild report: {args.store.resolve().name}"
    options = {"max_nodes": args.max_nodes} if args.max_nodes else {}
    summary = write_report(graph, args.out, title=title, seeds=seeds, **options)
    drawn = "all" if summary.nodes_drawn == summary.nodes_total else f"{summary.nodes_drawn:,} of"
    print(f"kgbuild: report written to {summary.index} ({drawn} {summary.nodes_total:,} nodes drawn; "
          f"{summary.entities:,} entities, {summary.communities} communities, "
          f"{summary.leaderboard_rows} leaderboard rows)")
    return EXIT_OK


def _folder_graph(folder: Path, aliases: Path | None = None):
    """An output folder's graph as its build made it (its recorded alias file and generic-entity setting).
    `aliases`, when given, must be the alias file the build used: another one needs a new build."""
    from kgbuild.sinks import folder_graph
    from kgbuild.sinks.state import load_recipe

    if aliases is not None:
        recipe = load_recipe(folder)
        if recipe.aliases is None or recipe.aliases.read_bytes() != Path(aliases).read_bytes():
            used = recipe.aliases_source or "no alias file"
            raise ValueError(f"{folder} was built with {used}, not {aliases}: rebuild with `kgbuild build … --out "
                             f"{folder} --aliases {aliases}` to apply it")
    return folder_graph(folder)


def _run_load(args: argparse.Namespace) -> int:
    from kgbuild.settings import Settings
    from kgbuild.sinks.neo4j import LEDGER_FILE, load_graph

    settings = Settings(**({"neo4j_batch_size": args.batch_size} if args.batch_size else {}))
    report = load_graph(_folder_graph(args.source, args.aliases), settings, args.source / LEDGER_FILE)
    print(f"kgbuild: {report.papers_loaded} papers loaded ({report.papers_replaced} replaced), "
          f"{report.papers_unchanged} unchanged, {report.papers_removed} removed; {report.entities_written} "
          f"entities written, {report.entities_removed} removed; {report.batches_run} batches, "
          f"{report.rows_written} rows")
    return EXIT_OK


def _run_neo4j(args: argparse.Namespace) -> int:
    from kgbuild.settings import Settings
    from kgbuild.sinks.neo4j import configured_runner, init_schema, redact

    settings = Settings()
    with configured_runner(settings) as runner:
        statements = init_schema(runner)
    print(f"kgbuild: {len(statements)} constraints and indexes ensured on {redact(settings.neo4j_uri)}")
    return EXIT_OK


COMMANDS = {"build": _run_build, "serve": _run_serve, "extract": _run_extract, "eval": _run_eval, "train": _run_train,
            "sparql": _run_sparql, "export": _run_export, "report": _run_report, "load": _run_load,
            "neo4j": _run_neo4j}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _settings_env(args)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("KGBUILD_DEBUG"):
            raise
        print(f"kgbuild: error: {type(exc).__name__}: {exc} (set KGBUILD_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("kgbuild: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
