"""The visual report: one static HTML page (offline) with an interactive graph, trend plots and analytics tables.

`write_report(graph, out_dir, title=...)` takes the networkx graph of `kgbuild.graph.to_networkx` (the whole graph or
a selected subgraph) and writes `out_dir/index.html`, the vendored Cytoscape.js, the page's script and style, the
trend plot (SVG, matplotlib) and the tables as CSV. Every path in the page is relative and nothing is fetched from
the network, so the folder can be zipped, mailed and opened from disk.
"""

from __future__ import annotations

import csv
import html
import json
import math
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kgbuild import __version__
from kgbuild.export.analytics import (
    ENTITY_KINDS,
    Community,
    Cooccurrence,
    EntityCentrality,
    EntityTrend,
    LeaderboardEntry,
    Margin,
    communities,
    community_of,
    cooccurrence,
    date_period,
    entity_centrality,
    leaderboard,
    margins,
    mentions_over_time,
    simple_undirected,
)
from kgbuild.graph.model import NodeKind

CYTOSCAPE_VERSION = "3.34.4"
CYTOSCAPE_SHA256 = "081591ab735b2b6a3b31a3c60f8f3a3e2fee8c92939e0c7820ad1208571b6cd8"
PACKAGE_DIR = Path(__file__).parent
VENDOR_FILES = {"cytoscape.min.js": PACKAGE_DIR / "vendor" / "cytoscape.min.js",
                "cytoscape.LICENSE": PACKAGE_DIR / "vendor" / "cytoscape.LICENSE"}
ASSET_FILES = {"report.js": PACKAGE_DIR / "report_assets" / "report.js",
               "report.css": PACKAGE_DIR / "report_assets" / "report.css"}
KIND_COLOURS = {  # Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
    NodeKind.PAPER.value: "#0072B2", NodeKind.METHOD.value: "#E69F00", NodeKind.DATASET.value: "#009E73",
    NodeKind.METRIC.value: "#CC79A7", NodeKind.TASK.value: "#D55E00", NodeKind.CLAIM.value: "#999999",
    NodeKind.RESULT.value: "#56B4E9",
}
# Graph properties too long for the node panel (the abstract is shown, shortened).
PANEL_TEXT_LIMIT = 600
CAPTION_LIMIT = 40
PAPER_CAPTION_LIMIT = 28
DEFAULT_MAX_NODES = 250
TREND_ENTITIES = 8


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What a report shows: where it is, how many nodes it draws of how many, and its tables' sizes."""

    index: Path
    nodes_total: int
    edges_total: int
    nodes_drawn: int
    edges_drawn: int
    entities: int
    communities: int
    leaderboard_rows: int
    margin_rows: int
    trend_plot: Path | None


def drawn_nodes(graph: nx.MultiDiGraph, max_nodes: int, seeds: Sequence[str] = ()) -> list[str]:
    """The nodes to draw: all of them when they fit; else the seeds, the entities of highest PageRank (a third of
    `max_nodes`), then the nodes with the most links to those drawn so far (papers naming several of them)."""
    missing = [s for s in seeds if s not in graph]
    if missing:
        raise KeyError(f"seed node(s) not in the graph: {', '.join(missing)}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    if graph.number_of_nodes() <= max_nodes:
        return sorted(graph.nodes)
    simple = simple_undirected(graph)
    chosen = dict.fromkeys(list(dict.fromkeys(seeds))[:max_nodes])
    for row in entity_centrality(graph):
        if len(chosen) >= max(len(seeds), max_nodes // 3):
            break
        chosen.setdefault(row.id)
    links = {n: sum(1 for m in simple.neighbors(n) if m in chosen) for n in simple.nodes if n not in chosen}
    while len(chosen) < max_nodes and links:
        best = min(links, key=lambda n: (-links[n], -simple.degree(n), n))
        del links[best]
        chosen[best] = None
        for m in simple.neighbors(best):
            if m in links:
                links[m] += 1
    # A node with no drawn neighbour says nothing in the picture (it stays in the tables); seeds always stay.
    return sorted(n for n in chosen if n in seeds or any(m in chosen for m in simple.neighbors(n)))


def script_json(value: Any) -> str:
    """JSON that can sit inside a <script> element: no "</script>", "<!--" or line separators can break out."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _panel_properties(attrs: dict[str, Any]) -> dict[str, str]:
    return {key: _shorten(str(value), PANEL_TEXT_LIMIT) for key, value in sorted(attrs.items())
            if key not in ("kind", "label")}


def graph_elements(graph: nx.MultiDiGraph, nodes: Iterable[str], community: dict[str, int]) -> dict[str, Any]:
    """Cytoscape elements for the drawn nodes and the edges between them; sizes follow the full graph's degree."""
    keep = set(nodes)
    simple = simple_undirected(graph)
    elements_nodes = []
    for node in sorted(keep):
        attrs = graph.nodes[node]
        kind = attrs.get("kind", "")
        label = str(attrs.get("label", node))
        degree = simple.degree(node)
        # Entities carry the picture: captions grow with degree. Paper titles are shortened and small, claims
        # (sentences) have none; every text is shown in full on tap.
        if kind in ENTITY_KINDS or kind == NodeKind.RESULT.value:
            caption, font = _shorten(label, CAPTION_LIMIT), min(28.0, 11 + 2.5 * math.sqrt(degree))
        elif kind == NodeKind.PAPER.value:
            caption, font = _shorten(label, PAPER_CAPTION_LIMIT), 10.0
        else:
            caption, font = "", 10.0
        elements_nodes.append({"data": {
            "id": node, "kind": kind, "label": label, "caption": caption, "fontSize": round(font, 1),
            "degree": degree, "size": round(14 + 9 * math.sqrt(degree), 1),
            "colour": KIND_COLOURS.get(kind, "#444444"), "community": community.get(node, 0),
            "properties": _panel_properties(attrs),
        }})
    edges = []
    for source, target, key in sorted(graph.edges(keys=True)):
        if source in keep and target in keep:
            edges.append({"data": {"id": f"{source}|{key}|{target}", "source": source, "target": target,
                                   "kind": key}})
    return {"nodes": elements_nodes, "edges": edges}


def _write_csv(path: Path, rows: Sequence[Any]) -> None:
    """Typed rows as CSV, one column per field; tuples (paper ids, members, counts) joined with "; "."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        dicts = [asdict(r) for r in rows]
        names = list(dicts[0].keys() if dicts else [])
        writer.writerow(names)
        for row in dicts:
            writer.writerow(["; ".join(map(str, v)) if isinstance(v, tuple | list) else v for v in
                             (row[n] for n in names)])


def _trend_granularity(trends: Sequence[EntityTrend]) -> str:
    months = sorted({period for t in trends for period, _ in t.counts})
    if not months:
        return "month"
    first, last = months[0], months[-1]
    span = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])
    return "month" if span <= 24 else "year"


def _periods(first: str, last: str, granularity: str) -> list[str]:
    if granularity == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    year, month = int(first[:4]), int(first[5:7])
    periods = []
    while f"{year:04d}-{month:02d}" <= last:
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def write_trend_plot(trends: Sequence[EntityTrend], path: Path, *, granularity: str, top: int = TREND_ENTITIES) -> bool:
    """Papers per period for the `top` entities with the most dated papers (SVG). False when none is dated."""
    dated = sorted((t for t in trends if t.counts), key=lambda t: (-sum(n for _, n in t.counts), t.label, t.id))[:top]
    if not dated:
        return False
    # A Figure of its own, not pyplot: no global backend or figure state changes in the caller's process.
    import matplotlib
    from matplotlib.figure import Figure

    periods = sorted({p for t in dated for p, _ in t.counts})
    axis = _periods(periods[0], periods[-1], granularity)
    with matplotlib.rc_context({"svg.hashsalt": "kgbuild", "svg.fonttype": "path", "font.size": 10}):
        fig = Figure(figsize=(9, 4.2), layout="constrained")
        ax = fig.subplots()
        for trend in dated:
            counts = dict(trend.counts)
            ax.plot(range(len(axis)), [counts.get(p, 0) for p in axis], marker="o", linewidth=1.6,
                    label=f"{_shorten(trend.label, 32)} ({trend.kind})")
        step = max(1, math.ceil(len(axis) / 16))
        ax.set_xticks(range(0, len(axis), step), axis[::step], rotation=45, ha="right")
        ax.set_ylabel("papers")
        ax.set_xlabel(granularity)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
        ax.set_title("Papers naming each entity, by publication date")
        fig.savefig(path, format="svg", metadata={"Date": None})
    return True


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{html.escape(str(c))}</td>' if i in numeric
                        else f"<td>{html.escape('' if c is None else str(c))}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    if not body:
        return '<p class="empty">None in this graph.</p>'
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _centrality_table(rows: Sequence[EntityCentrality], limit: int) -> str:
    return _table(["#", "entity", "kind", "degree", "papers", "PageRank"],
                  ((i, r.label, r.kind, r.degree, r.papers, f"{r.pagerank:.5f}")
                   for i, r in enumerate(rows[:limit], start=1)), numeric=(0, 3, 4, 5))


def _community_table(rows: Sequence[Community], limit: int) -> str:
    return _table(["#", "nodes", "papers", "best-connected entities"],
                  ((c.index, c.size, c.papers, ", ".join(c.top_entities)) for c in rows[:limit]), numeric=(0, 1, 2))


def _cooccurrence_table(rows: Sequence[Cooccurrence], first: str, second: str, limit: int) -> str:
    return _table([first, second, "papers"], ((r.first_label, r.second_label, r.papers) for r in rows[:limit]),
                  numeric=(2,))


def _leaderboard_html(rows: Sequence[LeaderboardEntry]) -> str:
    if not rows:
        return '<p class="empty">No result in this graph is tied to both a dataset and a metric.</p>'
    parts = []
    groups: dict[tuple[str, str], list[LeaderboardEntry]] = {}
    for r in rows:
        groups.setdefault((r.dataset_id, r.metric_id), []).append(r)
    for entries in groups.values():
        first = entries[0]
        order = "lower is better" if first.lower_is_better else "higher is better"
        parts.append(f"<h4>{html.escape(first.dataset)} \u00b7 {html.escape(first.metric)} "
                     f'<span class="note">({order}, judged from the metric name)</span></h4>')
        parts.append(_table(["rank", "value", "method", "paper"],
                            ((r.rank, r.value_text, r.method or "\u2014", _shorten(r.paper_title, 90))
                             for r in entries), numeric=(0,)))
    return "\n".join(parts)


def _margin_sentence(m: Margin) -> str:
    on = " on ".join(x for x in (m.metric, m.dataset) if x)  # "accuracy on GLUE"
    return f"{m.method} beats {m.baseline} by {m.value_text}" + (f" in {on}" if on else "")


def _margins_html(rows: Sequence[Margin], limit: int) -> str:
    if not rows:
        return '<p class="empty">No relative result in this graph names both its method and its baseline.</p>'
    return _table(["margin", "paper"], ((_margin_sentence(m), _shorten(m.paper_title, 90)) for m in rows[:limit]))


def write_report(graph: nx.MultiDiGraph, out_dir: Path, *, title: str, max_nodes: int = DEFAULT_MAX_NODES,
                 seeds: Sequence[str] = (), table_rows: int = 25, community_seed: int = 0) -> ReportSummary:
    """Write the report of `graph` into `out_dir` (created; files of an earlier report there are replaced).

    At most `max_nodes` nodes are drawn (the `seeds` first, then by degree) and the page says so; the tables and
    the plot always cover the whole graph.
    """
    out_dir = Path(out_dir)
    (out_dir / "vendor").mkdir(parents=True, exist_ok=True)
    (out_dir / "data").mkdir(exist_ok=True)
    for name, source in VENDOR_FILES.items():
        shutil.copyfile(source, out_dir / "vendor" / name)
    for name, source in ASSET_FILES.items():
        shutil.copyfile(source, out_dir / name)

    centrality = entity_centrality(graph)
    groups = communities(graph, seed=community_seed)
    method_dataset = cooccurrence(graph, NodeKind.METHOD, NodeKind.DATASET)
    method_task = cooccurrence(graph, NodeKind.METHOD, NodeKind.TASK)
    board = leaderboard(graph)
    margin_rows = margins(graph)
    month_trends = mentions_over_time(graph, granularity="month")
    granularity = _trend_granularity(month_trends)
    trends = month_trends if granularity == "month" else mentions_over_time(graph, granularity="year")

    drawn = drawn_nodes(graph, max_nodes, seeds)
    elements = graph_elements(graph, drawn, community_of(groups))
    plot = out_dir / "trends.svg"
    has_plot = write_trend_plot(trends, plot, granularity=granularity)
    if not has_plot:
        plot.unlink(missing_ok=True)

    (out_dir / "data" / "graph.json").write_text(json.dumps(elements, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
    _write_csv(out_dir / "data" / "centrality.csv", centrality)
    _write_csv(out_dir / "data" / "communities.csv", groups)
    _write_csv(out_dir / "data" / "method_dataset.csv", method_dataset)
    _write_csv(out_dir / "data" / "method_task.csv", method_task)
    _write_csv(out_dir / "data" / "leaderboard.csv", board)
    _write_csv(out_dir / "data" / "margins.csv", margin_rows)
    _write_csv(out_dir / "data" / f"mentions_per_{granularity}.csv", trends)

    papers = [n for n, kind in graph.nodes(data="kind") if kind == NodeKind.PAPER.value]
    with_period = sum(1 for p in papers if date_period(graph.nodes[p].get("date"), granularity) is not None)
    page = _page(
        title=title, graph=graph, elements=elements, drawn=len(drawn), seeds=seeds,
        centrality=_centrality_table(centrality, table_rows), communities=_community_table(groups, table_rows),
        community_count=len(groups),
        method_dataset=_cooccurrence_table(method_dataset, "method", "dataset", table_rows),
        method_task=_cooccurrence_table(method_task, "method", "task", table_rows),
        leaderboard=_leaderboard_html(board), margins=_margins_html(margin_rows, table_rows), has_plot=has_plot,
        granularity=granularity,
        papers=len(papers), papers_with_period=with_period,
    )
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return ReportSummary(index, graph.number_of_nodes(), graph.number_of_edges(), len(elements["nodes"]),
                         len(elements["edges"]), len(centrality), len(groups), len(board), len(margin_rows),
                         plot if has_plot else None)


def _page(*, title: str, graph: nx.MultiDiGraph, elements: dict[str, Any], drawn: int, seeds: Sequence[str],
          centrality: str, communities: str, community_count: int, method_dataset: str, method_task: str,
          leaderboard: str, margins: str, has_plot: bool, granularity: str, papers: int,
          papers_with_period: int) -> str:
    e = html.escape
    total = graph.number_of_nodes()
    counts: dict[str, int] = {}
    for _, kind in graph.nodes(data="kind"):
        counts[kind] = counts.get(kind, 0) + 1
    legend = "".join(f'<li><span class="swatch" style="background:{colour}"></span>{e(kind)} '
                     f'<span class="note">{counts.get(kind, 0)}</span></li>' for kind, colour in KIND_COLOURS.items())
    if drawn < total:
        seeded = f"the {len(seeds)} seed node(s), " if seeds else ""
        cap_note = (f'<p class="cap" id="cap-note">This graph has {total:,} nodes; {drawn:,} are drawn: '
                    f"{seeded}the entities of highest PageRank and the nodes most linked to them (no isolated ones). "
                    "The tables and the plot cover the whole graph.</p>")
    else:
        cap_note = f'<p class="note" id="cap-note">All {total:,} nodes are drawn.</p>'
    if has_plot:
        plot = (f'<figure><img src="trends.svg" alt="Papers per {e(granularity)} naming the entities with the most '
                f'dated papers"><figcaption>{papers_with_period} of {papers} papers have a date that states the '
                f"{e(granularity)}; only those are in the plot (the others are counted as undated in "
                f"data/mentions_per_{e(granularity)}.csv).</figcaption></figure>")
    else:
        plot = (f'<p class="empty">No paper in this graph has a date that states its {e(granularity)}: '
                "no trend to plot.</p>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kgbuild {e(__version__)}">
<title>{e(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="report.css">
</head>
<body>
<header>
<h1>{e(title)}</h1>
<p class="note">{total:,} nodes, {graph.number_of_edges():,} edges \u00b7 kgbuild {e(__version__)} \u00b7
graph drawn with Cytoscape.js {CYTOSCAPE_VERSION} \u00b7 tables as CSV in <code>data/</code></p>
</header>
<section id="graph-section">
<h2>Graph</h2>
{cap_note}
<div class="graph-wrap">
<div id="graph" aria-label="interactive graph"></div>
<aside id="panel">
<div class="controls">
<label>layout <select id="layout">
<option value="cose">force-directed (cose)</option>
<option value="concentric">concentric by degree</option>
</select></label>
<button id="fit" type="button">fit</button>
</div>
<ul class="legend">{legend}</ul>
<p class="note">Node size follows degree. Tap a node to see its properties; drag to move, scroll to zoom.</p>
<div id="details"><p class="note">No node selected.</p></div>
</aside>
</div>
</section>
<section>
<h2>Mentions over time</h2>
{plot}
</section>
<section class="tables">
<div>
<h2>Central entities</h2>
<p class="note">Degree: distinct neighbours. Papers: papers naming the entity. PageRank over the directed graph.</p>
{centrality}
</div>
<div>
<h2>Communities</h2>
<p class="note">{community_count} Louvain communities (seeded, so the same graph gives the same split).</p>
{communities}
</div>
<div>
<h2>Methods and datasets</h2>
<p class="note">Pairs named by the same papers, most papers first.</p>
{method_dataset}
</div>
<div>
<h2>Methods and tasks</h2>
<p class="note">Pairs named by the same papers, most papers first.</p>
{method_task}
</div>
</section>
<section>
<h2>Leaderboard</h2>
<p class="note">Results the extractor tied to a dataset and a metric, ranked by the number in the value as written.
Values come from abstracts and are not checked: read them with their paper.</p>
{leaderboard}
<h3>Margins over baselines</h3>
<p class="note">Relative results (an improvement, a reduction, a speed-up) are differences, never scores: they are
listed here as the paper states them, not ranked above.</p>
{margins}
</section>
<script type="application/json" id="graph-data">{script_json(elements)}</script>
<script src="vendor/cytoscape.min.js"></script>
<script src="report.js"></script>
</body>
</html>
"""


__all__ = ["CYTOSCAPE_VERSION", "KIND_COLOURS", "ReportSummary", "drawn_nodes", "graph_elements", "script_json",
           "write_report", "write_trend_plot"]
