"""Turtle and TriG written from sorted N-Triples lines, byte for byte as oxigraph writes them.

oxigraph's writer takes term objects: handing it 1.7 million triples means parsing the lines
into Python objects only for the writer to take them apart again (most of the time a dump
took). The layout is simple (a subject's triples in one statement, ``;`` between predicates,
``,`` between objects, a tab to indent, a named graph's statements one tab further in), and the
lines already hold every term in its N-Triples form, which is its Turtle form too, except that
an IRI under a prefix is written ``prefix:local``, ``rdf:type`` as ``a``, and a number or a
boolean bare. The common cases are done here; for any other IRI or literal (a local name that
needs escapes, two prefixes that match, a number) oxigraph itself is asked once, so the output
is what it writes in every case (tests compare the two on the datasets and on random terms).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from .. import vocab as V
from ..store import object_of, terms_of

#: A local name written as it is (anything else is left to oxigraph: escapes, dots, colons).
_PLAIN_LOCAL = re.compile(rb"[A-Za-z0-9_][A-Za-z0-9_-]*\Z")
#: Datatypes whose values oxigraph may write bare (when lexically valid).
_BARE_TYPES = frozenset(
    f"^^<{V.XSD}{t}>".encode() for t in ("integer", "decimal", "double", "boolean")
)
_RDF_TYPE = f"<{V.RDF_TYPE}>".encode()


def header(prefixes: dict[str, str]) -> bytes:
    """Return the ``@prefix`` lines (sorted) and the blank line that begin a dump."""
    return b"".join(f"@prefix {k}: <{v}> .\n".encode() for k, v in sorted(prefixes.items())) + b"\n"


class TurtleWriter:
    """Writes Turtle and TriG statements with a set of prefixes (terms memoised)."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self._namespaces = [(ns.encode(), name.encode()) for name, ns in prefixes.items()]
        # A namespace ending in "/" or "#" that holds no other: an IRI whose part up to its
        # last "/" or "#" is one of them is under that prefix only (when all end so).
        self._alone: dict[bytes, bytes] = {}
        if all(ns.endswith((b"/", b"#")) for ns, _name in self._namespaces):
            self._alone = {
                ns: name
                for ns, name in self._namespaces
                if not any(ns != other and ns.startswith(other) for other, _n in self._namespaces)
            }
        self._iris: dict[bytes, bytes] = {}
        self._literals: dict[bytes, bytes] = {}
        self._suffixes: dict[bytes, bytes | None] = {}
        self._predicates: dict[bytes, bytes] = {_RDF_TYPE: b"a"}

    # -- terms ----------------------------------------------------------------------------
    def iri(self, node: bytes) -> bytes:
        """Return the Turtle form of ``<iri>``."""
        token = self._iris.get(node)
        if token is None:
            token = self._iris[node] = self._compact(node)
        return token

    def _compact(self, node: bytes) -> bytes:
        iri = node[1:-1]
        cut = max(iri.rfind(b"/"), iri.rfind(b"#")) + 1
        name = self._alone.get(iri[:cut])
        if name is not None and _PLAIN_LOCAL.match(iri, cut):
            return name + b":" + iri[cut:]
        found = [(ns, name) for ns, name in self._namespaces if iri.startswith(ns)]
        if not found:
            return node
        if len(found) == 1 and _PLAIN_LOCAL.match(iri, len(found[0][0])):
            return found[0][1] + b":" + iri[len(found[0][0]) :]
        return self._oxigraph(node)

    def term(self, term: bytes) -> bytes:
        """Return the Turtle form of an N-Triples term (an IRI, a blank node or a literal)."""
        first = term[:1]
        if first == b"<":
            return self.iri(term)
        if first != b'"' or term[-1:] == b'"':  # a blank node, or a plain string
            return term
        end = term.rindex(b'"')
        suffix = term[end + 1 :]
        if suffix[:1] == b"@":
            return term
        written = self._suffixes.get(suffix, b"")
        if written == b"":
            written = self._suffixes[suffix] = (
                None if suffix in _BARE_TYPES else b"^^" + self.iri(suffix[2:])
            )
        if written is None:
            token = self._literals.get(term)
            if token is None:
                token = self._literals[term] = self._oxigraph(term)
            return token
        return term[: end + 1] + written

    def _oxigraph(self, term: bytes) -> bytes:
        """Return how oxigraph writes ``term`` (an object) with these prefixes."""
        line = b"<urn:x:s> <urn:x:p> " + term + b" .\n"
        triples = list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))
        out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes) or b""
        last = out.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        return object_of(last)  # the statement is one line: "S P O ."

    # -- statements -----------------------------------------------------------------------
    def statements(self, lines: Iterable[bytes], indent: bytes = b"") -> bytes:
        """Return the statements of sorted N-Triples lines (a subject's lines together)."""
        out: list[bytes] = []
        add = out.append
        iri, term, iris = self.iri, self.term, self._iris
        more = b" ;\n" + indent + b"\t"
        first: dict[bytes, bytes] = {}  # predicate -> "pred " (after a subject)
        then: dict[bytes, bytes] = {}  # predicate -> " ;\n\tpred " (after another predicate)
        last_s = last_p = b""
        for s, p, o in terms_of(lines):
            o = (iris.get(o) or iri(o)) if o[:1] == b"<" else term(o)
            if s == last_s:
                if p == last_p:
                    add(b" , " + o)
                    continue
                last_p = p
                pred = then.get(p)
                if pred is None:
                    pred = then[p] = more + self._predicate(p) + b" "
                add(pred + o)
                continue
            if last_s:
                add(b" .\n")
            last_s, last_p = s, p
            pred = first.get(p)
            if pred is None:
                pred = first[p] = self._predicate(p) + b" "
            add(indent + (iri(s) if s[:1] == b"<" else s) + b" " + pred + o)
        if last_s:
            add(b" .\n")
        return b"".join(out)

    def _predicate(self, p: bytes) -> bytes:
        return self._predicates.get(p) or self.iri(p)

    def turtle(self, lines: Iterable[bytes]) -> bytes:
        """Return a Turtle document of sorted N-Triples lines."""
        return header(self.prefixes) + self.statements(lines)

    def named_graph(self, graph: str, lines: Iterable[bytes]) -> bytes:
        """Return a named graph's TriG section (``<g> {`` ... ``}``), empty if no lines."""
        body = self.statements(lines, b"\t")
        if not body:
            return b""
        return self.iri(graph.encode("utf-8")) + b" {\n" + body + b"}\n"

    def trig(self, graphs: Iterable[tuple[str, list[bytes]]]) -> bytes:
        """Return a TriG document of (graph, sorted lines), the default graph ("") first."""
        parts = [header(self.prefixes)]
        for g, lines in graphs:
            parts.append(self.named_graph(g, lines) if g else self.statements(lines))
        return b"".join(parts)
