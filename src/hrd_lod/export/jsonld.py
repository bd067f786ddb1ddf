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
from collections.abc import Iterable

import pyoxigraph as ox

from .. import vocab as V
from ..records.schema import TYPES, Kind

_XSD_STRING = V.XSD + "string"
_LANG_STRING = V.RDF + "langString"


def term_definitions() -> dict[str, tuple[str, str | None]]:
    """Return {term: (predicate IRI, coercion)} for every predicate of the data model.

    Coercion is "@id" for references, an XSD datatype IRI for dates and years, None otherwise.
    When two predicates share a local name, the award ontology's keeps the plain term.
    """
    found: dict[str, set[tuple[str, str | None]]] = {}
    extra = [(V.PROV + "wasDerivedFrom", "@id"), (V.hrd("derivedFor"), "@id"),
             (V.hrd("derivedProperty"), "@id"), (V.hrd("derivationMethod"), None)]
    for spec in TYPES.values():
        for p in spec.name_predicates:
            extra.append((p, None))
        for f in spec.fields:
            coercion = {Kind.REF: "@id", Kind.URL: "@id", Kind.DATE: V.XSD + "date",
                        Kind.YEAR: V.XSD + "gYear"}.get(f.kind)
            for p in f.predicates:
                extra.append((p, coercion))
    for iri, coercion in extra:
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        found.setdefault(local, set()).add((iri, coercion))
    out: dict[str, tuple[str, str | None]] = {}
    for local, options in sorted(found.items()):
        by_iri = {}
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
        self.prefixes = sorted(((v, k) for k, v in context.items() if isinstance(v, str)
                                and v.endswith(("/", "#"))), key=lambda x: -len(x[0]))
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
                suffix = iri[len(ns):]
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

    def entry(self, pred: str, obj: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[str,
                                                                                       object]:
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

    def literal_entry(self, pred: str, value: str, language: str | None,
                      dtype: str) -> tuple[str, object]:
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
            s = self.node_ref(t.subject)  # type: ignore[arg-type]
            if t.predicate.value == V.RDF_TYPE and isinstance(t.object, ox.NamedNode):
                key: str = "@type"
                value: object = self.iri(t.object.value)
            else:
                key, value = self.entry(t.predicate.value, t.object)  # type: ignore[arg-type]
            _add(nodes, s, key, value)
        return list(nodes.values())

    def graph_lines(self, lines: Iterable[bytes]) -> list[dict[str, object]]:
        """Return node objects for N-Triples lines as oxigraph writes them (sorted by subject).

        The same as ``graph`` over the parsed triples, without making term objects: subject
        and predicate are IRIs or blank nodes (no spaces), and a literal ends at its last
        quote (a language tag or a datatype IRI holds none).
        """
        nodes: dict[str, dict[str, object]] = {}
        last_s = ""
        s_ref = ""
        for raw in lines:
            line = raw.decode("utf-8")
            s, p, o = line.split(" ", 2)
            o = o[:-2]  # " ."
            if s != last_s:
                last_s = s
                s_ref = self.iri(s[1:-1]) if s[0] == "<" else s
            pred = p[1:-1]
            first = o[0]
            if first == '"':
                end = o.rindex('"')
                value = o[1:end]
                if "\\" in value:
                    value = unescape(value)
                rest = o[end + 1:]
                if rest[:1] == "@":
                    key, out = self.literal_entry(pred, value, rest[1:], _LANG_STRING)
                elif rest:
                    key, out = self.literal_entry(pred, value, None, rest[3:-1])
                else:
                    key, out = self.literal_entry(pred, value, None, _XSD_STRING)
            elif first == "<":
                if pred == V.RDF_TYPE:
                    key, out = "@type", self.iri(o[1:-1])
                else:
                    key, out = self.node_entry(pred, self.iri(o[1:-1]))
            else:  # a blank node, "_:..."
                key, out = self.node_entry(pred, o)
            _add(nodes, s_ref, key, out)
        return list(nodes.values())


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
_SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"',
                   "'": "'", "\\": "\\"}


def unescape(text: str) -> str:
    """Return the string an N-Triples string literal's body (between the quotes) stands for."""
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES[code]
    return _ESCAPE.sub(one, text)


def dumps(doc: object) -> bytes:
    """Return JSON bytes: UTF-8, sorted keys, final newline.

    A document with a ``@graph`` is laid out one node per line (the context indented): readable
    line by line, and written by json's C encoder, which an indent for every level would
    replace by the pure-Python one (several times slower on a large dataset).
    """
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        head = {k: v for k, v in doc.items() if k != "@graph"}
        parts = ["{"]
        for key in sorted(head):
            value = json.dumps(head[key], ensure_ascii=False, sort_keys=True, indent=2)
            parts.append(f"  {json.dumps(key)}: {value.replace(chr(10), chr(10) + '  ')},")
        nodes = [json.dumps(n, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
                 for n in doc["@graph"]]
        parts.append('  "@graph": [')
        parts.append(",\n".join("    " + n for n in nodes))
        parts.append("  ]\n}")
        return ("\n".join(parts) + "\n").encode()
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def document(triples: Iterable[ox.Triple], context: dict[str, object]) -> dict[str, object]:
    """Return a JSON-LD document (context inline, then @graph) for ``triples``."""
    return {"@context": context, "@graph": Compactor(context).graph(triples)}


def document_from_lines(lines: Iterable[bytes], context: dict[str, object]) -> dict[str, object]:
    """Return the JSON-LD document of ``document`` for N-Triples lines as oxigraph writes them."""
    return {"@context": context, "@graph": Compactor(context).graph_lines(lines)}
