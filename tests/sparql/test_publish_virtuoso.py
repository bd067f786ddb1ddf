"""``hrd-lod publish`` to a real Virtuoso 7 (Debian's virtuoso-opensource-7-bin) on loopback.

Virtuoso's authenticated Graph Store endpoint needs HTTP Digest, refuses ``PUT ?default``
(its default graph is not a graph store graph), and caps a Graph Store GET at 10,001 triples;
so the push uses ``--auth digest``, ``--default-graph-as`` and counts with SPARQL.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner, Result

from hrd_lod import vocab as V
from hrd_lod.cli import main

from .conftest import Virtuoso
from .test_publish import local_graphs

pytestmark = pytest.mark.integration

AS_DEFAULT = "https://example.org/hrd/graph/default"


def publish(dist: Path, server: Virtuoso, *args: str, password: str | None = None) -> Result:
    env = {
        "HRD_LOD_SPARQL_USER": server.user,
        "HRD_LOD_SPARQL_PASSWORD": password or server.password,
    }
    return CliRunner().invoke(
        main, ["publish", "--dist", str(dist), "--retries", "0", *args], env=env
    )


def stored(server: Virtuoso, graph: str) -> set[str]:
    """Return the triples Virtuoso holds in a named graph, read with SPARQL (no GSP cap)."""
    r = requests.post(
        server.sparql_url,
        data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/n-triples"},
        timeout=60,
    )
    r.raise_for_status()
    return {str(t) for t in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}


def expected_graphs(dist: Path) -> dict[str, set[str]]:
    """Return the build's graphs as Virtuoso keeps them: the dataset description as parsed
    from void.ttl (Virtuoso keeps derived datatypes such as xsd:nonNegativeInteger)."""
    out = local_graphs(dist)
    void = ox.parse(path=str(dist / "void.ttl"), format=ox.RdfFormat.TURTLE)
    out[V.description_graph_iri(V.DEFAULT_BASE)] = {str(q.triple) for q in void}
    return out


def test_basic_auth_is_refused_with_a_hint_to_use_digest(dist: Path, virtuoso: Virtuoso) -> None:
    res = publish(dist, virtuoso, virtuoso.gsp_auth_url, "--default-graph-as", AS_DEFAULT)
    assert res.exit_code == 3, res.output
    assert "HTTP 401" in res.output
    # Virtuoso answers Basic credentials with a bare 401 (no challenge)
    assert "asks for HTTP Digest authentication" in res.output
    assert "add --auth digest" in res.output
    assert "graphs written (0)" in res.output
    assert "once the store is back" not in res.output


def test_wrong_password_and_wrong_path_name_their_causes(dist: Path, virtuoso: Virtuoso) -> None:
    args = ("--auth", "digest", "--default-graph-as", AS_DEFAULT)
    res = publish(dist, virtuoso, virtuoso.gsp_auth_url, *args, password="not-the-password")
    assert res.exit_code == 3 and "the credentials were refused" in res.output, res.output
    res = publish(dist, virtuoso, virtuoso.base + "/no-such-endpoint", *args)
    assert res.exit_code == 3, res.output
    # Virtuoso answers a PUT to a path it does not know with 501 Method Not Implemented
    assert "HTTP 501" in res.output and "Graph Store Protocol" in res.output, res.output


def test_default_graph_refused_then_sent_as_named_graph(dist: Path, virtuoso: Virtuoso) -> None:
    res = publish(dist, virtuoso, virtuoso.gsp_auth_url, "--auth", "digest")
    assert res.exit_code == 3, res.output
    assert "not configured to have default graph" in res.output  # Virtuoso's own words
    assert "--default-graph-as IRI" in res.output
    assert "graphs NOT written" in res.output and "once the store is back" not in res.output

    expected = expected_graphs(dist)
    args = (
        "--auth",
        "digest",
        "--default-graph-as",
        AS_DEFAULT,
        "--sparql-endpoint",
        virtuoso.sparql_url,
    )
    for attempt in (1, 2):  # a second push is idempotent (PUT replaces each graph)
        res = publish(dist, virtuoso, virtuoso.gsp_auth_url, *args)
        assert res.exit_code == 0, (attempt, res.output)
        total = sum(len(t) for t in expected.values())
        assert f"published {len(expected)} graphs ({total} triples" in res.output
        assert f"the store holds {total} triples in them" in res.output
        for graph, triples in expected.items():
            name = graph or AS_DEFAULT
            assert stored(virtuoso, name) == triples, (attempt, name)
    # the description graph went to its own named graph
    assert stored(virtuoso, V.description_graph_iri(V.DEFAULT_BASE))


def test_default_graph_as_must_be_a_new_absolute_iri(dist: Path, virtuoso: Virtuoso) -> None:
    taken = next(g for g in local_graphs(dist) if g)
    for iri, message in (("not an iri", "not an absolute IRI"), (taken, "already has a graph")):
        res = publish(dist, virtuoso, virtuoso.gsp_auth_url, "--default-graph-as", iri)
        assert res.exit_code == 2 and message in res.output, res.output


def test_query_an_endpoint_that_wants_digest(dist: Path, virtuoso: Virtuoso) -> None:
    env = {"HRD_LOD_SPARQL_USER": virtuoso.user, "HRD_LOD_SPARQL_PASSWORD": virtuoso.password}
    url = virtuoso.base + "/sparql-auth"  # Virtuoso's SPARQL endpoint behind HTTP Digest
    args = ["query", "--dist", str(dist), "--endpoint", url, "--retries", "0", "--format", "csv"]
    q = "SELECT (1 AS ?one) WHERE {}"
    res = CliRunner().invoke(main, [*args, q], env=env)
    assert res.exit_code == 3 and "add --auth digest" in res.output, res.output
    res = CliRunner().invoke(main, [*args, "--auth", "digest", q], env=env)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == ["one", "1"]
