"""Apache Jena as a second RDF engine for the tests: Jena's own command-line tools run kgbuild's exports, so that
what Oxigraph and rdflib accept is also shown to work in a tool kgbuild has no part in.

Jena 5.6.0 (the last line for Java 17) comes from Maven Central: tests/engines/jena/pom.xml lists jena-cmds and
an SLF4J provider, and Maven resolves their classpath once per test session (artifacts cached in ~/.m2). Each
check is one short JVM: `riotcmd.riot` parses and validates files (strict mode, warnings count as failures) or
rewrites them as N-Quads, `arq.sparql` runs a SELECT query on a data file with JSON results, and `shacl.shacl`
validates a data file against shapes and gives its report as Turtle.

ARQ has no way to bind a variable from the command line; `bound_query` puts the values in a VALUES block at the
head of the query's WHERE group (terms written with SPARQL's escapes, never pasted in as they come) and, for a
TriG file, reads the union of its named graphs as the default graph (`FROM <urn:x-arq:UnionGraph>`), as
kgbuild's store does (`use_default_graph_as_union`).

Without java or mvn on PATH, or with a Java older than 17, `JenaUnavailable` says what to install: the Jena tests
are skipped for that reason. A Maven or Jena failure on a machine that has the tools is an error (`JenaError`,
with the tool's output), not a reason to skip.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

ENGINE_DIR = Path(__file__).parent / "engines" / "jena"
POM = ENGINE_DIR / "pom.xml"
UNION_GRAPH = "urn:x-arq:UnionGraph"  # ARQ's name for the union of a dataset's named graphs
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Short JVMs: the C1 compiler alone starts them about twice as fast, and none of them runs long enough to gain
# from C2. Logging at WARN keeps Jena's parse errors and warnings (on stderr) and drops its chatter.
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m", "-Dfile.encoding=UTF-8",
             "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showThreadName=false")
INSTALL_HINT = ("install Java 17 (or newer) and Maven 3.8+ on PATH, e.g. `apt-get install openjdk-17-jdk-headless "
                "maven`; Maven then fetches Jena 5.6.0 from Maven Central into ~/.m2 on the first run")


class JenaUnavailable(RuntimeError):
    """No java or mvn on PATH, or a Java too old for Jena 5: the reason the Jena tests are skipped."""


class JenaError(RuntimeError):
    """Maven could not resolve Jena, or a Jena command failed: the tools are there, so the test fails."""


def find_tools() -> tuple[str, str]:
    """The java and mvn executables; JenaUnavailable, saying what is missing and how to provide it."""
    java, mvn = shutil.which("java"), shutil.which("mvn")
    missing = [name for name, path in (("java", java), ("mvn", mvn)) if path is None]
    if missing:
        raise JenaUnavailable(f"{' and '.join(missing)} not on PATH, so the Apache Jena tests (tests/test_jena.py: "
                              f"riot, ARQ and SHACL on kgbuild's RDF exports) are SKIPPED; to run them, "
                              f"{INSTALL_HINT}")
    done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr)
    major = int(match.group(1)) if match else 0
    if major == 1 and match.group(2):  # "1.8.0_412": Java 8
        major = int(match.group(2))
    if major < 17:
        raise JenaUnavailable(f"{java} is Java {major or 'of an unknown version'} ({done.stderr.strip()[:200]!r}); "
                              f"Jena 5 needs Java 17, so the Apache Jena tests (tests/test_jena.py) are SKIPPED; "
                              f"to run them, {INSTALL_HINT}")
    return java, mvn


def resolve_classpath(mvn: str, cache: Path) -> str:
    """Jena's classpath from tests/engines/jena/pom.xml, resolved by Maven into a file in `cache` the first time
    (Maven fetches what ~/.m2 lacks). A Maven failure raises JenaError with Maven's output."""
    out = cache / "jena-classpath.txt"
    if not out.exists():
        done = subprocess.run([mvn, "-q", "-B", "-f", str(POM), "dependency:build-classpath",
                               f"-Dmdep.outputFile={out}"], capture_output=True, text=True, timeout=1200)
        if done.returncode != 0 or not out.exists():
            out.unlink(missing_ok=True)
            raise JenaError(f"Maven could not resolve Apache Jena (tests/engines/jena/pom.xml), exit "
                            f"{done.returncode}:\n{done.stdout[-6000:]}\n{done.stderr[-6000:]}")
    return out.read_text(encoding="utf-8").strip()


# --- SPARQL results ---------------------------------------------------------------------------------------------

class Term(NamedTuple):
    """One RDF term of a solution: its plain value and what it is: "iri", "bnode", a literal's datatype IRI, or
    "@" and the language tag of a language-tagged string."""

    value: str
    kind: str


@dataclass(frozen=True)
class Solutions:
    """A SELECT query's answer: the projected variables and one tuple per solution (None where unbound)."""

    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]]

    def values(self) -> list[tuple[str | None, ...]]:
        """The rows as plain values (an IRI's text, a literal's lexical form), in order."""
        return [tuple(None if t is None else t.value for t in row) for row in self.rows]


def _term(binding: Mapping[str, str]) -> Term:
    kind = binding["type"]
    if kind == "uri":
        return Term(binding["value"], "iri")
    if kind == "bnode":
        return Term(binding["value"], "bnode")
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return Term(binding["value"], "@" + binding["xml:lang"].lower())
        return Term(binding["value"], binding.get("datatype", XSD_STRING))
    raise ValueError(f"unknown term type in SPARQL JSON results: {binding}")


def parse_json_results(data: bytes | str) -> Solutions:
    """W3C SPARQL 1.1 Query Results JSON (what `kgbuild sparql --results json` and `sparql --results=json` print)
    as Solutions."""
    document = json.loads(data)
    if "boolean" in document:
        raise ValueError("an ASK query's answer, not a SELECT's")
    variables = tuple(document["head"]["vars"])
    rows = [tuple(_term(b[v]) if v in b else None for v in variables) for b in document["results"]["bindings"]]
    return Solutions(variables, rows)


# --- binding values in the query text ---------------------------------------------------------------------------

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _blanked(query: str) -> str:
    """The query with its comments, IRIs and string literals replaced by spaces (same length, same offsets), so
    that keywords and braces can be looked for without matching inside them."""
    out, i, n = list(query), 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            end = query.find("\n", i)
            end = n if end < 0 else end
        elif c == "<" and (m := _IRIREF.match(query, i)):
            end = m.end()
        elif c in "\"'":
            quote = query[i:i + 3] if query.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                j += 2 if query[j] == "\\" else 1
            if j >= n:
                raise ValueError(f"unterminated string in the query at offset {i}")
            end = j + len(quote)
        else:
            i += 1
            continue
        out[i:end] = " " * (end - i)
        i = end
    return "".join(out)


def sparql_term(term: ox.NamedNode | ox.Literal) -> str:
    """A term in SPARQL syntax: an IRI (pyoxigraph has checked it is one) or a quoted, escaped literal."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if not isinstance(term, ox.Literal):
        raise TypeError(f"only IRIs and literals can be bound: {term!r}")
    text = "".join(_ECHAR.get(c, f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                   for c in term.value)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype.value in (XSD_STRING, RDF_LANG_STRING):
        return f'"{text}"'
    return f'"{text}"^^<{term.datatype.value}>'


def bound_query(query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
                union_default_graph: bool = True) -> str:
    """`query` with each variable of `bindings` bound to its term, as pyoxigraph's `substitutions` bind it: a
    one-row VALUES block first in the query's WHERE group, joined with the rest of the group, so that the
    group's FILTERs and GROUP BY see the values. With `union_default_graph` (and no FROM of the query's own), the
    query reads the union of the dataset's named graphs as its default graph."""
    blank = _blanked(query)
    brace = blank.find("{")
    if brace < 0:
        raise ValueError("no WHERE group in the query")
    head = blank[:brace]
    where = re.search(r"\bWHERE\s*$", head, re.IGNORECASE)
    from_at = where.start() if where else brace
    values = ""
    if bindings:
        names = list(bindings)
        for name in names:
            if not _VARNAME.match(name):
                raise ValueError(f"not a SPARQL variable name: {name!r}")
        values = (f" VALUES ({' '.join('?' + n for n in names)}) "
                  f"{{ ({' '.join(sparql_term(bindings[n]) for n in names)}) }}\n")
    dataset = ""
    if union_default_graph and not re.search(r"\bFROM\b", head, re.IGNORECASE):
        dataset = f"FROM <{UNION_GRAPH}>\n"
    return query[:from_at] + dataset + query[from_at:brace + 1] + values + query[brace + 1:]


# --- SHACL reports ----------------------------------------------------------------------------------------------

def _path_text(report: rdflib.Graph, path: rdflib.term.Node | None) -> str:
    """A result path as text: an IRI, `^IRI` for an inverse path, "None" when the result has none."""
    if path is None:
        return "None"
    if isinstance(path, rdflib.URIRef):
        return str(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(report, inverse)
    raise ValueError(f"a result path kgbuild's shapes do not use: {list(report.predicate_objects(path))}")


@dataclass(frozen=True)
class ShaclReport:
    """A SHACL validation report: the verdict, and each result as (focus node, path, constraint component)."""

    conforms: bool
    results: frozenset[tuple[str, str, str]]

    @classmethod
    def from_graph(cls, report: rdflib.Graph) -> ShaclReport:
        (node,) = report.subjects(rdflib.RDF.type, SH.ValidationReport)
        conforms = report.value(node, SH.conforms).toPython()
        results = frozenset((str(report.value(r, SH.focusNode)), _path_text(report, report.value(r, SH.resultPath)),
                             str(report.value(r, SH.sourceConstraintComponent)))
                            for r in report.objects(node, SH.result))
        return cls(bool(conforms), results)

    def focus_paths(self) -> set[tuple[str, str]]:
        return {(focus, path) for focus, path, _ in self.results}


# --- the engine -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RiotValidation:
    """What `riot --validate --count` said about some files: triples or quads read per file, its exit code, its
    totals of errors and warnings (-1 when it gave no total), and its messages (parse errors and warnings, one
    line each, after the file they are about)."""

    returncode: int
    counts: dict[str, int]
    errors: int
    warnings: int
    messages: list[str]
    output: str


_COUNT_LINE = re.compile(r"^(?P<file>.+?)\s*: (?:Triples|Quads) = (?P<n>[\d,.\u00a0\u202f' ]+)$")
_TOTAL_LINE = re.compile(r"(?P<errors>\d+) errors? : (?P<warnings>\d+) warnings?")


class Jena:
    """Jena's commands, run as one JVM each on the classpath Maven resolved."""

    def __init__(self, java: str, classpath: str, work: Path) -> None:
        self.java = java
        self.classpath = classpath
        self.work = work
        self._files = 0

    @classmethod
    def start(cls, work: Path) -> Jena:
        """Find the tools (JenaUnavailable without them) and resolve the classpath once (JenaError if Maven fails)."""
        java, mvn = find_tools()
        return cls(java, resolve_classpath(mvn, work), work)

    def run(self, main: str, *args: str, jvm: tuple[str, ...] = (), timeout: float = 300
            ) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.java, *JVM_FLAGS, *jvm, "-cp", self.classpath, main, *args],
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout)

    def checked(self, main: str, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.run(main, *args)
        if done.returncode != 0:
            raise JenaError(f"{main} {' '.join(args)}: exit {done.returncode}\n{done.stderr[-6000:]}\n"
                            f"{done.stdout[-2000:]}")
        return done

    def scratch(self, name: str, text: str) -> Path:
        self._files += 1
        path = self.work / f"{self._files:03d}-{name}"
        path.write_text(text, encoding="utf-8")
        return path

    def version(self) -> str:
        """Jena's version line, e.g. "Apache Jena RIOT version 5.6.0"."""
        return self.checked("riotcmd.riot", "--version").stdout.strip()

    def validate(self, files: Iterable[Path]) -> RiotValidation:
        """`riot --validate --count` (strict parsing, with checks of every term) on the files, in one JVM; the
        syntax is chosen from each file's extension."""
        paths = [str(f) for f in files]
        # riot logs "File: NAME" (at INFO) before each file: a message is then told with the file it is about.
        done = self.run("riotcmd.riot", "--validate", "--count", *paths,
                        jvm=("-Dorg.slf4j.simpleLogger.log.org.apache.jena.riot=info",))
        counts: dict[str, int] = {}
        errors = warnings = -1
        messages = []
        current = "?"
        for line in (done.stdout + done.stderr).splitlines():
            if (m := _COUNT_LINE.match(line)) and m.group("file") in paths:
                counts[m.group("file")] = int(re.sub(r"\D", "", m.group("n")))
            elif line.startswith("Total"):  # "N errors : M warnings" only when there are some
                m = _TOTAL_LINE.search(line)
                errors, warnings = (int(m.group("errors")), int(m.group("warnings"))) if m else (0, 0)
            elif line.startswith("INFO ") and " - File: " in line:
                current = line.partition(" - File: ")[2]
            elif line.startswith(("WARN ", "ERROR ")):
                messages.append(f"{current}: {line}")
        return RiotValidation(done.returncode, counts, errors, warnings, messages, done.stdout + done.stderr)

    def nquads(self, file: Path) -> set[ox.Quad]:
        """The quads Jena reads from a file (written by Jena as N-Quads, then parsed by pyoxigraph)."""
        done = self.checked("riotcmd.riot", "--strict", "--output=nquads", str(file))
        return set(ox.parse(done.stdout.encode("utf-8"), format=ox.RdfFormat.N_QUADS))

    def select(self, data: Path, query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
               union_default_graph: bool = True) -> Solutions:
        """A SELECT query run by ARQ (strict SPARQL 1.1, no ARQ extensions) on one data file, its values bound
        (see `bound_query`)."""
        text = bound_query(query, bindings, union_default_graph)
        done = self.checked("arq.sparql", "--strict", "--data", str(data),
                            "--query", str(self.scratch("query.rq", text)), "--results=json")
        return parse_json_results(done.stdout)

    def shacl(self, shapes: Path, data: Path) -> ShaclReport:
        """`shacl validate`: the report Jena's SHACL engine gives on a data graph."""
        done = self.run("shacl.shacl", "validate", "--shapes", str(shapes), "--data", str(data))
        if not done.stdout.strip():
            raise JenaError(f"shacl validate gave no report (exit {done.returncode}):\n{done.stderr[-6000:]}")
        return ShaclReport.from_graph(rdflib.Graph().parse(data=done.stdout, format="turtle"))


__all__ = ["Jena", "JenaError", "JenaUnavailable", "RiotValidation", "ShaclReport", "Solutions", "Term",
           "bound_query", "find_tools", "parse_json_results", "resolve_classpath", "sparql_term"]
