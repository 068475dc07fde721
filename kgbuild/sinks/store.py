"""The persistent RDF store of an output folder: a pyoxigraph (RocksDB) store that successive runs update.

A run replaces whole named graphs (one per paper, plus the entities and extractors graphs), so re-extracting a
paper replaces its triples, new papers add theirs, and the same input twice leaves the store as it was. Graphs
of papers that a run did not touch stay as they are. Queries see the union of all graphs as the default graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kgbuild.export.rdf import write_rdf


@dataclass(frozen=True, slots=True)
class StoreUpdate:
    """What a write changed; counted from the quads written, since counting a store of millions takes a second."""

    graphs_replaced: int
    graphs_added: int
    quads_removed: int
    quads_added: int

    def __add__(self, other: StoreUpdate) -> StoreUpdate:
        return StoreUpdate(self.graphs_replaced + other.graphs_replaced, self.graphs_added + other.graphs_added,
                           self.quads_removed + other.quads_removed, self.quads_added + other.quads_added)


class StoreError(RuntimeError):
    """A store that cannot be opened (e.g. held by another running build), naming its path."""


class GraphStore:
    """pyoxigraph store on disk (or in memory with `path=None`)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as error:
            raise StoreError(f"{path}: cannot open the RDF store ({error})") from error

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def graph_names(self) -> set[str]:
        return {g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)}

    def replace_graphs(self, graphs: Mapping[str, list[ox.Quad]] | Iterable[ox.Quad],
                       remove: Iterable[str] = ()) -> StoreUpdate:
        """Each named graph given (graph IRI -> its quads, or quads to group) replaces the store's graph of that
        name, and the graphs named in `remove` are dropped; other graphs are left alone."""
        if not isinstance(graphs, Mapping):
            grouped: dict[str, list[ox.Quad]] = defaultdict(list)
            for q in graphs:
                if not isinstance(q.graph_name, ox.NamedNode):
                    raise ValueError(f"quad outside a named graph: {q}")
                grouped[q.graph_name.value].append(q)
            graphs = grouped
        existing = self.graph_names()
        removed = 0
        for name in remove:
            if name in existing:
                removed += sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
                self._store.remove_graph(ox.NamedNode(name))
        added: set[ox.Quad] = set()
        for name, quads in graphs.items():
            if name not in existing:
                added.update(quads)
                continue
            # Only the difference is written: a graph rewritten with few changes mostly stays as it was, and
            # removing a whole graph from RocksDB costs more than reading it.
            removed += self._write_difference(self.graph_quads(name), quads, added)
        self._store.bulk_extend(added)
        self._store.flush()
        replaced = sum(1 for name in graphs if name in existing)
        return StoreUpdate(replaced, len(graphs) - replaced, removed, len(added))

    def replace_subjects(self, graph: str, subjects: Mapping[str, list[ox.Quad]], remove: Iterable[str] = ()
                         ) -> StoreUpdate:
        """Within one named graph, the quads given for each subject (subject IRI -> quads) replace that subject's
        quads, and the subjects in `remove` lose theirs: a few subjects of a large graph change, the rest stay."""
        g = ox.NamedNode(graph)
        added: set[ox.Quad] = set()
        removed = 0
        for subject in [*subjects, *remove]:
            old = self._store.quads_for_pattern(ox.NamedNode(subject), None, None, g)
            removed += self._write_difference(old, subjects.get(subject, ()), added)
        self._store.bulk_extend(added)
        self._store.flush()
        return StoreUpdate(1, 0, removed, len(added))

    def _write_difference(self, old: Iterable[ox.Quad], new: Iterable[ox.Quad], added: set[ox.Quad]) -> int:
        """Remove the quads of `old` not in `new` and collect in `added` those of `new` not in `old` (written by
        the caller in one bulk load); returns how many were removed."""
        before, after = set(old), set(new)
        for quad in before - after:
            self._store.remove(quad)
        added.update(after - before)
        return len(before - after)

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        """The quads of one named graph."""
        return list(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
              ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query over the union of all graphs. Values go in `bindings` (variable name -> term),
        never into the query text."""
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self._store.query(sparql, use_default_graph_as_union=True, substitutions=substitutions)

    def export(self, path: Path, fmt: str) -> None:
        write_rdf(iter(self._store), path, fmt)

    def close(self) -> None:
        # pyoxigraph has no close(): dropping the last reference releases the RocksDB lock.
        del self._store


__all__ = ["GraphStore", "StoreError", "StoreUpdate"]
