"""`kgbuild train`: rebuild the shipped pipeline from the configs in configs/ and the gold sets.

Steps: convert the gold train/dev splits to .spacy corpora; train the entity
model (configs/entities.cfg) and the claim model (configs/claims.cfg) with
spaCy's own trainer; assemble them with kgbuild's components into one
pipeline; save it where `load_pipeline` finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language

from kgbuild import __version__
from kgbuild.evaluation.gold import read_csabstruct, read_scierc, read_scirex, read_tdmsci
from kgbuild.training.corpus import claim_doc, entity_doc, write_docbin

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
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


# The span categorizer keeps every span scoring this much; `kgbuild_span_entities` then decides.
SPAN_CANDIDATE_THRESHOLD = 0.1


def assemble(entities_model: Path, claims_model: Path, entity_threshold: float = 0.5,
             claim_thresholds: dict[str, float] | None = None, name_list_types: list[str] | None = None) -> Language:
    """The shipped pipeline: trained entities and claims plus kgbuild's rule components."""
    import kgbuild.extract.components
    import kgbuild.extract.trained  # noqa: F401

    entities = spacy.load(entities_model)
    nlp = spacy.blank("en")
    nlp.add_pipe("kgbuild_paragraph_breaks")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("tok2vec", source=entities)
    nlp.add_pipe("spancat", source=entities).cfg["threshold"] = SPAN_CANDIDATE_THRESHOLD
    nlp.add_pipe("kgbuild_span_entities", config={"threshold": entity_threshold})
    if name_list_types:
        nlp.add_pipe("kgbuild_name_matcher", config={"types": name_list_types})
    nlp.add_pipe("kgbuild_abbreviations")
    thresholds = claim_thresholds or {"contribution": 0.5, "finding": 0.5}
    claims = nlp.add_pipe("kgbuild_claim_classifier", config={"thresholds": thresholds})
    claims.model = spacy.load(claims_model)
    nlp.add_pipe("kgbuild_results")
    nlp.meta.update({"name": TRAINED_PIPELINE, "version": __version__,
                     "description": "kgbuild: methods, datasets, metrics, tasks, claims and results in ML abstracts"})
    return nlp


# The configs the shipped pipeline was trained from, and the thresholds chosen for it on dev.
SHIPPED_CONFIGS = {"entities": CONFIGS / "entities_sm.cfg", "claims": CONFIGS / "claims.cfg"}
SHIPPED_THRESHOLDS = {"entity_threshold": 0.5, "claim_thresholds": {"contribution": 0.25, "finding": 0.35}}
TDMSCI_REPEAT = 1
SCIREX_SECTIONS = 2


def train(eval_dir: Path, work: Path, out: Path, configs: dict[str, Path] | None = None,
          max_steps: int | None = None, tdmsci_repeat: int = TDMSCI_REPEAT, scirex_sections: int = SCIREX_SECTIONS,
          log: Callable[[str], None] = print) -> Path:
    """Train both models and save the assembled pipeline to `out`; `max_steps` shortens a smoke run."""
    configs = {**SHIPPED_CONFIGS, **(configs or {})}
    write_corpora(eval_dir, work, tdmsci_repeat, scirex_sections, log)
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
    return out
