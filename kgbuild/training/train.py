"""`kgbuild train`: rebuild the shipped pipeline from the configs in configs/ and the gold sets.

Steps: convert the gold train/dev splits to .spacy corpora and derive the
lexicon's train names; train the entity model (configs/entities_partial.cfg)
and the claim model (configs/claims.cfg) with spaCy's own trainer; assemble
them with kgbuild's components into one pipeline; train its node classifier
on the graph-level train gold; save it where `load_pipeline` finds it; train
the proposal scorer (what a paper PROPOSES) on the same gold, read by every
pipeline from the extraction package's data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language

from kgbuild import __version__
from kgbuild.evaluation.gold import read_csabstruct, read_scierc, read_scirex, read_tdmsci
from kgbuild.evaluation.graph_gold import GraphGoldAbstract, read_graph_gold
from kgbuild.extract.components import LEXICON_KEY
from kgbuild.extract.lexicon import DATA_FILES
from kgbuild.training.corpus import claim_doc, entity_doc, write_docbin
from kgbuild.training.names import write_train_names
from kgbuild.training.nodes import train_node_classifier
from kgbuild.training.proposals import train_proposal_scorer

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
TRAIN_NAMES = Path(__file__).resolve().parents[1] / "extract" / "data" / DATA_FILES["train"]
TRAINED_PIPELINE = "kgbuild_sci"


def write_corpora(eval_dir: Path, work: Path, tdmsci_repeat: int = 1, scirex_sections: int = 2,
                  log: Callable[[str], None] = print) -> None:
    """Write the .spacy corpora.

    `tdmsci_repeat` weighs TDMSci's short sentences against the long documents;
    `scirex_sections` is how much of each SciREX paper to train on (2: title and abstract).
    """
    nlp = spacy.blank("en")
    entity_sets = {
        "train": [*read_scierc(eval_dir / "scierc" / "train.json"),
                  *list(read_tdmsci(eval_dir / "tdmsci" / "train.conll", "train")) * tdmsci_repeat,
                  *read_scirex(eval_dir / "scirex" / "train_docs", "train", scirex_sections)],
        # Model selection during training looks at the two abstract-length dev sets only.
        "dev": [*read_scierc(eval_dir / "scierc" / "dev.json"),
                *read_tdmsci(eval_dir / "tdmsci" / "train.conll", "dev")],
    }
    for split, golds in entity_sets.items():
        count = write_docbin((entity_doc(nlp, g)[0] for g in golds), work / "entities" / f"{split}.spacy")
        log(f"entities {split}: {count} texts")
    for split in ("train", "dev"):
        abstracts = list(read_csabstruct(eval_dir / "csabstruct" / f"{split}.jsonl"))
        docs = (claim_doc(nlp, sentence, len(a)) for a in abstracts for sentence in a)
        log(f"claims {split}: {write_docbin(docs, work / 'claims' / f'{split}.spacy')} sentences")


# The span categorizer keeps every (span, type) scoring this much, each type of a span separately (max_positive
# null), so that `kgbuild_span_entities` chooses among them and `kgbuild_node_classifier` sees every type's score.
SPAN_CANDIDATE_THRESHOLD = 0.1
NAME_SUGGESTER = "kgbuild.name_suggester.v1"


def assemble(entities_model: Path, claims_model: Path, entity_threshold: float = 0.5,
             claim_thresholds: dict[str, float] | None = None, node_threshold: float = 0.5,
             node_l2: float = 1.0, graph_gold: Sequence[GraphGoldAbstract] | None = None,
             name_list_types: list[str] | None = None) -> Language:
    """The shipped pipeline: trained entities and claims plus kgbuild's rule components, and the node classifier
    trained on `graph_gold` (default: the shipped graph-level train gold) over the assembled pipeline's output.

    The sourced span categorizer is loaded with the candidate threshold it runs with, so that the saved config
    shows the thresholds that actually run, and with kgbuild's name suggester: trained on every n-gram, it scores
    only those a name can be (the same scores for those, in half the time)."""
    import kgbuild.extract.components
    import kgbuild.extract.trained  # noqa: F401

    entities = spacy.load(entities_model, config={"components.spancat.threshold": SPAN_CANDIDATE_THRESHOLD,
                                                  "components.spancat.max_positive": None,
                                                  "components.spancat.suggester.@misc": NAME_SUGGESTER})
    nlp = spacy.blank("en")
    nlp.add_pipe("kgbuild_paragraph_breaks")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("tok2vec", source=entities)
    nlp.add_pipe("spancat", source=entities)
    nlp.add_pipe("kgbuild_lexicon")
    nlp.add_pipe("kgbuild_span_entities", config={"threshold": entity_threshold, "lexicon_key": LEXICON_KEY})
    if name_list_types:
        nlp.add_pipe("kgbuild_name_matcher", config={"types": name_list_types})
    nlp.add_pipe("kgbuild_abbreviations")
    nodes = nlp.add_pipe("kgbuild_node_classifier", config={"threshold": node_threshold})
    thresholds = claim_thresholds or {"contribution": 0.5, "finding": 0.5}
    claims = nlp.add_pipe("kgbuild_claim_classifier", config={"thresholds": thresholds})
    claims.model = spacy.load(claims_model)
    nlp.add_pipe("kgbuild_own_names")
    nlp.add_pipe("kgbuild_results")
    nodes.model = train_node_classifier(nlp, graph_gold if graph_gold is not None else read_graph_gold("train"),
                                        l2=node_l2)
    nlp.meta.update({"name": TRAINED_PIPELINE, "version": __version__,
                     "description": "kgbuild: methods, datasets, metrics, tasks, claims and results in ML abstracts"})
    return nlp


# The configs the shipped pipeline was trained from, and the thresholds chosen for it (entities and claims on the
# span-level dev sets, nodes by cross-validation on the graph-level train gold).
SHIPPED_CONFIGS = {"entities": CONFIGS / "entities_partial.cfg", "claims": CONFIGS / "claims.cfg"}
SHIPPED_THRESHOLDS = {"entity_threshold": 0.5, "claim_thresholds": {"contribution": 0.25, "finding": 0.35},
                      "node_threshold": 0.45, "node_l2": 1.0}
# The proposal scorer's threshold, chosen on the graph gold dev for PROPOSES precision >= 85.
PROPOSAL_THRESHOLD, PROPOSAL_L2 = 0.6, 1.0
TDMSCI_REPEAT = 2
SCIREX_SECTIONS = 4


def train(eval_dir: Path, work: Path, out: Path, configs: dict[str, Path] | None = None,
          max_steps: int | None = None, tdmsci_repeat: int = TDMSCI_REPEAT, scirex_sections: int = SCIREX_SECTIONS,
          log: Callable[[str], None] = print) -> Path:
    """Train both models and save the assembled pipeline to `out`; `max_steps` shortens a smoke run."""
    configs = {**SHIPPED_CONFIGS, **(configs or {})}
    write_corpora(eval_dir, work, tdmsci_repeat, scirex_sections, log)
    log(f"lexicon train names: {write_train_names(eval_dir, TRAIN_NAMES)} names written to {TRAIN_NAMES}")
    for name, config in configs.items():
        log(f"training {name} from {config}")
        overrides = {"paths.train": str(work / name / "train.spacy"), "paths.dev": str(work / name / "dev.spacy")}
        if max_steps is not None:
            overrides |= {"training.max_steps": max_steps, "training.eval_frequency": max(1, max_steps // 2)}
        spacy_train(config, work / name / "model", overrides=overrides)
    nlp = assemble(work / "entities" / "model" / "model-best", work / "claims" / "model" / "model-best",
                   **SHIPPED_THRESHOLDS)
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    log(f"pipeline written to {out}")
    scorer = train_proposal_scorer(nlp, read_graph_gold("train"), PROPOSAL_THRESHOLD, PROPOSAL_L2)
    scorer.to_disk()
    log(f"proposal scorer written ({len(scorer.weights)} weights)")
    return out
