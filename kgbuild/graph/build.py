"""Links papers, resolved extractions and canonical entities into one `KnowledgeGraph`."""

from __future__ import annotations

from collections.abc import Iterable

from kgbuild.graph.model import Edge, EdgeKind, KnowledgeGraph, Node, NodeKind, Provenance, Scalar
from kgbuild.graph.property import joined
from kgbuild.model import CanonicalEntity, EntityMention, EntityType, Field, Paper, PaperExtraction
from kgbuild.resolve import entity_keys

PAPER_TO_ENTITY = {
    EntityType.METHOD: EdgeKind.USES,
    EntityType.DATASET: EdgeKind.EVALUATES_ON,
    EntityType.TASK: EdgeKind.ADDRESSES,
    EntityType.METRIC: EdgeKind.MEASURES,
}


def paper_node_id(paper_id: str) -> str:
    return f"paper/{paper_id}"


def span_node_id(kind: str, paper_id: str, field: str, start: int, end: int) -> str:
    return f"{kind}/{paper_id}/{field}/{start}-{end}"


def _paper_properties(paper: Paper) -> dict[str, Scalar]:
    props: dict[str, Scalar] = {"paper_id": paper.id, "title": paper.title, "abstract": paper.abstract,
                                "source": f"{paper.source.path}:{paper.source.line}"}
    optional: dict[str, Scalar | None] = {
        "authors": joined("authors", paper.authors) or None,
        "author_count": paper.author_count,
        "date": paper.date.isoformat() if paper.date else None,
        "date_precision": paper.date.precision if paper.date else None,
        "upvotes": paper.upvotes,
        "arxiv_id": paper.arxiv_id,
        "url": paper.url,
    }
    props.update({k: v for k, v in optional.items() if v is not None})
    return props


def build_graph(
    papers: Iterable[Paper], extractions: Iterable[PaperExtraction], entities: dict[str, CanonicalEntity],
    include_generic: bool = False,
) -> KnowledgeGraph:
    """The graph of resolved extractions. Generic entities (no mention of them is a graph node: "our model",
    GPUs, "large language models") and every edge to them are left out unless `include_generic`."""
    graph = KnowledgeGraph()
    by_id = {p.id: p for p in papers}
    extractions = list(extractions)
    entities = {k: e for k, e in entities.items() if include_generic or not e.generic}
    keys = entity_keys(entities)

    def entity_key(kind: EntityType, name: str) -> str | None:
        return keys.get((kind, name))

    support: dict[str, set[str]] = {}
    for x in extractions:
        for m in x.entities:
            key = entity_key(m.type, m.canonical)
            if key is not None:
                support.setdefault(key, set()).add(x.paper_id)
    for key, entity in entities.items():
        properties: dict[str, Scalar] = {"name": entity.name, "aliases": joined("aliases", entity.aliases),
                                         "papers": len(support.get(key, ()))}
        if entity.same_as:
            properties["same_as"] = joined("same_as", entity.same_as)
        if entity.replaces:
            properties["replaces"] = joined("replaces", entity.replaces)
        graph.add_node(Node(key, NodeKind(entity.type.value), entity.name, properties))
    for x in extractions:
        paper = by_id[x.paper_id]
        pid = paper_node_id(paper.id)
        graph.add_node(Node(pid, NodeKind.PAPER, paper.title or paper.abstract[:80], _paper_properties(paper)))

        def provenance(field: Field, start: int, end: int, confidence: float, x: PaperExtraction = x) -> Provenance:
            return Provenance(x.paper_id, field.value, start, end, x.extractor.name, x.extractor.version,
                              round(confidence, 4))

        # The paper's own methods and datasets (its title's name, "we propose X", "we release a benchmark, X"):
        # every mention of one is PROPOSES, so a paper never both proposes and uses (or evaluates on) an entity.
        proposed = {entity_key(m.type, m.canonical) for m in x.entities
                    if m.proposed and m.type in (EntityType.METHOD, EntityType.DATASET)}
        for m in x.entities:
            target = entity_key(m.type, m.canonical)
            kind = EdgeKind.PROPOSES if target is not None and target in proposed else PAPER_TO_ENTITY[m.type]
            if target is not None:
                graph.add_edge(Edge(pid, target, kind, provenance(m.field, m.start, m.end, m.confidence)))
        for c in x.claims:
            cid = span_node_id("claim", x.paper_id, c.field, c.start, c.end)
            graph.add_node(Node(cid, NodeKind.CLAIM, c.text, {
                "text": c.text, "claim_type": c.type.value, "confidence": c.confidence, "paper_id": x.paper_id,
                "field": c.field.value, "start": c.start, "end": c.end,
            }))
            graph.add_edge(Edge(pid, cid, EdgeKind.CLAIMS, provenance(c.field, c.start, c.end, c.confidence)))
            for i in c.entities:
                m = x.entities[i]
                target = entity_key(m.type, m.canonical)
                if target is not None:
                    graph.add_edge(Edge(cid, target, EdgeKind.ABOUT,
                                        provenance(m.field, m.start, m.end, min(c.confidence, m.confidence))))
        for r in x.results:
            rid = span_node_id("result", x.paper_id, r.field, r.start, r.end)
            graph.add_node(Node(rid, NodeKind.RESULT, r.value, {
                "value": r.value, "confidence": r.confidence, "paper_id": x.paper_id, "field": r.field.value,
                "start": r.start, "end": r.end, "result_kind": r.kind,
                **{k: v for k, v in (("method", r.method), ("dataset", r.dataset), ("metric", r.metric),
                                     ("compared_to", r.compared_to), ("number", r.number), ("unit", r.unit))
                   if v is not None},
            }))
            graph.add_edge(Edge(pid, rid, EdgeKind.REPORTS, provenance(r.field, r.start, r.end, r.confidence)))
            for kind, text, edge_kind in ((EntityType.METHOD, r.method, EdgeKind.OF_METHOD),
                                          (EntityType.DATASET, r.dataset, EdgeKind.ON_DATASET),
                                          (EntityType.METRIC, r.metric, EdgeKind.FOR_METRIC),
                                          (EntityType.METHOD, r.compared_to, EdgeKind.COMPARED_TO)):
                mention = _mention_named(x.entities, kind, text)
                if mention is not None and entity_key(kind, mention.canonical) is not None:
                    graph.add_edge(Edge(rid, entity_key(kind, mention.canonical), edge_kind,
                                        provenance(r.field, r.start, r.end, min(r.confidence, mention.confidence))))
    return graph


def _mention_named(mentions: tuple[EntityMention, ...], kind: EntityType, text: str | None) -> EntityMention | None:
    """The mention a result names: by its text, or by the name a longer mention ends with ("top-1 accuracy" of
    "ImageNet top-1 accuracy")."""
    if not text:
        return None
    return next((m for m in mentions if m.type is kind and m.text == text), None) or next(
        (m for m in mentions if m.type is kind and m.text.endswith(" " + text)), None)
