"""Random shapes and data from the features the fast engine claims, against pyshacl.

Hypothesis draws a node shape (one of each kind of target) with property shapes made of the
constraints ``docs/validation-fast.md`` lists as covered, and a small data graph whose values mix
IRIs, plain, language-tagged, typed and ill-typed literals. The fast engine must accept every
such pair (it claims these features) and report exactly pyshacl's results and messages.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrd_lod.store import new_store
from hrd_lod.validate.fast import validate_fast
from hrd_lod.validate.reference import run_pyshacl

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
HEAD = f"""@prefix ex: <{EX}> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <{XSD}> . @prefix rdf: <{RDF}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
NODES = [f"ex:n{i}" for i in range(5)]
PREDICATES = ["ex:p1", "ex:p2", "ex:p3"]
VALUES = NODES + [
    '"abc"',
    '"Abc"',
    '"b\\u00e9"',
    '"abc"@en',
    '"xyz"@EN',
    '"abc"@fr',
    '"1"^^xsd:integer',
    '"2020-01-01"^^xsd:date',
    '"2020-13-01"^^xsd:date',
    '"true"^^xsd:boolean',
    '"x"^^ex:custom',
]
TARGETS = [
    "sh:targetClass ex:A",
    "sh:targetClass ex:B",
    "sh:targetNode ex:n0, ex:n1",
    "sh:targetSubjectsOf ex:p1",
    "sh:targetObjectsOf ex:p2",
]
KINDS = ["IRI", "Literal", "BlankNode", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral"]
CONSTRAINTS = st.one_of(
    st.integers(0, 2).map(lambda n: f"sh:minCount {n}"),
    st.integers(0, 2).map(lambda n: f"sh:maxCount {n}"),
    st.sampled_from(["xsd:string", "xsd:integer", "xsd:date", "rdf:langString", "ex:custom"]).map(
        lambda d: f"sh:datatype {d}"
    ),
    st.sampled_from(KINDS).map(lambda k: f"sh:nodeKind sh:{k}"),
    st.tuples(st.sampled_from(["^a", "b", "c$", "^[a-z]+$"]), st.sampled_from(["", "i"])).map(
        lambda pf: f'sh:pattern "{pf[0]}"' + (f' ; sh:flags "{pf[1]}"' if pf[1] else "")
    ),
    st.sampled_from(["ex:A", "ex:B"]).map(lambda c: f"sh:class {c}"),
    st.just("sh:uniqueLang true"),
    st.sampled_from(["ex:A", "ex:B"]).map(
        lambda c: f"sh:or ( [ sh:class {c} ] [ sh:nodeKind sh:Literal ] )"
    ),
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, str]:
    """Return (data, shapes) as Turtle."""
    data = []
    for node in NODES:
        for cls in draw(st.lists(st.sampled_from(["ex:A", "ex:B", "ex:C"]), max_size=2)):
            data.append(f"{node} a {cls} .")
        for p in PREDICATES:
            for value in draw(st.lists(st.sampled_from(VALUES), max_size=3, unique=True)):
                data.append(f"{node} {p} {value} .")
    props = []
    for i in range(draw(st.integers(1, 3))):
        # one constraint of each kind per shape (a repeated sh:minCount is refused, as the
        # spec gives it no single meaning)
        constraints = draw(
            st.lists(CONSTRAINTS, min_size=1, max_size=2, unique_by=lambda c: c.split()[0])
        )
        severity = draw(st.sampled_from(["", " ; sh:severity sh:Warning"]))
        props.append(
            f"ex:S-{i} sh:path {draw(st.sampled_from(PREDICATES))} ; "
            + " ; ".join(constraints)
            + f' ; sh:message "m{i} {{$this}}"{severity} .'
        )
    node_constraint = draw(st.one_of(st.none(), CONSTRAINTS.filter(_node_level)))
    sparql = draw(st.lists(st.sampled_from(SPARQL), max_size=2, unique=True))
    shape = (
        f"ex:S a sh:NodeShape ; {draw(st.sampled_from(TARGETS))} ; "
        + " ; ".join(f"sh:property ex:S-{i}" for i in range(len(props)))
        + (f" ; {node_constraint}" if node_constraint else "")
        + "".join(f" ; sh:sparql ex:Q{SPARQL.index(q)}" for q in sparql)
        + ' ; sh:message "node {$this}" .'
    )
    queries = [
        f'ex:Q{SPARQL.index(q)} sh:message "q {{?value}}" ; sh:prefixes ex:P ; '
        f'sh:select """{q}""" .'
        for q in sparql
    ]
    prefixes = f'ex:P sh:declare [ sh:prefix "ex" ; sh:namespace "{EX}"^^xsd:anyURI ] .'
    return "\n".join(data), "\n".join([shape, *props, *queries, prefixes])


#: SHACL-SPARQL SELECT constraints of the covered kind (``$this`` selected, EXISTS/OPTIONAL)
SPARQL = [
    "SELECT $this ?value WHERE { $this ex:p1 ?value . FILTER (isLiteral(?value)) }",
    "SELECT $this ?value WHERE { $this ex:p2 ?value . FILTER NOT EXISTS { ?value a ex:A } }",
    "SELECT $this ?value WHERE { $this ex:p1 ?value . FILTER NOT EXISTS { $this ex:p3 ?value } }",
    "SELECT $this ?value ?x WHERE { $this ex:p3 ?value . OPTIONAL { ?value ex:p1 ?x } "
    "FILTER (!BOUND(?x)) }",
]


def _node_level(constraint: str) -> bool:
    return not constraint.startswith(("sh:minCount", "sh:maxCount", "sh:uniqueLang"))


ONTOLOGY = rdflib.Graph().parse(data=HEAD + "ex:B rdfs:subClassOf ex:A .", format="turtle")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_fast_equals_pyshacl_on_generated_shapes_and_data(case: tuple[str, str]) -> None:
    data, shapes_text = case
    triples = [q.triple for q in ox.parse((HEAD + data).encode(), format=ox.RdfFormat.TURTLE)]
    store = new_store(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    written = sorted({f"{t} .".encode() for t in triples})
    shapes = rdflib.Graph().parse(data=HEAD + shapes_text, format="turtle")
    fast = validate_fast(store, shapes, ONTOLOGY, written=written)
    data_graph = rdflib.Graph()
    data_graph.parse(data=b"\n".join(written).decode(), format="nt")
    ref = run_pyshacl(data_graph, shapes, ONTOLOGY)
    assert Counter((r.key(), r.message) for r in fast) == Counter((r.key(), r.message) for r in ref)
