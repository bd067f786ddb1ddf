"""The SPARQL 1.1 Protocol endpoint over real HTTP (waitress), with requests and SPARQLWrapper."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from hrd_lod.sparql.endpoint import SparqlEndpoint
from hrd_lod.sparql.guard import Limits

from .conftest import QUERIES, Served, serve_wsgi

pytestmark = pytest.mark.integration

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# a four-way cross join of the whole dataset: about 10^10 rows, far past any time limit
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def get(endpoint: Served, query: str, **kwargs: object) -> requests.Response:
    return requests.get(endpoint.url, params={"query": query}, timeout=30, **kwargs)  # type: ignore[arg-type]


def test_sparqlwrapper_select(endpoint: Served) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery((QUERIES / "jmg-awards.rq").read_text())
    client.setReturnFormat(JSON)
    data = client.queryAndConvert()
    assert [b["year"]["value"] for b in data["results"]["bindings"]] == ["2011", "2013"]  # type: ignore[index]
    client.setMethod("POST")
    assert client.queryAndConvert() == data


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            ox.QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/csv", "text/csv", None),
        ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_select_content_negotiation(
    endpoint: Served, accept: str, media: str, fmt: ox.QueryResultsFormat | None
) -> None:
    r = get(endpoint, COUNT, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == media
    assert r.headers["Vary"] == "Accept"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    if fmt is None:
        assert r.text.splitlines()[0] == "n" and int(r.text.splitlines()[1]) > 100
    else:
        rows = list(ox.parse_query_results(r.content, format=fmt))  # type: ignore[arg-type]
        assert int(rows[0]["n"].value) > 100


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_content_negotiation(
    endpoint: Served, dist: Path, accept: str, rdflib_format: str
) -> None:
    r = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == accept
    served = rdflib.Graph().parse(data=r.text, format=rdflib_format)
    union = rdflib.Graph().parse(dist / "hrd.nt", format="nt")
    assert len(served) == len(union)


def test_format_parameter_and_post_forms(endpoint: Served) -> None:
    r = get(endpoint, "ASK { ?s ?p ?o }", headers={"Accept": "text/html"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    r = requests.get(
        endpoint.url, params={"query": "ASK { ?s ?p ?o }", "format": "xml"}, timeout=30
    )
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")
    r = requests.post(endpoint.url, data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert r.json() == {"head": {}, "boolean": True}
    r = requests.post(
        endpoint.url,
        data=b"ASK { ?s ?p ?o }",
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.json() == {"head": {}, "boolean": True}
    r = requests.post(
        endpoint.url, data=b"{}", timeout=30, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 415


def test_dataset_parameters(endpoint: Served) -> None:
    jury = "ASK { ?j <http://schema.org/member> ?m }"
    for graph, expected in (("fld-profile-jmg", False), ("hrf-mea-2013", True)):
        r = requests.get(
            endpoint.url,
            timeout=30,
            params={"query": jury, "default-graph-uri": f"https://w3id.org/hrd/graph/{graph}"},
        )
        assert r.json()["boolean"] is expected


def test_cors_preflight(endpoint: Served) -> None:
    r = requests.options(
        endpoint.url,
        timeout=30,
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]


def test_html_form_without_query(endpoint: Served) -> None:
    r = requests.get(endpoint.url, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert '<textarea id="query" name="query"' in r.text
    assert "PREFIX schema: &lt;http://schema.org/&gt;" in r.text  # autoescaped


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": {"update": "INSERT DATA { <http://a> <http://b> <http://c> }"}}, "read-only"),
        (
            {
                "data": b"INSERT DATA { <http://a> <http://b> <http://c> }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            "read-only",
        ),
        (
            {
                "data": b"DELETE WHERE { ?s ?p ?o }",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            "starts with DELETE",
        ),
        ({"data": {"query": "LOAD <http://example.org/x.ttl>"}}, "starts with LOAD"),
        (
            {"data": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}},
            "SERVICE is not allowed",
        ),
    ],
)
def test_refusals(endpoint: Served, kwargs: dict[str, object], message: str) -> None:
    r = requests.post(endpoint.url, timeout=30, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 400
    assert message in r.text


def test_store_is_unchanged_after_refused_updates(endpoint: Served) -> None:
    before = get(endpoint, COUNT).json()
    requests.post(endpoint.url, data={"update": "CLEAR ALL"}, timeout=30)
    requests.post(endpoint.url, data={"query": "CLEAR ALL"}, timeout=30)
    assert get(endpoint, COUNT).json() == before


def test_syntax_error_is_400_with_position(endpoint: Served) -> None:
    r = get(endpoint, "SELECT * WHERE {\n  ?s ?p }")
    assert r.status_code == 400
    assert "SPARQL syntax error at query:2:" in r.text


def test_size_limits(endpoint: Served) -> None:
    big = "ASK { ?s ?p ?o } #" + "x" * 9000
    r = requests.post(
        endpoint.url,
        data=big.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 413 and "limit is 8192 bytes" in r.text
    r = requests.post(endpoint.url, data={"query": big}, timeout=30)
    assert r.status_code == 413

    def chunks():  # no Content-Length: the limit still holds while reading
        for _ in range(20):
            yield b"#" + b"x" * 1000 + b"\n"

    r = requests.post(
        endpoint.url,
        data=chunks(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 413
    r = get(endpoint, "ASK {} #" + "x" * 5000)
    assert r.status_code == 413 and "the limit is 4000" in r.text
    r = get(endpoint, "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }")
    assert r.status_code == 400 and "larger than the limit of 2000000 bytes" in r.text


def test_time_limit_stops_a_runaway_query_and_fast_queries_go_on(endpoint: Served) -> None:
    slow: dict[str, object] = {}

    def run_slow() -> None:
        t0 = time.monotonic()
        r = get(endpoint, SLOW)
        slow.update(status=r.status_code, text=r.text, seconds=time.monotonic() - t0)

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)  # the slow query now holds one of the two workers
    fast_times = []
    while thread.is_alive() and len(fast_times) < 10:
        t0 = time.monotonic()
        r = get(endpoint, "ASK { ?s ?p ?o }")
        fast_times.append(time.monotonic() - t0)
        assert r.status_code == 200
    thread.join(30)
    assert slow["status"] == 504
    assert "longer than the limit of 2 s" in str(slow["text"])
    assert 1.9 < float(slow["seconds"]) < 10  # type: ignore[arg-type]
    assert fast_times and max(fast_times) < 1.0  # the slow query did not block them
    # the killed worker is replaced: soon both workers answer again
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: get(endpoint, COUNT).status_code, range(8)))
        if statuses == [200] * 8:
            break
    assert statuses == [200] * 8


def test_many_clients_at_once(endpoint: Served) -> None:
    queries = [
        (QUERIES / name).read_text()
        for name in ("jmg-awards.rq", "jury-2013.rq", "presenter-2011.rq", "sources.rq")
    ] * 10
    expected = {q: get(endpoint, q).json() for q in set(queries)}
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda q: (q, get(endpoint, q)), queries))
    for q, r in answers:
        assert r.status_code == 200, r.text
        assert r.json() == expected[q]


def test_endpoint_over_a_store_and_busy_workers(tmp_path: Path) -> None:
    # an endpoint made from an in-memory store, with one worker and a short queue
    store = ox.Store()
    for i in range(30):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/s{i}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal(str(i)),
                ox.NamedNode(f"http://example.org/g{i % 3}"),
            )
        )
    app = SparqlEndpoint(store, Limits(time_s=1.5, workers=1, queue_s=0.3))
    served = serve_wsgi(app)
    try:
        r = get(served, COUNT)
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "30"
        slow6 = (
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
            "?m ?n0 ?o . ?q ?r ?t }"
        )  # 30^6 rows
        blocker = threading.Thread(target=get, args=(served, slow6))
        blocker.start()
        time.sleep(0.3)
        r = get(served, COUNT)  # the only worker is busy: refused after the queue wait
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        blocker.join(30)
    finally:
        served.close()
        app.close()
    assert app.pool.size() == 0


def test_json_results_are_w3c_json(endpoint: Served) -> None:
    r = get(endpoint, (QUERIES / "presenter-2011.rq").read_text())
    data = json.loads(r.text)
    assert data["head"]["vars"] == ["presenter", "name", "date"]
    assert data["results"]["bindings"][0]["date"] == {
        "type": "literal",
        "value": "2011-05-05",
        "datatype": "http://www.w3.org/2001/XMLSchema#date",
    }
