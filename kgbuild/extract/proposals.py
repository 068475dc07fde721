"""What a paper introduces: the named method, dataset or benchmark that is its own contribution.

A paper PROPOSES an entity when it names it as its own: the name that opens its title ("LoRA: Low-Rank
Adaptation of …"), the name right after "we propose / introduce / present …" ("We propose Low-Rank
Adaptation, or LoRA"), the name a proposal gives its object ("a new language representation model called
BERT"), the subject of "X is proposed", "X, a novel …". An entity merely written in a contribution sentence
is not proposed: "we present a method for training ResNet" proposes no ResNet.

`ProposalScorer` weighs these cues per name (every mention of one name counts together) with a logistic
regression trained on the graph-level train gold (`kgbuild.training.proposals`), against what speaks for an
existing method: a baseline's cue before it ("than", "compared to", "previous"), "using X", a name the
lexicon knows. A name scoring at least the scorer's threshold is proposed, and so is the name that
opens the title.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kgbuild.extract.cues import PROPOSAL_VERB
from kgbuild.extract.nodes import written_as_name
from kgbuild.extract.results import Mention

PROPOSABLE = ("Method", "Dataset")
SCORER_FILE = Path(__file__).parent / "data" / "proposal_scorer.json"
# What may stand between the verb and the name: articles, adjectives and the kind of thing, a comma, "called".
_LEAD_WORD = re.compile(r"^(?:a|an|the|two|three|new|novel|simple|general|unified|first|effective|efficient|"
                        r"generic|scalable|powerful|lightweight|principled|practical|large-scale|\w+(?:-\w+)+|"
                        r"method|framework|approach|algorithm|model|system|toolkit|technique|architecture|"
                        r"dataset|benchmark|corpus|library|paradigm|strategy|scheme|network|family|suite|"
                        r"language|representation|called|named|dubbed|termed|coined|namely|i\.e\.|,|\(|or)$",
                        re.IGNORECASE)
_NAMING = re.compile(r"\b(?:called|named|dubbed|termed|coined)\s+$", re.IGNORECASE)
_TITLE_NAME_END = re.compile(r"^\s*:")
_PASSIVE = re.compile(r"^[^.;]{0,80}?\b(?:is|are|was|were|has\s+been|have\s+been|will\s+be)\s+(?:\w+\s+){0,2}"
                      r"(?:proposed|presented|introduced|described|developed|created|implemented|designed|"
                      r"constructed|built|released)\b", re.IGNORECASE)
_APPOSITIVE = re.compile(r"^\s*(?:\([^)]{1,40}\)\s*)?,\s*(?:a|an)\s", re.IGNORECASE)
_DEFINES = re.compile(r"^\s*\(\s*[A-Z][\w\-]*[A-Z][\w\-]*\s*\)")
_OURS = re.compile(r"\b(?:our|the\s+proposed|this|the\s+new|a\s+new|novel|new)\s+(?:[\w\-]+\s+){0,2}$",
                   re.IGNORECASE)
_BASELINE = re.compile(r"\b(?:than|over|compared\s+(?:to|with)|outperform\w*|against|baselines?|previous|existing|"
                       r"prior|state-of-the-art|traditional|conventional|standard|such\s+as|e\.g\.|including|"
                       r"like)\b", re.IGNORECASE)
_USING = re.compile(r"\b(?:using|use|uses|used|with|based\s+on|apply|applying|applied|adopt\w*|via|employ\w*|"
                    r"following|by)\s+(?:the\s+|a\s+|an\s+)?(?:[\w\-]+\s+)?$", re.IGNORECASE)


def _rule_choices(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
                  candidates: list[int], title_end: int | None) -> tuple[set[int], set[int]]:
    """(named by the title, named right after a proposal verb): the high-precision cues."""
    title: set[int] = set()
    if title_end:
        for i in candidates:
            m = mentions[i]
            if m.start == 0 and m.end <= title_end and _TITLE_NAME_END.match(text[m.end:title_end]):
                title.add(i)
    after_verb: set[int] = set()
    for start, end in sentences:
        sentence = text[start:end]
        for verb in PROPOSAL_VERB.finditer(sentence):
            after = start + verb.end()
            last = after
            for i in candidates:
                m = mentions[i]
                if m.start < after or m.end > end:
                    continue
                gap = text[last:m.start]
                words = re.findall(r"\(|,|[\w.\-]+", gap)
                if _NAMING.search(text[after:m.start]) or all(_LEAD_WORD.match(w) for w in words):
                    after_verb.add(i)
                    last = m.end  # "Low-Rank Adaptation, or LoRA": the acronym after it is the same name
                    continue
                break
    return title, after_verb


def _key(m: Mention) -> tuple[str, str]:
    return m.type, (m.name or m.text).casefold()


def proposal_features(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
                      title_end: int | None = None, known: Callable[[str], bool] = lambda name: False
                      ) -> dict[tuple[str, str], tuple[list[int], dict[str, float]]]:
    """Per candidate name (type, casefolded name): the indices of its mentions and its named features."""
    candidates = [i for i, m in enumerate(mentions) if m.type in PROPOSABLE and not m.generic]
    title, after_verb = _rule_choices(text, sentences, mentions, candidates, title_end)
    sentence_of = {}
    proposal_sentences = set()
    for k, (start, end) in enumerate(sentences):
        if PROPOSAL_VERB.search(text[start:end]):
            proposal_sentences.add(k)
        for i in candidates:
            if start <= mentions[i].start < end:
                sentence_of[i] = k
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in candidates:
        groups[_key(mentions[i])].append(i)
    out = {}
    body_start = (title_end + 2) if title_end else 0
    length = max(1, len(text) - body_start)
    # The abstract's first sentence (after the title, if any): where a paper most often names its own method.
    first_body = next((k for k, (start, _) in enumerate(sentences) if start >= body_start), None)
    for key, members in groups.items():
        f: dict[str, float] = {"bias": 1.0}
        name = mentions[members[0]].name or mentions[members[0]].text
        if key[0] == "Dataset":
            f["dataset"] = 1.0
        if set(members) & title:
            f["title"] = 1.0
        if set(members) & after_verb:
            f["after_verb"] = 1.0
        for i in members:
            m = mentions[i]
            k = sentence_of.get(i)
            lead, trail = text[max(0, m.start - 40):m.start], text[m.end:m.end + 100]
            if k in proposal_sentences and PROPOSAL_VERB.search(text[sentences[k][0]:m.start]):
                f["in_proposal_after_verb"] = 1.0
            if _PASSIVE.match(trail):
                f["passive_proposed"] = 1.0
            if _NAMING.search(lead):
                f["called"] = 1.0
            if _APPOSITIVE.match(trail):
                f["appositive"] = 1.0
            if _DEFINES.match(trail):
                f["defined"] = 1.0
            if _OURS.search(lead[-30:]):
                f["ours"] = 1.0
            if _BASELINE.search(lead):
                f["baseline_cue"] = f.get("baseline_cue", 0.0) + 1.0 / len(members)
            if _USING.search(lead[-30:]):
                f["using_cue"] = f.get("using_cue", 0.0) + 1.0 / len(members)
            if k == first_body or (title_end and m.start < title_end):
                f["first_sentence"] = 1.0
        first = min(mentions[i].start for i in members)
        if first >= body_start and (first - body_start) / length < 0.3:
            f["early"] = 1.0
        f["repeats:1" if len(members) == 1 else "repeats:2" if len(members) == 2 else "repeats:3+"] = 1.0
        if written_as_name(name):
            f["written_as_name"] = 1.0
        if known(name):
            f["known_name"] = 1.0
        f[f"words:{min(len(name.split()), 4)}"] = 1.0
        out[key] = (members, f)
    return out


@dataclass(slots=True)
class ProposalScorer:
    """Logistic regression over `proposal_features`: P(the paper proposes this name)."""

    weights: dict[str, float]
    threshold: float = 0.5

    def probability(self, features: dict[str, float]) -> float:
        score = sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    @classmethod
    def fit(cls, examples: Iterable[tuple[dict[str, float], bool]], l2: float = 1.0) -> ProposalScorer:
        """Maximum likelihood with an L2 penalty (not on the bias); deterministic (L-BFGS from zeros)."""
        import numpy
        from scipy.optimize import minimize

        examples = list(examples)
        names = sorted({k for f, _ in examples for k in f})
        column = {n: i for i, n in enumerate(names)}
        x = numpy.zeros((len(examples), len(names)))
        y = numpy.array([float(label) for _, label in examples])
        for i, (f, _) in enumerate(examples):
            for k, v in f.items():
                x[i, column[k]] = v
        penalty = numpy.ones(len(names))
        penalty[column["bias"]] = 0.0

        def loss(w: numpy.ndarray) -> tuple[float, numpy.ndarray]:
            z = x @ w
            p = 1.0 / (1.0 + numpy.exp(-z))
            value = float(numpy.sum(numpy.logaddexp(0.0, z) - y * z) + 0.5 * l2 * numpy.sum(penalty * w * w))
            return value, x.T @ (p - y) + l2 * penalty * w

        w = minimize(loss, numpy.zeros(len(names)), jac=True, method="L-BFGS-B", options={"maxiter": 1000}).x
        return cls({n: round(float(w[column[n]]), 6) for n in names})

    def to_disk(self, path: Path = SCORER_FILE) -> None:
        path.write_text(json.dumps({"threshold": self.threshold, "weights": self.weights}, indent=0,
                                   sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path = SCORER_FILE) -> ProposalScorer:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["weights"], data["threshold"])


def proposed(text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention],
             title_end: int | None = None, scorer: ProposalScorer | None = None,
             known: Callable[[str], bool] = lambda name: False) -> dict[int, float]:
    """Indices of `mentions` (sorted by start) naming what the paper introduces, with the probability of their
    name. The title's name always is (the train gold has no titles to weigh it on); without a scorer, so are
    the names right after a proposal verb."""
    chosen: dict[int, float] = {}
    for members, f in proposal_features(text, sentences, mentions, title_end, known).values():
        if "title" in f or (scorer is None and "after_verb" in f):
            p = 1.0
        else:
            p = scorer.probability(f) if scorer is not None else 0.0
        if p >= (scorer.threshold if scorer is not None else 1.0):
            chosen.update((i, round(p, 4)) for i in members)
    return chosen


__all__ = ["PROPOSABLE", "SCORER_FILE", "ProposalScorer", "proposal_features", "proposed"]
