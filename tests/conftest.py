"""Shared fixtures: the bundled sample corpus, one Prefect test harness per session, the hand-made corpus and
pipeline (tests/handmade.py) with its extraction, graph and build, and one build of the sample corpus."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect reads its settings at import: give the whole test session its own home, offline.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="kgbuild-prefect-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample" / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
EVAL = ROOT.parent / "shared" / "eval"
FIXTURES = Path(__file__).parent / "fixtures"

SEED_FILES = {
    "lines": SAMPLE / "000_a15e600ad3673a88.txt",
    "blank_separated": SAMPLE / "001_e84c1e8169226e15.txt",
    "alternating": SAMPLE / "002_91b92e5e525a6c61.txt",
    "with_metadata": SAMPLE / "003_4c2d73fefedad63e.txt",
}


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def seed_ingest():
    from kgbuild.sources import ingest

    return ingest([SAMPLE])


# --- the hand-made corpus and pipeline (tests/handmade.py): what the tests downstream of extraction run on --------


@pytest.fixture(scope="session")
def handmade_pipeline(tmp_path_factory) -> str:
    """The hand-made extraction pipeline, saved once: its folder, which the build flow, the CLI and Dask workers
    load."""
    from handmade import save_pipeline

    return save_pipeline(tmp_path_factory.mktemp("handmade-pipeline") / "kgbuild_handmade")


@pytest.fixture(scope="session")
def handmade_extractor(handmade_pipeline):
    from kgbuild.extract import load_extractor

    return load_extractor(handmade_pipeline)


@pytest.fixture(scope="session")
def handmade_ingest():
    from handmade import CORPUS

    from kgbuild.sources import ingest

    return ingest([CORPUS])


@pytest.fixture(scope="session")
def handmade_resolution(handmade_ingest, handmade_extractor):
    """The hand-made corpus extracted and resolved, without the shipped lexicon's aliases (`known=()`): entity
    names and aliases are the corpus's own."""
    from kgbuild.resolve import resolve

    return resolve(handmade_extractor.run(handmade_ingest.papers), known=())


@pytest.fixture(scope="session")
def handmade_graph(handmade_ingest, handmade_resolution):
    """The hand-made corpus's KnowledgeGraph, as the build makes it."""
    from kgbuild.graph import build_graph

    return build_graph(handmade_ingest.papers, handmade_resolution.extractions, handmade_resolution.entities)


@pytest.fixture(scope="session")
def margins_graph(handmade_extractor):
    """A graph of margins over baselines (tests/fixtures/handmade/margins.jsonl), read by the hand-made pipeline:
    ScaLoRA beats LoRA by 1.7 points of accuracy on GLUE (and scores 86.0% there), RoBERTa beats LoRA by 0.9
    points of accuracy on GLUE, DETR beats Faster R-CNN by 2.5 mAP on COCO; "3x longer than training Faster R-CNN"
    is a difference in the baseline's favour, no margin. The fourth paper introduces a dataset (Long Range Arena,
    which it PROPOSES) and says Nyströmformer scores 58.9% accuracy on it, 2.1 points over the Transformer."""
    from handmade import FIXTURES

    from kgbuild.graph import build_graph
    from kgbuild.resolve import resolve
    from kgbuild.sources import ingest

    papers = ingest([FIXTURES / "handmade" / "margins.jsonl"]).papers
    resolution = resolve(handmade_extractor.run(papers), known=())
    return build_graph(papers, resolution.extractions, resolution.entities)


def _check_lexicon_leaves_entities_alone(out: Path, expected: dict[str, str]) -> None:
    """The build flow resolves with the shipped lexicon's aliases. It may add aliases to the hand-made entities, but
    when it merges or renames one, every expected value downstream is off: say that, once, instead."""
    from kgbuild.graph.model import NodeKind
    from kgbuild.sinks import folder_graph

    entity_kinds = {NodeKind.METHOD, NodeKind.DATASET, NodeKind.METRIC, NodeKind.TASK}
    built = {n.id: n.label for n in folder_graph(out).nodes.values() if n.kind in entity_kinds}
    if built != expected:
        pytest.fail(f"the shipped lexicon now merges or renames entities of the hand-made corpus (tests/handmade.py): "
                    f"built {sorted(set(built.items()) ^ set(expected.items()))}; choose other names there")


@pytest.fixture(scope="session")
def handmade_build(prefect_harness, handmade_pipeline, handmade_resolution, tmp_path_factory):
    """The build flow run on the hand-made corpus with the hand-made pipeline: (output folder, summary)."""
    from handmade import CORPUS

    from flows.build_graph import build_graph_flow

    out = tmp_path_factory.mktemp("handmade-build")
    summary = build_graph_flow(inputs=[str(CORPUS)], out_dir=str(out), pipeline=handmade_pipeline)
    _check_lexicon_leaves_entities_alone(out, {k: e.name for k, e in handmade_resolution.entities.items()})
    return out, summary


@pytest.fixture(scope="session")
def sample_build(prefect_harness, handmade_pipeline, tmp_path_factory):
    """The build flow run on the whole sample corpus (304 papers) with the hand-made pipeline: model-free and
    deterministic, for what needs a big corpus (byte-identical reruns, Dask against threads, a resumed build)."""
    from flows.build_graph import build_graph_flow

    out = tmp_path_factory.mktemp("sample-build")
    summary = build_graph_flow(inputs=[str(SAMPLE)], out_dir=str(out), pipeline=handmade_pipeline)
    return out, summary


NEO4J_STATUS = pytest.StashKey[str]()


def terminal_line(config: pytest.Config, text: str) -> None:
    """A line on the terminal, past pytest's output capture (and in the captured output when there is none)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(text)


@pytest.fixture(scope="session")
def neo4j_engine(tmp_path_factory, request):
    """What starts real Neo4j 5 servers (tests/neo4j_engine.py); skips, saying why, without Java and Maven."""
    from neo4j_engine import EngineUnavailable, Neo4jEngine

    try:
        return Neo4jEngine(tmp_path_factory.mktemp("neo4j"))
    except EngineUnavailable as reason:
        request.config.stash[NEO4J_STATUS] = f"NOT AVAILABLE, Neo4j tests skipped: {reason}"
        terminal_line(request.config, f"Neo4j server: {request.config.stash[NEO4J_STATUS]}")
        pytest.skip(str(reason))


@pytest.fixture(scope="session")
def neo4j_server(request, tmp_path_factory):
    """One Neo4j 5 server for the test session, started by the tests and stopped at the end: (process, driver).
    Its agent string is printed once. With KGBUILD_TEST_NEO4J_URI set, that database instead, if it is empty
    (the tests that kill a server or import with neo4j-admin still need Java and Maven)."""
    from neo4j_engine import external_server

    from kgbuild.sinks.neo4j import bolt_driver

    server = external_server()
    if server is None:
        server = request.getfixturevalue("neo4j_engine").start("session")
    driver = bolt_driver(server.bolt_uri, server.user, server.password, retry_seconds=30)
    try:
        driver.verify_connectivity()
        agent = driver.get_server_info().agent
        if server.process is None:
            with driver.session() as session:
                held = session.run("MATCH (n) RETURN count(n) AS n").single()["n"]
            if held:
                pytest.fail(f"{server.bolt_uri} holds {held} nodes: the tests only use a database that is empty "
                            "when they start, so that they never touch data they did not write")
        status = f"{agent} at {server.bolt_uri}" + (" (started by the tests)" if server.process else "")
        request.config.stash[NEO4J_STATUS] = status
        terminal_line(request.config, f"Neo4j server: {status}")
        yield server, driver
    finally:
        driver.close()
        server.stop()


@pytest.fixture
def neo4j_db(neo4j_server):
    """The session's Neo4j database emptied for one test (a database the tests created): a BoltRunner on it."""
    from kgbuild.sinks.neo4j import BoltRunner

    _, driver = neo4j_server
    runner = BoltRunner(driver)
    runner.write("MATCH (n) DETACH DELETE n", [])
    return runner


def pytest_terminal_summary(terminalreporter, config):
    status = config.stash.get(NEO4J_STATUS, None)
    if status is not None:
        terminalreporter.write_line(f"Neo4j server: {status}")
