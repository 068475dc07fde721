"""Sentences whose wording says what they are, for any claim classifier: a proposal ("we propose / introduce /
present …", what the paper contributes) and boilerplate (where the code is, how the paper is organised), which
states neither a contribution nor a finding however a classifier scores it."""

from __future__ import annotations

import re

PROPOSAL_VERB = re.compile(
    r"\b(?:we|this\s+(?:paper|work|article|study)|our\s+(?:paper|work))\s+(?:(?:also|further|first|then|here|"
    r"hereby|thus|therefore|now)\s+)?(?:propose|introduce|present|develop|design|release|build|construct|"
    r"describe|create|contribute|offer)[sd]?\b", re.IGNORECASE)
_AVAILABLE = re.compile(
    r"\b(?:code|codes|data|dataset|datasets|models?|implementations?|software|toolkit|weights|checkpoints|"
    r"resources|materials|demo)\b[^.]{0,80}?\b(?:is|are|will\s+be|has\s+been|have\s+been|can\s+be)\s+(?:made\s+)?"
    r"(?:publicly\s+|freely\s+|also\s+|now\s+)?(?:available|released|open[- ]?sourced|obtained|found|accessible)\b"
    r"|\b(?:available|released)\s+(?:at|on|from|via)\s+(?:https?://|github|our\s+(?:project\s+)?(?:website|page))"
    r"|\bgithub\.com/", re.IGNORECASE)
_ORGANISATION = re.compile(
    r"\b(?:the\s+)?(?:rest|remainder)\s+of\s+(?:this|the)\s+(?:paper|article)\b|\b(?:this|the)\s+(?:paper|article)"
    r"\s+is\s+(?:organi[sz]ed|structured)\b", re.IGNORECASE)
# A sentence that also states an outcome keeps its claim: "Experiments show … The code is at github.com/…" read
# as one sentence by a splitter that saw no boundary (`without_boilerplate` cuts the code part off).
_OUTCOME = re.compile(r"\b(?:show|shows|shown|demonstrat\w*|outperform\w*|improv\w*|achiev\w*|results?)\b",
                      re.IGNORECASE)


def is_proposal(sentence: str) -> bool:
    return PROPOSAL_VERB.search(sentence) is not None


def is_boilerplate(sentence: str) -> bool:
    """Code, data or model availability, or the paper's organisation, and no outcome."""
    return bool(_AVAILABLE.search(sentence) or _ORGANISATION.search(sentence)) and not _OUTCOME.search(sentence)


# Where a sentence splitter may have missed a boundary: a full stop, then a capital ("… of ViT. Code is …").
_MISSED_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def without_boilerplate(sentence: str) -> int:
    """How much of `sentence` to keep: all of it, 0 when it is boilerplate, or up to where a trailing
    boilerplate sentence the splitter left attached begins ("Experiments show … Code is available at …")."""
    if is_boilerplate(sentence):
        return 0
    for boundary in _MISSED_BOUNDARY.finditer(sentence):
        if is_boilerplate(sentence[boundary.end():]):
            return boundary.start()
    return len(sentence)


__all__ = ["PROPOSAL_VERB", "is_boilerplate", "is_proposal", "without_boilerplate"]
