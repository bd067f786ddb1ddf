"""The JSON-LD writer (``hrd_lod.export.jsonld``): node objects from triples, and what it
refuses."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from hrd_lod import vocab as V
from hrd_lod.export.jsonld import Compactor, dataset_context

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
