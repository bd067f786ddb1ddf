"""Which shapes judge a focus node by its own triples (and its values' types) alone: the patch
path validates changed subjects on their own only when this says it may."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_lod.validate.locality import local_query, nonlocal_reason
from tests.conftest import REPO

PREFIXES = {"schema": "http://schema.org/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


@pytest.mark.parametrize(
    "query, local",
    [
        ("SELECT $this WHERE { $this schema:startDate ?d . FILTER(?d > 1) }", True),
        ("SELECT $this WHERE { $this schema:award ?a . ?a rdf:type schema:Thing }", True),
        ("SELECT $this WHERE { $this schema:award ?a . ?a schema:name ?n }", False),
        ("SELECT $this WHERE { ?other schema:knows $this }", False),
        ("SELECT $this WHERE { $this ?p ?o }", False),
        ("SELECT $this (COUNT(?o) AS ?n) WHERE { $this schema:name ?o } GROUP BY $this", False),
        ("SELECT $this WHERE { GRAPH ?g { $this schema:name ?o } }", False),
        ("SELECT $this WHERE { this is not SPARQL", False),
    ],
)
def test_a_constraint_is_local_when_it_reads_only_this(query: str, local: bool) -> None:
    assert local_query(query, PREFIXES) is local


def test_the_repository_shapes_allow_validating_changed_subjects_alone() -> None:
    shapes = sorted((REPO / "shapes").glob("*.ttl"))
    assert shapes
    assert nonlocal_reason(shapes, "https://w3id.org/hrd/") is None


@pytest.mark.parametrize(
    "body, reason",
    [
        ("ex:S a sh:NodeShape ; sh:targetObjectsOf schema:knows .", "targets the objects"),
        ("ex:S a sh:NodeShape ; sh:targetClass schema:Person ; sh:node ex:T .", "sh:node"),
        (
            "ex:S a sh:NodeShape ; sh:targetClass schema:Person ; "
            "sh:property [ sh:path ( schema:a schema:b ) ; sh:minCount 1 ] .",
            "not a single property",
        ),
    ],
)
def test_shapes_that_look_further_say_why(tmp_path: Path, body: str, reason: str) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix schema: <http://schema.org/> .\n"
        "@prefix ex: <http://example.org/> .\n" + body + "\n"
    )
    found = nonlocal_reason([path], "https://example.org/")
    assert found is not None and reason in found
