"""JSON-LD written with the dataset's own context, without a general compaction algorithm.

The context is made from the data model (one term per predicate, typed by the field's kind),
so compaction is a lookup: a value whose form matches its term's coercion is written under the
term, anything else under the predicate's compact IRI with an explicit value object. The
result expands (with any JSON-LD processor) to exactly the graph it was made from; tests prove
it against pyld on every dump.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import IO

import pyoxigraph as ox

from .. import vocab as V
from ..records.schema import TYPES, Kind
from ..store import text_terms_of

_XSD_STRING = V.XSD + "string"
_LANG_STRING = V.RDF + "langString"


def term_definitions() -> dict[str, tuple[str, str | None]]:
    """Return {term: (predicate IRI, coercion)} for every predicate of the data model.

    Coercion is "@id" for references, an XSD datatype IRI for dates and years, None otherwise.
    When two predicates share a local name, the award ontology's keeps the plain term.
    """
    found: dict[str, set[tuple[str, str | None]]] = {}
    extra = [
        (V.PROV + "wasDerivedFrom", "@id"),
        (V.hrd("derivedFor"), "@id"),
        (V.hrd("derivedProperty"), "@id"),
        (V.hrd("derivationMethod"), None),
    ]
    for spec in TYPES.values():
        for p in spec.name_predicates:
            extra.append((p, None))
        for f in spec.fields:
            coercion = {
                Kind.REF: "@id",
                Kind.URL: "@id",
                Kind.DATE: V.XSD + "date",
                Kind.YEAR: V.XSD + "gYear",
                Kind.MONEY: "@id",
            }.get(f.kind)
            for p in f.predicates:
                extra.append((p, coercion))
    for iri, coercion in extra:
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        found.setdefault(local, set()).add((iri, coercion))
    out: dict[str, tuple[str, str | None]] = {}
    for local, options in sorted(found.items()):
        by_iri: dict[str, str | None] = {}
        for iri, coercion in sorted(options, key=lambda x: (x[0], x[1] or "")):
            by_iri.setdefault(iri, coercion)
        if len(by_iri) == 1:
            out[local] = next(iter(by_iri.items()))
        else:  # a clash: the award ontology's term keeps the short name
            for iri, coercion in by_iri.items():
                if iri.startswith(V.HRD):
                    out[local] = (iri, coercion)
    return out


def dataset_context(base_iri: str) -> dict[str, object]:
    """Return the dataset's JSON-LD @context (prefixes, then typed terms)."""
    ctx: dict[str, object] = dict(sorted(V.PREFIXES.items()))
    ctx["hrdid"] = base_iri + "id/"
    for term, (iri, coercion) in term_definitions().items():
        if term in ctx:
            continue
        if coercion is None:
            ctx[term] = iri
        else:
            ctx[term] = {"@id": iri, "@type": coercion}
    return ctx


class Compactor:
    """Compacts triples to node objects with a context of prefixes and typed terms."""

    def __init__(self, context: dict[str, object]) -> None:
        self.prefixes = sorted(
            ((v, k) for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))),
            key=lambda x: -len(x[0]),
        )
        self.terms: dict[str, tuple[str, str | None]] = {}
        for k, v in context.items():
            if isinstance(v, dict):
                self.terms[str(v["@id"])] = (k, str(v["@type"]))
            elif isinstance(v, str) and not v.endswith(("/", "#")):
                self.terms[v] = (k, None)
        self._cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        """Return the compact IRI (prefix:suffix) for ``iri``, or ``iri`` itself."""
        hit = self._cache.get(iri)
        if hit is not None:
            return hit
        out = iri
        for ns, prefix in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                suffix = iri[len(ns) :]
                if not suffix.startswith("//"):
                    out = f"{prefix}:{suffix}"
                    break
        self._cache[iri] = out
        return out

    def node_ref(self, term: ox.NamedNode | ox.BlankNode) -> str:
        """Return the @id string of a node."""
        if isinstance(term, ox.BlankNode):
            return "_:" + term.value
        return self.iri(term.value)

    def entry(self, pred: str, obj: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[str, object]:
        """Return (key, JSON value) for one predicate-object pair."""
        if isinstance(obj, (ox.NamedNode, ox.BlankNode)):
            return self.node_entry(pred, self.node_ref(obj))
        return self.literal_entry(pred, obj.value, obj.language, obj.datatype.value)

    def node_entry(self, pred: str, ref: str) -> tuple[str, object]:
        """Return (key, JSON value) for a predicate and a node's @id string."""
        term, coercion = self.terms.get(pred, (None, None))
        if term is not None and coercion == "@id":
            return term, ref
        return term if term and coercion is None else self.iri(pred), {"@id": ref}

    def literal_entry(
        self, pred: str, value: str, language: str | None, dtype: str
    ) -> tuple[str, object]:
        """Return (key, JSON value) for a predicate and a literal's parts."""
        term, coercion = self.terms.get(pred, (None, None))
        key = term if (term is not None and coercion is None) else self.iri(pred)
        if language:
            return key, {"@language": language, "@value": value}
        if term is not None and coercion == dtype:
            return term, value
        if dtype == _XSD_STRING:
            return key, value
        return key, {"@type": self.iri(dtype), "@value": value}

    def graph(self, triples: Iterable[ox.Triple]) -> list[dict[str, object]]:
        """Return node objects for triples (sorted by subject, as given)."""
        nodes: dict[str, dict[str, object]] = {}
        for t in triples:
            subject, obj = t.subject, t.object
            if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
                raise ValueError(f"quoted triples have no JSON-LD form here: {t}")
            s = self.node_ref(subject)
            if t.predicate.value == V.RDF_TYPE and isinstance(obj, ox.NamedNode):
                key: str = "@type"
                value: object = self.iri(obj.value)
            else:
                key, value = self.entry(t.predicate.value, obj)
            _add(nodes, s, key, value)
        return list(nodes.values())

    def graph_lines(self, lines: Iterable[bytes]) -> list[dict[str, object]]:
        """Return node objects for N-Triples lines as oxigraph writes them (sorted by subject).

        The same as ``graph`` over the parsed triples, without making term objects."""
        return list(self.nodes_of_lines(lines))

    def nodes_of_lines(self, lines: Iterable[bytes]) -> Iterator[dict[str, object]]:
        """Yield the node object of each subject of sorted N-Triples lines, in turn.

        Sorted lines hold each subject's triples together (a subject has no space), so a node
        is complete when the next subject starts. Subject and predicate are IRIs or blank
        nodes, and a literal ends at its last quote (a language tag or a datatype IRI holds
        none). The rules of ``node_entry`` and ``literal_entry`` are applied inline here (the
        hot loop of the JSON-LD dump); tests hold the two paths equal on random literals.
        """
        iris = self._cache
        keys: dict[str, tuple[str, str | None, str | None]] = {}  # predicate -> key, term, coercion
        node: dict[str, object] = {}
        last_s = ""
        for s, p, o in text_terms_of(lines):
            if s != last_s:
                if node:
                    yield node
                last_s = s
                node = {"@id": self.iri(s[1:-1]) if s[0] == "<" else s}
            pred = p[1:-1]
            known = keys.get(pred)
            if known is None:
                term, coercion = self.terms.get(pred, (None, None))
                key = term if (term is not None and coercion is None) else self.iri(pred)
                known = keys[pred] = (key, term, coercion)
            key, term, coercion = known
            first = o[0]
            out: object
            if first == '"':
                end = o.rindex('"')
                value = o[1:end]
                if "\\" in value:
                    value = unescape(value)
                rest = o[end + 1 :]
                if not rest:
                    out = value
                elif rest[0] == "@":
                    out = {"@language": rest[1:], "@value": value}
                elif term is not None and coercion == rest[3:-1]:
                    key, out = term, value
                else:
                    out = {"@type": self.iri(rest[3:-1]), "@value": value}
            elif first == "<":
                ref = o[1:-1]
                ref = iris.get(ref) or self.iri(ref)
                if pred == V.RDF_TYPE:
                    key, out = "@type", ref
                elif term is not None and coercion == "@id":
                    key, out = term, ref
                else:
                    out = {"@id": ref}
            else:  # a blank node, "_:..."
                ref = o
                if term is not None and coercion == "@id":
                    key, out = term, ref
                else:
                    out = {"@id": ref}
            prev = node.get(key)
            if prev is None:
                node[key] = out
            elif type(prev) is list:
                prev.append(out)
            else:
                node[key] = [prev, out]
        if node:
            yield node


def _add(nodes: dict[str, dict[str, object]], subject: str, key: str, value: object) -> None:
    node = nodes.get(subject)
    if node is None:
        node = nodes[subject] = {"@id": subject}
    prev = node.get(key)
    if prev is None:
        node[key] = value
    elif isinstance(prev, list):
        prev.append(value)
    else:
        node[key] = [prev, value]


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def unescape(text: str) -> str:
    """Return the string an N-Triples string literal's body (between the quotes) stands for."""

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES[code]

    return _ESCAPE.sub(one, text)


def node_json(node: object) -> str:
    """Return a node object as one line of a ``@graph`` (sorted keys, UTF-8 as is)."""
    return json.dumps(node, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def _graph_head(head: dict[str, object]) -> str:
    parts = ["{"]
    for key in sorted(head):
        value = json.dumps(head[key], ensure_ascii=False, sort_keys=True, indent=2)
        parts.append(f"  {json.dumps(key)}: {value.replace(chr(10), chr(10) + '  ')},")
    parts.append('  "@graph": [\n')
    return "\n".join(parts)


def dumps(doc: object) -> bytes:
    """Return JSON bytes: UTF-8, sorted keys, final newline.

    A document with a ``@graph`` is laid out one node per line (the context indented): readable
    line by line, and written by json's C encoder, which an indent for every level would
    replace by the pure-Python one (several times slower on a large dataset).
    """
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        head = {k: v for k, v in doc.items() if k != "@graph"}
        nodes = ",\n".join("    " + node_json(n) for n in doc["@graph"])
        return (_graph_head(head) + nodes + "\n  ]\n}\n").encode()
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def write_graph_document(out: IO[bytes], head: dict[str, object], nodes: Iterable[object]) -> None:
    """Write what ``dumps`` returns for ``{**head, "@graph": list(nodes)}``, a node at a time
    (the nodes are never all in memory)."""
    out.write(_graph_head(head).encode())
    batch: list[str] = []
    sep = "    "
    for node in nodes:
        batch.append(sep + node_json(node))
        sep = ",\n    "
        if len(batch) == 4096:
            out.write("".join(batch).encode())
            batch.clear()
    out.write(("".join(batch) + "\n  ]\n}\n").encode())


def document(triples: Iterable[ox.Triple], context: dict[str, object]) -> dict[str, object]:
    """Return a JSON-LD document (context inline, then @graph) for ``triples``."""
    return {"@context": context, "@graph": Compactor(context).graph(triples)}
