"""Which shapes judge a focus node by its own triples alone (and the types of its values).

A focus node whose triples changed can then be validated on a small store holding only its
triples and the types of what it points to: property shapes on its own triples, ``sh:class``
on their values, and SPARQL constraints that read only ``$this``'s triples and its values'
types (checked on the query's algebra). The incremental build (``hrd_lod.incremental``) asks
this before validating only the changed subjects.
"""

from __future__ import annotations

from pathlib import Path

from .shapes import shapes_graph


def local_query(text: str, prefixes: dict[str, str]) -> bool:
    """Return True when a SPARQL constraint only reads ``$this``'s triples and the types of
    their objects."""
    from rdflib import RDF, URIRef, Variable
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(text.replace("$this", "?this"), initNs=prefixes).algebra
    except Exception:  # noqa: BLE001 - any parse problem: not provably local
        return False
    triples: list[tuple[object, object, object]] = []
    stack: list[object] = [algebra]
    while stack:
        node = stack.pop()
        name = getattr(node, "name", "")
        if name in ("Graph", "ServiceGraphPattern", "Group", "AggregateJoin", "SubSelect") or (
            isinstance(name, str) and name.startswith("Aggregate_")
        ):
            return False
        if isinstance(node, dict):
            if name == "BGP":
                triples.extend(node.get("triples", ()))
            stack.extend(v for k, v in node.items() if k != "triples")
        elif isinstance(node, list | tuple):
            stack.extend(node)
    this = Variable("this")
    values = {o for s, _p, o in triples if s == this and isinstance(o, Variable)}
    for s, p, _o in triples:
        if not isinstance(p, URIRef):
            return False
        if s != this and not (s in values and p == RDF.type):
            return False
    return True


def nonlocal_reason(shapes_files: list[Path], base_iri: str) -> str | None:
    """Return why the shapes may look beyond a focus node's own triples (None if they don't)."""
    from rdflib.namespace import SH

    graph = shapes_graph(shapes_files, base_iri)
    if any(graph.triples((None, SH.targetObjectsOf, None))):
        return "a shape targets the objects of a property"
    for pred in (
        SH.node,
        SH.qualifiedValueShape,
        SH["not"],
        SH["and"],
        SH.xone,
        SH.equals,
        SH.disjoint,
        SH.lessThan,
        SH.lessThanOrEquals,
        SH.closed,
    ):
        if any(graph.triples((None, pred, None))):
            return f"a shape uses {pred.n3(graph.namespace_manager)}"
    for _s, _p, path in graph.triples((None, SH.path, None)):
        if not isinstance(path, type(SH.path)):
            return "a shape has a path that is not a single property"
    rows = graph.query(
        "SELECT ?p ?n WHERE { ?d <http://www.w3.org/ns/shacl#prefix> ?p ; "
        "<http://www.w3.org/ns/shacl#namespace> ?n }"
    )
    prefixes = {str(row[0]): str(row[1]) for row in rows if isinstance(row, tuple)}
    for _s, _p, text in graph.triples((None, SH.select, None)):
        if not local_query(str(text), prefixes):
            return "a SPARQL constraint looks beyond $this and the types of its values"
    return None
