"""Subgraph selection: the part of a knowledge graph a query asks for, as a KnowledgeGraph, networkx and RDF.

"Everything within two hops of LoRA since 2023", "all methods evaluated on ImageNet with their metrics", "the
claims about diffusion models". A `GraphIndex` is built once per graph (adjacency in both directions by edge
kind, entity names, paper dates) so that each `select_subgraph` call costs the part it selects, not the graph.

Semantics of a `SubgraphQuery`:

- Seeds. `entities` are looked up by name, any alias, node id or full IRI, case-insensitively and through the
  resolver's name normalisation ("LoRAs", "low-rank  adaptation"); an unknown name raises `UnknownEntityError`
  with the closest known names. A name shared by entities of several kinds selects all of them, unless
  `node_kinds` names some of those kinds (then only those). `text` seeds every paper whose title or abstract
  contains it (case-insensitive); `node_ids` (ids or IRIs, e.g. from a saved SPARQL or Cypher query) are seeds
  too. Seeds of all three criteria are one union. With no seed criterion the whole graph is filtered.
- Filters, applied before traversal: the date window (`since`/`until`: ISO year, year-month or date) keeps the
  papers whose date interval overlaps it (a paper dated 2023 is in a window since 2023-06; a paper with no known
  year is out), and claims and results go with their paper; `min_confidence` drops edges, claims and results
  under it; `min_support` drops entities named by fewer papers (their corpus-wide `papers` count). Seed
  entities are never dropped by a filter.
- Traversal: `hops` counts edges over the whole graph in both directions (a paper is one hop from the methods it
  uses, a claim two hops from the other entities of its paper), following only `edge_kinds` when given, and
  never through a node a filter dropped.
- `node_kinds` then keeps the nodes of those kinds, the seeds, and the Paper nodes that link two or more kept
  nodes: every statement is a paper's, so "methods on ImageNet with their metrics" comes out as methods and
  metrics joined by the papers that state them, not as isolated nodes.
- Edges: every edge of the graph between two kept nodes that passes the filters (the induced subgraph).
- With no seeds, entities left without any edge by the window, confidence or edge-kind filters are dropped.

Corpus-wide values stay the corpus's: an entity's `papers` property is the number of papers of the whole corpus
naming it, and the RDF's `kg:support` on shared statements counts the corpus's papers (`Subgraph.quads`), not
the slice's; the subgraph's RDF is a subset of the corpus's RDF.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import unquote

from kgbuild.graph.convert import to_networkx
from kgbuild.graph.model import Edge, EdgeKind, KnowledgeGraph, NodeKind
from kgbuild.graph.property import ENTITY_KINDS, list_property
from kgbuild.graph.rdf import graph_quads
from kgbuild.graph.vocab import KGR
from kgbuild.model import EntityType
from kgbuild.resolve import normalise

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Dataset

PAPER_OWNED = (NodeKind.PAPER, NodeKind.CLAIM, NodeKind.RESULT)
_ISO_BOUND = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SPACES = re.compile(r"\s+")
_KGR = str(KGR)


class SelectionError(ValueError):
    """A query that cannot be run as given (bad date, unknown kind, seeds that match nothing), saying why."""


class UnknownEntityError(SelectionError):
    """An entity name, alias, id or IRI that names no entity of the graph; lists the closest known names."""


def _kind(value: str | NodeKind, what: type[NodeKind] | type[EdgeKind]) -> NodeKind | EdgeKind:
    if isinstance(value, what):
        return value
    by_name = {k.value.lower(): k for k in what}
    found = by_name.get(str(value).strip().lower())
    if found is None:
        label = "node kind" if what is NodeKind else "edge kind"
        raise SelectionError(f"unknown {label} {value!r}: expected one of {', '.join(k.value for k in what)}")
    return found


def date_bounds(text: str) -> tuple[int, int]:
    """The first and last day (proleptic ordinals) of an ISO year, year-month or date: "2023-02" is Feb 1-28."""
    match = _ISO_BOUND.match(text.strip())
    if match is None:
        raise SelectionError(f"bad date {text!r}: expected an ISO year, year-month or date (2023, 2023-01, "
                             "2023-01-15)")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1).toordinal(), date(year, month, last).toordinal()
        one = date(year, month, day).toordinal()
    except ValueError as error:
        raise SelectionError(f"bad date {text!r}: {error}") from None
    return one, one


def _paper_span(iso: object) -> tuple[int, int] | None:
    """The days a paper's date can be: None when its year is unknown ("--03-16")."""
    if not isinstance(iso, str) or not _ISO_BOUND.match(iso):
        return None
    return date_bounds(iso)


@dataclass(frozen=True, slots=True)
class SubgraphQuery:
    """What to select; see the module docstring for the semantics. Kinds may be given as names ("method")."""

    entities: tuple[str, ...] = ()
    hops: int = 1
    node_kinds: tuple[NodeKind, ...] | None = None
    edge_kinds: tuple[EdgeKind, ...] | None = None
    since: str | None = None
    until: str | None = None
    min_confidence: float | None = None
    min_support: int | None = None
    text: str | None = None
    node_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Normalised here, once: the frozen query is what the selection and its report see.
        object.__setattr__(self, "entities", tuple(self.entities))
        object.__setattr__(self, "node_ids", tuple(self.node_ids))
        if self.node_kinds is not None:
            object.__setattr__(self, "node_kinds", tuple(_kind(k, NodeKind) for k in self.node_kinds))
        if self.edge_kinds is not None:
            object.__setattr__(self, "edge_kinds", tuple(_kind(k, EdgeKind) for k in self.edge_kinds))
        if self.hops < 0:
            raise SelectionError(f"hops must be 0 or more, not {self.hops}")
        if self.min_confidence is not None and not 0 <= self.min_confidence <= 1:
            raise SelectionError(f"min_confidence must be between 0 and 1, not {self.min_confidence}")
        if self.min_support is not None and self.min_support < 0:
            raise SelectionError(f"min_support must be 0 or more, not {self.min_support}")
        if self.text is not None and not self.text.strip():
            raise SelectionError("text must not be empty")
        window = self.window()
        if window is not None and window[0] > window[1]:
            raise SelectionError(f"empty date window: since {self.since} is after until {self.until}")

    def window(self) -> tuple[int, int] | None:
        """(first day, last day) as ordinals, or None when no date bound is given."""
        if self.since is None and self.until is None:
            return None
        first = date_bounds(self.since)[0] if self.since is not None else date.min.toordinal()
        last = date_bounds(self.until)[1] if self.until is not None else date.max.toordinal()
        return first, last

    def has_seed_criteria(self) -> bool:
        return bool(self.entities or self.node_ids or self.text)


def _name_key(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


class GraphIndex:
    """What selection needs, computed once from a KnowledgeGraph: adjacency in both directions by edge kind,
    outgoing edges, each paper-owned node's paper, paper date intervals, and entity names, aliases and IRIs."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph
        # node -> edge kind -> [(neighbour, edge confidence)], both directions
        self.position = {node_id: i for i, node_id in enumerate(graph.nodes)}
        self.adjacency: dict[str, dict[EdgeKind, list[tuple[str, float]]]] = {n: {} for n in graph.nodes}
        self.out_edges: dict[str, list[Edge]] = {}
        for edge in graph.edges.values():
            confidence = edge.provenance.confidence
            self.adjacency[edge.source].setdefault(edge.kind, []).append((edge.target, confidence))
            self.adjacency[edge.target].setdefault(edge.kind, []).append((edge.source, confidence))
            self.out_edges.setdefault(edge.source, []).append(edge)
        self.paper_of: dict[str, str] = {}
        self.paper_span: dict[str, tuple[int, int] | None] = {}
        self.names: dict[str, set[str]] = {}  # name/alias key -> entity ids
        self.forms: dict[str, set[str]] = {}  # kind-scoped normalised form -> entity ids
        self.replaced: dict[str, str] = {}  # a key merged away -> the entity it went to
        for node in graph.nodes.values():
            props = node.properties
            if node.kind is NodeKind.PAPER:
                self.paper_of[node.id] = node.id
                self.paper_span[node.id] = _paper_span(props.get("date"))
            elif node.kind in PAPER_OWNED:
                self.paper_of[node.id] = f"paper/{props['paper_id']}"
            else:
                kind = EntityType(node.kind.value)
                for name in (str(props.get("name", node.label)), *list_property(node, "aliases")):
                    self.names.setdefault(_name_key(name), set()).add(node.id)
                    self.forms.setdefault(f"{kind.value}/{normalise(name, kind)}", set()).add(node.id)
                for old in list_property(node, "replaces"):
                    self.replaced[old] = node.id
        self._support: dict[tuple[EdgeKind, str], int] | None = None
        self._texts: dict[str, str] | None = None
        self._labels: list[str] | None = None

    def node_id(self, ref: str) -> str | None:
        """The node a node id or IRI (or a key merged into another entity) refers to, if any."""
        if ref in self.graph.nodes:
            return ref
        if ref.startswith(_KGR):
            local = ref[len(_KGR):]
            for candidate in (local, unquote(local)):
                if candidate in self.graph.nodes:
                    return candidate
                if candidate in self.replaced:
                    return self.replaced[candidate]
        return self.replaced.get(ref)

    def entities_named(self, ref: str) -> list[str]:
        """The entities a name, alias, node id or IRI names (several when the name is several kinds')."""
        found = self.node_id(ref.strip())
        if found is not None:
            return [found]
        ids = self.names.get(_name_key(ref))
        if not ids:
            ids = set().union(*(self.forms.get(f"{kind.value}/{normalise(ref, kind)}", set())
                                for kind in EntityType))
        if not ids:
            raise UnknownEntityError(f"no entity named {ref!r}; closest known names: "
                                     f"{', '.join(repr(n) for n in self.closest_names(ref))}")
        return sorted(ids)

    def closest_names(self, ref: str, limit: int = 5) -> list[str]:
        from rapidfuzz import fuzz, process, utils

        if self._labels is None:
            self._labels = sorted({name for node_id in {i for ids in self.names.values() for i in ids}
                                   for name in (str(self.graph.nodes[node_id].properties.get("name", node_id)),
                                                *list_property(self.graph.nodes[node_id], "aliases"))})
        return [name for name, _, _ in process.extract(ref, self._labels, scorer=fuzz.WRatio,
                                                       processor=utils.default_process, limit=limit)]

    def papers_matching(self, text: str) -> list[str]:
        """Paper nodes whose title or abstract contains `text`, case-insensitively."""
        if self._texts is None:
            self._texts = {n.id: f"{n.properties.get('title', '')}\n{n.properties.get('abstract', '')}".casefold()
                           for n in self.graph.nodes.values() if n.kind is NodeKind.PAPER}
        needle = _name_key(text)
        return [pid for pid, body in self._texts.items() if needle in body]

    def support(self) -> dict[tuple[EdgeKind, str], int]:
        """The corpus-wide support of each shared statement (papers stating edge kind -> target)."""
        if self._support is None:
            self._support = self.graph.support()
        return self._support


@dataclass(frozen=True, slots=True)
class Subgraph:
    """A selection: the sub-KnowledgeGraph (nodes and edges shared with the corpus graph, so corpus-wide
    properties keep their corpus values), its seeds, and views as networkx and RDF."""

    graph: KnowledgeGraph
    seeds: tuple[str, ...]
    corpus: KnowledgeGraph = field(repr=False)

    def networkx(self) -> nx.MultiDiGraph:
        return to_networkx(self.graph)

    def quads(self) -> Iterator[ox.Quad]:
        """The RDF of the selection in kgbuild's named graphs, with corpus-wide `kg:support` values."""
        return graph_quads(self.graph, corpus=self.corpus)

    def rdf(self) -> Dataset:
        from kgbuild.graph.rdf import to_dataset

        return to_dataset(self.quads())

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per kind and edges per kind, kinds with none left out."""
        nodes = {k: n for k, n in self.graph.count_nodes().items() if n}
        edges = {k: n for k, n in self.graph.count_edges().items() if n}
        return nodes, edges

    def describe(self) -> str:
        """One line each for nodes and edges, with counts per kind."""
        nodes, edges = self.counts()
        lines = []
        for what, total, per_kind in (("node", len(self.graph.nodes), nodes), ("edge", len(self.graph.edges), edges)):
            kinds = ", ".join(f"{k} {n}" for k, n in per_kind.items()) or "none"
            lines.append(f"{total} {what}{'' if total == 1 else 's'} ({kinds})")
        return "\n".join(lines)


def known_nodes(index: GraphIndex, refs: Iterable[str]) -> list[str]:
    """The refs (node ids or IRIs, e.g. every IRI a saved query returned) that are nodes of the graph, as ids,
    in order, without repeats; others (assertion IRIs, literals) are left out."""
    out: dict[str, None] = {}
    for ref in refs:
        node = index.node_id(ref)
        if node is not None:
            out[node] = None
    return list(out)


def select_subgraph(graph_or_index: KnowledgeGraph | GraphIndex, query: SubgraphQuery) -> Subgraph:
    """The subgraph `query` selects (see the module docstring for the semantics)."""
    index = graph_or_index if isinstance(graph_or_index, GraphIndex) else GraphIndex(graph_or_index)
    graph = index.graph
    nodes = graph.nodes
    window = query.window()
    min_confidence = query.min_confidence
    edge_kinds = set(query.edge_kinds) if query.edge_kinds is not None else None
    node_kinds = set(query.node_kinds) if query.node_kinds is not None else None

    entity_seeds: set[str] = set()
    seeds: dict[str, None] = {}
    for ref in query.entities:
        matches = index.entities_named(ref)
        if node_kinds is not None and len(matches) > 1:
            narrowed = [m for m in matches if nodes[m].kind in node_kinds]
            matches = narrowed or matches
        for m in matches:
            seeds[m] = None
            if nodes[m].kind in ENTITY_KINDS:
                entity_seeds.add(m)
    for ref in query.node_ids:
        node = index.node_id(ref)
        if node is None:
            raise SelectionError(f"no node with id or IRI {ref!r} in the graph")
        seeds[node] = None
        if nodes[node].kind in ENTITY_KINDS:
            entity_seeds.add(node)
    if query.text is not None:
        seeds.update((pid, None) for pid in index.papers_matching(query.text))

    allowed: dict[str, bool] = {}

    def passes(node_id: str) -> bool:
        ok = allowed.get(node_id)
        if ok is None:
            node = nodes[node_id]
            if node.kind in PAPER_OWNED:
                ok = True
                if window is not None:
                    span = index.paper_span.get(index.paper_of[node_id])
                    ok = span is not None and span[1] >= window[0] and span[0] <= window[1]
                if ok and min_confidence is not None and node.kind is not NodeKind.PAPER:
                    ok = float(node.properties["confidence"]) >= min_confidence
            else:
                ok = (query.min_support is None or node_id in entity_seeds
                      or int(node.properties.get("papers", 0)) >= query.min_support)
            allowed[node_id] = ok
        return ok

    def neighbours(node_id: str) -> Iterator[str]:
        for kind, pairs in index.adjacency[node_id].items():
            if edge_kinds is not None and kind not in edge_kinds:
                continue
            for other, confidence in pairs:
                if (min_confidence is None or confidence >= min_confidence) and passes(other):
                    yield other

    start: list[str] = []
    if query.has_seed_criteria():
        start = [s for s in seeds if s in entity_seeds or passes(s)]
        if not start:
            raise SelectionError(f"the query's seeds match nothing{' in the date window' if window else ''}: "
                                 f"{_seed_text(query)}")
        selected = set(start)
        frontier = start
        for _ in range(query.hops):
            reached = []
            for node_id in frontier:
                for other in neighbours(node_id):
                    if other not in selected:
                        selected.add(other)
                        reached.append(other)
            frontier = reached
    else:
        selected = {n for n in nodes if passes(n)}
        if window is not None or min_confidence is not None or edge_kinds is not None:
            selected = {n for n in selected
                        if nodes[n].kind not in ENTITY_KINDS or any(o in selected for o in neighbours(n))}

    if node_kinds is not None:
        seeds_kept = set(start)
        kept = {n for n in selected if nodes[n].kind in node_kinds or n in seeds_kept}
        if NodeKind.PAPER not in node_kinds:
            connectors = {n for n in selected if nodes[n].kind is NodeKind.PAPER and n not in kept
                          and len({o for o in neighbours(n) if o in kept}) >= 2}
            kept |= connectors
    else:
        kept = selected

    sub = KnowledgeGraph()
    # In corpus order, so that the same query on the same graph writes the same files.
    for node_id in sorted(kept, key=index.position.__getitem__):
        sub.nodes[node_id] = nodes[node_id]
    for node_id in sub.nodes:
        for edge in index.out_edges.get(node_id, ()):
            if (edge.target in kept and (edge_kinds is None or edge.kind in edge_kinds)
                    and (min_confidence is None or edge.provenance.confidence >= min_confidence)):
                sub.edges[(edge.source, edge.kind, edge.target)] = edge
    return Subgraph(sub, tuple(start), graph)


def _seed_text(query: SubgraphQuery) -> str:
    parts = [*(f"entity {e!r}" for e in query.entities), *(f"node {n!r}" for n in query.node_ids)]
    if query.text is not None:
        parts.append(f"text {query.text!r}")
    return ", ".join(parts)


__all__ = ["GraphIndex", "SelectionError", "Subgraph", "SubgraphQuery", "UnknownEntityError", "date_bounds",
           "known_nodes", "select_subgraph"]
