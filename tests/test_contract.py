"""The extraction contract as `kgbuild extract` writes it: offsets into each field exactly as given, one object per
input record, and an extractor identity that changes whenever the pipeline's files do.

A small pattern pipeline (spaCy's entity_ruler with fixed names, plus kgbuild's rule components) makes every
expected mention visible here, so these tests say nothing about the trained model.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy

import kgbuild.extract.components  # noqa: F401  (registers kgbuild's components)
from kgbuild.cli import main
from kgbuild.extract import load_extractor

PATTERNS = [{"label": "Method", "pattern": "LoRA"}, {"label": "Method", "pattern": "Low-Rank Adaptation"},
            {"label": "Dataset", "pattern": "GLUE"}, {"label": "Metric", "pattern": "accuracy"}]


@pytest.fixture(scope="module")
def patterns_pipeline(tmp_path_factory) -> Path:
    nlp = spacy.blank("en")
    nlp.add_pipe("kgbuild_paragraph_breaks")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)
    nlp.add_pipe("kgbuild_abbreviations")
    nlp.add_pipe("kgbuild_claims")
    nlp.add_pipe("kgbuild_own_names", config={"scored": False})
    nlp.add_pipe("kgbuild_results")
    nlp.meta.update({"name": "kgbuild_contract_test", "version": "1"})
    folder = tmp_path_factory.mktemp("pipelines") / "patterns"
    nlp.to_disk(folder)
    return folder


def _extract(records: list[dict], pipeline: Path, tmp_path: Path) -> list[dict]:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert main(["extract", str(source), "--out", str(out), "--pipeline", str(pipeline)]) == 0
    # Split at line feeds only: a JSON string may hold U+2028 verbatim, which str.splitlines() breaks at.
    return [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]


# Tabs, a double space, a no-break space, CRLF and a line separator, all before the names.
MESSY = ("We study\tLow-Rank  Adaptation\u00a0(LoRA)\r\nfor large models.\u2028 LoRA reaches 82.1% accuracy\r\n"
         "on GLUE.")


def test_offsets_index_each_field_exactly_as_given_whatever_its_whitespace(patterns_pipeline, tmp_path):
    (out,) = _extract([{"id": "p1", "title": "LoRA  on\tGLUE", "abstract": MESSY}], patterns_pipeline, tmp_path)
    assert out["abstract"] == MESSY and out["title"] == "LoRA  on\tGLUE"
    fields = {"title": out["title"], "abstract": out["abstract"]}
    # `canonical` is the resolved entity's name: the defined acronym, with its whitespace-free long form an alias.
    found = [(m["field"], m["text"], m["start"], m["end"], m["canonical"]) for m in out["entities"]]
    assert found == [("title", "LoRA", 0, 4, "LoRA"), ("title", "GLUE", 9, 13, "GLUE"),
                     ("abstract", "Low-Rank  Adaptation", 9, 29, "LoRA"),
                     ("abstract", "LoRA", 31, 35, "LoRA"),
                     ("abstract", "LoRA", 57, 61, "LoRA"),
                     ("abstract", "accuracy", 76, 84, "accuracy"), ("abstract", "GLUE", 89, 93, "GLUE")]
    for m in out["entities"]:
        assert fields[m["field"]][m["start"]:m["end"]] == m["text"]
    (result,) = out["results"]
    assert (result["value"], MESSY[result["start"]:result["end"]]) == ("82.1%", "82.1%")
    for claim in out["claims"]:
        assert MESSY[claim["start"]:claim["end"]] == claim["text"]
    assert [(c["type"], c["text"]) for c in out["claims"]] == [
        ("contribution", "We study\tLow-Rank  Adaptation\u00a0(LoRA)\r\nfor large models."),
        ("finding", "LoRA reaches 82.1% accuracy\r\non GLUE.")]


def test_one_object_per_input_record_in_input_order_even_when_texts_repeat(patterns_pipeline, tmp_path):
    records = [{"id": "a", "abstract": "LoRA on GLUE."}, {"id": "b", "abstract": "LoRA on GLUE."},
               {"id": "a", "abstract": "Another text about accuracy."}, {"id": "c", "abstract": "LoRA on GLUE."}]
    out = _extract(records, patterns_pipeline, tmp_path)
    assert [(o["id"], o["abstract"]) for o in out] == [(r["id"], r["abstract"]) for r in records]
    assert [[m["text"] for m in o["entities"]] for o in out] == [["LoRA", "GLUE"], ["LoRA", "GLUE"], ["accuracy"],
                                                                 ["LoRA", "GLUE"]]


def test_any_changed_file_of_a_pipeline_changes_the_extractor_identity(patterns_pipeline, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(patterns_pipeline, copy)
    before = load_extractor(str(copy)).info
    assert before == load_extractor(str(patterns_pipeline)).info  # the folder's content, not its path
    patterns = next(copy.rglob("patterns.jsonl"))
    patterns.write_text(patterns.read_text(encoding="utf-8") + json.dumps(
        {"label": "Task", "pattern": "question answering"}) + "\n", encoding="utf-8")
    after = load_extractor(str(copy)).info
    # Same name, version and config: only the files differ, and that is enough.
    assert (after.name, after.version) == (before.name, before.version) == ("kgbuild_contract_test", "1")
    assert after.digest != before.digest


def test_a_retrained_pipeline_re_extracts_every_paper_of_an_existing_folder(patterns_pipeline, prefect_harness,
                                                                           tmp_path):
    from flows.build_graph import build_graph_flow

    source = tmp_path / "papers.jsonl"
    source.write_text("".join(json.dumps({"id": f"p{i}", "title": f"Paper {i}", "abstract": text}) + "\n"
                              for i, text in enumerate(["LoRA on GLUE.", "Low-Rank Adaptation (LoRA) for LLMs.",
                                                        "We report accuracy."])), encoding="utf-8")
    pipeline, out = tmp_path / "pipeline", tmp_path / "out"
    shutil.copytree(patterns_pipeline, pipeline)
    first = build_graph_flow(inputs=[str(source)], out_dir=str(out), pipeline=str(pipeline))
    again = build_graph_flow(inputs=[str(source)], out_dir=str(out), pipeline=str(pipeline))
    assert (first.papers_new, again.papers_extracted, again.up_to_date) == (3, 0, True)
    # "Retrained": one file of the saved pipeline changes, its name, version and config stay the same.
    ruler = next(pipeline.rglob("patterns.jsonl"))
    ruler.write_text(ruler.read_text(encoding="utf-8") + json.dumps({"label": "Method", "pattern": "LLMs"}) + "\n",
                     encoding="utf-8")
    retrained = build_graph_flow(inputs=[str(source)], out_dir=str(out), pipeline=str(pipeline))
    assert (retrained.papers_extracted, retrained.papers_reextracted, retrained.papers_new) == (3, 3, 0)
    stored = [json.loads(line) for line in (out / "state" / "extractions.jsonl").read_text().splitlines()]
    assert {x["extractor"]["digest"] for x in stored} == {load_extractor(str(pipeline)).info.digest}
