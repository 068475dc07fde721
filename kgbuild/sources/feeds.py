"""Readers for API responses: arXiv API Atom XML and OpenAlex works JSON.

Both readers take a response body saved to a file, exactly as the API returned
it, and yield one `Paper` per record or a `Quarantined` saying why a record
(or the whole response) could not be used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from lxml import etree

from kgbuild.model import Paper, Quarantined, SourceRef
from kgbuild.sources.records import clean_text, make_paper, parse_arxiv_id, parse_iso_date

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
_NS = {"atom": ATOM, "arxiv": ARXIV, "opensearch": OPENSEARCH}

# The arXiv API reports a bad query as a normal feed whose one entry has an id under this path.
_ARXIV_ERROR_ID = "arxiv.org/api/errors"


def _xml_parser() -> etree.XMLParser:
    # Saved responses are untrusted input: no entity expansion, no DTD or network fetches.
    # The text is already decoded, so we hand lxml UTF-8 and override whatever the declaration says.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        encoding="utf-8",
    )


def _text(element: etree._Element | None) -> str:
    # itertext() so stray markup inside a title or summary does not cut the text short.
    return "".join(element.itertext()) if element is not None else ""


def _abs_link(entry: etree._Element) -> str | None:
    for link in entry.iterfind("atom:link", _NS):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def read_arxiv_atom(path: Path, text: str) -> Iterator[Paper | Quarantined]:
    """Papers from an arXiv API (export.arxiv.org/api/query) Atom response.

    Each record's line is the line of its `<entry>` start tag.
    """
    where = str(path)
    try:
        root = etree.fromstring(text.encode("utf-8"), _xml_parser())
    except etree.XMLSyntaxError as exc:
        yield Quarantined(where, exc.lineno or None, f"malformed XML: {exc.msg}")
        return
    if root.tag != f"{{{ATOM}}}feed":
        yield Quarantined(where, root.sourceline, f"not an Atom feed: root element is {root.tag!r}")
        return
    for entry in root.iterfind("atom:entry", _NS):
        line = entry.sourceline
        entry_id = _text(entry.find("atom:id", _NS)).strip()
        summary = _text(entry.find("atom:summary", _NS))
        if _ARXIV_ERROR_ID in entry_id:
            yield Quarantined(where, line, f"arXiv API error: {' '.join(summary.split()) or entry_id}")
            continue
        authors = tuple(
            name for name in (" ".join(_text(el).split()) for el in entry.iterfind("atom:author/atom:name", _NS))
            if name
        )
        # The API wraps titles and summaries at ~80 columns with indentation: XML layout, not text. Folded here,
        # so the extraction contract echoes (and its offsets index) the abstract as arXiv shows it.
        yield make_paper(
            source=SourceRef(where, line, "arxiv-atom"),
            title=clean_text(_text(entry.find("atom:title", _NS))),
            abstract=clean_text(summary),
            arxiv_id=parse_arxiv_id(entry_id),
            authors=authors,
            author_count=len(authors) or None,
            date=parse_iso_date(_text(entry.find("atom:published", _NS))),
            url=_abs_link(entry) or entry_id or None,
        )


def _rebuild_abstract(index: Mapping[str, object]) -> str:
    # OpenAlex may not redistribute abstracts verbatim, so it ships word -> positions; order by position.
    placed: list[tuple[int, str]] = []
    for word, positions in index.items():
        if isinstance(positions, list):
            placed.extend((pos, word) for pos in positions if isinstance(pos, int))
    return " ".join(word for _, word in sorted(placed))


def _arxiv_id_of_work(work: Mapping[str, object]) -> str | None:
    # parse_arxiv_id matches any value that merely ends like an arXiv id (a 7-digit PubMed id
    # URL looks like an old-style one), so only values that name arXiv are tried.
    candidates: list[object] = [work.get("doi")]
    for location in work.get("locations") or ():
        if isinstance(location, Mapping):
            candidates.append(location.get("landing_page_url"))
    ids = work.get("ids")
    if isinstance(ids, Mapping):
        candidates.extend(ids.values())
    for value in candidates:
        if isinstance(value, str) and "arxiv" in value.lower():
            found = parse_arxiv_id(value)
            if found:
                return found
    return None


def _work_to_paper(work: Mapping[str, object], source: SourceRef) -> Paper | Quarantined:
    index = work.get("abstract_inverted_index")
    if not isinstance(index, Mapping) or not index:
        return Quarantined(source.path, source.line, "record has no abstract (abstract_inverted_index is null)")
    authors: list[str] = []
    for authorship in work.get("authorships") or ():
        if not isinstance(authorship, Mapping):
            continue
        author = authorship.get("author")
        name = author.get("display_name") if isinstance(author, Mapping) else None
        name = name or authorship.get("raw_author_name")
        if isinstance(name, str) and name.strip():
            authors.append(" ".join(name.split()))
    primary = work.get("primary_location")
    landing = primary.get("landing_page_url") if isinstance(primary, Mapping) else None
    url = work.get("doi") or landing
    title = work.get("title") or work.get("display_name")
    date = work.get("publication_date")
    return make_paper(
        source=source,
        title=title if isinstance(title, str) else "",
        # The abstract is rebuilt from word positions, so its spacing is ours: whitespace "words" of the index
        # (OpenAlex keeps "\n" as one) fold into the single spaces that join the rest.
        abstract=clean_text(_rebuild_abstract(index)),
        arxiv_id=_arxiv_id_of_work(work),
        authors=tuple(authors),
        author_count=len(authors) or None,
        date=parse_iso_date(date) if isinstance(date, str) else None,
        url=url if isinstance(url, str) else None,
    )


def read_openalex(path: Path, text: str) -> Iterator[Paper | Quarantined]:
    """Papers from an OpenAlex `works` response: a list page, a single work, or a JSON list of works."""
    where = str(path)
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Quarantined(where, exc.lineno, f"malformed JSON: {exc.msg} at column {exc.colno}")
        return
    if isinstance(body, dict) and "results" in body:
        works = body["results"]
    elif isinstance(body, dict) and "error" in body and "id" not in body:
        # OpenAlex answers a bad request with {"error": ..., "message": ...}; it is about the whole response.
        message = body.get("message")
        reason = f"OpenAlex API error: {body['error']}" + (f": {message}" if message else "")
        yield Quarantined(where, None, reason)
        return
    elif isinstance(body, dict):
        works = [body]
    else:
        works = body
    if not isinstance(works, list):
        yield Quarantined(where, None, f"OpenAlex response has {type(works).__name__} where a list of works belongs")
        return
    # JSON carries no useful line numbers (API bodies are often one line), so a record's
    # "line" is its 1-based position in the list of works.
    for number, work in enumerate(works, start=1):
        if not isinstance(work, dict):
            yield Quarantined(where, number, f"OpenAlex work is a {type(work).__name__}, not an object")
            continue
        yield _work_to_paper(work, SourceRef(where, number, "openalex"))
