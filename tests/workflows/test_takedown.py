"""Proof by marker strings: after a withdrawal, no byte of anything published holds the record.

A person whose id and name hold a marker, a quotation they said (the marker in its text), a
conferral they alone received, a source cited only for them; two releases; the edition served
by a real ``hrd-lod serve`` and pushed to a real Oxigraph server. Then ``hrd-lod withdraw``,
``hrd-lod build`` and ``hrd-lod publish`` again, and every byte is searched: ``dist/``,
``releases/``, what the commands printed, every response of the server for every published
file and for the withdrawn IRIs, the SPARQL endpoint, and the whole store.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from hrd_lod.cli import main
from tests.sparql.conftest import Oxigraph, free_port
from tests.sparql.conftest import oxigraph as oxigraph  # a fixture

from .test_withdraw import MARK, add_marked, cli, marked_files

pytestmark = pytest.mark.integration

LONE_SOURCE = """
- id: lone-source
  type: Source
  name: A page that names only one person
  publisher: example-foundation
  url: https://example.org/only-one-person
  retrieved: 2025-03-01
  sources: [example-source]
"""
PERSON_IRI = "https://example.org/ds/id/person/zqxmk-person"
QUOTE_IRI = "https://example.org/ds/id/quotation/zqxmk-quote"
LONE_GRAPH = "https://example.org/ds/graph/lone-source"


@pytest.fixture
def served(new_project: Path, tmp_path: Path) -> Iterator[str]:
    """The project with the marked records, released twice and served by ``hrd-lod serve``."""
    add_marked(new_project)
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(
        ex.read_text().replace(
            "  name: Zqxmk Defender\n  works_for: [example-defenders-network]\n"
            "  sources: [example-source]\n",
            "  name: Zqxmk Defender\n  works_for: [example-defenders-network]\n"
            "  sources: [example-source, lone-source]\n",
        )
        + LONE_SOURCE
    )
    for version, day in (("1.0.0", "2025-03-05"), ("1.1.0", "2025-03-06")):
        code, out = cli(new_project, "release", version, "--date", day)
        assert code == 0, out
    port = free_port()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hrd_lod", "serve", "-p", str(new_project), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url + "/", timeout=1)
            break
        except requests.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def publish(project: Path, server: Oxigraph) -> str:
    res = CliRunner().invoke(
        main,
        [
            "publish",
            server.store_url,
            "--project",
            str(project),
            "--sparql-endpoint",
            server.query_url,
        ],
    )
    assert res.exit_code == 0, res.output
    return res.output


def wait_for_edition(url: str, iri: str, seconds: float = 30.0) -> None:
    """Wait, at most ``seconds``, until the server's store no longer holds ``iri`` (a running
    server looks for a new edition twice a second and then switches its workers over)."""
    ask = f"ASK {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            r = requests.get(
                url + "/sparql",
                params={"query": ask},
                headers={"Accept": "application/sparql-results+json"},
                timeout=5,
            )
            if r.status_code == 200 and r.json()["boolean"] is False:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server still held {iri} after {seconds} s")


def responses(url: str, project: Path) -> dict[str, bytes]:
    """Return the body of every response the server gives: every published file (releases
    included), the entity IRIs negotiated as each format, the withdrawn IRIs, and SPARQL."""
    dist = project / "dist"
    paths = ["/", "/sitemap.xml", "/robots.txt"]
    paths += ["/" + p.relative_to(dist).as_posix() for p in sorted(dist.rglob("*")) if p.is_file()]
    for iri in (PERSON_IRI, QUOTE_IRI):
        paths.append(iri.removeprefix("https://example.org/ds"))
    out: dict[str, bytes] = {}
    for path in paths:
        for accept in ("text/html", "text/turtle", "application/ld+json", "application/n-triples"):
            r = requests.get(url + path, headers={"Accept": accept}, timeout=30)
            out[f"{path} ({accept}) {r.status_code}"] = r.content
            if path.endswith((".ttl", ".nq", ".gz", ".jsonld", ".html", ".xml", ".json")):
                break  # a file has one representation
    for query in (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
    ):
        r = requests.post(
            url + "/sparql",
            data={"query": query},
            headers={"Accept": "application/n-triples, application/sparql-results+json"},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        out[f"/sparql {query}"] = r.content
    return out


def store_dump(server: Oxigraph) -> bytes:
    """Return every quad of the store (every graph) as N-Quads."""
    r = requests.post(
        server.query_url,
        data={"query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"},
        headers={"Accept": "text/tab-separated-values"},
        timeout=60,
    )
    r.raise_for_status()
    return r.content


def with_marker(found: dict[str, bytes]) -> list[str]:
    """Return the responses whose body holds the marker."""
    return sorted(k for k, v in found.items() if MARK in v.lower())


def test_no_marker_anywhere_after_a_withdrawal(
    new_project: Path, served: str, oxigraph: Oxigraph
) -> None:
    project = new_project
    first_push = publish(project, oxigraph)
    # before: the marker is everywhere (so the searches below can fail)
    assert marked_files(project / "dist", project / "releases", project / "bags")
    before = responses(served, project)
    assert with_marker(before)
    sparql_keys = [k for k in before if k.startswith("/sparql ")]
    assert sparql_keys and all(MARK in before[k].lower() for k in sparql_keys)
    assert MARK in store_dump(oxigraph).lower()
    assert before[f"{PERSON_IRI.removeprefix('https://example.org/ds')} (text/turtle) 200"]
    assert MARK not in first_push.lower().encode()

    outputs = []
    code, out = cli(
        project,
        "withdraw",
        "zqxmk-person",
        "--reason",
        "asked to be taken down",
        "--keep-dependents",
        "--date",
        "2025-04-01",
    )
    assert code == 0, out
    # the archivist sees the ids of what depended on it (one holds the marker), never a name
    assert "zqxmk defender" not in out.lower() and "zqxmk-quote (Quotation)" in out
    code, out = cli(project, "build")
    assert code == 0, out
    outputs.append(out)
    res = CliRunner().invoke(
        main, ["publish", oxigraph.store_url, "--project", str(project), "--dry-run"]
    )
    assert res.exit_code == 0, res.output
    assert any(
        line.startswith(LONE_GRAPH) and "| DELETE |" in " ".join(line.split())
        for line in res.output.splitlines()
    ), res.output
    assert "and delete 1 graph(s) it no longer has" in res.output
    pushed = publish(project, oxigraph)
    outputs.append(pushed)
    assert "deleted 1 graph(s) the edition no longer has" in pushed, pushed
    assert "withdrawn records: 1; triples mentioning them in the store: 0" in pushed

    assert marked_files(project / "dist", project / "releases", project / "bags") == []
    for text in outputs:
        assert MARK not in text.lower().encode(), text
    wait_for_edition(served, PERSON_IRI)
    after = responses(served, project)
    assert with_marker(after) == []
    # withdrawn IRIs answer exactly like IRIs that never existed
    never = requests.get(served + "/id/person/never-existed", timeout=10)
    for iri in (PERSON_IRI, QUOTE_IRI):
        r = requests.get(served + iri.removeprefix("https://example.org/ds"), timeout=10)
        assert (r.status_code, r.content) == (404, never.content)
    assert MARK not in store_dump(oxigraph).lower()
    # the lone source's graph is gone from the store, not just emptied of new triples
    r = requests.get(oxigraph.store_url, params={"graph": LONE_GRAPH}, timeout=10)
    assert r.status_code == 404
    pushed_state = json.loads((project / ".hrd-pushed.json").read_text())
    assert LONE_GRAPH not in pushed_state["stores"][oxigraph.store_url]["graphs"]
