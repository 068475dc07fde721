"""Name normalisation every stage shares: the form two names must have in common to be one entity.

The extraction stage looks names up in its lexicon by this form, resolution joins mentions by it, and the
graph-level evaluation compares gold and predicted names with it, so all three agree on what "the same name" is.
"""

from __future__ import annotations

import re
import unicodedata

from kgbuild.model import EntityType

_DASHES = re.compile(r"[\u2010-\u2015\u2212_]")
SPACES = re.compile(r"\s+")
_HYPHEN_SPACE = re.compile(r"\s*-\s*")
_DATASET_NOISE = re.compile(r"^the\s+|\s+(?:datasets?|data sets?|benchmarks?|corpus|corpora)$")
# "CNNs", "NNs", "GHNs": an acronym's plural is its lower-case "s"; "NNS" (nearest neighbour search) is not one.
_ACRONYM_PLURAL = re.compile(r"(\b[A-Z](?=[A-Za-z0-9-]*[A-Z])[A-Za-z0-9-]*[A-Z0-9])s$")


def normalise(text: str, kind: EntityType) -> str:
    """The matching form of a name; equal forms mean the same entity."""
    original = unicodedata.normalize("NFKC", text).strip()
    form = _ACRONYM_PLURAL.sub(r"\1", original).casefold()
    form = _HYPHEN_SPACE.sub("-", _DASHES.sub("-", form))
    form = SPACES.sub(" ", form).strip(" .,;:")
    if kind is EntityType.DATASET:
        form = _DATASET_NOISE.sub("", form)
    words = form.split(" ")
    last = words[-1]
    # Plural of the head word: "transformers", "ResNets"; not "loss", "cs", "bias", nor an upper-case name
    # ("AIDS", "CATS") or a short code ("en-es").
    if (len(last.rsplit("-", 1)[-1]) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is"))
            and last[-2].isalpha() and not original.split()[-1].isupper()):
        words[-1] = last[:-1]
    return " ".join(words)


def decorated(text: str, kind: EntityType) -> bool:
    """Whether a name carries words that normalisation drops ("the", "dataset"): a poorer preferred name."""
    return kind is EntityType.DATASET and bool(_DATASET_NOISE.search(SPACES.sub(" ", text.casefold().strip())))
