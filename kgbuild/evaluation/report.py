"""docs/quality.md: the numbers `kgbuild eval` measured, as a markdown report."""

from __future__ import annotations

from collections.abc import Sequence

from kgbuild.evaluation.evaluate import CONFIDENCE_LEVELS, Counts, Evaluation

# The types each gold set is measured on for the headline micro-F1.
HEADLINE_TYPES = {"SciERC dev": ("Method", "Task", "Metric"), "TDMSci dev": ("Task", "Dataset", "Metric"),
                  "SciREX dev": ("Method", "Task", "Metric", "Dataset")}


def _prf(c: Counts) -> str:
    return f"{100 * c.precision:.1f} | {100 * c.recall:.1f} | {100 * c.f1:.1f}"


def headline(evaluation: Evaluation) -> dict[str, float]:
    out = {}
    for s in evaluation.entities:
        types = HEADLINE_TYPES[s.name]
        out[f"{s.name} strict micro-F1 ({'+'.join(types)})"] = round(100 * s.micro("strict", types).f1, 1)
    for kind in ("contribution", "finding"):
        out[f"CSAbstruct dev {kind} F1"] = round(100 * evaluation.claims.per_type[kind].f1, 1)
    return out


def render(evaluations: list[Evaluation], notes: str = "", sections: Sequence[str] = ()) -> str:
    """docs/quality.md: the extraction measures of each pipeline, then `sections` (e.g. entity resolution), then
    `notes`."""
    lines = ["# Extraction quality", "",
             "Measured by `kgbuild eval` on the dev splits in `../shared/eval` (never on a test split), from raw",
             "text through the same `kgbuild extract` contract users get. Strict: same type and exact character",
             "span; lenient: same type, overlapping span. Dev splits: SciERC `dev.json`; TDMSci every 7th block of",
             "20 sentences of `train.conll` (220 sentences); SciREX the papers whose id hashes to 0 mod 7 (45 papers,",
             "first two sections); CSAbstruct `dev.jsonl` (sentence level: objective → contribution, result →",
             "finding).", ""]
    lines += ["## Summary", "", "| measure | " + " | ".join(e.pipeline for e in evaluations) + " |",
              "|---|" + "---:|" * len(evaluations)]
    heads = [headline(e) for e in evaluations]
    for key in heads[0]:
        lines.append(f"| {key} | " + " | ".join(f"{h[key]:.1f}" for h in heads) + " |")
    for e in evaluations:
        lines += ["", f"## {e.pipeline}", ""]
        for s in e.entities:
            lines += [f"### {s.name} ({s.texts} texts)", "",
                      "| type | strict P | R | F1 | lenient P | R | F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
            types = HEADLINE_TYPES[s.name]
            for t in types:
                lines.append(f"| {t} | {_prf(s.strict[t])} | {_prf(s.lenient[t])} |")
            lines.append(f"| micro | {_prf(s.micro('strict', types))} | {_prf(s.micro('lenient', types))} |")
            lines += ["", "Strict precision by confidence: " + ", ".join(
                f"≥ {level}: {100 * s.at_confidence[level].precision:.1f} "
                f"({s.at_confidence[level].tp + s.at_confidence[level].fp} predictions)"
                for level in CONFIDENCE_LEVELS), ""]
        c = e.claims
        lines += [f"### CSAbstruct dev claims ({c.sentences} sentences)", "", "| type | P | R | F1 |",
                  "|---|---:|---:|---:|"]
        lines += [f"| {kind} | {_prf(c.per_type[kind])} |" for kind in ("contribution", "finding")]
        lines += ["", "Precision of predicted claims by confidence: " + ", ".join(
            f"≥ {level}: {100 * c.at_confidence[level].precision:.1f} "
            f"({c.at_confidence[level].tp + c.at_confidence[level].fp} claims)" for level in CONFIDENCE_LEVELS), ""]
    for section in sections:
        lines += [section.strip(), ""]
    if notes:
        lines += ["## Notes", "", notes.strip(), ""]
    return "\n".join(lines)
