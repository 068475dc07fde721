"""The `kgbuild` command as a user runs it: a real subprocess, real files, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from handmade import (
    CORPUS,
    LORA_PAPER,
    PAPER_IDS,
    PIPELINE_NAME,
    PIPELINE_VERSION,
    QA_PAPER,
    VIT_PAPER,
    VIT_TITLE,
)

from kgbuild import __version__

# Names the hand-made pipeline knows (tests/handmade.py): DETR, object detection, Faster R-CNN, mAP, COCO.
ABSTRACT = ("We present DETR, which treats object detection as set prediction, and we show that it outperforms "
            "Faster R-CNN by 1.2 mAP on COCO while keeping every record traceable to its source file and line, so "
            "that nothing that users give us is ever lost silently during ingestion.")


def kgbuild(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", **(env or {})}
    return subprocess.run([sys.executable, "-m", "kgbuild.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def test_version():
    done = kgbuild("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"kgbuild {__version__}")


def test_extract_writes_the_contract_in_input_order_and_keeps_ids(handmade_pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": pid, "title": title, "abstract": f"{ABSTRACT} {pid}."}) + "\n"
                              for pid, title in (("z-9", "Detection as Set Prediction"), ("a-1", ""),
                                                 ("m-5", "Third"), ("z-9", "Detection as Set Prediction"))))
    out = tmp_path / "out" / "x.jsonl"
    done = kgbuild("extract", str(source), "--pipeline", handmade_pipeline, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"4 records extracted to {out}" in done.stdout
    records = [json.loads(line) for line in out.read_text().splitlines()]
    # One object per record, the repeated one too: merging records is build's job.
    assert [(r["id"], r["title"]) for r in records] == [("z-9", "Detection as Set Prediction"), ("a-1", ""),
                                                        ("m-5", "Third"), ("z-9", "Detection as Set Prediction")]
    for r in records:
        for e in r["entities"]:
            assert r[e["field"]][e["start"]:e["end"]] == e["text"]
    assert [(e["type"], e["text"], e["field"], e["start"]) for e in records[0]["entities"]] == [
        ("Method", "DETR", "abstract", 11), ("Task", "object detection", "abstract", 30),
        ("Method", "Faster R-CNN", "abstract", 98), ("Metric", "mAP", "abstract", 118),
        ("Dataset", "COCO", "abstract", 125)]
    # One claim, the abstract's first sentence (not the id after it): "we present" (a contribution, 0.8) loses to
    # "outperforms", the "Faster" of Faster R-CNN and "we show" (a finding, 1 - 0.2 * 0.4 * 0.25).
    assert [(c["type"], c["start"], c["end"], c["confidence"]) for c in records[1]["claims"]] == [
        ("finding", 0, 270, 0.98)]
    assert records[0]["extractor"]["name"] == PIPELINE_NAME and records[3] == records[0]


def test_extract_resolves_within_the_file(handmade_pipeline, tmp_path):
    out = tmp_path / "x.jsonl"
    done = kgbuild("extract", str(CORPUS), "--pipeline", handmade_pipeline, "--out", str(out))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    # Eight records: the eighth lists the third paper again.
    assert [r["id"] for r in records] == [*PAPER_IDS, VIT_PAPER]
    assert {(r["extractor"]["name"], r["extractor"]["version"]) for r in records} == {(PIPELINE_NAME,
                                                                                       PIPELINE_VERSION)}
    # Paper 1 defines LoRA; papers 2 and 3 (and 3's second listing) write it bare: every mention is LoRA's.
    assert [(r["id"], m["canonical"]) for r in records for m in r["entities"] if m["text"] == "LoRA"] == [
        *[(LORA_PAPER, "LoRA")] * 3, *[(QA_PAPER, "LoRA")] * 3, *[(VIT_PAPER, "LoRA")] * 6]
    assert {m["canonical"] for m in records[0]["entities"] if m["text"] == "Low-Rank Adaptation"} == {"LoRA"}


def test_extract_with_bad_lines_is_a_partial_success(handmade_pipeline, tmp_path):
    source = tmp_path / "mixed.jsonl"
    source.write_text(json.dumps({"id": "ok", "abstract": ABSTRACT}) + "\n" + "{not json\n"
                      + json.dumps({"id": "no-abstract", "title": "x"}) + "\n")
    out = tmp_path / "x.jsonl"
    done = kgbuild("extract", str(source), "--pipeline", handmade_pipeline, "--out", str(out))
    assert done.returncode == 3
    assert f"kgbuild: skipped {source}:2: broken JSON line" in done.stderr
    assert f"kgbuild: skipped {source}:3: record has no abstract" in done.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok"]
    report = [json.loads(line) for line in (tmp_path / "x.quarantine.jsonl").read_text().splitlines()]
    assert [r["line"] for r in report] == [2, 3]


def test_nothing_usable_fails_with_one_clear_line(handmade_pipeline, tmp_path):
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    done = kgbuild("extract", str(binary), "--pipeline", handmade_pipeline, "--out", str(tmp_path / "x.jsonl"))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"kgbuild: skipped {binary}: binary file (contains NUL bytes), not a text listing")
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2():
    done = kgbuild("build", "somewhere")
    assert done.returncode == 2
    assert "--out" in done.stderr


def test_build_prints_outputs_and_summary_and_signals_partial_success(handmade_pipeline, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    out = tmp_path / "graph"
    done = kgbuild("build", str(CORPUS), str(tmp_path / "empty.txt"), "--out", str(out), "--pipeline",
                   handmade_pipeline)
    assert done.returncode == 3, done.stderr
    assert f"kgbuild: graph written to {out}/" in done.stdout
    assert f"turtle        {out / 'graph.ttl'}" in done.stdout
    for line in (r"papers +7", r"duplicates merged +1", r"quarantined +1", r"Method entities \(mentions\) +11 \(40\)",
                 r"Task entities \(mentions\) +5 \(5\)", r"contribution claims +6", r"finding claims +13",
                 r"results +10", r"nodes +63", r"edges +125"):
        assert re.search(rf"^{line}$", done.stdout, re.MULTILINE), line
    triples = json.loads((out / "summary.json").read_text())["triples"]
    assert re.search(rf"^RDF triples +{triples}$", done.stdout, re.MULTILINE)
    assert f"1 input record(s) skipped: see {out / 'quarantine.jsonl'}" in done.stderr
    assert "Traceback" not in done.stderr
    for filename in ("graph.ttl", "graph.graphml", "extractions.jsonl", "summary.json", "summary.txt"):
        assert (out / filename).stat().st_size > 0


def test_sparql_runs_saved_queries_with_bound_values(handmade_build):
    out, summary = handmade_build
    done = kgbuild("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(out), "--results", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"] == str(summary.triples)

    queries = Path(__file__).resolve().parents[1] / "queries"
    done = kgbuild("sparql", str(queries / "findings_about_method.rq"), "--store", str(out), "--bind", "method=LoRA",
                   "--results", "csv")
    assert done.returncode == 0, done.stderr
    header, *rows = list(csv.reader(io.StringIO(done.stdout)))
    assert header == ["method", "methodName", "paperId", "title", "finding", "confidence"]
    # The four findings about LoRA, most confident first (papers 3, 1, 2, 2).
    assert [tuple(row[2:]) for row in rows] == [
        (VIT_PAPER, VIT_TITLE, "On ImageNet, ScaLoRA reaches 85.2% top-1 accuracy and outperforms LoRA.", "0.92"),
        (LORA_PAPER, "LoRA: Low-Rank Adaptation of Large Language Models",
         "Applied to RoBERTa, LoRA reaches 82.1% accuracy on GLUE while training far fewer parameters.", "0.84"),
        (QA_PAPER, "Parameter-Efficient Fine-Tuning for Extractive Question Answering",
         "LoRA also trains 40% fewer parameters than adapter tuning.", "0.84"),
        (QA_PAPER, "Parameter-Efficient Fine-Tuning for Extractive Question Answering",
         "LoRA obtains 91.3 F1 score on SQuAD, higher than the 90.8 F1 score of adapter tuning.", "0.6"),
    ]
    assert {tuple(row[:2]) for row in rows} == {("LoRA", "LoRA")}
    # The long form is an alias: it finds the same method.
    done = kgbuild("sparql", str(queries / "findings_about_method.rq"), "--store", str(out),
                   "--bind", "method=low-rank adaptation", "--results", "csv")
    assert [row[2:] for row in list(csv.reader(io.StringIO(done.stdout)))[1:]] == [row[2:] for row in rows]
    # A value is a value: quotes and braces in it cannot change the query.
    done = kgbuild("sparql", str(queries / "findings_about_method.rq"), "--store", str(out),
                   "--bind", 'method=LoRA" } UNION { ?s ?p ?o } #', "--results", "csv")
    assert (done.returncode, done.stdout.splitlines()[1:]) == (0, [])


def test_sparql_reports_a_missing_store_and_a_bad_binding(tmp_path):
    done = kgbuild("sparql", "ASK { ?s ?p ?o }", "--store", str(tmp_path))
    assert done.returncode == 1
    assert f"{tmp_path}: no RDF store here" in done.stderr
    done = kgbuild("sparql", "ASK { ?s ?p ?o }", "--store", str(tmp_path), "--bind", "novalue")
    assert (done.returncode, done.stderr.strip()) == (2, "kgbuild: --bind 'novalue': expected NAME=VALUE")


def test_export_writes_n_quads_from_the_store(handmade_build, tmp_path):
    import rdflib

    out, summary = handmade_build
    target = tmp_path / "graph.nq"
    done = kgbuild("export", str(out), "--format", "nq", "--out", str(target))
    assert done.returncode == 0, done.stderr
    dataset = rdflib.Dataset().parse(target, format="nquads")
    assert len(set(dataset.quads())) == summary.triples


def test_report_writes_an_offline_page_of_the_whole_graph(handmade_build, tmp_path):
    out, _ = handmade_build
    target = tmp_path / "report"
    done = kgbuild("report", str(out), "--out", str(target), "--title", "Hand-made <corpus>", "--max-nodes", "20")
    assert done.returncode == 0, done.stderr
    # 63 nodes, 27 of them entities; 8 results name a dataset and a metric.
    drawn = re.fullmatch(rf"kgbuild: report written to {re.escape(str(target / 'index.html'))} \((\d+) of 63 nodes "
                         r"drawn; 27 entities, \d+ communities, 8 leaderboard rows\)\n", done.stdout)
    assert drawn and 0 < int(drawn.group(1)) <= 20
    page = (target / "index.html").read_text(encoding="utf-8")
    assert "<title>Hand-made &lt;corpus&gt;</title>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from the network
    assert (target / "vendor" / "cytoscape.min.js").stat().st_size > 400_000
    assert (target / "trends.svg").is_file()


def test_report_of_a_selected_neighbourhood_draws_all_of_it(handmade_build, tmp_path):
    out, _ = handmade_build
    target = tmp_path / "lora"
    done = kgbuild("report", str(out), "--out", str(target), "--entity", "LoRA", "--hops", "2")
    assert done.returncode == 0, done.stderr
    # LoRA's three papers with all their claims, results and entities (tests/test_select.py); 4 of its results name a
    # dataset and a metric (82.1%, 91.3, 90.8, 85.2%).
    assert re.fullmatch(rf"kgbuild: report written to {re.escape(str(target / 'index.html'))} \(all 30 nodes drawn; "
                        r"14 entities, \d+ communities, 4 leaderboard rows\)\n", done.stdout)
    done = kgbuild("report", str(out), "--out", str(target), "--entity", "LoRa adaptr")
    assert done.returncode == 2
    assert done.stderr.startswith("kgbuild: report: no entity named 'LoRa adaptr'; closest known names: 'LoRA'")


def test_report_reports_a_missing_folder_and_a_bad_node_cap(tmp_path):
    done = kgbuild("report", str(tmp_path), "--out", str(tmp_path / "report"))
    assert done.returncode == 1
    assert f"{tmp_path}: no kgbuild output folder here" in done.stderr
    done = kgbuild("report", str(tmp_path), "--out", str(tmp_path / "report"), "--max-nodes", "0")
    assert (done.returncode, done.stderr.strip()) == (2, "kgbuild: --max-nodes 0: expected a positive number of nodes")
