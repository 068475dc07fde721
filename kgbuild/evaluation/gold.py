"""Readers for the gold sets in ../shared/eval, as raw text with character-offset spans.

Every gold set becomes `GoldText` records: a text as a user would give it
(tokens joined back into prose, PTB escapes undone) and the gold spans as
character offsets into it, so that training and evaluation both start from
raw text, exactly as `kgbuild extract` does. Train/dev splits are fixed and
deterministic; test splits are never read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kgbuild.model import EntityType

PTB_ESCAPES = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
               "``": '"', "''": '"'}
_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "}", "?", "!", "%", "'s", "n't", "'re", "'ve", "'ll", "'d"}
_NO_SPACE_AFTER = {"(", "[", "{", "$"}

SCIERC_TYPES = {"Method": EntityType.METHOD, "Task": EntityType.TASK, "Metric": EntityType.METRIC}
TDMSCI_TYPES = {"TASK": EntityType.TASK, "DATASET": EntityType.DATASET, "METRIC": EntityType.METRIC}
SCIREX_TYPES = {"Method": EntityType.METHOD, "Task": EntityType.TASK, "Metric": EntityType.METRIC,
                "Material": EntityType.DATASET}
CSABSTRUCT_CLAIMS = {"objective": "contribution", "result": "finding"}


@dataclass(frozen=True, slots=True)
class GoldSpan:
    start: int
    end: int
    label: str


@dataclass(slots=True)
class GoldText:
    id: str
    text: str
    spans: list[GoldSpan] = field(default_factory=list)
    # Which of our types this set annotates at all; a prediction of another type is not scored.
    types: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class GoldSentence:
    abstract_id: str
    index: int
    text: str
    role: str  # the CSAbstruct label: background, objective, method, result or other

    @property
    def label(self) -> str | None:
        """The claim type this sentence's role makes it: "contribution", "finding" or None."""
        return CSABSTRUCT_CLAIMS.get(self.role)


def detokenize(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Prose from tokens, and each token's character span in it."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    length = 0
    glue_next = True
    for i, raw in enumerate(tokens):
        token = PTB_ESCAPES.get(raw, raw)
        hyphen_join = token == "-" and 0 < i < len(tokens) - 1 and tokens[i - 1][-1:].isalnum() \
            and tokens[i + 1][:1].isalnum()
        space = not (glue_next or token in _NO_SPACE_BEFORE or hyphen_join)
        if space:
            parts.append(" ")
            length += 1
        offsets.append((length, length + len(token)))
        parts.append(token)
        length += len(token)
        glue_next = token in _NO_SPACE_AFTER or hyphen_join
    return "".join(parts), offsets


def _split_of(key: str, dev_share: int = 7) -> str:
    """A fixed dev split by hashing the document key: 1 in `dev_share` goes to dev."""
    return "dev" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % dev_share == 0 else "train"


def read_scierc(path: Path) -> Iterator[GoldText]:
    """SciERC documents (train.json or dev.json): Method, Task, Metric (Material is broader than Dataset: left out)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        tokens = [t for sentence in doc["sentences"] for t in sentence]
        text, offsets = detokenize(tokens)
        gold = GoldText(doc["doc_key"], text, types=frozenset(t.value for t in SCIERC_TYPES.values()))
        for sentence in doc["ner"]:
            for start, end, label in sentence:
                if label in SCIERC_TYPES:
                    gold.spans.append(GoldSpan(offsets[start][0], offsets[end][1], SCIERC_TYPES[label].value))
        yield gold


def read_tdmsci(path: Path, split: str) -> Iterator[GoldText]:
    """TDMSci sentences (token, char offset, BIO tag); dev is every 7th block of 20 sentences."""
    sentences: list[list[tuple[str, int, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        token, offset, tag = line.split("\t")
        sentences[-1].append((token, int(offset), tag))
    types = frozenset(t.value for t in TDMSCI_TYPES.values())
    for number, rows in enumerate(s for s in sentences if s):
        # Blocks keep neighbouring sentences of one paper on the same side of the split.
        if ("dev" if (number // 20) % 7 == 0 else "train") != split:
            continue
        # Offsets count from the start of the paper, not of the sentence.
        base = rows[0][1]
        rows = [(token, offset - base, tag) for token, offset, tag in rows]
        text = ""
        for token, offset, _ in rows:
            text += " " * (offset - len(text)) + token
        gold = GoldText(f"tdmsci-{number}", text, types=types)
        current: list | None = None
        for token, offset, tag in rows:
            if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != tag[2:])):
                if current:
                    gold.spans.append(GoldSpan(*current[:2], TDMSCI_TYPES[current[2]].value))
                current = [offset, offset + len(token), tag[2:]]
            elif tag.startswith("I-") and current is not None:
                current[1] = offset + len(token)
            else:
                if current:
                    gold.spans.append(GoldSpan(*current[:2], TDMSCI_TYPES[current[2]].value))
                current = None
        if current:
            gold.spans.append(GoldSpan(*current[:2], TDMSCI_TYPES[current[2]].value))
        yield gold


def _section_header_length(words: Sequence[str]) -> int:
    # SciREX prefixes sections with header words: "document :" before the title, "section : Abstract".
    if words[:2] == ["document", ":"]:
        return 2
    if words[:2] == ["section", ":"]:
        return 3 if len(words) > 2 and words[2] in {"Abstract", "Introduction"} else 2
    return 0


def read_scirex(folder: Path, split: str, sections: int = 2) -> Iterator[GoldText]:
    """SciREX papers: their first `sections` sections (title and abstract by default); Material → Dataset.

    Sections are joined by a blank line, as `kgbuild extract` joins a title and its abstract.
    """
    types = frozenset(t.value for t in SCIREX_TYPES.values())
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if _split_of(doc["doc_id"]) != split:
            continue
        words = doc["words"]
        offsets: dict[int, tuple[int, int]] = {}
        text = ""
        for start, end in doc["sections"][:sections]:
            first = start + _section_header_length(words[start:end])
            section_text, section_offsets = detokenize(words[first:end])
            base = len(text) + (2 if text else 0)
            text = f"{text}\n\n{section_text}" if text else section_text
            offsets.update({first + i: (a + base, b + base) for i, (a, b) in enumerate(section_offsets)})
        gold = GoldText(doc["doc_id"], text, types=types)
        for start, end, label in doc["ner"]:
            if label in SCIREX_TYPES and start in offsets and end - 1 in offsets:
                gold.spans.append(GoldSpan(offsets[start][0], offsets[end - 1][1], SCIREX_TYPES[label].value))
        yield gold


def read_csabstruct(path: Path) -> Iterator[list[GoldSentence]]:
    """CSAbstruct abstracts as sentence lists; `abstract_id` is always 0 upstream, so the line number names them."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        yield [GoldSentence(f"csabstruct-{number}", i, s, label)
               for i, (s, label) in enumerate(zip(record["sentences"], record["labels"], strict=True))]
