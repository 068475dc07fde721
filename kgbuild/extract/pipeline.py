"""Building and loading the spaCy pipeline that `Extractor` runs."""

from __future__ import annotations

import spacy
from spacy.language import Language

import kgbuild.extract.components  # noqa: F401  (registers the factories)
from kgbuild import __version__

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
    nlp.add_pipe("kgbuild_results")
    nlp.meta["name"] = RULES_PIPELINE
    nlp.meta["version"] = __version__
    return nlp


def load_pipeline(name_or_path: str = RULES_PIPELINE) -> Language:
    """The named built-in pipeline, or a pipeline folder saved by spaCy."""
    if name_or_path == RULES_PIPELINE:
        return build_rule_pipeline()
    return spacy.load(name_or_path)
