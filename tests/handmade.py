"""A small hand-made corpus and a deterministic hand-made extraction pipeline, for the tests downstream of extraction.

Behaviour of selection, export, loading, analytics and the report is tested on these, not on the trained model's
output: a retrain changes what `kgbuild_sci` extracts, never what these tests expect. Every entity the pipeline can
find is listed in `PATTERNS` (spaCy's `entity_ruler`, exact-case phrases); everything else is kgbuild's own rule
components (acronym definitions, cue-phrase claims, numeric results), which are stable. The expected values in the
tests are worked out by hand from `CORPUS` and these patterns (the worked extraction of each paper is below).

The corpus (tests/fixtures/handmade/papers.jsonl, 8 records, 7 papers):

1. arxiv:2106.09685, 2021-06-17, 2 authors. "LoRA: Low-Rank Adaptation of Large Language Models". Defines
   "Low-Rank Adaptation (LoRA)" (and in its title "LoRA: Low-Rank Adaptation"). Contribution: "We propose
   Low-Rank Adaptation (LoRA), …" (0.8). Findings: "Applied to RoBERTa, LoRA reaches 82.1% accuracy on GLUE
   while training far fewer parameters." (0.84: "fewer" and a percentage), "We find that …" (0.75). Result:
   82.1% (LoRA, GLUE, accuracy; 0.95). Names Transformer, RoBERTa, LoRA, GLUE, accuracy.
2. arxiv:2311.04512 (its `arxiv_id` field), 2023-11, 7 upvotes. LoRA used bare (no definition: resolved through
   paper 1's), adapter tuning, RoBERTa, question answering, SQuAD, F1 score. Findings: "LoRA obtains 91.3 F1
   score on SQuAD, higher than …" (0.6), "LoRA also trains 40% fewer parameters …" (0.84), "Our analysis shows …"
   (0.75). Results: 91.3 (LoRA, SQuAD, F1 score; 0.85), 90.8 ("higher than the 90.8 F1 score of adapter tuning":
   adapter tuning's own score, SQuAD, F1 score; 0.85); "40% fewer parameters" is a size, not a result. No
   contribution.
3. arxiv:2402.07733 (given as "arXiv:2402.07733v2"), 2024. Title with an apostrophe, double quotes and a
   backslash: `Don't Freeze the "Head": Rescaling LoRA by $\\lambda$ for ViT Fine-Tuning`. Proposes ScaLoRA
   (0.8); uses ViT, LoRA, ImageNet, top-1 accuracy, image classification. Findings: "On ImageNet, ScaLoRA
   reaches 85.2% top-1 accuracy and outperforms LoRA." (0.92), "It adds fewer than 0.1% extra parameters."
   (0.84). Result: 85.2% (ScaLoRA, ImageNet, top-1 accuracy; 0.95); "0.1% extra parameters" is a size. Again on
   line 8 (by `arxiv_id`, with its authors Zoë Brandt and Kenji Itō and a URL): merged into one paper.
4. arxiv:2005.01234, 2020-05, 12 upvotes. Proposes DETR (0.8: "We present DETR, which treats object detection
   …"); uses Transformer, Faster R-CNN, COCO, mAP. Findings: "On COCO, DETR achieves 42.0 mAP, on par with a
   tuned Faster R-CNN baseline." (0.6: "achieves" and the "Faster" of Faster R-CNN are one cue pattern),
   "Training DETR takes 3x longer than training Faster R-CNN." (0.84: "Faster" and "3x"; the x is a
   multiplication sign, U+00D7). Results: 42.0 (DETR, COCO, mAP; 0.85), 3x (relative, DETR; 0.65).
5. hash:89dbe10ad0eef463 (no id, no date). Knowledge distillation for machine translation: contribution "In this
   paper, we apply knowledge distillation …" (0.7); Transformer, WMT14 English-German (with an en dash, U+2013),
   BLEU. The result sentence "On WMT14 English-German, the student obtains 27.9 BLEU." has no cue: not a claim. Finding:
   "It decodes 3.2 times faster than its teacher." (0.84). Results: 27.9 (WMT14 English-German, BLEU, no method;
   0.8), 3.2 times (relative, nothing linked; 0.6).
6. arxiv:2102.03902, 2021. Proposes Nyströmformer (non-ASCII name; 0.8); Transformer, Long Range Arena,
   accuracy. Finding: "… Nyströmformer reaches 58.9% average accuracy and outperforms the standard Transformer."
   (0.92). Result: 58.9% (Nyströmformer, Long Range Arena, accuracy; 0.95).
7. arxiv:2209.05521, 2022-09-14. Contribution "We study structured pruning for natural language understanding."
   (0.6: a method in a contribution is proposed). Findings: "Removing half of the attention heads of RoBERTa keeps
   80.4% accuracy on GLUE." (0.6), "We show that pruned models outperform distilled models …" (0.95). Result:
   80.4% (RoBERTa, GLUE, accuracy; 0.95).

Results are absolute unless said otherwise. PROPOSES: LoRA (title and "We propose"), ScaLoRA, DETR, Nyströmformer.
Entities found by the ruler have confidence 0.5. Acronym-typed mentions (every mention of LoRA and Low-Rank
Adaptation in paper 1) get their source's confidence times 0.95, and the ruler sets none, so they come out as 0.0
(reported as a product issue: kgbuild_abbreviations reads a missing confidence as 0.0 where the extractor reads it
as 0.5). The tests assert no value that depends on those mentions' confidence, except the one test that shows it.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "handmade" / "papers.jsonl"
PIPELINE_NAME = "kgbuild_handmade"
PIPELINE_VERSION = "1.0.0"
# Non-ASCII text of the corpus, written as escapes (the en dash and multiplication sign look like "-" and "x").
WMT14 = "WMT14 English\u2013German"
TIMES = "\u00d7"
VIT_TITLE = 'Don\'t Freeze the "Head": Rescaling LoRA by $\\lambda$ for ViT Fine-Tuning'

# Every entity the hand-made pipeline finds: exact-case phrases (spaCy's PhraseMatcher on ORTH, longest match wins).
PATTERNS: dict[str, tuple[str, ...]] = {
    "Method": ("Low-Rank Adaptation", "LoRA", "Transformer", "RoBERTa", "adapter tuning", "ViT", "ScaLoRA", "DETR",
               "Faster R-CNN", "knowledge distillation", "Nyströmformer", "structured pruning",
               # Not in the corpus: ScaLoRA's long form, for the two versions of a paper in tests/test_rdf_store.py.
               "Scaled Low-Rank Adaptation"),
    "Dataset": ("GLUE", "SQuAD", "ImageNet", "COCO", WMT14, "Long Range Arena"),
    "Metric": ("accuracy", "top-1 accuracy", "F1 score", "mAP", "BLEU"),
    "Task": ("question answering", "image classification", "object detection", "machine translation",
             "natural language understanding"),
}

# Paper ids, in corpus order.
LORA_PAPER = "arxiv:2106.09685"
QA_PAPER = "arxiv:2311.04512"
VIT_PAPER = "arxiv:2402.07733"
DETR_PAPER = "arxiv:2005.01234"
MT_PAPER = "hash:89dbe10ad0eef463"
NYSTROM_PAPER = "arxiv:2102.03902"
PRUNING_PAPER = "arxiv:2209.05521"
PAPER_IDS = (LORA_PAPER, QA_PAPER, VIT_PAPER, DETR_PAPER, MT_PAPER, NYSTROM_PAPER, PRUNING_PAPER)

# Entity keys (one per pattern but "Low-Rank Adaptation", LoRA's long form, and "Scaled Low-Rank Adaptation").
LORA = "method/lora"
ENTITY_KEYS = (
    "dataset/coco", "dataset/glue", "dataset/imagenet", "dataset/long-range-arena", "dataset/squad",
    "dataset/wmt14-english%E2%80%93german",
    "method/adapter-tuning", "method/detr", "method/faster-r-cnn", "method/knowledge-distillation", "method/lora",
    "method/nystr%C3%B6mformer", "method/roberta", "method/scalora", "method/structured-pruning",
    "method/transformer", "method/vit",
    "metric/accuracy", "metric/bleu", "metric/f1-score", "metric/map", "metric/top-1-accuracy",
    "task/image-classification", "task/machine-translation", "task/natural-language-understanding",
    "task/object-detection", "task/question-answering",
)

# The graph of the corpus, counted by hand from the worked extraction above.
# Methods: the 13 patterns but Low-Rank Adaptation (LoRA's long form) and Scaled Low-Rank Adaptation (not in the
# corpus). Claims: 3+3+3+3+2+2+3. Results: 1+2+1+2+2+1+1.
NODES = {"Paper": 7, "Method": 11, "Dataset": 6, "Metric": 5, "Task": 5, "Claim": 19, "Result": 10}
EDGES = {
    # What a paper introduces as its own (its title's name, "we propose / present X"): LoRA (1), ScaLoRA (3),
    # DETR (4), Nyströmformer (6). Applying knowledge distillation (5) or studying structured pruning (7) is using it.
    "PROPOSES": 4,
    # Methods a paper names and does not propose: 1 Transformer, RoBERTa; 2 LoRA, adapter tuning, RoBERTa; 3 LoRA,
    # ViT; 4 Transformer, Faster R-CNN; 5 Transformer, knowledge distillation; 6 Transformer; 7 RoBERTa,
    # structured pruning.
    "USES": 14,
    "EVALUATES_ON": 7, "ADDRESSES": 5, "MEASURES": 7, "CLAIMS": 19,
    # Distinct entities per claim: 1: 1+4; 2: 4+2; 3: 1+4; 4: 2+4+2; 5: 1; 6: 1+4; 7: 2+3.
    "ABOUT": 35,
    "REPORTS": 10,
    # Results naming a method (8): all but 27.9 and 3.2 times; a dataset and a metric (8): all but 3x and 3.2 times.
    "OF_METHOD": 8, "ON_DATASET": 8, "FOR_METRIC": 8,
    # No margin over a named baseline: 3x is "longer than training Faster R-CNN" (in the baseline's favour), 3.2 times
    # is faster than "its teacher" (no name). tests/test_margins.py has margins of their own.
    "COMPARED_TO": 0,
}


def build_pipeline() -> Language:
    """The hand-made pipeline: kgbuild's rule pipeline with fixed phrase patterns in place of its name lists."""
    # Registers kgbuild's spaCy components (as kgbuild.extract.pipeline.load_pipeline does before loading).
    import kgbuild.extract.components
    import kgbuild.extract.trained  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("kgbuild_paragraph_breaks")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": name} for label, names in PATTERNS.items() for name in names])
    nlp.add_pipe("kgbuild_abbreviations")
    nlp.add_pipe("kgbuild_claims")
    nlp.add_pipe("kgbuild_own_names", config={"scored": False})  # its rules: no trained weights downstream
    nlp.add_pipe("kgbuild_results")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    return nlp


def save_pipeline(folder: Path) -> str:
    """Save the hand-made pipeline to `folder` (which the build flow, the CLI and Dask workers load it from)."""
    build_pipeline().to_disk(folder)
    return str(folder)
