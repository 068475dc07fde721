"""The identity of an extractor: a digest of everything that decides what it extracts.

Stored extractions are kept across runs by this identity, so it must change whenever the output could: a
retrained model under the same config, a changed threshold, a nested model, a name list, or the code of a
rule component. It covers

- the saved pipeline's files, every byte (weights, nested models, configs, lexicons), when the pipeline was
  loaded from a folder; otherwise its config;
- the source of the kgbuild extraction package and its data files, which every pipeline runs (the rule
  components, the lexicon, the conversion to the contract).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from spacy.language import Language

PACKAGE = Path(__file__).parent
# Set by `load_pipeline` on a pipeline read from a folder: the folder's files are then its identity.
FOLDER_META_KEY = "kgbuild_folder_digest"


def folder_digest(folder: Path) -> str:
    """sha256 over every file of a folder: relative paths and contents, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 of the extraction package's own code and data (not its shipped pipelines: they are
    identified by their files when loaded)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "data").glob("*")):
        if path.is_file():
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def pipeline_digest(nlp: Language) -> str:
    """The identity of an extractor running `nlp` (first 16 hex digits of a sha256)."""
    digest = hashlib.sha256(code_digest().encode())
    folder = nlp.meta.get(FOLDER_META_KEY)
    digest.update(folder.encode() if folder else nlp.config.to_str().encode())
    return digest.hexdigest()[:16]
