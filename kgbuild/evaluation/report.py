"""docs/quality.md: the numbers `kgbuild eval` measured, as a markdown report."""

from __future__ import annotations

from collections.abc import Sequence

from kgbuild.evaluation.evaluate import CONFIDENCE_LEVELS, Counts, Evaluation
from kgbuild.evaluation.graph_gold import CONFIDENCE_LEVELS as GRAPH_CONFIDENCE_LEVELS
from kgbuild.evaluation.graph_gold import GraphScores, NodeCounts, ResultScores
from kgbuild.model import EntityType

# The types each gold set is measured on for the headline micro-F1.
HEADLINE_TYPES = {"SciERC dev": ("Method", "Task", "Metric"), "TDMSci dev": ("Task", "Dataset", "Metric"),
                  "SciREX dev": ("Method", "Task", "Metric", "Dataset")}


def _prf(c: Counts) -> str:
    return f"{100 * c.precision:.1f} | {100 * c.recall:.1f} | {100 * c.f1:.1f}"


def headline(evaluation: Evaluation) -> dict[str, float]:
    out = {}
    if evaluation.graph is not None:
        micro = evaluation.graph.micro()
        dataset = evaluation.graph.per_type[EntityType.DATASET]
        out["Graph gold dev: entity node precision (typed, micro)"] = round(100 * micro.precision, 1)
        out["Graph gold dev: entity node recall (typed, micro)"] = round(100 * micro.recall, 1)
        out["Graph gold dev: Dataset node F1"] = round(100 * dataset.f1, 1)
    if evaluation.results is not None:
        r = evaluation.results
        out["Graph gold dev: result value F1"] = round(100 * r.values.f1, 1)
        out["Graph gold dev: result kind accuracy"] = round(100 * r.kind.rate, 1)
        for attribute in ("metric", "dataset", "method"):
            out[f"Graph gold dev: result {attribute} agreement (where the gold names one)"] = round(
                100 * r.attributes[attribute].rate, 1)
    if evaluation.proposes is not None:
        out["Graph gold dev: PROPOSES precision"] = round(100 * evaluation.proposes.precision, 1)
        out["Graph gold dev: PROPOSES recall"] = round(100 * evaluation.proposes.recall, 1)
    for s in evaluation.entities:
        types = HEADLINE_TYPES[s.name]
        out[f"{s.name} strict micro-F1 ({'+'.join(types)})"] = round(100 * s.micro("strict", types).f1, 1)
    for kind in ("contribution", "finding"):
        out[f"CSAbstruct dev {kind} F1"] = round(100 * evaluation.claims.per_type[kind].f1, 1)
    return out


def _graph_section(g: GraphScores) -> list[str]:
    lines = [f"### Graph-level entity nodes, graph gold dev ({g.abstracts} abstracts)", "",
             "Distinct entities per paper as the graph shows them (resolved, generic ones left out), against the",
             "core entities of kgbuild's graph gold; a node matching only a borderline gold entity is not counted.",
             "", "| type | nodes | correct | P | core gold | found | R | F1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind in EntityType:
        c = g.per_type[kind]
        lines.append(f"| {kind.value} | {c.tp + c.fp} | {c.tp} | {100 * c.precision:.1f} | {c.core} | {c.found} | "
                     f"{100 * c.recall:.1f} | {100 * c.f1:.1f} |")
    m = g.micro()
    lines.append(f"| micro | {m.tp + m.fp} | {m.tp} | {100 * m.precision:.1f} | {m.core} | {m.found} | "
                 f"{100 * m.recall:.1f} | {100 * m.f1:.1f} |")
    lines += ["", "Node precision by confidence: " + ", ".join(
        f"≥ {level}: {100 * g.at_confidence[level].precision:.1f} "
        f"({g.at_confidence[level].tp + g.at_confidence[level].fp} nodes)" for level in GRAPH_CONFIDENCE_LEVELS), ""]
    return lines


def _results_section(r: ResultScores, proposes: NodeCounts) -> list[str]:
    v = r.values
    lines = ["### Result rows and PROPOSES, graph gold dev", "",
             "A predicted result is found when its value's span overlaps a gold result's; its kind and attributes are",
             "compared where the gold names one (a name agrees when it is a form of the gold entity so named).", "",
             f"Values: {v.tp + v.fp} predicted, {v.tp} in the gold, {v.core} gold, {v.found} found: P "
             f"{100 * v.precision:.1f}, R {100 * v.recall:.1f}, F1 {100 * v.f1:.1f}.", "",
             "| attribute | gold names one | agreed | agreement |", "|---|---:|---:|---:|",
             f"| kind | {r.kind.named} | {r.kind.agreed} | {100 * r.kind.rate:.1f} |"]
    for attribute, a in r.attributes.items():
        lines.append(f"| {attribute} | {a.named} | {a.agreed} | {100 * a.rate:.1f} |")
    lines += ["", f"PROPOSES (distinct entities per paper against the gold's proposed Methods and Datasets): "
              f"{proposes.tp + proposes.fp} predicted, {proposes.tp} correct, {proposes.core} core gold, "
              f"{proposes.found} found: P {100 * proposes.precision:.1f}, R {100 * proposes.recall:.1f}.", ""]
    return lines


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
    for key in dict.fromkeys(k for h in heads for k in h):
        lines.append(f"| {key} | " + " | ".join(f"{h[key]:.1f}" if key in h else "n/a" for h in heads) + " |")
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
        if e.graph is not None:
            lines += _graph_section(e.graph)
        if e.results is not None and e.proposes is not None:
            lines += _results_section(e.results, e.proposes)
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
