"""Entity resolution: merges and non-merges on the hand-made corpus (tests/handmade.py) and on small corpora written
for one rule each, curated aliases, and keys stable across runs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from handmade import ENTITY_KEYS, LORA_PAPER, QA_PAPER, VIT_PAPER, WMT14

from kgbuild.model import EntityMention, EntityType, ExtractorInfo, Field, PaperExtraction
from kgbuild.resolve import (
    AliasFileError,
    CuratedEntity,
    EntityRegistry,
    entity_keys,
    load_aliases,
    normalise,
    resolve,
    slug,
)

METHOD, DATASET, TASK = EntityType.METHOD, EntityType.DATASET, EntityType.TASK


def paper(paper_id: str, *names: tuple[EntityType, str, str]) -> PaperExtraction:
    """An extraction naming (type, text, in-paper canonical) mentions, laid out one after another."""
    mentions, start = [], 0
    for kind, text, canonical in names:
        mentions.append(EntityMention(kind, text, Field.ABSTRACT, start, start + len(text), canonical, 0.9))
        start += len(text) + 1
    text = " ".join(t for _, t, _ in names)
    return PaperExtraction(paper_id, "", text, ExtractorInfo("test", "0"), tuple(mentions))


def key_of(resolution, kind: EntityType, text: str) -> str:
    """The entity key the resolution gives to mentions of `text`."""
    keys = entity_keys(resolution.entities)
    for x in resolution.extractions:
        for m in x.entities:
            if m.type is kind and m.text == text:
                return keys[(kind, m.canonical)]
    raise AssertionError(f"no {kind} mention {text!r}")


# --- the hand-made corpus (tests/handmade.py), and small corpora written for one rule each ---------------------

def test_an_acronym_defined_in_one_paper_names_the_entity_in_all(handmade_resolution):
    lora = handmade_resolution.entities["method/lora"]
    assert (lora.type, lora.name, lora.aliases) == (METHOD, "LoRA", ("Low-Rank Adaptation",))
    assert key_of(handmade_resolution, METHOD, "LoRA") == key_of(handmade_resolution, METHOD,
                                                                 "Low-Rank Adaptation") == "method/lora"
    # Paper 1 defines it (title and abstract); papers 2 and 3 write it bare: every mention's canonical is its name.
    assert [(x.paper_id, m.text, m.canonical) for x in handmade_resolution.extractions for m in x.entities
            if m.canonical == "LoRA"] == [
        (LORA_PAPER, "LoRA", "LoRA"), (LORA_PAPER, "Low-Rank Adaptation", "LoRA"),
        (LORA_PAPER, "Low-Rank Adaptation", "LoRA"), (LORA_PAPER, "LoRA", "LoRA"), (LORA_PAPER, "LoRA", "LoRA"),
        *[(QA_PAPER, "LoRA", "LoRA")] * 3, *[(VIT_PAPER, "LoRA", "LoRA")] * 3]
    # ScaLoRA, which contains "LoRA", is another method.
    assert key_of(handmade_resolution, METHOD, "ScaLoRA") == "method/scalora"


def test_spelling_variants_merge():
    # Case, plural and "dataset" suffix variants: one entity, named by its undecorated form.
    resolution = resolve([
        paper("p1", (DATASET, "ImageNet", "ImageNet"), (DATASET, "ImageNet dataset", "ImageNet dataset")),
        paper("p2", (DATASET, "ImageNet datasets", "ImageNet datasets"), (DATASET, "ImageNet", "ImageNet"),
              (DATASET, "ImageNet-1k", "ImageNet-1k"), (DATASET, "ImageNet-1K dataset", "ImageNet-1K dataset")),
        paper("p3", (METHOD, "Transformer", "Transformer"), (METHOD, "transformer", "transformer"),
              (METHOD, "Transformers", "Transformers"), (METHOD, "Transformer", "Transformer")),
    ], known=())
    assert {k: (e.name, e.aliases) for k, e in resolution.entities.items()} == {
        "dataset/imagenet": ("ImageNet", ("ImageNet dataset", "ImageNet datasets")),
        "dataset/imagenet-1k": ("ImageNet-1k", ("ImageNet-1K dataset",)),
        "method/transformer": ("Transformer", ("Transformers", "transformer")),  # the most written form
    }


def test_spelling_matches_merge_hyphenation_british_spelling_and_typos():
    resolution = resolve([
        paper("p1", (DATASET, "CIFAR-100", "CIFAR-100"), (DATASET, "CIFAR-10", "CIFAR-10")),
        paper("p2", (DATASET, "CIFAR100", "CIFAR100")),
        paper("p3", (METHOD, "multi-layer perceptron", "multi-layer perceptron"),
              (METHOD, "multi-layer perceptron", "multi-layer perceptron")),
        paper("p4", (METHOD, "Multilayer Perceptron", "Multilayer Perceptron")),
        paper("p5", (EntityType.METRIC, "generalisation error", "generalisation error")),
        paper("p6", (EntityType.METRIC, "generalization error", "generalization error")),
        paper("p7", (METHOD, "genetic algorithm", "genetic algorithm"), (METHOD, "genetic programming",
                                                                         "genetic programming")),
        # One letter from "genetic", but a different word: both spellings occur in two names of the corpus.
        paper("p8", (METHOD, "generic algorithm", "generic algorithm"), (METHOD, "generic framework",
                                                                         "generic framework")),
        # A one-letter typo in a long word, written once.
        paper("p9", (METHOD, "knowledge distilation", "knowledge distilation"),
              (METHOD, "knowledge distillation", "knowledge distillation"),
              (METHOD, "knowledge distillation", "knowledge distillation")),
    ], known=())
    pairs = {(DATASET, "CIFAR-100"): "dataset/cifar-100", (DATASET, "CIFAR100"): "dataset/cifar-100",
             (DATASET, "CIFAR-10"): "dataset/cifar-10",
             (METHOD, "multi-layer perceptron"): "method/multi-layer-perceptron",
             (METHOD, "Multilayer Perceptron"): "method/multi-layer-perceptron",
             (EntityType.METRIC, "generalisation error"): "metric/generalisation-error",
             (EntityType.METRIC, "generalization error"): "metric/generalisation-error",
             (METHOD, "genetic algorithm"): "method/genetic-algorithm",
             (METHOD, "generic algorithm"): "method/generic-algorithm",
             (METHOD, "knowledge distilation"): "method/knowledge-distillation",
             (METHOD, "knowledge distillation"): "method/knowledge-distillation"}
    assert {pair: key_of(resolution, *pair) for pair in pairs} == pairs
    assert len(resolution.entities) == 9


def test_look_alikes_stay_apart():
    resolution = resolve([
        # Versions and variants of a dataset are different datasets.
        paper("p1", (DATASET, "ImageNet", "ImageNet"), (DATASET, "ImageNet-1k", "ImageNet-1k"),
              (DATASET, "ImageNet-R", "ImageNet-R"), (DATASET, "ImageNet-21k", "ImageNet-21k")),
        paper("p2", (METHOD, "GPT-3", "GPT-3"), (METHOD, "GPT-4", "GPT-4")),
        # A name that contains an acronym is not the acronym's entity.
        paper("p3", (METHOD, "Low-Rank Adaptation", "Low-Rank Adaptation"), (METHOD, "LoRA", "Low-Rank Adaptation"),
              (METHOD, "LoRA setting", "LoRA setting"), (METHOD, "Low-Rank Transformer", "Low-Rank Transformer")),
        paper("p4", (METHOD, "Convolutional Neural Network", "Convolutional Neural Network"),
              (METHOD, "CNN", "Convolutional Neural Network"), (METHOD, "deep CNN", "deep CNN"),
              (METHOD, "temporal convolutional network", "temporal convolutional network")),
    ], known=())
    assert sorted(resolution.entities) == [
        "dataset/imagenet", "dataset/imagenet-1k", "dataset/imagenet-21k", "dataset/imagenet-r",
        "method/cnn", "method/deep-cnn", "method/gpt-3", "method/gpt-4", "method/lora", "method/lora-setting",
        "method/low-rank-transformer", "method/temporal-convolutional-network"]


def test_keys_are_readable_and_percent_safe(handmade_resolution):
    assert sorted(handmade_resolution.entities) == sorted(ENTITY_KEYS)
    for key in handmade_resolution.entities:
        kind, _, rest = key.partition("/")
        assert kind in {"method", "dataset", "metric", "task"}
        assert rest and rest.isascii() and " " not in rest, key
    # Non-ASCII names are percent-encoded (UTF-8), and their entity keeps the name as written.
    assert handmade_resolution.entities["method/nystr%C3%B6mformer"].name == "Nystr\u00f6mformer"
    assert handmade_resolution.entities["dataset/wmt14-english%E2%80%93german"].name == WMT14


# --- the rules, on small corpora ------------------------------------------------------------------------------

def test_acronym_plurals_keep_their_case_distinction():
    assert normalise("NNs", METHOD) == normalise("NN", METHOD) == "nn"
    assert normalise("NNS", METHOD) == "nns"  # nearest neighbour search, not "neural networks"
    assert normalise("CNNs", METHOD) == "cnn"
    assert normalise("ResNets", METHOD) == "resnet"
    assert normalise("the SQuAD dataset", DATASET) == "squad"


def test_slugs_are_percent_safe_for_any_name():
    assert slug("Low-Rank Adaptation") == "low-rank-adaptation"
    assert slug("C++ / Ünïcode  model") == "c%2B%2B-%2F-%C3%BCn%C3%AFcode-model"
    assert slug("ViT-B/16") == "vit-b%2F16"
    # pyoxigraph would write "kgr:dataset\\/imagenet-1k\\." (valid Turtle), which rdflib's parser rejects.
    assert (slug("ImageNet-1K."), slug(".NET"), slug("..."), slug("v1.5")) == ("imagenet-1k", "net", "_", "v1.5")


def test_an_acronym_defined_in_one_paper_resolves_a_bare_mention_in_another():
    resolution = resolve([
        paper("p1", (METHOD, "Low-Rank Adaptation", "Low-Rank Adaptation"), (METHOD, "LoRA", "Low-Rank Adaptation")),
        paper("p2", (METHOD, "LoRA", "LoRA")),
    ], known=())
    # Its long form written as a name, the defined acronym is what the entity is called.
    assert list(resolution.entities) == ["method/lora"]
    assert resolution.entities["method/lora"].aliases == ("Low-Rank Adaptation",)
    assert [m.canonical for x in resolution.extractions for m in x.entities] == ["LoRA"] * 3


def test_a_defined_acronym_of_a_description_keeps_the_spelled_out_name():
    resolution = resolve([
        paper("p1", (METHOD, "federated learning", "federated learning"), (METHOD, "FL", "federated learning")),
        paper("p2", (METHOD, "FL", "FL")),
    ], known=())
    assert [(e.key, e.name, e.aliases) for e in resolution.entities.values()] == [
        ("method/federated-learning", "federated learning", ("FL",))]


def test_an_acronym_two_entities_define_names_neither():
    resolution = resolve([
        paper("p1", (TASK, "Super-Resolution", "Super-Resolution"), (TASK, "SR", "Super-Resolution")),
        paper("p2", (TASK, "Speech Recognition", "Speech Recognition"), (TASK, "SR", "Speech Recognition")),
    ], known=())
    assert sorted(e.name for e in resolution.entities.values()) == ["Speech Recognition", "Super-Resolution"]


def test_an_ambiguous_acronym_is_not_merged_with_either_long_form():
    resolution = resolve([
        paper("p1", (METHOD, "PPO", "Proximal Policy Optimization")),
        paper("p2", (METHOD, "PPO", "Pairwise Preference Optimization")),
        paper("p3", (METHOD, "PPO", "PPO")),
    ], known=())
    assert list(resolution.entities) == [
        "method/pairwise-preference-optimization", "method/ppo", "method/proximal-policy-optimization"]


def test_one_type_per_name_across_the_corpus_by_the_mentions_confidences():
    def typed(paper_id: str, kind: EntityType, confidence: float) -> PaperExtraction:
        x = paper(paper_id, (kind, "Federated Learning", "Federated Learning"))
        return replace(x, entities=(replace(x.entities[0], confidence=confidence),))

    resolution = resolve([typed("p1", METHOD, 0.9), typed("p2", METHOD, 0.6), typed("p3", TASK, 0.95)], known=())
    assert list(resolution.entities) == ["method/federated-learning"]
    assert [m.type for x in resolution.extractions for m in x.entities] == [METHOD] * 3
    # A Task in more papers, or more confidently, makes it a Task everywhere.
    flipped = resolve([typed("p1", METHOD, 0.9), typed("p3", TASK, 0.95)], known=())
    assert list(flipped.entities) == ["task/federated-learning"]


def test_an_entity_is_a_node_when_at_least_half_its_mentions_are():
    def mention(paper_id: str, generic: bool) -> PaperExtraction:
        x = paper(paper_id, (METHOD, "DNNs", "DNNs"))
        return replace(x, entities=(replace(x.entities[0], generic=generic),))

    mostly_generic = resolve([mention("p1", True), mention("p2", True), mention("p3", False)], known=())
    assert [e.generic for e in mostly_generic.entities.values()] == [True]
    assert [m.generic for x in mostly_generic.extractions for m in x.entities] == [True, True, True]
    half = resolve([mention("p1", True), mention("p2", False)], known=())
    assert [e.generic for e in half.entities.values()] == [False]


def test_curated_aliases_merge_name_and_link_external_ids(tmp_path):
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(
        "- name: MS COCO\n  type: Dataset\n  aliases: [COCO, MS-COCO, Microsoft COCO]\n"
        "  same_as: [http://www.wikidata.org/entity/Q28936519]\n", encoding="utf-8")
    curated = load_aliases(aliases)
    resolution = resolve([paper("p1", (DATASET, "COCO", "COCO")), paper("p2", (DATASET, "MS-COCO", "MS-COCO"))],
                         curated)
    [(key, entity)] = resolution.entities.items()
    assert (key, entity.name, entity.same_as) == ("dataset/ms-coco", "MS COCO",
                                                  ("http://www.wikidata.org/entity/Q28936519",))
    assert entity.aliases == ("COCO", "MS-COCO", "Microsoft COCO")


def test_curated_aliases_from_csv(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("name,type,aliases,same_as\nGPT-4,Method,GPT4|gpt-4,\n", encoding="utf-8")
    assert load_aliases(aliases) == [CuratedEntity("GPT-4", METHOD, ("GPT4", "gpt-4"), ())]


@pytest.mark.parametrize(("content", "reason"), [
    ("- name: X\n  type: Model\n", "entry 1: type 'Model' is not one of Method, Dataset, Metric, Task"),
    ("- type: Method\n", "entry 1: missing name"),
    ("- name: X\n  type: Method\n  same_as: [Q42]\n", "entry 1: same_as 'Q42' is not an http(s) IRI"),
    ("name: X\n", "expected a list of entries"),
])
def test_a_bad_alias_file_names_the_file_entry_and_reason(tmp_path, content, reason):
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(content, encoding="utf-8")
    with pytest.raises(AliasFileError) as error:
        load_aliases(aliases)
    assert str(error.value) == f"{aliases}: {reason}"


def test_keys_survive_a_new_preferred_name_and_a_later_merge():
    registry = EntityRegistry()
    first = resolve([paper("p1", (METHOD, "LoRA", "LoRA")),
                     paper("p2", (METHOD, "low-rank adaptation", "low-rank adaptation"))], registry=registry, known=())
    assert list(first.entities) == ["method/lora", "method/low-rank-adaptation"]
    # A later corpus defines the acronym: both old keys are one entity now; the older key survives and the
    # younger is kept as replaced by it, so its IRI still resolves.
    second = resolve([
        paper("p1", (METHOD, "LoRA", "LoRA")),
        paper("p2", (METHOD, "low-rank adaptation", "low-rank adaptation")),
        paper("p3", (METHOD, "Low-Rank Adaptation", "Low-Rank Adaptation"), (METHOD, "LoRA", "Low-Rank Adaptation")),
    ], registry=registry, known=())
    assert list(second.entities) == ["method/lora"]
    assert second.entities["method/lora"].replaces == ("method/low-rank-adaptation",)
    # Saved and loaded, the registry gives the same keys; an unrelated paper changes none of them.
    again = EntityRegistry.from_json(registry.to_json())
    third = resolve([paper("p1", (METHOD, "LoRA", "LoRA")), paper("p4", (METHOD, "Adam", "Adam"))], registry=again,
                    known=())
    assert list(third.entities) == ["method/adam", "method/lora"]
