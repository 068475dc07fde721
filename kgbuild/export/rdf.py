"""RDF serialisations of kgbuild quads: Turtle, N-Triples, TriG, N-Quads and JSON-LD with our published context.

Turtle and N-Triples hold one graph, so the named graphs are merged; TriG and N-Quads keep them, and with them
which paper every statement was read from. pyoxigraph writes all of them (several times faster than rdflib);
JSON-LD is pyoxigraph's expanded form, compacted against `jsonld_context()` (published as
ontology/context.jsonld) and with that context embedded, so the file expands offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kgbuild.graph.rdf import PREFIXES

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context of kgbuild documents: one prefix per vocabulary, IRIs compacted as CURIEs."""
    return {"@context": {"@version": 1.1, **dict(sorted(PREFIXES.items()))}}


# Longest namespace first, so that kgr:graph/... is never written as a longer kgr-relative IRI of another.
_BY_LENGTH = tuple(sorted(PREFIXES.items(), key=lambda pair: -len(pair[1])))


@lru_cache(maxsize=1 << 16)  # a document repeats a few hundred predicates and classes, and every entity IRI
def _compact_iri(iri: str) -> str:
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            rest = iri[len(ns):]
            # "prefix://..." would read as an absolute IRI, and an empty suffix as the bare prefix term.
            if rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
    return iri


def _compact(value: Any) -> Any:
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in ("@id", "@type") and isinstance(item, str):
            out[key] = _compact_iri(item)
        elif key.startswith("@"):
            out[key] = _compact(item)
        else:
            out[_compact_iri(key)] = _compact(item)
    return out


def write_jsonld(quads: Iterable[ox.Quad], path: Path) -> None:
    expanded = json.loads(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
    document = {**jsonld_context(), "@graph": _compact(expanded)}
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def document_frame(fmt: str) -> tuple[bytes, bytes, bytes]:
    """(header, separator between chunks, footer) of a chunked document in `fmt` (ttl, trig or jsonld): a header,
    one chunk per named graph, a footer, so that an output folder's export files are updated by rewriting the
    chunks of changed graphs and copying the others."""
    if fmt == "jsonld":
        context = json.dumps(jsonld_context()["@context"], ensure_ascii=False, separators=(",", ":"))
        return f'{{"@context":{context},"@graph":['.encode(), b",", b"]}\n"
    header = "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in sorted(PREFIXES.items()))
    return header.encode(), b"", b""


def sorted_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The order chunks are written in (subject, predicate, object): what `ordered=True` promises below."""
    return sorted(quads, key=lambda q: (q.subject.value, q.predicate.value, str(q.object)))


def serialise_chunk(quads: list[ox.Quad], fmt: str, ordered: bool = False) -> bytes:
    """The quads of one named graph as a chunk of a `fmt` document (see `document_frame`).

    Quads are sorted first (unless `ordered` says they already are), so that a chunk depends only on the set of
    quads, not on where they were read from.
    """
    ordered_quads = quads if ordered else sorted_quads(quads)
    if fmt == "jsonld":
        expanded = json.loads(ox.serialize(ordered_quads, format=ox.RdfFormat.JSON_LD))
        return ",".join(json.dumps(_compact(item), ensure_ascii=False, separators=(",", ":"))
                        for item in expanded).encode()
    rdf_format = RDF_FORMATS[fmt]
    items: list[ox.Quad] | list[ox.Triple] = ordered_quads
    if not rdf_format.supports_datasets:
        items = [ox.Triple(q.subject, q.predicate, q.object) for q in ordered_quads]
    text = ox.serialize(items, format=rdf_format, prefixes=PREFIXES)
    # pyoxigraph writes every prefix before each chunk; the document's header declares them once.
    body = text.split(b"\n")
    while body and body[0].startswith(b"@prefix "):
        body.pop(0)
    return b"\n".join(body)


@lru_cache(maxsize=64)
def chunk_frame(fmt: str, graph: str) -> tuple[bytes, bytes, bytes]:
    """(opening, separator, closing) of a named graph's chunk made of one piece per subject (`serialise_piece`):
    opening + separator.join(pieces in subject order) + closing == `serialise_chunk` of all the graph's quads."""
    if fmt == "jsonld":
        return b'{"@id":' + json.dumps(_compact_iri(graph), ensure_ascii=False).encode() + b',"@graph":[', b",", b"]}"
    if fmt == "trig":
        probe = serialise_chunk([ox.Quad(ox.NamedNode(graph), ox.NamedNode(graph), ox.NamedNode(graph),
                                         ox.NamedNode(graph))], fmt, ordered=True)
        return probe[:probe.index(b"\n") + 1], b"", b"}\n"
    return b"", b"", b""


def serialise_piece(quads: list[ox.Quad], fmt: str, ordered: bool = False) -> bytes:
    """The quads of one subject in one named graph, as a piece of that graph's chunk (see `chunk_frame`)."""
    if fmt == "jsonld":
        ordered_quads = quads if ordered else sorted_quads(quads)
        (graph,) = json.loads(ox.serialize(ordered_quads, format=ox.RdfFormat.JSON_LD))
        (item,) = graph["@graph"]
        return json.dumps(_compact(item), ensure_ascii=False, separators=(",", ":")).encode()
    chunk = serialise_chunk(quads, fmt, ordered)
    if fmt == "trig":
        opening, _, closing = chunk_frame(fmt, quads[0].graph_name.value)
        if not (chunk.startswith(opening) and chunk.endswith(closing)):  # pyoxigraph changed how it writes TriG
            raise ValueError(f"TriG chunk not framed as {opening!r} … {closing!r}: {chunk[:120]!r}")
        return chunk[len(opening):-len(closing)]
    return chunk


def write_rdf(quads: Iterable[ox.Quad], path: Path, fmt: str) -> None:
    """Write quads as `fmt` (a key of RDF_FORMATS); single-graph formats get the merged graph."""
    if fmt == "jsonld":
        write_jsonld(quads, path)
        return
    rdf_format = RDF_FORMATS[fmt]
    items: Iterable[ox.Quad] | Iterable[ox.Triple] = quads
    if not rdf_format.supports_datasets:
        items = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    with path.open("wb") as handle:
        ox.serialize(items, handle, format=rdf_format, prefixes=PREFIXES)


__all__ = ["RDF_FORMATS", "chunk_frame", "document_frame", "jsonld_context", "serialise_chunk", "serialise_piece",
           "sorted_quads", "write_jsonld", "write_rdf"]
