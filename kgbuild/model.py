"""Records passed between the pipeline stages.

Every stage reads and writes these types and nothing else: sources yield
`Paper`, extraction yields `PaperExtraction`, resolution yields
`CanonicalEntity`, and a `Quarantined` record is how any stage reports input
it had to skip. They are frozen so that a stage cannot change what an
earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EntityType(StrEnum):
    METHOD = "Method"
    DATASET = "Dataset"
    METRIC = "Metric"
    TASK = "Task"


class ClaimType(StrEnum):
    CONTRIBUTION = "contribution"
    FINDING = "finding"


class Field(StrEnum):
    TITLE = "title"
    ABSTRACT = "abstract"


@dataclass(frozen=True, slots=True)
class PaperDate:
    """A publication date with only the parts the source states.

    Listing pages show "Mar 16" for papers of the current year; the year is
    then unknown, and we keep it unknown rather than guess it.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        """Which parts are known: year-month-day, year-month, year, month-day or month."""
        parts = [name for name in ("year", "month", "day") if getattr(self, name) is not None]
        return "-".join(parts)

    def isoformat(self) -> str:
        """ISO 8601 / XSD lexical form: 2023-08-28, 2023-08, 2023, --03-16 or --03."""
        if self.year is not None:
            parts = [f"{self.year:04d}"]
            if self.month is not None:
                parts.append(f"{self.month:02d}")
                if self.day is not None:
                    parts.append(f"{self.day:02d}")
            return "-".join(parts)
        if self.day is not None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"--{self.month:02d}"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record came from: file, 1-based line (or record number) and format."""

    path: str
    line: int
    format: str


@dataclass(frozen=True, slots=True)
class Paper:
    id: str
    title: str
    abstract: str
    source: SourceRef
    authors: tuple[str, ...] = ()
    # Listing pages give only "N authors"; names, when known, imply the count.
    author_count: int | None = None
    date: PaperDate | None = None
    upvotes: int | None = None
    arxiv_id: str | None = None
    url: str | None = None
    # Other places the same paper was seen (deduplicated into this record).
    also_seen_in: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ExtractorInfo:
    name: str
    version: str
    # Digest of everything that decides the output (kgbuild.extract.identity): the pipeline's files or config
    # and the extraction code. A retrained model or a changed threshold re-extracts even under the same version.
    digest: str = ""


@dataclass(frozen=True, slots=True)
class EntityMention:
    type: EntityType
    text: str
    field: Field
    start: int
    end: int
    canonical: str
    confidence: float
    # Not a node of the graph: a generic phrase ("our model", "large datasets"), hardware, a person, a venue…
    generic: bool = False
    # Names what the paper itself introduces (its title's name, "we propose X"): the graph's PROPOSES.
    proposed: bool = False


@dataclass(frozen=True, slots=True)
class ClaimMention:
    type: ClaimType
    text: str
    field: Field
    start: int
    end: int
    confidence: float
    # Indexes into the extraction's `entities` of the mentions inside the claim.
    entities: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ResultMention:
    """A numeric result as a leaderboard row: `value` as written, read as `number` and `unit`; an `absolute`
    score of `method` in `metric` on `dataset`, or a `relative` difference to `compared_to`. The names are the
    mentions' texts as written in the paper."""

    value: str
    field: Field
    start: int
    end: int
    confidence: float
    method: str | None = None
    dataset: str | None = None
    metric: str | None = None
    kind: str = "absolute"  # absolute | relative
    number: float | None = None
    unit: str | None = None  # % | points | x | s | ms | dB | None
    compared_to: str | None = None


@dataclass(frozen=True, slots=True)
class PaperExtraction:
    paper_id: str
    title: str
    abstract: str
    extractor: ExtractorInfo
    entities: tuple[EntityMention, ...] = ()
    claims: tuple[ClaimMention, ...] = ()
    results: tuple[ResultMention, ...] = ()


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    """One real-world method/dataset/metric/task, shared by all papers naming it."""

    key: str  # stable, type-scoped identifier, e.g. "method/low-rank-adaptation"
    type: EntityType
    name: str  # preferred label
    aliases: tuple[str, ...] = ()
    # IRIs of the same entity elsewhere (e.g. Wikidata), from the curated alias file.
    same_as: tuple[str, ...] = ()
    # Keys this entity was once known by, before a later merge: kept so that no published IRI disappears.
    replaces: tuple[str, ...] = ()
    # No mention of it is a graph node (kgbuild.extract.nodes): the graph leaves it out unless asked.
    generic: bool = False


@dataclass(frozen=True, slots=True)
class Quarantined:
    """Input that a stage skipped, and why: nothing is dropped silently."""

    path: str
    line: int | None
    reason: str
    stage: str = "ingest"

    def message(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class IngestResult:
    papers: list[Paper] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    # Per input file: how many paper records it yielded (before cross-file dedup).
    per_file: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
