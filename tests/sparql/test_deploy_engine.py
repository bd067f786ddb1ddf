"""The deployment of docs/sparql.md for real: nginx serves dist/ (deploy/nginx.conf) and passes
/sparql (deploy/nginx-sparql.conf) to an Oxigraph server that ``hrd-lod publish`` fed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from hrd_lod import vocab as V
from hrd_lod.cli import main
from tests.nginx import nginx_serving

from .conftest import REPO, Oxigraph, free_port

pytestmark = pytest.mark.integration

JMG = "https://w3id.org/hrd/id/organization/joint-mobile-group"


@pytest.fixture
def deployed(dist: Path, oxigraph: Oxigraph, tmp_path: Path) -> Iterator[str]:
    res = CliRunner().invoke(
        main,
        [
            "publish",
            oxigraph.store_url,
            "--dist",
            str(dist),
            "--sparql-endpoint",
            oxigraph.query_url,
        ],
    )
    assert res.exit_code == 0, res.output
    port = free_port()
    site = (REPO / "deploy" / "nginx.conf").read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/srv/hrd-lod/dist", str(dist))
    sparql = (REPO / "deploy" / "nginx-sparql.conf").read_text()
    sparql = sparql.replace("127.0.0.1:7878", f"127.0.0.1:{oxigraph.port}")
    (tmp_path / "hrd-lod-sparql.conf").write_text(sparql)
    # the include goes where the file says: inside server {}, before "location /"
    include = tmp_path / "hrd-lod-sparql.conf"
    site = site.replace("    location / {", f"    include {include};\n\n    location / {{", 1)
    with nginx_serving(site, tmp_path, port) as url:
        yield url


def test_sparql_through_nginx_reaches_the_published_store(deployed: str) -> None:
    query = (
        f"SELECT DISTINCT ?year WHERE {{ ?c <{V.HRD}laureate> <{JMG}> ; <{V.HRD}year> ?year }} "
        "ORDER BY ?year"
    )
    for method in ("GET", "POST"):
        kwargs: dict[str, object] = (
            {"params": {"query": query}} if method == "GET" else {"data": {"query": query}}
        )
        r = requests.request(
            method,
            deployed + "/sparql",
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
            **kwargs,  # type: ignore[arg-type]
        )
        assert r.status_code == 200, r.text
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        years = [b["year"]["value"] for b in r.json()["results"]["bindings"]]
        assert years == ["2011", "2013"]
    # the static pages beside it
    page = requests.get(
        deployed + "/id/organization/joint-mobile-group", headers={"Accept": "text/turtle"}
    )
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/turtle")


def test_the_engine_write_endpoints_stay_private(deployed: str) -> None:
    for method, path in (("PUT", "/sparql"), ("DELETE", "/sparql"), ("PUT", "/store")):
        r = requests.request(method, deployed + path, data=b"<a:b> <a:c> <a:d> .", timeout=10)
        assert r.status_code in (403, 404, 405), (method, path, r.status_code)
    # an update sent to the query endpoint is refused by the engine
    r = requests.post(
        deployed + "/sparql",
        data=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
        timeout=10,
    )
    assert r.status_code >= 400
    r = requests.get(deployed + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert r.json()["boolean"] is True
