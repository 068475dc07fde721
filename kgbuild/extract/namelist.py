"""Name lists behind the rule-based extractor, and how the shipped one is derived.

The shipped `data/pwc_names.tsv` is derived from the Papers with Code name
lists (CC BY-SA 4.0, see `data/ATTRIBUTION.md`) by `derive_pwc_names`; rerun
it with `python -m kgbuild.extract.namelist PWC_DIR` after changing the rules.
The lists are noisy, so only names that look like names survive: a lone
word must look like a proper name or acronym (ImageNet, BLEU, GSM8K) and is
matched in exact case; multi-word task and metric names are matched in any
case because papers write them in lower case ("image classification").
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from kgbuild.model import EntityType

PWC_FILES = {
    EntityType.DATASET: "dataset_names.txt",
    EntityType.TASK: "task_names.txt",
    EntityType.METRIC: "metric_names.txt",
    EntityType.METHOD: "method_names.txt",
}
# When one name sits in several lists, the earlier type wins: the metric and
# method lists are the noisiest (they collect leaderboard column and row labels).
TYPE_PRIORITY = (EntityType.DATASET, EntityType.TASK, EntityType.METHOD, EntityType.METRIC)

# Entries of the lists that are not methods, datasets, metrics or tasks in abstracts: hardware,
# whole fields, and words the lists picked up from leaderboard headers.
EXCLUDED = frozenset({
    "cpu", "gpu", "gpus", "tpu", "ai", "ml", "deep learning", "machine learning", "artificial intelligence",
    "graph attention", "all", "average", "mean", "time", "parameters", "params", "model size",
})

_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_BAD = re.compile(r"[<>{}\[\]|@#$=_\\]|https?:|www\.|\.com\b|\d{4}\s*$")
_PROPER_WORD = re.compile(r"^(?=.*[A-Za-z])(?:.+[A-Z0-9].*|[A-Z]{2,}.*)$")


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    type: EntityType
    cased: bool  # match exact case only
    source: str  # "core" (hand-kept) or "pwc"


def _clean(raw: str) -> str | None:
    name = " ".join(_PARENTHETICAL.sub("", raw).split())
    if not 2 <= len(name) <= 60 or _BAD.search(name) or len(name.split()) > 6:
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    return name


def _keep(name: str, kind: EntityType) -> Name | None:
    words = name.split()
    if len(words) == 1:
        # A lone word must look like a name: inner capital or digit (ImageNet, F1) or an acronym.
        if not _PROPER_WORD.match(name[1:] if name[0].isupper() else name) or (len(name) < 3 and not name.isupper()):
            return None
        return Name(name, kind, cased=True, source="pwc")
    if kind in (EntityType.TASK, EntityType.METRIC) and name[0].isalpha():
        return Name(name, kind, cased=False, source="pwc")
    # Multi-word dataset/method names are proper names ("Penn Treebank"): exact case.
    return Name(name, kind, cased=True, source="pwc") if any(w[0].isupper() or w[0].isdigit() for w in words) else None


def derive_pwc_names(pwc_dir: Path) -> list[Name]:
    chosen: dict[str, Name] = {}
    for kind in TYPE_PRIORITY:
        for raw in (pwc_dir / PWC_FILES[kind]).read_text(encoding="utf-8").splitlines():
            name = _clean(raw)
            kept = _keep(name, kind) if name and name.casefold() not in EXCLUDED else None
            if kept is not None:
                chosen.setdefault(kept.text.casefold(), kept)
    return sorted(chosen.values(), key=lambda n: (n.type, n.text.casefold(), n.text))


def load_names() -> list[Name]:
    """The lexicon's hand-kept and Papers-with-Code names, every written form of each: hand-kept ones first, so
    they win over derived ones."""
    from kgbuild.extract.lexicon import shipped_lexicon

    return [Name(form, entry.type, cased=entry.cased, source="core" if entry.source == "curated" else "pwc")
            for entry in shipped_lexicon().entries if entry.source in ("curated", "pwc") for form in entry.forms]


def write_tsv(names: list[Name], out: Path) -> None:
    header = (
        "# Derived by kgbuild.extract.namelist from Papers with Code name lists (CC BY-SA 4.0);\n"
        "# this derived list is shared under CC BY-SA 4.0 too. See ATTRIBUTION.md.\n"
        "# name\ttype\tmatch\n"
    )
    rows = "".join(f"{n.text}\t{n.type}\t{'cased' if n.cased else 'lower'}\n" for n in names)
    out.write_text(header + rows, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m kgbuild.extract.namelist PWC_DIR")
    derived = derive_pwc_names(Path(sys.argv[1]))
    write_tsv(derived, Path(__file__).parent / "data" / "pwc_names.tsv")
    print(f"{len(derived)} names written")
