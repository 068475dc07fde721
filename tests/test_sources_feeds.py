"""Tests for the arXiv API Atom and OpenAlex works readers, against saved responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgbuild.model import Paper, PaperDate, Quarantined, SourceRef
from kgbuild.sources.feeds import read_arxiv_atom, read_openalex

FIXTURES = Path(__file__).parent / "fixtures"


def _read(reader, name: str) -> list[Paper | Quarantined]:
    path = FIXTURES / name
    return list(reader(path, path.read_text(encoding="utf-8")))


# --- arXiv API Atom -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def arxiv_records() -> list[Paper | Quarantined]:
    return _read(read_arxiv_atom, "arxiv_api.xml")


def test_arxiv_feed_yields_one_paper_per_entry(arxiv_records: list[Paper | Quarantined]) -> None:
    assert [type(r) for r in arxiv_records] == [Paper, Paper, Paper]
    assert [r.id for r in arxiv_records] == ["arxiv:2106.09685", "arxiv:cs/0205070", "arxiv:1706.03762"]


def test_arxiv_new_style_entry_fields(arxiv_records: list[Paper | Quarantined]) -> None:
    lora = arxiv_records[0]
    assert isinstance(lora, Paper)
    assert lora.arxiv_id == "2106.09685"
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora.abstract == (
        "We propose Low-Rank Adaptation, or LoRA, which freezes the pre-trained model weights and injects "
        "trainable rank decomposition matrices into each layer of the Transformer architecture, greatly "
        "reducing the number of trainable parameters."
    )
    assert lora.authors == (
        "Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu",
        "Yuanzhi Li", "Shean Wang", "Lu Wang", "Weizhu Chen",
    )
    assert lora.author_count == 8
    # <published> (first version), not <updated> (2021-10-16, v2).
    assert lora.date == PaperDate(2021, 6, 17)
    # The rel="alternate" abs link, not the rel="related" pdf link.
    assert lora.url == "http://arxiv.org/abs/2106.09685v2"
    assert lora.source == SourceRef(str(FIXTURES / "arxiv_api.xml"), 10, "arxiv-atom")
    assert lora.upvotes is None


def test_arxiv_old_style_entry_fields(arxiv_records: list[Paper | Quarantined]) -> None:
    pang = arxiv_records[1]
    assert isinstance(pang, Paper)
    assert pang.arxiv_id == "cs/0205070"
    # The API wraps long titles onto an indented second line.
    assert pang.title == "Thumbs up? Sentiment Classification using Machine Learning Techniques"
    # <arxiv:affiliation> sits inside <author> and must not leak into the names.
    assert pang.authors == ("Bo Pang", "Lillian Lee", "Shivakumar Vaithyanathan")
    assert pang.author_count == 3
    assert pang.date == PaperDate(2002, 5, 28)
    assert pang.url == "http://arxiv.org/abs/cs/0205070v1"
    assert pang.source.line == 51


def test_arxiv_wrapped_summary_is_joined_into_one_paragraph(arxiv_records: list[Paper | Quarantined]) -> None:
    transformer = arxiv_records[2]
    assert isinstance(transformer, Paper)
    assert transformer.abstract == (
        "The dominant sequence transduction models are based on complex recurrent or convolutional neural "
        "networks in an encoder-decoder configuration. The best performing models also connect the encoder "
        "and decoder through an attention mechanism. We propose a new simple network architecture, the "
        "Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions "
        "entirely. Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task, improving "
        "over the existing best results by over 2 BLEU."
    )
    assert transformer.title == "Attention Is All You Need"
    assert transformer.date == PaperDate(2017, 6, 12)
    assert transformer.authors[5] == "Aidan N. Gomez"
    assert transformer.author_count == 8
    assert transformer.source.line == 83


def test_arxiv_error_feed_is_quarantined_with_the_error_summary() -> None:
    records = _read(read_arxiv_atom, "arxiv_api_error.xml")
    assert records == [
        Quarantined(
            str(FIXTURES / "arxiv_api_error.xml"), 10, "arXiv API error: incorrect id format for 1234.12345"
        )
    ]


def test_arxiv_malformed_xml_is_one_quarantine_at_the_error_line() -> None:
    text = (FIXTURES / "arxiv_api.xml").read_text(encoding="utf-8")
    # Cut the response off mid-entry, as an interrupted download would.
    truncated = "\n".join(text.splitlines()[:60])
    records = list(read_arxiv_atom(Path("cut.xml"), truncated))
    assert len(records) == 1
    quarantined = records[0]
    assert isinstance(quarantined, Quarantined)
    assert quarantined.path == "cut.xml"
    assert quarantined.line == 60
    assert quarantined.reason.startswith("malformed XML: ")


def test_arxiv_mismatched_tag_reports_its_line() -> None:
    text = '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<title>x</titel>\n</entry>\n</feed>\n'
    [quarantined] = list(read_arxiv_atom(Path("bad.xml"), text))
    assert isinstance(quarantined, Quarantined)
    assert quarantined.line == 3
    assert "malformed XML" in quarantined.reason and "mismatch" in quarantined.reason


def test_arxiv_entry_without_summary_is_quarantined_and_others_still_read() -> None:
    text = (
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <entry>\n"
        "    <id>http://arxiv.org/abs/2401.00001v1</id>\n"
        "    <title>No abstract here</title>\n"
        "  </entry>\n"
        "  <entry>\n"
        "    <id>http://arxiv.org/abs/2401.00002v3</id>\n"
        "    <title>Has one</title>\n"
        "    <summary>  Short\nabstract. </summary>\n"
        "  </entry>\n"
        "</feed>\n"
    )
    first, second = list(read_arxiv_atom(Path("feed.xml"), text))
    assert first == Quarantined("feed.xml", 2, "record has no abstract")
    assert isinstance(second, Paper)
    assert second.id == "arxiv:2401.00002"
    assert second.abstract == "Short abstract."
    # No rel="alternate" link: the entry id is the url; no authors means no count.
    assert second.url == "http://arxiv.org/abs/2401.00002v3"
    assert second.authors == ()
    assert second.author_count is None
    assert second.date is None


def test_arxiv_url_is_the_alternate_link_even_when_the_pdf_link_comes_first() -> None:
    text = (
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <entry>\n"
        "    <id>http://arxiv.org/abs/2401.00004v2</id>\n"
        "    <summary>Text.</summary>\n"
        '    <link title="pdf" href="http://arxiv.org/pdf/2401.00004v2" rel="related" type="application/pdf"/>\n'
        '    <link href="http://arxiv.org/abs/2401.00004v2" rel="alternate" type="text/html"/>\n'
        "  </entry>\n"
        "</feed>\n"
    )
    [paper] = list(read_arxiv_atom(Path("links.xml"), text))
    assert isinstance(paper, Paper)
    assert paper.url == "http://arxiv.org/abs/2401.00004v2"


def test_arxiv_reader_does_not_expand_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    text = (
        f'<!DOCTYPE feed [<!ENTITY leak SYSTEM "file://{secret}">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <entry>\n"
        "    <id>http://arxiv.org/abs/2401.00003v1</id>\n"
        "    <title>Entity test</title>\n"
        "    <summary>Before &leak; after.</summary>\n"
        "  </entry>\n"
        "</feed>\n"
    )
    [paper] = list(read_arxiv_atom(Path("xxe.xml"), text))
    assert isinstance(paper, Paper)
    assert "TOP SECRET" not in paper.abstract
    assert paper.abstract.startswith("Before ") and paper.abstract.endswith(" after.")


def test_arxiv_non_atom_document_is_quarantined() -> None:
    [quarantined] = list(read_arxiv_atom(Path("rss.xml"), "<rss>\n<channel/>\n</rss>\n"))
    assert quarantined == Quarantined("rss.xml", 1, "not an Atom feed: root element is 'rss'")


# --- OpenAlex works -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def openalex_records() -> list[Paper | Quarantined]:
    return _read(read_openalex, "openalex_works.json")


def test_openalex_page_yields_one_record_per_result(openalex_records: list[Paper | Quarantined]) -> None:
    assert [type(r) for r in openalex_records] == [Paper, Paper, Quarantined]


def test_openalex_arxiv_doi_work(openalex_records: list[Paper | Quarantined]) -> None:
    lora = openalex_records[0]
    assert isinstance(lora, Paper)
    assert lora.id == "arxiv:2106.09685"
    assert lora.arxiv_id == "2106.09685"
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora.abstract == (
        "We propose Low-Rank Adaptation, or LoRA, which freezes the pre-trained model weights and injects "
        "trainable rank decomposition matrices into each layer of the Transformer architecture, greatly "
        "reducing the number of trainable parameters for downstream tasks. LoRA performs on-par or better "
        "than fine-tuning in model quality on RoBERTa, DeBERTa, GPT-2, and GPT-3."
    )
    assert lora.authors == (
        "Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu",
        "Yuanzhi Li", "Shean Wang", "Lu Wang", "Weizhu Chen",
    )
    assert lora.author_count == 8
    assert lora.date == PaperDate(2021, 6, 17)
    assert lora.url == "https://doi.org/10.48550/arxiv.2106.09685"
    assert lora.source == SourceRef(str(FIXTURES / "openalex_works.json"), 1, "openalex")


def test_openalex_publisher_doi_work_finds_arxiv_id_in_locations(
    openalex_records: list[Paper | Quarantined],
) -> None:
    resnet = openalex_records[1]
    assert isinstance(resnet, Paper)
    # The DOI is the CVPR one; the arXiv copy is only among the locations.
    assert resnet.id == "arxiv:1512.03385"
    assert resnet.arxiv_id == "1512.03385"
    assert resnet.title == "Deep Residual Learning for Image Recognition"
    assert resnet.abstract == (
        "Deeper neural networks are more difficult to train. We present a residual learning framework to ease "
        "the training of networks that are substantially deeper than those used previously. We explicitly "
        "reformulate the layers as learning residual functions with reference to the layer inputs, instead of "
        "learning unreferenced functions."
    )
    assert resnet.authors == ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun")
    assert resnet.date == PaperDate(2016, 6, 1)
    assert resnet.url == "https://doi.org/10.1109/cvpr.2016.90"
    assert resnet.source.line == 2


def test_openalex_null_abstract_is_quarantined_with_record_number(
    openalex_records: list[Paper | Quarantined],
) -> None:
    assert openalex_records[2] == Quarantined(
        str(FIXTURES / "openalex_works.json"), 3, "record has no abstract (abstract_inverted_index is null)"
    )


def test_openalex_abstract_is_ordered_by_position_not_by_key_order() -> None:
    work = {
        "id": "https://openalex.org/W1",
        "display_name": "Display name used when title is missing",
        "title": None,
        "doi": None,
        "primary_location": {"landing_page_url": "https://example.org/paper/1"},
        "authorships": [],
        "abstract_inverted_index": {"models": [3, 7], "Large": [0], "language": [1, 5], "need": [8],
                                    "small": [4], "\n": [2], "and": [6]},
    }
    [paper] = list(read_openalex(Path("one.json"), json.dumps(work)))
    assert isinstance(paper, Paper)
    assert paper.abstract == "Large language models small language and models need"
    assert paper.title == "Display name used when title is missing"
    assert paper.url == "https://example.org/paper/1"
    # A single work object is record 1.
    assert paper.source == SourceRef("one.json", 1, "openalex")
    assert paper.authors == ()
    assert paper.author_count is None
    assert paper.date is None


def test_openalex_plain_list_of_works_and_arxiv_id_from_ids() -> None:
    works = [
        {"title": "First", "ids": {"openalex": "https://openalex.org/W2", "arxiv": "arXiv:2310.06825"},
         "abstract_inverted_index": {"One.": [0]}, "publication_date": "2023-10-10"},
        {"title": "Second", "abstract_inverted_index": {}},
        {"title": "Third", "doi": "https://doi.org/10.48550/arXiv.cs/0205070",
         "abstract_inverted_index": {"Three.": [0]},
         "primary_location": {"landing_page_url": "https://arxiv.org/abs/cs/0205070"}},
    ]
    first, second, third = list(read_openalex(Path("list.json"), json.dumps(works)))
    assert isinstance(first, Paper)
    assert first.id == "arxiv:2310.06825"
    assert first.date == PaperDate(2023, 10, 10)
    assert first.url is None
    assert second == Quarantined("list.json", 2, "record has no abstract (abstract_inverted_index is null)")
    # Only the DOI names arXiv here (old-style id, DataCite's mixed-case "arXiv"); the DOI also wins as url.
    assert isinstance(third, Paper)
    assert third.id == "arxiv:cs/0205070"
    assert third.url == "https://doi.org/10.48550/arXiv.cs/0205070"
    assert third.source.line == 3


def test_openalex_non_arxiv_identifiers_do_not_become_arxiv_ids() -> None:
    # A 7-digit PubMed URL ends like an old-style arXiv id ("gov/9377276"); it must not be read as one.
    work = {
        "title": "Long Short-Term Memory",
        "doi": "https://doi.org/10.1162/neco.1997.9.8.1735",
        "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/9377276", "mag": "2064675550"},
        "locations": [{"landing_page_url": "https://pubmed.ncbi.nlm.nih.gov/9377276"}],
        "abstract_inverted_index": {"Learning": [0], "long": [1], "dependencies.": [2]},
    }
    [paper] = list(read_openalex(Path("lstm.json"), json.dumps(work)))
    assert isinstance(paper, Paper)
    assert paper.arxiv_id is None
    assert paper.id.startswith("hash:")
    assert paper.url == "https://doi.org/10.1162/neco.1997.9.8.1735"


def test_openalex_invalid_json_reports_the_decoder_line() -> None:
    text = '{\n  "meta": {"count": 1},\n  "results": [\n    {"title": "x",}\n  ]\n}\n'
    [quarantined] = list(read_openalex(Path("bad.json"), text))
    assert isinstance(quarantined, Quarantined)
    assert quarantined.path == "bad.json"
    assert quarantined.line == 4
    assert quarantined.reason.startswith("malformed JSON: ")


def test_openalex_error_response_is_quarantined() -> None:
    body = {"error": "Invalid query parameters error.", "message": "filter is not a valid field"}
    [quarantined] = list(read_openalex(Path("err.json"), json.dumps(body)))
    assert quarantined == Quarantined(
        "err.json", None, "OpenAlex API error: Invalid query parameters error.: filter is not a valid field"
    )


def test_openalex_non_object_result_is_quarantined_by_record_number() -> None:
    body = {"meta": {"count": 2}, "results": ["W123", {"title": "T", "abstract_inverted_index": {"A.": [0]}}]}
    first, second = list(read_openalex(Path("mixed.json"), json.dumps(body)))
    assert first == Quarantined("mixed.json", 1, "OpenAlex work is a str, not an object")
    assert isinstance(second, Paper)
    assert second.source.line == 2
