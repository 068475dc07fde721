"""What an output folder remembers between runs: every paper, its raw extraction, and the entity registry.

Resolution needs the whole corpus (an acronym defined in last week's paper resolves this week's bare "LoRA"),
so each run reads the state, lets this run's papers replace earlier records of the same id, and writes it back.
Extractions are kept as the extractor produced them, before resolution, in the `kgbuild extract` contract.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kgbuild import __version__
from kgbuild.extract.contract import from_contract, to_contract
from kgbuild.graph import KnowledgeGraph, build_graph
from kgbuild.graph.rdf import GRAPH_LAYOUT
from kgbuild.model import ExtractorInfo, Paper, PaperDate, PaperExtraction, SourceRef
from kgbuild.resolve import CuratedEntity, EntityRegistry, load_aliases, resolve

STATE_DIR = "state"
STATE_FILES = {"papers": "papers.jsonl", "extractions": "extractions.jsonl", "registry": "entities.json"}
# Extraction batches of a run not yet finished: written as each batch completes, so that a rerun after a crash
# does not extract them again; folded into extractions.jsonl when the run saves its state.
BATCHES_DIR = "batches"


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    return asdict(paper)


def paper_from_dict(data: dict[str, Any]) -> Paper:
    return Paper(
        id=data["id"], title=data["title"], abstract=data["abstract"], source=SourceRef(**data["source"]),
        authors=tuple(data["authors"]), author_count=data["author_count"],
        date=PaperDate(**data["date"]) if data["date"] else None, upvotes=data["upvotes"],
        arxiv_id=data["arxiv_id"], url=data["url"],
        also_seen_in=tuple(SourceRef(**s) for s in data["also_seen_in"]),
    )


@dataclass(frozen=True, slots=True)
class ExtractionPlan:
    """The papers a run extracts, and how many of its papers are new, re-extracted or unchanged."""

    papers: list[Paper]
    new: int
    reextracted: int  # changed text, or a different extractor than the one that made the stored extraction
    unchanged: int


@dataclass(slots=True)
class CorpusState:
    papers: dict[str, Paper] = field(default_factory=dict)
    extractions: dict[str, PaperExtraction] = field(default_factory=dict)
    registry: EntityRegistry = field(default_factory=EntityRegistry)

    def to_extract(self, papers: list[Paper], extractor: ExtractorInfo) -> list[Paper]:
        """The papers that need extraction: new ones, changed ones (title or abstract), and every paper when the
        extractor (name, version or config) differs from the one that made the stored extraction."""
        def unchanged(paper: Paper) -> bool:
            done = self.extractions.get(paper.id)
            return (done is not None and done.extractor == extractor and done.title == paper.title
                    and done.abstract == paper.abstract)

        return [p for p in papers if not unchanged(p)]

    def plan_extraction(self, papers: list[Paper], extractor: ExtractorInfo) -> ExtractionPlan:
        """What this run extracts (see `to_extract`), counted as new papers and re-extracted ones."""
        todo = self.to_extract(papers, extractor)
        new = sum(1 for p in todo if p.id not in self.extractions)
        return ExtractionPlan(todo, new=new, reextracted=len(todo) - new, unchanged=len(papers) - len(todo))

    def update(self, papers: list[Paper], extractions: list[PaperExtraction]) -> None:
        """This run's papers and extractions replace earlier ones with the same id."""
        self.papers.update((p.id, p) for p in papers)
        self.extractions.update((x.paper_id, x) for x in extractions)

    def corpus(self) -> tuple[list[Paper], list[PaperExtraction]]:
        """All papers with their extractions: earlier runs' papers first, then this run's new ones in input order."""
        # In the order papers first came in (not extraction order: a resumed run finishes batches out of order).
        ids = [i for i in self.papers if i in self.extractions]
        return [self.papers[i] for i in ids], [self.extractions[i] for i in ids]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_state(out_dir: Path) -> CorpusState:
    """The state saved in `out_dir`, or an empty one for a new folder."""
    folder = Path(out_dir) / STATE_DIR
    paths = {name: folder / filename for name, filename in STATE_FILES.items()}
    if not folder.is_dir():
        return CorpusState()
    papers = {p.id: p for p in map(paper_from_dict, _jsonl(paths["papers"]))} if paths["papers"].exists() else {}
    extractions = {x.paper_id: x for x in map(from_contract, _jsonl(paths["extractions"]))} \
        if paths["extractions"].exists() else {}
    for batch in sorted((folder / BATCHES_DIR).glob("*.jsonl")):
        extractions.update((x.paper_id, x) for x in map(from_contract, _jsonl(batch)))
    return CorpusState(papers, extractions, EntityRegistry.load(paths["registry"]))


def save_state(state: CorpusState, out_dir: Path) -> None:
    folder = Path(out_dir) / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    papers, extractions = state.corpus()
    for name, rows in (("papers", map(paper_to_dict, papers)), ("extractions", map(to_contract, extractions))):
        tmp = folder / (STATE_FILES[name] + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        tmp.replace(folder / STATE_FILES[name])  # a crash mid-write leaves the previous state intact
    state.registry.save(folder / STATE_FILES["registry"])
    for batch in (folder / BATCHES_DIR).glob("*.jsonl"):
        batch.unlink()  # now in extractions.jsonl


def save_batch(extractions: list[PaperExtraction], out_dir: Path) -> Path:
    """Keep one completed extraction batch in the folder until the run saves its state (crash-safe: written
    to a temporary file and renamed)."""
    folder = Path(out_dir) / STATE_DIR / BATCHES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256("\n".join(x.paper_id for x in extractions).encode()).hexdigest()[:20]
    path = folder / f"{key}.jsonl"
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        for x in extractions:
            handle.write(json.dumps(to_contract(x), ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def corpus_fingerprint(state: CorpusState, aliases_file: Path | None, include_generic: bool = False) -> str:
    """A digest of everything the folder's graph is made from: the corpus papers with the identity of their
    extractions, the curated alias file, whether generic entities are nodes and the kgbuild version. Equal
    fingerprints, equal graphs."""
    digest = hashlib.sha256(f"{__version__}|{GRAPH_LAYOUT}|{include_generic}\n".encode())
    digest.update(Path(aliases_file).read_bytes() if aliases_file else b"")
    for paper, extraction in zip(*state.corpus(), strict=True):
        digest.update(json.dumps(paper_to_dict(paper), ensure_ascii=False, sort_keys=True).encode())
        digest.update(repr(asdict(extraction.extractor)).encode())
    return digest.hexdigest()


RECIPE_FILE = "build.json"
RECIPE_ALIASES = "aliases"  # + the alias file's own suffix (.yaml, .csv): how it is parsed


@dataclass(frozen=True, slots=True)
class BuildRecipe:
    """What a build resolved and linked the folder's graph with, besides the corpus: the curated alias file (a
    copy kept in the folder) and whether generic entities are nodes. Exports, reports and loads read it, so that
    they give the graph the build wrote whatever the settings of the process reading the folder."""

    aliases: Path | None = None  # the folder's copy of the alias file
    aliases_source: str | None = None  # where the build read it
    include_generic: bool = False

    def curated(self) -> list[CuratedEntity]:
        return load_aliases(self.aliases) if self.aliases is not None else []


def save_recipe(out_dir: Path, aliases_file: Path | str | None, include_generic: bool) -> BuildRecipe:
    """Record the build's alias file (copied into the folder) and generic-entity setting."""
    folder = Path(out_dir) / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(RECIPE_ALIASES + ".*"):
        old.unlink()
    copy = None
    if aliases_file:
        copy = folder / (RECIPE_ALIASES + Path(aliases_file).suffix.lower())
        copy.write_bytes(Path(aliases_file).read_bytes())
    record = {"aliases": copy.name if copy else None, "aliases_source": str(aliases_file) if aliases_file else None,
              "include_generic": include_generic}
    tmp = folder / (RECIPE_FILE + ".tmp")
    tmp.write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(folder / RECIPE_FILE)
    return BuildRecipe(copy, record["aliases_source"], include_generic)


def load_recipe(out_dir: Path) -> BuildRecipe:
    """The recipe the folder's last build recorded (none: a folder built before recipes were kept, read as built
    without an alias file)."""
    path = Path(out_dir) / STATE_DIR / RECIPE_FILE
    if not path.exists():
        return BuildRecipe()
    record = json.loads(path.read_text(encoding="utf-8"))
    aliases = Path(out_dir) / STATE_DIR / record["aliases"] if record["aliases"] else None
    return BuildRecipe(aliases, record["aliases_source"], bool(record["include_generic"]))


def folder_graph(out_dir: Path) -> KnowledgeGraph:
    """The graph of an output folder's corpus, as its last build made it: the registry fixes every key, and the
    build's recipe (its alias file and generic-entity setting) is applied, not the reader's settings."""
    state = load_state(out_dir)
    if not state.papers:
        raise FileNotFoundError(f"{out_dir}: no kgbuild output folder here (expected {Path(out_dir) / STATE_DIR}/)")
    recipe = load_recipe(out_dir)
    papers, extractions = state.corpus()
    resolution = resolve(extractions, recipe.curated(), state.registry)
    return build_graph(papers, resolution.extractions, resolution.entities, recipe.include_generic)


__all__ = [
    "BATCHES_DIR", "RECIPE_FILE", "STATE_DIR", "BuildRecipe", "CorpusState", "ExtractionPlan", "corpus_fingerprint",
    "folder_graph", "load_recipe", "load_state", "paper_from_dict", "paper_to_dict", "save_batch", "save_recipe",
    "save_state",
]
