"""Acronym definitions in running text, in the forms abstracts and titles use.

- "Low-Rank Adaptation (LoRA)" and "Low-Rank Adaptation, or LoRA": the Schwartz & Hearst (2003) algorithm,
  the long form is the shortest stretch of the preceding words in which the short form's characters appear
  in order, its first character starting a word;
- "LoRA (Low-Rank Adaptation)" and the title "LoRA: Low-Rank Adaptation of Large Language Models": the long
  form follows, and is the shortest run of its words whose initials and capitals spell the short form's
  capitals in order ("DARTS: Differentiable ARchiTecture Search").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(\s*([^()\s][^()]{0,18}?)\s*\)")
# An acronym-like word: a capital first, and another capital or a digit ("LoRA", "DARTS", "GPT-3", "ViT").
_ACRONYM = r"[A-Z][\w\-]*[A-Z0-9][\w\-]*"
_OR_SHORT = re.compile(rf",\s+or\s+(?:simply\s+)?({_ACRONYM})(?=[\s,.;:)])")
_SHORT_THEN_LONG = re.compile(rf"(?<![\w-])({_ACRONYM})\s*\(([^()]{{5,100}})\)")
_TITLE_SHORT = re.compile(rf"^({_ACRONYM})\s*:\s+")
_STOP_WORDS = frozenset({"of", "for", "and", "the", "with", "in", "on", "to", "a", "an", "via", "by", "from"})
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Definition:
    long_start: int
    long_end: int
    short_start: int
    short_end: int


def _is_short_form(candidate: str) -> bool:
    words = candidate.split()
    return (
        len(words) <= 2
        and 2 <= len(candidate) <= 15
        and any(ch.isupper() for ch in candidate)
        and candidate[0].isalnum()
    )


def _long_form_start(short: str, before: str) -> int | None:
    """Index in `before` where the long form starts, or None."""
    s_idx, l_idx = len(short) - 1, len(before) - 1
    while s_idx >= 0:
        ch = short[s_idx].lower()
        if not ch.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (
            before[l_idx].lower() != ch or (s_idx == 0 and l_idx > 0 and before[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    return l_idx + 1


def _long_form_after(short: str, text: str, start: int) -> int | None:
    """End of the long form starting at `text[start]`: its words up to the first function word or punctuation
    ("Low-Rank Adaptation" of "Low-Rank Adaptation of Large Language Models"), when they spell the short form
    (its first letter starting the first word, all its letters in order) and are not many more words than it
    has letters; else None."""
    end = None
    words = 0
    stop = text.find("\n", start)  # a title's long form ends with the title
    for word in _WORD.finditer(text, start, min(len(text), start + 200, stop if stop >= 0 else len(text))):
        token = word.group()
        bare = token.rstrip(".,;:)")
        if bare.lower() in _STOP_WORDS or not bare or not bare[0].isalnum():
            break
        end, words = word.start() + len(bare), words + 1
        if bare != token:
            break  # punctuation after the word closes the phrase
    if end is None:
        return None
    letters = [ch.lower() for ch in short if ch.isalnum()]
    phrase = text[start:end].lower()
    if phrase[:1] != letters[0] or words > len(letters) + 1:
        return None
    rest = iter(phrase)
    return end if all(ch in rest for ch in letters) else None


def find_definitions(text: str) -> list[Definition]:
    found = []
    shorts = [(m.group(1), m.start(1), m.end(1), m.start()) for m in _PAREN.finditer(text)]
    shorts += [(m.group(1), m.start(1), m.end(1), m.start()) for m in _OR_SHORT.finditer(text)]
    for short, short_start, short_end, before in shorts:
        if not _is_short_form(short):
            continue
        # The long form has at most min(|short| + 5, 2 * |short|) words before the parenthesis.
        window_words = min(len(short) + 5, 2 * len(short))
        preceding = list(_WORD.finditer(text, max(0, before - 200), before))[-window_words:]
        if not preceding:
            continue
        window_start = preceding[0].start()
        window = text[window_start:before].rstrip()
        start = _long_form_start(short, window)
        if start is None:
            continue
        long_form = window[start:]
        if short.lower() in long_form.lower().split() or len(long_form) <= len(short):
            continue
        found.append(Definition(window_start + start, window_start + len(window), short_start, short_end))
    after = [(m, m.start(2)) for m in _SHORT_THEN_LONG.finditer(text)]
    title = _TITLE_SHORT.match(text)
    if title:
        after.append((title, title.end()))
    for m, long_start in after:
        long_end = _long_form_after(m.group(1), text, long_start)
        if long_end is not None and long_end - long_start > len(m.group(1)):
            found.append(Definition(long_start, long_end, m.start(1), m.end(1)))
    return sorted(found, key=lambda d: d.short_start)
