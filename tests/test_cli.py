"""The `kgbuild` command as a user runs it: a real subprocess, real files, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import SEED_FILES

from kgbuild import __version__

ABSTRACT = ("We propose GraphTest, a framework for testing command lines, and we show that it outperforms manual "
            "checks by 12% accuracy on the CLI-Bench dataset while keeping every record traceable to its source "
            "file and line, so that nothing that users give us is ever lost silently during ingestion.")


def kgbuild(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", **(env or {})}
    return subprocess.run([sys.executable, "-m", "kgbuild.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def test_version():
    done = kgbuild("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"kgbuild {__version__}")


def test_extract_writes_the_contract_in_input_order_and_keeps_ids(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": pid, "title": title, "abstract": f"{ABSTRACT} {pid}."}) + "\n"
                              for pid, title in (("z-9", "GraphTest: Testing"), ("a-1", ""), ("m-5", "Third"))))
    out = tmp_path / "out" / "x.jsonl"
    done = kgbuild("extract", str(source), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"3 papers extracted to {out}" in done.stdout
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["title"]) for r in records] == [("z-9", "GraphTest: Testing"), ("a-1", ""), ("m-5", "Third")]
    for r in records:
        for e in r["entities"]:
            assert r[e["field"]][e["start"]:e["end"]] == e["text"]
    assert {(e["type"], e["text"]) for e in records[0]["entities"]} >= {("Method", "GraphTest"), ("Metric", "accuracy")}


def test_extract_with_bad_lines_is_a_partial_success(tmp_path):
    source = tmp_path / "mixed.jsonl"
    source.write_text(json.dumps({"id": "ok", "abstract": ABSTRACT}) + "\n" + "{not json\n"
                      + json.dumps({"id": "no-abstract", "title": "x"}) + "\n")
    out = tmp_path / "x.jsonl"
    done = kgbuild("extract", str(source), "--out", str(out))
    assert done.returncode == 3
    assert f"kgbuild: skipped {source}:2: broken JSON line" in done.stderr
    assert f"kgbuild: skipped {source}:3: record has no abstract" in done.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok"]
    report = [json.loads(line) for line in (tmp_path / "x.quarantine.jsonl").read_text().splitlines()]
    assert [r["line"] for r in report] == [2, 3]


def test_nothing_usable_fails_with_one_clear_line(tmp_path):
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    done = kgbuild("extract", str(binary), "--out", str(tmp_path / "x.jsonl"))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"kgbuild: skipped {binary}: binary file (contains NUL bytes), not a text listing")
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2():
    done = kgbuild("build", "somewhere")
    assert done.returncode == 2
    assert "--out" in done.stderr


def test_build_prints_outputs_and_summary_and_signals_partial_success(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    out = tmp_path / "graph"
    done = kgbuild("build", str(SEED_FILES["with_metadata"]), str(tmp_path / "empty.txt"), "--out", str(out))
    assert done.returncode == 3, done.stderr
    assert f"kgbuild: graph written to {out}/" in done.stdout
    assert f"turtle        {out / 'graph.ttl'}" in done.stdout
    assert re.search(r"^papers +26$", done.stdout, re.MULTILINE)
    triples = json.loads((out / "summary.json").read_text())["triples"]
    assert re.search(rf"^RDF triples +{triples}$", done.stdout, re.MULTILINE)
    assert f"1 input record(s) skipped: see {out / 'quarantine.jsonl'}" in done.stderr
    assert "Traceback" not in done.stderr
    for filename in ("graph.ttl", "graph.graphml", "extractions.jsonl", "summary.json", "summary.txt"):
        assert (out / filename).stat().st_size > 0


def test_sparql_runs_saved_queries_with_bound_values(seed_build):
    out, summary = seed_build
    done = kgbuild("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(out), "--results", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"] == str(summary.triples)

    queries = Path(__file__).resolve().parents[1] / "queries"
    done = kgbuild("sparql", str(queries / "findings_about_method.rq"), "--store", str(out), "--bind", "method=LoRA",
                   "--results", "csv")
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header == "method,methodName,paperId,title,finding,confidence"
    assert rows and all(row.startswith("LoRA,low-rank adaptation,") for row in rows)
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


def test_export_writes_n_quads_from_the_store(seed_build, tmp_path):
    import rdflib

    out, summary = seed_build
    target = tmp_path / "graph.nq"
    done = kgbuild("export", str(out), "--format", "nq", "--out", str(target))
    assert done.returncode == 0, done.stderr
    dataset = rdflib.Dataset().parse(target, format="nquads")
    assert len(set(dataset.quads())) == summary.triples


def test_report_writes_an_offline_page_of_the_whole_graph(seed_build, tmp_path):
    out, summary = seed_build
    target = tmp_path / "report"
    done = kgbuild("report", str(out), "--out", str(target), "--title", "Seed <corpus>", "--max-nodes", "100")
    assert done.returncode == 0, done.stderr
    nodes = sum(summary.nodes.values())
    assert re.fullmatch(rf"kgbuild: report written to {re.escape(str(target / 'index.html'))} \(\d+ of {nodes:,} "
                        r"nodes drawn; 2,673 entities, \d+ communities, 22 leaderboard rows\)\n", done.stdout)
    page = (target / "index.html").read_text(encoding="utf-8")
    assert "<title>Seed &lt;corpus&gt;</title>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from the network
    assert (target / "vendor" / "cytoscape.min.js").stat().st_size > 400_000
    assert (target / "trends.svg").is_file()


def test_report_of_a_selected_neighbourhood_draws_all_of_it(seed_build, tmp_path):
    out, _ = seed_build
    target = tmp_path / "lora"
    done = kgbuild("report", str(out), "--out", str(target), "--entity", "LoRA", "--hops", "2")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(rf"kgbuild: report written to {re.escape(str(target / 'index.html'))} \(all 58 nodes drawn; "
                        r"\d+ entities, \d+ communities, \d+ leaderboard rows\)\n", done.stdout)
    done = kgbuild("report", str(out), "--out", str(target), "--entity", "LoRa adaptr")
    assert done.returncode == 2
    assert done.stderr.startswith("kgbuild: report: no entity named 'LoRa adaptr'; closest known names: 'LoRA'")


def test_report_reports_a_missing_folder_and_a_bad_node_cap(tmp_path):
    done = kgbuild("report", str(tmp_path), "--out", str(tmp_path / "report"))
    assert done.returncode == 1
    assert f"{tmp_path}: no kgbuild output folder here" in done.stderr
    done = kgbuild("report", str(tmp_path), "--out", str(tmp_path / "report"), "--max-nodes", "0")
    assert (done.returncode, done.stderr.strip()) == (2, "kgbuild: --max-nodes 0: expected a positive number of nodes")
