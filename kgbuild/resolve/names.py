"""Name forms: the normalised form two names must share to be one entity, and the IRI-safe slug of a name."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from kgbuild.model import EntityType

_DASHES = re.compile(r"[\u2010-\u2015\u2212_]")
_SPACES = re.compile(r"\s+")
_HYPHEN_SPACE = re.compile(r"\s*-\s*")
_DATASET_NOISE = re.compile(r"^the\s+|\s+(?:datasets?|data sets?|benchmarks?|corpus|corpora)$")
# "CNNs", "NNs", "GHNs": an acronym's plural is its lower-case "s"; "NNS" (nearest neighbour search) is not one.
_ACRONYM_PLURAL = re.compile(r"(\b[A-Z](?=[A-Za-z0-9-]*[A-Z])[A-Za-z0-9-]*[A-Z0-9])s$")


def normalise(text: str, kind: EntityType) -> str:
    """The matching form of a name; equal forms mean the same entity."""
    original = unicodedata.normalize("NFKC", text).strip()
    form = _ACRONYM_PLURAL.sub(r"\1", original).casefold()
    form = _HYPHEN_SPACE.sub("-", _DASHES.sub("-", form))
    form = _SPACES.sub(" ", form).strip(" .,;:")
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
    return kind is EntityType.DATASET and bool(_DATASET_NOISE.search(_SPACES.sub(" ", text.casefold().strip())))


def form_key(kind: EntityType, text: str) -> str:
    """The type-scoped matching form of a name: "method/low-rank adaptation"."""
    return f"{kind.value.lower()}/{normalise(text, kind)}"


_KINDS = {t.value.lower(): t for t in EntityType}


def split_form(form: str) -> tuple[EntityType, str]:
    """A `form_key` taken apart: "method/low-rank adaptation" -> (Method, "low-rank adaptation")."""
    kind, _, name = form.partition("/")
    return _KINDS[kind], name


def slug(text: str) -> str:
    """A readable IRI path segment: lower case, words joined by "-", anything outside RFC 3986's unreserved
    characters percent-encoded, so any Unicode or punctuation gives a valid, unambiguous IRI. No slug starts
    or ends with ".": Turtle must escape such a local name ("kgr:dataset\\/x\\."), and rdflib cannot read that."""
    words = _SPACES.split(unicodedata.normalize("NFKC", text).casefold().strip())
    return quote("-".join(w for w in words if w), safe="-._~").strip(".") or "_"


__all__ = ["decorated", "form_key", "normalise", "slug", "split_form"]
