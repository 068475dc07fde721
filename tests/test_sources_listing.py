"""Ingestion of the four seed listing dumps: counts, fields, chrome and metadata, dedup."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE, SEED_FILES, SHARED_SEEDS

from kgbuild.model import PaperDate
from kgbuild.sources import detect_format, ingest, read_file
from kgbuild.sources.listing import CHROME_LINES


def _papers(path: Path):
    return list(read_file(path))


def _by_title(result, prefix: str):
    (paper,) = [p for p in result.papers if p.title.startswith(prefix)]
    return paper


def test_sample_corpus_is_the_shared_seed_corpus():
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"{SHARED_SEEDS} not present: cannot compare the bundled copy")
    for path in SAMPLE.glob("*.txt"):
        assert path.read_bytes() == (SHARED_SEEDS / path.name).read_bytes(), path.name


@pytest.mark.parametrize(("shape", "fmt", "count"), [
    ("lines", "lines", 11),
    ("blank_separated", "hf-daily", 84),
    ("alternating", "hf-daily", 186),
    ("with_metadata", "hf-daily", 26),
])
def test_each_seed_file_is_detected_and_fully_read(shape, fmt, count):
    path = SEED_FILES[shape]
    assert detect_format(path.read_text(encoding="utf-8")) == fmt
    records = _papers(path)
    assert len(records) == count
    assert all(r.__class__.__name__ == "Paper" for r in records)


def test_seed_corpus_totals(seed_ingest):
    assert {Path(k).name: v for k, v in seed_ingest.per_file.items()} == {
        "000_a15e600ad3673a88.txt": 11, "001_e84c1e8169226e15.txt": 84,
        "002_91b92e5e525a6c61.txt": 186, "003_4c2d73fefedad63e.txt": 26,
    }
    # SortedNet, Maestro and NOTEARS are listed in two files each.
    assert seed_ingest.duplicates == 3
    assert len(seed_ingest.papers) == 304
    assert seed_ingest.quarantined == []
    assert len({p.id for p in seed_ingest.papers}) == 304


def test_no_page_chrome_survives(seed_ingest):
    for paper in seed_ingest.papers:
        assert paper.title.casefold() not in CHROME_LINES
        assert not paper.title.startswith(("Subscribe", "Get trending", "byAK", "new"))
        assert not paper.abstract.startswith(("Subscribe", "Get trending", "•", "·"))
        assert len(paper.abstract) > 400, paper.title


def test_one_abstract_per_line_file_has_no_titles():
    records = _papers(SEED_FILES["lines"])
    assert [r.title for r in records] == [""] * 11
    assert records[0].abstract.startswith("Recent studies indicate that kernel machines can often perform")
    assert records[0].abstract.endswith("which have not been possible with existing kernel methods.")
    assert records[10].abstract.startswith("In this paper, we propose Latent Relation Language Models")
    assert [r.source.line for r in records] == list(range(1, 12))


def test_blank_line_separated_dump_fields():
    records = _papers(SEED_FILES["blank_separated"])
    first = records[0]
    assert first.title == "Big Self-Supervised Models are Strong Semi-Supervised Learners"
    assert first.abstract.startswith("One paradigm for learning from few labeled examples")
    assert first.abstract.endswith("outperforming standard supervised training with all of the labels.")
    assert len(first.abstract) == 1522
    assert first.source.line == 11
    # The page's own date ("Mar 11") is chrome, not the first paper's date.
    assert first.date is None
    assert records[27].title == "DεpS: Delayed ε-Shrinking for Faster Once-For-All Training"
    assert records[-1].title == "Towards Deeper Graph Neural Networks"


def test_alternating_dump_recovers_the_title_glued_to_chrome():
    records = _papers(SEED_FILES["alternating"])
    assert records[0].title == "Scalable Nested Optimization for Deep Learning"
    assert records[0].source.line == 3
    assert records[0].abstract.startswith("Gradient-based optimization has been critical to the success")
    assert records[1].title == "GSPMD: General and Scalable Parallelization for ML Computation Graphs"
    assert records[1].abstract.startswith("We present GSPMD, an automatic, compiler-based parallelization system")
    # The file ends without a newline; the last paper is complete.
    assert records[-1].title == "Hyperbolic Diffusion Embedding and Distance for Hierarchical Representation Learning"
    assert records[-1].abstract.endswith("on graph embedding benchmarks and hierarchical datasets.")


def test_metadata_lines_attach_to_the_paper_above_them():
    records = {r.title.split(":")[0]: r for r in _papers(SEED_FILES["with_metadata"])}
    maestro = records["Maestro"]
    assert (maestro.author_count, maestro.date, maestro.upvotes) == (4, PaperDate(2023, 8, 28), None)
    sqlnet = records["SQLNet"]
    assert (sqlnet.author_count, sqlnet.date) == (3, PaperDate(2017, 11, 13))
    # "Mar 16": this year's paper, year unknown and kept unknown.
    zo2 = records["ZO2"]
    assert zo2.date == PaperDate(None, 3, 16)
    assert zo2.date.isoformat() == "--03-16"
    assert zo2.date.precision == "month-day"
    # An upvote count follows the date: "Jun 26 1", "Oct 3, 2023 2".
    efficacy = records["Data Efficacy for Language Model Training"]
    assert (efficacy.author_count, efficacy.date, efficacy.upvotes) == (9, PaperDate(None, 6, 26), 1)
    deepzero = records["DeepZero"]
    assert (deepzero.author_count, deepzero.date, deepzero.upvotes) == (10, PaperDate(2023, 10, 3), 2)
    assert records["Greenformers"].author_count == 1
    assert all(r.author_count is not None and r.date is not None for r in records.values())


def test_a_paper_listed_twice_is_one_record_with_both_sources(seed_ingest):
    maestro = _by_title(seed_ingest, "Maestro: Uncovering Low-Rank Structures")
    assert Path(maestro.source.path).name == "001_e84c1e8169226e15.txt"
    assert [(Path(s.path).name, s.line) for s in maestro.also_seen_in] == [("003_4c2d73fefedad63e.txt", 13)]
    # The metadata only 003 carries is merged into the record 001 created.
    assert (maestro.author_count, maestro.date) == (4, PaperDate(2023, 8, 28))


def test_ids_are_content_hashes_and_stable(seed_ingest):
    again = ingest([SAMPLE])
    assert [p.id for p in again.papers] == [p.id for p in seed_ingest.papers]
    assert all(p.id.startswith("hash:") and len(p.id) == 21 for p in seed_ingest.papers)
    # Reading one file alone gives its papers the same ids as reading the folder.
    alone = {p.title: p.id for p in ingest([SEED_FILES["with_metadata"]]).papers}
    together = {p.title: p.id for p in seed_ingest.papers}
    assert all(together[title] == pid for title, pid in alone.items())
