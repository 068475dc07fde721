"""Saved queries as subgraph seeds: a SPARQL query run on an output folder's RDF store, or a Cypher query run on
Neo4j, and the node IRIs or ids they return. Parameters are passed to the engine as values, never pasted into
the query text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from kgbuild.export.select import GraphIndex, SelectionError, known_nodes
from kgbuild.settings import Settings
from kgbuild.sinks.files import STORE_DIR
from kgbuild.sinks.store import GraphStore

_INTEGER = re.compile(r"^-?\d+$")


class CypherReader(Protocol):
    """Runs one read-only Cypher statement with named parameters and returns its records as dicts."""

    def query(self, statement: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]: ...


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """`key=value` strings (the CLI's `--param`) as a dict; a malformed one raises ValueError naming it."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("$?")
        if not sep or not name.isidentifier():
            raise ValueError(f"--param {item!r}: expected NAME=VALUE")
        params[name] = value
    return params


def sparql_node_refs(store: GraphStore, query: str, params: Mapping[str, str]) -> list[str]:
    """Every IRI in the solutions of a SPARQL SELECT, in order. A parameter `<iri>` is bound as an IRI, any
    other value as a string literal."""
    bindings = {name: ox.NamedNode(v[1:-1]) if v.startswith("<") and v.endswith(">") else ox.Literal(v)
                for name, v in params.items()}
    try:
        result = store.query(query, bindings)
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:
        raise ValueError(f"the SPARQL query failed: {error}") from None
    if not isinstance(result, ox.QuerySolutions):
        raise ValueError("a saved SPARQL query for a subgraph must be a SELECT query")
    return [term.value for solution in result for term in solution if isinstance(term, ox.NamedNode)]


_CYPHER_PARAMETER = re.compile(r"\$(\w+)")
_PARAM_LINE = re.compile(r"^:param\s+(\w+)\s*=>\s*(.+?);?\s*$")


def cypher_statement(text: str) -> str:
    """The statement of a queries/*.cypher file, as a driver runs it: its `//` comments and its `:param` lines
    (Neo4j Browser commands that set the example values when the file is pasted there) removed, and the
    statement's closing `;`."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(("//", ":"))]
    return "\n".join(lines).strip().removesuffix(";").rstrip()


def cypher_example_params(text: str) -> dict[str, Any]:
    """The example values a queries/*.cypher file sets with `:param name => 'text';` or `:param name => 10;`."""
    params: dict[str, Any] = {}
    for line in text.splitlines():
        match = _PARAM_LINE.match(line.strip())
        if match:
            name, value = match.groups()
            params[name] = value[1:-1].replace("\\'", "'") if value.startswith("'") else int(value)
    return params


def cypher_params(params: Mapping[str, str]) -> dict[str, Any]:
    """Cypher parameter values: an integer stays an integer (LIMIT $n); anything else is a string."""
    return {name: int(v) if _INTEGER.match(v) else v for name, v in params.items()}


def cypher_node_refs(runner: CypherReader, statement: str, params: Mapping[str, str]) -> list[str]:
    """The node ids a Cypher query returns: the values of columns named `id`, and the `id` of returned nodes."""
    refs: list[str] = []
    for record in runner.query(cypher_statement(statement), cypher_params(params)):
        for column, value in record.items():
            if column == "id" and isinstance(value, str):
                refs.append(value)
            else:
                node_id = _node_property(value, "id")
                if isinstance(node_id, str):
                    refs.append(node_id)
    return refs


def _node_property(value: Any, key: str) -> Any:
    # The neo4j driver's records (`.data()`) hold a node as the dict of its properties.
    return value.get(key) if isinstance(value, dict) else None


def folder_store(folder: Path) -> GraphStore:
    """The RDF store of a build's output folder, read-only."""
    if not (Path(folder) / STORE_DIR).is_dir():
        raise FileNotFoundError(f"{folder}: no RDF store here (expected {Path(folder) / STORE_DIR}/ from kgbuild "
                                "build)")
    return GraphStore(Path(folder) / STORE_DIR, read_only=True)


def saved_query_seeds(index: GraphIndex, folder: Path, sparql: Path | None = None, cypher: Path | None = None,
                      params: Iterable[str] | Mapping[str, str] = (), settings: Settings | None = None
                      ) -> list[str] | None:
    """The graph nodes that saved queries return, as seeds of a subgraph: the SPARQL file run on `folder`'s RDF
    store and the Cypher file run on the Neo4j database the settings name. None when no file is given; a
    ValueError when the queries return no node of the graph."""
    if sparql is None and cypher is None:
        return None
    values = dict(params) if isinstance(params, Mapping) else parse_params(params)
    refs: list[str] = []
    if sparql is not None:
        refs.extend(sparql_node_refs(folder_store(folder), read_query_file(sparql), values))
    if cypher is not None:
        from kgbuild.sinks.neo4j import configured_runner

        statement = read_query_file(cypher)
        missing = sorted(set(_CYPHER_PARAMETER.findall(cypher_statement(statement))) - set(values))
        if missing:
            examples = cypher_example_params(statement)
            raise ValueError(f"{cypher} needs a value for {', '.join('$' + m for m in missing)}: pass "
                             + " ".join(f"--param {m}={examples.get(m, '...')}" for m in missing))
        with configured_runner(settings or Settings()) as runner:
            refs.extend(cypher_node_refs(runner, statement, values))
    nodes = known_nodes(index, refs)
    if not nodes:
        names = " and ".join(str(p) for p in (sparql, cypher) if p is not None)
        raise SelectionError(f"{names} returned no node of the graph ({len(refs)} IRIs or ids, none a node)")
    return nodes


def read_query_file(path: Path) -> str:
    if not Path(path).is_file():
        raise ValueError(f"{path}: no such query file")
    return Path(path).read_text(encoding="utf-8")


__all__ = ["CypherReader", "cypher_example_params", "cypher_node_refs", "cypher_params", "cypher_statement",
           "folder_store", "parse_params", "read_query_file", "saved_query_seeds", "sparql_node_refs"]
