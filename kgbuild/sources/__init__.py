"""Ingestion: turn input files of any supported format into deduplicated `Paper` records.

`ingest` is the stage's entry point. It expands folders and globs, decodes each file,
detects (or takes) its format, runs the matching reader and merges papers seen
more than once. Whatever cannot be read becomes a `Quarantined` entry naming
the file, the line and the reason; the other records still flow.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from kgbuild.model import IngestResult, Paper, Quarantined
from kgbuild.sources.feeds import read_arxiv_atom, read_openalex
from kgbuild.sources.listing import CHROME_LINES, MAX_TITLE_CHARS, read_daily_papers, read_lines
from kgbuild.sources.records import abstract_fingerprint
from kgbuild.sources.tabular import FieldNames, read_csv, read_jsonl

DEFAULT_FIELD_NAMES = FieldNames()

Reader = Callable[[Path, str, FieldNames], Iterator[Paper | Quarantined]]

READERS: dict[str, Reader] = {
    "lines": lambda path, text, _names: read_lines(path, text),
    "hf-daily": lambda path, text, _names: read_daily_papers(path, text),
    "jsonl": read_jsonl,
    "csv": read_csv,
    "arxiv-atom": lambda path, text, _names: read_arxiv_atom(path, text),
    "openalex": lambda path, text, _names: read_openalex(path, text),
}
FORMATS = tuple(READERS)
# Files a folder is expanded to; anything else in a folder is ignored, not quarantined.
INPUT_SUFFIXES = frozenset({".txt", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".xml", ".atom"})
GLOB_CHARS = "*?["


class UnknownFormat(ValueError):
    pass


def _looks_like_openalex(value: object) -> bool:
    works = value.get("results") if isinstance(value, dict) and "results" in value else value
    works = works if isinstance(works, list) else [works]
    return bool(works) and all(
        isinstance(w, dict) and ("abstract_inverted_index" in w or str(w.get("id", "")).startswith("https://openalex.org/"))
        for w in works
    )


def detect_format(text: str, names: FieldNames = DEFAULT_FIELD_NAMES) -> str:
    """Name the reader for a file's content, or raise `UnknownFormat` saying why."""
    head = text.lstrip()[:2048]
    if head.startswith("<"):
        if "http://www.w3.org/2005/Atom" in head and "arxiv" in head.lower():
            return "arxiv-atom"
        raise UnknownFormat("XML that is not an arXiv API Atom feed")
    if head.startswith(("{", "[")):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if whole is not None and _looks_like_openalex(whole):
            return "openalex"
        if head.startswith("{"):
            return "jsonl"
        raise UnknownFormat("JSON that is neither JSONL records nor OpenAlex works")
    lines = [line.strip() for line in text.splitlines()]
    content = [line for line in lines if line]
    first = content[0] if content else ""
    if any(sep in first for sep in (",", ";", "\t")) and any(
        name in first.replace(";", ",").replace("\t", ",").split(",") for name in names.abstract
    ):
        return "csv"
    if any(line.casefold() in CHROME_LINES for line in content[:20]) or (
        # Title/abstract pairs without page furniture: short lines between paragraphs.
        any(len(line) <= MAX_TITLE_CHARS for line in content) and any(len(line) > MAX_TITLE_CHARS for line in content)
    ):
        return "hf-daily"
    if content and sum(len(line) >= 200 for line in content) >= 0.8 * len(content):
        return "lines"
    raise UnknownFormat("not a known listing format (expected one of: " + ", ".join(FORMATS) + ")")


def _is_glob(item: str | Path) -> bool:
    return any(char in str(item) for char in GLOB_CHARS)


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[Quarantined]]:
    """Files named directly, the input-looking files inside named folders, and what globs match, in sorted order.

    A glob (`inbox/*.jsonl`, `listings/**/*.txt`) is matched when this is called, so a scheduled build given one
    picks up the listings that arrived since the last run; each match is read as if it had been named (a folder
    is expanded). A glob matching nothing is an empty inbox, not bad input: it quarantines nothing.
    """
    files: list[Path] = []
    missing: list[Quarantined] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES))
        elif path.is_file():
            files.append(path)
        elif _is_glob(item):  # an existing file or folder with glob characters in its name wins, above
            matched, _ = expand_inputs(sorted(glob.glob(str(item), recursive=True)))
            files.extend(matched)
        else:
            missing.append(Quarantined(str(path), None, "no such file or folder"))
    return files, missing


def read_file(
    path: Path, fmt: str | None = None, names: FieldNames = DEFAULT_FIELD_NAMES
) -> Iterator[Paper | Quarantined]:
    """All records of one file; problems with the whole file come out as one `Quarantined`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Quarantined(str(path), None, f"cannot read file: {exc.strerror or exc}")
        return
    if not data.strip():
        yield Quarantined(str(path), None, "empty file")
        return
    if b"\x00" in data[:8192]:
        yield Quarantined(str(path), None, "binary file (contains NUL bytes), not a text listing")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        yield Quarantined(str(path), line, f"not UTF-8 text (invalid byte at offset {exc.start})")
        return
    if fmt is None:
        try:
            fmt = detect_format(text, names)
        except UnknownFormat as exc:
            yield Quarantined(str(path), None, f"unknown format: {exc}")
            return
    elif fmt not in READERS:
        yield Quarantined(str(path), None, f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        return
    yield from READERS[fmt](path, text, names)


def _merge(kept: Paper, other: Paper) -> Paper:
    """One record for a paper seen twice: the first wins, gaps are filled from the second."""
    filled = {
        name: getattr(other, name)
        for name in ("authors", "author_count", "date", "upvotes", "arxiv_id", "url")
        if not getattr(kept, name) and getattr(other, name)
    }
    if not kept.title and other.title:
        filled["title"] = other.title
    # An id from arXiv outlives a content hash: later listings of the paper will carry it too.
    if kept.id.startswith("hash:") and other.id.startswith("arxiv:"):
        filled["id"] = other.id
    return replace(kept, **filled, also_seen_in=(*kept.also_seen_in, other.source, *other.also_seen_in))


def read_records(
    inputs: Iterable[str | Path], fmt: str | None = None, names: FieldNames = DEFAULT_FIELD_NAMES
) -> IngestResult:
    """Every paper record of every input, in input order, none merged: what `kgbuild extract` answers one
    object each for. Deduplication belongs to `ingest`."""
    files, missing = expand_inputs(inputs)
    result = IngestResult(quarantined=list(missing))
    for path in files:
        result.per_file[str(path)] = 0
        for record in read_file(path, fmt, names):
            if isinstance(record, Quarantined):
                result.quarantined.append(record)
            else:
                result.per_file[str(path)] += 1
                result.papers.append(record)
    return result


def ingest(
    inputs: Iterable[str | Path], fmt: str | None = None, names: FieldNames = DEFAULT_FIELD_NAMES
) -> IngestResult:
    """Read every input and deduplicate: by paper id, then by the abstract's text."""
    records = read_records(inputs, fmt, names)
    result = IngestResult(quarantined=records.quarantined, per_file=records.per_file)
    by_id: dict[str, int] = {}
    by_abstract: dict[str, int] = {}
    for record in records.papers:
        fingerprint = abstract_fingerprint(record.abstract)
        index = by_id.get(record.id, by_abstract.get(fingerprint))
        if index is None:
            by_id[record.id] = by_abstract[fingerprint] = len(result.papers)
            result.papers.append(record)
        else:
            result.duplicates += 1
            merged = result.papers[index] = _merge(result.papers[index], record)
            by_id[merged.id] = index
    return result


def identify(papers: Sequence[Paper], known: Iterable[Paper]) -> list[Paper]:
    """This run's papers under the ids an output folder knows them by already (`known`: its papers from earlier
    runs). A paper first seen as `hash:…` and now with its arXiv id, or the other way round, or under another
    content hash (its title was missing, say), keeps the id it was first given; its arXiv id and URL fill the
    known record's gaps, so that later listings find it by arXiv id too. Two records with different arXiv ids
    are different papers whatever their text, and the same id always is the same paper."""
    known_ids: set[str] = set()
    by_arxiv: dict[str, Paper] = {}
    by_text: dict[str, Paper] = {}
    for paper in known:
        known_ids.add(paper.id)
        if paper.arxiv_id:
            by_arxiv.setdefault(paper.arxiv_id, paper)
        if paper.abstract:
            by_text.setdefault(abstract_fingerprint(paper.abstract), paper)
    out: list[Paper] = []
    for paper in papers:
        match = None
        if paper.id not in known_ids:
            match = by_arxiv.get(paper.arxiv_id) if paper.arxiv_id else None
            same_text = by_text.get(abstract_fingerprint(paper.abstract)) if paper.abstract else None
            if match is None and same_text is not None and not (
                    same_text.arxiv_id and paper.arxiv_id and same_text.arxiv_id != paper.arxiv_id):
                match = same_text
        out.append(paper if match is None else replace(
            paper, id=match.id, arxiv_id=paper.arxiv_id or match.arxiv_id, url=paper.url or match.url))
    return out


__all__ = ["FORMATS", "FieldNames", "UnknownFormat", "detect_format", "expand_inputs", "identify", "ingest",
           "read_file", "read_records"]
