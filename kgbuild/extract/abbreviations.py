"""Acronym definitions in running text: "Low-Rank Adaptation (LoRA)".

`find_definitions` implements the Schwartz & Hearst (2003) algorithm: the
short form sits in parentheses, and the long form is the shortest stretch
of the preceding words in which the short form's characters appear in order,
its first character starting a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(\s*([^()\s][^()]{0,18}?)\s*\)")
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


def find_definitions(text: str) -> list[Definition]:
    found = []
    for match in _PAREN.finditer(text):
        short = match.group(1)
        if not _is_short_form(short):
            continue
        # The long form has at most min(|short| + 5, 2 * |short|) words before the parenthesis.
        window_words = min(len(short) + 5, 2 * len(short))
        preceding = list(_WORD.finditer(text, max(0, match.start() - 200), match.start()))[-window_words:]
        if not preceding:
            continue
        window_start = preceding[0].start()
        window = text[window_start:match.start()].rstrip()
        start = _long_form_start(short, window)
        if start is None:
            continue
        long_form = window[start:]
        if short.lower() in long_form.lower().split() or len(long_form) <= len(short):
            continue
        found.append(Definition(window_start + start, window_start + len(window), match.start(1), match.end(1)))
    return found
