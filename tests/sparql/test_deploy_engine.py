"""The deployment of docs/sparql.md for real: nginx serves dist/ (deploy/nginx.conf) and passes
/sparql (deploy/nginx-sparql.conf) to an Oxigraph server that ``hrd-lod publish`` fed."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from hrd_lod import vocab as V
from hrd_lod.cli import main
from tests.conftest import require_tool

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
    exe = shutil.which("nginx") or require_tool("/usr/sbin/nginx")
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
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""{user}worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
{site}
}}
""")
    proc = subprocess.Popen(
        [exe, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(url + "/", timeout=1)
                break
            except requests.ConnectionError:
                if proc.poll() is not None:
                    pytest.fail(f"nginx did not start: {proc.stdout.read().decode()}")  # type: ignore[union-attr]
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
