"""What a paper introduces: the named method, dataset or benchmark that is its own contribution.

A paper PROPOSES an entity when it names it as its own: the name that opens its title ("LoRA: Low-Rank
Adaptation of …"), the name right after "we propose / introduce / present …" ("We propose Low-Rank
Adaptation, or LoRA"), or the name a proposal gives its object ("a new language representation model called
BERT"). An entity merely written in a contribution sentence is not proposed: "we present a method for
training ResNet" proposes no ResNet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kgbuild.extract.results import Mention

PROPOSABLE = ("Method", "Dataset")
_PROPOSAL_VERB = re.compile(
    r"\b(?:we|this\s+(?:paper|work|article|study)|our\s+(?:paper|work))\s+(?:(?:also|further|first|then|here|"
    r"hereby|thus|therefore|now)\s+)?(?:propose|introduce|present|develop|design|release|build|construct|"
    r"describe|create|contribute|offer)[sd]?\b", re.IGNORECASE)
# What may stand between the verb and the name: articles, adjectives and the kind of thing, a comma, "called".
_LEAD_WORD = re.compile(r"^(?:a|an|the|two|three|new|novel|simple|general|unified|first|effective|efficient|"
                        r"generic|scalable|powerful|lightweight|principled|practical|large-scale|\w+(?:-\w+)+|"
                        r"method|framework|approach|algorithm|model|system|toolkit|technique|architecture|"
                        r"dataset|benchmark|corpus|library|paradigm|strategy|scheme|network|family|suite|"
                        r"language|representation|called|named|dubbed|termed|coined|namely|i\.e\.|,|\(|or)$",
                        re.IGNORECASE)
_NAMING = re.compile(r"\b(?:called|named|dubbed|termed|coined)\s+$", re.IGNORECASE)
_TITLE_NAME_END = re.compile(r"^\s*:")


def proposed(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
             title_end: int | None = None) -> set[int]:
    """Indices of `mentions` (sorted by start) naming what the paper introduces."""
    chosen: set[int] = set()
    candidates = [i for i, m in enumerate(mentions) if m.type in PROPOSABLE and not m.generic]
    if title_end:
        for i in candidates:
            m = mentions[i]
            if m.start == 0 and m.end <= title_end and _TITLE_NAME_END.match(text[m.end:title_end]):
                chosen.add(i)
    for start, end in sentences:
        sentence = text[start:end]
        for verb in _PROPOSAL_VERB.finditer(sentence):
            after = start + verb.end()
            last = after
            for i in candidates:
                m = mentions[i]
                if m.start < after or m.end > end:
                    continue
                gap = text[last:m.start]
                words = re.findall(r"\(|,|[\w.\-]+", gap)
                if _NAMING.search(text[after:m.start]) or all(_LEAD_WORD.match(w) for w in words):
                    chosen.add(i)
                    last = m.end  # "Low-Rank Adaptation, or LoRA": the acronym after it is the same name
                    continue
                break
    # Every mention of a chosen name is the paper's own.
    names = {(mentions[i].name or mentions[i].text).casefold() for i in chosen}
    return chosen | {i for i in candidates if (mentions[i].name or mentions[i].text).casefold() in names}
