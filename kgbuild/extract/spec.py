"""The run's extractor as a small picklable spec, and one extractor per process loaded from it.

Extraction tasks may run in other processes (Dask workers). Sending them the loaded extractor is not an option:
an `Extractor` holds a lock and does not pickle at all, and its spaCy pipeline alone pickles to ~15 MB (the
shipped `kgbuild_sci`; ~3 MB for `kgbuild_rules`), which would travel with every batch. A spec is the pipeline's
name or path plus the identity of the extractor the flow expects, a few hundred bytes; each process loads the
pipeline once, on its first batch, and every later batch reuses it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from kgbuild.extract.extractor import Extractor
from kgbuild.extract.pipeline import load_pipeline
from kgbuild.model import ExtractorInfo
from kgbuild.settings import Settings

# A loaded pipeline takes ~50 MB (kgbuild_sci); a long-lived Dask worker serving builds with different pipelines keeps
# only the most recent ones.
KEEP_LOADED = 2


@dataclass(frozen=True, slots=True)
class ExtractorSpec:
    """How to load the run's extractor in any process, and what it must turn out to be."""

    pipeline: str
    n_process: int
    info: ExtractorInfo


class ExtractorMismatch(RuntimeError):
    """A process loaded a different extractor than the flow's (another kgbuild, or another pipeline folder)."""


_lock = threading.Lock()  # one load per process even when several threads start their first batch at once
_loaded: dict[ExtractorSpec, Extractor] = {}


def _keep(spec: ExtractorSpec, extractor: Extractor) -> None:
    _loaded.pop(spec, None)
    _loaded[spec] = extractor
    while len(_loaded) > KEEP_LOADED:
        del _loaded[next(iter(_loaded))]


def prepare_extractor(settings: Settings) -> ExtractorSpec:
    """Load the configured extractor in this process and return its spec; `shared_extractor(spec)` here is then
    that extractor, so tasks running in this process (threads) do not load the pipeline again."""
    extractor = Extractor(load_pipeline(settings.pipeline), n_process=settings.n_process)
    spec = ExtractorSpec(settings.pipeline, settings.n_process, extractor.info)
    with _lock:
        _keep(spec, extractor)
    return spec


def shared_extractor(spec: ExtractorSpec) -> Extractor:
    """This process's extractor for `spec`, loaded on first use."""
    with _lock:
        extractor = _loaded.get(spec)
        if extractor is None:
            extractor = Extractor(load_pipeline(spec.pipeline), n_process=spec.n_process)
            # Extractions are stamped with the extractor's identity and kept across runs by it: a worker with
            # another pipeline must fail, not write extractions that the next run would take as current.
            if extractor.info != spec.info:
                raise ExtractorMismatch(f"pipeline {spec.pipeline!r} loads as {extractor.info} in this process, "
                                        f"the flow expects {spec.info}: install the same kgbuild and pipeline here")
            _keep(spec, extractor)
        return extractor
