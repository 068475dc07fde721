"""Which entity mentions are graph nodes, of which type, under which name.

A span model finds mentions of methods, datasets, metrics and tasks the way its training sets annotate them,
generic ones included ("our approach", "classifiers", "large datasets"). A research graph wants only the
specific things a researcher would look up. Three steps decide what a mention becomes:

- `name_form`: the name a node would show, without determiners and without the words that only say what
  kind of thing it is ("the COCO dataset" → "COCO", "the RANSAC technique" → "RANSAC", "the hashtag
  recommendation task" → "hashtag recommendation"), unless the lexicon knows the longer form ("EM algorithm");
- `node_features`: what is known about the mention: the span model's probability per type, the lexicon's
  types for its name and for its head ("statistical machine translation" is a kind of "machine translation"),
  its shape (acronym, inner capitals, digits), generic head nouns and modifiers, the words before it;
- `NodeClassifier`: a multinomial logistic regression over those features, trained on the graph-level train
  gold, giving each mention a probability per type and of not being a node. Its probability for the best type
  is the mention's confidence; a mention below the threshold, or in a never-a-node category of the lexicon
  (hardware, venues, organisations, programming languages, umbrella classes such as "large language models"),
  is generic.

Umbrella classes are decided by one rule: a name is an umbrella class when it names a whole family of models
by its kind alone ("neural networks", "deep learning", "large language models", "foundation models") rather
than one architecture or technique ("convolutional neural networks", "Transformer"); the lexicon's
`not_entities.tsv` lists them under "umbrella".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy

from kgbuild.extract.lexicon import Lexicon, lexicon_key
from kgbuild.model import EntityType

TYPES = tuple(EntityType)
CLASSES = (*(t.value for t in TYPES), "none")

def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words before a name that make it no name: "the COCO dataset", "our RANSAC variant".
_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "its", "this", "these", "those", "his", "her", "such",
                          "each", "both", "any", "all", "some"})
# Words after a name that only say what kind of thing it is, per type, and for any type.
_KIND_WORDS = {
    EntityType.DATASET: ("dataset", "datasets", "data set", "data sets", "corpus", "corpora", "benchmark",
                         "benchmarks", "test set", "test sets", "dev set", "development set", "training set",
                         "validation set", "database", "collection", "data"),
    EntityType.TASK: ("task", "tasks", "subtask", "subtasks", "problem", "problems", "challenge", "benchmark",
                      "benchmarks", "dataset", "datasets", "setting", "settings"),
    EntityType.METRIC: ("metric", "metrics", "score", "scores", "measure"),
    EntityType.METHOD: ("method", "methods", "approach", "approaches", "algorithm", "algorithms", "technique",
                        "techniques", "framework", "frameworks", "system", "systems", "model", "models",
                        "architecture", "architectures", "scheme", "schemes", "procedure", "procedures", "module",
                        "modules", "toolkit", "toolkits", "tool", "tools", "library", "libraries", "network",
                        "networks", "paradigm", "paradigms", "strategy", "strategies", "mechanism", "mechanisms"),
}
# Head nouns of phrases that describe rather than name ("estimation procedure", "two-step approach").
GENERIC_HEADS = _word_set("""
approach method methodology technique algorithm framework system model architecture scheme procedure process
strategy mechanism module component layer block unit solution tool toolkit pipeline paradigm formulation
representation structure design stage step phase problem task issue setting scenario application domain field
area performance result effect property quality capability ability power cost efficiency operation function
objective criterion measure data dataset corpus resource information knowledge feature variant version extension
baseline counterpart improvement study work research experiment evaluation test environment platform engine
machine learner classifier parser tagger detector generator encoder decoder predictor estimator optimizer solver
recognizer policy agent idea concept notion principle theory view perspective level rate size number amount
set way manner form type kind class category member part piece element aspect factor point case example instance
""")
GENERIC_MODIFIERS = _word_set("""
our their its this these those such new novel proposed existing previous prior current traditional conventional
simple general generic various several different many multiple other same large small big huge massive efficient
effective robust fast accurate powerful popular well-known widely-used state-of-the-art sota modern recent advanced
improved better strong alternative typical common specific particular certain corresponding respective underlying
overall whole entire key main basic original final resulting two-step two-stage computational practical
real-world complex sophisticated standard classical classic related similar additional further
""")
# Words before a known name that only qualify it: "automated facial expression recognition", "the English
# MS-MARCO dataset", "Unified Generative Adversarial Networks".
LEADING_QUALIFIERS = GENERIC_MODIFIERS | _word_set("""
automated automatic unified joint simultaneous vanilla plain original standard typical english chinese german
french spanish japanese korean arabic russian italian portuguese hindi dutch multilingual monolingual bilingual
""")
_VERSION_AFTER_HYPHEN = re.compile(
    r"^(?:\d+(?:\.\d+)*[BMKbmk]?|[A-Z]/\d+|[A-Z]|v\d+(?:\.\d+)*|base|large|small|tiny|huge|giant|XL|XXL|turbo|"
    r"mini|nano|instruct|chat|Instruct|Chat)$")
_VERSION_TOKEN = re.compile(r"^(?:v\d+(?:\.\d+)*|\d+\.\d+(?:\.\d+)*|\d+x\d+[BM]|\d+(?:\.\d+)?[BM])$")
# A dataset's edition: "CoNLL 2005", "SemEval 2014", "WMT 14".
_EDITION_TOKEN = re.compile(r"^(?:19|20)\d\d$")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def written_as_name(text: str) -> bool:
    """Written like a proper name: a capital after the first letter of a word, a digit, or a capitalised word
    that is not only the first of the text ("RANSAC", "ResNet-50", "Penn Treebank", "SmoteR")."""
    words = text.split()
    if any(ch.isdigit() for ch in text):
        return True
    if any(any(ch.isupper() for ch in w[1:]) for w in words):
        return True
    return len(words) > 1 and any(w[:1].isupper() for w in words[1:])


def _kind_suffixes(kind: EntityType) -> list[str]:
    words = set(_KIND_WORDS[kind])
    if kind is EntityType.TASK:
        words |= set(_KIND_WORDS[EntityType.METHOD])  # "the hashtag recommendation approach" names a task too
    return sorted(words, key=len, reverse=True)


def is_known_name(lexicon: Lexicon, text: str) -> bool:
    """A name the hand-kept or Papers-with-Code lists know (train names are descriptions as often as names)."""
    return any(e.source != "train" for e in lexicon.lookup(text))


def name_form(text: str, kind: EntityType, lexicon: Lexicon) -> str:
    """The name a node of this mention shows (see the module docstring)."""
    words = text.split()
    while len(words) > 1 and words[0].casefold() in _DETERMINERS:
        words = words[1:]
    trimmed = True
    while trimmed and len(words) > 1 and not is_known_name(lexicon, " ".join(words)):
        trimmed = False
        if words[-1].startswith("(") and words[-1].endswith(")"):
            # "Additive Operator Splitting (AOS) techniques": the acronym defined inside is an alias.
            words, trimmed = words[:-1], True
            continue
        for suffix in _kind_suffixes(kind):
            n = suffix.count(" ") + 1
            if len(words) > n and " ".join(words[-n:]).casefold() == suffix:
                rest = " ".join(words[:-n])
                # The rest must stand as a name on its own: written like one or known; a task's rest always does.
                if written_as_name(rest) or is_known_name(lexicon, rest) or (kind is EntityType.TASK
                                                              and suffix in _KIND_WORDS[EntityType.TASK]):
                    words, trimmed = words[:-n], True
                break
    while len(words) > 1 and not is_known_name(lexicon, " ".join(words)) and is_known_name(
            lexicon, " ".join(words[1:])) and (words[0].casefold() in LEADING_QUALIFIERS
                                                or (kind is EntityType.TASK and words[0].endswith("ing"))):
        words = words[1:]  # "computing optical flow", "automated facial expression recognition"
    if kind is EntityType.METRIC:
        # "ImageNet top-1 accuracy": the metric is top-1 accuracy, on ImageNet.
        for n in (1, 2):
            head, rest = " ".join(words[:n]), " ".join(words[n:])
            if len(words) > n and any(e.type is EntityType.DATASET and e.source != "train"
                                      for e in lexicon.lookup(head)) and is_known_name(lexicon, rest):
                words = words[n:]
                break
    if kind is EntityType.DATASET and written_as_name(words[0]):
        # "COCO object detection dataset", "TIMIT speech corpus": a dataset's name, then a description.
        while len(words) > 1 and words[-1].islower() and not is_known_name(lexicon, " ".join(words)):
            words = words[:-1]
    return " ".join(words)


def version_end(tokens: Sequence[str], end: int, dataset: bool = False) -> int:
    """Where a model or dataset name ending before token `end` really ends, with its version or size:
    "ViT" "-" "H/14", "Llama-3.1" "-" "8B", "SQuAD" "v1.1", "Mixtral" "8x7B", and for a dataset its year
    ("CoNLL" "2005")."""
    while True:
        if end + 1 < len(tokens) and tokens[end] == "-" and _VERSION_AFTER_HYPHEN.match(tokens[end + 1]):
            end += 2
        elif end < len(tokens) and (_VERSION_TOKEN.match(tokens[end])
                                    or (dataset and _EDITION_TOKEN.match(tokens[end]))):
            end += 1
        else:
            return end


@dataclass(frozen=True, slots=True)
class MentionView:
    """What the node classifier sees of a mention."""

    text: str
    name: str  # its name_form
    model_scores: dict[str, float]  # span model probability per type ({} for a lexicon-only candidate)
    before: str  # the lower-cased word before it
    sentence_start: bool
    defined: bool  # part of an acronym definition ("Low-Rank Adaptation (LoRA)")
    repeats: int = 1  # mentions of the same name in the text: a paper's own subject recurs
    introduced: bool = False  # after "we propose / present / introduce …" in its sentence
    title_case: bool = False  # in a title Written Like This, where capitals say nothing of a name


def title_cased(title: str) -> bool:
    """Most longer words of `title` capitalised: "Scalable Nested Optimization for Deep Learning"."""
    words = [w for w in title.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _decased(name: str) -> str:
    """A title-cased name as running text would write it: "Scalable Nested Optimization" → "scalable nested
    optimization", "FlashAttention2-based Transformers" keeps its inner capitals and acronyms."""
    return " ".join(w.lower() if w[:1].isupper() and w[1:].islower() else w for w in name.split())


_VERSION_SUFFIX = re.compile(
    r"(?:\s+(?:v\d+(?:\.\d+)*|\d+\.\d+(?:\.\d+)*|\d+x\d+[BM]|\d+(?:\.\d+)?[BM]|(?:19|20)\d\d)"
    r"|-(?:\d+(?:\.\d+)*[BMKbmk]?|[A-Z]/\d+|[A-Z]|base|large|small|tiny|huge|giant|XL|XXL|turbo|mini|nano))$")


def unversioned(name: str, lexicon: Lexicon) -> str:
    """The longest known name a model or dataset name extends by versions or sizes ("GPT-3 175B" → "GPT-3",
    "ViT-H/14" → "ViT"), or the name itself."""
    base = name
    while (shorter := _VERSION_SUFFIX.sub("", base)) != base and shorter:
        base = shorter
        if is_known_name(lexicon, base):
            return base
    return name


def node_features(view: MentionView, lexicon: Lexicon) -> dict[str, float]:
    """Named features of one mention (see the module docstring); absent means 0."""
    f: dict[str, float] = {"bias": 1.0}
    for kind in TYPES:
        score = view.model_scores.get(kind.value, 0.0)
        if score:
            f[f"model:{kind.value}"] = score
    if view.model_scores:
        f[f"model_best:{max(view.model_scores, key=view.model_scores.get)}"] = 1.0
    else:
        f["lexicon_only"] = 1.0
    base = unversioned(view.name, lexicon)
    forms = [(view.text, "lex"), (view.name, "name")]
    if base != view.name and not lexicon.lookup(view.name):
        # A known model or dataset with a version or size: "GPT-3 175B", "Llama-2-7B", "CoNLL 2005".
        f["versioned"] = 1.0
        forms.append((base, "name"))
    for form, tag in forms:
        for entry in lexicon.lookup(form):
            if entry.source == "train":
                bucket = "1" if entry.documents < 2 else "2-4" if entry.documents < 5 else "5+"
                f[f"{tag}:{entry.type.value}:train{bucket}"] = 1.0
            else:
                f[f"{tag}:{entry.type.value}:{entry.source}"] = 1.0
    for entry in lexicon.head_hits(view.name):
        f[f"head:{entry.type.value}"] = 1.0
    shape_name = _decased(view.name) if view.title_case else view.name
    words = shape_name.split()
    letters = [w for w in words if any(ch.isalpha() for ch in w)]
    if any(w.isupper() and len(w) > 1 for w in letters):
        f["shape:acronym"] = 1.0
    if any(any(ch.isupper() for ch in w[1:]) and not w.isupper() for w in letters):
        f["shape:inner_capital"] = 1.0
    if any(ch.isdigit() for ch in view.name):
        f["shape:digit"] = 1.0
    capitalised = [w for w in letters if w[0].isupper()]
    if letters and len(capitalised) == len(letters) and not (len(letters) == 1 and view.sentence_start):
        f["shape:capitalised"] = 1.0
    if letters and all(w.islower() for w in letters):
        f["shape:lower"] = 1.0
    f[f"words:{min(len(words), 4)}"] = 1.0
    if "-" in view.name:
        f["shape:hyphen"] = 1.0
    if view.title_case:
        f["in_title_case"] = 1.0
    head = _singular(lexicon_key(words[-1]) if words else "")
    if head in GENERIC_HEADS:
        f["generic_head"] = 1.0
    # The head word itself (learnt only for heads the train gold has several of) and its kind of ending:
    # processes ("-ing", "-tion") name techniques and tasks more often than agent nouns ("-er") do.
    f[f"head_word:{head}"] = 1.0
    if words and len(words) > 1:
        f[f"first_word:{lexicon_key(words[0])}"] = 1.0
    ending = next((e for e in ("ing", "tion", "sion", "ment", "ity", "ness", "er", "or", "ics", "ism") if
                   head.endswith(e) and len(head) > len(e) + 2), None)
    if ending and head.isalpha():
        f[f"head_ending:{ending}"] = 1.0
    if any(w.casefold() in GENERIC_MODIFIERS for w in view.text.split()):
        f["generic_modifier"] = 1.0
    if view.before in {"our", "this", "these", "proposed", "such", "a", "an", "novel", "new"}:
        f[f"before:{view.before}"] = 1.0
    if view.defined:
        f["defined"] = 1.0
    if view.repeats > 1:
        f["repeats:2" if view.repeats == 2 else "repeats:3+"] = 1.0
    if view.introduced:
        f["introduced"] = 1.0
    if view.name != view.text:
        f["trimmed"] = 1.0
    return f


class NodeClassifier:
    """Multinomial logistic regression over named features: P(type) for each type and P(not a node)."""

    def __init__(self, weights: dict[str, list[float]] | None = None) -> None:
        self.weights = weights or {}

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        scores = numpy.zeros(len(CLASSES))
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                scores += value * numpy.asarray(row)
        scores -= scores.max()
        exp = numpy.exp(scores)
        return dict(zip(CLASSES, (float(p) for p in exp / exp.sum()), strict=True))

    @classmethod
    def fit(cls, examples: Iterable[tuple[dict[str, float], str]], l2: float = 1.0,
            min_count: int = 2) -> NodeClassifier:
        """Maximum likelihood with an L2 penalty (not on the bias) over features seen at least `min_count`
        times; deterministic (L-BFGS from zeros)."""
        from scipy.optimize import minimize

        examples = list(examples)
        counts: dict[str, int] = {}
        for features, _ in examples:
            for name in features:
                counts[name] = counts.get(name, 0) + 1
        names = sorted(n for n, c in counts.items() if c >= min_count or n == "bias")
        column = {n: i for i, n in enumerate(names)}
        x = numpy.zeros((len(examples), len(names)))
        y = numpy.zeros((len(examples), len(CLASSES)))
        for i, (features, label) in enumerate(examples):
            for name, value in features.items():
                if name in column:
                    x[i, column[name]] = value
            y[i, CLASSES.index(label)] = 1.0
        penalty = numpy.ones((len(names), len(CLASSES)))
        penalty[column["bias"]] = 0.0

        def loss(flat: numpy.ndarray) -> tuple[float, numpy.ndarray]:
            w = flat.reshape(len(names), len(CLASSES))
            scores = x @ w
            scores -= scores.max(axis=1, keepdims=True)
            log_norm = numpy.log(numpy.exp(scores).sum(axis=1, keepdims=True))
            log_p = scores - log_norm
            value = -(y * log_p).sum() + 0.5 * l2 * ((w * penalty) ** 2).sum()
            grad = x.T @ (numpy.exp(log_p) - y) + l2 * w * penalty
            return float(value), grad.ravel()

        fitted = minimize(loss, numpy.zeros(len(names) * len(CLASSES)), jac=True, method="L-BFGS-B",
                          options={"maxiter": 2000})
        w = fitted.x.reshape(len(names), len(CLASSES))
        return cls({n: [round(float(v), 6) for v in w[column[n]]] for n in names})

    def to_disk(self, path: Path) -> None:
        path.write_text(json.dumps({"classes": list(CLASSES), "weights": self.weights}, indent=0, sort_keys=True)
                        + "\n", encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> NodeClassifier:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["classes"]) != CLASSES:
            raise ValueError(f"{path}: node classifier classes {data['classes']} != {list(CLASSES)}")
        return cls(data["weights"])


__all__ = ["CLASSES", "GENERIC_HEADS", "GENERIC_MODIFIERS", "MentionView", "NodeClassifier", "is_known_name",
           "name_form", "node_features", "title_cased", "version_end", "written_as_name"]
