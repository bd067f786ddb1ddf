"""The Turtle and TriG written from lines are what oxigraph's writer writes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_lod.export.dumps import TRIG, TTL, dump_prefixes, serialize_sorted
from hrd_lod.export.turtle import TurtleWriter
from hrd_lod.pipeline import prepare
from hrd_lod.store import triples_from_lines, union_of
from tests.conftest import FIXTURES, REPO

XSD = "http://www.w3.org/2001/XMLSchema#"


def _oxigraph_turtle(lines: list[bytes], prefixes: dict[str, str]) -> bytes:
    return serialize_sorted(triples_from_lines(lines), TTL, prefixes)


def _oxigraph_trig(graphs: list[tuple[str, list[bytes]]], prefixes: dict[str, str]) -> bytes:
    quads = []
    for g, lines in graphs:
        target = ox.NamedNode(g[1:-1]) if g else ox.DefaultGraph()
        quads += [
            ox.Quad(t.subject, t.predicate, t.object, target) for t in triples_from_lines(lines)
        ]
    return serialize_sorted(quads, TRIG, prefixes)


@pytest.mark.parametrize("project", [REPO, FIXTURES / "valid"], ids=["repository", "fixture"])
def test_the_dumps_of_a_dataset_are_oxigraph_s(project: Path) -> None:
    prepared = prepare(project, use_cache=False)
    prefixes = dump_prefixes(prepared.meta.base_iri)
    writer = TurtleWriter(prefixes)
    union = union_of(prepared.graphs)
    assert writer.turtle(union) == _oxigraph_turtle(union, prefixes)
    graphs = sorted(prepared.graphs.items(), key=lambda item: item[0][1:-1])
    assert writer.trig(graphs) == _oxigraph_trig(graphs, prefixes)


PREFIXES = {
    "ex": "http://ex.org/",
    "exa": "http://ex.org/a/",
    "h": "https://h.org/ns#",
    "xsd": XSD,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
LOCALS = st.one_of(
    st.sampled_from(
        [
            "abc",
            "a-b",
            "a.b",
            "a.",
            "1a",
            "-a",
            "_a",
            "a:b",
            "a%20b",
            "a~b",
            "",
            "a/b",
            "b/c/d",
            "a#b",
            "é",
            "·a",
            "a·b",
            "a(b)",
            "a'b",
            ".a",
            "a..b",
            "type",
            "Person",
        ]
    ),
    st.text(
        st.characters(
            min_codepoint=0x21,
            max_codepoint=0x2FF,
            exclude_categories=("Cc",),
            exclude_characters='<>"{}|^`\\ ',
        ),
        max_size=6,
    ),
)


def _iri(text: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(text)
    except ValueError:  # not an IRI oxigraph takes
        return None


IRIS = st.builds(
    lambda ns, local: _iri(ns + local),
    st.sampled_from([*PREFIXES.values(), "http://other.org/", "urn:x:"]),
    LOCALS,
).filter(lambda node: node is not None)
LITERALS = st.one_of(
    st.builds(ox.Literal, st.text(max_size=12)),
    st.builds(
        lambda t, lang: ox.Literal(t, language=lang),
        st.text(max_size=8),
        st.sampled_from(["en", "de-ch", "fr"]),
    ),
    st.builds(
        lambda t, dt: ox.Literal(t, datatype=ox.NamedNode(dt)),
        st.one_of(
            st.sampled_from(
                [
                    "1",
                    "-2",
                    "+3",
                    "1.5",
                    ".5",
                    "1e5",
                    "1.E-2",
                    "true",
                    "false",
                    "2020",
                    "x",
                    "01",
                    "1.",
                    "e5",
                ]
            ),
            st.text(max_size=5),
        ),
        st.sampled_from(
            [
                XSD + t
                for t in ("integer", "decimal", "double", "boolean", "date", "gYear", "string")
            ]
            + ["http://ex.org/dt", "urn:x:dt"]
        ),
    ),
)
NODES = st.one_of(IRIS, st.builds(ox.BlankNode, st.sampled_from(["b0", "b1", "x"])))
PREDICATES = st.one_of(IRIS, st.just(ox.NamedNode(PREFIXES["rdf"] + "type")))
TRIPLES = st.lists(st.builds(ox.Triple, NODES, PREDICATES, st.one_of(NODES, LITERALS)), max_size=12)


def _lines(triples: list[ox.Triple]) -> list[bytes]:
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return sorted(set(text.splitlines()))


@settings(max_examples=300, deadline=None)
@given(TRIPLES)
def test_any_triples_are_written_as_oxigraph_writes_them(triples: list[ox.Triple]) -> None:
    lines = _lines(triples)
    assert TurtleWriter(PREFIXES).turtle(lines) == _oxigraph_turtle(lines, PREFIXES)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "",
                    "<http://ex.org/g1>",
                    "<http://ex.org/a/g2>",
                    "<urn:x:g>",
                    "<http://ex.org/g%7E>",
                ]
            ),
            TRIPLES,
        ),
        max_size=4,
    )
)
def test_any_graphs_are_written_as_oxigraph_writes_them(
    graphs: list[tuple[str, list[ox.Triple]]],
) -> None:
    merged: dict[str, list[ox.Triple]] = {}
    for g, triples in graphs:
        merged.setdefault(g, []).extend(triples)
    items = sorted(((g, _lines(t)) for g, t in merged.items()), key=lambda x: x[0][1:-1])
    assert TurtleWriter(PREFIXES).trig(items) == _oxigraph_trig(items, PREFIXES)
