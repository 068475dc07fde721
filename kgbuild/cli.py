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
from pathlib import Path

from kgbuild import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    from kgbuild.sources import FORMATS

    parser = argparse.ArgumentParser(prog="kgbuild", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"kgbuild {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("inputs", nargs="+", metavar="INPUT", help="listing files or folders")
        p.add_argument("--format", choices=FORMATS, help="force the input format (default: detect)")
        p.add_argument("--title-field", help="JSONL/CSV field holding the title")
        p.add_argument("--abstract-field", help="JSONL/CSV field holding the abstract")
        p.add_argument("--id-field", help="JSONL/CSV field holding the paper id")
        p.add_argument("--pipeline", help="extraction pipeline: built-in name or saved spaCy pipeline folder")

    build = sub.add_parser("build", help="build the knowledge graph into an output folder (runs the Prefect flow)")
    inputs(build)
    build.add_argument("--out", required=True, type=Path, metavar="DIR")
    build.add_argument("--batch-size", type=int, help="papers per extraction task")

    extract = sub.add_parser("extract", help="extract entities, claims and results to JSONL (no graph)")
    inputs(extract)
    extract.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl")
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
    from flows.build_graph import build_graph_flow
    from kgbuild.sinks import render_text

    summary = build_graph_flow(
        inputs=[str(p) for p in args.inputs], out_dir=str(args.out), input_format=args.format,
        batch_size=args.batch_size, pipeline=args.pipeline,
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


def _run_extract(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from kgbuild.extract import batched, load_extractor, write_jsonl
    from kgbuild.resolve import resolve
    from kgbuild.settings import Settings
    from kgbuild.sinks import write_quarantine
    from kgbuild.sources import FieldNames, ingest

    settings = Settings(**({"pipeline": args.pipeline} if args.pipeline else {}))
    names = FieldNames.with_overrides(settings.title_field, settings.abstract_field, settings.id_field)
    ingested = ingest(args.inputs, args.format, names)
    for record in ingested.quarantined:
        print(f"kgbuild: skipped {record.message()}", file=sys.stderr)
    extractor = load_extractor(settings.pipeline)
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
    print(f"kgbuild: {written} papers extracted to {args.out}")
    return _exit_code(written, len(ingested.quarantined))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _settings_env(args)
    try:
        return _run_build(args) if args.command == "build" else _run_extract(args)
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
