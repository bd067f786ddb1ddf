"""The linked-data WSGI app: negotiation, validators, refusals, and no escape from dist/."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from werkzeug.test import Client

from hrd_lod.pipeline import Built
from hrd_lod.web import LinkedDataApp

from .conftest import Server

JMG = "/id/organization/joint-mobile-group"


@pytest.fixture(scope="module")
def client(built: Built) -> Client:
    return Client(LinkedDataApp(built.dist))


@pytest.mark.parametrize(
    ("accept", "media", "suffix"),
    [
        (None, "text/html; charset=utf-8", ".html"),
        ("*/*", "text/html; charset=utf-8", ".html"),
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "text/html; charset=utf-8", ".html"),
        ("text/turtle", "text/turtle; charset=utf-8", ".ttl"),
        ("application/ld+json", "application/ld+json", ".jsonld"),
        ("application/json", "application/ld+json", ".jsonld"),
        ("application/n-triples", "application/n-triples", ".nt"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json", ".jsonld"),
        ("application/*", "application/ld+json", ".jsonld"),
    ],
)
def test_entity_iri_negotiates(
    client: Client, built: Built, accept: str | None, media: str, suffix: str
) -> None:
    r = client.get(JMG, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == media
    assert r.headers["Vary"] == "Accept"
    assert r.headers["Content-Location"] == "joint-mobile-group" + suffix
    # one alternate only (JSON-LD loaders fail on several): the JSON-LD, or from it the page
    other = ("joint-mobile-group.html", "text/html")
    if suffix != ".jsonld":
        other = ("joint-mobile-group.jsonld", "application/ld+json")
    assert r.headers["Link"] == f'<{other[0]}>; rel="alternate"; type="{other[1]}"'
    if suffix != ".nt":
        assert r.data == (built.dist / (JMG.lstrip("/") + suffix)).read_bytes()


def test_ntriples_is_the_turtle_graph(client: Client, built: Built) -> None:
    r = client.get(JMG, headers={"Accept": "application/n-triples"})
    lines = r.data.decode().splitlines()
    assert lines == sorted(lines) and lines
    ttl = Graph().parse(built.dist / (JMG.lstrip("/") + ".ttl"), format="turtle")
    assert isomorphic(Graph().parse(data=r.data.decode(), format="nt"), ttl)
    assert client.get(JMG + ".nt").data == r.data


def test_unacceptable_and_unknown(client: Client) -> None:
    r = client.get(JMG, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.get_data(as_text=True)
    assert client.get("/id/organization/no-such-group").status_code == 404
    assert client.get("/id/nothing/joint-mobile-group").status_code == 404
    assert client.get("/no-such-file.ttl").status_code == 404


def test_static_files_have_media_types(client: Client) -> None:
    for path, media in [
        ("/hrd.ttl", "text/turtle; charset=utf-8"),
        ("/hrd.nq.gz", "application/gzip"),
        ("/hrd.nt", "application/n-triples"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        (JMG + ".schema.jsonld", "application/ld+json"),
        ("/", "text/html; charset=utf-8"),
        ("/id/organization/", "text/html; charset=utf-8"),
    ]:
        r = client.get(path)
        assert (r.status_code, r.headers["Content-Type"]) == (200, media), path
        assert "Content-Encoding" not in r.headers
    r = client.get("/id/organization")
    assert r.status_code == 301 and r.headers["Location"].endswith("/id/organization/")


def test_etag_last_modified_and_304(client: Client) -> None:
    r = client.get(JMG, headers={"Accept": "text/turtle"})
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    again = client.get(JMG, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Vary"] == "Accept"
    listed = client.get(
        JMG, headers={"Accept": "text/turtle", "If-None-Match": f'"nope", W/{etag}'}
    )
    assert listed.status_code == 304
    # another representation has another ETag: the Turtle's does not validate the HTML
    html = client.get(JMG, headers={"Accept": "text/html", "If-None-Match": etag})
    assert html.status_code == 200 and html.headers["ETag"] != etag
    # Last-Modified is per representation too: ask for the Turtle it came from
    turtle_ims = {"Accept": "text/turtle", "If-Modified-Since": modified}
    assert client.get(JMG, headers=turtle_ims).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert (
        client.get(JMG, headers={"Accept": "text/turtle", "If-Modified-Since": old}).status_code
        == 200
    )
    assert client.get("/hrd.ttl", headers={"If-None-Match": "*"}).status_code == 304


def test_head_and_methods(client: Client) -> None:
    get = client.get(JMG, headers={"Accept": "text/turtle"})
    head = client.head(JMG, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["ETag"] == get.headers["ETag"]
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        r = client.open(JMG, method=method)
        assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD", method


def test_security_headers_everywhere(client: Client) -> None:
    for path in (JMG, "/", "/nope", "/hrd.ttl"):
        r = client.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        # scripts only from the site itself (the search and SPARQL pages), never inline
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert "frame-ancestors 'none'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "path",
    [
        "/../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/id/../../etc/passwd",
        "/id/%2E%2E/%2e%2e/hrd.ttl",
        "/./hrd.ttl",
        "/..%2fetc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/..\\etc\\passwd",
        "/hrd.ttl%00.html",
        "/.hidden",
        "//etc/passwd",
        "/etc/passwd",
        "/%2fetc%2fpasswd",
    ],
)
def test_traversal_is_refused(client: Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404), path
    assert b"root:" not in r.data


def test_symlinks_out_of_dist_are_not_followed(built: Built, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(built.dist, dist)
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:a> <urn:b> 'SECRET' .\n")
    os.symlink(secret, dist / "leak.ttl")
    os.symlink(tmp_path, dist / "up")
    os.symlink(secret, dist / "id" / "organization" / "evil.ttl")
    (dist / "inside.ttl").symlink_to(dist / "hrd.ttl")  # a link that stays inside is fine
    c = Client(LinkedDataApp(dist))
    for path in ("/leak.ttl", "/up/secret.ttl", "/up/", "/id/organization/evil"):
        r = c.get(path, headers={"Accept": "text/turtle"})
        assert r.status_code == 404 and b"SECRET" not in r.data, path
    assert c.get("/inside.ttl").status_code == 200


def _raw_get(port: int, target: str) -> tuple[int, bytes]:
    # http.client and browsers normalise "..": send the request line byte for byte.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.integration
def test_real_server_refuses_traversal(server: Server) -> None:
    assert _raw_get(server.port, JMG)[0] == 200
    for target in (
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/id/..%2f..%2f..%2fetc/passwd",
        "/%2E%2E%5c%2E%2E%5cetc%5cpasswd",
    ):
        status, body = _raw_get(server.port, target)
        assert status in (400, 404) and b"root:" not in body, target


@pytest.mark.parametrize(
    ("path", "location"),
    [
        (JMG + "/", JMG),
        (JMG + "?utm_source=x", JMG),
        (JMG + "/?a=1&b=2", JMG),
        (JMG + ".html/", JMG + ".html"),
        ("/hrd.ttl/", "/hrd.ttl"),
    ],
)
def test_one_address_per_page(client: Client, path: str, location: str) -> None:
    r = client.get(path)
    assert r.status_code == 301 and r.headers["Location"] == location
    # the target answers, so a browser following the redirect lands on the page
    assert client.get(location).status_code == 200


def test_redirects_only_what_exists_and_keeps_queries_of_files(client: Client) -> None:
    assert client.get("/id/organization/nobody/").status_code == 404
    assert client.get("/id/organization/nobody?x=1").status_code == 404
    # a page's own query string (the search page's words) is left alone
    r = client.get("/search.html?q=joint")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")


def test_canonical_link_names_the_entity_iri(client: Client, built: Built) -> None:
    html = client.get(JMG).get_data(as_text=True)
    iri = built.checked.meta.base_iri + JMG[1:]
    assert html.count('rel="canonical"') == 1 and f'<link rel="canonical" href="{iri}">' in html


def test_well_known_void_answers_with_the_dataset_description(client: Client, built: Built) -> None:
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert r.data == (built.dist / "void.ttl").read_bytes()
    assert r.headers["Content-Location"] == "/void.ttl"
    g = Graph().parse(data=r.data, format="turtle")
    assert len(g) > 10
    # other hidden paths stay hidden
    assert client.get("/.well-known/other").status_code == 404


def test_pyld_loads_the_entity_iri(server: Server, hostile: Built) -> None:
    from pyld import jsonld

    url = server.url + JMG
    expanded = jsonld.expand(url)
    iri = hostile.checked.meta.base_iri + JMG[1:]
    assert any(node.get("@id") == iri for node in expanded)
