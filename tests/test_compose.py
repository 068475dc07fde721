"""docker-compose.yml, the production setup: checked statically here (no Docker engine on these machines)."""

from __future__ import annotations

import re

import yaml
from conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_services_and_their_health_checks():
    services = COMPOSE["services"]
    assert set(services) == {"neo4j", "prefect-server", "worker"}
    assert services["neo4j"]["image"].startswith("neo4j:5.")
    assert {"neo4j", "prefect-server"} <= {name for name, _ in services["worker"]["depends_on"].items()}
    assert all(dep["condition"] == "service_healthy" for dep in services["worker"]["depends_on"].values())
    assert "healthcheck" in services["neo4j"] and "healthcheck" in services["prefect-server"]


def test_ports_are_local_and_credentials_come_from_the_environment():
    for service in COMPOSE["services"].values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port
    worker = COMPOSE["services"]["worker"]["environment"]
    assert worker["KGBUILD_NEO4J_PASSWORD"] == "${NEO4J_PASSWORD:?set NEO4J_PASSWORD}"
    for service in COMPOSE["services"].values():
        for key, value in service.get("environment", {}).items():
            if re.search("PASSWORD|AUTH", key):
                assert re.fullmatch(r"(\$\{[^}]+\}/?)+", value), f"{key} is not taken from the environment"


def test_the_worker_runs_commands_that_exist():
    from kgbuild.cli import COMMANDS

    command = COMPOSE["services"]["worker"]["command"][-1]
    assert command == "kgbuild neo4j init && exec python -m flows.serve"
    assert "neo4j" in COMMANDS
    import flows.serve

    assert callable(flows.serve.main)


def test_the_image_carries_prefect_yaml_for_the_work_pool_path():
    # README "Scheduled builds": `prefect deploy --all` runs in the image's /app.
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "WORKDIR /app" in dockerfile
    assert "COPY prefect.yaml ./" in dockerfile
