"""Helpers every reader shares: text clean-up, stable paper ids, arXiv ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from kgbuild.model import Paper, PaperDate, Quarantined, SourceRef

_WS = re.compile(r"\s+")
# New-style (2106.09685, 2106.09685v2) and old-style (cs/0112017, hep-th/9901001v1) ids.
# Either the whole value is an id, or an arXiv prefix comes first: a PubMed URL also ends in "/1234567".
_ARXIV_ID = re.compile(
    r"(?:^|arxiv\.org/(?:abs|pdf)/|arxiv:|10\.48550/arxiv\.)"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?:v\d+)?(?:\.pdf)?$",
    re.IGNORECASE,
)

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def clean_text(text: str) -> str:
    """NFC, whitespace runs (wrapped lines included) folded to one space, ends trimmed: for display and for
    formats whose whitespace is layout (XML), never for a field whose offsets users check."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def input_lines(text: str) -> list[str]:
    """A text file's lines, split at line feeds only (a CR before one is dropped): `str.splitlines` also breaks
    at form feeds, U+2028 and other characters a JSON string or an abstract may hold verbatim."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _fingerprint_text(text: str) -> str:
    # Case, punctuation and spacing differ between listings of one paper; letters and digits do not.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def content_hash(title: str, abstract: str) -> str:
    payload = _fingerprint_text(title) + "\n" + _fingerprint_text(abstract)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def abstract_fingerprint(abstract: str) -> str:
    return hashlib.sha256(_fingerprint_text(abstract).encode("utf-8")).hexdigest()


def parse_arxiv_id(value: str | None) -> str | None:
    """The bare arXiv id (no version) in an id, URL or DOI, or None."""
    if not value:
        return None
    match = _ARXIV_ID.search(value.strip())
    return match.group("id") if match else None


def paper_id(title: str, abstract: str, arxiv_id: str | None = None) -> str:
    return f"arxiv:{arxiv_id}" if arxiv_id else f"hash:{content_hash(title, abstract)}"


def parse_iso_date(value: str | None) -> PaperDate | None:
    """2023-08-28, 2023-08 or 2023 (a timestamp's date part counts)."""
    if not value:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    return PaperDate(year, month, day)


def make_paper(
    *,
    source: SourceRef,
    title: str,
    abstract: str,
    given_id: str | None = None,
    arxiv_id: str | None = None,
    **extra: object,
) -> Paper | Quarantined:
    """Build a `Paper`, or say why the record cannot be one.

    Title and abstract are kept exactly as the reader gives them (whitespace included): extraction offsets
    index these strings, and the extraction contract echoes them.
    """
    title, abstract = title or "", abstract or ""
    if not abstract.strip():
        return Quarantined(source.path, source.line, "record has no abstract")
    given_id = given_id.strip() if given_id else None
    # A given id that is an arXiv id ("arXiv:2106.09685", "2106.09685v2") is the paper's arXiv id: the same
    # paper from a listing and from a dump must get the same id.
    if given_id and parse_arxiv_id(given_id):
        arxiv_id, given_id = arxiv_id or parse_arxiv_id(given_id), None
    pid = given_id or paper_id(title, abstract, arxiv_id)
    return Paper(id=pid, title=title, abstract=abstract, source=source, arxiv_id=arxiv_id, **extra)
