"""The entity registry: which key (and so which IRI) each name form was given, kept across runs.

A key, once minted, is never taken back. A name form seen before keeps its entity; a new form joins the entity
resolution puts it with, or mints a new key from the entity's preferred name. When a later run merges two
entities that both had keys, the older key survives and the younger is recorded as replaced by it, so IRIs
already published still resolve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kgbuild.model import EntityType
from kgbuild.resolve.names import slug


@dataclass(slots=True)
class EntityRegistry:
    # name form ("method/low-rank adaptation") -> entity key ("method/low-rank-adaptation")
    forms: dict[str, str] = field(default_factory=dict)
    # entity keys in the order they were minted: the older of two merged keys survives
    keys: list[str] = field(default_factory=list)
    # replaced key -> the key that replaced it
    replaced: dict[str, str] = field(default_factory=dict)
    # key -> its position in `keys`, kept in step with it (a corpus mints thousands of keys: no rescans)
    _positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def _positions_now(self) -> dict[str, int]:
        if len(self._positions) != len(self.keys):
            self._positions = {key: i for i, key in enumerate(self.keys)}
        return self._positions

    def current(self, key: str) -> str:
        while key in self.replaced:
            key = self.replaced[key]
        return key

    def assign(self, kind: EntityType, name: str, forms: set[str]) -> tuple[str, tuple[str, ...]]:
        """The key for an entity with these name forms, and the older keys it now replaces."""
        known = sorted({self.current(self.forms[f]) for f in forms if f in self.forms},
                       key=self._positions_now().__getitem__)
        if known:
            key = known[0]
            for old in known[1:]:
                self.replaced[old] = key
        else:
            key = self._mint(kind, name)
        for f in forms:
            self.forms[f] = key
        return key, tuple(sorted(old for old, new in self.replaced.items() if self.current(new) == key))

    def _mint(self, kind: EntityType, name: str) -> str:
        base = f"{kind.value.lower()}/{slug(name)}"
        taken = self._positions_now()
        key, n = base, 2
        while key in taken:  # another entity's name has the same slug ("ResNet" vs "resnet" after a split)
            key, n = f"{base}-{n}", n + 1
        taken[key] = len(self.keys)
        self.keys.append(key)
        return key

    def to_json(self) -> str:
        return json.dumps({"keys": self.keys, "replaced": dict(sorted(self.replaced.items())),
                           "forms": dict(sorted(self.forms.items()))}, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> EntityRegistry:
        data = json.loads(text)
        return cls(forms=dict(data["forms"]), keys=list(data["keys"]), replaced=dict(data["replaced"]))

    @classmethod
    def load(cls, path: Path) -> EntityRegistry:
        """The registry saved at `path`, or an empty one on a first run."""
        return cls.from_json(path.read_text(encoding="utf-8")) if path.exists() else cls()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")


__all__ = ["EntityRegistry"]
