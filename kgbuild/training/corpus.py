"""Gold texts as spaCy training corpora (.spacy DocBin files)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

from kgbuild.evaluation.gold import GoldSentence, GoldText
from kgbuild.extract.trained import ANNOTATED_TYPES, ENTITY_SPANS_KEY, claim_text

# The classifier learns all CSAbstruct roles; the claim types are derived from them (CLAIM_OF_LABEL).
CLAIM_LABELS = ("background", "objective", "method", "result", "other")


def entity_doc(nlp: spacy.language.Language, gold: GoldText) -> tuple[Doc, int]:
    """A doc with the gold spans in `doc.spans["sc"]`; also returns how many spans could not be aligned."""
    doc = nlp.make_doc(gold.text)
    spans, misaligned = [], 0
    for g in gold.spans:
        span = doc.char_span(g.start, g.end, label=g.label, alignment_mode="expand")
        if span is None:
            misaligned += 1
        else:
            spans.append(span)
    doc.spans[ENTITY_SPANS_KEY] = spans
    doc.spans[ENTITY_SPANS_KEY].attrs[ANNOTATED_TYPES] = sorted(gold.types)
    return doc, misaligned


def claim_doc(nlp: spacy.language.Language, sentence: GoldSentence, count: int) -> Doc:
    doc = nlp.make_doc(claim_text(sentence.text, sentence.index, count))
    doc.cats = {name: float(name == sentence.role) for name in CLAIM_LABELS}
    return doc


def write_docbin(docs: Iterable[Doc], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin = DocBin(store_user_data=False)
    count = 0
    for doc in docs:
        docbin.add(doc)
        count += 1
    docbin.to_disk(path)
    return count
