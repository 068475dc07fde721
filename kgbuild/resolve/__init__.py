"""Resolution stage: mentions from all papers become canonical entities, with keys stable across runs.

Name forms (type plus normalised name: case, Unicode, hyphen and spacing variants, plurals) are joined into one
entity when the corpus says they are the same: an acronym defined in a paper ("Low-Rank Adaptation (LoRA)"),
an acronym defined once in the whole corpus (a bare "LoRA" elsewhere), the curated alias file, the registry of
earlier runs, or a conservative spelling match (`kgbuild.resolve.fuzzy`). "ImageNet" and "ImageNet-21k" stay
apart. An entity's preferred name is the curated one, else its most frequent full (non-acronym) surface form.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kgbuild.model import CanonicalEntity, EntityType, PaperExtraction
from kgbuild.resolve.aliases import AliasFileError, CuratedEntity, lexicon_aliases, load_aliases
from kgbuild.resolve.fuzzy import FUZZY_THRESHOLD, match_form, similar_names, typo_words
from kgbuild.resolve.names import decorated, form_key, normalise, slug, split_form
from kgbuild.resolve.registry import EntityRegistry


class _Forms:
    """Union-find over name forms."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, form: str) -> None:
        self.parent.setdefault(form, form)

    def find(self, form: str) -> str:
        root = form
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[form] != root:
            self.parent[form], form = root, self.parent[form]
        return root

    def union(self, a: str, b: str) -> None:
        self.add(a)
        self.add(b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the smaller root wins: the result is order independent

    def groups(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for form in self.parent:
            out[self.find(form)].add(form)
        return out


def _acronym_long_forms(extractions: Sequence[PaperExtraction]) -> dict[str, set[str]]:
    """Each acronym form with the long forms the corpus defines for it."""
    long_forms: dict[str, set[str]] = defaultdict(set)
    for x in extractions:
        for m in x.entities:
            if m.canonical != m.text:
                long_forms[form_key(m.type, m.text)].add(form_key(m.type, m.canonical))
    return long_forms


def _spelling_matches(names: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs of forms of one type whose names (form -> a name of that form) are spelling variants of one name."""
    by_match: dict[tuple[EntityType, str], list[str]] = defaultdict(list)
    for f in sorted(names):
        kind = split_form(f)[0]
        by_match[(kind, match_form(names[f], kind))].append(f)
    pairs = [(group[0], f) for group in by_match.values() for f in group[1:]]
    # Typos: one letter edit, so the same number of words and lengths within one. Blocking on the first
    # three characters keeps this near linear; a typo there is left unmerged.
    blocks: dict[tuple[EntityType, int, str], list[tuple[str, str]]] = defaultdict(list)
    for (kind, matched), group in by_match.items():
        blocks[(kind, len(names[group[0]].split()), matched[:3])].append((matched, group[0]))
    word_names = _word_counts(names.values())
    for (kind, _, _), block in blocks.items():
        block.sort(key=lambda item: len(item[0]))
        for i, (a, form_a) in enumerate(block):
            for b, form_b in block[i + 1:]:
                if len(b) - len(a) > 1:
                    break
                if similar_names(names[form_a], names[form_b], kind) and not _both_words(
                        typo_words(names[form_a], names[form_b], kind), word_names):
                    pairs.append((form_a, form_b))
    return pairs


def _word_counts(names: Iterable[str]) -> Counter[str]:
    """In how many distinct names each word occurs."""
    return Counter(w for name in set(names) for w in set(name.casefold().replace("-", " ").split()))


def _both_words(typo: tuple[str, str] | None, word_names: Counter[str]) -> bool:
    # A typo is rare; when both spellings each occur in several names of the corpus, they are two words
    # ("generic"/"genetic" algorithm), not one misspelt.
    return typo is not None and min(word_names[typo[0]], word_names[typo[1]]) >= 2


def _vote_types(extractions: Sequence[PaperExtraction]) -> list[PaperExtraction]:
    """One type per name across the corpus: every mention of a name (its canonical form, whatever the type) takes
    the type its mentions' confidences add up to most, so that "federated learning" is not a Method in 13
    papers and a Task in 6."""
    votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for x in extractions:
        for m in x.entities:
            votes[normalise(m.canonical, EntityType.METHOD)][m.type] += m.confidence
    winner = {name: max(counts, key=lambda t: (counts[t], t.value)) for name, counts in votes.items()}
    return [replace(x, entities=tuple(
        m if winner[normalise(m.canonical, EntityType.METHOD)] is m.type
        else replace(m, type=winner[normalise(m.canonical, EntityType.METHOD)]) for m in x.entities))
        if any(winner[normalise(m.canonical, EntityType.METHOD)] is not m.type for m in x.entities) else x
        for x in extractions]


_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2}|.*[A-Z].*\d)[A-Za-z][A-Za-z0-9\-]{1,14}$")


def _is_proper(written: Counter[str]) -> bool:
    """Whether the corpus writes a long form as a name, its words capitalised ("Low-Rank Adaptation",
    "Differentiable ARchiTecture Search"), at least as often as in lower case ("federated learning")."""
    capitalised = sum(n for s, n in written.items() if sum(w[:1].isupper() for w in re.split(r"[\s\-]+", s)) >= 2)
    return 2 * capitalised >= sum(written.values())


def _acronym_name(acronyms: Counter[str], long_name: str) -> str | None:
    """The acronym users search for ("LoRA", "DARTS"), when the corpus writes one for this entity: its most
    written defined acronym that starts like the long name."""
    if len(re.split(r"[\s\-]+", long_name.strip())) < 2:
        return None
    candidates = [s for s in acronyms if _ACRONYM.match(s) and s.casefold() != long_name.casefold()
                  and s[0].casefold() == long_name.strip()[0].casefold()]
    return min(candidates, key=lambda s: (-acronyms[s], s)) if candidates else None


@dataclass(slots=True)
class Resolution:
    entities: dict[str, CanonicalEntity]
    extractions: list[PaperExtraction]


def entity_keys(entities: dict[str, CanonicalEntity]) -> dict[tuple[EntityType, str], str]:
    """(type, preferred name) -> entity key: how a resolved mention (whose `canonical` is that name) finds its
    entity. Preferred names are unique per type, since each is a name form of its own entity only."""
    return {(e.type, e.name): key for key, e in entities.items()}


def resolve(
    extractions: Iterable[PaperExtraction],
    curated: Sequence[CuratedEntity] = (),
    registry: EntityRegistry | None = None,
    known: Sequence[CuratedEntity] | None = None,
) -> Resolution:
    """Canonical entities for all mentions; each mention's `canonical` becomes its entity's preferred name.

    `curated` are the user's alias file's entries; `known` the entities kgbuild knows the other written forms
    of (default: the shipped lexicon's, `lexicon_aliases`). `registry` (updated in place) carries keys across
    runs; without one, keys are minted afresh.
    """
    curated = [*curated, *(lexicon_aliases() if known is None else known)]
    extractions = _vote_types(list(extractions))
    registry = registry if registry is not None else EntityRegistry()
    forms = _Forms()
    long_forms = _acronym_long_forms(extractions)
    unique_long = {short: next(iter(longs)) for short, longs in long_forms.items() if len(longs) == 1}
    mention_form: dict[tuple[int, int], str] = {}
    full_names: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: dict[str, set[str]] = defaultdict(set)
    # How often each form was written as an acronym of a long form the same text defines ("LoRA").
    acronym_uses: dict[str, Counter[str]] = defaultdict(Counter)
    # Per form, its mentions that are graph nodes and all its mentions: an entity is a node when at least half of
    # its mentions are (one paper's odd context does not make "DNNs" a node, nor hide "ResNet").
    specific: Counter[str] = Counter()
    mentioned: Counter[str] = Counter()
    for n, x in enumerate(extractions):
        for i, m in enumerate(x.entities):
            text_form, canonical_form = form_key(m.type, m.text), form_key(m.type, m.canonical)
            if m.canonical == m.text and text_form in unique_long:
                canonical_form = unique_long[text_form]  # a bare "LoRA" is the LoRA the corpus defines
            elif m.canonical != m.text and text_form in unique_long:
                forms.union(text_form, canonical_form)
            forms.add(canonical_form)
            mention_form[(n, i)] = canonical_form  # by position: `extract` may repeat an id
            surfaces[canonical_form].add(m.text)
            mentioned[canonical_form] += 1
            if not m.generic:
                specific[canonical_form] += 1
            if text_form in long_forms:
                acronym_uses[canonical_form][" ".join(m.text.split())] += 1
            if m.canonical != m.text or text_form not in long_forms:
                full_names[canonical_form][m.canonical] += 1
    curated_by_form: dict[str, CuratedEntity] = {}
    # A user's alias file wins over the shipped lexicon's entries for the same form.
    for entry in sorted(curated, key=lambda e: e.shipped):  # stable: the user's entries first, in file order
        head = form_key(entry.type, entry.name)
        curated_by_form.setdefault(head, entry)
        for alias in entry.aliases:
            forms.union(head, form_key(entry.type, alias))
    by_key: dict[str, list[str]] = defaultdict(list)
    for f, key in registry.forms.items():
        by_key[registry.current(key)].append(f)
    for group in by_key.values():
        if any(f in forms.parent for f in group):
            for f in group[1:]:
                forms.union(group[0], f)
    # Each form's name as written (the case matters to "(NER)"-style acronym detection); the form itself for
    # curated or registered forms no paper uses.
    names = {f: min(full_names[f]) if full_names.get(f) else split_form(f)[1] for f in forms.parent}
    for a, b in _spelling_matches(names):
        forms.union(a, b)

    chosen: dict[str, tuple[EntityType, str, str | None, CuratedEntity | None, Counter[str], set[str]]] = {}
    defined_by: Counter[tuple[EntityType, str]] = Counter()
    for root, members in sorted(forms.groups().items()):
        if not any(f in full_names or f in surfaces for f in members):
            continue  # only curated or registered forms: no paper names this entity in this corpus
        kind = split_form(root)[0]
        entries = [curated_by_form[f] for f in sorted(members) if f in curated_by_form]
        entry = next((e for e in entries if not e.shipped), entries[0] if entries else None)
        counts = Counter()
        acronyms: Counter[str] = Counter()
        for f in members:
            counts.update(full_names.get(f, {}))
            acronyms.update(acronym_uses.get(f, {}))
        if entry is not None:
            name, short = entry.name, None  # a curated name: the user's, else the lexicon's ("federated learning")
        else:
            if counts:
                long_name = min(counts, key=lambda s: (decorated(s, kind), -counts[s], s))
            else:
                long_name = min(s for f in members for s in surfaces.get(f, ()))
            # The preferred name is the form users search for: the acronym the corpus defines and writes, when its
            # long form is a name ("Low-Rank Adaptation" → "LoRA"), not a description ("federated learning").
            name, short = long_name, _acronym_name(acronyms, long_name) if _is_proper(counts) else None
        chosen[root] = (kind, name, short, entry, counts, members)
        defined_by.update((kind, a.casefold()) for a in acronyms)
    # Preferred names are unique per type: an acronym two entities define ("SR") names neither.
    taken = Counter((kind, (short or name).casefold()) for kind, name, short, *_ in chosen.values()) + defined_by
    entities: dict[str, CanonicalEntity] = {}
    name_of_root: dict[str, str] = {}
    entity_generic: dict[str, bool] = {}
    for root, (kind, name, short, entry, counts, members) in chosen.items():
        if short is not None and taken[(kind, short.casefold())] == 2:  # its own acronym, defined by it alone
            name = short
        key, replaced = registry.assign(kind, name, members)
        aliases = {s for f in members for s in surfaces.get(f, ())} | set(counts)
        if entry is not None:
            aliases |= {entry.name, *entry.aliases}
        aliases = {" ".join(a.split()) for a in aliases}
        entities[key] = CanonicalEntity(key=key, type=kind, name=name, aliases=tuple(sorted(aliases - {name})),
                                        same_as=entry.same_as if entry else (), replaces=replaced,
                                        generic=2 * sum(specific[f] for f in members)
                                        < sum(mentioned[f] for f in members))
        name_of_root[root] = name
        entity_generic[root] = entities[key].generic
    resolved = [
        replace(x, entities=tuple(
            replace(m, canonical=name_of_root[root], generic=entity_generic[root])
            for i, m in enumerate(x.entities) for root in (forms.find(mention_form[(n, i)]),)
        ))
        for n, x in enumerate(extractions)
    ]
    return Resolution(entities=dict(sorted(entities.items())), extractions=resolved)


__all__ = [
    "FUZZY_THRESHOLD", "AliasFileError", "CuratedEntity", "EntityRegistry", "Resolution", "entity_keys", "form_key",
    "lexicon_aliases", "load_aliases", "match_form", "normalise", "resolve", "similar_names", "slug",
]
