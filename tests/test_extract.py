"""The rule-based pipeline (`kgbuild_rules`) on the seed corpus: exact offsets, acronyms, hand-checked extractions."""

from __future__ import annotations

import json

import pytest

from kgbuild.extract import RULES_PIPELINE, load_extractor, to_contract
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


def test_offsets_are_exact_for_every_entity_claim_and_result(rules_seed):
    checked = 0
    for x in rules_seed.extractions:
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
    assert checked > 2000


def test_contract_shape_and_confidences(rules_seed):
    record = to_contract(rules_seed.extractions[0])
    assert list(record) == ["id", "title", "abstract", "entities", "claims", "results", "extractor"]
    assert list(record["entities"][0]) == ["type", "text", "field", "start", "end", "canonical", "confidence"]
    json.dumps(record)  # serialisable as is
    for x in rules_seed.extractions:
        for item in (*x.entities, *x.claims, *x.results):
            assert 0.0 < item.confidence <= 1.0


def test_acronym_and_long_form_share_type_and_canonical_name(rules):
    (x,) = rules.run([_paper("", (
        "We study Low-Rank Adaptation (LoRA) for large models. Fine-tuning with LoRA reduces memory, "
        "and LoRA adapters can be merged."))])
    lora = [(m.text, m.type.value, m.canonical, m.start) for m in x.entities if "LoRA" in m.text or "Low" in m.text]
    assert lora == [
        ("Low-Rank Adaptation", "Method", "Low-Rank Adaptation", 9),
        ("LoRA", "Method", "Low-Rank Adaptation", 30),
        ("LoRA", "Method", "Low-Rank Adaptation", 71),
        ("LoRA", "Method", "Low-Rank Adaptation", 96),
    ]


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
    assert {"ResNet-50", "SimCLRv2"} <= _mentions(x, "Method")
    assert {"top-1 accuracy"} <= _mentions(x, "Metric")
    assert {"semi-supervised learning"} <= _mentions(x, "Task")
    result = next(r for r in x.results if r.value == "73.9%")
    assert (result.metric, result.method) == ("ImageNet top-1 accuracy", "ResNet-50")
    finding = next(c for c in x.claims if c.start <= result.start < c.end)
    assert finding.type.value == "finding"
    assert finding.text.startswith("This procedure achieves 73.9% ImageNet top-1 accuracy")


def test_seed_paper_results_tie_dataset_and_method(rules_seed):
    x = _by_title(rules_seed.extractions, "SQLNet:")
    assert [(r.value, r.dataset, r.method) for r in x.results] == [("9%", "WikiSQL", "SQLNet"),
                                                                  ("13%", "WikiSQL", "SQLNet")]
    (finding,) = [c for c in x.claims if "outperform" in c.text]
    assert finding.type.value == "finding"
    assert [x.entities[i].text for i in finding.entities] == ["SQLNet", "WikiSQL"]


def test_acronyms_defined_in_one_paper_resolve_in_another(rules_seed):
    x = _by_title(rules_seed.extractions, "KGAT:")
    assert {m.canonical for m in x.entities if m.text == "KGAT"} == {"Knowledge Graph Attention Network"}
    stu = _by_title(rules_seed.extractions, "STU-Net:")
    assert {m.canonical for m in stu.entities if m.text == "STU-Net"} == {"Scalable and Transferable U-Net"}


@pytest.mark.parametrize("text", ["", "   ", "No entities or claims in this sentence at all."])
def test_texts_without_findings_give_empty_lists(rules, text):
    (x,) = rules.run([_paper("", text)])
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
