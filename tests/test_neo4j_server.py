"""Neo4j 5 only: the schema step and the loader on a real Neo4j server. Runs when NEO4J_URI is set (with
NEO4J_USER/NEO4J_PASSWORD), e.g. against `docker compose up -d neo4j`; skipped, and saying so, otherwise.

These are what FalkorDB cannot show (tests/test_neo4j.py): Neo4j 5 constraint and full-text index syntax, and
the whole graph of the hand-made corpus (tests/handmade.py), apostrophes and backslashes included, over Bolt with the
official driver.
"""

from __future__ import annotations

import os

import pytest
from handmade import EDGES, NODES, VIT_PAPER, VIT_TITLE

from kgbuild.sinks.neo4j import SCHEMA_STATEMENTS, BoltRunner, Neo4jLoader, bolt_driver, init_schema

pytestmark = pytest.mark.skipif(
    not os.environ.get("NEO4J_URI"),
    reason="NEO4J_URI is not set: no Neo4j 5 server to test the schema step and the full Bolt load against")


@pytest.fixture(scope="module")
def neo4j():
    driver = bolt_driver(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                         os.environ.get("NEO4J_PASSWORD"), retry_seconds=30)
    runner = BoltRunner(driver, os.environ.get("NEO4J_DATABASE"))
    runner.write("MATCH (n) DETACH DELETE n", [])
    yield runner
    driver.close()


def test_schema_step_is_idempotent(neo4j):
    assert init_schema(neo4j) == list(SCHEMA_STATEMENTS)
    init_schema(neo4j)
    names = {r["name"] for r in neo4j.read("SHOW CONSTRAINTS YIELD name RETURN name", [])}
    assert {"paper_id", "method_id", "dataset_id", "metric_id", "task_id", "claim_id", "result_id"} <= names
    indexes = {r["name"]: r["type"] for r in neo4j.read("SHOW INDEXES YIELD name, type RETURN name, type", [])}
    assert indexes["entity_names"] == "FULLTEXT"


def test_full_graph_over_bolt(neo4j, handmade_graph):
    init_schema(neo4j)
    Neo4jLoader(neo4j).run(handmade_graph)
    again = Neo4jLoader(neo4j).run(handmade_graph)
    assert again.papers_unchanged == 7
    for label, count in NODES.items():
        assert neo4j.read(f"MATCH (n:{label}) RETURN count(n) AS n", [])[0]["n"] == count, label
    for kind, count in EDGES.items():
        assert neo4j.read(f"MATCH ()-[r:{kind}]->() RETURN count(r) AS n", [])[0]["n"] == count, kind
    # The title FalkorDB's Bolt port cannot carry: an apostrophe, quotes and a backslash.
    [title] = neo4j.query("MATCH (p:Paper {paper_id: $id}) RETURN p.title AS title", {"id": VIT_PAPER})
    assert title == {"title": VIT_TITLE}
    hits = neo4j.read("CALL db.index.fulltext.queryNodes('entity_names', 'LoRA') YIELD node "
                      "RETURN node.id AS id LIMIT 1", [])
    assert hits == [{"id": "method/lora"}]
