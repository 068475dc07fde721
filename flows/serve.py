"""The build flow served to a Prefect server: `kgbuild serve` and `python -m flows.serve` (the compose file's worker).

`serve` registers the deployment "kgbuild-build-graph/<name>" and runs, in this process's environment, every flow
run the server schedules for it: from the UI, `prefect deployment run`, or its cron schedule. Inputs are files,
folders or globs; a glob stays a glob in the deployment's parameters and is matched again by every run, so a
nightly run reads the listings that arrived since the last one. The Neo4j URI and password are read by the flow's
settings from KGBUILD_NEO4J_* or a Prefect Secret block, never passed as parameters.

`python -m flows.serve` takes the same from the environment: KGBUILD_INPUTS (comma-separated), KGBUILD_OUT,
KGBUILD_LOAD_NEO4J, KGBUILD_CRON, KGBUILD_DEPLOYMENT (the name).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from flows.build_graph import build_graph_flow

DEPLOYMENT_NAME = "kgbuild"


class NoPrefectServer(RuntimeError):
    pass


def deployment_parameters(
    inputs: Sequence[str],
    out_dir: str,
    *,
    batch_size: int | None = None,
    input_format: str | None = None,
    pipeline: str | None = None,
    aliases_file: str | None = None,
    load_neo4j: bool = False,
) -> dict[str, Any]:
    """The build flow's parameters for a deployment: absolute paths (globs kept as globs), unset options left out.

    Paths are made absolute because a run may be started from the UI long after, or by a worker elsewhere; options
    left out fall back at run time to the settings (KGBUILD_BATCH_SIZE, …) of the process that runs the flow.
    """
    parameters: dict[str, Any] = {
        "inputs": [os.path.abspath(item) for item in inputs],
        "out_dir": os.path.abspath(out_dir),
        "load_neo4j": load_neo4j,
    }
    options = {"batch_size": batch_size, "input_format": input_format, "pipeline": pipeline,
               "aliases_file": os.path.abspath(aliases_file) if aliases_file else None}
    parameters.update({key: value for key, value in options.items() if value is not None})
    return parameters


def serve(
    inputs: Sequence[str],
    out_dir: str,
    *,
    cron: str | None = None,
    name: str = DEPLOYMENT_NAME,
    batch_size: int | None = None,
    input_format: str | None = None,
    pipeline: str | None = None,
    aliases_file: str | None = None,
    load_neo4j: bool = False,
) -> None:
    """Serve the build flow as deployment `name` (on `cron` if given) until interrupted."""
    from prefect.deployments.runner import EntrypointType
    from prefect.settings import get_current_settings

    # Prefect's ephemeral API runs no scheduler service: without a server, a cron would never fire.
    if not get_current_settings().api.url:
        raise NoPrefectServer("kgbuild serve needs a Prefect server: set PREFECT_API_URL "
                              "(e.g. http://127.0.0.1:4200/api after `prefect server start`)")
    build_graph_flow.serve(
        name=name,
        parameters=deployment_parameters(inputs, out_dir, batch_size=batch_size, input_format=input_format,
                                         pipeline=pipeline, aliases_file=aliases_file, load_neo4j=load_neo4j),
        cron=cron or None,
        description="kgbuild: listings → knowledge graph in the output folder (RDF store, exports), optionally Neo4j",
        # Every run writes the same output folder and store: one at a time; a run due meanwhile waits its turn.
        limit=1,
        # The runs import the installed package, wherever the serving process was started from.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def main() -> None:
    serve(
        [p for p in os.environ.get("KGBUILD_INPUTS", "/data/inputs").split(",") if p],
        os.environ.get("KGBUILD_OUT", "/data/out"),
        cron=os.environ.get("KGBUILD_CRON") or None,
        name=os.environ.get("KGBUILD_DEPLOYMENT") or DEPLOYMENT_NAME,
        load_neo4j=os.environ.get("KGBUILD_LOAD_NEO4J", "true").lower() == "true",
    )


if __name__ == "__main__":
    main()
