"""The reference validator: pyshacl over an rdflib copy of the union graph."""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from rdflib.namespace import SH

from ..errors import ShapesError
from .report import Result


def _s(node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return node.n3()
    if isinstance(node, rdflib.BNode):
        return "_:" + str(node)
    return str(node)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def shape_name(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    """Return a stable name for a shape: its IRI, or for a blank node a description of it."""
    if isinstance(node, rdflib.URIRef):
        return str(node)
    # A blank shape (inside sh:or, say) is named after the named shape that holds it.
    for parent in shapes.subjects(None, node):
        if isinstance(parent, rdflib.URIRef):
            return str(parent)
    for lst in shapes.subjects(rdflib.RDF.first, node):
        for holder in shapes.transitive_subjects(rdflib.RDF.rest, lst):
            for parent in shapes.subjects(None, holder):
                return shape_name(shapes, parent)
    return "_:blank-shape"


def run_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> list[Result]:
    """Return the results of validating ``data`` with pyshacl (SHACL core and SPARQL)."""
    import pyshacl

    try:
        _conforms, results_graph, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=False,
            meta_shacl=False,
        )
    except Exception as exc:  # noqa: BLE001 - pyshacl and rdflib raise bare Exceptions too
        # A shape pyshacl cannot load or run (an unknown prefix in a SPARQL query, an
        # unsupported feature): the caller names the shapes files.
        raise ShapesError(_failure_text(exc)) from exc
    if not isinstance(results_graph, rdflib.Graph):
        # pyshacl reports some failures (unsupported SPARQL, a bad pre-binding) as a
        # ValidationFailure in place of the results graph.
        raise ShapesError(_failure_text(results_graph))
    return list(results_from_graph(results_graph, shapes))


def _failure_text(failure: object) -> str:
    text = str(getattr(failure, "message", None) or failure).strip() or type(failure).__name__
    return f"pyshacl cannot run the shapes: {' '.join(text.split())}"


def results_from_graph(g: rdflib.Graph, shapes: rdflib.Graph) -> Iterable[Result]:
    """Yield a Result for every result of the report in a SHACL results graph.

    Only the report's own ``sh:result`` values: pyshacl also types the nested results it
    gives as ``sh:detail`` (why an ``sh:node`` failed) ``sh:ValidationResult``, and those are
    not results of the data graph.
    """
    reports = list(g.subjects(rdflib.RDF.type, SH.ValidationReport))
    nodes = {r for report in reports for r in g.objects(report, SH.result)}
    for res in sorted(nodes, key=lambda n: n.n3()):
        severity = _local(str(g.value(res, SH.resultSeverity)))
        path = g.value(res, SH.resultPath)
        source_shape = g.value(res, SH.sourceShape)
        constraint = g.value(res, SH.sourceConstraint)
        if isinstance(constraint, rdflib.URIRef):
            # A named SPARQL constraint is more precise than the node shape that holds it.
            source_shape = constraint
        shape_iri = shape_name(shapes, source_shape) if source_shape is not None else ""
        hint = shapes.value(rdflib.URIRef(shape_iri), SH.description) if shape_iri else None
        messages = sorted(str(m) for m in g.objects(res, SH.resultMessage))
        yield Result(
            severity=severity,
            focus=_s(g.value(res, SH.focusNode)) or "",
            path=_s(path) if isinstance(path, rdflib.URIRef) else None,
            component=_local(str(g.value(res, SH.sourceConstraintComponent))),
            shape=shape_iri,
            value=_s(g.value(res, SH.value)),
            message=messages[0] if messages else "constraint not satisfied",
            hint=str(hint) if hint is not None else None,
        )
