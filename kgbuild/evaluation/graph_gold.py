"""Graph-level gold and scores: the entity nodes a user sees per paper, against hand-annotated abstracts.

The gold (`data/graph_gold/*.jsonl`, annotated by the kgbuild developers following
`../shared/eval/GRAPH_GOLD_GUIDELINES.md`) lists per abstract the entities an ML reader would accept as
graph nodes, each with its type, name, the other forms written in the abstract, acceptable other types,
its role in the paper, and whether it is core (a node a reader definitely expects) or borderline.

Scoring is per paper over distinct entities, as the graph shows them: the extraction is resolved, each
entity a paper names is one predicted node (all the forms its mentions were written in), and only the
entities the graph keeps (not generic, unless asked) count. A predicted node is

- correct when its type is the gold entity's type (or one of its `alt_types`) and one of its forms equals
  one of the gold entity's forms after `normalise`, for a core gold entity;
- neither right nor wrong when it matches only borderline gold entities;
- wrong otherwise (generic phrases, hardware, mistyped names, anything not in the gold).

A core gold entity is found when some predicted node matches it. Precision is per predicted type,
recall per gold type; micro over all four types.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kgbuild.model import EntityType, PaperExtraction
from kgbuild.names import normalise

GRAPH_GOLD_SPLITS = ("dev", "train", "dev-first-pass")
CONFIDENCE_LEVELS = (0.5, 0.8)


@dataclass(frozen=True, slots=True)
class GoldEntity:
    type: EntityType
    name: str
    aliases: tuple[str, ...]
    alt_types: tuple[EntityType, ...]
    role: str  # proposed | used | compared | studied
    core: bool

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def accepts(self, kind: EntityType) -> bool:
        return kind is self.type or kind in self.alt_types


@dataclass(frozen=True, slots=True)
class GoldResult:
    value: str
    start: int
    end: int
    kind: str  # absolute | relative
    metric: str | None
    dataset: str | None
    method: str | None
    compared_to: str | None


@dataclass(frozen=True, slots=True)
class GraphGoldAbstract:
    id: str
    source: str  # scierc-dev, csabstruct-dev, scierc-train, …
    text: str
    entities: tuple[GoldEntity, ...]
    results: tuple[GoldResult, ...] = ()


def _nth(text: str, value: str, nth: int) -> int:
    start = -1
    for _ in range(nth):
        start = text.index(value, start + 1)
    return start


def _abstract(record: dict) -> GraphGoldAbstract:
    text = record["text"]
    entities = tuple(GoldEntity(EntityType(e["type"]), e["name"], tuple(e["aliases"]),
                                tuple(EntityType(t) for t in e["alt_types"]), e["role"], bool(e["core"]))
                     for e in record["entities"])
    results = []
    for r in record["results"]:
        start = _nth(text, r["value"], r["nth"])
        results.append(GoldResult(r["value"], start, start + len(r["value"]), r["kind"], r["metric"], r["dataset"],
                                  r["method"], r["compared_to"]))
    return GraphGoldAbstract(record["id"], record["source"], text, entities, tuple(results))


def read_graph_gold(split: str = "dev", path: Path | None = None) -> list[GraphGoldAbstract]:
    """The graph-level gold of `split` (shipped with kgbuild), or of the JSONL file at `path`."""
    if path is None:
        if split not in GRAPH_GOLD_SPLITS:
            raise ValueError(f"graph gold split {split!r}: expected one of {GRAPH_GOLD_SPLITS}")
        text = (resources.files("kgbuild.evaluation") / "data" / "graph_gold" / f"{split}.jsonl").read_text(
            encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return [_abstract(json.loads(line)) for line in text.splitlines() if line.strip()]


@dataclass(frozen=True, slots=True)
class PredictedNode:
    """One entity node of one paper, as the graph shows it."""

    type: EntityType
    name: str
    forms: frozenset[str]
    confidence: float  # of its best mention
    generic: bool


def predicted_nodes(extraction: PaperExtraction) -> list[PredictedNode]:
    """The distinct entities a resolved extraction names: one per (type, canonical name)."""
    grouped: dict[tuple[EntityType, str], list] = defaultdict(list)
    for m in extraction.entities:
        grouped[(m.type, m.canonical)].append(m)
    return [PredictedNode(kind, name, frozenset({name, *(m.text for m in ms)}), max(m.confidence for m in ms),
                          all(m.generic for m in ms))
            for (kind, name), ms in sorted(grouped.items())]


@dataclass(slots=True)
class NodeCounts:
    tp: int = 0  # predicted nodes matching a core gold entity
    fp: int = 0  # predicted nodes matching no gold entity
    found: int = 0  # core gold entities matched
    core: int = 0  # core gold entities

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.core if self.core else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: NodeCounts) -> None:
        self.tp, self.fp = self.tp + other.tp, self.fp + other.fp
        self.found, self.core = self.found + other.found, self.core + other.core


@dataclass(slots=True)
class GraphScores:
    name: str
    abstracts: int
    per_type: dict[EntityType, NodeCounts] = field(default_factory=lambda: defaultdict(NodeCounts))
    # Precision of the graph's nodes whose best mention has at least this confidence.
    at_confidence: dict[float, NodeCounts] = field(default_factory=lambda: defaultdict(NodeCounts))
    # Every wrong node and every missed core entity, for error analysis: (abstract id, type, name).
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[tuple[str, str, str]] = field(default_factory=list)

    def micro(self) -> NodeCounts:
        total = NodeCounts()
        for counts in self.per_type.values():
            total.add(counts)
        return total


def _matches(node: PredictedNode, gold: GoldEntity) -> bool:
    if not gold.accepts(node.type):
        return False
    gold_forms = {normalise(f, gold.type) for f in gold.forms}
    return any(normalise(f, gold.type) in gold_forms for f in node.forms)


def score_graph(name: str, golds: Sequence[GraphGoldAbstract], extractions: Iterable[PaperExtraction],
                include_generic: bool = False) -> GraphScores:
    """Graph-level precision and recall of resolved `extractions` (one per gold abstract, in order)."""
    scores = GraphScores(name, len(golds))
    for gold, x in zip(golds, extractions, strict=True):
        nodes = [n for n in predicted_nodes(x) if include_generic or not n.generic]
        found: set[int] = set()
        for node in nodes:
            hits = [i for i, g in enumerate(gold.entities) if _matches(node, g)]
            core_hits = [i for i in hits if gold.entities[i].core]
            found.update(core_hits)
            if core_hits:
                outcome = NodeCounts(tp=1)
            elif hits:
                continue  # borderline: neither rewarded nor penalised
            else:
                outcome = NodeCounts(fp=1)
                scores.wrong.append((gold.id, node.type.value, node.name))
            scores.per_type[node.type].add(outcome)
            for level in CONFIDENCE_LEVELS:
                if node.confidence >= level:
                    scores.at_confidence[level].add(outcome)
        for i, g in enumerate(gold.entities):
            if g.core:
                scores.per_type[g.type].add(NodeCounts(core=1, found=int(i in found)))
                if i not in found:
                    scores.missed.append((gold.id, g.type.value, g.name))
    return scores


@dataclass(slots=True)
class Agreement:
    agreed: int = 0
    named: int = 0  # matched results whose gold names this attribute

    @property
    def rate(self) -> float:
        return self.agreed / self.named if self.named else 0.0


RESULT_ATTRIBUTES = ("metric", "dataset", "method", "compared_to")


@dataclass(slots=True)
class ResultScores:
    """Result rows against the gold's: a predicted value is found when its span overlaps a gold value's; kind and
    each attribute are then compared where the gold names one."""

    values: NodeCounts = field(default_factory=NodeCounts)  # tp / fp predicted values; found / core gold values
    kind: Agreement = field(default_factory=Agreement)
    attributes: dict[str, Agreement] = field(default_factory=lambda: {a: Agreement() for a in RESULT_ATTRIBUTES})
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (abstract id, value) not in the gold
    missed: list[tuple[str, str]] = field(default_factory=list)
    disagreements: list[tuple[str, str, str, str | None, str | None]] = field(default_factory=list)


def _same_name(predicted: str | None, gold: str, entities: Sequence[GoldEntity]) -> bool:
    """A predicted name agrees with the gold's when it is one of the forms of the gold entity so named."""
    if predicted is None:
        return False
    forms = {gold, *(f for e in entities if gold in e.forms or normalise(gold, e.type) in
                     {normalise(x, e.type) for x in e.forms} for f in e.forms)}
    return any(normalise(predicted, kind) in {normalise(f, kind) for f in forms} for kind in EntityType)


def score_results(golds: Sequence[GraphGoldAbstract], extractions: Iterable[PaperExtraction]) -> ResultScores:
    scores = ResultScores()
    for gold, x in zip(golds, extractions, strict=True):
        matched: set[int] = set()
        for r in x.results:
            hit = next((i for i, g in enumerate(gold.results) if g.start < r.end and r.start < g.end
                        and i not in matched), None)
            if hit is None:
                scores.values.fp += 1
                scores.wrong.append((gold.id, r.value))
                continue
            matched.add(hit)
            scores.values.tp += 1
            g = gold.results[hit]
            scores.kind.named += 1
            scores.kind.agreed += int(r.kind == g.kind)
            for attribute in RESULT_ATTRIBUTES:
                expected = getattr(g, attribute)
                if expected is None:
                    continue
                agreement = scores.attributes[attribute]
                agreement.named += 1
                if _same_name(getattr(r, attribute), expected, gold.entities):
                    agreement.agreed += 1
                else:
                    scores.disagreements.append((gold.id, g.value, attribute, getattr(r, attribute), expected))
        scores.values.core += len(gold.results)
        scores.values.found += len(matched)
        scores.missed.extend((gold.id, g.value) for i, g in enumerate(gold.results) if i not in matched)
    return scores


PROPOSABLE_TYPES = (EntityType.METHOD, EntityType.DATASET)


def score_proposes(golds: Sequence[GraphGoldAbstract], extractions: Iterable[PaperExtraction]) -> NodeCounts:
    """PROPOSES per paper: the distinct non-generic entities a paper proposes against the gold's entities with the
    role "proposed" (core ones for recall; a borderline one is neither right nor wrong)."""
    counts = NodeCounts()
    for gold, x in zip(golds, extractions, strict=True):
        proposed_names = {(m.type, m.canonical) for m in x.entities if m.proposed and not m.generic}
        nodes = [n for n in predicted_nodes(x) if (n.type, n.name) in proposed_names]
        own = [g for g in gold.entities if g.role == "proposed" and g.type in PROPOSABLE_TYPES]
        found: set[int] = set()
        for node in nodes:
            hits = [i for i, g in enumerate(own) if _matches(node, g)]
            if any(own[i].core for i in hits):
                counts.tp += 1
                found.update(i for i in hits if own[i].core)
            elif not hits:
                counts.fp += 1
        counts.core += sum(g.core for g in own)
        counts.found += len(found)
    return counts


__all__ = [
    "Agreement",
    "GoldEntity",
    "GoldResult",
    "GraphGoldAbstract",
    "GraphScores",
    "NodeCounts",
    "PredictedNode",
    "ResultScores",
    "predicted_nodes",
    "read_graph_gold",
    "score_graph",
    "score_proposes",
    "score_results",
]
