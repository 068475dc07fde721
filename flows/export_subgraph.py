"""The subgraph export flow: an output folder's graph → index → saved-query seeds → selection → one file.

The same kgbuild functions as `kgbuild export DIR --entity ...`, as Prefect tasks, so that a deployment can
export a subgraph on a schedule (e.g. "everything within two hops of LoRA since 2023", nightly).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from kgbuild.export.select import GraphIndex, Subgraph, SubgraphQuery, select_subgraph
from kgbuild.export.subgraph import write_subgraph
from kgbuild.settings import Settings
from kgbuild.sinks import folder_graph
from kgbuild.sinks.saved_queries import saved_query_seeds

stage = task(cache_policy=NO_CACHE, persist_result=False)


@stage
def index_folder_graph(out_dir: str) -> GraphIndex:
    return GraphIndex(folder_graph(Path(out_dir)))


@stage
def run_saved_queries(index: GraphIndex, out_dir: str, sparql_file: str | None, cypher_file: str | None,
                      params: dict[str, str]) -> list[str] | None:
    return saved_query_seeds(index, Path(out_dir), Path(sparql_file) if sparql_file else None,
                             Path(cypher_file) if cypher_file else None, params, Settings())


@stage
def select(index: GraphIndex, query: SubgraphQuery) -> Subgraph:
    subgraph = select_subgraph(index, query)
    get_run_logger().info("selected %s", subgraph.describe().replace("\n", "; "))
    return subgraph


@stage
def write(subgraph: Subgraph, target: str, fmt: str) -> list[str]:
    return [str(p) for p in write_subgraph(subgraph, Path(target), fmt)]


@flow(name="kgbuild-export-subgraph")
def export_subgraph_flow(
    out_dir: str, target: str, fmt: str = "graphml", entities: list[str] | None = None, hops: int = 1,
    node_kinds: list[str] | None = None, edge_kinds: list[str] | None = None, since: str | None = None,
    until: str | None = None, min_confidence: float | None = None, min_support: int | None = None,
    text: str | None = None, sparql_file: str | None = None, cypher_file: str | None = None,
    params: dict[str, str] | None = None,
) -> dict[str, dict[str, int]]:
    """Select a subgraph of the output folder `out_dir` and write it to `target` as `fmt`; returns the nodes and
    edges written per kind. The parameters are those of `SubgraphQuery` and `kgbuild export`."""
    query = SubgraphQuery(entities=tuple(entities or ()), hops=hops,
                          node_kinds=tuple(node_kinds) if node_kinds else None,
                          edge_kinds=tuple(edge_kinds) if edge_kinds else None, since=since, until=until,
                          min_confidence=min_confidence, min_support=min_support, text=text)
    index = index_folder_graph(out_dir)
    seeds = run_saved_queries(quote(index), out_dir, sparql_file, cypher_file, params or {})
    if seeds is not None:
        query = replace(query, node_ids=tuple(seeds))
    subgraph = select(quote(index), query)
    write(quote(subgraph), target, fmt)
    nodes, edges = subgraph.counts()
    return {"nodes": nodes, "edges": edges}
