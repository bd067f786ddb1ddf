"""Our own SHACL cases for what the W3C suite lacks, run like the suite through every engine.

Custom constraint components with ``sh:select`` and ``sh:ask`` validators, derived integer
types and other literals the store keeps in another form than written, regex flags ``s`` and
``x``, and complex paths. Each case is one Turtle text (data and shapes) and the results the
SHACL spec gives; the same rules as ``test_w3c_suite.py``: fast matches or refuses, auto is
right (from the fast path, or after a stated fallback), the reference is right or
``w3c.PYSHACL_DIVERGES`` (the one list) names how pyshacl diverges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest
import rdflib

from hrd_lod.store import new_store
from hrd_lod.validate import run_engine
from hrd_lod.validate.fast import Unsupported, validate_fast

from .w3c import actual, differences, diverges

PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Own:
    """A case: data and shapes in one Turtle text, the spec's results, pyshacl's divergence."""

    name: str
    turtle: str
    expected: list[tuple[str, ...]]
    #: words the fast engine's refusal must contain (it must refuse: None, it may run)
    refusal: str | None = None
    engines: tuple[str, ...] = field(default=("reference", "fast", "fast-results", "auto"))

    def load(self) -> tuple[ox.Store, list[bytes], rdflib.Graph]:
        text = (PREFIXES + self.turtle).encode()
        triples = [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]
        store = new_store(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        written = sorted({f"{t} .".encode() for t in triples})
        return store, written, rdflib.Graph().parse(data=text, format="turtle")


def v(focus: str, component: str, shape: str, value: str = "", path: str = "") -> tuple[str, ...]:
    """Return an expected Violation key (ex: names abbreviated)."""

    def x(s: str) -> str:
        return EX + s[3:] if s.startswith("ex:") else s

    return ("Violation", x(focus), x(path), component, x(shape), x(value))


CUSTOM_SELECT = """
ex:HasPrefix a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:prefix ] ;
    sh:propertyValidator [ a sh:SPARQLSelectValidator ;
        sh:message "{?value} does not start with {$prefix}" ;
        sh:select '''SELECT $this ?value WHERE { $this $PATH ?value .
            FILTER (!STRSTARTS(STR(?value), $prefix)) }''' ] .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property ex:S-code .
ex:S-code sh:path ex:code ; ex:prefix "HR-" ; sh:message "bad code" .
ex:a a ex:Thing ; ex:code "HR-1" .
ex:b a ex:Thing ; ex:code "XX-2" .
"""

CUSTOM_ASK = """
ex:IsEven a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:even ] ;
    sh:validator [ a sh:SPARQLAskValidator ;
        sh:message "not even" ;
        sh:ask "ASK { FILTER (!$even || ?value / 2 = FLOOR(?value / 2)) }" ] .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property ex:S-n .
ex:S-n sh:path ex:n ; ex:even true ; sh:message "odd" .
ex:a a ex:Thing ; ex:n 2 .
ex:b a ex:Thing ; ex:n 3 .
"""

DERIVED = """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property ex:S-i, ex:S-b, ex:S-nn, ex:S-t, ex:S-d .
ex:S-i sh:path ex:i ; sh:datatype xsd:int ; sh:message "not an int" .
ex:S-b sh:path ex:b ; sh:datatype xsd:byte ; sh:message "not a byte" .
ex:S-nn sh:path ex:nn ; sh:datatype xsd:nonNegativeInteger ; sh:message "not nni" .
ex:S-t sh:path ex:t ; sh:datatype xsd:boolean ; sh:message "not a boolean" .
ex:S-d sh:path ex:d ; sh:datatype xsd:decimal ; sh:message "not a decimal" .
ex:good a ex:Thing ; ex:i "01"^^xsd:int ; ex:b "5"^^xsd:byte ; ex:nn "7"^^xsd:nonNegativeInteger ;
    ex:t "1"^^xsd:boolean ; ex:d "1.0"^^xsd:decimal .
ex:bad a ex:Thing ; ex:i "2"^^xsd:integer ; ex:b "300"^^xsd:byte ;
    ex:nn "-1"^^xsd:nonNegativeInteger .
"""

FLAG_S = """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:S-t .
ex:S-t sh:path ex:text ; sh:pattern "^a.b$" ; sh:flags "s" ; sh:message "no match" .
ex:a a ex:Thing ; ex:text "a\\nb" .
ex:b a ex:Thing ; ex:text "ab" .
"""

FLAG_X = """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:S-t .
ex:S-t sh:path ex:text ; sh:pattern "^a b c$" ; sh:flags "x" ; sh:message "no match" .
ex:a a ex:Thing ; ex:text "abc" .
ex:b a ex:Thing ; ex:text "a b c" .
"""

PATHS = """
ex:S a sh:NodeShape ; sh:targetClass ex:Award ; sh:property ex:S-inv, ex:S-seq .
ex:S-inv sh:path [ sh:inversePath ex:award ] ; sh:minCount 1 ; sh:message "never conferred" .
ex:S-seq sh:path ( ex:jury ex:member ) ; sh:minCount 1 ; sh:message "no juror" .
ex:a a ex:Award ; ex:jury ex:j .
ex:j ex:member ex:p .
ex:c ex:award ex:a .
ex:b a ex:Award ; ex:jury ex:k .
"""

LEXICAL_DATATYPE = """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:S-t, ex:S-d .
ex:S-t sh:path ex:t ; sh:datatype xsd:boolean ; sh:message "not a boolean" .
ex:S-d sh:path ex:d ; sh:datatype xsd:decimal ; sh:message "not a decimal" .
ex:good a ex:Thing ; ex:t "1"^^xsd:boolean ; ex:d "1.0"^^xsd:decimal .
ex:bad a ex:Thing ; ex:t "true"^^xsd:boolean ; ex:d "1,5"^^xsd:decimal .
"""

LEXICAL_PATTERN = """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:S-d .
ex:S-d sh:path ex:d ; sh:pattern "^[0-9]+[.][0-9]$" ; sh:message "one decimal digit" .
ex:a a ex:Thing ; ex:d "1.0"^^xsd:decimal .
ex:b a ex:Thing ; ex:d "2.50"^^xsd:decimal .
"""

MERGED = """
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:S-d .
ex:S-d sh:path ex:d ; sh:maxCount 1 ; sh:message "one amount" .
ex:a a ex:Thing ; ex:d "1.0"^^xsd:decimal, "1.00"^^xsd:decimal .
"""

CASES = [
    Own(
        "same-datatype-rewrites-with-datatype-checks-stay-fast",
        LEXICAL_DATATYPE,
        [v("ex:bad", "DatatypeConstraintComponent", "ex:S-d", f'"1,5"^^<{XSD}decimal>', "ex:d")],
    ),
    Own(
        "lexical-form-read-by-a-pattern",
        LEXICAL_PATTERN,
        [v("ex:b", "PatternConstraintComponent", "ex:S-d", f'"2.50"^^<{XSD}decimal>', "ex:d")],
        refusal="a check reads the lexical form",
    ),
    Own(
        "two-values-kept-as-one",
        MERGED,
        [v("ex:a", "MaxCountConstraintComponent", "ex:S-d", path="ex:d")],
        refusal="two values kept as one",
    ),
    Own(
        "custom-component-select",
        CUSTOM_SELECT,
        [v("ex:b", "HasPrefix", "ex:S-code", '"XX-2"', path="ex:code")],
        refusal="custom constraint component",
    ),
    Own(
        "custom-component-ask",
        CUSTOM_ASK,
        [v("ex:b", "IsEven", "ex:S-n", f'"3"^^<{XSD}integer>', path="ex:n")],
        refusal="custom constraint component",
    ),
    Own(
        "derived-integer-types-as-written",
        DERIVED,
        [
            v("ex:bad", "DatatypeConstraintComponent", "ex:S-i", f'"2"^^<{XSD}integer>', "ex:i"),
            v("ex:bad", "DatatypeConstraintComponent", "ex:S-b", f'"300"^^<{XSD}byte>', "ex:b"),
            v(
                "ex:bad",
                "DatatypeConstraintComponent",
                "ex:S-nn",
                f'"-1"^^<{XSD}nonNegativeInteger>',
                "ex:nn",
            ),
        ],
        refusal="the store keeps",
    ),
    Own(
        "pattern-flag-s",
        FLAG_S,
        [],
        refusal="flags 's'",
    ),
    Own(
        "pattern-flag-x",
        FLAG_X,
        [v("ex:b", "PatternConstraintComponent", "ex:S-t", '"a b c"', "ex:text")],
        refusal="flags 'x'",
    ),
    Own(
        "complex-paths",
        PATHS,
        [
            v("ex:b", "MinCountConstraintComponent", "ex:S-inv"),
            v("ex:b", "MinCountConstraintComponent", "ex:S-seq"),
        ],
        refusal="a path that is not a single IRI",
    ),
]


def _params() -> list:
    out = []
    for case in CASES:
        for engine in case.engines:
            marks = []
            reason = diverges(f"own/{case.name}", engine)
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=f"pyshacl: {reason}"))
            out.append(pytest.param(engine, case, id=f"{engine}:{case.name}", marks=marks))
    return out


@pytest.mark.parametrize(("engine", "case"), _params())
def test_own_case(engine: str, case: Own) -> None:
    store, written, shapes = case.load()
    ontology = rdflib.Graph()
    try:
        if engine == "fast-results":
            results = validate_fast(
                store, shapes, ontology, written=written, require_messages=False
            )
            used, reason = "fast", None
        else:
            results, used, reason = run_engine(engine, store, shapes, ontology, written=written)
    except Unsupported as exc:
        assert engine.startswith("fast"), f"{engine} raised {exc}"
        assert case.refusal and case.refusal in str(exc), f"refused for another reason: {exc}"
        return
    if engine.startswith("fast"):
        assert case.refusal is None, f"the fast engine ran a case it must refuse: {results}"
    if engine == "auto" and case.refusal:
        assert used == "pyshacl" and reason and case.refusal in reason
    missing, extra = differences(case.expected, actual(results, shapes), shapes)
    assert not missing and not extra, f"missing {missing}; unexpected {extra}"
