"""Gold readers and scoring: raw text with exact spans, fixed splits, strict/lenient counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EVAL

from kgbuild.evaluation.evaluate import score_entities
from kgbuild.evaluation.gold import (
    GoldSpan,
    GoldText,
    detokenize,
    read_csabstruct,
    read_scierc,
    read_scirex,
    read_tdmsci,
)
from kgbuild.model import EntityMention, EntityType, ExtractorInfo, Field, PaperExtraction

needs_gold = pytest.mark.skipif(not EVAL.is_dir(), reason=f"gold data not present at {EVAL}")


def test_detokenize_undoes_ptb_escapes_and_keeps_token_offsets():
    tokens = ["Low-rank", "adaptation", "-LRB-", "LoRA", "-RRB-", "is", "state", "-", "of", "-", "the", "-", "art",
              ",", "see", "``", "x", "''", "."]
    text, offsets = detokenize(tokens)
    assert text == 'Low-rank adaptation (LoRA) is state-of-the-art, see " x ".'
    assert [text[a:b] for a, b in offsets][2:5] == ["(", "LoRA", ")"]


@needs_gold
def test_scierc_spans_index_the_reconstructed_text():
    docs = list(read_scierc(EVAL / "scierc" / "dev.json"))
    assert len(docs) == 50
    assert sum(len(d.spans) for d in docs) == 381
    first = docs[0]
    assert first.text.startswith("This paper presents an algorithm for computing optical flow, shape, motion")
    assert (first.text[first.spans[0].start:first.spans[0].end], first.spans[0].label) == (
        "computing optical flow, shape, motion, lighting, and albedo", "Task")
    assert first.types == frozenset({"Method", "Task", "Metric"})


@needs_gold
def test_tdmsci_dev_and_train_splits_are_disjoint_and_fixed():
    path = EVAL / "tdmsci" / "train.conll"
    dev, train = list(read_tdmsci(path, "dev")), list(read_tdmsci(path, "train"))
    assert (len(dev), len(train)) == (220, 1303)
    assert {d.id for d in dev}.isdisjoint({t.id for t in train})
    assert [d.id for d in read_tdmsci(path, "dev")] == [d.id for d in dev]
    labelled = next(d for d in dev if d.spans)
    for span in labelled.spans:
        assert labelled.text[span.start:span.end].strip() == labelled.text[span.start:span.end]


@needs_gold
def test_scirex_split_holds_out_whole_papers():
    folder = EVAL / "scirex" / "train_docs"
    dev, train = list(read_scirex(folder, "dev")), list(read_scirex(folder, "train"))
    assert (len(dev), len(train)) == (45, 261)
    assert {d.id for d in dev}.isdisjoint({t.id for t in train})
    v_net = next(d for d in dev if d.text.startswith("V-Net: Fully Convolutional Neural Networks"))
    assert not v_net.text.startswith("document")
    assert {(v_net.text[s.start:s.end], s.label) for s in v_net.spans} >= {("V-Net", "Method"),
                                                                         ("computer vision", "Task")}


@needs_gold
def test_csabstruct_roles_map_to_claim_types():
    abstracts = list(read_csabstruct(EVAL / "csabstruct" / "dev.jsonl"))
    assert len(abstracts) == 295
    first = abstracts[0][0]
    assert (first.abstract_id, first.index, first.role, first.label) == ("csabstruct-1", 0, "objective",
                                                                         "contribution")


def _extraction(text: str, mentions: list[tuple[int, int, str, float]]) -> PaperExtraction:
    return PaperExtraction(paper_id="p", title="", abstract=text, extractor=ExtractorInfo("t", "0"), entities=tuple(
        EntityMention(EntityType(t), text[s:e], Field.ABSTRACT, s, e, text[s:e], c) for s, e, t, c in mentions))


def test_strict_and_lenient_counts_and_precision_by_confidence():
    text = "We train ResNet-50 on ImageNet for image classification with top-1 accuracy."
    gold = GoldText("g", text, [GoldSpan(9, 18, "Method"), GoldSpan(22, 30, "Dataset"), GoldSpan(35, 55, "Task")],
                    types=frozenset({"Method", "Dataset", "Task"}))
    predicted = _extraction(text, [
        (9, 18, "Method", 0.9),      # exact: strict and lenient hit
        (35, 40, "Task", 0.6),       # overlaps the task: lenient hit only
        (22, 30, "Task", 0.85),      # right span, wrong type: a miss for both types
        (61, 75, "Metric", 0.99),    # a type this gold set does not annotate: not scored
    ])
    scores = score_entities("toy", [gold], [predicted])
    strict = {t: (c.tp, c.fp, c.fn) for t, c in scores.strict.items()}
    lenient = {t: (c.tp, c.fp, c.fn) for t, c in scores.lenient.items()}
    assert strict == {"Method": (1, 0, 0), "Dataset": (0, 0, 1), "Task": (0, 2, 1)}
    assert lenient == {"Method": (1, 0, 0), "Dataset": (0, 0, 1), "Task": (1, 1, 0)}
    assert (scores.at_confidence[0.5].tp, scores.at_confidence[0.5].fp) == (1, 2)
    assert (scores.at_confidence[0.8].tp, scores.at_confidence[0.8].fp) == (1, 1)
    assert round(scores.micro("strict", ["Method", "Dataset", "Task"]).f1, 4) == round(2 / 6, 4)


def test_eval_cli_reports_on_the_dev_data(tmp_path: Path):
    if not EVAL.is_dir():
        pytest.skip(f"gold data not present at {EVAL}")
    from kgbuild.cli import main

    out = tmp_path / "quality.md"
    assert main(["eval", "--eval-dir", str(EVAL), "--pipeline", "kgbuild_rules", "--out", str(out)]) == 0
    report = out.read_text()
    assert "| SciERC dev strict micro-F1 (Method+Task+Metric) |" in report
    assert "### CSAbstruct dev claims (2026 sentences)" in report
