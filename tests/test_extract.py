"""Extraction: the contract's plumbing (exact offsets, shape, confidences, acronyms) with the hand-made pipeline
(tests/handmade.py) on the hand-made and the sample corpus, and the rule-based pipeline (`kgbuild_rules`) on the seed
corpus: hand-checked extractions."""

from __future__ import annotations

import json

import pytest
from handmade import (
    DETR_PAPER,
    LORA_PAPER,
    MT_PAPER,
    NYSTROM_PAPER,
    PAPER_IDS,
    PIPELINE_NAME,
    PIPELINE_VERSION,
    PRUNING_PAPER,
    QA_PAPER,
    TIMES,
    VIT_PAPER,
    VIT_TITLE,
    WMT14,
)

from kgbuild.extract import RULES_PIPELINE, from_contract, load_extractor, to_contract
from kgbuild.model import Paper, SourceRef
from kgbuild.resolve import resolve


@pytest.fixture(scope="module")
def rules():
    return load_extractor(RULES_PIPELINE)


@pytest.fixture(scope="module")
def rules_seed(rules, seed_ingest):
    return resolve(rules.run(seed_ingest.papers))


def _paper(title: str, abstract: str) -> Paper:
    return Paper(id="t", title=title, abstract=abstract, source=SourceRef("test", 1, "jsonl"))


def _field(x, field: str) -> str:
    return x.title if field == "title" else x.abstract


def _by_title(extractions, prefix: str):
    (x,) = [x for x in extractions if x.title.startswith(prefix)]
    return x


def _mentions(x, kind: str) -> set[str]:
    return {m.text for m in x.entities if m.type.value == kind}


def _check_offsets(extractions) -> int:
    """Assert every entity, claim and result is its field's slice; how many were checked."""
    checked = 0
    for x in extractions:
        for item in (*x.entities, *x.claims):
            assert _field(x, item.field.value)[item.start:item.end] == item.text
            checked += 1
        for r in x.results:
            assert _field(x, r.field.value)[r.start:r.end] == r.value
            checked += 1
        for c in x.claims:
            for i in c.entities:
                m = x.entities[i]
                assert m.field == c.field and c.start <= m.start and m.end <= c.end
    return checked


def test_offsets_are_exact_for_every_entity_claim_and_result(handmade_resolution, handmade_extractor, seed_ingest):
    # The hand-made corpus: 61 entity mentions, 19 claims and 10 results (tests/handmade.py).
    assert _check_offsets(handmade_resolution.extractions) == 61 + 19 + 10
    # The sample corpus as its listings lay it out (wrapped lines, double spaces), through the same pipeline.
    sample = handmade_extractor.run(seed_ingest.papers)
    assert len(sample) == 304
    assert _check_offsets(sample) > 1000


def test_contract_shape_and_confidences(handmade_resolution):
    extractions = handmade_resolution.extractions
    record = to_contract(extractions[0])
    assert list(record) == ["id", "title", "abstract", "entities", "claims", "results", "extractor"]
    assert list(record["entities"][0]) == ["type", "text", "field", "start", "end", "canonical", "confidence",
                                           "generic", "proposed"]
    assert list(record["claims"][0]) == ["type", "text", "field", "start", "end", "confidence", "entities"]
    assert list(record["results"][0]) == ["kind", "method", "dataset", "metric", "compared_to", "value", "number",
                                          "unit", "field", "start", "end", "confidence"]
    assert record["extractor"] == {"name": PIPELINE_NAME, "version": PIPELINE_VERSION,
                                   "digest": extractions[0].extractor.digest}
    assert len(record["extractor"]["digest"]) == 16
    assert from_contract(json.loads(json.dumps(record))) == extractions[0]  # serialisable, and back
    # The ruler's entities have no score of their own: 0.5 (the LoRA paper's acronym-typed mentions aside, below).
    assert {m.confidence for x in extractions[1:] for m in x.entities} == {0.5}
    assert not any(m.generic for x in extractions for m in x.entities)
    # Claims: noisy-or of their cue strengths; results: 0.5 + 0.2 (a metric) + 0.1 (a unit) + 0.1 (a dataset)
    # + 0.05 (a method), at most 0.95.
    assert {c.confidence for x in extractions for c in x.claims} == {0.6, 0.7, 0.75, 0.8, 0.84, 0.92, 0.95}
    assert {r.confidence for x in extractions for r in x.results} == {0.6, 0.65, 0.8, 0.85, 0.95}


def test_the_hand_made_corpus_extracts_as_worked_out(handmade_ingest, handmade_resolution):
    """The ledger every downstream test builds on (tests/handmade.py): each paper's claims and results."""
    by_paper = {x.paper_id: x for x in handmade_resolution.extractions}
    assert list(by_paper) == list(PAPER_IDS)
    claims = {pid: [(c.type.value, c.confidence) for c in x.claims] for pid, x in by_paper.items()}
    assert claims == {
        LORA_PAPER: [("contribution", 0.8), ("finding", 0.84), ("finding", 0.75)],
        QA_PAPER: [("finding", 0.6), ("finding", 0.84), ("finding", 0.75)],
        VIT_PAPER: [("contribution", 0.8), ("finding", 0.92), ("finding", 0.84)],
        DETR_PAPER: [("contribution", 0.8), ("finding", 0.6), ("finding", 0.84)],
        MT_PAPER: [("contribution", 0.7), ("finding", 0.84)],
        NYSTROM_PAPER: [("contribution", 0.8), ("finding", 0.92)],
        PRUNING_PAPER: [("contribution", 0.6), ("finding", 0.6), ("finding", 0.95)],
    }
    results = {pid: [(r.value, r.kind, r.method, r.dataset, r.metric, r.compared_to, r.confidence) for r in x.results]
               for pid, x in by_paper.items()}
    assert results == {
        LORA_PAPER: [("82.1%", "absolute", "LoRA", "GLUE", "accuracy", None, 0.95)],
        # "higher than the 90.8 F1 score of adapter tuning": the baseline's own score; "40% fewer parameters" is a size.
        QA_PAPER: [("91.3", "absolute", "LoRA", "SQuAD", "F1 score", None, 0.85),
                   ("90.8", "absolute", "adapter tuning", "SQuAD", "F1 score", None, 0.85)],
        VIT_PAPER: [("85.2%", "absolute", "ScaLoRA", "ImageNet", "top-1 accuracy", None, 0.95)],
        DETR_PAPER: [("42.0", "absolute", "DETR", "COCO", "mAP", None, 0.85),
                     (f"3{TIMES}", "relative", "DETR", None, None, None, 0.65)],
        MT_PAPER: [("27.9", "absolute", None, WMT14, "BLEU", None, 0.8), ("3.2 times", "relative", None, None, None,
                                                                          None, 0.6)],
        NYSTROM_PAPER: [("58.9%", "absolute", "Nystr\u00f6mformer", "Long Range Arena", "accuracy", None, 0.95)],
        PRUNING_PAPER: [("80.4%", "absolute", "RoBERTa", "GLUE", "accuracy", None, 0.95)],
    }
    # What each paper introduces as its own: its title's name, the name after "we propose / present".
    assert {pid: sorted({m.canonical for m in x.entities if m.proposed}) for pid, x in by_paper.items()} == {
        LORA_PAPER: ["LoRA"], QA_PAPER: [], VIT_PAPER: ["ScaLoRA"], DETR_PAPER: ["DETR"], MT_PAPER: [],
        NYSTROM_PAPER: ["Nystr\u00f6mformer"], PRUNING_PAPER: []}
    # Eight records, seven papers: the third paper's second listing (line 8) gave it its authors and URL; its id is
    # the arXiv id "arXiv:2402.07733v2" names.
    assert (len(handmade_ingest.papers), handmade_ingest.duplicates) == (7, 1)
    vit = handmade_ingest.papers[2]
    assert (vit.id, vit.title, vit.authors, vit.url) == (VIT_PAPER, VIT_TITLE, ("Zo\u00eb Brandt", "Kenji It\u014d"),
                                                         "https://arxiv.org/abs/2402.07733")
    assert [(ref.line, ref.format) for ref in (vit.source, *vit.also_seen_in)] == [(3, "jsonl"), (8, "jsonl")]


def test_acronym_typed_mentions_carry_their_sources_confidence(handmade_resolution):
    lora = handmade_resolution.extractions[0]
    # "Low-Rank Adaptation (LoRA)": the ruler found both (0.5); typed through the definition, 0.5 * 0.95.
    assert {(m.text, m.confidence) for m in lora.entities if m.canonical == "LoRA"} == {
        ("LoRA", 0.475), ("Low-Rank Adaptation", 0.475)}


def test_acronym_and_long_form_share_type_and_canonical_name(handmade_extractor):
    (x,) = handmade_extractor.run([_paper("", (
        "We study Low-Rank Adaptation (LoRA) for large models. Fine-tuning with LoRA reduces memory, "
        "and LoRA adapters can be merged."))])
    lora = [(m.text, m.type.value, m.canonical, m.start) for m in x.entities if "LoRA" in m.text or "Low" in m.text]
    assert lora == [
        ("Low-Rank Adaptation", "Method", "Low-Rank Adaptation", 9),
        ("LoRA", "Method", "Low-Rank Adaptation", 30),
        ("LoRA", "Method", "Low-Rank Adaptation", 71),
        ("LoRA", "Method", "Low-Rank Adaptation", 96),
    ]


def test_a_title_acronym_definition_ends_with_the_title(handmade_extractor):
    # "DETR: Detection" defines nothing the abstract could extend: the abstract's own DETR stays a mention.
    (x,) = handmade_extractor.run([_paper("DETR: Detection", "We present DETR, which treats object detection as set "
                                                              "prediction.")])
    assert [(m.field.value, m.start, m.text) for m in x.entities] == [
        ("title", 0, "DETR"), ("abstract", 11, "DETR"), ("abstract", 30, "object detection")]


def test_a_name_the_paper_introduces_is_a_method_in_title_and_abstract(rules_seed):
    x = _by_title(rules_seed.extractions, "GSPMD:")
    assert [(m.field.value, m.start, m.end) for m in x.entities if m.text == "GSPMD"][:3] == [
        ("title", 0, 5), ("abstract", 11, 16), ("abstract", 273, 278)]
    assert {m.type.value for m in x.entities if m.text == "GSPMD"} == {"Method"}
    (contribution,) = [c for c in x.claims if c.type.value == "contribution"]
    assert contribution.text.startswith("We present GSPMD, an automatic, compiler-based parallelization system")


def test_seed_paper_with_dataset_metric_and_numeric_finding(rules_seed):
    x = _by_title(rules_seed.extractions, "Big Self-Supervised Models are Strong Semi-Supervised Learners")
    assert {"ImageNet"} <= _mentions(x, "Dataset")
    # The lexicon types learning paradigms as Methods ("semi-supervised learning", like "transfer learning").
    assert {"ResNet-50", "SimCLRv2", "semi-supervised learning"} <= _mentions(x, "Method")
    assert {"top-1 accuracy"} <= _mentions(x, "Metric")
    result = next(r for r in x.results if r.value == "73.9%")
    assert (result.metric, result.method) == ("ImageNet top-1 accuracy", "ResNet-50")
    finding = next(c for c in x.claims if c.start <= result.start < c.end)
    assert finding.type.value == "finding"
    assert finding.text.startswith("This procedure achieves 73.9% ImageNet top-1 accuracy")


def test_seed_paper_results_tie_dataset_and_method(rules_seed):
    x = _by_title(rules_seed.extractions, "SQLNet:")
    # "SQLNet can outperform the prior art by 9% to 13% on the WikiSQL task": two margins, the range's ends.
    assert [(r.value, r.kind, r.dataset, r.method) for r in x.results] == [("9%", "relative", "WikiSQL", "SQLNet"),
                                                                          ("13%", "relative", "WikiSQL", "SQLNet")]
    (finding,) = [c for c in x.claims if "outperform" in c.text]
    assert finding.type.value == "finding"
    assert [x.entities[i].text for i in finding.entities] == ["SQLNet", "WikiSQL"]


def test_acronyms_defined_in_one_paper_resolve_in_another(rules_seed):
    x = _by_title(rules_seed.extractions, "KGAT:")
    # A defined acronym whose long form is written as a name names the entity: users search for "KGAT".
    assert {m.canonical for m in x.entities if m.text in ("KGAT", "Knowledge Graph Attention Network")} == {"KGAT"}
    stu = _by_title(rules_seed.extractions, "STU-Net:")
    assert {m.canonical for m in stu.entities if m.text in ("STU-Net", "Scalable and Transferable U-Net")} == {
        "STU-Net"}


@pytest.mark.parametrize("text", ["", "   ", "No entities or claims in this sentence at all."])
def test_texts_without_findings_give_empty_lists(handmade_extractor, text):
    (x,) = handmade_extractor.run([_paper("", text)])
    assert (x.entities, x.claims, x.results) == ((), (), ())


def test_a_name_is_reported_without_the_full_stop_the_tokenizer_left_on_it():
    # spaCy's English tokenizer keeps "ImageNet-1K." (digit, capital, period) as one token, so a model
    # labelling that token would report the period; "U.S." keeps its own.
    import spacy

    import kgbuild.extract.components  # noqa: F401  (the confidence extension)
    from kgbuild.extract import Extractor

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "Dataset", "pattern": [{"ORTH": "ImageNet-1K."}]},
                                               {"label": "Dataset", "pattern": [{"ORTH": "U.S."}]}])
    abstract = "We gain 2% on ImageNet-1K. We also test U.S. census data."
    (x,) = Extractor(nlp).run([Paper(id="t", title="", abstract=abstract, source=SourceRef("t", 1, "jsonl"))])
    assert [(m.text, m.start, m.end) for m in x.entities] == [("ImageNet-1K", 14, 25), ("U.S.", 40, 44)]
    assert all(abstract[m.start:m.end] == m.text for m in x.entities)


def test_the_name_suggester_keeps_spacys_ngrams_that_can_be_names_in_spacys_order():
    import spacy
    from spacy.pipeline.spancat import build_ngram_range_suggester

    from kgbuild.extract.trained import build_name_suggester

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("We apply in-place distillation to ResNet-50. It works")
    kept = [tuple(ij) for ij in build_name_suggester(1, 4)([doc]).dataXd.tolist()]
    every = [tuple(ij) for ij in build_ngram_range_suggester(1, 4)([doc]).dataXd.tolist()]
    assert kept == [ij for ij in every if ij in set(kept)]  # a subsequence: the same n-grams in the same order
    texts = {doc[i:j].text for i, j in kept}
    assert {"in-place distillation", "ResNet-50", "in", "in-place", "works"} <= texts
    # Across the sentence break, ending in a function word or punctuation, starting with one: never a name.
    assert not {"-50. It", "distillation to", "ResNet-50.", "to ResNet-50", ".", "-place"} & texts
    assert len(kept) < len(every) * 0.7
    # A batch with nothing to score: no n-grams, no error.
    assert build_name_suggester(1, 3)([nlp("."), nlp("")]).lengths.tolist() == [0, 0]


@pytest.mark.parametrize(("name", "category"), [
    ("NeurIPS", "venue"), ("FOCS 2012", "venue"), ("NeurIPS'23", "venue"), ("NVIDIA A100 GPUs", "hardware"),
    ("TFLOPS", "generic"), ("https://github.com/x/y", "url"), ("Collins (2000)", "person"),
    ("Smith et al.", "person"), ("MIT Lincoln Laboratory", "organisation"), ("Bell Labs", "organisation"),
    ("Stanford University", "organisation"), ("CoNLL 2005", None), ("ImageNet 2012", None), ("LoRA", None),
    ("CIELab", None)])
def test_the_lexicon_knows_what_is_never_a_node(name, category):
    from kgbuild.extract.lexicon import shipped_lexicon

    assert shipped_lexicon().category(name) == category


@pytest.mark.parametrize(("text", "kind", "name"), [
    ("the TIMIT speech corpus", "Dataset", "TIMIT"), ("Additive Operator Splitting (AOS) techniques", "Method",
                                              "Additive Operator Splitting"),
    ("dropout schemes", "Method", "dropout"), ("the hashtag recommendation task", "Task", "hashtag recommendation"),
    ("linear layers", "Method", "linear layers")])
def test_a_nodes_name_drops_determiners_kind_words_and_a_defined_acronym(text, kind, name):
    from kgbuild.extract.lexicon import shipped_lexicon
    from kgbuild.extract.nodes import name_form
    from kgbuild.model import EntityType

    assert name_form(text, EntityType(kind), shipped_lexicon()) == name


def test_a_known_method_name_around_the_models_span_is_the_mention_but_not_a_metric():
    import spacy
    from spacy.tokens import Span, SpanGroup

    from kgbuild.extract.trained import SpanEntities

    nlp = spacy.blank("en")
    doc = nlp("We use bidirectional LSTMs and report the F1 score .")
    scored = SpanGroup(doc, name="sc", spans=[Span(doc, 3, 4, "Method"), Span(doc, 7, 8, "Metric")])
    scored.attrs["scores"] = [[0.9], [0.8]]
    doc.spans["sc"] = scored
    doc.spans["lexicon"] = [Span(doc, 2, 4, "Method"), Span(doc, 7, 9, "Metric")]
    doc = SpanEntities("sc", 0.5, "lexicon")(doc)
    assert [(e.text, e.label_, e._.confidence, e._.rule) for e in doc.ents] == [
        ("bidirectional LSTMs", "Method", 0.9, "model:spancat"), ("F1", "Metric", 0.8, "model:spancat")]


def _rows(sentence: str, names: list[tuple[str, str]], own: str | None = None) -> list[tuple]:
    from kgbuild.extract.results import Mention, results

    mentions, at = [], 0
    for text, kind in names:
        at = sentence.index(text, at)
        mentions.append(Mention(at, at + len(text), kind, text))
        at += len(text)
    return [(r.value, r.kind, r.number, r.unit, r.metric, r.dataset, r.method, r.compared_to)
            for r in results(sentence, 0, mentions, own)]


def test_results_are_leaderboard_rows_with_their_own_metric_dataset_method_and_baseline():
    assert _rows("On ImageNet, NASNet achieves state-of-the-art accuracy of 82.7% top-1 and 96.2% top-5 on ImageNet.",
                 [("ImageNet", "Dataset"), ("NASNet", "Method"), ("accuracy", "Metric"), ("ImageNet", "Dataset")]) == [
        ("82.7%", "absolute", 82.7, "%", "top-1 accuracy", "ImageNet", "NASNet", None),
        ("96.2%", "absolute", 96.2, "%", "top-5 accuracy", "ImageNet", "NASNet", None)]
    assert _rows("ViT-H/14 reaches 88.55% on ImageNet and 94.55% on CIFAR-100.",
                 [("ViT-H/14", "Method"), ("ImageNet", "Dataset"), ("CIFAR-100", "Dataset")]) == [
        ("88.55%", "absolute", 88.55, "%", None, "ImageNet", "ViT-H/14", None),
        ("94.55%", "absolute", 94.55, "%", None, "CIFAR-100", "ViT-H/14", None)]
    # The improvement belongs to the paper's own method, the baseline is what it is compared to.
    assert _rows("It delivers 4.6% and 1.3% average improvements compared to LoRA.", [("LoRA", "Method")],
                 own="S2FT") == [("4.6%", "relative", 4.6, "%", None, None, "S2FT", "LoRA"),
                                 ("1.3%", "relative", 1.3, "%", None, None, "S2FT", "LoRA")]
    assert _rows("Our algorithm requires 3-10 times fewer samples than standard RANSAC.", [("RANSAC", "Method")],
                 own="ours") == [("3", "relative", 3.0, "x", None, None, "ours", "RANSAC"),
                                 ("10 times", "relative", 10.0, "x", None, None, "ours", "RANSAC")]
    assert _rows("DeepScan achieves an F1-score of 0.964.", [("DeepScan", "Method"), ("F1-score", "Metric")]) == [
        ("0.964", "absolute", 0.964, None, "F1-score", None, "DeepScan", None)]


@pytest.mark.parametrize("sentence", [
    "VB-LoRA only uses 0.4% of LoRA's stored parameters, yet achieves superior results.",
    "It adds fewer than 0.1% extra parameters.",
    "We train on CIFAR10/100, ImageNet-100 and ImageNet-1k with ResNet-50 and ViT-H/14 on 80GB GPUs.",
    "We report top-5 accuracy [16] as in 2017, on 3 datasets with 1% of the labels.",
])
def test_names_sizes_settings_years_citations_and_counts_are_not_results(sentence):
    assert _rows(sentence, []) == []


def _mentions_of(text: str, names: list[tuple[str, str]]) -> list:
    from kgbuild.extract.results import Mention

    mentions = []
    for name, kind in names:
        at = 0
        while (at := text.find(name, at)) >= 0:
            mentions.append(Mention(at, at + len(name), kind, name))
            at += len(name)
    return sorted(mentions, key=lambda m: m.start)


def _sentences(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.?\s*", text)]


def test_what_speaks_for_a_paper_proposing_a_name_and_against_it():
    from kgbuild.extract.proposals import proposal_features

    text = ("We introduce KAZE features, a novel feature detection algorithm. KAZE features are computed by "
            "nonlinear diffusion. They outperform SURF and are faster than SIFT using GPUs.")
    mentions = _mentions_of(text, [("KAZE features", "Method"), ("nonlinear diffusion", "Method"), ("SURF", "Method"),
                                ("SIFT", "Method")])
    features = {key[1]: f for key, (_, f) in proposal_features(text, _sentences(text), mentions,
                                                               known=lambda name: name in {"SIFT", "SURF"}).items()}
    assert features["kaze features"] == {"bias": 1.0, "after_verb": 1.0, "in_proposal_after_verb": 1.0,
                                         "appositive": 1.0, "first_sentence": 1.0, "early": 1.0, "repeats:2": 1.0,
                                         "written_as_name": 1.0, "words:2": 1.0}
    assert features["nonlinear diffusion"] == {"bias": 1.0, "using_cue": 1.0, "repeats:1": 1.0, "words:2": 1.0}
    assert features["surf"] == {"bias": 1.0, "baseline_cue": 1.0, "repeats:1": 1.0, "written_as_name": 1.0,
                                "known_name": 1.0, "words:1": 1.0}
    assert features["sift"]["baseline_cue"] == 1.0 and features["sift"]["known_name"] == 1.0


@pytest.mark.parametrize(("text", "names", "expected"), [
    # Hand-checked against the shipped scorer: the proposal verb, "called", "X is proposed" and the title's name.
    ("We introduce KAZE features, a novel feature detection algorithm. KAZE features outperform SURF.",
     [("KAZE features", "Method"), ("SURF", "Method")], {"KAZE features"}),
    ("A new processing paradigm called Fragment-and-Compose has been created. Fragment-and-Compose is fast.",
     [("Fragment-and-Compose", "Method")], {"Fragment-and-Compose"}),
    ("LoRA: Low-Rank Adaptation of Large Language Models\n\nWe freeze the weights of RoBERTa. LoRA trains less.",
     [("LoRA", "Method"), ("RoBERTa", "Method")], {"LoRA"}),
    # Named only as what the paper uses or compares with: nothing proposed.
    ("We present a method for training ResNet on ImageNet. It is faster than ResNet trained with SGD.",
     [("ResNet", "Method"), ("ImageNet", "Dataset"), ("SGD", "Method")], set()),
])
def test_a_paper_proposes_the_name_it_introduces_and_not_those_it_uses(text, names, expected):
    from kgbuild.extract.components import known_name, shipped_proposal_scorer
    from kgbuild.extract.proposals import proposed

    mentions = _mentions_of(text, names)
    title_end = text.find("\n\n")
    chosen = proposed(text, _sentences(text), mentions, title_end if title_end > 0 else None,
                      shipped_proposal_scorer(), known_name)
    assert {mentions[i].text for i in chosen} == expected


def test_a_coined_name_opening_the_title_is_the_papers_own_node_however_it_was_judged():
    import spacy
    from spacy.tokens import Span

    from kgbuild.extract.components import OwnNames

    own_names = OwnNames(scored=False)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("UniRepLKNet: A Universal Perception Large-Kernel ConvNet\n\nUniRepLKNet reaches 88.0% on ImageNet.")
    doc.ents = [Span(doc, 0, 1, "Method"), Span(doc, 10, 11, "Method")]
    for e in doc.ents:
        e._.generic = True  # as the node classifier may judge a name in a title written in title case
    doc = own_names(doc)
    assert [(e.text, e._.generic, e._.proposed) for e in doc.ents] == [("UniRepLKNet", False, True),
                                                                       ("UniRepLKNet", False, True)]
    # Not a phrase of common words ("Deep Learning: A Review") nor a name that is never a node.
    doc = nlp("Deep Learning: A Review\n\nDeep Learning is popular.")
    doc.ents = [Span(doc, 0, 2, "Method")]
    doc.ents[0]._.generic = True
    assert [(e._.generic, e._.proposed) for e in own_names(doc).ents] == [(True, False)]


@pytest.mark.parametrize(("sentence", "kept"), [
    ("The code and models are publicly available online.", ""),
    ("The rest of this paper is organized as follows.", ""),
    ("Experiments on ImageNet show that ViT-ResNAS beats DeiT. Code is available at https://github.com/x/y.",
     "Experiments on ImageNet show that ViT-ResNAS beats DeiT."),
    ("LoRA reaches 82.1% accuracy on GLUE; the model is available upon request and improves recall.",
     "LoRA reaches 82.1% accuracy on GLUE; the model is available upon request and improves recall."),
])
def test_boilerplate_is_no_claim_and_is_cut_off_a_claim_it_was_left_attached_to(sentence, kept):
    from kgbuild.extract.cues import without_boilerplate

    assert sentence[:without_boilerplate(sentence)] == kept


def test_a_metric_the_value_is_stated_of_is_its_metric():
    assert _rows("Using only 40 utterances, the error rate dropped to 4.1%.", [("error rate", "Metric")]) == [
        ("4.1%", "absolute", 4.1, "%", "error rate", None, None, None)]
    # The two ends of a change are scores, before and after.
    assert [r[:5] for r in _rows("We also improve the precision from 48.9 to 83.3 on the BUCC task.",
                                 [("precision", "Metric")])] == [("48.9", "absolute", 48.9, None, "precision"),
                                                                 ("83.3", "absolute", 83.3, None, "precision")]
    # A metric of something else, then a verb that states no value of it: no metric.
    assert _rows("The accuracy matters because the model trains 3x faster.", [("accuracy", "Metric")]) == [
        ("3x", "relative", 3.0, "x", None, None, None, None)]
