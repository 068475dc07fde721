"""The visual report, opened in headless Chromium (Debian's `chromium`, driven by playwright): nodes drawn, no console
errors, no request leaving the folder, escaped text. Screenshots go to the test's tmp dir; with
KGBUILD_REPORT_SCREENSHOT=1 the neighbourhood report's screenshot is also written to docs/report.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT
from handmade import PRUNING_PAPER

from kgbuild.export.report import drawn_nodes, script_json, write_report
from kgbuild.graph.convert import to_networkx
from kgbuild.graph.model import Edge, EdgeKind, KnowledgeGraph, Node, NodeKind, Provenance

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS_SCREENSHOT = ROOT / "docs" / "report.png"
# Pixels of the graph's canvases that Cytoscape painted (alpha > 0), after two animation frames.
PAINTED_PIXELS = """async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  let painted = 0;
  for (const canvas of document.querySelectorAll('#graph canvas')) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  }
  return painted;
}"""


def chromium_executable() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.fail("Debian's chromium is not installed (apt-get install -y chromium; the README's test command "
                    "installs it): the report must be checked in a real browser")
    return found


@dataclass
class OpenedReport:
    """A report loaded in Chromium, with everything the page said and asked for while loading."""

    page: object
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def browser(tmp_path):
    """A fresh headless Chromium (own profile) that lets the page read file:// URLs and nothing else."""
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
        yield context
        context.close()


def open_report(context, index: Path) -> OpenedReport:
    page = context.new_page()
    opened = OpenedReport(page)
    page.on("console", lambda message: opened.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
    page.on("requestfailed", lambda request: opened.failed.append(request.url))

    def on_dialog(dialog):
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def offline_only(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            opened.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", offline_only)
    page.goto(index.as_uri())
    page.wait_for_function("window.kgbuildReport && window.kgbuildReport.ready", timeout=60_000)
    return opened


def assert_clean(opened: OpenedReport) -> None:
    assert opened.page_errors == []
    assert [(kind, text) for kind, text in opened.console if kind in ("error", "warning")] == []
    assert (opened.blocked, opened.failed, opened.dialogs) == ([], [], [])


@pytest.fixture(scope="module")
def corpus_graph(handmade_graph) -> nx.MultiDiGraph:
    """The hand-made corpus's graph (tests/handmade.py): 63 nodes, 27 of them entities."""
    return to_networkx(handmade_graph)


def neighbourhood(graph: nx.MultiDiGraph, node: str, radius: int) -> nx.MultiDiGraph:
    return graph.subgraph(nx.ego_graph(graph.to_undirected(as_view=True), node, radius=radius).nodes).copy()


def test_neighbourhood_report_renders_offline_in_chromium(corpus_graph, browser, tmp_path):
    lora = "method/lora"
    graph = neighbourhood(corpus_graph, lora, radius=2)
    summary = write_report(graph, tmp_path / "report", title="Neighbourhood of LoRA (Low-Rank Adaptation)")
    # LoRA, its 3 papers and all their claims (9), results (4) and entities (13 more), and the 58 edges of those
    # papers: all drawn (tests/test_select.py works the selection out).
    assert (summary.nodes_total, summary.nodes_drawn, summary.edges_drawn) == (30, 30, 58)
    assert (summary.entities, summary.leaderboard_rows) == (14, 4)
    assert summary.trend_plot == tmp_path / "report" / "trends.svg"  # two of LoRA's papers are dated to the month

    opened = open_report(browser, summary.index)
    page = opened.page
    drawn = page.evaluate("[kgbuildReport.cy.nodes().length, kgbuildReport.cy.edges().length,"
                          " kgbuildReport.nodesExpected]")
    assert drawn == [30, 58, 30]
    assert page.evaluate(f"kgbuildReport.cy.$id('{lora}').data('caption')") == "LoRA"
    assert page.evaluate(PAINTED_PIXELS) > 20_000
    assert page.locator("#cap-note").inner_text() == "All 30 nodes are drawn."

    # Tapping a node shows its properties (aliases as the graph holds them).
    page.evaluate(f"void kgbuildReport.cy.$id('{lora}').select().emit('tap')")  # void: not serialised
    details = page.locator("#details").inner_text()
    assert "LoRA" in details and "Low-Rank Adaptation" in details
    assert re.search(r"papers\s+3\b", details)
    assert page.locator("h2").all_inner_texts() == [
        "Graph", "Mentions over time", "Central entities", "Communities", "Methods and datasets",
        "Methods and tasks", "Leaderboard"]
    # Methods and datasets (9 pairs: each paper's 3 methods with its dataset) and methods and tasks (6: papers 2 and
    # 3) are both there; no table says it is empty.
    assert page.locator("section.tables table").count() == 4
    assert page.locator("section.tables .empty").all_inner_texts() == []
    assert_clean(opened)

    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 50_000
    if os.environ.get("KGBUILD_REPORT_SCREENSHOT"):
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)


def test_empty_tables_say_so(corpus_graph, browser, tmp_path):
    # Natural language understanding's neighbourhood: the task, the pruning paper addressing it and its contribution
    # about it. No method-dataset or method-task pair, no result.
    graph = neighbourhood(corpus_graph, "task/natural-language-understanding", radius=1)
    assert sorted(graph.nodes) == [f"claim/{PRUNING_PAPER}/abstract/0-63", f"paper/{PRUNING_PAPER}",
                                   "task/natural-language-understanding"]
    summary = write_report(graph, tmp_path / "report", title="Natural language understanding")
    assert (summary.nodes_drawn, summary.entities, summary.leaderboard_rows) == (3, 1, 0)
    assert summary.trend_plot == tmp_path / "report" / "trends.svg"  # the paper is dated 2022-09-14
    opened = open_report(browser, summary.index)
    page = opened.page
    assert page.locator("section.tables table").count() == 2  # central entities and communities
    assert page.locator("section.tables .empty").all_inner_texts() == ["None in this graph.", "None in this graph."]
    assert "No result in this graph is tied to both a dataset and a metric." in page.locator("body").inner_text()
    assert_clean(opened)


def test_capped_report_draws_a_subset_and_plots_trends(corpus_graph, browser, tmp_path):
    summary = write_report(corpus_graph, tmp_path / "report", title="Hand-made corpus", max_nodes=30)
    assert (summary.nodes_total, summary.entities, summary.leaderboard_rows) == (63, 27, 8)
    assert 0 < summary.nodes_drawn <= 30
    assert summary.trend_plot == tmp_path / "report" / "trends.svg"
    assert summary.trend_plot.read_text(encoding="utf-8").startswith("<?xml")
    # Each leaderboard row and each table is in data/ as CSV too.
    with (tmp_path / "report" / "data" / "leaderboard.csv").open(encoding="utf-8") as f:
        assert sum(1 for _ in f) == 8 + 1

    opened = open_report(browser, summary.index)
    page = opened.page
    assert page.evaluate("kgbuildReport.cy.nodes().length") == summary.nodes_drawn
    assert page.evaluate("kgbuildReport.cy.nodes().filter(n => n.degree() === 0).length") == 0
    assert page.evaluate(PAINTED_PIXELS) > 20_000
    assert page.locator("#cap-note").inner_text().startswith(
        f"This graph has 63 nodes; {summary.nodes_drawn} are drawn")
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 0  # the SVG plot loaded
    # The concentric layout runs too.
    page.select_option("#layout", "concentric")
    page.wait_for_function("kgbuildReport.ready && kgbuildReport.layout === 'concentric'")
    assert_clean(opened)
    page.screenshot(path=str(tmp_path / "corpus-report.png"), full_page=True)


HOSTILE = 'A </script><script>alert("x")</script> & <b>bold</b> \u2028 "quoted" \'single\''


def hostile_graph() -> nx.MultiDiGraph:
    kg = KnowledgeGraph()
    kg.add_node(Node("paper/p1", NodeKind.PAPER, HOSTILE, {"title": HOSTILE, "date": "2023-08-28"}))
    kg.add_node(Node("method/x", NodeKind.METHOD, HOSTILE, {"name": HOSTILE}))
    kg.add_edge(Edge("paper/p1", "method/x", EdgeKind.USES,
                     Provenance("p1", "abstract", 0, 1, "test", "1", 0.9)))
    return to_networkx(kg)


def test_text_from_papers_is_escaped_everywhere(browser, tmp_path):
    summary = write_report(hostile_graph(), tmp_path / "report", title=HOSTILE)
    page_html = summary.index.read_text(encoding="utf-8")
    assert "<script>alert" not in page_html and "<b>bold" not in page_html
    assert page_html.count("</script>") == 3  # the data block, Cytoscape.js and report.js

    opened = open_report(browser, summary.index)
    page = opened.page
    assert page.title() == HOSTILE
    assert page.evaluate("kgbuildReport.cy.$id('method/x').data('label')") == HOSTILE
    page.evaluate("void kgbuildReport.cy.$id('method/x').emit('tap')")
    assert page.evaluate("document.querySelector('#details h3').textContent") == HOSTILE
    assert page.locator("#details b").count() == 0
    assert_clean(opened)  # includes: no alert dialog


def test_script_json_cannot_close_its_script_element():
    text = script_json({"t": HOSTILE, "c": "<!-- x -->"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": HOSTILE, "c": "<!-- x -->"}


def test_drawn_nodes_keeps_seeds_and_rejects_unknown_ones(corpus_graph):
    seeds = ["task/question-answering"]  # the entity of lowest PageRank
    drawn = drawn_nodes(corpus_graph, 20, seeds)
    assert seeds[0] in drawn and len(drawn) <= 20
    assert "method/lora" in drawn  # the entity of highest PageRank (tests/test_analytics.py)
    assert drawn_nodes(corpus_graph, 63) == sorted(corpus_graph.nodes)  # everything fits: all of it
    with pytest.raises(KeyError, match="seed node\\(s\\) not in the graph: method/nope"):
        drawn_nodes(corpus_graph, 20, ["method/nope"])
    with pytest.raises(ValueError, match="max_nodes must be at least 1, not 0"):
        drawn_nodes(corpus_graph, 0)


def test_vendored_cytoscape_is_the_recorded_release():
    import hashlib

    from kgbuild.export.report import CYTOSCAPE_SHA256, CYTOSCAPE_VERSION, VENDOR_FILES

    script = VENDOR_FILES["cytoscape.min.js"].read_bytes()
    assert hashlib.sha256(script).hexdigest() == CYTOSCAPE_SHA256
    readme = (VENDOR_FILES["cytoscape.min.js"].parent / "README.md").read_text(encoding="utf-8")
    assert f"Cytoscape.js {CYTOSCAPE_VERSION}" in readme and CYTOSCAPE_SHA256 in readme
    assert "Permission is hereby granted" in VENDOR_FILES["cytoscape.LICENSE"].read_text(encoding="utf-8")
