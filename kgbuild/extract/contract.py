"""The extraction contract: one JSON object per paper, as `kgbuild extract` writes it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from kgbuild.model import (
    ClaimMention,
    ClaimType,
    EntityMention,
    EntityType,
    ExtractorInfo,
    Field,
    PaperExtraction,
    ResultMention,
)


def to_contract(x: PaperExtraction) -> dict[str, Any]:
    return {
        "id": x.paper_id,
        "title": x.title,
        "abstract": x.abstract,
        "entities": [
            {"type": m.type.value, "text": m.text, "field": m.field.value, "start": m.start, "end": m.end,
             "canonical": m.canonical, "confidence": m.confidence, "generic": m.generic, "proposed": m.proposed}
            for m in x.entities
        ],
        "claims": [
            {"type": c.type.value, "text": c.text, "field": c.field.value, "start": c.start, "end": c.end,
             "confidence": c.confidence, "entities": list(c.entities)}
            for c in x.claims
        ],
        "results": [
            {"kind": r.kind, "method": r.method, "dataset": r.dataset, "metric": r.metric,
             "compared_to": r.compared_to, "value": r.value, "number": r.number, "unit": r.unit,
             "field": r.field.value, "start": r.start, "end": r.end, "confidence": r.confidence}
            for r in x.results
        ],
        "extractor": {"name": x.extractor.name, "version": x.extractor.version, "digest": x.extractor.digest},
    }


def write_jsonl(extractions: Iterable[PaperExtraction], out: IO[str] | Path) -> int:
    """Write one line per extraction; returns how many were written."""
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="\n") as handle:
            return write_jsonl(extractions, handle)
    count = 0
    for x in extractions:
        out.write(json.dumps(to_contract(x), ensure_ascii=False) + "\n")
        count += 1
    return count


def from_contract(record: dict[str, Any]) -> PaperExtraction:
    """The extraction a `to_contract` record describes (the inverse of `to_contract`)."""
    return PaperExtraction(
        paper_id=record["id"], title=record["title"], abstract=record["abstract"],
        extractor=ExtractorInfo(record["extractor"]["name"], record["extractor"]["version"],
                                # Records written before the digest have none: they are then re-extracted.
                                record["extractor"].get("digest", "")),
        entities=tuple(
            EntityMention(EntityType(m["type"]), m["text"], Field(m["field"]), m["start"], m["end"], m["canonical"],
                          m["confidence"], m.get("generic", False), m.get("proposed", False))
            for m in record["entities"]
        ),
        claims=tuple(
            ClaimMention(ClaimType(c["type"]), c["text"], Field(c["field"]), c["start"], c["end"], c["confidence"],
                         tuple(c["entities"]))
            for c in record["claims"]
        ),
        results=tuple(
            # Records written before results were rows have no kind, number, unit or baseline.
            ResultMention(r["value"], Field(r["field"]), r["start"], r["end"], r["confidence"], r["method"],
                          r["dataset"], r["metric"], r.get("kind", "absolute"), r.get("number"), r.get("unit"),
                          r.get("compared_to"))
            for r in record["results"]
        ),
    )
