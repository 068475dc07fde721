"""Bad input is quarantined with file, line and reason; good records still flow."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEED_FILES

from kgbuild.sources import ingest, read_file
from kgbuild.sources.tabular import FieldNames

ABSTRACT = ("We introduce a method for testing ingestion of paper abstracts, and we show that it keeps every good "
            "record while naming each bad one with its file and line so that nothing is lost silently at all. "
            "Abstracts are paragraphs: this one is long enough to be told apart from a title line by its length, "
            "as the listing reader does.")


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _reasons(result) -> list[tuple[str, int | None, str]]:
    return [(Path(q.path).name, q.line, q.reason) for q in result.quarantined]


def test_jsonl_keeps_ids_and_quarantines_broken_lines(tmp_path):
    lines = [
        json.dumps({"id": "p-1", "title": "", "abstract": ABSTRACT}),
        '{"id": "p-2", "title": "Broken", "abstract": "unterminated',
        json.dumps({"id": "p-3", "title": "No abstract here"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "p-4", "title": "Second good one", "abstract": ABSTRACT + " Indeed."}),
    ]
    result = ingest([_write(tmp_path, "dump.jsonl", "\n".join(lines) + "\n")])
    assert [(p.id, p.title, p.source.line) for p in result.papers] == [("p-1", "", 1), ("p-4", "Second good one", 5)]
    assert _reasons(result) == [
        ("dump.jsonl", 2, "broken JSON line: Unterminated string starting at (column 46)"),
        ("dump.jsonl", 3, "record has no abstract (looked for abstract, summary)"),
        ("dump.jsonl", 4, "JSON line is a list, not an object"),
    ]


def test_whole_file_problems_name_the_file_and_the_rest_still_flows(tmp_path):
    good = SEED_FILES["lines"]
    empty = _write(tmp_path, "empty.txt", "  \n\n")
    binary = _write(tmp_path, "model.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin1 = _write(tmp_path, "latin1.txt", ("Caf\xe9 " + ABSTRACT).encode("latin-1"))
    unknown = _write(tmp_path, "notes.txt", "a short note\nanother short note\n")
    result = ingest([good, empty, binary, latin1, unknown, tmp_path / "missing.jsonl"])
    assert len(result.papers) == 11
    assert _reasons(result) == [
        ("missing.jsonl", None, "no such file or folder"),
        ("empty.txt", None, "empty file"),
        ("model.txt", None, "binary file (contains NUL bytes), not a text listing"),
        ("latin1.txt", 1, "not UTF-8 text (invalid byte at offset 3)"),
        ("notes.txt", None, "unknown format: not a known listing format (expected one of: lines, hf-daily, "
                            "jsonl, csv, arxiv-atom, openalex)"),
    ]
    assert result.quarantined[1].message() == f"{empty}: empty file"


def test_forced_unknown_format_is_reported(tmp_path):
    records = list(read_file(SEED_FILES["lines"], "pdf"))
    assert len(records) == 1
    assert records[0].reason == "unknown format 'pdf' (known: lines, hf-daily, jsonl, csv, arxiv-atom, openalex)"


def test_forced_format_overrides_detection():
    # The metadata dump read as one-abstract-per-line: every non-empty line becomes a record.
    records = list(read_file(SEED_FILES["with_metadata"], "lines"))
    assert records[0].abstract == "new"
    assert len(records) == 26 * 5 + 6


def test_title_without_abstract_is_quarantined(tmp_path):
    text = f"A Title\n\n{ABSTRACT}\n\nA Lonely Title At The End\n"
    result = ingest([_write(tmp_path, "page.txt", text)])
    assert [p.title for p in result.papers] == ["A Title"]
    assert _reasons(result) == [("page.txt", 5, "title without an abstract: 'A Lonely Title At The End'")]


def test_csv_with_configured_field_names(tmp_path):
    content = ('paper,heading,summary_text,published\n'
               f'x1,"Quoted, title","{ABSTRACT}",2024-05-01\n'
               'x2,No abstract,,2024-05-02\n')
    names = FieldNames.with_overrides(title="heading", abstract="summary_text", id="paper")
    result = ingest([_write(tmp_path, "papers.csv", content)], names=names)
    assert [(p.id, p.title, p.abstract, p.date.isoformat()) for p in result.papers] == [
        ("x1", "Quoted, title", ABSTRACT, "2024-05-01")]
    assert _reasons(result) == [("papers.csv", 3, "record has no abstract (looked for summary_text)")]


def test_same_paper_twice_in_one_file_and_across_files_is_one_record(tmp_path):
    record = {"title": "Same Paper", "abstract": ABSTRACT}
    a = _write(tmp_path, "a.jsonl", json.dumps(record) + "\n" + json.dumps(record) + "\n")
    # Whitespace and case differences do not make a different paper.
    b = _write(tmp_path, "b.jsonl", json.dumps({"title": "same  paper", "abstract": "  " + ABSTRACT.upper()}) + "\n")
    result = ingest([a, b])
    assert len(result.papers) == 1
    assert result.duplicates == 2
    assert [s.line for s in result.papers[0].also_seen_in] == [2, 1]


def test_arxiv_id_is_preferred_and_dedups_against_a_listing(tmp_path):
    listing = _write(tmp_path, "a.jsonl", json.dumps({"title": "T", "abstract": ABSTRACT}) + "\n")
    api = _write(tmp_path, "b.jsonl", json.dumps(
        {"title": "T", "abstract": ABSTRACT, "url": "https://arxiv.org/abs/2106.09685v2"}) + "\n")
    result = ingest([listing, api])
    (paper,) = result.papers
    assert paper.id == "arxiv:2106.09685"
    assert paper.arxiv_id == "2106.09685"
    assert paper.url == "https://arxiv.org/abs/2106.09685v2"
