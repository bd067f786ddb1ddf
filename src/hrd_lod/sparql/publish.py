"""Push the built dataset to a SPARQL 1.1 Graph Store Protocol endpoint.

Each graph of ``dist/{id}.nq`` (the default graph, which holds the provenance, and one named
graph per source) and the dataset description (``dist/void.ttl``, into its own named graph) is
written as N-Triples streamed from a temporary file: ``PUT`` replaces the graph, ``POST`` adds
to it. Graphs go one by one in a fixed order; a failure stops the push and reports exactly
which graphs were written and which were not, and since PUT is idempotent a re-run finishes
the job. Afterwards the store is asked how many triples each graph holds (Graph Store ``GET``,
or a ``COUNT`` query when a SPARQL endpoint is given) and any difference is an error naming
the graph.

A push is remembered (``.hrd-pushed.json`` at the project root, per store address, without
credentials): the next replacing push deletes every graph it sent before that the edition no
longer has (a source whose only facts were withdrawn), and, given a SPARQL endpoint, every
graph of the dataset the store holds that the edition does not. After a push, the store is
checked for triples mentioning a withdrawn record (the register, :mod:`hrd_lod.withdrawals`):
there must be none.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import pyoxigraph as ox

from .. import vocab as V
from ..errors import LoadError, Location, Problem, RemoteError, UsageError
from ..fsutil import write_atomic
from .errors import PublishError
from .local import open_dist
from .remote import Client, HttpError, check_url, redact_url, sparql_query

PUSHED = ".hrd-pushed.json"

NT = ox.RdfFormat.N_TRIPLES
DESCRIPTION_FILE = "void.ttl"
DEFAULT = "default graph"
#: triple counts at which some stores cut a Graph Store GET short (Virtuoso: 10,001)
GSP_CAPS = frozenset({10000, 10001})


@dataclass(frozen=True)
class GraphPush:
    """One graph to send: its IRI (None for the default graph), its N-Triples file, sizes."""

    iri: str | None
    path: Path
    triples: int
    bytes: int
    origin: str
    #: the build's default graph, sent as the named graph ``iri`` (--default-graph-as)
    was_default: bool = False

    @property
    def name(self) -> str:
        """Return how the graph is named in messages."""
        if self.was_default:
            return f"{DEFAULT} (as {self.iri})"
        return self.iri or DEFAULT

    def url(self, gsp_url: str) -> str:
        """Return the Graph Store Protocol URL of this graph under ``gsp_url``."""
        sep = "&" if "?" in gsp_url else "?"
        if self.iri is None:
            return f"{gsp_url}{sep}default"
        return f"{gsp_url}{sep}graph={quote(self.iri, safe='')}"


@dataclass(frozen=True)
class Verified:
    """The triple count a store reports for one graph after the push, and how many of those
    triples mention a withdrawn record (must be 0)."""

    graph: GraphPush
    found: int
    mentions: int = 0


def _key(gsp_url: str) -> str:
    return redact_url(gsp_url)


def pushed_before(root: Path, gsp_url: str) -> list[str | None]:
    """Return the graphs (None: the default graph) last pushed from the project at ``root``
    to the store at ``gsp_url``."""
    try:
        doc = json.loads((root / PUSHED).read_text("utf-8"))
        graphs = doc["stores"][_key(gsp_url)]["graphs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [g if isinstance(g, str) else None for g in graphs]


def remember_push(root: Path, gsp_url: str, pushes: list[GraphPush]) -> None:
    """Record which graphs were pushed to ``gsp_url`` (never the credentials)."""
    path = root / PUSHED
    try:
        doc = json.loads(path.read_text("utf-8"))
        stores = dict(doc["stores"])
    except (OSError, ValueError, KeyError, TypeError):
        stores = {}
    stores[_key(gsp_url)] = {"graphs": sorted((p.iri for p in pushes), key=lambda g: g or "")}
    text = json.dumps({"format": 1, "stores": stores}, indent=1, sort_keys=True) + "\n"
    write_atomic(path, text.encode("utf-8"))


def store_graphs(client: Client, endpoint: str, prefix: str) -> list[str]:
    """Return the named graphs under ``prefix`` that the store at SPARQL ``endpoint`` holds."""
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
    )
    media, body = sparql_query(client, endpoint, query)
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if fmt is None:
        raise RemoteError(f"{redact_url(endpoint)} answered a SELECT query with {media!r}")
    rows = list(ox.parse_query_results(body, format=fmt))  # type: ignore[arg-type]
    return sorted(str(r["g"].value) for r in rows if isinstance(r["g"], ox.NamedNode))


def stale_graphs(
    previous: list[str | None],
    pushes: list[GraphPush],
    in_store: tuple[str, ...] = (),
) -> list[GraphPush]:
    """Return the graphs pushed before (or found in the store) that the edition no longer has,
    as empty pushes to delete."""
    now = {p.iri for p in pushes}
    gone = sorted({g for g in [*previous, *in_store] if g is not None and g not in now})
    return [GraphPush(g, Path("/dev/null"), 0, 0, "no longer in the edition") for g in gone]


def delete_graphs(client: Client, gsp_url: str, graphs: list[GraphPush]) -> list[GraphPush]:
    """Delete ``graphs`` from the store (Graph Store DELETE; a graph already gone is fine)."""
    check_url(gsp_url)
    done: list[GraphPush] = []
    for g in graphs:
        try:
            client.request("DELETE", g.url(gsp_url), ok=(404,))
        except RemoteError as exc:
            raise PublishError(
                f"deleting {g.name} from {redact_url(gsp_url)} failed: {exc.message}",
                written=[d.name for d in done],
                not_written=[x.name for x in graphs[len(done) :]],
                hint="run the same command again once the store is back",
            ) from None
        done.append(g)
    return done


def withdrawn_iris(root: Path, base_iri: str) -> frozenset[str]:
    """Return the IRIs of the records withdrawn in the project at ``root``."""
    from ..withdrawals import load_register

    return frozenset(V.entity_iri(base_iri, w.kind, w.id) for w in load_register(root))


def _iri(node: ox.NamedNode) -> str:
    return node.value


def _count_lines(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


@contextmanager
def plan(dist: Path, default_graph_as: str | None = None) -> Iterator[list[GraphPush]]:
    """Yield the graphs of the built dataset in ``dist`` as N-Triples files (removed after).

    ``default_graph_as`` sends the default graph as that named graph, for stores that refuse
    ``?default`` (Virtuoso) or keep their default graph for something else.
    """
    dataset = open_dist(dist)
    # The graphs exactly as published: each quad's triple goes to its graph's lines as parsed,
    # not through a Store, which would keep "1000.50"^^xsd:decimal as "1000.5" and
    # "7"^^xsd:nonNegativeInteger as xsd:integer (the store does not keep literals as written).
    by_graph: dict[str, list[str]] = {}
    try:
        for quad in ox.parse(path=str(dataset.nquads), format=ox.RdfFormat.N_QUADS):
            g = quad.graph_name
            key = g.value if isinstance(g, ox.NamedNode) else ""
            lines = by_graph.get(key)
            if lines is None:
                lines = by_graph[key] = []
            lines.append(f"{quad.triple} .\n")
    except SyntaxError as exc:
        raise LoadError(
            [
                Problem(
                    Location(str(dataset.nquads)),
                    f"unreadable RDF: {exc}",
                    "rebuild with 'hrd-lod build'",
                    "dist",
                )
            ]
        ) from None
    description_iri = V.description_graph_iri(dataset.base_iri)
    with tempfile.TemporaryDirectory(prefix="hrd-lod-publish-") as tmp:
        work = Path(tmp)
        pushes: list[GraphPush] = []
        named = [ox.NamedNode(g) for g in by_graph if g]
        named.sort(key=_iri)
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph(), *named]
        if default_graph_as is not None:
            check_graph_iri(default_graph_as)
            taken = {g.value for g in named} | {description_iri}
            if default_graph_as in taken:
                raise UsageError(
                    f"--default-graph-as {default_graph_as}: the dataset already has a graph "
                    "of that name",
                    hint="choose an IRI that names no graph of the dataset",
                )
        for i, g in enumerate(graphs):
            path = work / f"graph-{i:05d}.nt"
            key = g.value if isinstance(g, ox.NamedNode) else ""
            # one triple per line, each graph's triples once (as a Store would hold them)
            path.write_text("".join(dict.fromkeys(by_graph.get(key, ()))), encoding="utf-8")
            iri = g.value if isinstance(g, ox.NamedNode) else default_graph_as
            pushes.append(
                GraphPush(
                    iri,
                    path,
                    _count_lines(path),
                    path.stat().st_size,
                    dataset.nquads.name,
                    was_default=isinstance(g, ox.DefaultGraph) and iri is not None,
                )
            )
        void = dist / DESCRIPTION_FILE
        if void.is_file() and description_iri not in {p.iri for p in pushes}:
            path = work / "description.nt"
            try:
                triples = ox.parse(path=str(void), format=ox.RdfFormat.TURTLE)
                ox.serialize((q.triple for q in triples), str(path), format=NT)
            except SyntaxError as exc:
                raise LoadError(
                    [
                        Problem(
                            Location(str(void)),
                            f"unreadable Turtle: {exc}",
                            "rebuild with 'hrd-lod build'",
                            "dist",
                        )
                    ]
                ) from None
            pushes.append(
                GraphPush(
                    description_iri, path, _count_lines(path), path.stat().st_size, DESCRIPTION_FILE
                )
            )
        yield pushes


def push(
    client: Client,
    gsp_url: str,
    pushes: list[GraphPush],
    *,
    replace: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[GraphPush]:
    """Send every graph to the store; return them; raise PublishError naming what was written."""
    check_url(gsp_url)
    method = "PUT" if replace else "POST"
    written: list[GraphPush] = []
    for p in pushes:
        if progress:
            progress(f"{method} {p.name}: {p.triples} triples, {p.bytes} bytes")
        headers = {"Content-Type": "application/n-triples"}
        try:
            with p.path.open("rb") as fh:
                # requests streams a file with its Content-Length; an empty file it would send
                # chunked, which some stores refuse, so an empty graph is an empty bytes body
                body: bytes | BinaryIO = fh if p.bytes else b""
                client.request(
                    method,
                    p.url(gsp_url),
                    body=body,
                    rewind=_rewinder(fh),
                    headers=headers,
                )
        except RemoteError as exc:
            raise PublishError(
                f"the push to {redact_url(gsp_url)} failed at {p.name}: {exc.message}",
                written=[w.name for w in written],
                not_written=[q.name for q in pushes[len(written) :]],
                hint=_push_hint(exc, p, replace),
            ) from None
        written.append(p)
    return written


def check_graph_iri(iri: str) -> str:
    """Return ``iri`` if it is an absolute IRI a graph can be named by; raise UsageError."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        node = None
    if node is None or ":" not in iri or any(c in iri for c in ' <>"{}|^`'):
        raise UsageError(
            f"not an absolute IRI: {iri!r}", hint="give a full IRI such as https://..."
        )
    return iri


def _push_hint(exc: RemoteError, graph: GraphPush, replace: bool) -> str:
    """Return what to do after a failed push, from the real cause."""
    again = (
        "run the same command again: PUT replaces each graph, so a re-run completes the job"
        if replace
        else "push the graphs NOT written (a re-run with --append would add the written ones twice)"
    )
    if isinstance(exc, HttpError):
        if graph.iri is None and exc.status in (400, 403, 405, 500, 501):
            return (
                "the store may refuse to write its default graph (Virtuoso answers 500: "
                "'not configured to have default graph'): send it as a named graph with "
                "--default-graph-as IRI, then " + again
            )
        return f"{exc.hint}; then {again}" if exc.hint else again
    return f"{exc.hint or 'is the store running and reachable?'} Once it answers, {again}"


def _rewinder(fh: BinaryIO) -> Callable[[], None]:
    def rewind() -> None:
        fh.seek(0)

    return rewind


def count_gsp(
    client: Client, gsp_url: str, graph: GraphPush, iris: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Return how many triples the store holds in ``graph`` (Graph Store GET; 404 = 0), and
    how many of them have one of ``iris`` as subject or object."""
    resp = client.request(
        "GET",
        graph.url(gsp_url),
        ok=(404,),
        stream=True,
        headers={"Accept": "application/n-triples"},
    )
    with resp:
        if resp.status_code == 404:
            return 0, 0
        media = resp.headers.get("Content-Type", "").split(";")[0].strip()
        fmt = ox.RdfFormat.from_media_type(media) or NT
        resp.raw.decode_content = True
        n = mentions = 0
        try:
            for t in ox.parse(resp.raw, format=fmt):
                n += 1
                if iris and (t.subject.value in iris or getattr(t.object, "value", None) in iris):
                    mentions += 1
            return n, mentions
        except SyntaxError as exc:
            raise RemoteError(
                f"GET {redact_url(graph.url(gsp_url))}: the store sent "
                f"unreadable {media or 'RDF'}: {exc}"
            ) from None


def count_sparql(
    client: Client, endpoint: str, graph: GraphPush, iris: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Return how many triples the store holds in a named graph (a SPARQL COUNT query), and
    how many of them mention one of ``iris``."""
    assert graph.iri is not None
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.iri}> {{ ?s ?p ?o }} }}"
    total = _count(client, endpoint, query)
    if not iris:
        return total, 0
    listed = ", ".join(f"<{i}>" for i in sorted(iris))
    query = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.iri}> {{ ?s ?p ?o }} "
        f"FILTER(?s IN ({listed}) || ?o IN ({listed})) }}"
    )
    return total, _count(client, endpoint, query)


def mentions_anywhere(client: Client, endpoint: str, iris: frozenset[str]) -> int:
    """Return how many triples in any graph of the store mention one of ``iris``."""
    if not iris:
        return 0
    listed = ", ".join(f"<{i}>" for i in sorted(iris))
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } "
        f"FILTER(?s IN ({listed}) || ?o IN ({listed})) }}"
    )
    return _count(client, endpoint, query)


def _count(client: Client, endpoint: str, query: str) -> int:
    media, body = sparql_query(client, endpoint, query)
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if fmt is None:
        raise RemoteError(f"{redact_url(endpoint)} answered a SELECT query with {media!r}")
    result = ox.parse_query_results(body, format=fmt)
    rows = list(result)  # type: ignore[arg-type]
    value = rows[0]["n"] if rows else None
    return int(value.value) if isinstance(value, ox.Literal) else 0


def verify(
    client: Client,
    gsp_url: str,
    pushes: list[GraphPush],
    *,
    replace: bool = True,
    sparql_endpoint: str | None = None,
    withdrawn: frozenset[str] = frozenset(),
) -> list[Verified]:
    """Return the counts the store reports; raise RemoteError naming each graph that differs.

    After a replace each graph must hold exactly the triples sent; after an append at least
    as many (the graph may have held others before). In no graph may a triple mention one of
    the ``withdrawn`` IRIs (deleted graphs are pushes of 0 triples).
    """
    out: list[Verified] = []
    bad: list[str] = []
    for p in pushes:
        if sparql_endpoint and p.iri is not None:
            found, mentions = count_sparql(client, sparql_endpoint, p, withdrawn)
        else:
            found, mentions = count_gsp(client, gsp_url, p, withdrawn)
        out.append(Verified(p, found, mentions))
        if (found != p.triples) if replace else (found < p.triples):
            bad.append(f"{p.name}: sent {p.triples} triples, the store holds {found}")
        if mentions:
            bad.append(f"{p.name}: {mentions} triple(s) still mention a withdrawn record")
    if sparql_endpoint and withdrawn:
        anywhere = mentions_anywhere(client, sparql_endpoint, withdrawn)
        if anywhere:
            bad.append(
                f"the store holds {anywhere} triple(s) mentioning a withdrawn record in graphs "
                "this push does not manage"
            )
    if bad:
        capped = not sparql_endpoint and any(
            v.found < v.graph.triples and v.found in GSP_CAPS for v in out
        )
        raise RemoteError(
            "the store does not hold what was sent:\n  " + "\n  ".join(bad),
            hint="the store caps what a Graph Store GET returns (Virtuoso: 10,001 triples): "
            "count with SPARQL instead, --sparql-endpoint URL"
            if capped
            else "run the push again; if it persists, check the store's logs",
        )
    return out
