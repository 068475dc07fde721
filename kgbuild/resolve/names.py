"""Name forms: the normalised form two names must share to be one entity, and the IRI-safe slug of a name."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from kgbuild.model import EntityType
from kgbuild.names import SPACES, decorated, normalise


def form_key(kind: EntityType, text: str) -> str:
    """The type-scoped matching form of a name: "method/low-rank adaptation"."""
    return f"{kind.value.lower()}/{normalise(text, kind)}"


_KINDS = {t.value.lower(): t for t in EntityType}


def split_form(form: str) -> tuple[EntityType, str]:
    """A `form_key` taken apart: "method/low-rank adaptation" -> (Method, "low-rank adaptation")."""
    kind, _, name = form.partition("/")
    return _KINDS[kind], name


def slug(text: str) -> str:
    """A readable IRI path segment: lower case, words joined by "-", anything outside RFC 3986's unreserved
    characters percent-encoded, so any Unicode or punctuation gives a valid, unambiguous IRI. No slug starts
    or ends with ".": Turtle must escape such a local name ("kgr:dataset\\/x\\."), and rdflib cannot read that."""
    words = SPACES.split(unicodedata.normalize("NFKC", text).casefold().strip())
    return quote("-".join(w for w in words if w), safe="-._~").strip(".") or "_"


__all__ = ["decorated", "form_key", "normalise", "slug", "split_form"]
