"""`hrd-lod serve`: the real command on a free loopback port, pages and SPARQL side by side."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from hrd_lod.pipeline import build

pytestmark = pytest.mark.integration


LOGS: list[Path] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path_factory.mktemp("serve") / "project"
    shutil.copytree(FIXTURES / "valid", root)
    build(root)
    port = free_port()
    log = root.parent / "serve.log"
    LOGS.append(log)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hrd_lod",
            "serve",
            "-p",
            str(root),
            "--port",
            str(port),
            "--query-timeout",
            "3",
        ],
        # a file, not a pipe: an unread pipe fills up and blocks the server
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/", timeout=1)
            break
        except requests.ConnectionError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("hrd-lod serve did not start")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_pages_and_negotiation(server: str) -> None:
    r = requests.get(
        server + "/id/organization/example-group", timeout=5, headers={"Accept": "text/turtle"}
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert "Example Defenders Group" in r.text
    r = requests.get(
        server + "/id/organization/example-group", timeout=5, headers={"Accept": "text/html"}
    )
    assert r.status_code == 200 and "text/html" in r.headers["Content-Type"]
    assert requests.get(server + "/id/organization/nobody", timeout=5).status_code == 404


def test_sparql_beside_pages(server: str) -> None:
    q = (
        "SELECT ?name WHERE { ?o a <http://schema.org/Organization> ; "
        "<http://schema.org/name> ?name } ORDER BY ?name"
    )
    r = requests.get(
        server + "/sparql",
        params={"query": q},
        timeout=10,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200
    names = [b["name"]["value"] for b in r.json()["results"]["bindings"]]
    assert names == ["Example Defenders Group", "Example Publisher"]
    r = requests.post(
        server + "/sparql",
        data="INSERT DATA { <a:b> <a:c> <a:d> }",
        timeout=10,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 400


def test_withheld_data_never_served(server: str) -> None:
    q = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = requests.get(
        server + "/sparql", params={"query": q}, timeout=10, headers={"Accept": "text/csv"}
    )
    assert r.status_code == 200 and "Example Award" in r.text
    assert "222 3333" not in r.text
    for path in ("/", "/id/person/example-person", "/test.nq", "/test.ttl"):
        assert "222 3333" not in requests.get(server + path, timeout=5).text
    assert LOGS and b"222 3333" not in LOGS[-1].read_bytes()


def test_serve_without_build_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hrd_lod.cli import main

    (tmp_path / "data").mkdir()
    res = CliRunner().invoke(main, ["serve", "-p", str(tmp_path)])
    assert res.exit_code == 2 and "holds no built dataset" in res.output


def test_sparql_endpoint_follows_a_new_edition(tmp_path: Path) -> None:
    """A swapped-in edition (a new manifest) is reloaded before the next answer; until then
    the same endpoint answers, and requests never see a closed one."""
    from hrd_lod.serve import FollowingEndpoint

    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "manifest.json").write_text("{}")
    made: list[str] = []
    closed: list[str] = []

    def make():  # type: ignore[no-untyped-def]
        name = f"edition-{len(made)}"
        made.append(name)

        def app(environ, start_response):  # type: ignore[no-untyped-def]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [name.encode()]

        return app, lambda: closed.append(name)

    follow = FollowingEndpoint(dist, make)

    def ask() -> bytes:
        return b"".join(follow({}, lambda *a: None))

    assert ask() == b"edition-0" and ask() == b"edition-0" and made == ["edition-0"]
    new = tmp_path / "new"
    new.mkdir()
    (new / "manifest.json").write_text('{"a": 1}')
    dist.rename(tmp_path / "old")
    new.rename(dist)  # what a build's swap does
    assert ask() == b"edition-1" and closed == ["edition-0"] and follow.reloads == 1
    follow.close()
    assert closed == ["edition-0", "edition-1"]


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_browsers_opening_sparql_get_the_site_page(server: str) -> None:
    r = requests.get(
        server + "/sparql", headers={"Accept": BROWSER_ACCEPT}, timeout=10, allow_redirects=False
    )
    assert r.status_code == 303 and r.headers["Location"] == "/sparql.html"
    page = requests.get(server + "/sparql", headers={"Accept": BROWSER_ACCEPT}, timeout=10)
    assert page.url.endswith("/sparql.html") and '<header class="site">' in page.text
    # SPARQL clients (any type, or SPARQL results) and queries still reach the endpoint
    r = requests.get(server + "/sparql", headers={"Accept": "*/*"}, timeout=10)
    assert r.status_code == 200 and '<textarea id="query"' in r.text
    r = requests.get(
        server + "/sparql",
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": BROWSER_ACCEPT},
        timeout=10,
        allow_redirects=False,
    )
    assert r.status_code != 303
