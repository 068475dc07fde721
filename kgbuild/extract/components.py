"""spaCy components of the rule-based extraction pipeline, one job each.

Entities are written to `doc.ents`, each with a confidence in `span._.confidence`;
claims go to `doc.spans["claims"]` and numeric results to `doc.spans["results"]`,
both with per-span scores in the group's `attrs["scores"]`, the layout spaCy's
own span categorizer uses, so a trained component can take any one's place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import filter_spans

from kgbuild.extract.abbreviations import find_definitions
from kgbuild.extract.cues import without_boilerplate
from kgbuild.extract.lexicon import Lexicon, shipped_lexicon
from kgbuild.extract.namelist import Name, load_names
from kgbuild.extract.nodes import is_known_name
from kgbuild.extract.proposals import SCORER_FILE, ProposalScorer, proposed
from kgbuild.extract.results import Mention, results
from kgbuild.model import ClaimType, EntityType

if not Span.has_extension("confidence"):
    Span.set_extension("confidence", default=None)
if not Span.has_extension("rule"):
    Span.set_extension("rule", default=None)
# The entity's name as a graph node would show it ("COCO" for "the COCO dataset"); None: the span's text.
if not Span.has_extension("name"):
    Span.set_extension("name", default=None)
# Not a graph node: a generic phrase, hardware, a person, a venue (see kgbuild_node_classifier).
if not Span.has_extension("generic"):
    Span.set_extension("generic", default=False)
# Names what the paper itself introduces (see kgbuild_own_names): the graph's PROPOSES.
if not Span.has_extension("proposed"):
    Span.set_extension("proposed", default=False)

# Prior confidence of a match by how it was found. They are rule priors, not
# model scores: the trained pipeline replaces this whole component.
NAME_CONFIDENCE = {("core", True): 0.85, ("core", False): 0.8, ("pwc", True): 0.6, ("pwc", False): 0.55}
PROPOSED_CONFIDENCE = 0.75
# A mention typed only through an acronym definition is a little less certain than the one it copies.
ACRONYM_CONFIDENCE_FACTOR = 0.95
TITLE_NAME_CONFIDENCE = 0.7


def _typed_span(doc: Doc, start: int, end: int, kind: EntityType | str, confidence: float, rule: str) -> Span:
    # Span extension values live in the doc keyed by character offsets, so set
    # them only on spans that are kept: a rival span at the same offsets would overwrite them.
    span = Span(doc, start, end, label=str(kind))
    span._.confidence = confidence
    span._.rule = rule
    return span


def _set_ents(doc: Doc, new: list[Span]) -> None:
    """Add spans to doc.ents, keeping existing entities where they overlap."""
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    fresh = filter_spans([s for s in new if not any(i in taken for i in range(s.start, s.end))])
    doc.ents = sorted([*doc.ents, *fresh], key=lambda s: s.start)


@Language.component("kgbuild_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line (between title and abstract) always starts a sentence."""
    for token in doc[:-1]:
        if token.is_space and "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("kgbuild_name_matcher", default_config={"min_confidence": 0.0, "types": None})
def make_name_matcher(nlp: Language, name: str, min_confidence: float, types: list[str] | None) -> NameMatcher:
    names = [n for n in load_names() if types is None or n.type.value in types]
    return NameMatcher(nlp, names, min_confidence)


class NameMatcher:
    """Finds names from the shipped name lists (optionally of some types only); longest match wins.

    After a trained recogniser it only adds names where the model found nothing.
    """

    def __init__(self, nlp: Language, names: list[Name], min_confidence: float) -> None:
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.info: dict[str, Name] = {}
        seen: set[str] = set()
        for entry in names:
            # One type per name: the first list naming it (the hand-kept one) wins.
            if entry.text.casefold() in seen:
                continue
            seen.add(entry.text.casefold())
            key = entry.text
            self.info[key] = entry
            pattern = nlp.make_doc(entry.text if entry.cased else entry.text.lower())
            (self.cased if entry.cased else self.lower).add(key, [pattern])
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        found: dict[tuple[int, int], Name] = {}
        for matcher in (self.cased, self.lower):
            for match_id, start, end in matcher(doc):
                found.setdefault((start, end), self.info[doc.vocab.strings[match_id]])
        spans = []
        for (start, end), entry in found.items():
            confidence = NAME_CONFIDENCE[(entry.source, entry.cased)]
            if confidence >= self.min_confidence:
                spans.append(_typed_span(doc, start, end, entry.type, confidence, f"names:{entry.source}"))
        _set_ents(doc, spans)
        return doc


LEXICON_KEY = "lexicon"
# Names found inside a generic mention ("face detection" in "a computerized face detection system"): entity
# mentions of their own, nested in it, so they cannot be in `doc.ents`.
INNER_NAMES_KEY = "inner_names"


@Language.factory("kgbuild_lexicon", default_config={"sources": ["curated", "pwc"]})
def make_lexicon_matcher(nlp: Language, name: str, sources: list[str]) -> LexiconMatcher:
    return LexiconMatcher(nlp, shipped_lexicon(), sources)


class LexiconMatcher:
    """Marks the lexicon's names in the text: `doc.spans["lexicon"]`, longest match first, each span labelled
    with the type of its best entry (hand-kept before derived). Later components take them as candidates and
    as evidence; this one decides nothing."""

    def __init__(self, nlp: Language, lexicon: Lexicon, sources: list[str]) -> None:
        self.lexicon = lexicon
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.types: dict[str, str] = {}
        for entry in lexicon.entries:
            if entry.source not in sources:
                continue
            for form in entry.forms:
                # An all-lower-case form of a cased name ("residual networks" for ResNet) matches in any case.
                cased = entry.cased and not form.islower()
                key = f"{cased}|{form if cased else form.lower()}"
                if key in self.types:
                    continue  # the first (hand-kept) entry of a form gives its type
                self.types[key] = entry.type.value
                pattern = nlp.make_doc(form if cased else form.lower())
                (self.cased if cased else self.lower).add(key, [pattern])

    def __call__(self, doc: Doc) -> Doc:
        found: dict[tuple[int, int], str] = {}
        for matcher in (self.cased, self.lower):
            for match_id, start, end in matcher(doc):
                found.setdefault((start, end), self.types[doc.vocab.strings[match_id]])
        spans = filter_spans([Span(doc, start, end, label=kind) for (start, end), kind in found.items()])
        doc.spans[LEXICON_KEY] = SpanGroup(doc, name=LEXICON_KEY, spans=sorted(spans, key=lambda s: s.start))
        return doc


# "we propose X", "we introduce X, a …", "called X", "dubbed X": X names a new method.
# A name: capitalised words ("Order-Preserving GFlowNets", "Maestro"), or one mixed-case/acronym token
# with an optional version ("EigenPro 3.0", "GSPMD").
_NAME = (r"(?P<name>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}(?=\s*[,(:;]|\s+(?:is|which|that|to|for|with)\b)"
         r"|[A-Z][\w.\-]*[A-Z0-9][\w.\-]*(?:\s+\d+(?:\.\d+)*)?)")
# "we propose X", "we introduce X, a …": X names a new method. Only the name is case-sensitive.
_PROPOSAL = re.compile(
    r"\b(?i:we|this (?:paper|work)|our (?:paper|work))\s+(?i:(?:also|further|first|then)\s+)?"
    r"(?i:propose[sd]?|introduce[sd]?|present[sd]?|develop[sd]?|design(?:s|ed)?|release[sd]?)\s+"
    r"(?i:(?:a|an|the)\s+)?(?i:(?:new|novel|simple|general|unified)\s+)?"
    r"(?i:(?:method|framework|approach|algorithm|model|system|toolkit|technique|architecture),?\s+)?"
    r"(?i:(?:called|named|dubbed|i\.e\.,?)\s+)?" + _NAME
)
_CALLED = re.compile(r"\b(?i:called|dubbed|named|coined|termed)\s+" + _NAME)
# A title that opens with a name and a colon names the paper's method: "GSPMD: General …".
_TITLE_NAME = re.compile(r"^(?P<name>[A-Z][\w.\-^{}]*(?:[ -][A-Z0-9][\w.\-]*)?)\s*:\s")
_DISTINCTIVE = re.compile(r".[A-Z0-9]|\s")
_COINED = re.compile(r".[A-Z0-9]")


@Language.component("kgbuild_proposed_names")
def proposed_names(doc: Doc) -> Doc:
    """Names the paper introduces become Methods, with every later mention of them."""
    introduced: dict[str, float] = {}
    first_sentence = next(doc.sents, None)
    if first_sentence is not None and (m := _TITLE_NAME.match(first_sentence.text)):
        introduced[m.group("name")] = TITLE_NAME_CONFIDENCE
    for pattern in (_PROPOSAL, _CALLED):
        for m in pattern.finditer(doc.text):
            name = m.group("name").rstrip(".,")
            if name.lower() not in {"a", "an", "the", "this", "these", "our", "in", "we"}:
                introduced.setdefault(name, PROPOSED_CONFIDENCE)
    spans = []
    for name, confidence in introduced.items():
        # A plain capitalised word ("Maestro") is only a name where it is not starting a sentence.
        distinctive = bool(_DISTINCTIVE.search(name))
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", doc.text):
            span = doc.char_span(m.start(), m.end())
            if span is not None and (distinctive or not span[0].is_sent_start):
                spans.append(_typed_span(doc, span.start, span.end, EntityType.METHOD, confidence, "proposed"))
    _set_ents(doc, spans)
    return doc


# doc.user_data key: each acronym defined in the text -> its long form as written.
LONG_FORMS = "kgbuild_long_forms"


@Language.component("kgbuild_abbreviations")
def abbreviations(doc: Doc) -> Doc:
    """An acronym and its long form share one type, and so do later bare uses of the acronym."""
    typed = {(e.start_char, e.end_char): e for e in doc.ents}
    spans = []
    for d in find_definitions(doc.text):
        long_span = doc.char_span(d.long_start, d.long_end, alignment_mode="expand")
        short_span = doc.char_span(d.short_start, d.short_end)
        if long_span is None or short_span is None:
            continue
        source = next(
            (e for e in doc.ents if e.start < long_span.end and e.end > long_span.start and e.end == long_span.end),
            None,
        ) or typed.get((short_span.start_char, short_span.end_char))
        if source is None:
            continue
        # A component that sets no confidence (an entity ruler) gets the contract's default, as in `Extractor`.
        confidence = round((0.5 if source._.confidence is None else source._.confidence)
                           * ACRONYM_CONFIDENCE_FACTOR, 4)
        short = short_span.text
        doc.user_data.setdefault(LONG_FORMS, {})[short] = long_span.text
        for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", doc.text):
            span = doc.char_span(m.start(), m.end())
            if span is not None:
                spans.append(_typed_span(doc, span.start, span.end, source.label_, confidence, "abbreviation"))
                span._.name = long_span.text  # set by offsets: a model entity of the same span gets it too
        # The whole long form, not a partial name match inside it.
        doc.ents = [e for e in doc.ents if e.end <= long_span.start or e.start >= long_span.end]
        spans.append(_typed_span(doc, long_span.start, long_span.end, source.label_, confidence, "abbreviation"))
    _set_ents(doc, spans)
    return doc


_CONTRIBUTION_CUES = [
    (re.compile(r"\b(?:we|this (?:paper|work|thesis|article)|our (?:work|paper))\b[^.]{0,40}?\b"
                r"(?:propose|introduce|present|develop|design|describe|build|offer|formulate|release|"
                r"devise|construct|contribute)", re.I), 0.8),
    (re.compile(r"\b(?:in this (?:paper|work|thesis|article)|here),?\s+we\b", re.I), 0.7),
    (re.compile(r"\b(?:we|this (?:paper|work))\s+(?:study|investigate|address|focus|explore|consider|"
                r"tackle|analy[sz]e|examine|aim)", re.I), 0.6),
    (re.compile(r"\b(?:to address|to tackle|to mitigate|to overcome|to solve) (?:this|these|the)\b", re.I), 0.55),
]
_FINDING_CUES = [
    (re.compile(r"\b(?:outperform\w*|surpass\w*|state[- ]of[- ]the[- ]art|sota|beats?)\b", re.I), 0.8),
    (re.compile(r"\b(?:achiev\w*|improv\w*|reduc\w*|speed\w*|boost\w*|gains?|faster|better|fewer|"
                r"lower|higher)\b", re.I), 0.6),
    (re.compile(r"\b(?:we|results?|experiments?|evaluations?|analysis|it)\s+(?:also\s+|further\s+)?"
                r"(?:show|demonstrate|find|found|observe|reveal|prove|confirm|indicate|suggest)\w*", re.I), 0.75),
    (re.compile(r"\d+(?:\.\d+)?\s?(?:%|x\b|\u00d7|times\b)", re.I), 0.6),
]


def _cue_score(text: str, cues: list[tuple[re.Pattern[str], float]]) -> float:
    """Noisy-or of the cue strengths that fire: more independent cues, more confidence."""
    miss = 1.0
    for pattern, strength in cues:
        if pattern.search(text):
            miss *= 1.0 - strength
    return round(1.0 - miss, 4)


@Language.factory("kgbuild_claims", default_config={"threshold": 0.5})
def make_claims(nlp: Language, name: str, threshold: float) -> ClaimFinder:
    return ClaimFinder(threshold)


class ClaimFinder:
    """Labels sentences that state a contribution or a finding, by cue phrases."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        claims = []
        for sent in doc.sents:
            contribution = _cue_score(sent.text, _CONTRIBUTION_CUES)
            finding = _cue_score(sent.text, _FINDING_CUES)
            label, score = max((ClaimType.CONTRIBUTION, contribution), (ClaimType.FINDING, finding),
                               key=lambda pair: pair[1])
            if score >= self.threshold:
                claims.append((sent, str(label), score))
        write_claims(doc, claims)
        return doc


def write_claims(doc: Doc, claims: list[tuple[Span, str, float]]) -> None:
    """Claim sentences (sentence, claim type, score) into `doc.spans["claims"]`, trailing space trimmed; a
    boilerplate sentence (code availability, the paper's organisation) is no claim, and one the sentence
    splitter left attached to a claim is cut off it."""
    spans, scores = [], []
    for sentence, label, score in claims:
        keep = without_boilerplate(sentence.text)
        if not keep:
            continue
        trimmed = doc.char_span(sentence.start_char, sentence.start_char + len(sentence.text[:keep].rstrip()),
                                label=label, alignment_mode="contract")
        if trimmed is not None:
            spans.append(trimmed)
            scores.append(round(float(score), 4))
    group = SpanGroup(doc, name="claims", spans=spans)
    group.attrs["scores"] = scores
    doc.spans["claims"] = group


def _mentions(ents: Sequence[Span]) -> list[Mention]:
    return [Mention(e.start_char, e.end_char, e.label_, e.text, bool(e._.generic), e._.name or e.text) for e in ents]


def own_name_inputs(doc: Doc) -> tuple[list[Span], list[tuple[int, int]], list[Mention], int | None]:
    """What `kgbuild.extract.proposals` reads of a doc (entities, sentence bounds, mentions, where the title
    ends), the same at run time and in training; adds the title's name as a Method (below) to the doc."""
    ents = list(doc.ents)
    title_end = doc.text.find("\n\n")
    # A title that opens with a distinctive name and a colon ("S^{2}FT: Efficient …") names the paper's method
    # even where the entity model saw no name in it.
    if title_end > 0 and (m := _TITLE_NAME.match(doc.text[:title_end])) and _DISTINCTIVE.search(m.group("name")) \
            and shipped_lexicon().category(m.group("name")) is None:
        name = m.group("name")
        added = []
        for found in re.finditer(re.escape(name), doc.text):
            span = doc.char_span(found.start(), found.end(), label=str(EntityType.METHOD))
            if span is not None and not any(e.start < span.end and span.start < e.end for e in [*ents, *added]):
                span._.confidence, span._.rule, span._.name = TITLE_NAME_CONFIDENCE, "title", name
                added.append(span)
        if added:
            ents = sorted([*added, *ents], key=lambda e: e.start)
            doc.ents = ents
    return ents, [(s.start_char, s.end_char) for s in doc.sents], _mentions(ents), title_end if title_end > 0 else None


def known_name(name: str) -> bool:
    """A name the hand-kept or Papers-with-Code lists know: more likely an existing method than a new one."""
    return is_known_name(shipped_lexicon(), name)


@Language.factory("kgbuild_own_names", default_config={"scored": True})
def make_own_names(nlp: Language, name: str, scored: bool) -> OwnNames:
    return OwnNames(scored)


class OwnNames:
    """Marks the entities naming what the paper introduces (`span._.proposed`), by `kgbuild.extract.proposals`:
    with its trained scorer (`scored`), or by its rules alone (the title's name and the names right after a
    proposal verb), which do not move when the scorer is retrained."""

    def __init__(self, scored: bool = True) -> None:
        self.scored = scored

    def __call__(self, doc: Doc) -> Doc:
        ents, sentences, mentions, title_end = own_name_inputs(doc)
        coined = _coined_title_name(doc.text, title_end)
        if coined is not None:
            # "UniRepLKNet: A Universal …": a coined name the title opens with is the paper's own method, a node
            # however the node classifier judged its title-cased context.
            for i, e in enumerate(ents):
                if e.text == coined and e.label_ == EntityType.METHOD.value and e._.generic:
                    e._.generic = False
                    mentions[i] = _mentions([e])[0]
        scorer = shipped_proposal_scorer() if self.scored else None
        for i in proposed(doc.text, sentences, mentions, title_end, scorer, known_name):
            ents[i]._.proposed = True
        return doc


def _coined_title_name(text: str, title_end: int | None) -> str | None:
    """The name a title opens with before its colon when it is coined, one word with inner capitals or digits
    ("UniRepLKNet", "LLaMA-NAS", "N2N"), and no never-a-node name."""
    if not title_end or not (m := _TITLE_NAME.match(text[:title_end])):
        return None
    name = m.group("name")
    if " " in name or not _COINED.search(name) or shipped_lexicon().category(name) is not None:
        return None
    return name


@lru_cache(maxsize=1)
def shipped_proposal_scorer() -> ProposalScorer:
    return ProposalScorer.from_disk(SCORER_FILE)


@Language.factory("kgbuild_results", default_config={"window": 60})
def make_results(nlp: Language, name: str, window: int) -> ResultFinder:
    return ResultFinder(window)


class ResultFinder:
    """Numbers stated as results, as leaderboard rows (`kgbuild.extract.results`): kind, number, unit, metric,
    dataset, method and the baseline of a relative result; the paper's own method stands in for "we" and "our
    model"."""

    def __init__(self, window: int) -> None:
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        mentions = _mentions([*ents, *doc.spans.get(INNER_NAMES_KEY, ())])
        own = next((e.text for e in ents if e._.proposed and e.label_ == "Method"), None)
        spans, scores, links = [], [], []
        last_method = None  # with no method of its own, "our model" is the one the paper reported on before
        for sent in doc.sents:
            inside = [m for m in mentions if m.start >= sent.start_char and m.end <= sent.end_char]
            for r in results(sent.text, sent.start_char, inside, own, self.window, last_method):
                last_method = r.method or last_method
                span = doc.char_span(r.start, r.end, label="result", alignment_mode="expand")
                if span is None:
                    continue
                spans.append(span)
                scores.append(r.confidence)
                links.append({"value": r.value, "start": r.start, "end": r.end, "number": r.number, "unit": r.unit,
                              "kind": r.kind, "metric": r.metric, "dataset": r.dataset, "method": r.method,
                              "compared_to": r.compared_to})
        group = SpanGroup(doc, name="results", spans=spans)
        group.attrs["scores"] = scores
        group.attrs["links"] = links
        doc.spans["results"] = group
        return doc
