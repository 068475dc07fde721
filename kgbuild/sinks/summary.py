"""The run summary: counts of what went in, what came out and what was skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from kgbuild.graph import KnowledgeGraph
from kgbuild.model import EntityType, IngestResult, PaperExtraction


@dataclass(slots=True)
class RunSummary:
    papers: int
    files: dict[str, int]
    duplicates: int
    quarantined: int
    entity_mentions: dict[str, int]
    entities: dict[str, int]
    claims: dict[str, int]
    results: int
    nodes: dict[str, int]
    edges: dict[str, int]
    triples: int
    # The output folder's corpus: this run's papers plus those of earlier runs into the same folder.
    corpus_papers: int = 0
    # This run's papers that went through extraction (new ones and re-extracted ones: changed text or a new
    # extractor); the others were unchanged since the folder's last run.
    papers_extracted: int = 0
    papers_new: int = 0
    papers_reextracted: int = 0
    # Paper graphs this run wrote to the store and export files, and those it kept as they were.
    paper_graphs_written: int = 0
    paper_graphs_unchanged: int = 0
    # The folder already held the graph of this corpus: nothing but this summary was written.
    up_to_date: bool = False
    # Named graphs of the store this run replaced (re-extracted papers, entities, statements, extractors).
    graphs_replaced: int = 0
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        return self.quarantined > 0

    def as_dict(self) -> dict:
        return asdict(self)


def summarise(ingested: IngestResult, extractions: list[PaperExtraction], graph: KnowledgeGraph,
              triples: int) -> RunSummary:
    mentions = Counter(m.type.value for x in extractions for m in x.entities)
    claims = Counter(c.type.value for x in extractions for c in x.claims)
    nodes = graph.count_nodes()
    return RunSummary(
        papers=len(ingested.papers),
        files=dict(ingested.per_file),
        duplicates=ingested.duplicates,
        quarantined=len(ingested.quarantined),
        entity_mentions={t.value: mentions[t.value] for t in EntityType},
        entities={t.value: nodes[t.value] for t in EntityType},
        claims={"contribution": claims["contribution"], "finding": claims["finding"]},
        results=sum(len(x.results) for x in extractions),
        nodes=nodes,
        edges=graph.count_edges(),
        triples=triples,
    )


def _rows(s: RunSummary, markdown: bool) -> list[tuple[str, object]]:
    if markdown:
        entities = [(f"{kind} entities", n) for kind, n in s.entities.items()]
    else:
        entities = [(f"{kind} entities (mentions)", f"{n} ({s.entity_mentions[kind]})")
                    for kind, n in s.entities.items()]
    return [
        ("papers", s.papers), ("papers extracted", s.papers_extracted),
        ("papers unchanged", s.papers - s.papers_extracted),
        ("papers new", s.papers_new), ("papers re-extracted", s.papers_reextracted),
        ("duplicates merged", s.duplicates), ("quarantined", s.quarantined),
        ("papers in the folder's corpus", s.corpus_papers),
        *entities,
        ("contribution claims", s.claims["contribution"]), ("finding claims", s.claims["finding"]),
        ("results", s.results), ("nodes", sum(s.nodes.values())), ("edges", sum(s.edges.values())),
        ("RDF triples", s.triples),
        ("paper graphs written", s.paper_graphs_written), ("paper graphs unchanged", s.paper_graphs_unchanged),
    ]


def render_text(s: RunSummary) -> str:
    rows = _rows(s, markdown=False)
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    if s.up_to_date:
        lines.append("(the folder already held this corpus's graph: no output was rewritten)")
    return "\n".join(lines) + "\n"


def render_markdown(s: RunSummary) -> str:
    lines = ["# kgbuild run", ""]
    if s.up_to_date:
        lines += ["The output folder already held the graph of this corpus: no output was rewritten.", ""]
    lines += ["| what | count |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in _rows(s, markdown=True)]
    return "\n".join(lines) + "\n"
