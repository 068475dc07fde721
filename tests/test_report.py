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
def seed_graph(seed_build) -> nx.MultiDiGraph:
    from kgbuild.sinks import folder_graph

    return to_networkx(folder_graph(seed_build[0]))


def neighbourhood(graph: nx.MultiDiGraph, node: str, radius: int) -> nx.MultiDiGraph:
    return graph.subgraph(nx.ego_graph(graph.to_undirected(as_view=True), node, radius=radius).nodes).copy()


def test_neighbourhood_report_renders_offline_in_chromium(seed_graph, browser, tmp_path):
    lora = "method/low-rank-adaptation"
    graph = neighbourhood(seed_graph, lora, radius=2)
    summary = write_report(graph, tmp_path / "report", title="Neighbourhood of low-rank adaptation (LoRA)")
    # LoRA, its 3 papers, 4 claims and 6 results, and what those name: all drawn.
    assert (summary.nodes_total, summary.nodes_drawn, summary.edges_drawn) == (58, 58, 93)
    assert summary.trend_plot is None  # none of the three papers has a dated month

    opened = open_report(browser, summary.index)
    page = opened.page
    drawn = page.evaluate("[kgbuildReport.cy.nodes().length, kgbuildReport.cy.edges().length,"
                          " kgbuildReport.nodesExpected]")
    assert drawn == [58, 93, 58]
    assert page.evaluate(f"kgbuildReport.cy.$id('{lora}').data('caption')") == "low-rank adaptation"
    assert page.evaluate(PAINTED_PIXELS) > 20_000
    assert page.locator("#cap-note").inner_text() == "All 58 nodes are drawn."

    # Tapping a node shows its properties (aliases as the graph holds them).
    page.evaluate(f"void kgbuildReport.cy.$id('{lora}').select().emit('tap')")  # void: not serialised
    details = page.locator("#details").inner_text()
    assert "low-rank adaptation" in details and "LoRA | Low-Rank Adaptation" in details
    assert re.search(r"papers\s+3\b", details)
    assert page.locator("h2").all_inner_texts() == [
        "Graph", "Mentions over time", "Central entities", "Communities", "Methods and datasets",
        "Methods and tasks", "Leaderboard"]
    # No dataset in this neighbourhood: the method-dataset table says so instead of being empty.
    assert page.locator("section.tables table").count() == 3
    assert page.locator("section.tables .empty").all_inner_texts() == ["None in this graph."]
    assert_clean(opened)

    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 50_000
    if os.environ.get("KGBUILD_REPORT_SCREENSHOT"):
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)


def test_seed_report_draws_a_capped_subset_and_plots_trends(seed_graph, browser, tmp_path):
    summary = write_report(seed_graph, tmp_path / "report", title="Seed corpus", max_nodes=120)
    assert (summary.nodes_total, summary.entities) == (4052, 2673)
    assert 0 < summary.nodes_drawn <= 120
    assert summary.trend_plot == tmp_path / "report" / "trends.svg"
    assert summary.trend_plot.read_text(encoding="utf-8").startswith("<?xml")
    # Each leaderboard row and each table is in data/ as CSV too.
    with (tmp_path / "report" / "data" / "leaderboard.csv").open(encoding="utf-8") as f:
        assert sum(1 for _ in f) == summary.leaderboard_rows + 1

    opened = open_report(browser, summary.index)
    page = opened.page
    assert page.evaluate("kgbuildReport.cy.nodes().length") == summary.nodes_drawn
    assert page.evaluate("kgbuildReport.cy.nodes().filter(n => n.degree() === 0).length") == 0
    assert page.evaluate(PAINTED_PIXELS) > 20_000
    assert page.locator("#cap-note").inner_text().startswith(
        f"This graph has 4,052 nodes; {summary.nodes_drawn} are drawn")
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 0  # the SVG plot loaded
    # The concentric layout runs too.
    page.select_option("#layout", "concentric")
    page.wait_for_function("kgbuildReport.ready && kgbuildReport.layout === 'concentric'")
    assert_clean(opened)
    page.screenshot(path=str(tmp_path / "seed-report.png"), full_page=True)


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


def test_drawn_nodes_keeps_seeds_and_rejects_unknown_ones(seed_graph):
    seeds = ["method/low-rank-adaptation"]
    drawn = drawn_nodes(seed_graph, 60, seeds)
    assert seeds[0] in drawn and len(drawn) <= 60
    assert "metric/accuracy" in drawn  # the entity of highest PageRank
    with pytest.raises(KeyError, match="seed node\\(s\\) not in the graph: method/nope"):
        drawn_nodes(seed_graph, 60, ["method/nope"])
    with pytest.raises(ValueError, match="max_nodes must be at least 1, not 0"):
        drawn_nodes(seed_graph, 0)


def test_vendored_cytoscape_is_the_recorded_release():
    import hashlib

    from kgbuild.export.report import CYTOSCAPE_SHA256, CYTOSCAPE_VERSION, VENDOR_FILES

    script = VENDOR_FILES["cytoscape.min.js"].read_bytes()
    assert hashlib.sha256(script).hexdigest() == CYTOSCAPE_SHA256
    readme = (VENDOR_FILES["cytoscape.min.js"].parent / "README.md").read_text(encoding="utf-8")
    assert f"Cytoscape.js {CYTOSCAPE_VERSION}" in readme and CYTOSCAPE_SHA256 in readme
    assert "Permission is hereby granted" in VENDOR_FILES["cytoscape.LICENSE"].read_text(encoding="utf-8")
