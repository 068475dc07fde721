"""The extraction stage: papers in, `PaperExtraction` records out.

Title and abstract go through the pipeline as one text, joined by a blank
line, so that a name introduced in the title is recognised in the abstract;
every offset is then mapped back into its own field.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgbuild.model import (
    ClaimMention,
    ClaimType,
    EntityMention,
    EntityType,
    ExtractorInfo,
    Field,
    Paper,
    PaperExtraction,
    ResultMention,
)

FIELD_JOINER = "\n\n"


def _without_sentence_period(text: str) -> str:
    """A name without the full stop spaCy's tokenizer leaves on some tokens ("on ImageNet-1K. We ...").

    Only a lone final period goes: "U.S." and "et al." keep theirs.
    """
    if len(text) > 1 and text.endswith(".") and text.count(".") == 1 and text[-2].isalnum():
        return text[:-1]
    return text


class Extractor:
    """Runs a spaCy pipeline over papers and converts its annotations to the extraction contract."""

    def __init__(self, nlp: Language, batch_size: int = 64, n_process: int = 1) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.n_process = n_process
        config = hashlib.sha256(nlp.config.to_str().encode()).hexdigest()[:16]
        self.info = ExtractorInfo(name=nlp.meta.get("name", "spacy"), version=str(nlp.meta.get("version", "0")),
                                  config=config)
        # A spaCy pipeline is not safe to run from several threads at once (its string store grows).
        self._lock = threading.Lock()

    def run(self, papers: Iterable[Paper]) -> list[PaperExtraction]:
        papers = list(papers)
        texts = [joined_text(p.title, p.abstract) for p in papers]
        with self._lock:
            docs = list(self.nlp.pipe(texts, batch_size=self.batch_size, n_process=self.n_process))
        return [self.convert(paper, doc) for paper, doc in zip(papers, docs, strict=True)]

    def convert(self, paper: Paper, doc: Doc) -> PaperExtraction:
        locate = _FieldLocator(paper.title, paper.abstract)
        entities: list[EntityMention] = []
        entity_chars: list[tuple[int, int]] = []
        # An acronym defined in this text ("Low-Rank Adaptation (LoRA)") is canonically its long form.
        long_forms: dict[str, str] = doc.user_data.get("kgbuild_long_forms", {})
        for ent in doc.ents:
            text = _without_sentence_period(ent.text)
            placed = locate(ent.start_char, ent.start_char + len(text))
            if placed is None or ent.label_ not in EntityType.__members__.values():
                continue
            field, start, end = placed
            entities.append(EntityMention(
                type=EntityType(ent.label_), text=text, field=field, start=start, end=end,
                canonical=long_forms.get(text, text), confidence=_confidence(ent),
            ))
            entity_chars.append((ent.start_char, ent.start_char + len(text)))
        claims = []
        group = doc.spans.get("claims")
        for span, score in zip(group or (), group.attrs["scores"] if group is not None else (), strict=True):
            placed = locate(span.start_char, span.end_char)
            if placed is None:
                continue
            field, start, end = placed
            inside = tuple(i for i, (s, e) in enumerate(entity_chars) if s >= span.start_char and e <= span.end_char)
            claims.append(ClaimMention(type=ClaimType(span.label_), text=span.text, field=field, start=start,
                                       end=end, confidence=float(score), entities=inside))
        results = []
        group = doc.spans.get("results")
        if group is not None:
            for link, score in zip(group.attrs.get("links", []), group.attrs.get("scores", []), strict=True):
                placed = locate(link["start"], link["end"])
                if placed is None:
                    continue
                field, start, end = placed
                results.append(ResultMention(value=link["value"], field=field, start=start, end=end,
                                             confidence=float(score), method=link["method"],
                                             dataset=link["dataset"], metric=link["metric"]))
        return PaperExtraction(paper_id=paper.id, title=paper.title, abstract=paper.abstract, extractor=self.info,
                               entities=tuple(entities), claims=tuple(claims), results=tuple(results))


def joined_text(title: str, abstract: str) -> str:
    return f"{title}{FIELD_JOINER}{abstract}" if title else abstract


class _FieldLocator:
    """Maps offsets in the joined text to (field, start, end); None for spans across the joiner."""

    def __init__(self, title: str, abstract: str) -> None:
        self.title_len = len(title)
        self.offset = len(title) + len(FIELD_JOINER) if title else 0

    def __call__(self, start: int, end: int) -> tuple[Field, int, int] | None:
        if self.offset and end <= self.title_len:
            return Field.TITLE, start, end
        if start >= self.offset:
            return Field.ABSTRACT, start - self.offset, end - self.offset
        return None


def _confidence(span: Span) -> float:
    value = span._.confidence
    return float(value) if value is not None else 0.5
