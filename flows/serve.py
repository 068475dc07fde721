"""The build flow served to a Prefect server: `python -m flows.serve` (the compose file's worker runs this).

It registers the deployment "kgbuild-build-graph/kgbuild" and runs every flow run the server schedules for it
(from the UI, `prefect deployment run`, or the cron schedule in KGBUILD_CRON). Parameters come from the
environment: KGBUILD_INPUTS (comma-separated paths), KGBUILD_OUT, KGBUILD_LOAD_NEO4J; the Neo4j URI and password
are read by the flow's settings from KGBUILD_NEO4J_* or a Prefect Secret block, never passed as parameters.
"""

from __future__ import annotations

import os

from flows.build_graph import build_graph_flow


def main() -> None:
    inputs = [p for p in os.environ.get("KGBUILD_INPUTS", "/data/inputs").split(",") if p]
    build_graph_flow.serve(
        name="kgbuild",
        parameters={"inputs": inputs, "out_dir": os.environ.get("KGBUILD_OUT", "/data/out"),
                    "load_neo4j": os.environ.get("KGBUILD_LOAD_NEO4J", "true").lower() == "true"},
        cron=os.environ.get("KGBUILD_CRON") or None,
    )


if __name__ == "__main__":
    main()
