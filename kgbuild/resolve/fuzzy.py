"""Conservative fuzzy matching of entity names: spelling variants only, never look-alikes.

`normalise` already merges case, Unicode, hyphen-spacing and plural variants. This module adds the variants it
misses ("MaskRCNN" / "Mask R-CNN", "colour" / "color", "pretraining" / "pre-training", "Named Entity Recognition
(NER)" / "Named Entity Recognition", one-letter typos in long names) while refusing every pair that differs in a
number, a size or version token, or a whole word ("GPT-3" / "GPT-4", "BERT-base" / "BERT-large", "T5" / "mT5",
"encoder" / "decoder"). A wrong merge corrupts every query that touches either entity, so any doubt means no.
The thresholds were chosen on the gold alias pairs of `kgbuild.evaluation.aliases`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from kgbuild.model import EntityType
from kgbuild.resolve.names import normalise

# The lowest threshold at which the tuning half of the gold pairs (`kgbuild.evaluation.aliases`) keeps >= 98%
# precision, both overall and on the merges the fuzzy step adds beyond equal match forms. With the word-level
# guards below, every threshold from 0.80 up is 100% precise there, so the gold set does not bound it and the
# search starts at 0.90: below that a substitution in a single 8-9 letter word passes ("Omniglot"/"Omniglut"
# but also real-word pairs), and the gold set has almost no such pairs to vouch for it. The ratio alone is
# not enough at any value: on the tuning half it lets "r-net"/"r-net+" (0.97), "encoder"/"decoder" (0.94)
# and "inter-"/"intra-sentence" (0.97) through, which is why the guards exist.
FUZZY_THRESHOLD: dict[EntityType, float] = {
    EntityType.METHOD: 0.90,
    EntityType.DATASET: 0.90,
    EntityType.METRIC: 0.90,
    EntityType.TASK: 0.90,
}
# Shorter names are mostly acronyms and model ids, where one letter is a different entity ("BiGRU"/"BiGAN").
MIN_FUZZY_LENGTH = 8
# A typo is one letter edit inside a word long enough that one edit rarely makes another word: "macro"/"micro",
# "model"/"modal", "global"/"glocal" are short; "encoder"/"decoder" and "learner"/"learned" differ in the first or
# last letter, which the typo rule requires to be equal. Known real-word pairs that still pass are listed.
MIN_TYPO_WORD = 7
_CONTRASTS = frozenset(map(frozenset, [("parsing", "passing"), ("parser", "passer"), ("prediction", "predication"),
                                       ("training", "trailing"), ("matching", "marching"), ("ranking", "ranging"),
                                       ("generic", "genetic"), ("content", "context"), ("dilated", "diluted"),
                                       ("adaptive", "adoptive")]))
_BRITISH = {
    "colour": "color", "behaviour": "behavior", "neighbour": "neighbor", "favour": "favor", "labour": "labor",
    "honour": "honor", "humour": "humor", "rumour": "rumor", "vapour": "vapor", "harbour": "harbor",
    "flavour": "flavor", "armour": "armor", "vigour": "vigor", "odour": "odor", "endeavour": "endeavor",
    "tumour": "tumor", "centre": "center", "metre": "meter", "fibre": "fiber", "theatre": "theater",
    "litre": "liter", "spectre": "specter", "dialogue": "dialog", "catalogue": "catalog", "analogue": "analog",
    "defence": "defense", "licence": "license", "offence": "offense", "grey": "gray", "programme": "program",
    "ageing": "aging", "judgement": "judgment", "acknowledgement": "acknowledgment", "artefact": "artifact",
    "sceptical": "skeptical", "aluminium": "aluminum", "mould": "mold", "enrolment": "enrollment",
    "fulfil": "fulfill", "travelling": "traveling", "oesophageal": "esophageal", "anaesthesia": "anesthesia",
    "haemorrhage": "hemorrhage", "paediatric": "pediatric", "foetal": "fetal", "manoeuvre": "maneuver",
}
# "modelling", "labelled", "signalling": British doubles the l before -ed/-ing/-er; "controlling" does not vary.
_DOUBLE_L = re.compile(
    r"^(model|label|travel|cancel|signal|tunnel|channel|level|fuel|funnel|marshal|jewel)l(ed|ing|er|ers)$")
# "optimisation", "normalised", "analyse": -ise/-yse spellings; rewriting "noise" to "noize" is harmless
# because both sides of a comparison get the same rewrite.
_ISE = re.compile(r"(?<=[a-z]{2})is(ation|ations|e|ed|es|er|ers|ing)$")
_YSE = re.compile(r"(?<=[a-z]{3})ys(e|ed|es|er|ers|ing)$")
# "colourisation", "favourite", "behavioural": the -our stems, so that "hour" and "tour" are left alone.
_OUR = re.compile(r"^(col|behavi|neighb|fav|lab|hon|hum|rum|vap|harb|flav|arm|vig|od|endeav|tum)our")
_WORDS = re.compile(r"[\s\-_:;,'\u2019]+")
# A trailing "(NER)", capitalised like an acronym of the name before it, is that name's acronym, not a qualifier
# like "(single model)", "(Test)" or "(100dim)".
_TRAILING_ACRONYM = re.compile(r"^(.*\S)\s*\(([A-Z][A-Za-z]*[A-Z]s?)\)$")
# Separators vanish ("mask r-cnn" = "maskrcnn") except between two numbers: "llama 2 7b" is not "llama 27b".
_SEPARATOR_RUN = re.compile(r" |(?<!\d)\.|\.(?!\d)")
_DIGIT_GAP = re.compile(r"(?<=\d) (?=\d)")
_DIGITS = re.compile(r"\d+")
_LETTERS = re.compile(r"[a-z]")


def _american(word: str) -> str:
    word = _OUR.sub(r"\1or", _BRITISH.get(word, word))
    word = _DOUBLE_L.sub(r"\1\2", word)
    word = _ISE.sub(r"iz\1", word)
    return _YSE.sub(r"yz\1", word)


def _is_acronym_of(acronym: str, name: str) -> bool:
    letters = acronym.casefold().removesuffix("s")
    initials = [w[0] for w in re.split(r"[\s\-/]+", name.casefold()) if w and w[0].isalpha()]
    # One-word names are left alone: "Transformer (TF)" is more likely an implementation note than an acronym.
    if len(initials) < 2 or letters[0] != initials[0]:
        return False
    # Letters in order in the name ("lstm" in "long short-term memory", "vae" in "variational autoencoder").
    rest = iter(name.casefold())
    return all(ch in rest for ch in letters)


def _normal(text: str, kind: EntityType) -> str:
    found = _TRAILING_ACRONYM.match(text.strip())
    if found and _is_acronym_of(found.group(2), found.group(1)):
        text = found.group(1)
    return normalise(text, kind)


def _words(form: str) -> list[str]:
    words = [_american(w) for w in _WORDS.split(form) if w]
    # `normalise` turns a plural "perplexities" into "perplexitie"; finish the job so it equals "perplexity".
    if words and len(words[-1]) > 4 and words[-1].endswith("ie"):
        words[-1] = words[-1][:-2] + "y"
    return words


@lru_cache(maxsize=65536)
def match_form(text: str, kind: EntityType) -> str:
    """The comparison key of a name: `normalise`, then American spelling and no separators between words."""
    form = " ".join(_words(_normal(text, kind)))
    form = _DIGIT_GAP.sub("_", form)  # a mark no name contains after `_words`
    return _SEPARATOR_RUN.sub("", form)


def typo_words(a: str, b: str, kind: EntityType) -> tuple[str, str] | None:
    """The one word two names differ in when `similar_names` merged them as a typo; None otherwise."""
    wa, wb = _words(_normal(a, kind)), _words(_normal(b, kind))
    if len(wa) != len(wb):
        return None
    differing = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
    return differing[0] if len(differing) == 1 and _one_typo(*differing[0]) else None


def _one_typo(a: str, b: str) -> bool:
    return (min(len(a), len(b)) >= MIN_TYPO_WORD and a[0] == b[0] and a[-1] == b[-1]
            and frozenset((a, b)) not in _CONTRASTS
            # Only letters may differ: "RefCOCO"/"RefCOCO+", "AoA Reader"/"AoA Reader+" are other entities.
            and _LETTERS.sub("", a) == _LETTERS.sub("", b)
            and OSA.distance(a, b) == 1)


def similarity(a: str, b: str, kind: EntityType) -> float:
    """The rapidfuzz ratio (0-1) of two names' match forms, without the guards."""
    return fuzz.ratio(match_form(a, kind), match_form(b, kind)) / 100


def similar_names(a: str, b: str, kind: EntityType, threshold: float | None = None) -> bool:
    """True when `a` and `b` name the same entity up to spelling; False whenever in doubt.

    `threshold` overrides `FUZZY_THRESHOLD[kind]` (for choosing it on the gold pairs).
    """
    fa, fb = match_form(a, kind), match_form(b, kind)
    if fa == fb:
        return True
    na, nb = _normal(a, kind), _normal(b, kind)
    # Any number differing is a different version, size, year or split: "GPT-3"/"GPT-4", "WMT14"/"WMT16".
    if _DIGITS.findall(na) != _DIGITS.findall(nb):
        return False
    if min(len(fa), len(fb)) < MIN_FUZZY_LENGTH:
        return False
    # One name extending the other is a variant, not a spelling: "ImageNet"/"ImageNet-21k", "T5"/"mT5",
    # "Transformer"/"Transformer-XL", "BERT"/"BERT-large", "supervised"/"unsupervised".
    if fa.startswith(fb) or fb.startswith(fa) or fa.endswith(fb) or fb.endswith(fa):
        return False
    # Same words but one, and that one a single-edit typo: every other difference is a different word,
    # a size or version token ("base"/"large", "v2"/"v3", "B/16"/"L/16") or an added qualifier.
    wa, wb = _words(na), _words(nb)
    if len(wa) != len(wb):
        return False
    differing = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
    if len(differing) != 1 or not _one_typo(*differing[0]):
        return False
    return fuzz.ratio(fa, fb) / 100 >= (FUZZY_THRESHOLD[kind] if threshold is None else threshold)


__all__ = ["FUZZY_THRESHOLD", "match_form", "similar_names", "similarity", "typo_words"]
