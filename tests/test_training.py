"""`kgbuild train` end to end on the real configs and gold data, cut to a few steps per model."""

from __future__ import annotations

import pytest
import spacy
from conftest import EVAL
from spacy.pipeline import SpanCategorizer
from spacy.tokens import DocBin
from spacy.training import Example

from kgbuild.cli import main
from kgbuild.evaluation.gold import GoldSpan, GoldText
from kgbuild.extract import Extractor, load_pipeline
from kgbuild.model import Paper, SourceRef
from kgbuild.training.corpus import entity_doc


@pytest.mark.skipif(not EVAL.is_dir(), reason=f"gold data not present at {EVAL}")
def test_train_rebuilds_a_pipeline_shaped_like_the_shipped_one(tmp_path):
    out = tmp_path / "pipeline"
    code = main(["train", "--eval-dir", str(EVAL), "--work", str(tmp_path / "work"), "--out", str(out),
                 "--max-steps", "2"])
    assert code == 0
    rebuilt, shipped = spacy.load(out), load_pipeline("kgbuild_sci")
    assert rebuilt.pipe_names == shipped.pipe_names
    assert rebuilt.get_pipe("spancat").labels == shipped.get_pipe("spancat").labels
    assert rebuilt.config["components"]["spancat"] == shipped.config["components"]["spancat"]
    assert rebuilt.config["components"]["tok2vec"] == shipped.config["components"]["tok2vec"]
    (x,) = Extractor(rebuilt).run([Paper(id="t", title="", abstract="We evaluate BERT on SQuAD.",
                                         source=SourceRef("t", 1, "x"))])
    assert x.extractor.name == "kgbuild_sci"


def _loss_columns(annotated: bool) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """d_scores per label column from kgbuild's span categorizer and from plain spancat, on one gold text.

    The text goes through the training corpus path (entity_doc → DocBin → back), as in `kgbuild train`.
    """
    nlp = spacy.blank("en")
    spancat = nlp.add_pipe("kgbuild_partial_spancat",
                           config={"suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": [1]}})
    for label in ("Task", "Dataset"):
        spancat.add_label(label)
    nlp.initialize()
    text = "We study parsing on WSJ ."
    gold = GoldText("t", text, [GoldSpan(9, 16, "Task")], types=frozenset({"Task", "Metric"}))
    reference, misaligned = entity_doc(nlp, gold)
    assert misaligned == 0
    if not annotated:
        del reference.spans["sc"].attrs["annotated_types"]
    docbin = DocBin(store_user_data=False)
    docbin.add(reference)
    (reference,) = DocBin().from_bytes(docbin.to_bytes()).get_docs(nlp.vocab)
    example = Example(nlp.make_doc(text), reference)
    spans_scores = spancat.predict([example.predicted])
    _, partial = spancat.get_loss([example], spans_scores)
    _, plain = SpanCategorizer.get_loss(spancat, [example], spans_scores)
    columns = {label: spancat._label_map[label] for label in ("Task", "Dataset")}
    return ({label: [float(v) for v in partial[:, c]] for label, c in columns.items()},
            {label: [float(v) for v in plain[:, c]] for label, c in columns.items()})


def test_partial_spancat_learns_nothing_about_a_type_the_text_was_not_annotated_for():
    # TDMSci annotates no Method, SciERC no Dataset: "WSJ" unlabelled must not teach "not a Dataset".
    partial, plain = _loss_columns(annotated=True)
    assert partial["Dataset"] == [0.0] * 6
    assert all(v > 0 for v in plain["Dataset"])  # plain spancat pushes every token away from Dataset
    assert partial["Task"] == plain["Task"]
    assert partial["Task"][2] < 0 < partial["Task"][4]  # "parsing" pulled up, "WSJ" pushed down


def test_partial_spancat_without_the_annotated_types_is_plain_spancat():
    partial, plain = _loss_columns(annotated=False)
    assert partial == plain
