"""One paper, one id across runs into one folder (kgbuild.sources.identify): a paper first listed without its arXiv
id and later with it stays one paper under its first id, whose record gains the arXiv id; different arXiv ids
stay different papers whatever their text."""

from __future__ import annotations

import json
from pathlib import Path

from kgbuild.model import SourceRef
from kgbuild.sources import identify
from kgbuild.sources.records import make_paper

ABSTRACT = ("We propose Low-Rank Adaptation, or LoRA, which freezes the pretrained model weights and injects "
            "trainable rank decomposition matrices into each layer of the Transformer architecture.")


def paper(title: str, abstract: str, arxiv_id: str | None = None, url: str | None = None):
    return make_paper(title=title, abstract=abstract, source=SourceRef("listing.jsonl", 1, "jsonl"), arxiv_id=arxiv_id,
                      url=url)


def test_a_known_paper_keeps_its_id_under_its_arxiv_id_or_its_text():
    first = paper("", ABSTRACT)  # no title, no arXiv id: a content hash
    assert first.id.startswith("hash:")
    with_arxiv = paper("LoRA: Low-Rank Adaptation of Large Language Models", ABSTRACT, "2106.09685",
                       "https://arxiv.org/abs/2106.09685")
    [now] = identify([with_arxiv], [first])
    assert (now.id, now.arxiv_id, now.url, now.title) == (
        first.id, "2106.09685", "https://arxiv.org/abs/2106.09685", with_arxiv.title)
    # Known by its arXiv id from then on: a revised abstract under that id is the same paper.
    revised = paper(with_arxiv.title, ABSTRACT + " We release our code.", "2106.09685")
    assert [p.id for p in identify([revised], [now])] == [first.id]
    # The other way round: known under its arXiv id, listed again without it (case and spacing differ).
    plain = paper("", ABSTRACT.upper().replace(" ", "  "))
    assert [p.id for p in identify([plain], [with_arxiv])] == ["arxiv:2106.09685"]
    [filled] = identify([plain], [with_arxiv])
    assert filled.arxiv_id == "2106.09685"


def test_different_arxiv_ids_and_new_papers_are_left_alone():
    known = paper("LoRA", ABSTRACT, "2106.09685")
    same_text_other_paper = paper("A copy", ABSTRACT, "2401.00001")
    new = paper("Something else", "We study a different problem entirely, with no overlap at all.")
    assert identify([same_text_other_paper, new], [known]) == [same_text_other_paper, new]
    assert identify([known], [known]) == [known]
    assert identify([new], []) == [new]


def test_a_paper_listed_first_without_and_later_with_its_arxiv_id_is_one_paper(prefect_harness, handmade_pipeline,
                                                                                tmp_path):
    from flows.build_graph import build_graph_flow
    from kgbuild.sinks import load_state

    out = tmp_path / "out"

    def run(name: str, **record: str) -> None:
        listing = tmp_path / f"{name}.jsonl"
        listing.write_text(json.dumps(record) + "\n", encoding="utf-8")
        build_graph_flow(inputs=[str(listing)], out_dir=str(out), pipeline=handmade_pipeline)

    def papers(folder: Path) -> list[tuple[str, str | None]]:
        return sorted((p.id, p.arxiv_id) for p in load_state(folder).papers.values())

    run("monday", abstract=ABSTRACT)
    [(first_id, arxiv_id)] = papers(out)
    assert first_id.startswith("hash:") and arxiv_id is None
    run("tuesday", title="LoRA: Low-Rank Adaptation of Large Language Models", abstract=ABSTRACT,
        arxiv_id="2106.09685")
    assert papers(out) == [(first_id, "2106.09685")]
    run("wednesday", title="LoRA", abstract=ABSTRACT + " Code is released.", arxiv_id="2106.09685")
    assert papers(out) == [(first_id, "2106.09685")]
    extractions = [json.loads(line) for line in (out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in extractions] == [first_id]
    run("thursday", title="Another paper with the same abstract", abstract=ABSTRACT, arxiv_id="2401.00001")
    assert papers(out) == sorted([(first_id, "2106.09685"), ("arxiv:2401.00001", "2401.00001")])
