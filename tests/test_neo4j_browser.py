"""Neo4j Browser against the test suite's real Neo4j 5 (tests/neo4j_engine.py serves Browser at <http>/browser/),
driven in headless Chromium (Debian's `chromium`, by playwright) the way a user drives it: the connect form filled
in, `queries/style.grass` applied with `:style`, a file of the Cypher library pasted into the editor whole and run
(its `:param` line, then its query), the query's rows read from the Table view, and a graph drawn with the style.
Nothing leaves 127.0.0.1: what Browser asks of the internet (web fonts, usage analytics) is refused. The graph's
screenshot goes to the test's tmp dir; with KGBUILD_BROWSER_SCREENSHOT=1 it is also written to
docs/neo4j-browser.png.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import ROOT
from handmade import WMT14
from test_report import CHROMIUM_ARGS, chromium_executable

from kgbuild.sinks.neo4j import Neo4jLoader, init_schema
from kgbuild.sinks.saved_queries import cypher_statement

QUERIES = ROOT / "queries"
DOCS_SCREENSHOT = ROOT / "docs" / "neo4j-browser.png"
TIMEOUT = 90_000  # ms: a cold Browser and a busy 2-core machine
GRAPH_QUERY = ("MATCH (m:Method {name: 'Transformer'})<-[u:USES]-(p:Paper)-[e:EVALUATES_ON]->(d:Dataset) "
               "RETURN m, u, p, e, d")
# The node positions of the newest frame's graph, unchanged since the previous poll: the layout has settled.
LAYOUT_SETTLED = """() => {
  const frame = document.querySelector('[data-testid="frame"]');
  const layout = [...frame.querySelectorAll('svg g.node')].map(n => n.getAttribute('transform')).join(' ');
  const settled = layout !== '' && layout === window.kgbuildLastLayout;
  window.kgbuildLastLayout = layout;
  return settled;
}"""


def paste_and_run(page, text: str):
    """Paste `text` into Browser's (empty) editor from the clipboard, run it with Ctrl+Enter: the new frame, the
    topmost of the stream."""
    from playwright.sync_api import expect

    frames = page.get_by_test_id("frame")
    before = frames.count()
    page.locator("#monaco-main-editor .view-lines").click()
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")
    page.keyboard.press("Control+Enter")
    expect(frames).to_have_count(before + 1, timeout=TIMEOUT)
    frame = frames.first
    # The frame runs what was pasted, all of it (its title shows it on one line).
    assert frame.get_by_test_id("frameCommand").inner_text().split() == text.split()
    return frame


def test_browser_applies_the_style_and_runs_a_pasted_library_file(neo4j_server, neo4j_db, handmade_graph, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    server, _ = neo4j_server
    if not server.http_uri:
        pytest.skip("the Neo4j server was given by KGBUILD_TEST_NEO4J_URI (Bolt only): no Browser to open")
    init_schema(neo4j_db)
    Neo4jLoader(neo4j_db).run(handmade_graph)
    grass = (QUERIES / "style.grass").read_text(encoding="utf-8")
    library_file = (QUERIES / "datasets_with_method.cypher").read_text(encoding="utf-8")

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium_executable(), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.http_uri)
        context.set_default_timeout(TIMEOUT)
        page = context.new_page()
        page_errors: list[str] = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))

        def local_only(route):
            # Browser itself, and its probe of the Bolt address over HTTP, are on 127.0.0.1; the rest (Google's web
            # fonts, Segment's and Canny's scripts) is refused, and printed (shown when the test fails).
            if route.request.url.startswith("http://127.0.0.1:"):
                route.continue_()
            else:
                print("refused:", route.request.url)
                route.abort()

        page.route("**/*", local_only)
        page.goto(f"{server.http_uri}/browser/")

        # 1. The connect frame: the full bolt:// URL in the address field (Browser sets its scheme list from it).
        page.get_by_test_id("boltaddress").fill(server.bolt_uri)
        page.get_by_test_id("username").fill("neo4j")
        page.get_by_test_id("password").fill(server.password)
        page.get_by_test_id("connect").click()
        connected = page.get_by_test_id("frame").filter(has_text="You are connected as user")
        expect(connected).to_contain_text(server.bolt_uri)

        # 2. The style: `:style` and the file's text. Browser never splits a `:style` command at its `;`s; the
        # frame shows the style it parsed, which is the file's, rule for rule.
        frame = paste_and_run(page, f":style\n{grass}")
        expect(frame.get_by_test_id("styleResetButton")).to_be_visible()
        assert frame.locator("pre").inner_text().split() == grass.split()

        # 3. The library file as pasted: Browser's multi-statement mode runs the :param command, then the query.
        # It shows only each statement's status there, not rows.
        frame = paste_and_run(page, library_file)
        statements = frame.get_by_test_id("multi-statement-list-title")
        expect(statements).to_have_count(2)
        assert statements.first.inner_text() == ":param method => 'Transformer'"
        assert statements.last.inner_text().startswith("CALL db.index.fulltext.queryNodes('entity_names'")
        for status in frame.get_by_test_id("multi-statement-list-icon").all():
            expect(status).to_have_attribute("title", "Status: success")

        # 4. The rows: the file's query run alone, with the $method the pasted :param line set (without it the
        # query fails, missing its parameter). Its Table view shows each value as Browser writes it (JSON).
        frame = paste_and_run(page, cypher_statement(library_file))
        frame.get_by_test_id("cypherFrameSidebarTable").click()
        rows = frame.locator("table tbody tr")
        expect(rows).to_have_count(4)
        expect(frame.locator("table thead th[role=columnheader]")).to_have_text(["dataset", "papers"])
        cells = rows.evaluate_all("rows => rows.map(row => [...row.querySelectorAll('td[role=cell]')]"
                                  ".map(cell => cell.innerText))")
        assert [[json.loads(cell) for cell in row] for row in cells] == [
            ["COCO", 1], ["GLUE", 1], ["Long Range Arena", 1], [WMT14, 1]]

        # 5. A graph in the style: the Transformer, its four papers and the dataset each evaluates on. Browser
        # keeps the last view chosen (Table): back to Graph.
        frame = paste_and_run(page, GRAPH_QUERY)
        frame.get_by_test_id("cypherFrameSidebarVisualization").click()
        expect(frame.locator("svg g.node")).to_have_count(9)
        expect(frame.locator("svg g.relationship")).to_have_count(8)
        page.wait_for_function(LAYOUT_SETTLED, polling=500, timeout=TIMEOUT)
        drawn = frame.locator("svg g.node circle.b-outline").evaluate_all(
            "circles => circles.map(c => [c.getAttribute('fill'), c.getAttribute('r')])")
        # From style.grass: papers blue at 65px, the Transformer orange, datasets cyan (node.Entity, every
        # entity's second label, comes before the kinds' rules, so that theirs win).
        assert sorted(drawn) == sorted([["#F79767", "25"]] + [["#4C8EDA", "32.5"]] * 4 + [["#57C7E3", "25"]] * 4)
        expect(frame.get_by_test_id("vizInspector")).to_contain_text("Displaying 9 nodes, 8 relationships.")

        screenshot = tmp_path / "neo4j-browser.png"
        frame.screenshot(path=str(screenshot))
        assert page_errors == []
        context.close()

    assert screenshot.stat().st_size > 40_000
    if os.environ.get("KGBUILD_BROWSER_SCREENSHOT"):
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)
