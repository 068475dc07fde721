"""The lexicon of known names: what kgbuild knows about a name before reading the paper.

Four lists, all shipped in `data/`:

- `lexicon.tsv`: hand-kept entities (kgbuild authors): established methods, architectures, models,
  optimisers, datasets, metrics and tasks, with their other written forms ("ResNet" / "residual networks")
  and, where known, external ids;
- `pwc_names.tsv`: names derived from Papers with Code lists (CC BY-SA 4.0, `namelist.py`), noisy;
- `train_names.tsv`: the entity names of the gold train splits (SciERC, TDMSci, SciREX) with the number of
  documents naming each, derived by `kgbuild train`;
- `not_entities.tsv`: names that are never graph nodes, by category (hardware, venue, organisation,
  programming language, generic words, umbrella classes).

The extractor uses it three ways: its names are candidates the model may have missed, its types are a prior
for the node classifier, and its aliases join spelled-out and short forms in resolution (`curated_entities`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kgbuild.model import EntityType
from kgbuild.names import normalise

SOURCES = ("curated", "pwc", "train")
BLOCK_CATEGORIES = ("hardware", "venue", "organisation", "language", "generic", "umbrella", "person", "url")
_URL = re.compile(r"(?i)^(?:https?://|www\.)|\.(?:com|org|io|net)(?:/|$)|github|huggingface\.co")
# A name followed by a year: a venue's edition when the name is a venue.
_EDITION = re.compile(r"^(.+?)\s*(?:'\d{2}|\s(?:19|20)\d{2})$")
# "Smith et al.", "Collins (2000)": a person cited by name.
_PERSON = re.compile(r"^[A-Z][a-z]+(?:\s+(?:and|&)\s+[A-Z][a-z]+)?(?:\s+et\s+al\.?|'s|\s*\(\d{4}\))$")
# "MIT Lincoln Laboratory", "Stanford University", "Allen Institute": a capitalised name ending in an
# organisation's kind.
_ORGANISATION = re.compile(r"^(?:[A-Z][\w&.-]*\s+)+(?:Laboratory|Laboratories|Labs?|University|Institute|"
                           r"Corporation|Corp\.?|Inc\.?|Ltd\.?|Foundation|Department|Consortium)$")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    name: str
    type: EntityType
    source: str  # curated | pwc | train
    aliases: tuple[str, ...] = ()
    cased: bool = True  # match in exact case only
    same_as: tuple[str, ...] = ()  # external ids (IRIs)
    documents: int = 0  # train names: how many gold train documents name it

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def lexicon_key(text: str) -> str:
    """The form lexicon look-ups compare: `normalise` without any type's extras."""
    return normalise(text, EntityType.METHOD)


@dataclass(slots=True)
class Lexicon:
    entries: list[LexiconEntry] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)  # lexicon_key -> category
    _by_key: dict[str, list[LexiconEntry]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._index(entry)

    def _index(self, entry: LexiconEntry) -> None:
        for form in entry.forms:
            keys = {lexicon_key(form), normalise(form, entry.type)}
            for key in keys:
                if key and entry not in self._by_key[key]:
                    self._by_key[key].append(entry)

    def add(self, entry: LexiconEntry) -> None:
        self.entries.append(entry)
        self._index(entry)

    def lookup(self, text: str) -> list[LexiconEntry]:
        """Entries one of whose forms is `text` (after normalisation), hand-kept ones first."""
        found = {id(e): e for key in {lexicon_key(text), normalise(text, EntityType.DATASET)}
                 for e in self._by_key.get(key, ())}
        return sorted(found.values(), key=lambda e: SOURCES.index(e.source))

    def head_hits(self, text: str) -> list[LexiconEntry]:
        """Entries whose form is a proper word-suffix of `text` of two words or more ("statistical machine
        translation" ends with "machine translation"): the name is a kind of that entity."""
        words = lexicon_key(text).split(" ")
        found: dict[int, LexiconEntry] = {}
        for i in range(1, len(words) - 1):
            for e in self._by_key.get(" ".join(words[i:]), ()):
                if e.source != "train":
                    found.setdefault(id(e), e)
        return list(found.values())

    def category(self, text: str) -> str | None:
        """The not-an-entity category of a name, or None: its own ("venue" for "NeurIPS"), or hardware when a
        word of it names hardware ("NVIDIA A100 GPUs", "TPU v4 pods")."""
        key = lexicon_key(text)
        if key in self.blocked:
            return self.blocked[key]
        edition = _EDITION.match(text.strip())
        if edition and self.blocked.get(lexicon_key(edition.group(1))) == "venue":
            return "venue"  # "FOCS 2012", "NeurIPS'23"
        if _URL.search(text):
            return "url"
        if _PERSON.match(text.strip()):
            return "person"
        if _ORGANISATION.match(text.strip()):
            return "organisation"
        words = text.split()
        if len(words) > 1 and any(self.blocked.get(lexicon_key(w)) == "hardware" for w in words):
            return "hardware"
        return None

    def curated(self) -> list[LexiconEntry]:
        return [e for e in self.entries if e.source == "curated"]


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def parse_entries(text: str, source: str) -> list[LexiconEntry]:
    """Entries of a lexicon TSV: `name type aliases match same_as` (curated), `name type match` (pwc) or
    `name type documents` (train)."""
    entries = []
    rows = _rows(text)
    for row in rows[1:] if rows and rows[0][0] == "name" else rows:
        if source == "curated":
            name, kind, aliases, match, same_as = (row + [""] * 5)[:5]
            entries.append(LexiconEntry(name, EntityType(kind), source, tuple(a for a in aliases.split("|") if a),
                                        match != "lower", tuple(s for s in same_as.split("|") if s)))
        elif source == "pwc":
            name, kind, match = row
            entries.append(LexiconEntry(name, EntityType(kind), source, cased=match != "lower"))
        else:
            name, kind, documents = row
            entries.append(LexiconEntry(name, EntityType(kind), source, cased=False, documents=int(documents)))
    return entries


def parse_blocked(text: str) -> dict[str, str]:
    rows = _rows(text)
    blocked = {}
    for name, category, *_ in rows[1:] if rows and rows[0][0] == "name" else rows:
        if category not in BLOCK_CATEGORIES:
            raise ValueError(f"not_entities.tsv: {name!r} has unknown category {category!r}")
        blocked[lexicon_key(name)] = category
    return blocked


DATA_FILES = {"curated": "lexicon.tsv", "pwc": "pwc_names.tsv", "train": "train_names.tsv"}
BLOCKED_FILE = "not_entities.tsv"


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    """The lexicon of the lists in `data/` (read once per process)."""
    data = resources.files("kgbuild.extract") / "data"
    entries = []
    for source, filename in DATA_FILES.items():
        path = data / filename
        if path.is_file():
            entries.extend(parse_entries(path.read_text(encoding="utf-8"), source))
    return Lexicon(entries, parse_blocked((data / BLOCKED_FILE).read_text(encoding="utf-8")))


__all__ = ["BLOCK_CATEGORIES", "Lexicon", "LexiconEntry", "lexicon_key", "parse_blocked", "parse_entries",
           "shipped_lexicon"]
