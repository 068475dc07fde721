"""Components of the trained pipeline that connect spaCy's models to the extraction contract.

- `kgbuild_partial_spancat` is spaCy's span categorizer trained on partially annotated corpora:
  each gold set annotates only some types (SciERC no Dataset, TDMSci no Method), so a text
  teaches nothing about the types its set leaves out, instead of teaching that they are absent.
- `kgbuild_span_entities` turns the span categorizer's scored spans into `doc.ents`,
  highest score first, so every entity carries the model's probability as its confidence.
- `kgbuild_claim_classifier` classifies each sentence with a text classifier trained on
  CSAbstruct (kept as a nested pipeline and saved with this one) and writes the
  contribution/finding sentences to `doc.spans["claims"]` with their probabilities.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy
import spacy
from spacy.language import Language
from spacy.pipeline.spancat import DEFAULT_SPANCAT_MODEL, SpanCategorizer, Suggester
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import Model
from thinc.types import Floats2d, Ragged

from kgbuild.extract.components import write_claims

CLAIM_MODEL_DIR = "claim_model"
# Where the span categorizer writes its scored candidate spans.
ENTITY_SPANS_KEY = "sc"
# The gold span group's attribute listing the types its text was annotated for.
ANNOTATED_TYPES = "annotated_types"
# Sentence roles (CSAbstruct labels) that are claims, and the claim type each one is.
CLAIM_OF_LABEL = {"objective": "contribution", "result": "finding"}


def position_prefix(index: int, count: int) -> str:
    """A token telling the sentence classifier where in the abstract the sentence stands."""
    if index == 0:
        return "__first__"
    if index == count - 1:
        return "__last__"
    return f"__pos{min(4, int(5 * index / max(count - 1, 1)))}__"


def claim_text(sentence: str, index: int, count: int) -> str:
    """The sentence classifier's input, the same in training and at run time."""
    return f"{position_prefix(index, count)} {sentence}"


@Language.factory("kgbuild_partial_spancat", assigns=["doc.spans"], default_config={
    "threshold": 0.5, "spans_key": ENTITY_SPANS_KEY, "max_positive": None, "model": DEFAULT_SPANCAT_MODEL,
    "suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": [1, 2, 3]},
    "scorer": {"@scorers": "spacy.spancat_scorer.v1"}},
    default_score_weights={"spans_sc_f": 1.0, "spans_sc_p": 0.0, "spans_sc_r": 0.0})
def make_partial_spancat(nlp: Language, name: str, suggester: Suggester,
                         model: Model[tuple[list[Doc], Ragged], Floats2d], spans_key: str, scorer: object,
                         threshold: float, max_positive: int | None) -> PartiallyAnnotatedSpanCategorizer:
    return PartiallyAnnotatedSpanCategorizer(nlp.vocab, model=model, suggester=suggester, name=name,
                                             spans_key=spans_key, negative_weight=None, allow_overlap=True,
                                             max_positive=max_positive, threshold=threshold, scorer=scorer,
                                             add_negative_label=False)


class PartiallyAnnotatedSpanCategorizer(SpanCategorizer):
    """A span categorizer whose loss ignores, per text, the labels its gold set does not annotate.

    The gold span group names the annotated types in `attrs["annotated_types"]`; a text
    without that attribute is taken as annotated for every label, as in plain spancat.
    """

    def get_loss(self, examples: Iterable[Example], spans_scores: tuple[Ragged, Floats2d]) -> tuple[float, Floats2d]:
        examples = list(examples)
        _, d_scores = super().get_loss(examples, spans_scores)
        mask = numpy.ones(d_scores.shape, dtype="f")
        offset = 0
        for eg, count in zip(examples, self.model.ops.to_numpy(spans_scores[0].lengths), strict=True):
            group = eg.reference.spans.get(self.key)
            annotated = group.attrs.get(ANNOTATED_TYPES) if group is not None else None
            if annotated is not None:
                for label, column in self._label_map.items():
                    if label not in annotated:
                        mask[offset:offset + int(count), column] = 0.0
            offset += int(count)
        d_scores = d_scores * self.model.ops.asarray(mask)
        return float((d_scores ** 2).sum()), d_scores


@Language.factory("kgbuild_span_entities", default_config={"spans_key": ENTITY_SPANS_KEY, "threshold": 0.5})
def make_span_entities(nlp: Language, name: str, spans_key: str, threshold: float) -> SpanEntities:
    return SpanEntities(spans_key, threshold)


class SpanEntities:
    """Scored candidate spans → non-overlapping `doc.ents`, best score first, each with its score."""

    def __init__(self, spans_key: str, threshold: float) -> None:
        self.spans_key = spans_key
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.get(self.spans_key)
        if group is None:
            return doc
        # spancat stores one row of label probabilities per span; the best label's is the confidence.
        scored = [(float(max(row)), span) for span, row in zip(group, group.attrs["scores"], strict=True)]
        taken: set[int] = set()
        chosen: list[tuple[Span, float]] = []
        for score, span in sorted(scored, key=lambda pair: (-pair[0], pair[1].start, -len(pair[1]))):
            if score < self.threshold or any(i in taken for i in range(span.start, span.end)):
                continue
            taken.update(range(span.start, span.end))
            chosen.append((span, score))
        ents = []
        for span, score in sorted(chosen, key=lambda pair: pair[0].start):
            ent = Span(doc, span.start, span.end, label=span.label_)
            ent._.confidence = round(score, 4)
            ent._.rule = "model:spancat"
            ents.append(ent)
        doc.ents = ents
        return doc


@Language.factory("kgbuild_claim_classifier",
                  default_config={"thresholds": {"contribution": 0.5, "finding": 0.5}})
def make_claim_classifier(nlp: Language, name: str, thresholds: dict[str, float]) -> ClaimClassifier:
    return ClaimClassifier(thresholds)


class ClaimClassifier:
    """Each sentence's role from the nested classifier; objective and result sentences become claims.

    Each claim type has its own probability threshold (chosen on dev): the classifier is rarely sure of an
    objective, so an argmax would report few contributions. A sentence above both is the likelier type.
    """

    def __init__(self, thresholds: dict[str, float], model: Language | None = None) -> None:
        unknown = set(thresholds) - set(CLAIM_OF_LABEL.values())
        if unknown or len(thresholds) != len(CLAIM_OF_LABEL):
            raise ValueError(f"kgbuild_claim_classifier needs thresholds for {sorted(CLAIM_OF_LABEL.values())}, "
                             f"got {sorted(thresholds)}")
        self.thresholds = dict(thresholds)
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            raise ValueError("kgbuild_claim_classifier has no model: load the pipeline from disk or set .model")
        sentences = [s for s in doc.sents if s.text.strip()]
        texts = [claim_text(s.text.strip(), i, len(sentences)) for i, s in enumerate(sentences)]
        claims = []
        for sentence, classified in zip(sentences, self.model.pipe(texts), strict=True):
            candidates = [(classified.cats[role], label) for role, label in CLAIM_OF_LABEL.items()
                          if classified.cats[role] >= self.thresholds[label]]
            if candidates:
                score, label = max(candidates)
                claims.append((sentence, label, score))
        write_claims(doc, claims)
        return doc

    def to_disk(self, path: Path, *, exclude: tuple = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model is not None:
            self.model.to_disk(path / CLAIM_MODEL_DIR)

    def from_disk(self, path: Path, *, exclude: tuple = ()) -> ClaimClassifier:
        self.model = spacy.load(Path(path) / CLAIM_MODEL_DIR)
        return self
