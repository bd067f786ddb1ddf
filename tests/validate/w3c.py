"""Read the W3C SHACL test suite (w3c/data-shapes) and run its cases through our engines.

The suite lives in ``../shared/test-suites/shacl/`` (never copied here): a manifest tree whose
entries name a data graph, a shapes graph and the expected validation report (or
``sht:Failure``). A case's results are compared as the suite means them: severity, focus node,
path, constraint component, source shape and value, with their multiplicity; messages are not
part of the suite. Blank nodes cannot be compared by label, so a blank focus node or value
matches any blank node, and a blank source shape that the shapes graph does not hold (the
expected report in another file than the shapes) matches any shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from hrd_lod.store import new_store
from hrd_lod.validate.reference import shape_name
from hrd_lod.validate.report import Result

#: Every case (the suite's by name, ours as ``own/NAME``) where pyshacl 0.40 with rdflib 7 does
#: not give the spec's answer, and why: the one list. The reference engine and auto (which falls
#: back to it: the fast engine refuses every one of these) are expected to fail them, strictly,
#: so that a fixed pyshacl shows up as an unexpected pass.
PYSHACL_DIVERGES: dict[str, str] = {
    "core/property/uniqueLang-002": (
        'sh:uniqueLang "1"^^xsd:boolean is not the value true the spec names, so the suite '
        "ignores the constraint; rdflib reads the shapes file and rewrites the literal as "
        '"true" before pyshacl (or our compiler, which reads the same rdflib graph) sees it'
    ),
    "sparql/node/prefixes-001": (
        "the query's prefix ex: is declared on an ontology the prefixes node reaches through "
        "owl:imports; pyshacl does not follow it and fails with 'Unknown namespace prefix'"
    ),
    "sparql/pre-binding/shapesGraph-001": (
        "pyshacl does not implement $shapesGraph in SPARQL constraints (NotImplementedError)"
    ),
    "own/custom-component-ask": (
        "pyshacl leaves sh:value out of the results of an ASK validator; the spec (6.3.2) gives "
        "the value node"
    ),
    "own/pattern-flag-s": (
        "pyshacl reads only the flags i and m: with 's' ignored, '.' does not match the newline "
        "and it reports ex:a"
    ),
    "own/pattern-flag-x": (
        "pyshacl reads only the flags i and m: with 'x' ignored, the pattern's spaces must "
        "match, so it reports ex:a and not ex:b"
    ),
}

#: The engines that fail a divergent case (default: reference and auto). uniqueLang-002's
#: rewrite happens in the rdflib graph every engine reads, so the fast engine comparing results
#: only (which does not refuse it for a missing sh:message) fails it too.
DIVERGENT_ENGINES: dict[str, tuple[str, ...]] = {
    "core/property/uniqueLang-002": ("reference", "auto", "fast-results")
}


def diverges(name: str, engine: str) -> str | None:
    """Return why pyshacl gives another answer than the spec for this case and engine."""
    reason = PYSHACL_DIVERGES.get(name)
    if reason and engine in DIVERGENT_ENGINES.get(name, ("reference", "auto")):
        return reason
    return None


MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
ANY = "*"


@dataclass(frozen=True)
class Case:
    """One entry of the suite: its name (``core/node/class-001``) and files."""

    name: str
    manifest: Path
    node: rdflib.URIRef
    data: Path
    shapes: Path

    def load(self) -> tuple[ox.Store, list[bytes], rdflib.Graph]:
        """Return the data as a store and as N-Triples lines as written, and the shapes."""
        triples = [
            q.triple
            for q in ox.parse(
                path=str(self.data), format=ox.RdfFormat.TURTLE, base_iri=self.data.as_uri()
            )
        ]
        store = new_store(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        written = sorted({f"{t} .".encode() for t in triples})
        shapes = rdflib.Graph().parse(self.shapes, format="turtle", publicID=self.shapes.as_uri())
        return store, written, shapes

    def expected(self, shapes: rdflib.Graph) -> list[tuple[str, ...]] | None:
        """Return the expected result keys, or None where the suite expects a failure."""
        g = rdflib.Graph().parse(self.manifest, format="turtle", publicID=self.manifest.as_uri())
        report = g.value(self.node, MF.result)
        if report == SHT.Failure:
            return None
        out = []
        for r in g.objects(report, SH.result):
            source = g.value(r, SH.sourceShape)
            if isinstance(source, rdflib.BNode) and (source, None, None) not in shapes:
                shape = ANY
            else:
                shape = shape_name(shapes, source) if source is not None else ""
            path = g.value(r, SH.resultPath)
            out.append(
                (
                    _local(g.value(r, SH.resultSeverity)),
                    _term(g.value(r, SH.focusNode)) or "",
                    str(path) if isinstance(path, rdflib.URIRef) else "",
                    _local(g.value(r, SH.sourceConstraintComponent)),
                    shape,
                    _term(g.value(r, SH.value)) or "",
                )
            )
        return sorted(out)


def _local(node: object) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _term(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.BNode):
        return "_:"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    return str(node)


def _text(value: str | None) -> str:
    if value is None:
        return ""
    if value.startswith("_:"):
        return "_:"
    if value.startswith('"'):
        # Our results hold a literal's N3 from rdflib; parse it again so that both sides
        # went through rdflib's reading of the lexical form.
        from rdflib.util import from_n3

        node = from_n3(value)
        return node.n3() if isinstance(node, rdflib.Literal) else value
    return value


def actual(results: list[Result], shapes: rdflib.Graph) -> list[tuple[str, ...]]:
    """Return our engine's results as the keys :meth:`Case.expected` gives."""
    return sorted(
        (
            r.severity,
            _text(r.focus),
            r.path or "",
            r.component,
            r.shape,
            _text(r.value),
        )
        for r in results
    )


def differences(
    expected: list[tuple[str, ...]], got: list[tuple[str, ...]], shapes: rdflib.Graph
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Return (expected results not reported, reported results not expected).

    A result names a SPARQL constraint with an IRI as its shape where the suite names the
    node shape that holds it (``reference.results_from_graph``): both are accepted.
    """
    left = list(got)
    missing = []
    for key in expected:
        allowed = {key[4]}
        if key[4] != ANY:
            allowed |= {
                str(c)
                for c in shapes.objects(rdflib.URIRef(key[4]), SH.sparql)
                if isinstance(c, rdflib.URIRef)
            }
        for i, have in enumerate(left):
            if have[:4] == key[:4] and have[5] == key[5] and (key[4] == ANY or have[4] in allowed):
                del left[i]
                break
        else:
            missing.append(key)
    return missing, left


def cases(root: Path) -> Iterator[Case]:
    """Yield every entry of the manifest at ``root`` and the manifests it includes."""
    yield from _entries(root / "manifest.ttl", root)


def _entries(manifest: Path, root: Path) -> Iterator[Case]:
    g = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    for inc in sorted(g.objects(None, MF.include), key=str):
        yield from _entries(_path(inc), root)
    for lst in g.objects(None, MF.entries):
        for entry in rdflib.collection.Collection(g, lst):
            if (entry, RDF.type, SHT.Validate) not in g:
                continue
            action = g.value(entry, MF.action)
            name = str(entry).removeprefix(root.as_uri() + "/")
            yield Case(
                name,
                manifest,
                rdflib.URIRef(str(entry)),
                _path(g.value(action, SHT.dataGraph)),
                _path(g.value(action, SHT.shapesGraph)),
            )


def _path(iri: object) -> Path:
    return Path(str(iri).removeprefix("file://"))
