"""The JSON-LD writer (``hrd_lod.export.jsonld``): node objects from triples and, the same, from
the encoder's sorted lines; the dump written a node at a time; what it refuses."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_lod import vocab as V
from hrd_lod.export.jsonld import Compactor, dataset_context, dumps, write_graph_document
from hrd_lod.pipeline import prepare
from hrd_lod.store import triples_from_lines, union_lines
from tests.conftest import REPO

BASE = "https://w3id.org/hrd/"


def compactor() -> Compactor:
    return Compactor(dataset_context(BASE))


def test_triples_become_node_objects_with_compact_iris() -> None:
    person = ox.NamedNode(BASE + "id/person/ada")
    nodes = compactor().graph(
        [
            ox.Triple(person, ox.NamedNode(V.RDF_TYPE), ox.NamedNode(V.schema("Person"))),
            ox.Triple(person, ox.NamedNode(V.schema("name")), ox.Literal("Ada", language="en")),
        ]
    )
    assert nodes == [
        {
            "@id": "hrdid:person/ada",
            "@type": "schema:Person",
            "name": {"@language": "en", "@value": "Ada"},
        }
    ]


def test_a_triple_term_is_refused_with_the_triple() -> None:
    """The dataset never holds triple terms (RDF 1.2); the writer says so rather than writing
    something wrong."""
    a = ox.NamedNode(BASE + "id/person/ada")
    quoted = ox.Triple(a, ox.NamedNode(V.schema("name")), ox.Literal("Ada"))
    with pytest.raises(ValueError, match="quoted triples have no JSON-LD form") as info:
        compactor().graph([ox.Triple(a, ox.NamedNode(V.schema("about")), quoted)])
    assert "person/ada" in str(info.value)


# -- the compactor reads the encoder's lines as it reads parsed triples -------------------------


def test_compacting_lines_equals_compacting_parsed_triples() -> None:
    prepared = prepare(REPO, use_cache=False)
    lines = union_lines(prepared.store)
    assert compactor().graph_lines(lines) == compactor().graph(triples_from_lines(lines))


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=30),
    st.sampled_from([None, "en", "de-CH"]),
    st.sampled_from([None, "http://www.w3.org/2001/XMLSchema#date", "https://example.org/type"]),
    st.sampled_from(
        [
            "http://schema.org/name",
            "http://schema.org/description",
            "https://schema.org/name",
            "https://schema.org/startDate",
            "https://schema.org/location",
            "https://example.org/p",
        ]
    ),
)
def test_any_literal_compacts_the_same_from_its_line(
    text: str, lang: str | None, dtype: str | None, pred: str
) -> None:
    if lang:
        lit = ox.Literal(text, language=lang)
    elif dtype:
        lit = ox.Literal(text, datatype=ox.NamedNode(dtype))
    else:
        lit = ox.Literal(text)
    triples = [
        ox.Triple(ox.NamedNode("https://w3id.org/hrd/id/person/x"), ox.NamedNode(pred), lit),
        ox.Triple(
            ox.NamedNode("https://w3id.org/hrd/id/person/x"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://schema.org/Person"),
        ),
        ox.Triple(
            ox.NamedNode("https://w3id.org/hrd/id/person/x"),
            ox.NamedNode(pred),
            ox.NamedNode("https://w3id.org/hrd/id/place/y"),
        ),
        ox.Triple(ox.NamedNode("https://w3id.org/hrd/id/person/z"), ox.NamedNode(pred), lit),
        ox.Triple(ox.BlankNode("b0"), ox.NamedNode(pred), ox.BlankNode("b1")),
    ]
    lines = sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines())
    assert compactor().graph_lines(lines) == compactor().graph(triples_from_lines(lines))


def test_the_json_ld_dump_written_a_node_at_a_time_is_dumps_of_the_document() -> None:
    context = dataset_context("https://w3id.org/hrd/")
    nodes = compactor().graph_lines(union_lines(prepare(REPO, use_cache=False).store))
    for some in (nodes, nodes[:1], []):
        out = io.BytesIO()
        write_graph_document(out, {"@context": context}, iter(some))
        assert out.getvalue() == dumps({"@context": context, "@graph": some})
