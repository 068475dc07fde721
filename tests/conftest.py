"""Shared fixtures: the bundled sample corpus, one Prefect test harness per session, one seed build."""

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


@pytest.fixture(scope="session")
def extractor():
    """The default (shipped, trained) pipeline."""
    from kgbuild.extract import load_extractor

    return load_extractor()


@pytest.fixture(scope="session")
def seed_extractions(seed_ingest, extractor):
    from kgbuild.resolve import resolve

    return resolve(extractor.run(seed_ingest.papers))


@pytest.fixture(scope="session")
def seed_build(prefect_harness, tmp_path_factory):
    """The build flow run on the sample corpus: (output folder, summary)."""
    from flows.build_graph import build_graph_flow

    out = tmp_path_factory.mktemp("seed-build")
    summary = build_graph_flow(inputs=[str(SAMPLE)], out_dir=str(out))
    return out, summary


@pytest.fixture(scope="session")
def falkordb(tmp_path_factory):
    """One FalkorDB server for the session (its Bolt port breaks when a driver closes: one driver per session)."""
    from falkordb_server import FalkorDBServer, free_port

    server = FalkorDBServer(free_port(), free_port(), tmp_path_factory.mktemp("falkordb")).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def bolt_driver_session(falkordb):
    from kgbuild.sinks.neo4j import bolt_driver

    driver = bolt_driver(f"bolt://127.0.0.1:{falkordb.bolt_port}", None, None, retry_seconds=10)
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def seed_graph_model(seed_ingest, seed_extractions):
    """The seed corpus's KnowledgeGraph, as the build makes it."""
    from kgbuild.graph import build_graph

    return build_graph(seed_ingest.papers, seed_extractions.extractions, seed_extractions.entities)
