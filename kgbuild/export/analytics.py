"""Analytics over a knowledge graph in networkx form: centrality, communities, co-occurrence, trends, leaderboards.

Every function takes the `nx.MultiDiGraph` that `kgbuild.graph.to_networkx` makes (node attributes `kind`, `label`
and the node's properties; edge key = edge kind), so it works on the whole graph and on any subgraph selected from
it, and returns typed rows sorted deterministically (ties broken by label, then id).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import networkx as nx

from kgbuild.graph.model import EdgeKind, NodeKind

ENTITY_KINDS = (NodeKind.METHOD.value, NodeKind.DATASET.value, NodeKind.METRIC.value, NodeKind.TASK.value)
# The edges by which a paper names an entity itself (claims and results name entities of the same paper).
PAPER_ENTITY_EDGES = (EdgeKind.PROPOSES.value, EdgeKind.USES.value, EdgeKind.EVALUATES_ON.value,
                      EdgeKind.ADDRESSES.value, EdgeKind.MEASURES.value)
Granularity = Literal["year", "month"]
# Metric names whose smaller values are better; any other metric is ranked highest first.
LOWER_IS_BETTER_WORDS = frozenset({
    "error", "errors", "loss", "perplexity", "ppl", "wer", "cer", "ter", "fid", "kid", "latency", "mse", "mae",
    "rmse", "eer", "bpc", "bpd", "runtime", "time", "memory", "distance", "regret",
})
# A sign only where it cannot be a hyphen ("top-1" is 1, not -1).
_NUMBER = re.compile(r"(?<![\w.])[-+\u2212]?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)|\d+(?:,\d{3})*(?:\.\d+)?")
_DATE = re.compile(r"(?:(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?|--(?P<md>\d{2})(?:-\d{2})?)")


@dataclass(frozen=True, slots=True)
class EntityCentrality:
    """An entity's place in the graph: distinct neighbours, papers naming it, PageRank (graph-wide sum is 1)."""

    id: str
    kind: str
    label: str
    degree: int
    papers: int
    pagerank: float


@dataclass(frozen=True, slots=True)
class Community:
    """One Louvain community: its size, its papers and its most connected entities (labels, best first)."""

    index: int
    size: int
    papers: int
    top_entities: tuple[str, ...]
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """Two entities named by the same papers (e.g. a method evaluated on a dataset)."""

    first_id: str
    first_label: str
    second_id: str
    second_label: str
    papers: int
    paper_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityTrend:
    """Papers naming an entity per period ("2023" or "2023-08"), and those whose date is too coarse or missing."""

    id: str
    kind: str
    label: str
    counts: tuple[tuple[str, int], ...]
    undated: int

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts) + self.undated


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """A reported result on a (dataset, metric): its value as written, the number read from it, and its rank."""

    dataset_id: str
    dataset: str
    metric_id: str
    metric: str
    lower_is_better: bool
    rank: int
    value_text: str
    value: float | None
    method: str | None
    paper_id: str
    paper_title: str
    result_id: str


@dataclass(frozen=True, slots=True)
class Margin:
    """A relative result read as "method beats baseline by value on dataset (metric)"; dataset and metric when
    the result names them."""

    method_id: str
    method: str
    baseline_id: str
    baseline: str
    value_text: str
    value: float | None
    unit: str | None
    dataset: str | None
    metric: str | None
    paper_id: str
    paper_title: str
    result_id: str


def _kind(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node].get("kind", "")


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node].get("label", node))


def entity_nodes(graph: nx.MultiDiGraph, kinds: Iterable[str] = ENTITY_KINDS) -> list[str]:
    wanted = set(kinds)
    return [n for n, kind in graph.nodes(data="kind") if kind in wanted]


def papers_of(graph: nx.MultiDiGraph, entity: str) -> set[str]:
    """The papers that name an entity directly (PROPOSES, USES, EVALUATES_ON, ADDRESSES, MEASURES)."""
    return {source for source, _, key in graph.in_edges(entity, keys=True)
            if key in PAPER_ENTITY_EDGES and _kind(graph, source) == NodeKind.PAPER.value}


def simple_undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """One edge per linked pair, nodes and edges added in sorted order so that seeded algorithms repeat exactly."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges() if u != v}))
    return simple


def entity_centrality(graph: nx.MultiDiGraph, *, alpha: float = 0.85) -> list[EntityCentrality]:
    """Degree (distinct neighbours), papers and PageRank of every entity, highest PageRank first.

    PageRank runs on the directed graph (papers, claims and results point at entities), parallel edges
    collapsed, so an entity ranks high when many well-linked things name it.
    """
    if graph.number_of_nodes() == 0:
        return []
    ranks = nx.pagerank(nx.DiGraph(graph), alpha=alpha)
    simple = simple_undirected(graph)
    rows = [EntityCentrality(n, _kind(graph, n), _label(graph, n), simple.degree(n), len(papers_of(graph, n)),
                             ranks[n])
            for n in entity_nodes(graph)]
    return sorted(rows, key=lambda r: (-r.pagerank, r.label, r.id))


def communities(graph: nx.MultiDiGraph, *, seed: int = 0, resolution: float = 1.0,
                top: int = 5) -> list[Community]:
    """Louvain communities of the undirected graph (seeded: the same graph gives the same split), largest first."""
    simple = simple_undirected(graph)
    if simple.number_of_nodes() == 0:
        return []
    groups = nx.community.louvain_communities(simple, seed=seed, resolution=resolution)
    ordered = sorted((sorted(group) for group in groups), key=lambda members: (-len(members), members[0]))
    result = []
    for index, members in enumerate(ordered, start=1):
        entities = sorted((n for n in members if _kind(graph, n) in ENTITY_KINDS),
                          key=lambda n: (-simple.degree(n), _label(graph, n), n))
        result.append(Community(index, len(members), sum(_kind(graph, n) == NodeKind.PAPER.value for n in members),
                                tuple(_label(graph, n) for n in entities[:top]), tuple(members)))
    return result


def community_of(groups: Iterable[Community]) -> dict[str, int]:
    """Node id -> its community index."""
    return {node: c.index for c in groups for node in c.members}


def cooccurrence(graph: nx.MultiDiGraph, first: NodeKind | str, second: NodeKind | str, *,
                 min_papers: int = 1) -> list[Cooccurrence]:
    """Pairs (entity of kind `first`, entity of kind `second`) named by at least `min_papers` common papers."""
    first, second = NodeKind(first).value, NodeKind(second).value
    if first == second:
        raise ValueError(f"co-occurrence needs two different entity kinds, got {first} twice")
    for kind in (first, second):
        if kind not in ENTITY_KINDS:
            raise ValueError(f"co-occurrence is between entities ({', '.join(ENTITY_KINDS)}), not {kind}")
    together: dict[tuple[str, str], set[str]] = defaultdict(set)
    for paper in (n for n, kind in graph.nodes(data="kind") if kind == NodeKind.PAPER.value):
        named = {target for _, target, key in graph.out_edges(paper, keys=True) if key in PAPER_ENTITY_EDGES}
        for a in (n for n in named if _kind(graph, n) == first):
            for b in (n for n in named if _kind(graph, n) == second):
                together[(a, b)].add(paper)
    rows = [Cooccurrence(a, _label(graph, a), b, _label(graph, b), len(papers), tuple(sorted(papers)))
            for (a, b), papers in together.items() if len(papers) >= min_papers]
    return sorted(rows, key=lambda r: (-r.papers, r.first_label, r.second_label, r.first_id, r.second_id))


def date_period(date: str | None, granularity: Granularity) -> str | None:
    """The year ("2023") or month ("2023-08") of an ISO date as kgbuild writes it, or None when the date does not
    say (no date, "2023" for a month, "--03-16" with no year). A malformed date is an error, not a guess."""
    if granularity not in ("year", "month"):
        raise ValueError(f"granularity must be 'year' or 'month', not {granularity!r}")
    if date is None or date == "":
        return None
    match = _DATE.fullmatch(str(date))
    if match is None:
        raise ValueError(f"date {date!r} is not an ISO date kgbuild writes (2023-08-28, 2023-08, 2023, --03-16)")
    year, month = match["year"], match["month"]
    if year is None:
        return None
    if granularity == "year":
        return year
    return f"{year}-{month}" if month else None


def mentions_over_time(graph: nx.MultiDiGraph, *, granularity: Granularity = "month",
                       entities: Iterable[str] | None = None) -> list[EntityTrend]:
    """Papers per period naming each entity (all entities, or the given ids), most papers first.

    A paper counts in a period only when its date states it; the others are counted as `undated`.
    """
    ids = list(entities) if entities is not None else entity_nodes(graph)
    rows = []
    for entity in ids:
        if entity not in graph:
            raise KeyError(f"entity {entity!r} is not in the graph")
        per_period: Counter[str] = Counter()
        undated = 0
        for paper in papers_of(graph, entity):
            try:
                period = date_period(graph.nodes[paper].get("date"), granularity)
            except ValueError as exc:
                raise ValueError(f"paper {paper}: {exc}") from None
            if period is None:
                undated += 1
            else:
                per_period[period] += 1
        rows.append(EntityTrend(entity, _kind(graph, entity), _label(graph, entity), tuple(sorted(per_period.items())),
                                undated))
    return sorted(rows, key=lambda r: (-r.total, r.label, r.id))


def parse_value(text: str) -> float | None:
    """The first number written in a result value ("85.3%" -> 85.3, "1,024" -> 1024.0), or None."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    return float(match.group().replace(",", "").replace("\u2212", "-"))


def lower_is_better(metric: str) -> bool:
    """Whether smaller values of a metric are better, judged from its name (error, loss, perplexity, FID, ...)."""
    return bool(set(re.findall(r"[a-z]+", metric.lower())) & LOWER_IS_BETTER_WORDS)


def _number(graph: nx.MultiDiGraph, result: str) -> float | None:
    number = graph.nodes[result].get("number")
    return float(number) if number is not None else parse_value(str(graph.nodes[result].get("value", "")))


def _result_links(graph: nx.MultiDiGraph, result: str) -> tuple[dict[str, list[str]], str]:
    """A result's targets by edge kind (OF_METHOD, ON_DATASET, ...) and the paper reporting it."""
    targets: dict[str, list[str]] = defaultdict(list)
    for _, target, key in graph.out_edges(result, keys=True):
        targets[key].append(target)
    papers = [s for s, _, key in graph.in_edges(result, keys=True) if key == EdgeKind.REPORTS.value]
    return targets, papers[0] if papers else f"paper/{graph.nodes[result].get('paper_id', '')}"


def leaderboard(graph: nx.MultiDiGraph) -> list[LeaderboardEntry]:
    """Absolute results tied to both a dataset and a metric, grouped by (dataset, metric) and ranked best first.

    A relative result (a margin, a speed-up: `result_kind` "relative") is no score and never ranks. Values are
    ranked by their number (the extracted `number`, else the first number of their text; highest first, or lowest
    first for error-like metrics); values with no number come last. The text is kept as written.
    """
    groups: dict[tuple[str, str], list[tuple[str, str | None, str]]] = defaultdict(list)
    for result in (n for n, kind in graph.nodes(data="kind") if kind == NodeKind.RESULT.value):
        if graph.nodes[result].get("result_kind") == "relative":
            continue
        targets, paper = _result_links(graph, result)
        methods = sorted(targets[EdgeKind.OF_METHOD.value])
        for dataset in targets[EdgeKind.ON_DATASET.value]:
            for metric in targets[EdgeKind.FOR_METRIC.value]:
                groups[(dataset, metric)].append((result, methods[0] if methods else None, paper))
    rows = []
    for dataset, metric in sorted(groups, key=lambda k: (_label(graph, k[0]), _label(graph, k[1]), k)):
        lower = lower_is_better(_label(graph, metric))

        def order(item: tuple[str, str | None, str], lower: bool = lower) -> tuple:
            value = _number(graph, item[0])
            if value is None:
                return (1, 0.0, item[0])
            return (0, value if lower else -value, item[0])

        for rank, (result, method, paper) in enumerate(sorted(groups[(dataset, metric)], key=order), start=1):
            text = str(graph.nodes[result].get("value", ""))
            paper_title = str(graph.nodes[paper].get("title", _label(graph, paper))) if paper in graph else ""
            rows.append(LeaderboardEntry(dataset, _label(graph, dataset), metric, _label(graph, metric), lower, rank,
                                         text, _number(graph, result), _label(graph, method) if method else None,
                                         paper.removeprefix("paper/"), paper_title, result))
    return rows


def margins(graph: nx.MultiDiGraph) -> list[Margin]:
    """Relative results that name both the method and the baseline it beats, by dataset, metric and baseline,
    largest margin first."""
    rows = []
    for result in (n for n, kind in graph.nodes(data="kind") if kind == NodeKind.RESULT.value):
        node = graph.nodes[result]
        if node.get("result_kind") != "relative":
            continue
        targets, paper = _result_links(graph, result)
        methods, baselines = targets[EdgeKind.OF_METHOD.value], targets[EdgeKind.COMPARED_TO.value]
        if not methods or not baselines:
            continue
        datasets, metrics = targets[EdgeKind.ON_DATASET.value], targets[EdgeKind.FOR_METRIC.value]
        paper_title = str(graph.nodes[paper].get("title", "")) if paper in graph else ""
        rows.append(Margin(methods[0], _label(graph, methods[0]), baselines[0], _label(graph, baselines[0]),
                           str(node.get("value", "")), _number(graph, result), node.get("unit"),
                           _label(graph, datasets[0]) if datasets else None,
                           _label(graph, metrics[0]) if metrics else None, paper.removeprefix("paper/"),
                           paper_title, result))
    return sorted(rows, key=lambda r: (r.dataset or "", r.metric or "", r.baseline, -(r.value or 0.0), r.method,
                                       r.result_id))


__all__ = [
    "ENTITY_KINDS", "Community", "Cooccurrence", "EntityCentrality", "EntityTrend", "LeaderboardEntry", "Margin",
    "communities", "community_of", "cooccurrence", "date_period", "entity_centrality", "entity_nodes",
    "leaderboard", "lower_is_better", "margins", "mentions_over_time", "papers_of", "parse_value",
    "simple_undirected",
]
