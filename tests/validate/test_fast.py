"""The fast validator (shapes compiled to SPARQL) against the reference (pyshacl).

Equivalence is exact: the same results (severity, focus, path, component, shape, value), with
the same multiplicity, and the same messages; on hand-written broken data that fails every shape,
on the repository's valid data, and on a generated 1,000-conferral project with violations.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from hrd_lod.encode import encode
from hrd_lod.policy import apply_policy
from hrd_lod.project import Project, load_metadata, open_project
from hrd_lod.records.load import load_records
from hrd_lod.store import new_store, to_rdflib, union_lines
from hrd_lod.validate.compile import UnsupportedShape, compile_shapes, sparql_problem
from hrd_lod.validate.fast import Unsupported, validate_auto, validate_fast
from hrd_lod.validate.reference import run_pyshacl
from hrd_lod.validate.shapes import load_graph, shapes_graph

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BASE = "https://w3id.org/hrd/"


def _shapes() -> rdflib.Graph:
    return shapes_graph(Project(REPO).shapes_files(), BASE)


def _ontology() -> rdflib.Graph:
    return load_graph(Project(REPO).ontology_files())


def _store_from_turtle(text: str) -> ox.Store:
    return new_store(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def _keys(results: list) -> Counter:
    return Counter((r.key(), r.message, r.hint) for r in results)


def _both(store: ox.Store, shapes: rdflib.Graph | None = None) -> tuple[list, list]:
    shapes = shapes if shapes is not None else _shapes()
    ontology = _ontology()
    fast = validate_fast(store, shapes, ontology)
    ref = run_pyshacl(to_rdflib(union_lines(store)), shapes, ontology)
    return fast, ref


@pytest.fixture(scope="module")
def broken() -> tuple[list, list]:
    """Fast and reference results on data that breaks every shape."""
    return _both(_store_from_turtle((HERE / "broken.ttl").read_text(encoding="utf-8")))


def test_broken_data_same_results_and_messages(broken: tuple[list, list]) -> None:
    fast, ref = broken
    assert len(ref) > 50
    assert _keys(fast) == _keys(ref)


def _constrained_shapes() -> list[str]:
    g = _shapes()
    names = set()
    for s in set(g.subjects(None, None)):
        if isinstance(s, rdflib.URIRef) and any(
            (s, p, None) in g
            for p in (
                SH.minCount,
                SH.maxCount,
                SH.datatype,
                SH.nodeKind,
                SH.pattern,
                SH["class"],
                SH["or"],
                SH.uniqueLang,
                SH.select,
            )
        ):
            names.add(str(s))
    return sorted(names)


@pytest.mark.parametrize("shape", _constrained_shapes())
def test_every_shape_fails_on_broken_data_in_both_engines(
    broken: tuple[list, list], shape: str
) -> None:
    fast, ref = broken
    ref_here = [r for r in ref if r.shape == shape]
    assert ref_here, f"broken.ttl does not break {shape}"
    assert _keys([r for r in fast if r.shape == shape]) == _keys(ref_here)


def test_every_component_kind_is_exercised(broken: tuple[list, list]) -> None:
    fast, _ref = broken
    assert {r.component for r in fast} >= {
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "DatatypeConstraintComponent",
        "NodeKindConstraintComponent",
        "PatternConstraintComponent",
        "ClassConstraintComponent",
        "OrConstraintComponent",
        "UniqueLangConstraintComponent",
        "SPARQLConstraintComponent",
    }
    assert {r.severity for r in fast} == {"Violation", "Warning"}
    # ill-typed dates fail sh:datatype; a subclass (Jury < Organization) passes sh:class
    values = {(r.focus.rsplit("/", 1)[-1], r.component, r.value) for r in fast}
    assert (
        "s3",
        "DatatypeConstraintComponent",
        '"2013-02-30"^^<http://www.w3.org/2001/XMLSchema#date>',
    ) in values
    assert not any(
        r.value and "jury/j1" in r.value and r.component == "ClassConstraintComponent" for r in fast
    )


def test_sparql_message_substitution(broken: tuple[list, list]) -> None:
    fast, _ref = broken
    msgs = {r.message for r in fast if r.shape.endswith("Conferral-dateInYear")}
    assert msgs == {
        "the presentation day 2012-05-05 is not in the conferral's year 2013",
        "the presentation day 2012-05-05 is not in the conferral's year 2014",
    }


def test_valid_repository_data(tmp_path: Path) -> None:
    shutil.copytree(REPO / "data", tmp_path / "data")
    project = open_project(tmp_path)
    meta = load_metadata(project)
    public, _ = apply_policy(load_records(project.root, project.data_dir, meta.language))
    store = encode(public, meta)
    before = sorted(store.dump(format=ox.RdfFormat.N_QUADS).splitlines())
    fast, ref = _both(store)
    assert _keys(fast) == _keys(ref)
    assert not [r for r in fast if r.severity == "Violation"]
    # the temporary ontology graph is gone: the store is as it was
    assert sorted(store.dump(format=ox.RdfFormat.N_QUADS).splitlines()) == before


def _load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_1000_conferrals_with_violations(tmp_path: Path) -> None:
    counts = _load_generator().generate(1000, tmp_path / "p", seed=7, violations=0.05)
    project = open_project(tmp_path / "p")
    meta = load_metadata(project)
    public, withheld = apply_policy(load_records(project.root, project.data_dir, meta.language))
    assert withheld.fields > 0  # private telephone numbers were withheld
    store = encode(public, meta)
    fast, ref = _both(store)
    assert _keys(fast) == _keys(ref)
    by_shape = Counter(r.shape.rsplit("#", 1)[-1] for r in fast)
    assert by_shape["Conferral-dateInYear"] == counts["violations_date"] > 0
    assert by_shape["Sourced-source"] == counts["violations_sources"] > 0
    assert fast == sorted(
        fast, key=lambda r: tuple("" if x is None else "\x01" + x for x in (*r.key(), r.message))
    )


EXTRA_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <http://schema.org/> .
@prefix ex: <https://example.org/shapes#> .
ex:ShortNames a sh:NodeShape ; sh:targetClass schema:Place ;
    sh:property [ sh:path schema:name ; sh:maxLength 3 ; sh:message "name too long"@en ] .
"""


def test_unsupported_feature_is_refused_up_front_and_auto_falls_back() -> None:
    shapes = _shapes()
    shapes.parse(data=EXTRA_SHAPE, format="turtle")
    with pytest.raises(UnsupportedShape) as exc:
        compile_shapes(shapes)
    assert ("https://example.org/shapes#ShortNames", "maxLength") in exc.value.items
    assert "unsupported: https://example.org/shapes#ShortNames, maxLength" in str(exc.value)
    store = _store_from_turtle((HERE / "broken.ttl").read_text(encoding="utf-8"))
    with pytest.raises(UnsupportedShape):
        validate_fast(store, shapes, _ontology())
    assert "urn:x-hrd-lod:validation:ontology" not in {g.value for g in store.named_graphs()}
    outcome = validate_auto(store, shapes, _ontology())
    assert outcome.engine == "pyshacl"
    assert "maxLength" in (outcome.fallback_reason or "")
    assert any(r.message == "name too long" for r in outcome.results)
    ref = run_pyshacl(to_rdflib(union_lines(store)), shapes, _ontology())
    assert _keys(outcome.results) == _keys(ref)


def test_auto_uses_the_fast_engine_when_it_can() -> None:
    store = _store_from_turtle((HERE / "broken.ttl").read_text(encoding="utf-8"))
    outcome = validate_auto(store, _shapes(), _ontology())
    assert outcome.engine == "fast" and outcome.fallback_reason is None
    assert outcome.results == validate_fast(store, _shapes(), _ontology())


def test_literals_rdflib_would_rewrite_make_the_fast_path_refuse() -> None:
    store = _store_from_turtle(
        "<https://w3id.org/hrd/id/source/s9> a <http://schema.org/CreativeWork> ; "
        "<http://schema.org/datePublished> "
        '"2013-10-08Z"^^<http://www.w3.org/2001/XMLSchema#date> .'
    )
    with pytest.raises(Unsupported, match="canonical form"):
        validate_fast(store, _shapes(), _ontology())
    outcome = validate_auto(store, _shapes(), _ontology())
    assert outcome.engine == "pyshacl"
    assert any(r.focus.endswith("source/s9") for r in outcome.results)


def test_blank_node_results_make_the_fast_path_refuse() -> None:
    store = _store_from_turtle("[] a <http://schema.org/Place> .")
    with pytest.raises(Unsupported, match="blank node"):
        validate_fast(store, _shapes(), _ontology())


@pytest.mark.parametrize(
    "query, problem",
    [
        ("SELECT $this WHERE { $this ?p ?o MINUS { $this a ?c } }", "MINUS"),
        ("SELECT $this WHERE { { SELECT $this WHERE { $this ?p ?o } } }", "nested SELECT"),
        ("SELECT ?value WHERE { $this ?p ?value }", "$this is not selected"),
        ("SELECT $this WHERE { { $this ?p ?o } UNION { ?o ?p $this } }", "nested groups"),
        ("SELECT $this (COUNT(?o) AS ?n) WHERE { $this ?p ?o }", "COUNT"),
    ],
)
def test_sparql_constraints_outside_the_subset_are_refused(query: str, problem: str) -> None:
    assert problem in (sparql_problem(query) or "")
    shapes = _shapes()
    node = rdflib.URIRef("https://example.org/shapes#S")
    c = rdflib.BNode()
    shapes.add((node, rdflib.RDF.type, SH.NodeShape))
    shapes.add((node, SH.targetClass, rdflib.URIRef("http://schema.org/Place")))
    shapes.add((node, SH.sparql, c))
    shapes.add((c, SH.select, rdflib.Literal(query)))
    shapes.add((c, SH.message, rdflib.Literal("m")))
    with pytest.raises(UnsupportedShape, match="sparql constraint"):
        compile_shapes(shapes)


def test_supported_sparql_shapes_pass_the_check() -> None:
    assert (
        sparql_problem(
            "SELECT $this ?value WHERE { $this <p> ?value . "
            "FILTER NOT EXISTS { ?value a <C> } OPTIONAL { $this <q> ?x } }"
        )
        is None
    )


def test_literal_check_reads_only_the_predicates_the_checks_read() -> None:
    from hrd_lod.validate.compile import query_predicates

    pfx = {"schema": "http://schema.org/"}
    assert query_predicates("SELECT $this WHERE { $this schema:name ?n ; a ?c }", pfx) == {
        "http://schema.org/name",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    }
    assert query_predicates("SELECT $this WHERE { $this ?p ?o }", pfx) is None
    # a non-canonical literal on a predicate no check reads does not stop the fast path
    store = _store_from_turtle(
        "<https://w3id.org/hrd/id/place/x> a <http://schema.org/Place> ; "
        '<http://schema.org/name> "X"@en ; <https://example.org/unchecked> '
        '"01"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    )
    fast, ref = _both(store)
    assert _keys(fast) == _keys(ref)
