// kgbuild report: draws the graph embedded in index.html (#graph-data) with Cytoscape.js and shows a tapped
// node's properties. Text goes into the page through textContent only, never as HTML.
(function () {
  "use strict";
  var elements = JSON.parse(document.getElementById("graph-data").textContent);
  var details = document.getElementById("details");
  var report = { nodesExpected: elements.nodes.length, edgesExpected: elements.edges.length, ready: false };
  window.kgbuildReport = report;

  var layouts = {
    cose: { name: "cose", animate: false, randomize: true, idealEdgeLength: function () { return 70; },
            nodeRepulsion: function () { return 20000; }, gravity: 1, componentSpacing: 30, numIter: 2000,
            fit: true, padding: 20 },
    concentric: { name: "concentric", animate: false, fit: true, padding: 20, minNodeSpacing: 8,
                  concentric: function (node) { return node.data("degree"); },
                  levelWidth: function () { return 2; } }
  };

  var cy = cytoscape({
    container: document.getElementById("graph"),
    elements: elements,
    style: [
      { selector: "node", style: {
          "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
          "label": "data(caption)", "font-size": "data(fontSize)", "color": "#222", "text-valign": "bottom",
          "text-margin-y": 3, "text-outline-color": "#fff", "text-outline-width": 2,
          "min-zoomed-font-size": 6, "border-width": 1, "border-color": "#fff" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#111" } },
      { selector: "edge", style: {
          "width": 1, "line-color": "#b8b8b8", "curve-style": "haystack", "opacity": 0.7 } },
      { selector: "edge.highlight", style: { "line-color": "#333", "width": 2, "opacity": 1 } }
    ],
    layout: { name: "preset" }
  });
  report.cy = cy;

  function runLayout(name) {
    report.ready = false;
    var layout = cy.layout(layouts[name]);
    layout.one("layoutstop", function () { report.ready = true; report.layout = name; });
    layout.run();
  }

  function row(list, key, value) {
    var dt = document.createElement("dt");
    dt.textContent = key;
    var dd = document.createElement("dd");
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function show(node) {
    var data = node.data();
    details.replaceChildren();
    var heading = document.createElement("h3");
    heading.textContent = data.label;
    details.appendChild(heading);
    var list = document.createElement("dl");
    row(list, "kind", data.kind);
    row(list, "id", data.id);
    row(list, "degree", String(data.degree));
    row(list, "community", String(data.community));
    Object.keys(data.properties).forEach(function (key) { row(list, key, data.properties[key]); });
    details.appendChild(list);
    cy.edges().removeClass("highlight");
    node.connectedEdges().addClass("highlight");
  }

  cy.on("tap", "node", function (event) { show(event.target); });
  document.getElementById("layout").addEventListener("change", function (event) { runLayout(event.target.value); });
  document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 20); });
  runLayout("cose");
})();
