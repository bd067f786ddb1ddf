"""deploy/nginx.conf gives the same negotiation from static files (run with a real nginx)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
import requests

from hrd_lod.pipeline import Built
from tests.nginx import nginx_serving

from .conftest import REPO

pytestmark = pytest.mark.integration
JMG = "/id/organization/joint-mobile-group"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nginx(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    site = (REPO / "deploy" / "nginx.conf").read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/srv/hrd-lod/dist", str(built.dist))
    with nginx_serving(site, tmp, port) as url:
        yield url


@pytest.mark.parametrize(
    ("accept", "suffix", "media"),
    [
        ("text/html,*/*;q=0.8", ".html", "text/html"),
        ("text/turtle", ".ttl", "text/turtle"),
        ("application/ld+json", ".jsonld", "application/ld+json"),
        (None, ".html", "text/html"),
    ],
)
def test_nginx_negotiates_like_the_app(
    nginx: str, built: Built, accept: str | None, suffix: str, media: str
) -> None:
    headers = {"Accept": accept} if accept else {"Accept": ""}
    r = requests.get(nginx + JMG, headers=headers, timeout=5)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == media
    assert r.headers["Vary"] == "Accept"
    assert r.headers["Content-Location"] == JMG + suffix
    assert r.content == (built.dist / (JMG[1:] + suffix)).read_bytes()
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    etag = r.headers["ETag"]
    again = requests.get(nginx + JMG, headers={**headers, "If-None-Match": etag}, timeout=5)
    assert again.status_code == 304


def test_nginx_refuses_what_the_app_refuses(nginx: str) -> None:
    assert requests.get(nginx + "/id/organization/nope", timeout=5).status_code == 404
    assert requests.post(nginx + JMG, timeout=5).status_code in (403, 405)
    r = requests.get(nginx + "/hrd.nq.gz", timeout=5)
    assert r.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in r.headers
    assert re.match(r"default-src 'none'", r.headers["Content-Security-Policy"])


def test_nginx_gives_one_address_per_page_and_the_well_known_void(nginx: str, built: Built) -> None:
    for path in (JMG + "/", JMG + "?utm_source=x"):
        r = requests.get(nginx + path, timeout=5, allow_redirects=False)
        assert r.status_code == 301 and r.headers["Location"].endswith(JMG), path
    r = requests.get(nginx + "/.well-known/void", timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert r.content == (built.dist / "void.ttl").read_bytes()
    assert requests.get(nginx + "/.well-known/other", timeout=5).status_code == 404
    # the search page's own script is allowed (and served as JavaScript); inline ones are not
    page = requests.get(nginx + "/search.html?q=joint", timeout=5)
    csp = page.headers["Content-Security-Policy"]
    assert page.status_code == 200 and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp.split("style-src")[0] and "form-action 'self'" in csp
    js = requests.get(nginx + "/assets/search.js", timeout=5)
    assert js.status_code == 200 and js.headers["Content-Type"].startswith("text/javascript")
