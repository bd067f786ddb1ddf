"""Every SHACL shape has a passing and a failing example, and the shapes obey SHACL-SHACL."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SH

from hrd_lod import vocab as V
from hrd_lod.project import Project
from hrd_lod.records.model import Records
from hrd_lod.validate import Result, validate_store
from hrd_lod.validate.reference import run_pyshacl
from hrd_lod.validate.shapes import load_graph, shapes_graph
from tests.conftest import require_file

from .cases import CASES, PREFIXES, WORLD, example, slug

REPO = Path(__file__).resolve().parents[2]
PROJECT = Project(REPO)
SHAPE_KINDS = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)


def _shapes() -> rdflib.Graph:
    return shapes_graph(PROJECT.shapes_files(), V.DEFAULT_BASE)


def shape_iris(graph: rdflib.Graph) -> set[str]:
    """Return the IRIs of every named shape and SPARQL constraint in the shapes graph."""
    return {
        str(s)
        for kind in SHAPE_KINDS
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, rdflib.URIRef)
    }


def _validate(turtle: str) -> list[Result]:
    data = rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle")
    return run_pyshacl(data, _shapes(), load_graph(PROJECT.ontology_files()))


@cache
def _run(kind: str) -> tuple[Result, ...]:
    # One validation for all examples of a kind: each example has its own node, so results
    # are told apart by focus node, and the folder stays fast.
    body = "\n".join(example(name, kind) for name in sorted(CASES))
    return tuple(_validate(WORLD + body))


def _on(results: tuple[Result, ...], node_slug: str) -> list[Result]:
    return [r for r in results if r.focus.endswith(node_slug)]


def _iri(local: str) -> str:
    return V.HRDSH + local


def test_every_shape_has_cases() -> None:
    """A new shape without examples fails here; so does a case for a shape that is gone."""
    in_file = shape_iris(_shapes())
    assert len(in_file) > 50  # the enumeration itself works
    assert {_iri(n) for n in CASES} == in_file, (
        f"shapes without cases: {sorted(in_file - {_iri(n) for n in CASES})}; "
        f"cases without shapes: {sorted({_iri(n) for n in CASES} - in_file)}"
    )


def test_the_world_is_valid() -> None:
    """The nodes the examples refer to validate cleanly on their own."""
    assert _validate(WORLD) == []


def test_all_passing_examples_together_are_clean() -> None:
    """Not a single result (not even a warning) for the world plus every passing example."""
    assert list(_run("pass")) == []


@pytest.mark.parametrize("shape", sorted(CASES))
def test_passing_example(shape: str) -> None:
    """The passing example yields no result for its node."""
    assert _on(_run("pass"), slug(shape, "pass")) == []


@pytest.mark.parametrize("shape", sorted(CASES))
def test_failing_example(shape: str) -> None:
    """The failing example yields results for its node, all from the expected shape."""
    expected = _iri(CASES[shape].expect or shape)
    found = _on(_run("fail"), slug(shape, "fail"))
    assert found, f"no result for the failing example of {shape}"
    assert {r.shape for r in found} == {expected}, [(r.shape, r.message) for r in found]


@pytest.mark.parametrize("shape", sorted(n for n, c in CASES.items() if c.expect))
def test_node_shape_cases_report_through_their_own_members(shape: str) -> None:
    """A node shape's case names one of its own property shapes or constraints."""
    g = _shapes()
    node = rdflib.URIRef(_iri(shape))
    members = {str(o) for p in (SH.property, SH.sparql) for o in g.objects(node, p)}
    assert _iri(CASES[shape].expect or "") in members
    assert (rdflib.URIRef(_iri(shape)), RDF.type, SH.NodeShape) in g


def test_warning_shape_reports_a_warning() -> None:
    """The publication-date shape warns (it does not fail the build)."""
    found = _on(_run("fail"), slug("Source-datePublishedKnown", "fail"))
    assert {r.severity for r in found} == {"Warning"}


def test_failing_example_through_validate_store() -> None:
    """The library's entry point (a pyoxigraph store) reports the same shape."""
    store = ox.Store()
    turtle = PREFIXES + WORLD + example("Conferral-dateInYear", "fail")
    store.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    report = validate_store(
        store,
        Records(()),
        shapes_files=PROJECT.shapes_files(),
        ontology_files=PROJECT.ontology_files(),
        base_iri=V.DEFAULT_BASE,
    )
    assert not report.conforms
    assert [r.shape for r in report.results] == [_iri("Conferral-dateInYear")]


def test_node_level_and_property_results_on_one_focus() -> None:
    """A SPARQL result (no path) and a property result on one node can be reported together."""
    store = ox.Store()
    turtle = (
        PREFIXES
        + WORLD
        + (
            'conferral:t-both a hrd:AwardConferral ; schema:name "N"@en ; '
            "prov:wasDerivedFrom source:w-src ; hrd:award award:w-award ; "
            'hrd:laureate organization:w-org ; hrd:year "2013"^^xsd:gYear ; '
            'schema:startDate "2012-10-08"^^xsd:date ; hrd:rationale "no language" .'
        )
    )
    store.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    report = validate_store(
        store,
        Records(()),
        shapes_files=PROJECT.shapes_files(),
        ontology_files=PROJECT.ontology_files(),
        base_iri=V.DEFAULT_BASE,
    )
    assert {r.shape for r in report.results} == {
        _iri("Conferral-dateInYear"),
        _iri("Conferral-rationale"),
    }


def _shacl_shacl() -> rdflib.Graph:
    import pyshacl

    path = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"
    require_file(path, "pyshacl's SHACL-SHACL shapes")
    return rdflib.Graph().parse(path, format="turtle")


def _meta_conforms(shapes: rdflib.Graph) -> tuple[bool, str]:
    import pyshacl

    conforms, _graph, text = pyshacl.validate(
        shapes, shacl_graph=_shacl_shacl(), inference="none", advanced=False
    )
    return bool(conforms), str(text)


def test_shapes_conform_to_shacl_shacl() -> None:
    """The shapes graph is itself valid SHACL (the W3C shapes for SHACL)."""
    conforms, text = _meta_conforms(_shapes())
    assert conforms, text


def test_shacl_shacl_catches_a_broken_shape() -> None:
    """The meta check is not vacuous: a shape with a non-integer sh:minCount fails it."""
    broken = _shapes()
    broken.add((rdflib.URIRef(_iri("Entity-name")), SH.minCount, rdflib.Literal("one")))
    conforms, _text = _meta_conforms(broken)
    assert not conforms


def test_pyshacl_meta_shacl_accepts_the_shapes() -> None:
    """pyshacl's own meta_shacl=True path accepts the shapes graph as well."""
    import pyshacl

    data = rdflib.Graph().parse(data=PREFIXES + WORLD, format="turtle")
    conforms, _g, text = pyshacl.validate(
        data, shacl_graph=_shapes(), meta_shacl=True, inference="none", allow_warnings=True
    )
    assert conforms, text
