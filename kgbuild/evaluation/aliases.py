"""Gold alias pairs, and the pairwise precision/recall of a "same entity?" name matcher on them.

A pair is two different strings of one type with a same/different label. Sources:

- seed: `data/alias_pairs_seed.tsv`, hand-written must-merge / must-not-merge pairs (names from the sample corpus
  and the classic look-alikes: "GPT-3"/"GPT-4", "ResNet-50"/"ResNet-101", "Mask R-CNN"/"MaskRCNN");
- gazetteer: the Papers-with-Code name lists in `../shared/gazetteer/pwc`. They have no synonym column, so
  positives are only entries that differ in case, spaces, hyphens or underscores, and "Long Name (LN)" beside
  "Long Name" or "LN"; negatives are entries that differ only in a number, a size token or a "+"
  ("CIFAR-10"/"CIFAR-100", "BERT-base"/"BERT-large", "DMN"/"DMN+");
- scierc-train, scierc-dev: SciERC coreference clusters. Two name-like Method/Task/Metric mentions of one cluster
  are a positive; two of the same type in different clusters of one abstract whose normalised forms are close
  but not equal are a negative (an abstract's clusters are distinct entities; across abstracts they need not be).

SciERC dev and gazetteer pairs are split by a hash of the pair into a tuning half and a held-out half; thresholds
are chosen on the tuning half (with SciERC train and the seed) and the held-out half is reported separately.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kgbuild.evaluation.gold import SCIERC_TYPES, detokenize
from kgbuild.model import EntityType

SEED = Path(__file__).parent / "data" / "alias_pairs_seed.tsv"
GAZETTEER_FILES = {"method": EntityType.METHOD, "dataset": EntityType.DATASET, "metric": EntityType.METRIC,
                   "task": EntityType.TASK}
SOURCES = ("seed", "gazetteer", "scierc-train", "scierc-dev")
TUNE, HELD_OUT = "tune", "held-out"

Matcher = Callable[[str, str, EntityType], bool]


@dataclass(frozen=True, slots=True)
class AliasPair:
    kind: EntityType
    a: str
    b: str
    same: bool
    source: str
    split: str
    note: str = ""


def _pair_split(kind: EntityType, a: str, b: str) -> str:
    key = "\t".join([kind.value, *sorted((a, b))])
    return TUNE if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2 == 0 else HELD_OUT


def _pair(kind: EntityType, a: str, b: str, same: bool, source: str, note: str = "") -> AliasPair:
    a, b = sorted((a, b))
    split = TUNE if source in ("seed", "scierc-train") else _pair_split(kind, a, b)
    return AliasPair(kind, a, b, same, source, split, note)


def _dedupe(pairs: Iterable[AliasPair]) -> list[AliasPair]:
    """One pair per (type, strings); a pair labelled both ways in one source is dropped as unreliable."""
    by_key: dict[tuple[EntityType, str, str], list[AliasPair]] = defaultdict(list)
    for p in pairs:
        by_key[(p.kind, p.a, p.b)].append(p)
    return [group[0] for _, group in sorted(by_key.items()) if len({p.same for p in group}) == 1]


# --- seed -------------------------------------------------------------------------------------------------------


def seed_pairs(path: Path = SEED) -> list[AliasPair]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["type"] and not r["type"].startswith("#")]
    return _dedupe(_pair(EntityType(r["type"]), r["a"], r["b"], r["same"] == "1", "seed", r["note"] or "")
                   for r in rows)


# --- gazetteer --------------------------------------------------------------------------------------------------

# Leaderboard annotations, HTML and citations are not names: "ABS (2015)", "Bi-LSTM<sub>att</sub>", "He et al.".
_GAZ_SKIP = re.compile(r"\((?:19|20)\d\d\)\s*$|<|et al\b|[♦*†‡]")
_GAZ_SQUEEZE = re.compile(r"[\s\-_]+")
_GAZ_TOKENS = re.compile(r"[a-z]+|\d+(?:\.\d+)?|\+")
# Tokens that make a different model, split or measure when they are the only difference.
_GAZ_MODIFIERS = frozenset({"base", "large", "small", "tiny", "mini", "medium", "huge", "giant", "xl", "xxl", "xs",
                            "lite", "macro", "micro", "+"})
MAX_NEGATIVES_PER_STEM = 6
_ACRONYM_PARENS = re.compile(r"^(.+?)\s*\(([A-Z][A-Za-z]*[A-Z]s?)\)$")


def _variant_key(name: str) -> str:
    return _GAZ_SQUEEZE.sub("", unicodedata.normalize("NFKC", name).casefold()).rstrip(".")


def _stem_key(name: str) -> tuple[str, tuple[str, ...]]:
    """The name without its numbers and modifier tokens, and what was removed."""
    tokens = _GAZ_TOKENS.findall(unicodedata.normalize("NFKC", name).casefold())
    kept = [t for t in tokens if not (t[0].isdigit() or t in _GAZ_MODIFIERS)]
    return "".join(kept), tuple(t for t in tokens if t[0].isdigit() or t in _GAZ_MODIFIERS)


def _year_abbreviation(x: Sequence[str], y: Sequence[str]) -> bool:
    # "CoNLL 2003" / "CoNLL-03" are one set: two-digit years are not a different number.
    return len(x) == len(y) and all(a == b or (a[-2:] == b[-2:] and {len(a), len(b)} == {2, 4})
                                    for a, b in zip(x, y, strict=True))


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-/]+", name) if w and w[0].isalpha()).upper()


def gazetteer_pairs(folder: Path) -> list[AliasPair]:
    pairs: list[AliasPair] = []
    for stem, kind in GAZETTEER_FILES.items():
        path = folder / f"{stem}_names.txt"
        names = sorted({line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                        if line.strip() and not _GAZ_SKIP.search(line)})
        present = set(names)
        variants: dict[str, list[str]] = defaultdict(list)
        stems: dict[str, list[str]] = defaultdict(list)
        for name in names:
            variants[_variant_key(name)].append(name)
            stems[_stem_key(name)[0]].append(name)
        for group in variants.values():
            pairs += [_pair(kind, a, b, True, "gazetteer", "case/space/hyphen variant")
                      for a, b in itertools.combinations(group, 2)]
        for name in names:
            found = _ACRONYM_PARENS.match(name)
            if not found or _initials(found.group(1)) != found.group(2).rstrip("s").upper():
                continue
            long, short = found.group(1), found.group(2)
            if long in present:
                pairs.append(_pair(kind, name, long, True, "gazetteer", "long form with/without (acronym)"))
            if short in present:
                pairs.append(_pair(kind, name, short, True, "gazetteer", "acronym"))
            if long in present and short in present:
                pairs.append(_pair(kind, long, short, True, "gazetteer", "acronym"))
        for key, group in stems.items():
            if not key:
                continue
            looks_alike = []
            for a, b in itertools.combinations(group, 2):
                removed_a, removed_b = _stem_key(a)[1], _stem_key(b)[1]
                if _variant_key(a) == _variant_key(b) or removed_a == removed_b:
                    continue
                # Near-duplicates only: one token swapped or added ("CIFAR-10"/"CIFAR-100", "BLEU"/"BLEU4"),
                # not "R@100"/"R_1@100" or "mAP@0.1:0.5"/"mAP@0.75" which no matcher would confuse.
                if abs(len(removed_a) - len(removed_b)) > 1 or len(set(removed_a) ^ set(removed_b)) > 2:
                    continue
                if not _year_abbreviation(removed_a, removed_b):
                    looks_alike.append((a, b))
            # Metric lists hold dozens of "F1@k"/"mAP@x" per stem; a few per stem keep one stem from dominating.
            looks_alike.sort(key=lambda ab: hashlib.sha256("\t".join(ab).encode()).hexdigest())
            pairs += [_pair(kind, a, b, False, "gazetteer", "differs in number/size/+ token")
                      for a, b in looks_alike[:MAX_NEGATIVES_PER_STEM]]
    return _dedupe(pairs)


# --- SciERC -----------------------------------------------------------------------------------------------------

_NOT_A_NAME_START = frozenset({
    "this", "that", "these", "those", "it", "its", "our", "their", "his", "her", "we", "they", "which", "such",
    "a", "an", "the", "each", "both", "other", "another", "former", "latter", "same", "one", "first", "second",
    "new", "proposed", "existing", "previous", "present", "current", "above", "following", "several", "some",
    "all", "many", "most", "various", "any", "them", "itself"})
_GENERIC_HEADS = frozenset({
    "method", "model", "approach", "system", "algorithm", "technique", "framework", "task", "problem",
    "procedure", "process", "scheme", "strategy", "tool", "application", "architecture", "formalism",
    "representation", "measure", "metric", "evaluation", "component", "module", "methodology", "paradigm",
    "solution", "implementation", "mechanism", "criterion", "criteria", "function", "network", "parser",
    "classifier", "learner", "tagger", "version", "variant", "extension", "work", "study", "analysis"})


def _name_like(text: str) -> bool:
    words = text.casefold().split()
    if not words or words[0] in _NOT_A_NAME_START:
        return False
    if len(words) == 1 and (words[0] in _GENERIC_HEADS or words[0].rstrip("s") in _GENERIC_HEADS):
        return False
    return any(ch.isalpha() for ch in text)


def scierc_pairs(path: Path, source: str, close: float = 0.6) -> list[AliasPair]:
    # Imported here: the pairs module must stay importable without the resolution stage's dependencies.
    from rapidfuzz import fuzz

    from kgbuild.resolve import normalise

    pairs: list[AliasPair] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        tokens = [t for sentence in doc["sentences"] for t in sentence]
        types = {(s, e): t for sentence in doc["ner"] for s, e, t in sentence}
        clusters: list[list[tuple[EntityType, str]]] = []
        for cluster in doc["clusters"]:
            mentions = []
            for s, e in cluster:
                kind = SCIERC_TYPES.get(types.get((s, e), ""))
                text = detokenize(tokens[s:e + 1])[0]
                if kind is not None and _name_like(text):
                    mentions.append((kind, text))
            clusters.append(sorted(set(mentions)))
        for mentions in clusters:
            pairs += [_pair(ka, a, b, True, source, doc["doc_key"])
                      for (ka, a), (kb, b) in itertools.combinations(mentions, 2) if ka == kb and a != b]
        for one, other in itertools.combinations(clusters, 2):
            for (ka, a), (kb, b) in itertools.product(one, other):
                if ka != kb or a == b:
                    continue
                na, nb = normalise(a, ka), normalise(b, kb)
                # Equal forms in two clusters of one abstract are usually a missed coreference link, not two
                # entities: they would be label noise, not hard negatives.
                if na != nb and fuzz.ratio(na, nb) / 100 >= close:
                    pairs.append(_pair(ka, a, b, False, source, doc["doc_key"]))
    return _dedupe(pairs)


# --- the gold set -----------------------------------------------------------------------------------------------


def build_gold(shared: Path, seed: Path = SEED) -> list[AliasPair]:
    """All gold alias pairs; a pair two sources label differently keeps the label of the earlier source."""
    pairs = seed_pairs(seed)
    pairs += gazetteer_pairs(shared / "gazetteer" / "pwc")
    pairs += scierc_pairs(shared / "eval" / "scierc" / "train.json", "scierc-train")
    pairs += scierc_pairs(shared / "eval" / "scierc" / "dev.json", "scierc-dev")
    seen: set[tuple[EntityType, str, str]] = set()
    out = []
    for p in pairs:
        if (p.kind, p.a, p.b) not in seen:
            seen.add((p.kind, p.a, p.b))
            out.append(p)
    return out


# --- scoring ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PairCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def negatives(self) -> int:
        return self.fp + self.tn

    @property
    def precision(self) -> float:
        """Share of merges that are right; 1.0 when nothing was merged (no wrong merge was made)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, same: bool, merged: bool) -> None:
        if merged:
            self.tp, self.fp = self.tp + same, self.fp + (not same)
        else:
            self.fn, self.tn = self.fn + same, self.tn + (not same)


@dataclass(slots=True)
class AliasScores:
    overall: PairCounts = field(default_factory=PairCounts)
    by_source: dict[tuple[str, str], PairCounts] = field(default_factory=lambda: defaultdict(PairCounts))
    by_type: dict[tuple[EntityType, str], PairCounts] = field(default_factory=lambda: defaultdict(PairCounts))
    by_split: dict[str, PairCounts] = field(default_factory=lambda: defaultdict(PairCounts))
    errors: list[tuple[AliasPair, bool]] = field(default_factory=list)


def score_matcher(pairs: Iterable[AliasPair], matcher: Matcher) -> AliasScores:
    """Pairwise precision/recall of the merge decision: overall, per (source, split), per (type, split), per split."""
    scores = AliasScores()
    for p in pairs:
        merged = bool(matcher(p.a, p.b, p.kind))
        for counts in (scores.overall, scores.by_source[(p.source, p.split)], scores.by_type[(p.kind, p.split)],
                       scores.by_split[p.split]):
            counts.add(p.same, merged)
        if merged != p.same:
            scores.errors.append((p, merged))
    return scores


def normalise_only(a: str, b: str, kind: EntityType) -> bool:
    """The baseline: the resolution stage's exact `normalise` equality."""
    from kgbuild.resolve import normalise

    return normalise(a, kind) == normalise(b, kind)


def fuzzy_matcher(thresholds: dict[EntityType, float] | None = None) -> Matcher:
    """`similar_names`, with other thresholds than the shipped ones where given."""
    from kgbuild.resolve.fuzzy import similar_names

    chosen = thresholds or {}

    def match(a: str, b: str, kind: EntityType) -> bool:
        return similar_names(a, b, kind, chosen.get(kind))

    return match


# From 0.90: see the comment on `kgbuild.resolve.fuzzy.FUZZY_THRESHOLD` for why not lower.
THRESHOLD_GRID = tuple(round(0.90 + 0.01 * i, 2) for i in range(10))


def choose_thresholds(pairs: Sequence[AliasPair], target: float = 0.98,
                      grid: Sequence[float] = THRESHOLD_GRID) -> dict[EntityType, tuple[float, PairCounts]]:
    """Per type, the lowest threshold whose tuning-half precision is >= `target`, both over all pairs and over
    the merges the fuzzy step adds beyond equal match forms (which the exact matches would otherwise hide)."""
    from kgbuild.resolve.fuzzy import match_form

    chosen = {}
    for kind in EntityType:
        tune = [p for p in pairs if p.kind is kind and p.split == TUNE]
        fuzzy_only = [p for p in tune if match_form(p.a, kind) != match_form(p.b, kind)]
        for threshold in sorted(grid):
            matcher = fuzzy_matcher({kind: threshold})
            if score_matcher(tune, matcher).overall.precision >= target \
                    and score_matcher(fuzzy_only, matcher).overall.precision >= target:
                chosen[kind] = (threshold, score_matcher(fuzzy_only, matcher).overall)
                break
    return chosen


# --- docs/quality.md --------------------------------------------------------------------------------------------


def _row(label: str, fuzzy: PairCounts, base: PairCounts) -> str:
    return (f"| {label} | {fuzzy.positives} | {fuzzy.negatives} | {100 * fuzzy.precision:.1f} | "
            f"{100 * fuzzy.recall:.1f} | {100 * fuzzy.f1:.1f} | {100 * base.precision:.1f} | "
            f"{100 * base.recall:.1f} | {100 * base.f1:.1f} |")


def _rows(fuzzy: AliasScores, base: AliasScores) -> Iterator[str]:
    for source in SOURCES:
        for split in (TUNE, HELD_OUT):
            if (source, split) in fuzzy.by_source:
                yield _row(f"{source} ({split})", fuzzy.by_source[(source, split)], base.by_source[(source, split)])
    for split in (TUNE, HELD_OUT):
        if split in fuzzy.by_split:
            yield _row(f"**all {split}**", fuzzy.by_split[split], base.by_split[split])
    for kind in EntityType:
        if (kind, HELD_OUT) in fuzzy.by_type:
            yield _row(f"{kind.value} (held-out)", fuzzy.by_type[(kind, HELD_OUT)], base.by_type[(kind, HELD_OUT)])


def render_alias_section(shared: Path, pairs: Sequence[AliasPair] | None = None) -> str:
    """The "Entity resolution: alias pairs" section of docs/quality.md."""
    from kgbuild.resolve.fuzzy import FUZZY_THRESHOLD, MIN_FUZZY_LENGTH

    pairs = list(pairs) if pairs is not None else build_gold(shared)
    fuzzy, base = score_matcher(pairs, fuzzy_matcher()), score_matcher(pairs, normalise_only)
    thresholds = ", ".join(f"{kind.value} {value:.2f}" for kind, value in FUZZY_THRESHOLD.items())
    lines = ["## Entity resolution: alias pairs", "",
             "Pairwise merge decisions on gold alias pairs (pos: same entity, different strings; neg: look-alike,",
             "different entity): `kgbuild.resolve.fuzzy.similar_names` at the shipped thresholds against the",
             "baseline of exact `normalise` equality. Thresholds: " + thresholds + f"; names under {MIN_FUZZY_LENGTH}",
             "characters match exactly only. Seed: hand-written pairs; gazetteer: case/space/hyphen variants,",
             "acronym forms and number/size/+ look-alikes in the Papers-with-Code name lists; SciERC: coreference",
             "clusters (pos) and close names in different clusters of one abstract (neg). Thresholds are chosen",
             "on the tuning half only; the held-out half (by hash of the pair) is reported separately. Precision",
             "matters most: a wrong merge corrupts every query touching either entity. Acronym pairs and SciERC's",
             "coreference descriptions count as misses here: a spelling matcher cannot see them, and the resolver",
             "joins an acronym to its long form only where a paper of the corpus defines it.", "",
             "| pairs | pos | neg | fuzzy P | R | F1 | normalise-only P | R | F1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|", *_rows(fuzzy, base), ""]
    return "\n".join(lines)


__all__ = ["AliasPair", "AliasScores", "PairCounts", "build_gold", "choose_thresholds", "fuzzy_matcher",
           "gazetteer_pairs", "normalise_only", "render_alias_section", "scierc_pairs", "score_matcher",
           "seed_pairs"]
