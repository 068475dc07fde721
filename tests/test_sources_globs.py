"""Globs as inputs: matched each time ingestion runs, so a scheduled build sees listings that arrived since."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEED_FILES

from kgbuild.sources import expand_inputs, ingest


def test_a_glob_is_matched_when_ingest_runs_not_when_it_is_written(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pattern = str(inbox / "*.txt")
    empty = ingest([pattern])
    # An inbox with nothing in it yet is not bad input.
    assert (empty.papers, empty.quarantined, empty.per_file) == ([], [], {})

    shutil.copy(SEED_FILES["lines"], inbox / "a.txt")
    (inbox / "notes.md").write_text("not a listing", encoding="utf-8")
    assert {Path(k).name: v for k, v in ingest([pattern]).per_file.items()} == {"a.txt": 11}

    shutil.copy(SEED_FILES["with_metadata"], inbox / "b.txt")
    later = ingest([pattern])
    assert {Path(k).name: v for k, v in later.per_file.items()} == {"a.txt": 11, "b.txt": 26}
    assert (len(later.papers), later.quarantined) == (37, [])


def test_recursive_globs_expand_matched_folders_and_existing_names_win(tmp_path):
    (tmp_path / "2024" / "01").mkdir(parents=True)
    (tmp_path / "2024-02").mkdir()
    for name in ("2024/01/x.txt", "2024/01/y.jsonl", "2024-02/z.txt", "2024-02/skip.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files, missing = expand_inputs([str(tmp_path / "**" / "*.txt")])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["2024-02/z.txt", "2024/01/x.txt"]
    assert missing == []
    # A matched folder is expanded like a named one: input-looking files only.
    files, _ = expand_inputs([str(tmp_path / "2024-*")])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["2024-02/z.txt"]
    # A file whose name has glob characters is the file itself.
    literal = tmp_path / "listing[1].txt"
    literal.write_text("x", encoding="utf-8")
    assert expand_inputs([str(literal)]) == ([literal], [])
