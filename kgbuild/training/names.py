"""The names the gold train splits give entities, for the lexicon's `train_names.tsv`.

Every annotated span of SciERC train, the TDMSci train split and the SciREX train split (first two sections)
is a name of its type; each name is listed once per type with the number of distinct documents naming it, which
tells an established name ("support vector machines", 9 abstracts) from a one-off description.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from kgbuild.evaluation.gold import GoldText, read_scierc, read_scirex, read_tdmsci
from kgbuild.extract.lexicon import lexicon_key
from kgbuild.model import EntityType

HEADER = ("# Entity names of the gold train splits (SciERC train, TDMSci and SciREX train splits; Apache-2.0),\n"
          "# derived by kgbuild.training.names: name, type, number of train documents naming it.\n"
          "name\ttype\tdocuments\n")


def train_names(golds: Iterable[GoldText]) -> list[tuple[str, EntityType, int]]:
    """(most frequent written form, type, documents) per (type, lexicon key)."""
    documents: dict[tuple[EntityType, str], set[str]] = defaultdict(set)
    written: dict[tuple[EntityType, str], Counter[str]] = defaultdict(Counter)
    for gold in golds:
        for span in gold.spans:
            text = " ".join(gold.text[span.start:span.end].split())
            key = (EntityType(span.label), lexicon_key(text))
            if key[1]:
                documents[key].add(gold.id)
                written[key][text] += 1
    rows = [(min(written[key], key=lambda s: (-written[key][s], s)), key[0], len(docs))
            for key, docs in documents.items()]
    return sorted(rows, key=lambda r: (r[1].value, r[0].casefold(), r[0]))


def write_train_names(eval_dir: Path, out: Path) -> int:
    golds = [*read_scierc(eval_dir / "scierc" / "train.json"),
             *read_tdmsci(eval_dir / "tdmsci" / "train.conll", "train"),
             *read_scirex(eval_dir / "scirex" / "train_docs", "train")]
    rows = train_names(golds)
    out.write_text(HEADER + "".join(f"{name}\t{kind.value}\t{docs}\n" for name, kind, docs in rows),
                   encoding="utf-8")
    return len(rows)
