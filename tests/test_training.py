"""`kgbuild train` end to end on the real configs and gold data, cut to a few steps per model."""

from __future__ import annotations

import pytest
import spacy
from conftest import EVAL

from kgbuild.cli import main
from kgbuild.extract import Extractor, load_pipeline
from kgbuild.model import Paper, SourceRef


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
