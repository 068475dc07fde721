"""The curated alias file: canonical names, their aliases and external ids, edited by users, applied on every run.

YAML (a list of entries) or CSV (columns name, type, aliases, same_as; lists separated by "|"):

    - name: Low-Rank Adaptation
      type: Method
      aliases: [LoRA, low rank adaptation]
      same_as: [http://www.wikidata.org/entity/Q117322402]
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from kgbuild.model import EntityType


class AliasFileError(ValueError):
    """A curated alias file that cannot be used, naming the file, the entry and the reason."""


@dataclass(frozen=True, slots=True)
class CuratedEntity:
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    # From kgbuild's own lexicon rather than a user's alias file: a user's entry for the same form wins.
    shipped: bool = False


def _entry(raw: object, where: str) -> CuratedEntity:
    if not isinstance(raw, dict):
        raise AliasFileError(f"{where}: expected a mapping with name and type, got {type(raw).__name__}")
    name, kind = str(raw.get("name") or "").strip(), str(raw.get("type") or "").strip()
    if not name:
        raise AliasFileError(f"{where}: missing name")
    types = {t.value.casefold(): t for t in EntityType}
    if kind.casefold() not in types:
        raise AliasFileError(f"{where}: type {kind!r} is not one of {', '.join(t.value for t in EntityType)}")

    def listed(key: str) -> tuple[str, ...]:
        value = raw.get(key) or ()
        items = value.split("|") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise AliasFileError(f"{where}: {key} must be a list")
        return tuple(s for s in (str(item).strip() for item in items) if s)

    same_as = listed("same_as")
    for iri in same_as:
        if not iri.startswith(("http://", "https://")):
            raise AliasFileError(f"{where}: same_as {iri!r} is not an http(s) IRI")
    return CuratedEntity(name, types[kind.casefold()], listed("aliases"), same_as)


def load_aliases(path: Path) -> list[CuratedEntity]:
    """Entries of a curated alias file (.yaml/.yml or .csv); raises AliasFileError naming file and entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AliasFileError(f"{path}: cannot read the alias file ({error})") from error
    if path.suffix.lower() == ".csv":
        rows = csv.DictReader(text.splitlines())
        return [_entry(row, f"{path}:{n}") for n, row in enumerate(rows, start=2)]
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as error:
        raise AliasFileError(f"{path}: not valid YAML ({error})") from error
    if not isinstance(data, list):
        raise AliasFileError(f"{path}: expected a list of entries")
    return [_entry(raw, f"{path}: entry {n}") for n, raw in enumerate(data, start=1)]


@lru_cache(maxsize=1)
def lexicon_aliases() -> tuple[CuratedEntity, ...]:
    """The shipped lexicon's hand-kept entities that carry other written forms or external ids ("ResNet" /
    "residual networks"): applied on every run, under any alias file."""
    from kgbuild.extract.lexicon import shipped_lexicon

    return tuple(CuratedEntity(e.name, e.type, e.aliases, e.same_as, shipped=True)
                 for e in shipped_lexicon().curated() if e.aliases or e.same_as)


__all__ = ["AliasFileError", "CuratedEntity", "lexicon_aliases", "load_aliases"]
