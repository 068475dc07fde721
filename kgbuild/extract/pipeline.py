"""Building and loading the spaCy pipeline that `Extractor` runs."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

import kgbuild.extract.components  # noqa: F401  (registers the factories)
from kgbuild import __version__
from kgbuild.extract.identity import FOLDER_META_KEY, folder_digest

RULES_PIPELINE = "kgbuild_rules"


def build_rule_pipeline() -> Language:
    """The first, rule-based pipeline: name lists, proposal patterns, acronyms, cue-phrase claims."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kgbuild_paragraph_breaks")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgbuild_name_matcher")
    nlp.add_pipe("kgbuild_proposed_names")
    nlp.add_pipe("kgbuild_abbreviations")
    nlp.add_pipe("kgbuild_claims")
    nlp.add_pipe("kgbuild_own_names")
    nlp.add_pipe("kgbuild_results")
    nlp.meta["name"] = RULES_PIPELINE
    nlp.meta["version"] = __version__
    return nlp


SHIPPED_PIPELINES = Path(__file__).parent / "pipelines"


def load_pipeline(name_or_path: str) -> Language:
    """A built-in pipeline by name (the rules, or a trained one shipped in the package) or a saved pipeline folder."""
    import kgbuild.extract.trained  # noqa: F401  (registers the trained pipeline's factories)

    if name_or_path == RULES_PIPELINE:
        return build_rule_pipeline()
    shipped = SHIPPED_PIPELINES / name_or_path
    folder = shipped if shipped.is_dir() else Path(name_or_path)
    nlp = spacy.load(folder)
    # Identified by its files, not its config: a retrained model under the same config re-extracts.
    nlp.meta[FOLDER_META_KEY] = folder_digest(folder)
    return nlp
