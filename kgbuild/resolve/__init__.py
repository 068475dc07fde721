"""Resolution stage: mentions from all papers become canonical entities.

Mentions are grouped by type and by a normalised form of their in-paper
canonical name (case, Unicode, hyphen and spacing variants, plurals), so
"Transformers", "transformer" and "Transformer" are one Method while
"ImageNet" and "ImageNet-21k" stay apart. The preferred name of an entity is
its most frequent surface form.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from kgbuild.model import CanonicalEntity, EntityType, PaperExtraction

_DASHES = re.compile(r"[\u2010-\u2015\u2212_]")
_SPACES = re.compile(r"\s+")
_HYPHEN_SPACE = re.compile(r"\s*-\s*")
_DATASET_NOISE = re.compile(r"^the\s+|\s+(?:dataset|data set|benchmark|corpus)$")


def normalise(text: str, kind: EntityType) -> str:
    """The matching form of a name; equal forms mean the same entity."""
    form = unicodedata.normalize("NFKC", text).casefold()
    form = _HYPHEN_SPACE.sub("-", _DASHES.sub("-", form))
    form = _SPACES.sub(" ", form).strip(" .,;:")
    if kind is EntityType.DATASET:
        form = _DATASET_NOISE.sub("", form)
    words = form.split(" ")
    last = words[-1]
    # Plural of the head word: "transformers", "DNNs", "ResNets"; not "loss", "cs", "bias".
    if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")) and last[-2].isalpha():
        words[-1] = last[:-1]
    return " ".join(words)


def entity_key(kind: EntityType, text: str) -> str:
    """The stable, type-scoped key of the entity a name belongs to: "method/low-rank adaptation"."""
    return f"{kind.value.lower()}/{normalise(text, kind)}"


def corpus_long_forms(extractions: list[PaperExtraction]) -> dict[tuple[EntityType, str], str]:
    """Acronyms defined somewhere in the corpus with exactly one long form (per type)."""
    seen: dict[tuple[EntityType, str], set[str]] = defaultdict(set)
    for extraction in extractions:
        for m in extraction.entities:
            if m.canonical != m.text:
                seen[(m.type, m.text)].add(normalise(m.canonical, m.type))
    firsts = {}
    for extraction in extractions:
        for m in extraction.entities:
            key = (m.type, m.text)
            if m.canonical != m.text and len(seen[key]) == 1:
                firsts.setdefault(key, m.canonical)
    return firsts


def _expand_acronyms(extraction: PaperExtraction, long_forms: dict[tuple[EntityType, str], str]) -> PaperExtraction:
    # A bare "LoRA" in a paper that never spells it out is the LoRA another paper defined.
    return replace(extraction, entities=tuple(
        replace(m, canonical=long_forms[(m.type, m.text)])
        if m.canonical == m.text and (m.type, m.text) in long_forms else m
        for m in extraction.entities
    ))


@dataclass(slots=True)
class Resolution:
    entities: dict[str, CanonicalEntity]
    extractions: list[PaperExtraction]


def resolve(extractions: Iterable[PaperExtraction]) -> Resolution:
    """Canonical entities for all mentions; each mention's `canonical` becomes its entity's name."""
    extractions = list(extractions)
    long_forms = corpus_long_forms(extractions)
    extractions = [_expand_acronyms(x, long_forms) for x in extractions]
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, EntityType] = {}
    for extraction in extractions:
        for mention in extraction.entities:
            key = entity_key(mention.type, mention.canonical)
            kinds[key] = mention.type
            surfaces[key][mention.canonical] += 1
            surfaces[key][mention.text] += 0  # an alias, never preferred over a canonical form
    entities = {}
    for key in sorted(surfaces):
        counts = surfaces[key]
        name = min(counts, key=lambda s: (-counts[s], s))
        aliases = tuple(sorted(s for s in counts if s != name))
        entities[key] = CanonicalEntity(key=key, type=kinds[key], name=name, aliases=aliases)
    resolved = [
        replace(x, entities=tuple(
            replace(m, canonical=entities[entity_key(m.type, m.canonical)].name) for m in x.entities
        ))
        for x in extractions
    ]
    return Resolution(entities=entities, extractions=resolved)


__all__ = ["Resolution", "entity_key", "normalise", "resolve"]
