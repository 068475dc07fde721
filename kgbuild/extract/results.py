"""Numeric results as leaderboard rows: which numbers of an abstract are measured outcomes, and of what.

A number is a result only when it states an outcome: a percentage, a score, a speed-up, a margin. Numbers
that are part of a name ("ResNet-50", "ViT-H/14", "top-5", "ImageNet-1K", "CIFAR10/100"), sizes ("80GB",
"7B", "0.4% of the parameters"), settings ("1% of the labels"), years, citations and counts ("3 datasets")
are not. Each result is read as a row of a leaderboard:

- `kind`: `relative` when it is a difference (an improvement, a reduction, a speed-up, "by 4.6%", "3x"),
  `absolute` when it is a score;
- `metric`: the measure written right after the value ("82.7% top-1", "99 % recall"), or the one the value
  is stated in ("an F1-score of 0.964", "accuracy is 89 percent"), or, for the next items of a list, the
  previous value's;
- `dataset`: the dataset the value is reported on ("88.55% on ImageNet and 94.55% on CIFAR-100"), or one
  written between the value and its metric ("73.9% ImageNet top-1 accuracy");
- `method`: the system the number belongs to: the method it is obtained "using", else the sentence's
  subject when it names one, else the paper's own method (what the paper proposes), never the baseline;
- `compared_to`: for a relative result, the method after "than", "over", "compared to", "outperforms" …,
  the baseline the paper's system beats (none when the difference is in the baseline's favour: "3x longer
  than Faster R-CNN");
- "respectively" aligns the values with a list of names written before them, item by item.

Offsets are characters of the text the component sees; the extractor maps them back to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

# A number with its unit (ranges, "3-10 times", are read by _RANGE). The look-behind keeps numbers inside
# words and names out ("ResNet-50", "ViT-H/14", "top-5", "CIFAR10/100", "[16]" is dropped later).
_VALUE = re.compile(
    r"(?<![\w.\-/\u2013^])(?P<sign>[+\-\u2212])?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<unit>%|percent\b|percentage points?\b|pp\b|points?\b|x\b|\u00d7|times\b|ms\b|s\b|dB\b))?"
)
_UNITS = {"%": "%", "percent": "%", "pp": "points", "point": "points", "points": "points",
          "percentage point": "points", "percentage points": "points", "x": "x", "\u00d7": "x", "times": "x",
          "ms": "ms", "s": "s", "dB": "dB"}
# Words after a number that make it a size, a count or a setting.
_NOT_AFTER = re.compile(
    r"^(?:[\w-]*[A-Za-z][\w-]*\s+)?(?:of\s+(?:the\s+|its\s+|their\s+|all\s+|[\w-]+'s\s+)?(?:[\w-]+\s+){0,2}"
    r"(?:labels?|labeled|data|parameters?|params|training|examples?|samples?|images?|tokens?|compute|FLOPs|"
    r"memory|weights|layers|annotations?|the\s+cost)\b"
    # "40% fewer parameters", "0.1% extra parameters": a size
    r"|(?:[\w-]+\s+){0,2}(?:parameters|params|FLOPs|labels|weights|tokens|annotations)\b)", re.IGNORECASE)
_SIZE_SUFFIX = re.compile(r"^[A-Za-z]")  # "80GB", "7B", "1K": a letter right after the digits
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_RELATIVE_CUES = re.compile(
    r"\b(?:improv\w*|gains?|boost\w*|outperform\w*|surpass\w*|better|worse|higher|lower|faster|slower|reduc\w*|"
    r"decreas\w*|increas\w*|speed-?ups?|fewer|less|more|relative|margin|drops?|cuts?|beats?|exceed\w*|"
    r"advantage|over\s+(?:the\s+)?(?:state|baseline|previous|prior|best|existing|standard)|by)\b",
    re.IGNORECASE)
_ABSOLUTE_BEFORE = re.compile(r"\b(?:to|of|at|is|are|was|were|reach\w*|achiev\w*|obtain\w*|yield\w*|attain\w*|"
                              r"get|gets|with|score[sd]?)\s*(?:an?\s+|the\s+)?(?:average\s+|mean\s+|overall\s+)?$",
                              re.IGNORECASE)
_COMPARISON = re.compile(r"\b(?:than|over|compared\s+(?:to|with)|relative\s+to|against|vs\.?|versus|"
                         r"outperform\w*|surpass\w*|beat\w*|exceed\w*)\s+(?:the\s+|a\s+|an\s+)?"
                         r"(?:(?:standard|vanilla|original|previous|prior|strong|best|existing)\s+)?$",
                         re.IGNORECASE)
# A difference in the baseline's favour ("3x longer than Faster R-CNN", "2 points worse than"): the paper's system
# does not beat the baseline, so the result is no margin over it.
_WORSE = re.compile(r"\b(?:worse|slower|longer|behind|lags?|lagging|underperform\w*|degrad\w*|inferior|"
                    r"more\s+(?:memory|time|compute|parameters|FLOPs|energy))\b", re.IGNORECASE)
_USING = re.compile(r"\b(?:using|with|by|via)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
_ON = re.compile(r"\b(?:on|in|for|over)\s+(?:the\s+)?$", re.IGNORECASE)
_METRIC_BEFORE = re.compile(r"^\s*(?:of|is|are|was|were|=|:|at|reaches|reached|of\s+about|of\s+around|"
                            r"of\s+up\s+to|by|by\s+about|by\s+around|around|about|up\s+to)?\s*$", re.IGNORECASE)
# The metric as the subject the value is stated of: "the error rate dropped to 4.1%", "the F1 values of between
# 0.74 and 0.82", "the precision from 48.9 to 83.3", "the error rate of professional transcribers is 5.9%".
_METRIC_STATED = re.compile(
    r"\s*(?:values?\s+)?(?:of\s+(?:the\s+)?[\w\-]+(?:\s+[\w\-]+){0,2}\s+(?=is\b|are\b|was\b|were\b))?"
    r"(?:is|are|was|were|has\s+been|dropped|drops|decreas\w*|increas\w*|improv\w*|reduc\w*|rose|rises|fell|falls|"
    r"goes|went|reach\w*|stands|remains|ranging|ranges|range|varying|varies)?\s*(?:to|from|at|of)?\s*"
    r"(?:about|around|approximately|up\s+to|between|only|just|over)?\s*", re.IGNORECASE)
# "improves accuracy on GLUE by 2 points"
_METRIC_BY = re.compile(r"\s*(?:(?:on|in|for)\s+(?:the\s+)?[\w\-]+(?:\s+[\w\-]+)?\s+)?by(?:\s+about|\s+around|"
                        r"\s+up\s+to|\s+over)?\s*", re.IGNORECASE)
_TOP_K = re.compile(r"^\s*(top-\d+(?:\s+accuracy)?)", re.IGNORECASE)
_FROM_TO = re.compile(r"\bfrom\s+(?:about\s+|around\s+)?$|\bfrom\s+[\d.,]+\s*%?\s+to\s+$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;]|,\s*(?:while|whereas|which|but|and)\b")


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention as the result finder sees it: character span, type, and whether it is a node."""

    start: int
    end: int
    type: str  # Method | Dataset | Metric | Task
    text: str
    generic: bool = False
    name: str = ""  # the node's name ("LoRA" for "Low-Rank Adaptation"); "" when it is the text


@dataclass(frozen=True, slots=True)
class Result:
    start: int
    end: int
    value: str
    number: float
    unit: str | None
    kind: str  # absolute | relative
    metric: str | None
    dataset: str | None
    method: str | None
    compared_to: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class _Value:
    start: int
    end: int
    number: float
    unit: str | None


def parse_number(text: str) -> float:
    return float(text.replace(",", "").replace("\u2212", "-"))


_RANGE = re.compile(r"(?<![\w.\-/^])(\d+(?:\.\d+)?)\s?[\-\u2013]\s?(\d+(?:\.\d+)?)\s?"
                    r"(%|percent\b|points?\b|x\b|\u00d7|times\b)")


def values(sentence: str, offset: int, mentions: Sequence[Mention]) -> list[_Value]:
    """The numbers of `sentence` (starting at `offset`) that can be results."""
    out = []
    ranges = []
    for m in _RANGE.finditer(sentence):  # "3-10 times", "1.5-2.7times": both ends, with the end's unit
        unit = _UNITS[m.group(3)]
        ranges.append((m.start(), m.end()))
        out.append(_Value(offset + m.start(1), offset + m.end(1), parse_number(m.group(1)), unit))
        out.append(_Value(offset + m.start(2), offset + m.end(), parse_number(m.group(2)), unit))
    for m in _VALUE.finditer(sentence):
        if any(a <= m.start() < b for a, b in ranges):
            continue
        start, end = offset + m.start(), offset + m.end()
        number_text = m.group("number")
        unit = _UNITS.get(m.group("unit")) if m.group("unit") else None
        after = sentence[m.end():]
        before = sentence[:m.start()]
        if any(x.start < end and start < x.end for x in mentions):
            continue  # part of a name
        if unit is None and _SIZE_SUFFIX.match(after):
            continue  # "80GB", "7B", "1K"
        if before.endswith(("[", "(", "Table ", "Section ", "Figure ", "Fig. ")) or after.startswith(("]",)):
            continue
        if unit is None and _YEAR.match(number_text):
            continue
        if unit in ("%", None) and _NOT_AFTER.match(after.lstrip()):
            continue  # "1% of the labels", "0.4% of LoRA's stored parameters"
        if unit is None and "." not in number_text:
            continue  # a bare integer is a count or a setting unless a metric claims it (see `results`)
        sign = -1.0 if m.group("sign") in ("-", "\u2212") else 1.0
        out.append(_Value(start, end, sign * parse_number(number_text), unit))
    return sorted(out, key=lambda v: v.start)


def _bare_integers(sentence: str, offset: int, mentions: Sequence[Mention]) -> list[_Value]:
    """Integers without a unit that a metric claims: "28 BLEU", "a BLEU score of 28"."""
    out = []
    metrics = [x for x in mentions if x.type == "Metric"]
    for m in re.finditer(r"(?<![\w.\-/^])(\d+)(?![\w.,%\-/])", sentence):
        start, end = offset + m.start(), offset + m.end()
        if _YEAR.match(m.group(1)) or any(x.start < end and start < x.end for x in mentions):
            continue
        if _NOT_AFTER.match(sentence[m.end():].lstrip()):
            continue
        if any(0 <= x.start - end <= 1 for x in metrics) or any(
                0 <= start - x.end <= 8 and _METRIC_BEFORE.match(sentence[x.end - offset:m.start()])
                and sentence[x.end - offset:m.start()].strip() for x in metrics):
            out.append(_Value(start, end, parse_number(m.group(1)), None))
    return out


def _between(text: str, offset: int, start: int, end: int) -> str:
    return text[start - offset:end - offset]


_NOUN_OF = re.compile(r"\b(?:reduction|improvement|gain|increase|decrease|drop|speed-?up|boost|margin|"
                      r"advantage)s?\s+(?:of\s+)?(?:about\s+|around\s+|up\s+to\s+|over\s+)?$", re.IGNORECASE)
_SUBJECT_VERB = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:also\s+|only\s+|can\s+|further\s+|still\s+|consistently\s+)*"
                           r"(?:achiev|obtain|reach|yield|attain|get|score|improv|outperform|surpass|beat|"
                           r"reduc|sav|deliver|requir|run|keep|retain|maintain|take|is\b|are\b|was\b|were\b|"
                           r"has\b|have\b|gives|results|leads|performs|exceed|set|establish|match)", re.IGNORECASE)
_BASELINE_SCORE = re.compile(r"\b(?:than|vs\.?|versus)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
_OF_METHOD = re.compile(r"\s*(?:[\w-]+\s+){0,3}(?:of|by|for)\s+(?:the\s+|a\s+|an\s+)?", re.IGNORECASE)
_OWN_SUBJECT = re.compile(r"\b(?:our|we|it|this|the\s+proposed|the\s+resulting)\b", re.IGNORECASE)


def _metric_name(x: Mention) -> tuple[str, str | None]:
    """The metric a mention names, and the dataset written before it ("ImageNet top-1 accuracy")."""
    if x.name and x.name != x.text and x.text.endswith(" " + x.name):
        return x.name, x.text[:-len(x.name)].strip()
    return x.text, None


def results(sentence: str, offset: int, mentions: Sequence[Mention], own_method: str | None,
            window: int = 60, fallback_method: str | None = None) -> list[Result]:
    """The results stated in one sentence (its text, where it starts, the entity mentions inside it).

    `own_method` is the method the paper proposes, if any: the system of a result whose sentence names none;
    `fallback_method`, when it proposes none, stands in only for "we", "our model", "it"."""
    mentions = sorted(mentions, key=lambda x: x.start)
    found = values(sentence, offset, mentions)
    found = sorted(found + [b for b in _bare_integers(sentence, offset, mentions)
                            if not any(v.start < b.end and b.start < v.end for v in found)], key=lambda v: v.start)
    named = [x for x in mentions if not x.generic]
    metrics = [x for x in mentions if x.type == "Metric"]
    out: list[Result] = []
    previous_metric: str | None = None
    previous_end: int | None = None
    for index, v in enumerate(found):
        text_after = sentence[v.end - offset:]
        text_before = sentence[:v.start - offset]
        next_start = found[index + 1].start if index + 1 < len(found) else offset + len(sentence)
        lead = text_before[-window:]
        if _CLAUSE_BREAK.search(lead):
            lead = _CLAUSE_BREAK.split(lead)[-1]
        # The three words after the value, up to a comma: "1.3% average improvements", "3x fewer samples".
        trail = " ".join(re.split(r"[\d,;.]", text_after)[0].split()[:3])
        baseline_score = bool(_BASELINE_SCORE.search(lead))  # "higher than the 90.8 F1 score of adapter tuning"
        # "improves the precision from 48.9 to 83.3": the two ends of a change are scores, before and after.
        from_to = bool(_FROM_TO.search(lead))
        relative = not baseline_score and not from_to and (
            v.unit in ("x", "points") or bool(_RELATIVE_CUES.search(trail)) or bool(_NOUN_OF.search(lead))
            or (bool(_RELATIVE_CUES.search(lead)) and not _ABSOLUTE_BEFORE.search(lead)))
        # Metric: written right after the value (a dataset may sit between), or the one the value is stated in.
        metric = dataset = None
        for x in metrics:
            if x.start < v.end:
                continue
            gap = _between(sentence, offset, v.end, x.start)
            for d in mentions:
                if d.type == "Dataset" and v.end <= d.start and d.end <= x.start:
                    gap = gap.replace(d.text, " ")
            if x.start < next_start and (len(gap.split()) <= 1 or (
                    relative and re.fullmatch(r"\s*(?:\w+\s+){0,2}(?:in|on|of)\s+(?:the\s+)?", gap))):
                metric, dataset = _metric_name(x)  # "82.7% top-1", "1.2% better in top-1 accuracy"
            break
        if metric is None and (top := _TOP_K.match(text_after)):
            metric = top.group(1)
        if metric is not None and re.fullmatch(r"top-\d+", metric, re.IGNORECASE):
            # "accuracy of 82.7% top-1": top-1 accuracy
            kind = next((w for w in ("accuracy", "error") if re.search(rf"\b{w}\b", lead, re.IGNORECASE)), None)
            metric = f"{metric} {kind}" if kind else metric
        if metric is None:
            before_metrics = [x for x in metrics if x.end <= v.start and v.start - x.end <= window and (
                _METRIC_BEFORE.match(re.sub(r"\b(?:\w+ly)\b", "", _between(sentence, offset, x.end, v.start)))
                or _METRIC_STATED.fullmatch(_between(sentence, offset, x.end, v.start))
                or (relative and _METRIC_BY.fullmatch(_between(sentence, offset, x.end, v.start))))]
            if before_metrics:
                metric, dataset = _metric_name(before_metrics[-1])
        if metric is None and previous_metric is not None and previous_end is not None and (re.fullmatch(
                r"[^.;]{0,60}?(?:,|\band\b|\bor\b)[^.;]{0,40}", _between(sentence, offset, previous_end, v.start))
                or (from_to and re.fullmatch(r"\s*to\s*", _between(sentence, offset, previous_end, v.start)))):
            # "98% for retrieving correct fields and 87% for multi-field records", "from 48.9 to 83.3"
            metric = previous_metric
        if metric is None and not v.unit and "." not in sentence[v.start - offset:v.end - offset]:
            continue
        if metric and re.search(r"\b(?:reduction|improvement|gain|speed-?up)\b", metric, re.IGNORECASE):
            relative = True
        # Dataset: "on D" after the value (before the next value's), else right after it, else "On D, …".
        for d in (x for x in named if x.type == "Dataset" and x.start >= v.end):
            gap = _between(sentence, offset, v.end, d.start)
            if len(gap.split()) <= 1 or (_ON.search(gap) and (d.start < next_start or not re.search(
                    r"\b(?:on|in)\b", _between(sentence, offset, next_start, d.start)))):
                dataset = d.text
            break
        if dataset is None:
            leading = [d for d in named if d.type == "Dataset" and d.end <= v.start
                       and _ON.search(_between(sentence, offset, max(offset, d.start - 12), d.start))]
            if leading:
                dataset = leading[-1].text
        # Method: "using M", else the subject before the value, else the paper's own; never the baseline.
        method = compared_to = None
        subjects, baselines = [], []
        for x in (m for m in named if m.type == "Method"):
            lead_text = _between(sentence, offset, max(offset, x.start - 40), x.start)
            if _COMPARISON.search(lead_text):
                baselines.append(x)
            elif x.end <= v.start and _SUBJECT_VERB.match(_between(sentence, offset, x.end, v.start)):
                subjects.append(x)
            elif method is None and x.start - v.end <= 120 and (_USING.search(
                    _between(sentence, offset, max(offset, x.start - 20), x.start)) or _OF_METHOD.fullmatch(
                    _between(sentence, offset, v.end, x.start))):
                method = x.text
        if method is None and subjects:
            method = subjects[-1].text
        if method is None:
            method = own_method
        ours = _OWN_SUBJECT.search(text_before) is not None
        if method is None and ours and len(named_before := [
                x for x in named if x.type == "Method" and x.end <= v.start and x not in baselines]) == 1:
            method = named_before[0].text  # "We train a Vision Transformer on ImageNet and report 88.5 percent"
        if method is None and ours:
            method = fallback_method
        if relative and baselines:
            after = [b for b in baselines if 0 <= b.start - v.end <= window
                     and not _CLAUSE_BREAK.search(_between(sentence, offset, v.end, b.start))]
            before = [b for b in baselines if v.start - len(lead) <= b.start and b.end <= v.start]
            chosen = after[0] if after else before[-1] if before else None
            if chosen is not None and _WORSE.search(_between(sentence, offset, min(v.start, chosen.start),
                                                              max(v.end, chosen.start))):
                chosen = None
            compared_to = chosen.text if chosen is not None and chosen.text != method else None
        confidence = 0.5 + 0.2 * (metric is not None) + 0.1 * (v.unit is not None) + 0.1 * (dataset is not None) \
            + 0.05 * (method is not None)
        out.append(Result(v.start, v.end, sentence[v.start - offset:v.end - offset], v.number, v.unit,
                          "relative" if relative else "absolute", metric, dataset, method, compared_to,
                          round(min(confidence, 0.95), 4)))
        previous_metric, previous_end = metric, v.end
    out = _coordinated(out, sentence, offset)
    if re.search(r"\brespectively\b", sentence) and len(out) >= 2:
        out = _respectively(out, named)
    return out


def _coordinated(found: list[Result], sentence: str, offset: int) -> list[Result]:
    """"4.6% and 1.3% average improvements compared to LoRA", "by 9% to 13% on WikiSQL": a value joined to the
    next by "and", "or", "to" or a comma takes what it lacks from the next (its kind too, when it has no metric)."""
    out = list(found)
    for i in range(len(out) - 1):  # "by 9% to 13%": a range's end is the same kind of number as its start
        if re.fullmatch(r"\s*to\s*", _between(sentence, offset, out[i].end, out[i + 1].start)):
            out[i + 1] = replace(out[i + 1], kind=out[i].kind, compared_to=out[i].compared_to)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if not re.fullmatch(r"\s*(?:,|and|or|to|,\s*and)\s*", _between(sentence, offset, a.end, b.start)):
            continue
        if a.metric is None and a.kind == "absolute":
            a = replace(a, kind=b.kind, compared_to=b.compared_to)
        out[i] = replace(a, metric=a.metric or b.metric, dataset=a.dataset or b.dataset,
                         method=a.method or b.method,
                         compared_to=a.compared_to or (b.compared_to if a.kind == "relative" else None))
    return out


def _respectively(found: list[Result], named: Sequence[Mention]) -> list[Result]:
    """"X and Y reach 80% and 70%, respectively": names listed before the values, aligned item by item."""
    first = found[0].start
    aligned = list(found)
    for kind, attribute in (("Dataset", "dataset"), ("Method", "method"), ("Metric", "metric")):
        listed = []
        for x in named:
            if x.type == kind and x.end <= first and x.text not in listed:
                listed.append(x.text)
        if len(listed) == len(found):
            aligned = [replace(r, **{attribute: name}) for r, name in zip(aligned, listed, strict=True)]
    return aligned
