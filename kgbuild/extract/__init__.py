"""Extraction stage: methods, datasets, metrics, tasks, claims and results from paper text.

`Extractor` is the stage interface; the pipeline it runs is chosen by name
(`kgbuild_rules`, the built-in rule pipeline) or by the path of a saved spaCy
pipeline, so a trained pipeline can replace the rules without touching callers.
"""

from collections.abc import Iterator, Sequence
from typing import TypeVar

from kgbuild.extract.contract import from_contract, to_contract, write_jsonl
from kgbuild.extract.extractor import Extractor, joined_text
from kgbuild.extract.pipeline import RULES_PIPELINE, build_rule_pipeline, load_pipeline
from kgbuild.extract.spec import ExtractorMismatch, ExtractorSpec, prepare_extractor, shared_extractor
from kgbuild.settings import Settings

T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive batches of `size` items: the unit of work of one extraction task."""
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def load_extractor(pipeline: str | None = None, settings: Settings | None = None) -> Extractor:
    """An extractor running `pipeline`, by default the configured one (`KGBUILD_PIPELINE`)."""
    settings = settings or Settings()
    return Extractor(load_pipeline(pipeline or settings.pipeline), n_process=settings.n_process)


__all__ = [
    "RULES_PIPELINE",
    "Extractor",
    "ExtractorMismatch",
    "ExtractorSpec",
    "batched",
    "build_rule_pipeline",
    "from_contract",
    "joined_text",
    "load_extractor",
    "load_pipeline",
    "prepare_extractor",
    "shared_extractor",
    "to_contract",
    "write_jsonl",
]
