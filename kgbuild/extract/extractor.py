"""The extraction stage: papers in, `PaperExtraction` records out.

Title and abstract go through the pipeline as one text, joined by a blank line, so that a name introduced in
the title is recognised in the abstract. The pipeline reads each field with its whitespace folded (tabs, line
breaks, no-break and double spaces become one space), so that the model sees the same text however the input
was laid out; every offset is then mapped back into its own field exactly as given, and every mention's text
is that field's slice.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgbuild.extract.components import INNER_NAMES_KEY
from kgbuild.extract.identity import pipeline_digest
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
_RUNS = re.compile(r"\s+|\S+")


def _without_sentence_period(text: str) -> str:
    """A name without the full stop spaCy's tokenizer leaves on some tokens ("on ImageNet-1K. We ...").

    Only a lone final period goes: "U.S." and "et al." keep theirs.
    """
    if len(text) > 1 and text.endswith(".") and text.count(".") == 1 and text[-2].isalnum():
        return text[:-1]
    return text


def folded(text: str) -> tuple[str, list[int]]:
    """`text` with each whitespace run as one space and no space at either end, and for each of its characters
    the offset of the character of `text` it stands for."""
    parts: list[str] = []
    origin: list[int] = []
    for run in _RUNS.finditer(text):
        if run.group()[0].isspace():
            if parts:  # a space run becomes one space, except at the start; a trailing one is dropped below
                parts.append(" ")
                origin.append(run.start())
        else:
            parts.append(run.group())
            origin.extend(range(run.start(), run.end()))
    if parts and parts[-1] == " ":
        parts.pop()
        origin.pop()
    return "".join(parts), origin


class Extractor:
    """Runs a spaCy pipeline over papers and converts its annotations to the extraction contract."""

    def __init__(self, nlp: Language, batch_size: int = 64, n_process: int = 1) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.n_process = n_process
        self.info = ExtractorInfo(name=nlp.meta.get("name", "spacy"), version=str(nlp.meta.get("version", "0")),
                                  digest=pipeline_digest(nlp))
        # A spaCy pipeline is not safe to run from several threads at once (its string store grows).
        self._lock = threading.Lock()

    def run(self, papers: Iterable[Paper]) -> list[PaperExtraction]:
        papers = list(papers)
        views = [_FieldView(p.title, p.abstract) for p in papers]
        with self._lock:
            docs = list(self.nlp.pipe((v.text for v in views), batch_size=self.batch_size,
                                      n_process=self.n_process))
        return [self.convert(paper, doc, view) for paper, doc, view in zip(papers, docs, views, strict=True)]

    def convert(self, paper: Paper, doc: Doc, view: _FieldView | None = None) -> PaperExtraction:
        """The extraction of `paper` from `doc`, the pipeline's output for `view` (default: the paper's own)."""
        view = view or _FieldView(paper.title, paper.abstract)
        entities: list[EntityMention] = []
        entity_chars: list[tuple[int, int]] = []
        for ent in sorted([*doc.ents, *doc.spans.get(INNER_NAMES_KEY, ())], key=lambda e: (e.start, -e.end)):
            text = _without_sentence_period(ent.text)
            placed = view.place(ent.start_char, ent.start_char + len(text))
            if placed is None or ent.label_ not in EntityType.__members__.values():
                continue
            field, start, end = placed
            entities.append(EntityMention(
                type=EntityType(ent.label_), text=view.original(field, start, end), field=field, start=start,
                end=end, canonical=_without_sentence_period(ent._.name or text), confidence=_confidence(ent),
                generic=bool(ent._.generic), proposed=bool(ent._.proposed),
            ))
            entity_chars.append((ent.start_char, ent.start_char + len(text)))
        claims = []
        group = doc.spans.get("claims")
        for span, score in zip(group or (), group.attrs["scores"] if group is not None else (), strict=True):
            placed = view.place(span.start_char, span.end_char)
            if placed is None:
                continue
            field, start, end = placed
            inside = tuple(i for i, (s, e) in enumerate(entity_chars) if s >= span.start_char and e <= span.end_char)
            claims.append(ClaimMention(type=ClaimType(span.label_), text=view.original(field, start, end),
                                       field=field, start=start, end=end, confidence=float(score), entities=inside))
        results = []
        group = doc.spans.get("results")
        if group is not None:
            for link, score in zip(group.attrs.get("links", []), group.attrs.get("scores", []), strict=True):
                placed = view.place(link["start"], link["end"])
                if placed is None:
                    continue
                field, start, end = placed
                results.append(ResultMention(
                    value=view.original(field, start, end), field=field, start=start, end=end,
                    confidence=float(score), method=link["method"], dataset=link["dataset"], metric=link["metric"],
                    kind=link.get("kind", "absolute"), number=link.get("number"), unit=link.get("unit"),
                    compared_to=link.get("compared_to")))
        return PaperExtraction(paper_id=paper.id, title=paper.title, abstract=paper.abstract, extractor=self.info,
                               entities=tuple(entities), claims=tuple(claims), results=tuple(results))


def joined_text(title: str, abstract: str) -> str:
    """The text the pipeline reads for a paper: its fields, whitespace folded, joined by a blank line."""
    return _FieldView(title, abstract).text


class _FieldView:
    """A paper's text as the pipeline reads it, and the way back from its offsets to each field as given."""

    def __init__(self, title: str, abstract: str) -> None:
        self.fields = {Field.TITLE: title, Field.ABSTRACT: abstract}
        title_text, self._title_origin = folded(title)
        abstract_text, self._abstract_origin = folded(abstract)
        self.title_len = len(title_text)
        self.offset = len(title_text) + len(FIELD_JOINER) if title_text else 0
        self.text = f"{title_text}{FIELD_JOINER}{abstract_text}" if title_text else abstract_text

    def place(self, start: int, end: int) -> tuple[Field, int, int] | None:
        """(field, start, end) in the field as given for a span of the pipeline's text; None across the joiner."""
        if self.offset and end <= self.title_len:
            origin, field = self._title_origin, Field.TITLE
        elif start >= self.offset:
            origin, field = self._abstract_origin, Field.ABSTRACT
            start, end = start - self.offset, end - self.offset
        else:
            return None
        if end <= start:
            return None
        # A span starts and ends on a non-space character, which maps to exactly one character of the field.
        return field, origin[start], origin[end - 1] + 1

    def original(self, field: Field, start: int, end: int) -> str:
        return self.fields[field][start:end]


def _confidence(span: Span) -> float:
    value = span._.confidence
    return float(value) if value is not None else 0.5
