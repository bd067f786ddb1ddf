"""``hrd-lod publish`` to a real Oxigraph server: push, check, re-run, failure half-way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner, Result

from hrd_lod import vocab as V
from hrd_lod.cli import main
from hrd_lod.errors import RemoteError
from hrd_lod.sparql.errors import PublishError
from hrd_lod.sparql.publish import plan, push, verify
from hrd_lod.sparql.remote import Client

from .conftest import Oxigraph, free_port

pytestmark = pytest.mark.integration


def publish(dist: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["publish", "--dist", str(dist), *args])


def local_graphs(dist: Path) -> dict[str, set[str]]:
    """Return the triples of each graph of the build (N-Triples lines), '' = default graph."""
    store = ox.Store()
    store.bulk_load(path=str(dist / "hrd.nq"), format=ox.RdfFormat.N_QUADS)
    out: dict[str, set[str]] = {}
    for q in store:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        out.setdefault(name, set()).add(str(q.triple))
    void = dist / "void.ttl"
    if void.is_file():
        # through a Store, as the server does: Oxigraph 0.5 stores derived integer types
        # (xsd:nonNegativeInteger, used by dcat:byteSize) as xsd:integer
        described = ox.Store()
        described.bulk_load(path=str(void), format=ox.RdfFormat.TURTLE)
        out[V.description_graph_iri(V.DEFAULT_BASE)] = {str(q.triple) for q in described}
    return out


def remote_graph(server: Oxigraph, graph: str) -> set[str]:
    """Return the triples the server holds in a graph ('' = default), via Graph Store GET."""
    params = {"graph": graph} if graph else {"default": ""}
    r = requests.get(
        server.store_url, params=params, timeout=30, headers={"Accept": "application/n-triples"}
    )
    if r.status_code == 404:
        return set()
    r.raise_for_status()
    return {str(q.triple) for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}


def assert_store_equals_build(server: Oxigraph, dist: Path) -> None:
    expected = local_graphs(dist)
    assert len(expected) >= 3  # default graph + the two sources (+ description)
    for graph, triples in expected.items():
        assert remote_graph(server, graph) == triples, graph or "default graph"


def test_dry_run_lists_graphs_and_sends_nothing(dist: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens: any request would fail
    result = publish(dist, url, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    expected = local_graphs(dist)
    assert lines[0].split("|")[0].strip() == "graph"
    rows = {line.split("|")[0].strip(): int(line.split("|")[1]) for line in lines[1:-1]}
    assert rows == {(g or "default graph"): len(t) for g, t in expected.items()}
    total = sum(len(t) for t in expected.values())
    assert lines[-1].startswith(f"dry run: would PUT {len(expected)} graphs ({total} triples")


def test_publish_matches_the_build_and_is_idempotent(dist: Path, oxigraph: Oxigraph) -> None:
    result = publish(dist, oxigraph.store_url)
    assert result.exit_code == 0, result.output
    assert "published" in result.stdout and "with PUT" in result.stdout
    assert_store_equals_build(oxigraph, dist)
    again = publish(dist, oxigraph.store_url, "--sparql-endpoint", oxigraph.query_url)
    assert again.exit_code == 0, again.output
    assert again.stdout == result.stdout
    assert_store_equals_build(oxigraph, dist)
    appended = publish(dist, oxigraph.store_url, "--append")
    assert appended.exit_code == 0, appended.output
    assert "with POST" in appended.stdout
    assert_store_equals_build(oxigraph, dist)  # RDF graphs are sets: nothing doubled


def test_replace_removes_stale_triples(dist: Path, oxigraph: Oxigraph) -> None:
    graph = "https://w3id.org/hrd/graph/fld-profile-jmg"
    stale = '<http://example.org/stale> <http://example.org/p> "old" .'
    r = requests.post(
        oxigraph.store_url,
        params={"graph": graph},
        data=stale.encode(),
        headers={"Content-Type": "application/n-triples"},
        timeout=30,
    )
    assert r.status_code in (200, 201, 204)
    assert publish(dist, oxigraph.store_url).exit_code == 0
    assert stale[:-2] not in "\n".join(remote_graph(oxigraph, graph))
    assert_store_equals_build(oxigraph, dist)


def test_check_after_push_names_the_graph_that_differs(dist: Path, oxigraph: Oxigraph) -> None:
    client = Client(timeout=30, retries=0)
    with plan(dist) as pushes:
        push(client, oxigraph.store_url, pushes)
        victim = pushes[1]
        r = requests.post(
            oxigraph.base + "/update",
            timeout=30,
            data={"update": f"DELETE WHERE {{ GRAPH <{victim.iri}> {{ ?s a ?t }} }}"},
        )
        assert r.status_code in (200, 204), r.text
        for endpoint in (None, oxigraph.query_url):
            with pytest.raises(RemoteError) as err:
                verify(client, oxigraph.store_url, pushes, sparql_endpoint=endpoint)
            assert f"{victim.iri}: sent {victim.triples} triples, the store holds" in (
                err.value.message
            )
            assert pushes[0].name not in err.value.message  # the others are fine


def test_server_stopped_mid_push_is_reported_and_a_rerun_completes(
    dist: Path, oxigraph: Oxigraph
) -> None:
    client = Client(timeout=10, retries=1, backoff=0.05)
    with plan(dist) as pushes:
        assert len(pushes) >= 3
        names = [p.name for p in pushes]

        def progress(line: str) -> None:
            if line.split(" ", 1)[1].startswith(pushes[2].name + ":"):
                oxigraph.stop()  # the server goes away before the third graph

        with pytest.raises(PublishError) as err:
            push(client, oxigraph.store_url, pushes, progress=progress)
    assert err.value.written == names[:2]
    assert err.value.not_written == names[2:]
    assert f"failed at {names[2]}" in err.value.message
    assert "connection refused" in err.value.message
    # the first two graphs really are in the store, the rest really are not
    oxigraph.start()
    expected = local_graphs(dist)
    for name in names[:2]:
        key = "" if name == "default graph" else name
        assert remote_graph(oxigraph, key) == expected[key]
    for name in names[2:]:
        assert remote_graph(oxigraph, name) == set()
    # through the CLI the same failure is exit 3 with the lists; after a restart a re-run
    # completes the job
    result = publish(dist, oxigraph.store_url)
    assert result.exit_code == 0, result.output
    assert_store_equals_build(oxigraph, dist)


def test_cli_failure_lists_graphs_and_exits_3(dist: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    result = publish(dist, url, "--retries", "0")
    assert result.exit_code == 3
    assert "graphs written (0):\n  (none)" in result.output
    n = 1 + _source_graphs(dist)  # the default graph and one per source
    assert f"graphs NOT written ({n + 1}):\n  default graph" in result.output or (
        f"graphs NOT written ({n}):\n  default graph" in result.output
    )
    assert "a re-run completes the job" in result.output


def test_missing_description_is_fine(dist: Path, tmp_path: Path) -> None:
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    (copy / "void.ttl").unlink(missing_ok=True)
    with plan(copy) as pushes:
        names = [p.name for p in pushes]
    assert V.description_graph_iri(V.DEFAULT_BASE) not in names
    assert names[0] == "default graph" and len(names) == 1 + _source_graphs(dist)


def _source_graphs(dist: Path) -> int:
    """Return how many named graphs (one per source) the dump holds."""
    store = ox.Store()
    store.load(path=str(dist / "hrd.nq"), format=ox.RdfFormat.N_QUADS)
    return len(list(store.named_graphs()))


def test_bad_urls_are_usage_errors(dist: Path) -> None:
    result = publish(dist, "ftp://example.org/store")
    assert result.exit_code == 2 and "not an http(s) URL" in result.output


def test_empty_default_graph_and_a_large_graph(tmp_path: Path, oxigraph: Oxigraph) -> None:
    # a hand-made build: no default-graph triples, one graph of 20,000 triples (streamed)
    dist = tmp_path / "dist"
    dist.mkdir()
    lines = [
        f'<http://example.org/s{i}> <http://example.org/p> "{i}" <http://example.org/g{i % 2}> .'
        for i in range(20_000)
    ]
    (dist / "t.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (dist / "manifest.json").write_text(
        json.dumps(
            {
                "dataset": "t",
                "base_iri": "http://example.org/",
                "files": [{"path": "t.nq", "sha256": "0" * 64}],
            }
        ),
        encoding="utf-8",
    )
    result = publish(dist, oxigraph.store_url)
    assert result.exit_code == 0, result.output
    assert "PUT default graph: 0 triples, 0 bytes" in result.stderr
    assert len(remote_graph(oxigraph, "http://example.org/g1")) == 10_000
    assert remote_graph(oxigraph, "") == set()


def test_a_capped_graph_store_get_points_to_sparql_counting(dist: Path) -> None:
    """A store that cuts Graph Store GET at 10,001 triples (Virtuoso does) is named as such."""
    import http.server
    import threading

    from hrd_lod.sparql.publish import GraphPush

    capped = "".join(f"<http://e/s{i}> <http://e/p> <http://e/o> .\n" for i in range(10001))

    class Capped(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = capped.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Capped)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/store"
        with plan(dist) as pushes:
            big = GraphPush("http://e/big", pushes[0].path, 25_000, 1, "hrd.nq")
            with pytest.raises(RemoteError) as info:
                verify(Client(retries=0), url, [big])
        assert "http://e/big: sent 25000 triples, the store holds 10001" in info.value.message
        assert "caps what a Graph Store GET returns" in (info.value.hint or "")
        assert "--sparql-endpoint URL" in (info.value.hint or "")
    finally:
        server.shutdown()
