"""The fast validator: SHACL shapes compiled to SPARQL and run on the pyoxigraph store.

It reports exactly what the reference (pyshacl, ``reference.py``) reports: same severity, focus
node, path, constraint component, source shape, value and message. Each constraint is one query
over all focus nodes; Python only looks at the rows a query returns (violations, or the rare
candidates whose verdict depends on rdflib's literal parsing or Python's ``re``, which are
decided with the reference's own code). Shapes outside the compiled subset, and data whose
literals rdflib would rewrite (so the two engines would not see the same graph), raise
:class:`Unsupported`; :func:`validate_auto` then runs the reference instead, never skipping.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib.namespace import XSD

from ..errors import ShapesError
from .compile import (
    ROW_DATATYPE,
    ROW_PATTERN,
    ROW_PLAIN,
    ROW_SPARQL,
    Check,
    Unsupported,
    UnsupportedShape,
    compile_shapes,
    sparql_string,
)
from .literals import rewrites
from .reference import _s as value_string
from .report import Result

__all__ = ["Outcome", "Unsupported", "UnsupportedShape", "validate_auto", "validate_fast"]

#: The named graph the ontology is put in while the queries run (removed afterwards).
ONTOLOGY_GRAPH = ox.NamedNode("urn:x-hrd-lod:validation:ontology")
_XSD_STRING = str(XSD.string)


def to_rdflib_term(term: object) -> rdflib.term.Node:
    """Return the rdflib term rdflib's N-Triples parser makes of a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def _query(store: ox.Store, query: str) -> ox.QuerySolutions:
    return store.query(query, use_default_graph_as_union=True)  # type: ignore[return-value]


_ONE_FORM = {
    # A store literal of these datatypes and shapes can only have been written so: the store
    # keeps invalid values as written and writes valid ones back in this very form.
    str(XSD.date): re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    str(XSD.gYear): re.compile(r"^[0-9]{4}$"),
}


def may_be_rewritten(lit: ox.Literal) -> bool:
    """Return True if the store's typed literal ``lit`` may have been written in another form
    (the store keeps XSD values in a canonical form; other datatypes as written)."""
    iri = lit.datatype.value
    if not iri.startswith(str(XSD)) or iri == _XSD_STRING:
        return False
    shape = _ONE_FORM.get(iri)
    return shape is None or shape.match(lit.value) is None


def check_literals(store: ox.Store, predicates: frozenset[str] | None = None) -> bool:
    """Raise Unsupported if rdflib would rewrite a literal of the store (two engines, two graphs).

    rdflib normalises the lexical form of typed literals it can parse ("01"^^xsd:integer
    becomes "1"), which can merge two distinct literals; only datatypes it does not parse,
    strings, and dates already in canonical form are safe. With ``predicates``, only the
    values of those predicates are looked at (the ones the checks read).

    Returns whether any of those literals may have been written in another form than the
    store keeps (:func:`may_be_rewritten`): only then are the lines as written compared.
    """
    converters = rdflib.term.XSDToPython
    if predicates is None:
        pattern = "?s ?p ?o"
    else:
        values = " ".join(f"<{p}>" for p in sorted(predicates))
        pattern = f"VALUES ?p {{ {values} }} ?s ?p ?o"
    # One pass: every distinct typed literal the checks read (a few thousand distinct dates
    # and years at 100,000 conferrals), each looked at here.
    typed = [
        row[0]
        for row in _query(
            store,
            f"SELECT DISTINCT ?o WHERE {{ {pattern} FILTER(isLiteral(?o) && "
            f'DATATYPE(?o) != <{_XSD_STRING}> && LANG(?o) = "") }}',
        )
    ]
    bad: list[tuple[str, str]] = []
    date_form = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    for lit in sorted(typed, key=lambda t: (t.datatype.value, t.value)):
        iri = rdflib.URIRef(lit.datatype.value)
        if iri == XSD.string or iri not in converters:
            continue
        lex = lit.value
        if iri == XSD.date and date_form.match(lex):
            continue
        if str(rdflib.Literal(lex, datatype=iri)) != lex:
            bad.append(("data", f"the literal {lex!r}^^<{iri}> is not in canonical form"))
    if bad:
        raise Unsupported(bad)
    return any(may_be_rewritten(lit) for lit in typed)


def check_queries(checks: list[Check]) -> None:
    """Raise UnsupportedShape naming every shape whose compiled query pyoxigraph refuses to
    parse (a SPARQL constraint with a prefix it does not declare, say), before any runs."""
    empty = ox.Store()
    bad = []
    for check in checks:
        try:
            empty.query(check.query)
        except SyntaxError as exc:
            bad.append((check.shape, f"a SPARQL query pyoxigraph cannot parse ({exc})"))
    if bad:
        raise UnsupportedShape(bad)


def check_written(lines: list[bytes], checks: list[Check]) -> None:
    """Raise Unsupported if the store keeps a literal the checks read in another form than
    ``lines`` (the union as written, sorted) hold it, where that could change a result.

    The queries see the store's form. A new datatype ("01"^^xsd:int kept as xsd:integer)
    changes sh:datatype verdicts; a new lexical form of the same datatype ("1.0"^^xsd:decimal
    kept as "1") changes what sh:pattern, a SPARQL constraint or a node-level check reads, and
    two values written differently but kept as one change sh:minCount and sh:maxCount. Other
    checks (sh:datatype, sh:class, sh:nodeKind, counts) give the same verdicts on either form.
    """
    found = rewrites(lines)
    if not found:
        return
    every = any(c.predicates is None for c in checks)
    read: set[str] = set()
    lexical: set[str] = set()
    for c in checks:
        preds = set(c.predicates or ()) | ({c.path} if c.path else set())
        read |= preds | c.focus_predicates
        lexical |= c.focus_predicates
        if c.kind in (ROW_SPARQL, ROW_PATTERN) or c.path is None:
            lexical |= preds
    bad = []
    for r in found:
        if not every and r.predicate not in read:
            continue
        why = (
            "another datatype"
            if r.datatype_changed
            else "two values kept as one"
            if r.merged
            else "a check reads the lexical form"
            if every or r.predicate in lexical
            else None
        )
        if why:
            bad.append(
                ("data", f"the store keeps {r.written} as {r.stored} ({why}; <{r.predicate}>)")
            )
    if bad:
        raise Unsupported(bad)


def _datatype_ok(v: rdflib.term.Node, rule: rdflib.URIRef) -> bool:
    """Return pyshacl's verdict on one value for sh:datatype (its own code decides types)."""
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
    from rdflib.namespace import RDF, RDFS

    if not isinstance(v, rdflib.Literal):
        return False
    actual = DatatypeConstraintComponent._assert_actual_datatype  # noqa: SLF001
    if v.datatype == rule:
        return getattr(v, "ill_typed", None) is not True and actual(None, v, rule)  # type: ignore[arg-type]
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return actual(None, v, rule)  # type: ignore[arg-type]
    if rule == RDF.langString and v.language:
        return actual(None, v, rule)  # type: ignore[arg-type]
    return False


def _pattern_ok(v: rdflib.term.Node, pattern: str, flags: str) -> bool:
    """Return pyshacl's verdict on one value for sh:pattern."""
    from pyshacl.constraints.core.string_based_constraints import PatternConstraintComponent

    if isinstance(v, rdflib.BNode):
        return False
    re_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
    text = PatternConstraintComponent.value_node_to_string(v)
    return re.compile(pattern, re_flags).search(text) is not None


def _format(msg: str, fdict: dict[str, rdflib.term.Node]) -> str:
    # The same substitution pyshacl makes ({?var} and {$var}), including its use of re.sub.
    for var, val in fdict.items():
        msg = re.sub(f"{{[?$]{var}}}", str(val), msg)
    return msg


def _result(
    check: Check,
    focus: rdflib.term.Node,
    value: rdflib.term.Node | None,
    message: str | None = None,
    path: str | None = None,
) -> Result:
    if isinstance(focus, rdflib.BNode) or isinstance(value, rdflib.BNode):
        # rdflib renames blank nodes on parsing: the two engines could not name them alike.
        raise Unsupported([("data", "a validation result on a blank node")])
    return Result(
        severity=check.severity,
        focus=value_string(focus) or "",
        path=path if check.kind == ROW_SPARQL else check.path,
        component=check.component,
        shape=check.shape,
        value=value_string(value),
        message=message
        if message is not None
        else (check.messages[0] if check.messages else "constraint not satisfied"),
        hint=check.hint,
    )


def _run_check(store: ox.Store, check: Check, out: list[Result]) -> None:
    solutions = _query(store, check.query)
    if check.kind == ROW_SPARQL:
        _sparql_rows(check, solutions, out)
        return
    for row in solutions:
        focus = to_rdflib_term(row["this"])
        value = to_rdflib_term(row["v"]) if check.has_value else None
        if check.datatype is not None and value is not None and _datatype_ok(value, check.datatype):
            continue
        if check.pattern is not None and value is not None and _pattern_ok(value, *check.pattern):
            continue
        assert check.kind in (ROW_PLAIN, ROW_DATATYPE, ROW_PATTERN)
        out.append(_result(check, focus, value))


def _sparql_rows(check: Check, solutions: ox.QuerySolutions, out: list[Result]) -> None:
    names = [v.value for v in solutions.variables]
    seen: set[tuple[object, ...]] = set()
    for row in solutions:
        bound = {n: to_rdflib_term(row[n]) for n in names if row[n] is not None}
        t, p, v = bound.pop("this", None), bound.pop("path", None), bound.pop("value", None)
        if t is None and p is None and v is None:
            continue
        key = (t, p, v, tuple(sorted(bound.items())))
        if key in seen:
            continue
        seen.add(key)
        if v is None and check.is_node_shape:
            v = t
        fdict: dict[str, rdflib.term.Node] = dict(bound)
        for name, val in (("this", t), ("path", p), ("value", v)):
            if val is not None:
                fdict[name] = val
        messages = {_format(m, fdict) for m in check.messages + check.extra_messages}
        path = value_string(p) if isinstance(p, rdflib.URIRef) else None
        assert t is not None
        out.append(_result(check, t, v, message=min(messages) if messages else None, path=path))


def validate_fast(
    store: ox.Store,
    shapes: rdflib.Graph,
    ontology: rdflib.Graph,
    checks: list[Check] | None = None,
    *,
    written: list[bytes] | None = None,
    require_messages: bool = True,
) -> list[Result]:
    """Return pyshacl's results for the union of ``store``'s graphs plus ``ontology``, sorted.

    The ontology sits in a temporary named graph while the queries run, so ``sh:class`` and
    class targets follow its ``rdfs:subClassOf`` as pyshacl does with ``ont_graph``; the store
    is left as it was. Raises UnsupportedShape (before running anything) for shapes outside
    the compiled subset, and Unsupported for data the two engines would read differently,
    or (given ``written``, the union as N-Triples lines with the literals as written) for a
    checked literal the store keeps in another form than written.
    """
    if checks is None:
        checks = compile_shapes(shapes, require_messages=require_messages)
    check_queries(checks)
    if ONTOLOGY_GRAPH in set(store.named_graphs()):
        raise Unsupported([("data", f"the store already has a graph {ONTOLOGY_GRAPH.value}")])
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ONTOLOGY_GRAPH)
        for q in ox.parse(
            ontology.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES
        )
    )
    try:
        needed: set[str] | None = set()
        for c in checks:
            if c.predicates is None or needed is None:
                needed = None
            else:
                needed |= c.predicates | c.focus_predicates | ({c.path} if c.path else set())
        maybe = check_literals(store, frozenset(needed) if needed is not None else None)
        if written is not None and maybe:
            check_written(written, checks)
        out: list[Result] = []
        for check in checks:
            _run_check(store, check, out)
    finally:
        store.remove_graph(ONTOLOGY_GRAPH)
    return sort_results(out)


def sort_results(results: list[Result]) -> list[Result]:
    """Return results in a stable order (None sorts before any text)."""
    return sorted(
        results, key=lambda r: tuple("" if x is None else "\x01" + x for x in (*r.key(), r.message))
    )


class Outcome(NamedTuple):
    """What :func:`validate_auto` did: the results, the engine that ran, and why it fell back."""

    results: list[Result]
    engine: str
    fallback_reason: str | None = None


def validate_auto(
    store: ox.Store,
    shapes: rdflib.Graph,
    ontology: rdflib.Graph,
    *,
    written: list[bytes] | None = None,
) -> Outcome:
    """Return the results of the fast validator, or of pyshacl where the fast one refuses
    (on ``written``, the lines as written, when given)."""
    try:
        return Outcome(validate_fast(store, shapes, ontology, written=written), "fast")
    except Unsupported as exc:
        from ..store import to_rdflib, union_lines
        from .reference import run_pyshacl

        data = to_rdflib(written if written is not None else union_lines(store))
        try:
            results = run_pyshacl(data, shapes, ontology)
        except ShapesError as failed:
            raise ShapesError(
                f"no engine can run the shapes: the fast engine refuses them ({exc}); "
                f"{failed.message}",
                hint=failed.hint,
            ) from failed
        return Outcome(sort_results(results), "pyshacl", str(exc))


# Re-exported for callers that build their own queries in tests.
__all__ += ["sparql_string"]
