"""Entity resolution: merges and non-merges on the seed corpus, curated aliases, and keys stable across runs."""

from __future__ import annotations

import pytest

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


# --- the seed corpus, through the shipped pipeline ------------------------------------------------------------

def test_seed_acronyms_merge_with_their_long_forms(seed_extractions):
    entities = seed_extractions.entities
    lora = entities["method/low-rank-adaptation"]
    assert lora.name == "low-rank adaptation"
    assert set(lora.aliases) == {"LoRA", "Low-Rank Adaptation"}
    cnn = entities["method/convolutional-neural-networks"]
    assert {"CNN", "CNNs", "ConvNet", "ConvNets", "Convolutional Neural Network"} <= set(cnn.aliases)
    assert key_of(seed_extractions, METHOD, "LoRA") == "method/low-rank-adaptation"


def test_seed_spelling_variants_merge(seed_extractions):
    # Case, plural and "dataset" suffix variants: one entity, named by its undecorated form.
    assert seed_extractions.entities["dataset/imagenet"].aliases == ("ImageNet dataset", "ImageNet datasets")
    imagenet_1k = seed_extractions.entities["dataset/imagenet-1k"]
    assert (imagenet_1k.name, imagenet_1k.aliases) == ("ImageNet-1k", ("ImageNet-1K dataset",))
    assert seed_extractions.entities["method/transformer"].aliases == ("transformer",)


def test_seed_spelling_matches_merge_hyphenation_and_british_spelling(seed_extractions):
    pairs = {(DATASET, "CIFAR-100"): "dataset/cifar-100", (DATASET, "CIFAR100"): "dataset/cifar-100",
             (DATASET, "CIFAR-10"): "dataset/cifar-10",
             (METHOD, "multi-layer perceptron"): "method/multi-layer-perceptron",
             (METHOD, "Multilayer Perceptron"): "method/multi-layer-perceptron",
             (EntityType.METRIC, "generalisation error"): "metric/generalisation-error",
             (EntityType.METRIC, "generalization error"): "metric/generalisation-error",
             (METHOD, "genetic algorithm"): "method/genetic-algorithms",
             # One letter from "genetic", but a different word: both spellings occur across the corpus.
             (METHOD, "generic algorithm"): "method/generic-algorithm"}
    assert {pair: key_of(seed_extractions, *pair) for pair in pairs} == pairs


def test_seed_look_alikes_stay_apart(seed_extractions):
    keys = set(seed_extractions.entities)
    # Versions and variants of a dataset are different datasets.
    assert {"dataset/imagenet", "dataset/imagenet-1k", "dataset/imagenet-r"} <= keys
    # A name that contains an acronym is not the acronym's entity.
    assert {"method/low-rank-adaptation", "method/lora-setting", "method/low-rank-transformer"} <= keys
    assert {"method/convolutional-neural-networks", "method/deep-cnn", "method/temporal-convolutional-network"} <= keys


def test_seed_keys_are_readable_and_percent_safe(seed_extractions):
    for key in seed_extractions.entities:
        kind, _, rest = key.partition("/")
        assert kind in {"method", "dataset", "metric", "task"}
        assert rest and rest.isascii() and " " not in rest, key


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
    ])
    assert list(resolution.entities) == ["method/low-rank-adaptation"]
    assert [m.canonical for x in resolution.extractions for m in x.entities] == ["Low-Rank Adaptation"] * 3


def test_an_ambiguous_acronym_is_not_merged_with_either_long_form():
    resolution = resolve([
        paper("p1", (METHOD, "PPO", "Proximal Policy Optimization")),
        paper("p2", (METHOD, "PPO", "Pairwise Preference Optimization")),
        paper("p3", (METHOD, "PPO", "PPO")),
    ])
    assert list(resolution.entities) == [
        "method/pairwise-preference-optimization", "method/ppo", "method/proximal-policy-optimization"]


def test_types_are_never_merged():
    resolution = resolve([paper("p1", (METHOD, "BERT", "BERT"), (TASK, "BERT", "BERT"))])
    assert list(resolution.entities) == ["method/bert", "task/bert"]


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
                     paper("p2", (METHOD, "low-rank adaptation", "low-rank adaptation"))], registry=registry)
    assert list(first.entities) == ["method/lora", "method/low-rank-adaptation"]
    # A later corpus defines the acronym: both old keys are one entity now; the older key survives and the
    # younger is kept as replaced by it, so its IRI still resolves.
    second = resolve([
        paper("p1", (METHOD, "LoRA", "LoRA")),
        paper("p2", (METHOD, "low-rank adaptation", "low-rank adaptation")),
        paper("p3", (METHOD, "Low-Rank Adaptation", "Low-Rank Adaptation"), (METHOD, "LoRA", "Low-Rank Adaptation")),
    ], registry=registry)
    assert list(second.entities) == ["method/lora"]
    assert second.entities["method/lora"].replaces == ("method/low-rank-adaptation",)
    # Saved and loaded, the registry gives the same keys; an unrelated paper changes none of them.
    again = EntityRegistry.from_json(registry.to_json())
    third = resolve([paper("p1", (METHOD, "LoRA", "LoRA")), paper("p4", (METHOD, "Adam", "Adam"))], registry=again)
    assert list(third.entities) == ["method/adam", "method/lora"]
