"""Extraction speed: `kgbuild extract`'s code path against plain `nlp.pipe` of the same pipeline.

    python bench/extract_speed.py [--pipeline NAME] [--abstracts 2000] [--eval-dir ../shared/eval]

Abstracts: the bundled sample corpus, then CSAbstruct and SciERC train abstracts, up to --abstracts.
Each measurement runs in a fresh subprocess (so its peak RSS is its own), with n_process 1 and 2;
the ratio extract/pipe is the number the project holds to (≤ 1.3). Writes a section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(eval_dir: Path, limit: int) -> list[dict]:
    from kgbuild.evaluation.gold import read_csabstruct, read_scierc
    from kgbuild.sources import ingest

    records = [{"id": p.id, "title": p.title, "abstract": p.abstract} for p in ingest([ROOT / "sample"]).papers]
    records += [{"id": a[0].abstract_id, "title": "", "abstract": " ".join(s.text for s in a)}
                for a in read_csabstruct(eval_dir / "csabstruct" / "train.jsonl")]
    records += [{"id": g.id, "title": "", "abstract": g.text} for g in read_scierc(eval_dir / "scierc" / "train.json")]
    if len(records) < limit:
        sys.exit(f"only {len(records)} abstracts available, {limit} asked for")
    return records[:limit]


def measure(mode: str, pipeline: str, n_process: int, data: Path) -> dict:
    """Run in a subprocess: time one pass of `mode` over the corpus, after a warm-up on 20 abstracts."""
    from kgbuild.extract import Extractor, load_pipeline, write_jsonl
    from kgbuild.extract.extractor import joined_text
    from kgbuild.model import Paper, SourceRef
    from kgbuild.resolve import resolve

    records = [json.loads(line) for line in data.read_text().splitlines()]
    papers = [Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source=SourceRef(str(data), i, "jsonl"))
              for i, r in enumerate(records, start=1)]
    nlp = load_pipeline(pipeline)
    extractor = Extractor(nlp, batch_size=64, n_process=n_process)
    texts = [joined_text(p.title, p.abstract) for p in papers]
    list(nlp.pipe(texts[:20]))
    start = time.perf_counter()
    if mode == "pipe":
        for _ in nlp.pipe(texts, batch_size=64, n_process=n_process):
            pass
    else:
        with tempfile.TemporaryDirectory() as tmp:
            write_jsonl(resolve(extractor.run(papers)).extractions, Path(tmp) / "out.jsonl")
    seconds = time.perf_counter() - start
    rss_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    words = sum(len(t.split()) for t in texts)
    return {"mode": mode, "n_process": n_process, "seconds": seconds, "papers_per_s": len(texts) / seconds,
            "words_per_s": words / seconds, "peak_rss_mib": rss_kib / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", default=None)
    parser.add_argument("--abstracts", type=int, default=2000)
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--measure", nargs=4, metavar=("MODE", "PIPELINE", "N_PROCESS", "DATA"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        mode, pipeline, n_process, data = args.measure
        print(json.dumps(measure(mode, pipeline, int(n_process), Path(data))))
        return
    from kgbuild.settings import Settings

    pipeline = args.pipeline or Settings().pipeline
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "abstracts.jsonl"
        data.write_text("".join(json.dumps(r) + "\n" for r in corpus(args.eval_dir, args.abstracts)))
        for n_process in (1, 2):
            for mode in ("pipe", "extract"):
                done = subprocess.run([sys.executable, __file__, "--measure", mode, pipeline, str(n_process),
                                       str(data)], capture_output=True, text=True, check=True)
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(rows[-1], flush=True)
    lines = [f"## Extraction speed ({pipeline}, {args.abstracts} abstracts)", "",
             "`bench/extract_speed.py`: plain `nlp.pipe` of the pipeline against `kgbuild extract`'s code path",
             "(Extractor → resolve → JSONL) on the same abstracts, each in a fresh process on this machine",
             f"({os.cpu_count()} cores). The project's bars: extract ≥ 40 abstracts/s on 2 cores, ratio ≤ 1.3.", "",
             "| n_process | mode | papers/s | words/s | peak RSS (MiB) | extract / pipe time |",
             "|---:|---|---:|---:|---:|---:|"]
    for row in rows:
        base = next(r for r in rows if r["n_process"] == row["n_process"] and r["mode"] == "pipe")
        lines.append(f"| {row['n_process']} | {row['mode']} | {row['papers_per_s']:.1f} | {row['words_per_s']:.0f} | "
                     f"{row['peak_rss_mib']:.0f} | {row['seconds'] / base['seconds']:.2f} |")
    section = "\n".join(lines) + "\n"
    print(section)
    _write_section(args.out, f"## Extraction speed ({pipeline},", section)


def _write_section(path: Path, heading_prefix: str, section: str) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, keeping the others."""
    header = "# Benchmarks\n\nRatios against a baseline measured in the same run.\n"
    text = path.read_text() if path.exists() else header
    parts = text.split("\n## ")
    kept = [parts[0]] + [p for p in parts[1:] if not f"## {p}".startswith(heading_prefix)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n## ".join(kept).rstrip("\n") + "\n\n" + section)


if __name__ == "__main__":
    main()
