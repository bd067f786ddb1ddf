"""Real SPARQL clients against the endpoint: rdflib's SPARQLStore and SPARQLWrapper in every
format, and the protocol details they rely on (format fallback, dataset, service description)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from hrd_lod import vocab as V

from .conftest import Served

pytestmark = pytest.mark.integration

JMG = "https://w3id.org/hrd/id/organization/joint-mobile-group"
CONFERRALS = (
    f"PREFIX hrd: <{V.HRD}> SELECT ?c ?year WHERE {{ ?c a hrd:AwardConferral ; "
    f"hrd:laureate <{JMG}> ; hrd:year ?year }} ORDER BY ?year"
)
DESCRIBE_JMG = f"CONSTRUCT {{ <{JMG}> ?p ?o }} WHERE {{ <{JMG}> ?p ?o }}"


def _union(dist: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(dist / "hrd.nt", format="nt")


def _expected_jmg(dist: Path) -> set[tuple[object, object, object]]:
    return set(_union(dist).triples((rdflib.URIRef(JMG), None, None)))


def test_rdflib_sparqlstore_select_ask_construct_describe(endpoint: Served, dist: Path) -> None:
    store = SPARQLStore(endpoint.url)
    graph = rdflib.Graph(store)
    years = [str(row.year) for row in graph.query(CONFERRALS)]  # type: ignore[union-attr]
    assert years == ["2011", "2013"]
    assert graph.query(f"ASK {{ <{JMG}> ?p ?o }}").askAnswer is True
    built = graph.query(DESCRIBE_JMG).graph
    assert built is not None and set(built) == _expected_jmg(dist)
    described = graph.query(f"DESCRIBE <{JMG}>").graph
    assert described is not None and _expected_jmg(dist) <= set(described)
    # triples() runs a SELECT through the store as rdflib's own API
    assert len(list(graph.triples((rdflib.URIRef(JMG), None, None)))) == len(_expected_jmg(dist))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(
    endpoint: Served, fmt: str, method: str
) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(CONFERRALS)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    result = client.query()
    converted = result.convert()
    if fmt == JSON:
        rows = converted["results"]["bindings"]  # type: ignore[index]
        years = [b["year"]["value"] for b in rows]
    elif fmt == XML:
        years = [
            b.getElementsByTagName("literal")[0].firstChild.data  # type: ignore[union-attr]
            for b in converted.getElementsByTagName("binding")  # type: ignore[union-attr]
            if b.getAttribute("name") == "year"
        ]
    else:
        sep = "," if fmt == CSV else "\t"
        lines = converted.decode("utf-8").splitlines()  # type: ignore[union-attr]
        header = lines[0].split(sep)
        col = header.index("year" if fmt == CSV else "?year")
        years = [line.split(sep)[col].split("^^")[0].strip('"') for line in lines[1:]]
    assert years == ["2011", "2013"], (fmt, converted)


@pytest.mark.parametrize("fmt", [XML, TURTLE, N3, RDF, RDFXML, JSONLD, JSON])
def test_sparqlwrapper_construct_in_every_rdf_format(
    endpoint: Served, dist: Path, fmt: str
) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(DESCRIBE_JMG)
    client.setReturnFormat(fmt)
    result = client.query()
    media = result.response.headers["Content-Type"].split(";")[0]
    converted = result.convert()
    if isinstance(converted, rdflib.Graph):
        graph = converted
    elif isinstance(converted, bytes):
        graph = rdflib.Graph().parse(data=converted, format="turtle")
    else:  # SPARQLWrapper hands JSON-LD over as parsed JSON
        assert media == "application/ld+json", media
        graph = rdflib.Graph().parse(data=json.dumps(converted), format="json-ld")
    assert set(graph) == _expected_jmg(dist), (fmt, media)


def test_rdfxml_for_graph_results(endpoint: Served, dist: Path) -> None:
    r = requests.get(
        endpoint.url,
        params={"query": DESCRIBE_JMG},
        headers={"Accept": "application/rdf+xml"},
        timeout=30,
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/rdf+xml")
    assert set(rdflib.Graph().parse(data=r.content, format="xml")) == _expected_jmg(dist)


def test_unknown_format_parameter_falls_back_to_accept(endpoint: Served) -> None:
    r = requests.get(
        endpoint.url,
        params={"query": "ASK {}", "format": "no-such-format"},
        headers={"Accept": "application/sparql-results+xml"},
        timeout=30,
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")
    # a format of the wrong kind for the query (Turtle for ASK) also falls back
    r = requests.get(endpoint.url, params={"query": "ASK {}", "format": "turtle"}, timeout=30)
    assert r.status_code == 200 and r.json() == {"head": {}, "boolean": True}


def test_non_utf8_bodies_are_refused(endpoint: Served) -> None:
    for headers, body in (
        ({"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16")),
        ({"Content-Type": "application/sparql-query"}, b'ASK { ?s ?p "\xff" }'),
        (
            {"Content-Type": "application/x-www-form-urlencoded; charset=latin-1"},
            b"query=ASK%20%7B%7D",
        ),
    ):
        r = requests.post(endpoint.url, data=body, headers=headers, timeout=30)
        assert r.status_code == 400 and "UTF-8" in r.text, (headers, r.text)


def test_dataset_is_exactly_what_the_request_names(endpoint: Served) -> None:
    source = "https://w3id.org/hrd/graph/hrf-mea-2013"

    def ask(query: str, **params: str) -> bool:
        r = requests.get(endpoint.url, params={"query": query, **params}, timeout=30)
        assert r.status_code == 200, r.text
        return bool(r.json()["boolean"])

    # no dataset in the request: the default graph is the union, every named graph is visible
    assert ask("ASK { ?s ?p ?o }") and ask(f"ASK {{ GRAPH <{source}> {{ ?s ?p ?o }} }}")
    # named-graph-uri alone: an empty default graph, only that named graph
    assert not ask("ASK { ?s ?p ?o }", **{"named-graph-uri": source})
    assert ask(f"ASK {{ GRAPH <{source}> {{ ?s ?p ?o }} }}", **{"named-graph-uri": source})
    assert not ask(
        f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{source}>) }}",
        **{"named-graph-uri": source},
    )
    # default-graph-uri alone: that graph as the default graph, and no named graph at all
    assert ask("ASK { ?s ?p ?o }", **{"default-graph-uri": source})
    assert not ask("ASK { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": source})


def test_service_description_and_form(endpoint: Served, dist: Path) -> None:
    r = requests.get(endpoint.url, headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    sd = rdflib.Graph().parse(data=r.text, format="turtle", publicID=endpoint.url)
    me = rdflib.URIRef(endpoint.url)
    SD = rdflib.Namespace(V.SD)
    assert (me, rdflib.RDF.type, SD.Service) in sd
    assert (me, SD.endpoint, me) in sd
    assert (me, SD.supportedLanguage, SD.SPARQL11Query) in sd
    names = set(sd.objects(None, SD.name))
    assert rdflib.URIRef(V.description_graph_iri(V.DEFAULT_BASE)) in names
    r = requests.get(endpoint.url, headers={"Accept": "application/rdf+xml"}, timeout=30)
    assert len(rdflib.Graph().parse(data=r.content, format="xml")) == len(sd)
    r = requests.get(endpoint.url, headers={"Accept": "text/html,*/*;q=0.8"}, timeout=30)
    assert r.headers["Content-Type"].startswith("text/html") and "<form" in r.text


def test_void_description_is_queryable_in_its_own_graph(endpoint: Served, dist: Path) -> None:
    graph = V.description_graph_iri(V.DEFAULT_BASE)
    query = (
        f"SELECT ?triples WHERE {{ GRAPH <{graph}> {{ ?d a <{V.VOID}Dataset> ; "
        f"<{V.VOID}triples> ?triples }} }}"
    )
    r = requests.get(endpoint.url, params={"query": query}, timeout=30)
    rows = r.json()["results"]["bindings"]
    void = rdflib.Graph().parse(dist / "void.ttl", format="turtle")
    expected = {str(o) for o in void.objects(None, rdflib.URIRef(V.VOID + "triples"))}
    assert rows and {b["triples"]["value"] for b in rows} <= expected
    # the description is not part of the dataset's union (the default graph)
    r = requests.get(
        endpoint.url, params={"query": f"ASK {{ ?d a <{V.VOID}Dataset> }}"}, timeout=30
    )
    assert r.json()["boolean"] is False
    store = ox.Store()
    store.load(path=str(dist / "void.ttl"), format=ox.RdfFormat.TURTLE)
    r = requests.get(
        endpoint.url,
        params={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))) == len(store)
