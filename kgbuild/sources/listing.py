"""Readers for plain-text listings: one abstract per line, and Daily Papers page dumps.

A Hugging Face "Daily Papers" page copied as text comes in several shapes
(blank-line separated or not, with or without per-paper metadata); all of them
reduce to: page chrome, then for each paper a title line, an abstract line and
optionally metadata lines ("• 4 authors", "·", "Aug 28, 2023 12").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kgbuild.model import Paper, PaperDate, Quarantined, SourceRef
from kgbuild.sources.records import MONTHS, input_lines, make_paper

# Whole lines of page furniture.
CHROME_LINES = frozenset({
    "new",
    "subscribe",
    "daily papers",
    "byak and the research community",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
})
# Furniture that page copies glue onto the next line ("SubscribeScalable Nested …").
CHROME_PREFIXES = ("Subscribe", "Daily Papers", "byAK and the research community")

_AUTHORS = re.compile(r"^[•·*\-]?\s*(\d+)\s+authors?$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[·•]$")
# "Aug 28, 2023", "Mar 16", optionally followed by the upvote count: "Jun 26 1", "Dec 24, 2022 1".
_DATE = re.compile(
    r"^(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<upvotes>\d+))?$"
)
# A title is one short line; abstracts are paragraphs.
MAX_TITLE_CHARS = 300


def read_lines(path: Path, text: str) -> Iterator[Paper | Quarantined]:
    """One abstract per line, no titles; each line is the abstract as given."""
    for number, line in enumerate(input_lines(text), start=1):
        if line.strip():
            yield make_paper(source=SourceRef(str(path), number, "lines"), title="", abstract=line)


def _strip_glued_chrome(line: str) -> str:
    for prefix in CHROME_PREFIXES:
        rest = line[len(prefix):]
        if line.startswith(prefix) and rest[:1].isupper():
            return rest
    return line


def _date(match: re.Match[str]) -> PaperDate:
    year = match.group("year")
    return PaperDate(int(year) if year else None, MONTHS[match.group("mon")[:3].lower()], int(match.group("day")))


def read_daily_papers(path: Path, text: str) -> Iterator[Paper | Quarantined]:
    """A Daily Papers page dump in any of its shapes."""
    fmt = "hf-daily"
    pending_title: tuple[int, str] | None = None
    # The paper being built: its fields until the next title arrives.
    current: dict | None = None

    def finish() -> Iterator[Paper | Quarantined]:
        nonlocal current
        if current is not None:
            yield make_paper(**current)
            current = None

    for number, raw in enumerate(input_lines(text), start=1):
        line = raw.strip()
        if not line or line.casefold() in CHROME_LINES or _SEPARATOR.match(line):
            continue
        if authors := _AUTHORS.match(line):
            if current is not None:
                current["author_count"] = int(authors.group(1))
            continue
        if date := _DATE.match(line):
            # Before any paper this is the page's own date, not a paper's.
            if current is not None:
                current["date"] = _date(date)
                if date.group("upvotes"):
                    current["upvotes"] = int(date.group("upvotes"))
            continue
        line = _strip_glued_chrome(line)
        if pending_title is None and len(line) <= MAX_TITLE_CHARS:
            yield from finish()
            pending_title = (number, line)
            continue
        if pending_title is None:
            # A paragraph with no title line before it: keep the paper, title unknown.
            yield from finish()
            current = {"source": SourceRef(str(path), number, fmt), "title": "", "abstract": line}
            continue
        title_line, title = pending_title
        pending_title = None
        current = {"source": SourceRef(str(path), title_line, fmt), "title": title, "abstract": line}
    yield from finish()
    if pending_title is not None:
        yield Quarantined(str(path), pending_title[0], f"title without an abstract: {pending_title[1][:80]!r}")
