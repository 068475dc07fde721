"""`kgbuild eval`: extraction quality on the dev splits, through the same contract users get.

Each gold text goes in as a paper's abstract (raw text, no gold tokens), the
`Extractor` runs as `kgbuild extract` does, and its entities and claims are
compared with the gold character spans:

- strict: same type and exactly the same span; lenient: same type, overlapping spans
  (each gold span matched at most once);
- only the types a gold set annotates are scored on it (SciERC has no Dataset);
- claims are scored per sentence on CSAbstruct: a gold sentence counts as predicted
  with a claim type when a predicted claim of that type covers most of it;
- graph-level: the entity nodes per paper against kgbuild's own graph gold on SciERC and
  CSAbstruct dev abstracts (`kgbuild.evaluation.graph_gold`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kgbuild.evaluation.gold import (
    GoldSentence,
    GoldText,
    read_csabstruct,
    read_scierc,
    read_scirex,
    read_tdmsci,
)
from kgbuild.evaluation.graph_gold import (
    GraphGoldAbstract,
    GraphScores,
    NodeCounts,
    ResultScores,
    read_graph_gold,
    score_graph,
    score_proposes,
    score_results,
)
from kgbuild.extract import Extractor
from kgbuild.model import Paper, PaperExtraction, SourceRef
from kgbuild.resolve import resolve

CONFIDENCE_LEVELS = (0.5, 0.8)


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass(slots=True)
class EntityScores:
    name: str
    texts: int
    strict: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    lenient: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    # Strict precision of the predictions at or above each confidence level.
    at_confidence: dict[float, Counts] = field(default_factory=lambda: defaultdict(Counts))

    def micro(self, mode: str, types: Iterable[str]) -> Counts:
        total = Counts()
        for t in types:
            total.add(getattr(self, mode)[t])
        return total


@dataclass(slots=True)
class ClaimScores:
    sentences: int
    per_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    at_confidence: dict[float, Counts] = field(default_factory=lambda: defaultdict(Counts))


def _papers(golds: list[GoldText]) -> list[Paper]:
    return [Paper(id=g.id, title="", abstract=g.text, source=SourceRef("gold", i, "eval"))
            for i, g in enumerate(golds, start=1)]


def score_entities(name: str, golds: list[GoldText], extractions: list[PaperExtraction]) -> EntityScores:
    scores = EntityScores(name, len(golds))
    for gold, x in zip(golds, extractions, strict=True):
        predicted = [(m.start, m.end, m.type.value, m.confidence) for m in x.entities if m.type.value in gold.types]
        # Several mentions of one span (from different rules) count once.
        predicted = sorted({(s, e, t): c for s, e, t, c in predicted}.items())
        gold_spans = {(g.start, g.end, g.label) for g in gold.spans}
        for kind in gold.types:
            pred_k = [(s, e) for (s, e, t), _ in predicted if t == kind]
            # In span order: greedy lenient matching over a set's order would vary with the hash seed.
            gold_k = sorted((s, e) for s, e, t in gold_spans if t == kind)
            strict_tp = len(set(pred_k) & set(gold_k))
            scores.strict[kind].add(Counts(strict_tp, len(pred_k) - strict_tp, len(gold_k) - strict_tp))
            unmatched = list(gold_k)
            lenient_tp = 0
            for s, e in pred_k:
                hit = next((g for g in unmatched if g[0] < e and s < g[1]), None)
                if hit is not None:
                    unmatched.remove(hit)
                    lenient_tp += 1
            scores.lenient[kind].add(Counts(lenient_tp, len(pred_k) - lenient_tp, len(unmatched)))
        for (s, e, t), confidence in predicted:
            for level in CONFIDENCE_LEVELS:
                if confidence >= level:
                    scores.at_confidence[level].add(Counts(tp=int((s, e, t) in gold_spans),
                                                           fp=int((s, e, t) not in gold_spans)))
    return scores


def score_claims(abstracts: list[list[GoldSentence]], extractor: Extractor) -> ClaimScores:
    papers, bounds = [], []
    for i, sentences in enumerate(abstracts):
        text, spans = "", []
        for sentence in sentences:
            start = len(text) + (1 if text else 0)
            text = f"{text} {sentence.text}" if text else sentence.text
            spans.append((start, len(text)))
        papers.append(Paper(id=sentences[0].abstract_id, title="", abstract=text, source=SourceRef("gold", i, "eval")))
        bounds.append(spans)
    scores = ClaimScores(sum(len(a) for a in abstracts))
    for sentences, spans, x in zip(abstracts, bounds, extractor.run(papers), strict=True):
        for sentence, (start, end) in zip(sentences, spans, strict=True):
            covering = [c for c in x.claims if min(end, c.end) - max(start, c.start) > (end - start) / 2]
            best = max(covering, key=lambda c: c.confidence, default=None)
            predicted = best.type.value if best is not None else None
            for kind in ("contribution", "finding"):
                scores.per_type[kind].add(Counts(
                    tp=int(predicted == kind and sentence.label == kind),
                    fp=int(predicted == kind and sentence.label != kind),
                    fn=int(predicted != kind and sentence.label == kind)))
            if best is not None:
                for level in CONFIDENCE_LEVELS:
                    if best.confidence >= level:
                        scores.at_confidence[level].add(Counts(tp=int(predicted == sentence.label),
                                                               fp=int(predicted != sentence.label)))
    return scores


@dataclass(slots=True)
class Evaluation:
    pipeline: str
    entities: list[EntityScores]
    claims: ClaimScores
    graph: GraphScores | None = None
    results: ResultScores | None = None
    proposes: NodeCounts | None = None


def graph_level(extractor: Extractor, golds: list[GraphGoldAbstract],
                name: str = "graph gold dev") -> tuple[GraphScores, ResultScores, NodeCounts]:
    """Graph-level scores of the extractor on hand-annotated abstracts, resolved together as one corpus (the type
    vote and acronym definitions work across them, as in a build): entity nodes, result rows, PROPOSES."""
    papers = [Paper(id=g.id, title="", abstract=g.text, source=SourceRef("graph-gold", i, "eval"))
              for i, g in enumerate(golds, start=1)]
    extractions = resolve(extractor.run(papers)).extractions
    return (score_graph(name, golds, extractions), score_results(golds, extractions),
            score_proposes(golds, extractions))


def evaluate(extractor: Extractor, eval_dir: Path) -> Evaluation:
    sets = {
        "SciERC dev": list(read_scierc(eval_dir / "scierc" / "dev.json")),
        "TDMSci dev": list(read_tdmsci(eval_dir / "tdmsci" / "train.conll", "dev")),
        "SciREX dev": list(read_scirex(eval_dir / "scirex" / "train_docs", "dev")),
    }
    entity_scores = [score_entities(name, golds, extractor.run(_papers(golds))) for name, golds in sets.items()]
    claims = score_claims(list(read_csabstruct(eval_dir / "csabstruct" / "dev.jsonl")), extractor)
    graph, results, proposes = graph_level(extractor, read_graph_gold("dev"))
    return Evaluation(f"{extractor.info.name} {extractor.info.version}", entity_scores, claims, graph, results,
                      proposes)
