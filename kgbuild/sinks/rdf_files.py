"""The output folder's RDF: its store and its Turtle, TriG and JSON-LD files, updated graph by graph.

A nightly run adds a few papers to a corpus of thousands. Paper graphs depend on their paper alone, so a run
rewrites only the graphs whose content changed (by a digest of what they are made from), and the export files are
spliced: each is a header, one chunk per named graph in IRI order, and a footer, and an unchanged graph's chunk is
copied from the previous file instead of being made and serialised again. A full build writes the same chunks, so
an updated file is byte-identical to one written from scratch.

`state/rdf-index.json` records each paper graph's digest and where each chunk sits in each file, with the file's
hash. A file that does not match its recorded hash (edited, truncated, from an interrupted run) is not trusted:
its unchanged chunks are then read back from the store.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kgbuild.export.rdf import document_frame, serialise_chunk
from kgbuild.graph import KnowledgeGraph, graph_quads, paper_graph_iri
from kgbuild.graph.rdf import CORPUS_GRAPHS, GRAPH_LAYOUT, paper_graph_digests
from kgbuild.sinks.store import GraphStore, StoreUpdate

INDEX_FILE = "rdf-index.json"


@dataclass(slots=True)
class FileIndex:
    sha256: str
    spans: dict[str, tuple[int, int]]  # graph IRI -> (offset, length) of its chunk


@dataclass(slots=True)
class RdfIndex:
    layout: str = GRAPH_LAYOUT
    digests: dict[str, str] = field(default_factory=dict)  # paper graph IRI -> digest of its content
    files: dict[str, FileIndex] = field(default_factory=dict)  # format -> its file's chunks

    @classmethod
    def load(cls, path: Path) -> RdfIndex:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("layout") != GRAPH_LAYOUT:
            return cls()  # graphs made by another version of the RDF layout: rewrite them all
        files = {fmt: FileIndex(f["sha256"], {g: (o, n) for g, (o, n) in f["spans"].items()})
                 for fmt, f in data["files"].items()}
        return cls(data["layout"], data["digests"], files)

    def save(self, path: Path) -> None:
        data = {"layout": self.layout, "digests": self.digests,
                "files": {fmt: {"sha256": f.sha256, "spans": f.spans} for fmt, f in sorted(self.files.items())}}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)


@dataclass(frozen=True, slots=True)
class RdfUpdate:
    store: StoreUpdate
    paper_graphs_written: int
    paper_graphs_unchanged: int


def _write_chunked(path: Path, fmt: str, graphs: list[str], fresh: dict[str, list[ox.Quad]],
                   previous: FileIndex | None, store: GraphStore) -> FileIndex:
    """Write `path` with a chunk per graph: made from `fresh` quads, else copied from the previous file."""
    old = path.read_bytes() if previous is not None and path.exists() else b""
    if previous is not None and hashlib.sha256(old).hexdigest() != previous.sha256:
        previous = None  # edited, truncated or missing since the last run wrote it: not a source of chunks
    header, separator, footer = document_frame(fmt)
    spans: dict[str, tuple[int, int]] = {}
    digest = hashlib.sha256()
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as handle:
        offset = 0

        def put(data: bytes) -> None:
            nonlocal offset
            handle.write(data)
            digest.update(data)
            offset += len(data)

        put(header)
        for i, graph in enumerate(graphs):
            if i:
                put(separator)
            if graph in fresh:
                chunk = serialise_chunk(fresh[graph], fmt)
            elif previous is not None and graph in previous.spans:
                start, length = previous.spans[graph]
                chunk = old[start:start + length]
            else:  # no trustworthy copy: the store has the graph as the last run wrote it
                chunk = serialise_chunk(store.graph_quads(graph), fmt)
            spans[graph] = (offset, len(chunk))
            put(chunk)
        put(footer)
    tmp.replace(path)  # a run killed while writing leaves the previous file (and its index) intact
    return FileIndex(digest.hexdigest(), spans)


def update_rdf_outputs(graph: KnowledgeGraph, store_path: Path, exports: dict[str, Path],
                       index_path: Path) -> RdfUpdate:
    """Bring the store and the export files (format -> path) up to `graph`, rewriting only what changed."""
    index = RdfIndex.load(index_path)
    by_paper = paper_graph_digests(graph)
    iris = {paper_id: paper_graph_iri(paper_id) for paper_id in by_paper}
    digests = {iris[paper_id]: d for paper_id, d in by_paper.items()}
    store = GraphStore(store_path)
    try:
        stored = store.graph_names()
        changed = {p for p, d in by_paper.items() if index.digests.get(iris[p]) != d or iris[p] not in stored}
        fresh: dict[str, list[ox.Quad]] = defaultdict(list)
        for quad in graph_quads(graph, papers=changed):
            fresh[quad.graph_name.value].append(quad)
        # Graphs of papers no longer in the corpus (and of an older layout) leave the store.
        gone = stored - set(digests) - set(CORPUS_GRAPHS)
        update = store.replace_graphs(fresh, remove=gone)
        graphs = sorted([*digests, *CORPUS_GRAPHS])
        files = {fmt: _write_chunked(path, fmt, graphs, fresh, index.files.get(fmt), store)
                 for fmt, path in exports.items()}
    finally:
        store.close()
    RdfIndex(GRAPH_LAYOUT, digests, files).save(index_path)
    return RdfUpdate(update, len(changed), len(digests) - len(changed))


__all__ = ["INDEX_FILE", "RdfIndex", "RdfUpdate", "update_rdf_outputs"]
