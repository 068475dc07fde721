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

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy
import spacy
from spacy.language import Language
from spacy.pipeline.spancat import DEFAULT_SPANCAT_MODEL, SpanCategorizer, Suggester
from spacy.tokens import Doc, Span, SpanGroup
from spacy.training import Example
from thinc.api import Model, Ops, get_current_ops
from thinc.types import Floats2d, Ragged

from kgbuild.extract.components import INNER_NAMES_KEY, LEXICON_KEY, LONG_FORMS, write_claims
from kgbuild.extract.cues import is_proposal
from kgbuild.extract.lexicon import Lexicon, lexicon_key, shipped_lexicon
from kgbuild.extract.nodes import MentionView, NodeClassifier, name_form, node_features, title_cased, version_end
from kgbuild.model import EntityType

CLAIM_MODEL_DIR = "claim_model"
# Where the span categorizer writes its scored candidate spans.
ENTITY_SPANS_KEY = "sc"
# The gold span group's attribute listing the types its text was annotated for.
ANNOTATED_TYPES = "annotated_types"
# Sentence roles (CSAbstruct labels) that are claims, and the claim type each one is.
CLAIM_OF_LABEL = {"objective": "contribution", "result": "finding"}
TYPE_NAMES = tuple(t.value for t in EntityType)


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


# Words that begin or end no entity name: every n-gram the span categorizer scores costs the same, and about a
# third of an abstract's n-grams start or end with one of these or span two sentences. In SciERC train, 12 of
# 5,598 gold spans start or end with one ("as", "that").
_NO_NAME_STARTS = frozenset({"and", "or", "of", "in", "to", "for", "by", "with", "on", "at", "from", "as", "is",
                             "are", "was", "were", "be", "that", "which", "than"})
_NO_NAME_ENDS = _NO_NAME_STARTS | {"the", "a", "an", "our", "its", "their", "this", "these"}
_CLOSING = frozenset({")", "]"})


@spacy.registry.misc("kgbuild.name_suggester.v1")
def build_name_suggester(min_size: int, max_size: int) -> Suggester:
    """spaCy's n-gram range suggester without the n-grams no name can be: across a sentence break, or starting or
    ending with punctuation, a space or a function word (`_NO_NAME_STARTS`, `_NO_NAME_ENDS`). The n-grams it keeps
    come in spaCy's order, so their scores are those the plain suggester gives them."""

    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        ops = ops or get_current_ops()
        spans, lengths = [], []
        for doc in docs:
            n = len(doc)
            bad_start = numpy.zeros(n, dtype=bool)
            bad_end = numpy.zeros(n, dtype=bool)
            sentence = numpy.zeros(n, dtype="i")
            current = 0
            for token in doc:
                if token.i and token.is_sent_start:
                    current += 1
                sentence[token.i] = current
                # A function word only as a word of its own: "in" of "in-place" starts a name.
                word = token.lower_ if token.whitespace_ else ""
                junk = token.is_space or (token.is_punct and token.text not in _CLOSING)
                bad_start[token.i] = junk or token.text in _CLOSING or word in _NO_NAME_STARTS
                bad_end[token.i] = junk or word in _NO_NAME_ENDS
            starts = numpy.arange(n, dtype="i")
            length = 0
            for size in range(min_size, max_size + 1):
                if size > n:
                    break
                first = starts[: n - size + 1]
                last = first + size - 1
                keep = ~bad_start[first] & ~bad_end[last] & (sentence[first] == sentence[last])
                chosen = first[keep].reshape((-1, 1))
                spans.append(numpy.hstack((chosen, chosen + size)).astype("i"))
                length += len(chosen)
            lengths.append(length)
        data = numpy.vstack(spans) if spans else numpy.zeros((0, 2), dtype="i")
        return Ragged(ops.asarray2i(data), ops.asarray1i(lengths))

    return suggest


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


@Language.factory("kgbuild_span_entities", default_config={
    "spans_key": ENTITY_SPANS_KEY, "threshold": 0.5, "candidate_threshold": None, "lexicon_key": None})
def make_span_entities(nlp: Language, name: str, spans_key: str, threshold: float, candidate_threshold: float | None,
                       lexicon_key: str | None) -> SpanEntities:
    return SpanEntities(spans_key, threshold, lexicon_key, candidate_threshold)


def span_scores(doc: Doc, spans_key: str = ENTITY_SPANS_KEY) -> dict[tuple[int, int], dict[str, float]]:
    """The span model's probability per label for each candidate span (token offsets); labels under the
    candidate threshold are absent."""
    group = doc.spans.get(spans_key)
    scores: dict[tuple[int, int], dict[str, float]] = {}
    # No group, or one without scores: spaCy's categorizer writes none when a batch has no n-gram to score.
    if group is None or "scores" not in group.attrs:
        return scores
    for span, row in zip(group, group.attrs["scores"], strict=True):
        # One (span, label) per row when the categorizer keeps every label over its threshold (max_positive
        # null, as the shipped pipeline runs), else the best label's row.
        scores.setdefault((span.start, span.end), {})[span.label_] = float(numpy.max(row))
    return scores


class SpanEntities:
    """Scored candidate spans → non-overlapping `doc.ents`, best score first, each with its score.

    A model or dataset name is extended over a version or size written after it ("ViT" + "-H/14",
    "SQuAD" + "v1.1"). With `lexicon_key`, the lexicon's names where the model found nothing are added too,
    as candidates marked `rule = "lexicon"` for the node classifier to accept or drop.
    """

    def __init__(self, spans_key: str, threshold: float, lexicon_key: str | None = None,
                 candidate_threshold: float | None = None) -> None:
        self.spans_key = spans_key
        self.threshold = threshold
        self.lexicon_key = lexicon_key
        # Spans scoring between this and `threshold` are candidates only (rule "candidate"): the node classifier
        # keeps those it takes for nodes and drops the rest, so they never add a generic mention.
        self.candidate_threshold = threshold if candidate_threshold is None else candidate_threshold

    def __call__(self, doc: Doc) -> Doc:
        if doc.spans.get(self.spans_key) is None:
            return doc
        best: dict[tuple[int, int], tuple[float, str]] = {}
        for (start, end), labels in span_scores(doc, self.spans_key).items():
            label = max(labels, key=labels.get)
            best[(start, end)] = (labels[label], label)
        taken: set[int] = set()
        chosen: list[tuple[int, int, str, float, str]] = []
        for (start, end), (score, label) in sorted(best.items(), key=lambda item: (-item[1][0], item[0][0],
                                                                                  item[0][0] - item[0][1])):
            if score < self.candidate_threshold or any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            chosen.append((start, end, label, score, "model:spancat" if score >= self.threshold else "candidate"))
        lexicon_spans = list(doc.spans.get(self.lexicon_key, ())) if self.lexicon_key else []
        for span in lexicon_spans:
            # A known method or dataset name around the model's span of the same type is the name written:
            # "bidirectional LSTMs" where the model found "LSTMs". (Not metrics: "F1" is the measure of
            # "F1 score" as the span-level golds annotate it.)
            inside = [i for i, c in enumerate(chosen) if c[0] < span.end and span.start < c[1]]
            if len(inside) == 1 and len(span) > (c := chosen[inside[0]])[1] - c[0] and span.start <= c[0] \
                    and c[1] <= span.end and c[2] == span.label_ and c[2] in ("Method", "Dataset"):
                taken.update(range(span.start, span.end))
                chosen[inside[0]] = (span.start, span.end, *c[2:])
        for span in lexicon_spans:
            if not any(j in taken for j in range(span.start, span.end)):
                taken.update(range(span.start, span.end))
                chosen.append((span.start, span.end, span.label_, 0.0, "lexicon"))
        tokens = [t.text for t in doc]
        for i, (start, end, label, score, rule) in enumerate(chosen):
            if label in ("Method", "Dataset"):
                longer = version_end(tokens, end, dataset=label == "Dataset")
                if longer > end and not any(j in taken for j in range(end, longer)):
                    taken.update(range(end, longer))
                    chosen[i] = (start, longer, label, score, rule)
        ents = []
        for start, end, label, score, rule in sorted(chosen):
            ent = Span(doc, start, end, label=label)
            ent._.confidence = round(score, 4)
            ent._.rule = rule
            ents.append(ent)
        doc.ents = ents
        return doc


NODE_MODEL_FILE = "node_classifier.json"
# A sentence that introduces the paper's own method, dataset or task before the mention.
_INTRODUCING = re.compile(r"\b(?:we|this (?:paper|work)|our (?:paper|work))\s+(?:\w+\s+){0,2}(?:propose|present|"
                          r"introduce|describe|develop|design|release|build|construct)", re.IGNORECASE)
# Entities only proposed to the node classifier (lexicon names, low-scoring spans): dropped unless they are nodes.
PROPOSED_ONLY = ("lexicon", "candidate")


@Language.factory("kgbuild_node_classifier", default_config={"threshold": 0.5, "spans_key": ENTITY_SPANS_KEY})
def make_node_classifier(nlp: Language, name: str, threshold: float, spans_key: str) -> NodeDecider:
    return NodeDecider(shipped_lexicon(), threshold, spans_key)


class NodeDecider:
    """Each entity's type, name, confidence and generic flag from the node classifier (`kgbuild.extract.nodes`).

    Mentions of one name in a text, and an acronym with its long form, get one decision: the type with the
    highest summed probability, and the best mention's confidence. A lexicon candidate that is not a node is
    dropped; a model mention that is not a node stays, marked generic (span-level scores count it).
    """

    def __init__(self, lexicon: Lexicon, threshold: float, spans_key: str,
                 model: NodeClassifier | None = None) -> None:
        self.lexicon = lexicon
        self.threshold = threshold
        self.spans_key = spans_key
        self.model = model

    def views(self, doc: Doc) -> list[tuple[Span, MentionView]]:
        """What the classifier sees of each entity of `doc` (also how `kgbuild train` collects examples)."""
        scores = span_scores(doc, self.spans_key)
        long_forms: dict[str, str] = doc.user_data.get(LONG_FORMS, {})
        defined = set(long_forms) | set(long_forms.values())
        names = []
        ents = doc.ents  # built anew from the tokens at every access
        for ent in ents:
            kind = EntityType(ent.label_)
            long_form = long_forms.get(ent.text)
            names.append((kind, name_form(ent.text, kind, self.lexicon),
                          lexicon_key(name_form(long_form, kind, self.lexicon) if long_form else ent.text)))
        counts = Counter(key for _, _, key in names)
        # The title, when the text has one ("Title\n\nAbstract"): its capitals say nothing when it is title-cased.
        title_end = doc.text.find("\n\n")
        title_case = title_end > 0 and title_cased(doc.text[:title_end])
        # Sentence starts once per doc: `Span.sent` walks the doc from its start for every mention.
        sentence_starts = [sent.start_char for sent in doc.sents]
        out = []
        for ent, (_, name, key) in zip(ents, names, strict=True):
            before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
            lead = doc.text[sentence_starts[bisect_right(sentence_starts, ent.start_char) - 1]:ent.start_char]
            out.append((ent, MentionView(ent.text, name,
                                         {} if ent._.rule == "lexicon" else scores.get((ent.start, ent.end), {}),
                                         before, ent[0].is_sent_start, ent.text in defined, counts[key],
                                         bool(_INTRODUCING.search(lead)), title_case and ent.end_char <= title_end)))
        return out

    def _decide(self, ent: Span, view: MentionView) -> tuple[Span, str, dict[str, float], str | None]:
        long_form = ent._.name if ent._.name and ent._.name != ent.text else None
        name = name_form(long_form, EntityType(ent.label_), self.lexicon) if long_form else view.name
        probabilities = self.model.probabilities(node_features(view, self.lexicon))
        return ent, name, probabilities, self.lexicon.category(view.name) or self.lexicon.category(name)

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            raise ValueError("kgbuild_node_classifier has no model: load the pipeline from disk or set .model")
        decided = [self._decide(ent, view) for ent, view in self.views(doc)]
        # A model mention that is no node may hold names that are: "a computerized face detection system",
        # "an ImageNet Inception classifier". The lexicon's names inside it are weighed too; those that are nodes
        # are kept as mentions of their own, inside it (`doc.spans["inner_names"]`), and it stays a mention.
        lexicon_spans = list(doc.spans.get(LEXICON_KEY, ()))
        kept = []
        inner_of: set[int] = set()
        for ent, name, probabilities, blocked in decided:
            best = max(TYPE_NAMES, key=probabilities.get)
            inner = [s for s in lexicon_spans if ent.start <= s.start and s.end <= ent.end and len(s) < len(ent)]
            if ent._.rule not in PROPOSED_ONLY and inner and (blocked or probabilities[best] < self.threshold):
                candidates = []
                for span in inner:
                    candidate = Span(doc, span.start, span.end, label=span.label_)
                    candidate._.rule = "lexicon"
                    view = MentionView(candidate.text, name_form(candidate.text, EntityType(span.label_),
                                                                 self.lexicon), {},
                                       doc[span.start - 1].lower_ if span.start > 0 else "",
                                       candidate[0].is_sent_start, False)
                    candidates.append(self._decide(candidate, view))
                if any(max(p[t] for t in TYPE_NAMES) >= self.threshold and not b for _, _, p, b in candidates):
                    inner_of.update(range(len(kept) + 1, len(kept) + 1 + len(candidates)))
                    kept.append((ent, name, probabilities, blocked))
                    kept.extend(candidates)
                    continue
            kept.append((ent, name, probabilities, blocked))
        groups: dict[str, list[int]] = {}
        for i, (_, name, _, _) in enumerate(kept):
            groups.setdefault(lexicon_key(name), []).append(i)
        ents, inner = [], []
        for members in groups.values():
            totals = {t: sum(kept[i][2][t] for i in members) for t in TYPE_NAMES}
            kind = max(TYPE_NAMES, key=lambda t: (totals[t], t))
            confidence = max(kept[i][2][kind] for i in members)
            for i in members:
                ent, name, _, blocked = kept[i]
                generic = blocked is not None or confidence < self.threshold
                if generic and ent._.rule in PROPOSED_ONLY:
                    continue
                # A generic mention is no node: it keeps the span model's type, as its training sets annotate it.
                new = Span(doc, ent.start, ent.end, label=ent.label_ if generic else kind)
                new._.confidence, new._.rule = round(confidence, 4), ent._.rule
                new._.name, new._.generic = name, generic
                (inner if i in inner_of else ents).append(new)
        doc.ents = sorted(ents, key=lambda e: e.start)
        doc.spans[INNER_NAMES_KEY] = SpanGroup(doc, name=INNER_NAMES_KEY, spans=sorted(inner, key=lambda e: e.start))
        return doc

    def to_disk(self, path: Path, *, exclude: tuple = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model is not None:
            self.model.to_disk(path / NODE_MODEL_FILE)

    def from_disk(self, path: Path, *, exclude: tuple = ()) -> NodeDecider:
        self.model = NodeClassifier.from_disk(Path(path) / NODE_MODEL_FILE)
        return self


@Language.factory("kgbuild_claim_classifier",
                  default_config={"thresholds": {"contribution": 0.5, "finding": 0.5}, "proposal_threshold": 0.15})
def make_claim_classifier(nlp: Language, name: str, thresholds: dict[str, float],
                          proposal_threshold: float) -> ClaimClassifier:
    return ClaimClassifier(thresholds, proposal_threshold=proposal_threshold)


class ClaimClassifier:
    """Each sentence's role from the nested classifier; objective and result sentences become claims.

    Each claim type has its own probability threshold (chosen on dev): the classifier is rarely sure of an
    objective, so an argmax would report few contributions. A sentence above both is the likelier type. A
    sentence that says "we propose / introduce / present …" is a contribution at the lower
    `proposal_threshold` (chosen on CSAbstruct dev: 0.15 gives contribution F1 44.3 where the plain threshold
    gives 42.4).
    """

    def __init__(self, thresholds: dict[str, float], model: Language | None = None,
                 proposal_threshold: float | None = None) -> None:
        unknown = set(thresholds) - set(CLAIM_OF_LABEL.values())
        if unknown or len(thresholds) != len(CLAIM_OF_LABEL):
            raise ValueError(f"kgbuild_claim_classifier needs thresholds for {sorted(CLAIM_OF_LABEL.values())}, "
                             f"got {sorted(thresholds)}")
        self.thresholds = dict(thresholds)
        self.proposal_threshold = thresholds["contribution"] if proposal_threshold is None else proposal_threshold
        self.model = model

    def _threshold(self, label: str, sentence: str) -> float:
        if label == "contribution" and is_proposal(sentence):
            return min(self.thresholds[label], self.proposal_threshold)
        return self.thresholds[label]

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            raise ValueError("kgbuild_claim_classifier has no model: load the pipeline from disk or set .model")
        sentences = [s for s in doc.sents if s.text.strip()]
        texts = [claim_text(s.text.strip(), i, len(sentences)) for i, s in enumerate(sentences)]
        claims = []
        for sentence, classified in zip(sentences, self.model.pipe(texts), strict=True):
            candidates = [(classified.cats[role], label) for role, label in CLAIM_OF_LABEL.items()
                          if classified.cats[role] >= self._threshold(label, sentence.text)]
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
