"""The output folder's RDF: its store and its Turtle, TriG and JSON-LD files, updated graph by graph.

A nightly run adds a few papers to a corpus of thousands. Paper graphs depend on their paper alone, so a run
rewrites only the graphs whose content changed (by a digest of what they are made from), and the export files are
spliced: each is a header, one chunk per named graph in IRI order, and a footer, and an unchanged graph's chunk is
copied from the previous file instead of being made and serialised again. The three corpus-wide graphs (entities,
shared statements, extractors) change a little on every run (a new paper raises a few support counts): their
chunks are made of one piece per subject, and only the subjects whose digest changed are made, written to the
store and serialised again. A full build writes the same chunks, so an updated file is byte-identical to one
written from scratch.

`state/rdf-index.json` records each paper graph's digest, each corpus subject's digest, and where each chunk (and
corpus piece) sits in each file, with the file's hash. A file that does not match its recorded hash (edited,
truncated, from an interrupted run) is not trusted: its unchanged chunks are then read back from the store, and
every corpus subject is made anew. Before the store is touched, the index is saved with the digests of what is
about to be rewritten taken out, so that a run killed midway leaves nothing marked as up to date that is not.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from kgbuild.export.rdf import chunk_frame, document_frame, serialise_chunk, serialise_piece, sorted_quads
from kgbuild.graph import KnowledgeGraph, graph_quads, paper_graph_iri
from kgbuild.graph.rdf import CORPUS_GRAPHS, GRAPH_LAYOUT, corpus_quads, corpus_subject_digests, paper_graph_digests
from kgbuild.sinks.store import GraphStore, StoreUpdate

INDEX_FILE = "rdf-index.json"


@dataclass(slots=True)
class FileIndex:
    sha256: str
    spans: dict[str, tuple[int, int]]  # graph IRI -> (offset, length) of its chunk
    # corpus graph IRI -> byte length of each subject's piece, in the order of RdfIndex.corpus[graph]
    pieces: dict[str, list[int]] = field(default_factory=dict)


@dataclass(slots=True)
class RdfIndex:
    layout: str = GRAPH_LAYOUT
    digests: dict[str, str] = field(default_factory=dict)  # paper graph IRI -> digest of its content
    quads: int | None = None  # quads in the store after the run that saved this index
    files: dict[str, FileIndex] = field(default_factory=dict)  # format -> its file's chunks
    corpus: dict[str, dict[str, str]] = field(default_factory=dict)  # corpus graph IRI -> subject IRI -> digest

    @classmethod
    def load(cls, path: Path) -> RdfIndex:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("layout") != GRAPH_LAYOUT:
            return cls()  # graphs made by another version of the RDF layout: rewrite them all
        files = {fmt: FileIndex(f["sha256"], {g: (o, n) for g, (o, n) in f["spans"].items()}, f.get("pieces", {}))
                 for fmt, f in data["files"].items()}
        corpus = {g: dict(zip(c["subjects"], c["digests"], strict=True)) for g, c in data.get("corpus", {}).items()}
        return cls(data["layout"], data["digests"], data.get("quads"), files, corpus)

    def save(self, path: Path) -> None:
        data = {"layout": self.layout, "digests": self.digests, "quads": self.quads,
                "corpus": {g: {"subjects": list(c), "digests": list(c.values())} for g, c in self.corpus.items()},
                "files": {fmt: {"sha256": f.sha256, "spans": f.spans, "pieces": f.pieces}
                          for fmt, f in sorted(self.files.items())}}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        tmp.replace(path)


@dataclass(frozen=True, slots=True)
class RdfUpdate:
    store: StoreUpdate
    quads: int  # in the store afterwards
    paper_graphs_written: int
    paper_graphs_unchanged: int


@dataclass(frozen=True, slots=True)
class _PreviousFile:
    """An export file as the last run wrote it, trusted because it still has the hash the index recorded."""

    data: bytes
    index: FileIndex


def _previous_file(path: Path, index: FileIndex | None) -> _PreviousFile | None:
    if index is None or not path.exists():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != index.sha256:
        return None  # edited, truncated or missing since the last run wrote it: not a source of chunks
    return _PreviousFile(data, index)


def _old_pieces(previous: _PreviousFile | None, fmt: str, graph: str, subjects: dict[str, str]
                ) -> dict[str, bytes]:
    """The pieces of a corpus graph's chunk in the previous file, by subject (`subjects`: the index's order)."""
    if previous is None or graph not in previous.index.pieces or graph not in previous.index.spans:
        return {}
    lengths = previous.index.pieces[graph]
    if len(lengths) != len(subjects):
        return {}
    opening, separator, _ = chunk_frame(fmt, graph)
    offset = previous.index.spans[graph][0] + len(opening)
    pieces = {}
    for subject, length in zip(subjects, lengths, strict=True):
        pieces[subject] = previous.data[offset:offset + length]
        offset += length + len(separator)
    return pieces


def _write_chunked(path: Path, fmt: str, graphs: list[str], fresh: dict[str, list[ox.Quad]],
                   corpus: dict[str, dict[str, list[ox.Quad]]], subjects: dict[str, dict[str, str]],
                   previous: _PreviousFile | None, old_subjects: dict[str, dict[str, str]],
                   store: GraphStore) -> FileIndex:
    """Write `path` with a chunk per graph: paper graphs made from `fresh` (sorted) quads, else copied from the
    previous file; corpus graphs (in `subjects`, with their subjects in order) piece by piece, made from `corpus`
    quads (graph -> subject -> sorted quads), else copied from the previous file."""
    header, separator, footer = document_frame(fmt)
    spans: dict[str, tuple[int, int]] = {}
    pieces: dict[str, list[int]] = {}
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
            if graph in subjects:
                made, old = corpus.get(graph, {}), _old_pieces(previous, fmt, graph, old_subjects.get(graph, {}))
                parts = [serialise_piece(made[s], fmt, ordered=True) if s in made else old[s] for s in subjects[graph]]
                pieces[graph] = [len(part) for part in parts]
                opening, piece_separator, closing = chunk_frame(fmt, graph)
                chunk = opening + piece_separator.join(parts) + closing if parts else b""
            elif graph in fresh:
                chunk = serialise_chunk(fresh[graph], fmt, ordered=True)
            elif previous is not None and graph in previous.index.spans:
                start, length = previous.index.spans[graph]
                chunk = previous.data[start:start + length]
            else:  # no trustworthy copy: the store has the graph as the last run wrote it
                chunk = serialise_chunk(store.graph_quads(graph), fmt)
            spans[graph] = (offset, len(chunk))
            put(chunk)
        put(footer)
    tmp.replace(path)  # a run killed while writing leaves the previous file (and its index) intact
    return FileIndex(digest.hexdigest(), spans, pieces)


def _by_graph(quads: Iterator[ox.Quad]) -> dict[str, list[ox.Quad]]:
    grouped: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        grouped[quad.graph_name.value].append(quad)
    # Sorted once here for every format that serialises them.
    return {g: sorted_quads(qs) for g, qs in grouped.items()}


def _gives_pieces(previous: _PreviousFile | None, corpus: dict[str, dict[str, str]]) -> bool:
    """Whether a previous file holds a piece for every corpus subject the index lists."""
    return previous is not None and all(len(previous.index.pieces.get(g, ())) == len(corpus.get(g, {}))
                                        and g in previous.index.spans for g in CORPUS_GRAPHS)


def update_rdf_outputs(graph: KnowledgeGraph, store_path: Path, exports: dict[str, Path],
                       index_path: Path) -> RdfUpdate:
    """Bring the store and the export files (format -> path) up to `graph`, rewriting only what changed."""
    index = RdfIndex.load(index_path)
    by_paper = paper_graph_digests(graph)
    iris = {paper_id: paper_graph_iri(paper_id) for paper_id in by_paper}
    digests = {iris[paper_id]: d for paper_id, d in by_paper.items()}
    subjects = corpus_subject_digests(graph)
    previous = {fmt: _previous_file(path, index.files.get(fmt)) for fmt, path in exports.items()}
    store = GraphStore(store_path)
    try:
        stored = store.graph_names()
        changed = {p for p, d in by_paper.items() if index.digests.get(iris[p]) != d or iris[p] not in stored}
        fresh = _by_graph(graph_quads(graph, papers=changed, corpus_graphs=False))
        # The store's corpus graphs are updated subject by subject when the index knows what they hold.
        by_subject = set(index.corpus) == set(CORPUS_GRAPHS) and stored >= set(CORPUS_GRAPHS)
        remade = {g: {s for s, d in subs.items() if index.corpus.get(g, {}).get(s) != d}
                  for g, subs in subjects.items()}
        removed = {g: set(index.corpus.get(g, {})) - set(subs) for g, subs in subjects.items()}
        # Every corpus subject is made when any file cannot give the unchanged ones back.
        make_all = not by_subject or not all(_gives_pieces(p, index.corpus) for p in previous.values())
        corpus_fresh = _by_graph(corpus_quads(graph, None if make_all else remade))
        corpus = {g: {s: list(qs) for s, qs in groupby(corpus_fresh.get(g, []), key=lambda q: q.subject.value)}
                  for g in CORPUS_GRAPHS}
        # What is about to be rewritten is first taken out of the index: a run killed midway rewrites it next time.
        rewritten = {iris[p] for p in changed}
        # Corpus subjects about to be written or removed stay listed (so that a later run removes what this one
        # may have added) with an empty digest (so that it rewrites them); without a subject list, the next run
        # compares the whole corpus graphs again.
        listed = {g: {**index.corpus[g], **dict.fromkeys(sorted(remade[g] | removed[g]), "")}
                  for g in CORPUS_GRAPHS} if by_subject else {}
        RdfIndex(GRAPH_LAYOUT, {g: d for g, d in index.digests.items() if g not in rewritten}, None, index.files,
                 listed).save(index_path)
        # Graphs of papers no longer in the corpus (and of an older layout) leave the store.
        gone = stored - set(digests) - set(CORPUS_GRAPHS)
        if by_subject:
            update = store.replace_graphs(fresh, remove=gone)
            for g in CORPUS_GRAPHS:
                update += store.replace_subjects(g, {s: corpus[g].get(s, []) for s in remade[g]}, removed[g])
        else:
            update = store.replace_graphs({**fresh, **corpus_fresh}, remove=gone)
        # Counting a store of a million quads takes a second: the count is carried from run to run.
        quads = len(store) if index.quads is None else index.quads - update.quads_removed + update.quads_added
        graphs = sorted([*digests, *CORPUS_GRAPHS])
        files = {fmt: _write_chunked(path, fmt, graphs, fresh, corpus, subjects, previous[fmt], index.corpus, store)
                 for fmt, path in exports.items()}
    finally:
        store.close()
    RdfIndex(GRAPH_LAYOUT, digests, quads, files, subjects).save(index_path)
    return RdfUpdate(update, quads, len(changed), len(digests) - len(changed))


__all__ = ["INDEX_FILE", "RdfIndex", "RdfUpdate", "update_rdf_outputs"]
