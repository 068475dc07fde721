"""Readers for JSONL and CSV dumps with title/abstract fields (names configurable)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kgbuild.model import Paper, Quarantined, SourceRef
from kgbuild.sources.records import input_lines, make_paper, parse_arxiv_id, parse_iso_date


@dataclass(frozen=True, slots=True)
class FieldNames:
    """Which columns/keys hold what; the first present name wins."""

    id: tuple[str, ...] = ("id", "paper_id")
    title: tuple[str, ...] = ("title",)
    abstract: tuple[str, ...] = ("abstract", "summary")
    authors: tuple[str, ...] = ("authors",)
    date: tuple[str, ...] = ("date", "published", "publication_date")
    url: tuple[str, ...] = ("url", "link")
    arxiv_id: tuple[str, ...] = ("arxiv_id", "arxiv")
    upvotes: tuple[str, ...] = ("upvotes",)

    @classmethod
    def with_overrides(cls, title: str | None = None, abstract: str | None = None,
                       id: str | None = None) -> FieldNames:
        base = cls()
        return cls(
            id=(id,) if id else base.id,
            title=(title,) if title else base.title,
            abstract=(abstract,) if abstract else base.abstract,
        )


def _first(record: Mapping[str, object], names: tuple[str, ...]) -> object | None:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return value
    return None


def _authors(value: object | None) -> tuple[str, ...]:
    if isinstance(value, list):
        names = [a.get("name", "") if isinstance(a, dict) else str(a) for a in value]
    elif isinstance(value, str):
        names = value.split(";") if ";" in value else value.split(",")
    else:
        return ()
    return tuple(n.strip() for n in names if n and n.strip())


def _int(value: object | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def record_to_paper(record: Mapping[str, object], source: SourceRef, names: FieldNames) -> Paper | Quarantined:
    abstract = _first(record, names.abstract)
    if not isinstance(abstract, str) or not abstract.strip():
        return Quarantined(source.path, source.line, f"record has no abstract (looked for {', '.join(names.abstract)})")
    title = _first(record, names.title)
    url = _first(record, names.url)
    given_id = _first(record, names.id)
    arxiv = parse_arxiv_id(str(_first(record, names.arxiv_id) or "")) or parse_arxiv_id(str(url or ""))
    authors = _authors(_first(record, names.authors))
    return make_paper(
        source=source,
        title=str(title) if title is not None else "",
        abstract=abstract,
        given_id=str(given_id) if given_id is not None else None,
        arxiv_id=arxiv,
        authors=authors,
        author_count=len(authors) or None,
        date=parse_iso_date(str(_first(record, names.date) or "")),
        upvotes=_int(_first(record, names.upvotes)),
        url=str(url) if url else None,
    )


def read_jsonl(path: Path, text: str, names: FieldNames) -> Iterator[Paper | Quarantined]:
    for number, line in enumerate(input_lines(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Quarantined(str(path), number, f"broken JSON line: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield Quarantined(str(path), number, f"JSON line is a {type(record).__name__}, not an object")
            continue
        yield record_to_paper(record, SourceRef(str(path), number, "jsonl"), names)


def read_csv(path: Path, text: str, names: FieldNames) -> Iterator[Paper | Quarantined]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    if not any(name in (reader.fieldnames or ()) for name in names.abstract):
        yield Quarantined(str(path), 1, f"CSV header has no abstract column (looked for {', '.join(names.abstract)})")
        return
    for record in reader:
        # line_num is the physical line the record ended on; quoted abstracts may span lines.
        source = SourceRef(str(path), reader.line_num, "csv")
        if None in record:
            yield Quarantined(source.path, source.line, "CSV row has more cells than the header")
            continue
        yield record_to_paper(record, source, names)
