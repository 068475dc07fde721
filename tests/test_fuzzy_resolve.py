"""The conservative fuzzy name matcher and the gold alias pairs its thresholds were chosen on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kgbuild.evaluation.aliases import (
    HELD_OUT,
    TUNE,
    build_gold,
    choose_thresholds,
    fuzzy_matcher,
    normalise_only,
    render_alias_section,
    score_matcher,
    seed_pairs,
)
from kgbuild.model import EntityType
from kgbuild.resolve.fuzzy import FUZZY_THRESHOLD, match_form, similar_names

M, D, R, T = EntityType.METHOD, EntityType.DATASET, EntityType.METRIC, EntityType.TASK
SHARED = Path(__file__).resolve().parents[2] / "shared"

MUST_MERGE = [
    (M, "word2vec", "Word2Vec"), (M, "word2vec", "word-2-vec"), (M, "Mask R-CNN", "MaskRCNN"),
    (M, "ConvNet", "Conv Net"), (M, "long short-term memory", "long short term memory"),
    (M, "convolutional neural network", "convolutional neural netwrok"), (M, "ResNet-50", "ResNet50"),
    (M, "LLaMA2-7B", "Llama 2 7B"), (M, "Chinchila", "Chinchilla"), (M, "batch normalisation", "batch normalization"),
    (D, "SQuAD 2.0", "SQuAD2.0"), (D, "CIFAR-10", "CIFAR10"), (D, "ImageNet-1K", "ImageNet 1k"),
    (D, "NAS-Bench-201", "NASBench-201"), (D, "the Pile", "Pile"),
    (R, "top-1 accuracy", "Top1 Accuracy"), (R, "mean average precision", "mean average precison"),
    (R, "Spearman's correlation", "Spearmans correlation"), (R, "perplexity", "perplexities"),
    (T, "pre-training", "pretraining"), (T, "fine tuning", "fine-tuning"), (T, "colour constancy", "color constancy"),
    (T, "image colourisation", "image colorization"), (T, "language modelling", "language modeling"),
    (T, "dialogue generation", "dialog generation"), (T, "semantic segmentation", "semantic segmentaion"),
    (T, "Named Entity Recognition (NER)", "named entity recognition"),
]

MUST_NOT_MERGE = [
    (D, "ImageNet", "ImageNet-21k"), (M, "GPT-3", "GPT-4"), (M, "ResNet-50", "ResNet-101"), (M, "BERT", "RoBERTa"),
    (D, "CIFAR-10", "CIFAR-100"), (M, "Llama 2", "Llama 3"), (M, "T5", "mT5"), (D, "WMT14", "WMT16"),
    (M, "ViT-B/16", "ViT-L/16"), (M, "BERT-base", "BERT-large"), (M, "BERT-large", "RoBERTa-large"),
    (M, "Llama 2 7B", "Llama 27B"), (M, "Flan-T5-XL", "Flan-T5-XXL"), (M, "SimCLR", "SimCLRv2"),
    (M, "Transformer", "Transformer-XL"), (M, "Transformer encoder", "Transformer decoder"),
    (M, "r-net (single model)", "r-net+ (single model)"), (D, "RefCOCO testA", "RefCOCO+ testA"),
    (M, "DistMult (100dim)", "DistMult (500dim)"), (M, "Transformer (TF)", "Transformer"),
    (R, "F1-Macro (Test)", "F1-Micro (Test)"),
    (T, "inter-sentence relation extraction", "intra-sentence relation extraction"),
    (T, "self-supervised learning", "semi-supervised learning"), (T, "supervised learning", "unsupervised learning"),
    (T, "abstractive summarization", "extractive summarization"), (T, "message passing", "message parsing"),
    (M, "Fast R-CNN", "Faster R-CNN"), (R, "ROUGE-1", "ROUGE-2"), (R, "macro F1", "micro F1"),
]


@pytest.mark.parametrize(("kind", "a", "b"), MUST_MERGE)
def test_spelling_variants_merge(kind: EntityType, a: str, b: str) -> None:
    assert similar_names(a, b, kind)
    assert similar_names(b, a, kind)


@pytest.mark.parametrize(("kind", "a", "b"), MUST_NOT_MERGE)
def test_look_alikes_stay_apart(kind: EntityType, a: str, b: str) -> None:
    assert not similar_names(a, b, kind)
    assert not similar_names(b, a, kind)


def test_match_form() -> None:
    assert match_form("Mask R-CNN", M) == "maskrcnn"
    assert match_form("Llama 2 7B", M) == "llama2_7b"
    assert match_form("SQuAD 2.0", D) == "squad2.0"
    assert match_form("Long Short-Term Memory (LSTM)", M) == "longshorttermmemory"
    assert match_form("BERT (single model)", M) == "bert(singlemodel)"


def test_seed_pairs_no_wrong_merge() -> None:
    pairs = seed_pairs()
    assert Counter(p.same for p in pairs) == {True: 127, False: 123}
    scores = score_matcher(pairs, fuzzy_matcher())
    assert (scores.overall.tp, scores.overall.fp, scores.overall.fn) == (117, 0, 10)


@pytest.fixture(scope="module")
def gold():
    if not (SHARED / "gazetteer" / "pwc").is_dir() or not (SHARED / "eval" / "scierc").is_dir():
        pytest.skip(f"gold alias pairs need ../shared (gazetteer/pwc and eval/scierc), absent at {SHARED}")
    return build_gold(SHARED)


def test_gold_set_counts(gold) -> None:
    assert len(gold) == 2231
    assert Counter((p.source, p.split, p.same) for p in gold) == {
        ("seed", TUNE, True): 127, ("seed", TUNE, False): 123,
        ("gazetteer", TUNE, True): 215, ("gazetteer", TUNE, False): 603,
        ("gazetteer", HELD_OUT, True): 203, ("gazetteer", HELD_OUT, False): 620,
        ("scierc-train", TUNE, True): 274, ("scierc-train", TUNE, False): 25,
        ("scierc-dev", TUNE, True): 21, ("scierc-dev", TUNE, False): 3,
        ("scierc-dev", HELD_OUT, True): 14, ("scierc-dev", HELD_OUT, False): 3,
    }


def test_shipped_thresholds_are_the_ones_chosen_on_the_tuning_half(gold) -> None:
    chosen = choose_thresholds(gold)
    assert {kind: value for kind, (value, _) in chosen.items()} == FUZZY_THRESHOLD


def test_held_out_precision(gold) -> None:
    fuzzy = score_matcher(gold, fuzzy_matcher()).by_split[HELD_OUT]
    base = score_matcher(gold, normalise_only).by_split[HELD_OUT]
    assert fuzzy.precision >= 0.95
    assert (round(fuzzy.precision, 3), round(fuzzy.recall, 3)) == (1.0, 0.894)
    assert (fuzzy.tp, fuzzy.fp, fuzzy.fn, fuzzy.tn) == (194, 0, 23, 623)
    assert (round(base.precision, 3), round(base.recall, 3)) == (1.0, 0.456)


def test_render_alias_section(gold) -> None:
    section = render_alias_section(SHARED, gold)
    assert section.startswith("## Entity resolution: alias pairs")
    assert "| **all held-out** | 217 | 623 | 100.0 | 89.4 | 94.4 | 100.0 | 45.6 | 62.7 |" in section
